"""The trend workbook as table descriptions (tables.Table), written by xlsx.write_workbook.

Sheets: 趋势图 (the chart data, period by period, and two line charts), 累计 (every indicator of
every scope, one column per period), 当月 (the month figures of the flows), 说明, and 合计数据: the
scope sums of every period and every month, one block of rows each, which every figure is a
formula over (indicators.ExcelFormulas, through tables.Figures, as in the summary).
"""
from __future__ import annotations

from dataclasses import dataclass

from .disclosure import LOSS_FIGURES
from .indicators import ALL, SEI, Results, indicators
from .rounding import NULL_DISPLAY, WITHHELD_DISPLAY, rounded
from .tables import (
    COUNT_KEYS,
    Cell,
    Chart,
    Figures,
    Header,
    Table,
    _key_order,
    _sum_label,
    _sum_value,
    _unit_below,
    address,
    blank,
)

SUMS_SHEET = "合计数据"
CHART_SIZE = (400, 320)  # pixels: two charts side by side on a landscape A4 page of their own
SUMS_FIRST_KEY = 5
SUMS_NOTE = ("本表是“趋势图”“累计”“当月”各表全部公式的计算依据。每期一组行：累计数据为该期的1-N月累计，"
             "当月数据为本期累计减上期累计（只含两期都有的企业）。只含公布的范围；按规定不公布的范围，"
             "其合计数不在本文件中。平均用工人数单位为人。")  # columns: 报告期, 范围, 范围代码, 累计月数, 计算天数, then the sums


def short_label(period) -> str:
    """1-3月, 3月: the column heading of a period within its year."""
    return f"{period.start_month}-{period.end_month}月" if period.start_month != period.end_month \
        else f"{period.end_month}月"


@dataclass
class Block:
    """One period's (or one month's) rows of the sums sheet: what tables.Figures needs of a sums sheet."""

    rows: dict[str, int]        # scope -> 0-based sheet row
    cols: dict[str, int]        # key -> column
    months: str                 # address of the block's 累计月数
    days: str

    def ref(self, scope: str, key: str) -> str:
        if scope not in self.rows:
            raise KeyError(f"scope {scope} is withheld or unknown")  # a bug: withheld scopes get no formula
        if key not in self.cols:
            return "0"  # a column the export does not carry sums to 0, as in the engine
        return address(SUMS_SHEET, self.rows[scope], self.cols[key])


def sums_table(entries: list[tuple[str, Results, object]]) -> tuple[Table, list[Block]]:
    """The sums of every published scope of every (label, results, disclosure), one block after another."""
    keys = list(COUNT_KEYS) + sorted({k for _, r, _ in entries for s in r.scopes for k in s.sums}, key=_key_order)
    cols = {k: SUMS_FIRST_KEY + i for i, k in enumerate(keys)}
    header = [Header(0, i, 0, i, text) for i, text in enumerate(("报告期", "范围", "范围代码", "累计月数", "计算天数"))]
    header += [Header(0, cols[k], 0, cols[k], _unit_below(_sum_label(k))) for k in keys]
    table = Table(SUMS_SHEET, "各期各范围企业数据合计", ("", "金额单位：千元"), header, 1, [],
                  [14, 24, 30, 9, 9] + [15] * len(keys), gridlines=True,
                  notes=[SUMS_NOTE])
    blocks = []
    for label, results, disclosure in entries:
        first = table.first_data_row + len(table.rows)
        published = [s for s in results.scopes if not disclosure.is_withheld(s.scope)]
        p = results.period
        blocks.append(Block({s.scope: first + i for i, s in enumerate(published)}, cols,
                            address(SUMS_SHEET, first, 3), address(SUMS_SHEET, first, 4)))
        for s in published:
            table.rows.append(
                [Cell(label, style="name"), Cell(s.label, style="name"), Cell(s.scope, style="text"),
                 Cell(p.months, style="param", decimals=0), Cell(p.days, style="param", decimals=0)]
                + [Cell(WITHHELD_DISPLAY) if k in LOSS_FIGURES and disclosure.is_figure_withheld(s.scope, k)
                   else Cell(_sum_value(s, k) if k in COUNT_KEYS or k in s.sums else 0.0, style="sum")
                   for k in keys])
    return table, blocks


