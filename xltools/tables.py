"""The publication tables as descriptions: what each cell holds, not how it is written.

One description of each table, several targets: xlsx.py writes them into a new
workbook with xlsxwriter; the ribbon macros write the same tables into an open
workbook. Cells carry an Excel formula (over the sums sheet that the workbook
carries), the value the engine computed for it (cached, rounded as published),
and the decimals to show. Nothing here computes an indicator: values come from
Results, formulas from indicators.ExcelFormulas.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .disclosure import Disclosure
from .errors import column_letter
from .indicators import (ALL, DIFF_UNITS, OVER_ALL, SEI, ExcelExpr, ExcelFormulas, Results, column_label,
                         indicator, indicators)
from .rounding import NULL_DISPLAY, WITHHELD_DISPLAY, rounded
from .sei import category_names


@dataclass
class Cell:
    value: object = None            # cached value: a number, a text, or None for an empty cell
    formula: str | None = None      # "=…" over the sums sheet
    decimals: int | None = None     # number format of a figure
    style: str = "figure"   # figure | name | subname | unit | text | para | section | header | sum | param
    #                         | date | group (bold, spans) | total_name | total (bold figures)
    span: bool = False              # merged across the table's width (说明 sections and paragraphs)


@dataclass
class Header:
    row: int                        # 0-based within the header block
    col: int
    last_row: int
    last_col: int
    text: str


@dataclass
class Chart:
    title: str
    kind: str                       # bar | column | line
    categories: tuple[int, int]     # data column and number of rows, in this table's data block
    series: list[tuple[str, int]]   # (name, data column)
    y_title: str = "%"
    labels: bool = True             # each point's value written beside it (off for many lines)
    size: tuple[int, int] | None = None  # pixels (width, height); None: the writer's default


@dataclass
class Table:
    sheet: str
    title: str
    subtitle: tuple[str, str]       # left (period), right (unit)
    header: list[Header]
    header_rows: int
    rows: list[list[Cell]]
    widths: list[float]
    notes: list[str] = field(default_factory=list)
    pre_rows: list[list[Cell]] = field(default_factory=list)   # between subtitle and header (parameters)
    charts: list[Chart] = field(default_factory=list)
    gridlines: bool = False       # the grid shown and printed (the sums sheet: a working table, not a publication)
    row_levels: dict[int, int] = field(default_factory=dict)      # data row -> outline level (collapsible)
    conditional: dict[int, dict[str, str]] = field(default_factory=dict)  # column -> {text: fill colour}
    print_header_row: int | None = None   # a data row heading a table in the body, repeated on printed pages
    page_breaks_before: set[int] = field(default_factory=set)  # data rows that start a printed page
    charts_own_page: bool = False  # the charts printed on a page of their own, after the table

    @property
    def columns(self) -> int:
        return len(self.widths)

    # The layout every target follows (0-based rows): title, subtitle, parameters and a blank
    # row if any, the header, the data, a blank row, the notes.
    def pre_row(self, i: int) -> int:
        return 2 + i

    @property
    def header_row(self) -> int:
        return 2 + (len(self.pre_rows) + 1 if self.pre_rows else 0)

    @property
    def first_data_row(self) -> int:
        return self.header_row + self.header_rows

    @property
    def notes_row(self) -> int:
        return self.first_data_row + len(self.rows) + 1

    def grid(self, blank="") -> list[list]:
        """Header rows and data rows as plain values (merged header cells blank beyond their first)."""
        head = [[blank] * self.columns for _ in range(self.header_rows)]
        for h in self.header:
            head[h.row][h.col] = h.text
        body = [[blank if c.value is None else c.value for c in row] + [blank] * (self.columns - len(row))
                for row in self.rows]
        return head + body


def number_format(style: str, decimals: int | None) -> str | None:
    """The number format of a cell: fixed decimals; thousands separators on the sums sheet."""
    if style == "date":
        return "yyyy-mm-dd"
    if decimals is None:
        return None
    return ("#,##0" if style == "sum" else "0") + ("." + "0" * decimals if decimals else "")


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


def address(sheet: str | None, row: int, col: int) -> str:
    a = f"${column_letter(col)}${row + 1}"
    return f"{quote_sheet(sheet)}!{a}" if sheet else a


# ---------------------------------------------------------------- the sums sheet

COUNT_KEYS = {"enterprises": "企业单位数(个)", "loss_enterprises": "亏损企业数(个)",
              "loss_amount": "亏损企业亏损额(千元)"}


class Sums:
    """The sheet of scope sums that every formula refers to. Only published scopes are on it."""

    def __init__(self, results: Results, disclosure: Disclosure, sheet: str):
        self.sheet = sheet
        self.scopes = [s for s in results.scopes if not disclosure.is_withheld(s.scope)]
        keys = sorted({k for s in results.scopes for k in s.sums}, key=_key_order)
        self.keys = list(COUNT_KEYS) + keys + structure_keys(results)
        self.row_of = {s.scope: i for i, s in enumerate(self.scopes)}
        self.col_of = {k: 2 + i for i, k in enumerate(self.keys)}
        p = results.period
        self.table = Table(
            sheet, "各范围企业数据合计", (p.label, "金额单位：千元"),
            [Header(0, 0, 0, 0, "范围"), Header(0, 1, 0, 1, "范围代码")]
            + [Header(0, 2 + i, 0, 2 + i, _unit_below(_sum_label(k))) for i, k in enumerate(self.keys)],
            1,
            [[Cell(s.label, style="name"), Cell(s.scope, style="text")]
             + [Cell(WITHHELD_DISPLAY) if disclosure.is_figure_withheld(s.scope, FIGURE_OF.get(k, ""))
                else Cell(_sum_value(s, k), style="sum") for k in self.keys] for s in self.scopes],
            [24, 30] + [15] * len(self.keys),
            notes=["本表是表1—表3全部公式的计算依据：每个指标都是对本表单元格的公式。只含公布的范围；"
                   "按规定不公布的范围，其合计数不在本文件中。平均用工人数单位为人。"
                   "最后几列（营业收入平方和、最大企业营业收入、中小微型企业数、新企业数等）是结构指标的依据，"
                   "由企业数据算出，不能由其他合计数推出；不公布的数以“…”表示。"],
            pre_rows=[[Cell("累计月数", style="name"), Cell(p.months, style="param", decimals=0)],
                      [Cell("计算天数", style="name"), Cell(p.days, style="param", decimals=0)]],
            gridlines=True)
        self.months = address(sheet, self.table.pre_row(0), 1)
        self.days = address(sheet, self.table.pre_row(1), 1)
        self._first = self.table.first_data_row

    def ref(self, scope: str, key: str) -> str:
        if scope not in self.row_of:
            raise KeyError(f"scope {scope} is withheld or unknown")  # a bug: withheld scopes get no formula
        if key not in self.col_of:
            return "0"  # a column the export does not carry sums to 0, as in the engine
        return address(self.sheet, self._first + self.row_of[scope], self.col_of[key])


def _key_order(key: str) -> tuple:
    from .columns import column_specs

    ids = list(column_specs())
    cid, _, per = key.rpartition("_")
    periods = ["cur", "ly", "boy", "lyboy"]
    return (ids.index(cid) if cid in ids else len(ids), periods.index(per) if per in periods else len(periods))


# A sums-sheet column that reveals a structure figure: withheld where that figure is.
FIGURE_OF = {"loss_amount": "loss_amount", "revenue_positive": "revenue_hhi", "revenue_squares": "revenue_hhi",
             "revenue_top1": "revenue_top1_share",
             "revenue_top3": "revenue_top3_share", "new_revenue": "new_enterprises_revenue_share"}


def structure_keys(results: Results) -> list[str]:
    """The structure sums the computed structure indicators refer to, in SUM_LABELS order."""
    from .structure import SUM_LABELS

    used = {i.formula for i in results.computed}
    wanted = set()
    if used & {"top_share", "hhi"}:
        wanted |= {"revenue_positive", "revenue_squares"}
    wanted |= {f"revenue_top{i.args[1]}" for i in results.computed if i.formula == "top_share"}
    if "sme_share" in used:
        wanted.add("sme")
    if used & {"new_count", "new_share"}:
        wanted |= {"new", "new_revenue"} if "new_share" in used else {"new"}
    return [k for k in SUM_LABELS if k in wanted]


def _sum_label(key: str) -> str:
    from .structure import SUM_LABELS

    if key in COUNT_KEYS:
        return COUNT_KEYS[key]
    if key in SUM_LABELS:
        return SUM_LABELS[key]
    return column_label(key)


def _unit_below(label: str) -> str:
    """营业收入(上年同期) -> 营业收入\n(上年同期): a header cell breaks before its bracket, never inside it."""
    name, bracket, rest = label.rpartition("(")
    return f"{name}\n({rest}" if bracket and name else label


def _sum_value(s, key: str):
    if key == "enterprises":
        return s.enterprises
    if key == "loss_enterprises":
        return s.loss_enterprises
    if key == "loss_amount":
        return s.loss_amount
    if key in s.structure:
        value = s.structure[key]
        return int(value) if key in ("sme", "new") else value
    return s.sums[key]


# ---------------------------------------------------------------- figures


class Figures:
    """Cells of published figures: the engine's value, rounded, with its formula; `…` when withheld."""

    def __init__(self, results: Results, disclosure: Disclosure, sums: Sums, official=None):
        self.r, self.d, self.official = results, disclosure, official
        self.xl = ExcelFormulas(sums.ref, sums.months, sums.days, results.has_boy)
        self.computed = {i.id for i in results.computed}

    def has(self, indicator_id: str | None) -> bool:
        return indicator_id is not None and indicator_id in self.computed

    def _cell(self, scopes: tuple[str, ...], value, expr_fn, decimals: int, indicator_id: str = "") -> Cell:
        if any(self.d.is_figure_withheld(s, indicator_id) for s in scopes):
            return Cell(WITHHELD_DISPLAY)
        expr: ExcelExpr = expr_fn()
        shown = NULL_DISPLAY if value is None else rounded(value, decimals)
        if shown != NULL_DISPLAY and decimals == 0:
            shown = int(shown)
        return Cell(shown, ExcelFormulas.cell(expr, decimals), decimals)

    def value(self, scope: str, indicator_id: str) -> Cell:
        res = self.r.get(scope, indicator_id)
        # Shares of, pulls on and contributions to 全市 are computed over 全市's sums too.
        over = (scope, ALL) if indicator(indicator_id).formula in OVER_ALL else (scope,)
        return self._cell(over, res.value, lambda: self.xl.value(scope, indicator_id), res.decimals, indicator_id)

    def diff(self, indicator_id: str, scope: str, reference: str) -> Cell:
        d = self.r.diff(indicator_id, scope, reference)
        return self._cell((scope, reference), d.value, lambda: self.xl.diff(indicator_id, scope, reference),
                          d.decimals, indicator_id)

    def share(self, indicator_id: str, scope: str, of: str) -> Cell:
        d = self.r.share(indicator_id, scope, of)
        return self._cell((scope, of), d.value, lambda: self.xl.share(indicator_id, scope, of), d.decimals,
                          indicator_id)

    def pull(self, indicator_id: str, scope: str, of: str) -> Cell:
        d = self.r.pull(indicator_id, scope, of)
        return self._cell((scope, of), d.value, lambda: self.xl.pull(indicator_id, scope, of), d.decimals,
                          indicator_id)

    def contribution(self, indicator_id: str, scope: str, of: str) -> Cell:
        d = self.r.contribution(indicator_id, scope, of)
        return self._cell((scope, of), d.value, lambda: self.xl.contribution(indicator_id, scope, of), d.decimals,
                          indicator_id)

    def growth(self, scope: str, growth_id: str) -> Cell:
        """A growth rate; value added's the bureau's official comparable-price rate when one is given
        (a figure of its own, not a formula over the sums)."""
        rate = self.official.get(scope) if self.official is not None and growth_id == VA_GROWTH else None
        if rate is None or self.d.is_withheld(scope):
            return self.value(scope, growth_id)
        return Cell(rounded(rate, 1), None, 1)

    def growth_gap(self, growth_id: str, scope: str, reference: str) -> Cell:
        """Difference of two growth rates; of the official rates when both are given, none when only one is."""
        if self.official is None or growth_id != VA_GROWTH:
            return self.diff(growth_id, scope, reference)
        a, b = self.official.get(scope), self.official.get(reference)
        if a is None and b is None:
            return self.diff(growth_id, scope, reference)
        if a is None or b is None or self.d.is_withheld(scope) or self.d.is_withheld(reference):
            return Cell(WITHHELD_DISPLAY) if self.d.is_withheld(scope) or self.d.is_withheld(reference) else blank()
        return Cell(rounded(a - b, 1), None, 1)


def growth_of(indicator_id: str) -> str | None:
    ind = indicator(indicator_id)
    if ind.formula != "sum":
        return None
    return next((i.id for i in indicators() if i.formula == "growth" and i.args == ind.args), None)


def blank() -> Cell:
    return Cell(None)


# ---------------------------------------------------------------- 表1

VA_GROWTH = "value_added_growth"
# Each ratio with its year-on-year change beside it; 拉动 and 贡献率 last.
TABLE1_ROWS = ("enterprises", "loss_enterprises", "loss_ratio", "loss_amount", "output_value", "value_added",
               "revenue", "operating_cost", "total_profit", "profit_margin", "profit_margin_ly", "profit_margin_change",
               "cost_per_100_revenue", "cost_per_100_revenue_change", "debt_ratio", "debt_ratio_change",
               "inventory_turnover_days", "inventory_turnover_days_change", "receivable_days", "receivable_days_change",
               "revenue_per_100_assets", "revenue_per_100_assets_change", "revenue_per_employee",
               "output_value_pull", "output_value_contribution", "value_added_pull", "value_added_contribution",
               "revenue_pull", "revenue_contribution", "total_profit_pull", "total_profit_contribution")
NO_DIFFERENCE = ("pull", "contribution")  # parts of 全市 themselves: 战新 minus 全市 means nothing