def _figure(fig: Figures | None, results: Results | None, scope: str, iid: str) -> Cell:
    """A published figure of one period, blank where the period lacks the scope or the indicator. An
    indicator that has no form over the scope sums (ExcelFormulas knows none for its formula: one computed
    from the enterprises themselves) is written as its value, withheld where its scope is."""
    if fig is None or not fig.has(iid) or scope not in results.scope_ids():
        return blank()
    try:
        return fig.value(scope, iid)
    except ValueError:  # ExcelFormulas.value: no Excel form of this formula kind
        if fig.d.is_figure_withheld(scope, iid):
            return Cell(WITHHELD_DISPLAY)
        result = results.get(scope, iid)
        return Cell(NULL_DISPLAY if result.value is None else rounded(result.value, result.decimals), None,
                    result.decimals)


def _scopes(results: list[Results]) -> list[tuple[str, str]]:
    """Every scope of any period, in the engine's order: 全市, 战新, the categories (, the counties)."""
    seen: dict[str, str] = {}
    for r in results:
        for s in r.scopes:
            seen.setdefault(s.scope, s.label)
    return list(seen.items())


def series_table(sheet: str, title: str, subtitle: str, columns: list[str], figs: list[Figures | None],
                 results: list[Results | None], ids: list[str], names: dict[str, str], notes: list[str]) -> Table:
    """Indicators down (grouped by scope), periods across."""
    header = [Header(0, 0, 0, 0, "指标名称"), Header(0, 1, 0, 1, "计量单位")] + \
        [Header(0, 2 + i, 0, 2 + i, c) for i, c in enumerate(columns)]
    registry = {i.id: i for i in indicators()}
    rows: list[list[Cell]] = []
    levels = {}
    for scope, label in _scopes([r for r in results if r is not None]):
        rows.append([Cell(label, style="group", span=True)])
        for iid in ids:
            ind = registry[iid]
            levels[len(rows)] = 1
            rows.append([Cell(names.get(iid, ind.name), style="subname"), Cell(ind.unit, style="unit")]
                        + [_figure(f, r, scope, iid) for f, r in zip(figs, results)])
    width = max([24] + [_width(str(r[0].value)) + 3 for r in rows])
    return Table(sheet, title, (subtitle, "金额单位：亿元"), header, 1, rows, [width, 9] + [9] * len(columns), notes,
                 row_levels=levels)


def _width(text: str) -> int:
    from .xlsx import text_width

    return text_width(text)


# The structure indicators (top-N shares, HHI, 中小微型, new enterprises) are the summary's 结构 sheet: they rest on
# per-enterprise sums this sums sheet does not carry, and a series of them is not what a month's trend shows.
STRUCTURE_FORMULAS = frozenset({"top_share", "hhi", "sme_share", "new_count", "new_share"})


def computed_ids(results: list[Results]) -> list[str]:
    """The indicators any of these results computed, in registry order (structure indicators left out)."""
    present = {i.id for r in results for i in r.computed}
    return [i.id for i in indicators() if i.id in present and i.formula not in STRUCTURE_FORMULAS]