def va_label(fig: Figures, scopes: list[str]) -> str:
    """What value added's growth is in a table showing these scopes: the bureau's comparable-price rate
    for all of them, computed at current prices for all, or (a file listing only some) 增速 whose basis
    the note gives scope by scope."""
    covered = fig.official.covers(va_scopes(fig, scopes)) if fig.official is not None else False
    return {True: "工业增加值(增速为可比价)", False: "工业增加值(增速为现价)"}.get(covered, "工业增加值(增速口径见注)")


def va_scopes(fig: Figures, scopes: list[str]) -> list[str]:
    """The scopes of a table whose value-added growth is published."""
    return [s for s in scopes if not fig.d.is_withheld(s) and fig.r.sums_of(s).enterprises > 0]


def table1(fig: Figures, sheet: str, period_label: str, labels: dict[str, str]) -> Table:
    header = [Header(0, 0, 1, 0, "指标名称"), Header(0, 1, 1, 1, "计量单位"),
              Header(0, 2, 0, 3, "全市规模以上工业"), Header(1, 2, 1, 2, "本期"), Header(1, 3, 1, 3, "同比增长\n(%)"),
              Header(0, 4, 0, 6, "战略性新兴产业"), Header(1, 4, 1, 4, "本期"), Header(1, 5, 1, 5, "同比增长\n(%)"),
              Header(1, 6, 1, 6, "占全市\n比重(%)"),
              Header(0, 7, 0, 8, "战新产业比全市高(+)低(−)"), Header(1, 7, 1, 7, "差值"), Header(1, 8, 1, 8, "单位")]
    rows = []
    for iid in TABLE1_ROWS:
        if not fig.has(iid):
            continue
        ind = indicator(iid)
        growth = growth_of(iid)
        name = va_label(fig, [ALL, SEI]) if iid == "value_added" and fig.has(growth) else ind.name
        row = [Cell(name, style="name"), Cell(ind.unit, style="unit"), fig.value(ALL, iid)]
        row.append(fig.growth(ALL, growth) if fig.has(growth) else blank())
        row.append(fig.value(SEI, iid))
        row.append(fig.growth(SEI, growth) if fig.has(growth) else blank())
        row.append(fig.share(iid, SEI, ALL) if ind.additive else blank())
        if ind.additive and fig.has(growth):
            row += [fig.growth_gap(growth, SEI, ALL), Cell("百分点", style="unit")]
        elif ind.formula in NO_DIFFERENCE:
            row += [blank(), blank()]
        elif not ind.additive:
            row += [fig.diff(iid, SEI, ALL), Cell(DIFF_UNITS.get(ind.unit, ind.unit), style="unit")]
        else:
            row += [blank(), blank()]
        rows.append(row)
    notes = ["注：1. 增长速度按可比口径计算（本期企业与其上年同期数据比较）。2. 战新产业比全市的差值：比率指标为指标值之差，"
             "总量指标为增长速度之差（百分点）。3. “—”表示不适用或无法计算（分母为0，或上年同期利润总额不大于0）。"
             "4. 拉动＝本范围增加额÷全市上年同期×100（百分点），贡献率＝本范围增加额÷全市增加额×100（%），全市没有增加时不计算贡献率。"
             f"5. {va_note(fig, [ALL, SEI], labels)}"]
    note = fig.d.note(labels, structure=False)
    if note:
        notes.append(note)
    # Column A as wide as its longest label (对全市规上工业增加值增长的贡献率(现价)): the page scales, never below 90 %.
    label_width = max([26] + [_display_width(str(r[0].value)) + 2 for r in rows])
    return Table(sheet, "表1  战略性新兴产业主要经济指标", (period_label, "金额单位：亿元"), header, 2, rows,
                 [label_width, 9, 12, 10, 12, 10, 10, 12, 8], notes)


def _display_width(text: str) -> int:
    """Excel character units: a CJK character counts two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def va_note(fig: Figures, scopes: list[str], labels: dict[str, str]) -> str:
    from .notes import VA_CURRENT, sentence

    if fig.official is None:
        return sentence(VA_CURRENT)
    return sentence(fig.official.note({s: labels.get(s, s) for s in va_scopes(fig, scopes)}))


def sector_scopes() -> list[str]:
    return [SEI] + [f"sector:{n}" for n in category_names()]


# ---------------------------------------------------------------- 表2

def _sector_columns(fig: Figures) -> list[tuple[str | None, str, object]]:
    """(group, sub-header, cell function of (scope, is_total)) for the columns of 表2."""
    cols: list = [(None, "企业单位数\n(个)", lambda s, t: fig.value(s, "enterprises"))]

    def level(iid, group, with_share, with_gap):
        if not fig.has(iid):
            return
        cols.append((group, "本期\n(亿元)", lambda s, t: fig.value(s, iid)))
        g = growth_of(iid)
        if fig.has(g):
            cols.append((group, "同比增长\n(%)", lambda s, t: fig.growth(s, g)))
        if with_share:
            cols.append((group, "占战新\n比重(%)", lambda s, t: blank() if t else fig.share(iid, s, SEI)))
        if with_gap and fig.has(g):
            cols.append((group, "增速比战新\n高(+)低(−)\n(百分点)", lambda s, t: blank() if t else fig.diff(g, s, SEI)))
        if fig.has(g):  # what each category did for the SEI's growth
            cols.append((group, "拉动战新\n增长\n(百分点)", lambda s, t: blank() if t else fig.pull(iid, s, SEI)))
            cols.append((group, "对战新增长\n贡献率\n(%)", lambda s, t: blank() if t else fig.contribution(iid, s, SEI)))

    level("output_value", "工业总产值", True, False)
    level("value_added", va_label(fig, sector_scopes()) if fig.has("value_added_growth") else "工业增加值", True, False)
    level("revenue", "营业收入", False, False)
    level("total_profit", "利润总额", True, True)
    if fig.has("profit_margin"):
        cols.append(("营业收入利润率", "本期\n(%)", lambda s, t: fig.value(s, "profit_margin")))
        cols.append(("营业收入利润率", "比战新\n高(+)低(−)\n(百分点)",
                     lambda s, t: blank() if t else fig.diff("profit_margin", s, SEI)))
    return cols


def _grouped_header(first: str, cols: list) -> list[Header]:
    header = [Header(0, 0, 1, 0, first)]
    c = 1
    while c <= len(cols):
        group = cols[c - 1][0]
        if group is None:
            header.append(Header(0, c, 1, c, cols[c - 1][1]))
            c += 1
            continue
        end = c
        while end < len(cols) and cols[end][0] == group:
            end += 1
        header.append(Header(0, c, 0, end, group))
        header += [Header(1, k, 1, k, cols[k - 1][1]) for k in range(c, end + 1)]
        c = end + 1
    return header


def table2(fig: Figures, sheet: str, period_label: str, labels: dict[str, str]) -> Table:
    cols = _sector_columns(fig)
    rows = [[Cell("战略性新兴产业合计", style="name")] + [fn(SEI, True) for _, _, fn in cols]]
    for name in category_names():
        scope = f"sector:{name}"
        rows.append([Cell(name, style="subname")] + [fn(scope, False) for _, _, fn in cols])
    notes = ["注：1. 占战新比重为本产业占战略性新兴产业合计的比重；增速和利润率的高低为与战略性新兴产业合计比较。"
             "2. 各产业企业按《战略性新兴产业分类(2018)》划分，一个企业只归入一个产业。"
             "3. “—”表示不适用或无法计算。4. 拉动战新增长＝本产业增加额÷战新上年同期×100（百分点），"
             "贡献率＝本产业增加额÷战新增加额×100（%），战新没有增加时不计算贡献率。"
             f"5. {va_note(fig, sector_scopes(), labels)}"]
    note = fig.d.note(labels, structure=False)
    if note:
        notes.append(note)
    return Table(sheet, "表2  战略性新兴产业分产业主要经济指标", (period_label, "金额单位：亿元"),
                 _grouped_header("产业类别", cols), 2, rows, [22] + [9] * len(cols), notes)


# ---------------------------------------------------------------- 表3

def table3(fig: Figures, sheet: str, period_label: str, labels: dict[str, str], counties: list[str]) -> Table:
    share_of = "value_added" if fig.has("value_added") else "output_value"
    part = [("enterprises", "企业单位数\n(个)"), ("output_value", "工业总产值\n(亿元)"),
            ("output_value_growth", "同比增长\n(%)"), ("total_profit", "利润总额\n(亿元)"),
            ("profit_margin", "营业收入\n利润率(%)")]
    part = [p for p in part if fig.has(p[0])]
    cols = [("规模以上工业", sub, (lambda iid: lambda a, b: fig.value(a, iid))(iid)) for iid, sub in part]
    cols += [("其中：战略性新兴产业", sub, (lambda iid: lambda a, b: fig.value(b, iid))(iid)) for iid, sub in part]
    if fig.has(share_of):
        what = "增加值" if share_of == "value_added" else "总产值"
        cols.append(("其中：战略性新兴产业", f"{what}占\n本地区\n比重(%)", lambda a, b: fig.share(share_of, b, a)))
    rows = [[Cell("全市", style="name")] + [fn(ALL, SEI) for _, _, fn in cols]]
    for c in counties:
        rows.append([Cell(c, style="subname")] + [fn(f"county:{c}", f"county:{c}/sei") for _, _, fn in cols])
    notes = ["注：县区按数据中的县(区)列汇总；“—”表示不适用或无法计算。"]
    note = fig.d.note(labels, structure=False)
    if note:
        notes.append(note)
    return Table(sheet, "表3  分县区规模以上工业和战略性新兴产业主要经济指标", (period_label, "金额单位：亿元"),
                 _grouped_header("县区", cols), 2, rows, [16] + [10] * len(cols), notes)


# ---------------------------------------------------------------- 图表

# The chart data's headers, broken where they were written to (the series names stay on one line).
CHART_HEADERS = {"增加值占战新比重(%)": "增加值\n占战新比重\n(%)", "总产值占战新比重(%)": "总产值\n占战新比重\n(%)",
                 "利润总额占战新比重(%)": "利润总额\n占战新比重\n(%)", "工业总产值增速(%)": "工业总产值\n增速(%)",
                 "利润总额增速(%)": "利润总额\n增速(%)"}


def chart_table(fig: Figures, sheet: str, period_label: str) -> Table | None:
    """The data behind the charts (published, non-empty categories only) and the charts over it."""
    share_of = "value_added" if fig.has("value_added") else "output_value"
    what = "增加值" if share_of == "value_added" else "总产值"
    cols = []
    if fig.has(share_of):
        cols.append((f"{what}占战新比重(%)", lambda s: fig.share(share_of, s, SEI)))
    if fig.has("total_profit"):
        cols.append(("利润总额占战新比重(%)", lambda s: fig.share("total_profit", s, SEI)))
    growth_cols = []
    for iid, name in (("output_value_growth", "工业总产值增速(%)"), ("total_profit_growth", "利润总额增速(%)")):
        if fig.has(iid):
            growth_cols.append((name, (lambda i: lambda s: fig.value(s, i))(iid)))
    if not cols and not growth_cols:
        return None
    scopes = [f"sector:{n}" for n in category_names()
              if not fig.d.is_withheld(f"sector:{n}") and fig.r.sums_of(f"sector:{n}").enterprises > 0]
    if not scopes:
        return None
    all_cols = cols + growth_cols
    rows = [[Cell(s.split(":", 1)[1], style="name")] + [fn(s) for _, fn in all_cols] for s in scopes]
    header = [Header(0, 0, 0, 0, "产业类别")] + [Header(0, i + 1, 0, i + 1, CHART_HEADERS.get(n, n))
                                              for i, (n, _) in enumerate(all_cols)]
    charts = []
    if cols:
        charts.append(Chart("各产业占战略性新兴产业比重", "bar", (0, len(rows)),
                            [(n, i + 1) for i, (n, _) in enumerate(cols)]))
    if growth_cols:
        charts.append(Chart("各产业增长速度", "column", (0, len(rows)),
                            [(n, len(cols) + i + 1) for i, (n, _) in enumerate(growth_cols)]))
    notes = ["图中只含有企业且公布数据的产业；数据为表2中的同一公式。"]
    return Table(sheet, "战略性新兴产业分产业结构和增速", (period_label, ""), header, 1, rows,
                 [22] + [13] * len(all_cols), notes, charts=charts)


# ---------------------------------------------------------------- 结构

STRUCTURE_COLUMNS = (("enterprises", "企业单位数\n(个)"), ("revenue", "营业收入\n(亿元)"),
                     ("revenue_top1_share", "最大1家企业\n营业收入占比\n(%)"),
                     ("revenue_top3_share", "最大3家企业\n营业收入占比\n(%)"),
                     ("revenue_hhi", "营业收入\n赫芬达尔—\n赫希曼指数"),
                     ("sme_share", "中小微型\n企业占比\n(%)"), ("new_enterprises", "新企业数\n(个)"),
                     ("new_enterprises_revenue_share", "新企业营业\n收入占比\n(%)"))


def structure_table(fig: Figures, sheet: str, period_label: str, labels: dict[str, str], sums_sheet: str
                    ) -> Table | None:
    """产业结构: concentration, 中小微型 share and new enterprises of every scope, as formulas over the sums
    sheet (whose structure columns — sums of squares, the largest enterprises' revenue — come from the
    enterprise rows and are written there as values)."""
    cols = [(iid, text) for iid, text in STRUCTURE_COLUMNS if fig.has(iid)]
    if not any(indicator(iid).formula not in ("count", "sum") for iid, _ in cols):
        return None
    rows = []
    for s in fig.r.scopes:
        style = "name" if s.scope in (ALL, SEI) or (s.scope.startswith("county:") and "/" not in s.scope) \
            else "subname"
        rows.append([Cell(s.label, style=style)] + [fig.value(s.scope, iid) for iid, _ in cols])
    computed = {i.id for i in fig.r.computed}
    notes = ["注：1. 集中度按营业收入：最大1家、3家企业的营业收入占本范围的比重，以及赫芬达尔—赫希曼指数"
             "（各企业营业收入占比(%)的平方和，0至10000，1500以下为分散、1500至2500为适度集中、2500以上为高度集中）；"
             "营业收入为负的企业按0计，营业收入相同的企业任取其一（占比相同）；不足3家企业时最大3家即全部企业。"
             "2. 中小微型企业为企业规模（规模代码）为中型、小型、微型的企业。"
             "3. 新企业为上年同期营业收入为空或为0的企业，以及（有开业年份列时）开业年份不早于报告年份上一年的企业。"
             f"4. 本表每个数都是对“{sums_sheet}”表的公式；营业收入平方和、最大1家和3家企业的营业收入、中小微型企业数、"
             "新企业数及其营业收入由企业数据算出，不能由其他合计数推出，作为数值写在该表中。"]
    if "sme_share" not in computed:
        notes.append("数据中没有企业规模（规模代码）列，未计算中小微型企业占比。")
    if "new_enterprises" not in computed:
        notes.append("数据中没有上年同期营业收入列，未计算新企业数及其营业收入占比。")
    negative = int(fig.r.scopes[0].structure.get("negative", 0)) if fig.r.scopes else 0
    if negative:
        notes.append(f"有 {negative} 家企业营业收入为负数，在集中度指标中按0计（请用 xltools validate 核实）。")
    note = fig.d.note(labels)
    if note:
        notes.append(note)
    header = [Header(0, 0, 0, 0, "范围")] + [Header(0, i + 1, 0, i + 1, text) for i, (_, text) in enumerate(cols)]
    width = max([24] + [_display_width(str(r[0].value)) + 2 for r in rows])
    return Table(sheet, "战略性新兴产业结构指标", (period_label, "金额单位：亿元"), header, 1, rows,
                 [width] + [11] * len(cols), notes)


# ---------------------------------------------------------------- 说明

CLASSIFICATION = {"column": "数据中的战略性新兴产业类别列", "list": "战略性新兴产业企业名录（--sei-list）",
                  "industry-code": "按行业代码估算（对照表，结果为估算，正式口径请使用企业名录）",
                  None: "无法划分（数据中没有类别列和行业代码列）"}


@dataclass
class SourceInfo:
    source: str
    sheet: str
    period_label: str
    period_from: str
    enterprises: int
    notes: list[str]

    @classmethod
    def of(cls, data) -> "SourceInfo":
        """What the 说明 sheet and SEI_SOURCE say about a read export (reader.BureauData)."""
        return cls(data.source, data.sheet, data.period.label, data.period_from, data.enterprises, list(data.notes))


def notes_table(results: Results, disclosure: Disclosure, info: SourceInfo, sheet: str, sums_sheet: str,
                labels: dict[str, str], official=None) -> Table:
    from .notes import publication_notes

    p = results.period
    rows: list[list[Cell]] = []

    def section(text):
        rows.append([Cell(text, style="section", span=True)])

    def para(text):
        rows.append([Cell(text, style="para", span=True)])

    section("一、数据来源")
    frm = {"option": "命令行 --period 指定", "title": "由表格标题识别", "file name": "由文件名识别"}.get(
        info.period_from, info.period_from)
    for line in (f"数据文件：{info.source}（工作表：{info.sheet}）", f"报告期：{p.label}（{frm}）",
                 f"企业单位数：{info.enterprises} 家", f"战略性新兴产业划分：{CLASSIFICATION.get(results.classification)}",
                 f"计算天数：{p.days} 天（{'日历天数' if p.calendar_days else '按国家统计局口径每月30天'}），累计月数：{p.months}"):
        para(line)
    for n in info.notes:
        if n not in results.warnings:  # the reader's notes are among the warnings, said below
            para(n)
    definitions = len(rows) + 1  # the definitions' header row, after the section title
    section("二、指标解释")
    rows.append([Cell("指标", style="header"), Cell("计量单位", style="header"),
                 Cell("计算公式", style="header"), Cell("小数位数", style="header")])
    for ind in results.computed:
        rows.append([Cell(ind.name, style="name"), Cell(ind.unit, style="unit"), Cell(ind.definition, style="text"),
                     Cell(ind.decimals, style="param", decimals=0)])
    section("三、表中派生数的算法")
    for line in ("同比增长(%)：(本期合计 ÷ 上年同期合计 − 1) × 100，上年同期为同一批企业的数据（可比口径）。",
                 "占比重(%)：本范围合计 ÷ 上级范围合计 × 100。",
                 "高(+)低(−)：本范围指标值 − 比较范围指标值；百分比指标的差为百分点，元、天指标的差为元、天。",
                 "每个数都先用未舍入的数计算，再四舍五入到所示位数（ROUND，逢五进一）。",
                 f"表1—表3的每个数都是对“{sums_sheet}”表的Excel公式，点击单元格即可看到算法，数值可在Excel、WPS、LibreOffice中重算核对。"):
        para(line)
    section("四、符号说明")
    para("“—”表示不适用或无法计算（分母为0；上年同期利润总额不大于0时不计算增速）。")
    section("五、数据保密")
    note = disclosure.note(labels)
    para(note if note else "本表未做数据保密处理（使用了 --no-suppress），不得对外公布。")
    section("六、发布前须知")
    for line in publication_notes(results, disclosure, official, options=True):
        para(line)
    if results.warnings:
        section("七、提示")
        for w in results.warnings:
            para(w)
    return Table(sheet, "说明", (p.label, ""), [], 0, rows, [26, 10, 70, 10], print_header_row=definitions,
                 page_breaks_before={definitions - 1})


# ---------------------------------------------------------------- the whole set

@dataclass
class SheetSet:
    period_label: str
    tables: list[Table]
    sums: Sums


def sheet_set(results: Results, disclosure: Disclosure, info: SourceInfo, *, prefix: str = "",
              official=None) -> SheetSet:
    """Every sheet of one period's summary, in workbook order; prefix distinguishes periods in one workbook."""
    label = results.period.label
    sums = Sums(results, disclosure, f"{prefix}合计数据")
    fig = Figures(results, disclosure, sums, official)
    labels = {s.scope: s.label for s in results.scopes}
    tables = [table1(fig, f"{prefix}表1", label, labels), table2(fig, f"{prefix}表2", label, labels)]
    counties = [s.scope.split(":", 1)[1] for s in results.scopes
                if s.scope.startswith("county:") and not s.scope.endswith("/sei")]
    if counties:
        tables.append(table3(fig, f"{prefix}表3", label, labels, counties))
    charts = chart_table(fig, f"{prefix}图表", label)
    if charts is not None:
        tables.append(charts)
    structure = structure_table(fig, f"{prefix}结构", label, labels, sums.sheet)
    if structure is not None:
        tables.append(structure)
    tables.append(notes_table(results, disclosure, info, f"{prefix}说明", sums.sheet, labels, official))
    tables.append(sums.table)
    return SheetSet(label, tables, sums)