def chart_table(points, figs: list[Figures], disclosure, subtitle: str) -> Table | None:
    """The cumulative growth of 战新 against 全市, and each category's share of 战新 value added, period by
    period, with a line chart of each."""
    growth = "value_added_growth" if all(f.has("value_added_growth") for f in figs) else \
        "output_value_growth" if all(f.has("output_value_growth") for f in figs) else None
    what = "增加值" if growth == "value_added_growth" else "总产值"
    share_of = "value_added" if all(f.has("value_added") for f in figs) else None
    columns: list[tuple[str, str, bool]] = []   # (heading, scope, a share rather than a growth rate)
    if growth:
        for scope, name in ((SEI, "战略性新兴产业"), (ALL, "全市规模以上工业")):
            if not disclosure.is_withheld(scope):
                columns.append((f"{name}{what}累计增速(%)", scope, False))
    growth_count = len(columns)
    if share_of and not disclosure.is_withheld(SEI):
        for scope, label in _scopes([p.results for p in points]):
            if not scope.startswith("sector:") or disclosure.is_withheld(scope):
                continue
            if all(p.results.sums_of(scope).enterprises == 0 for p in points if scope in p.results.scope_ids()):
                continue
            columns.append((label, scope, True))
    if not columns:
        return None
    rows = [[Cell(short_label(p.period), style="name")]
            + [fig.share(share_of, scope, SEI) if share else fig.value(scope, growth) for _, scope, share in columns]
            for p, fig in zip(points, figs)]
    header = [Header(0, 0, 0, 0, "报告期")] + [Header(0, i + 1, 0, i + 1, _unit_below(n) if "(" in n else n)
                                             for i, (n, _, _) in enumerate(columns)]
    charts = []
    if growth_count:
        charts.append(Chart(f"战略性新兴产业与全市规上工业{what}累计增速", "line", (0, len(rows)),
                            [(n, i + 1) for i, (n, _, _) in enumerate(columns[:growth_count])], size=CHART_SIZE))
    if len(columns) > growth_count:
        charts.append(Chart("各产业增加值占战略性新兴产业比重", "line", (0, len(rows)),
                            [(n, growth_count + i + 1) for i, (n, _, _) in enumerate(columns[growth_count:])],
                            labels=False, size=CHART_SIZE))
    notes = [("增速为1月至各月的累计增速（现价，可比口径）；比重为各产业增加值占战略性新兴产业合计的比重（%）。"
              "图中只含公布数据的范围；数据与“累计”表为同一公式。")]
    return Table("趋势图", "战略性新兴产业发展趋势", (subtitle, ""), header, 1, rows,
                 [10] + [13] * len(columns), notes, charts=charts, charts_own_page=True)


SERIES_WHEN = "各期均"  # the disclosure note: a scope withheld in one period is withheld in all
MONTH_NAMES = {"enterprises": "企业单位数(两期都有)"}
MONTH_DEFINITION = ("当月数＝本期1-N月累计数 − 上期1-(N−1)月累计数，只计两期数据中都有的企业（按统一社会信用代码对应，"
                    "没有代码列时按单位详细名称）；上年同月数同样为两期上年同期累计数之差；当月增速＝（当月数 − 上年同月数）"
                    "÷ 上年同月数 × 100，上年同月数不大于0时不计算。新进入或退出的企业不计入当月数：其累计数会被误算为一个月的数。")


def changes_sentence(point) -> str:
    c = point.changes
    moved = f"，改变产业类别或县区 {c.moved} 家（按本期类别计入）" if c.moved else ""
    return (f"{point.period.end_month}月：两期都有的企业 {c.matched} 家（按{c.key}对应），本期新进入 {c.entered} 家，"
            f"上期有、本期没有 {c.left} 家{moved}。")


def month_withheld(series) -> list[str]:
    """The scopes whose month figures alone are withheld, month by month (a sentence, or none)."""
    labels = _labels(series.points)
    said = [f"{p.period.end_month}月：" + "、".join(label for scope, label in labels.items()
                                                  if scope in p.month_published.withheld - series.disclosure.withheld)
            for p in series.points if p.month is not None and p.month_published.withheld - series.disclosure.withheld]
    if not said:
        return []
    return ["以下范围的当月数不公布（进入、退出的企业少于阈值时，当月数与两期累计数相减即得其数据；或当月数本身按规定不公布），"
            "其累计数照常公布：" + "；".join(said) + "。"]


def _labels(points) -> dict[str, str]:
    return dict(_scopes([p.results for p in points]))


def sheet_note(disclosure, points, ids: list[str]) -> str | None:
    """The disclosure note of a sheet showing the indicators `ids`: withheld loss amounts only where the loss
    amount is shown (not under 当月: its flows have none), structure figures never (they are not in the
    trend workbook, see STRUCTURE_FORMULAS)."""
    from .disclosure import LOSS_FIGURES

    return disclosure.note(_labels(points), structure=False, when=SERIES_WHEN,
                           losses=any(i in LOSS_FIGURES for i in ids))


def notes_table(series, subtitle: str) -> Table:
    from .notes import VA_CURRENT, sentence
    from .tables import CLASSIFICATION

    rows: list[list[Cell]] = []

    def section(text):
        rows.append([Cell(text, style="section", span=True)])

    def para(text):
        rows.append([Cell(text, style="para", span=True)])

    frm = {"option": "命令行 --period 指定", "title": "由表格标题识别", "file name": "由文件名识别"}
    section("一、数据来源")
    for p in series.points:
        para(f"{p.label}：{p.info.source}（工作表：{p.info.sheet}；报告期{frm.get(p.info.period_from, p.info.period_from)}；"
             f"企业 {p.info.enterprises} 家；战新产业划分：{CLASSIFICATION.get(p.results.classification)}）")
    section("二、累计数与当月数")
    para("“累计”表为各期1月至当月的累计数，指标的算法与汇总表相同（见 xltools 的指标说明）；增长速度按可比口径计算"
         "（本期企业与其上年同期数据比较）。" + sentence(VA_CURRENT))
    para(MONTH_DEFINITION)
    for p in series.points:
        if p.changes is not None:
            para(changes_sentence(p))
        elif p.month_note:
            para(f"{p.period.end_month}月：{p.month_note}。")
    section("三、数据保密")
    note = sheet_note(series.disclosure, series.points, computed_ids([p.results for p in series.points]))
    para(note + "当月数另按进入、退出的企业数保护：当月数与两期累计数相减即得这些企业的数据，少于阈值时该范围该月的当月数不公布。"
         if note else "本表未做数据保密处理（使用了 --no-suppress），不得对外公布。")
    for line in month_withheld(series):
        para(line)
    section("四、符号说明")
    para("“—”表示不适用或无法计算（分母为0；上年同期数不大于0时不计算增速）；空白表示该期数据中没有此指标所需的列。"
         f"各表的每个数都是对“{SUMS_SHEET}”表的Excel公式，数值可在Excel、WPS、LibreOffice中重算核对。")
    said = set()
    warnings = []
    for p in series.points:
        for w in p.results.warnings:
            if w not in said:
                said.add(w)
                warnings.append(f"{p.label}：{w}")
    if warnings:
        section("五、提示")
        for w in warnings:
            para(w)
    return Table("说明", "说明", (subtitle, ""), [], 0, rows, [26, 10, 70, 10])


def workbook_tables(series) -> list[Table]:
    """Every sheet of the trend workbook, in order."""
    points, d = series.points, series.disclosure
    entries = []
    for p in points:
        entries.append((f"{short_label(p.period)}累计", p.results, d))
        if p.month is not None:
            entries.append((f"{p.period.end_month}月当月", p.month, p.month_published))
    sums, blocks = sums_table(entries)
    it = iter(blocks)
    figs, months = [], []
    for p in points:
        figs.append(Figures(p.results, d, next(it)))
        if p.month is not None:
            months.append((p, Figures(p.month, p.month_published, next(it))))
    subtitle = series.label
    cumulative_ids = computed_ids([p.results for p in points])
    note = sheet_note(d, points, cumulative_ids)
    tables = []
    chart = chart_table(points, figs, d, subtitle)
    if chart is not None:
        tables.append(chart)
    tables.append(series_table("累计", "战略性新兴产业主要经济指标（累计）", subtitle,
                               [short_label(p.period) for p in points], figs, [p.results for p in points],
                               cumulative_ids, {},
                               ["注：各列为1月至该月的累计数；增长速度按可比口径计算；“—”表示不适用或无法计算。"]
                               + ([note] if note else [])))
    if months:
        month_ids = computed_ids([p.month for p, _ in months])
        month_note = sheet_note(d, points, month_ids)
        tables.append(series_table("当月", "战略性新兴产业主要经济指标（当月）", subtitle,
                                   [f"{p.period.end_month}月" for p, _ in months], [f for _, f in months],
                                   [p.month for p, _ in months], month_ids,
                                   MONTH_NAMES, ["注：" + MONTH_DEFINITION, " ".join(changes_sentence(p) for p, _ in months)]
                                   + ([month_note] if month_note else []) + month_withheld(series)))
    tables.append(notes_table(series, subtitle))
    tables.append(sums)
    return tables


def write(path: str, series, inputs: list[str], paper: str = "A4") -> None:
    """The trend workbook at `path`, atomically, never over an input."""
    from .output import atomic_path, refuse_overwriting_inputs
    from .xlsx import write_workbook

    refuse_overwriting_inputs([path], inputs)
    tables = workbook_tables(series)
    with atomic_path(path) as tmp:
        write_workbook(tmp, tables, title=f"战略性新兴产业主要经济指标趋势 {series.label}", paper=paper)
