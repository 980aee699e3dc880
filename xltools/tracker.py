"""`xltools tracker`: the investment-project progress tracker, as table descriptions.

项目总览 (grouped by level, with subtotals), 子项明细 (collapsible under each project),
汇总 (by level, state and SEI category; industrial investment growth and share), 图表
(completion against time elapsed) and 校验 (the ledger's warnings). Ratios are live Excel
formulas (projects.xl_*) with the values projects.py computes cached; written by xlsx.py
into a file, or by udfs/sheets.py into an open workbook.
"""
from __future__ import annotations

import datetime as dt

from .ledger import LEVEL_LABELS, LEVELS, STATES, Ledger
from .projects import (DEFAULT_AMBER, DEFAULT_RED, FLAGS, figures, growth, industrial_investment, rate, state_counts,
                       xl_deviation, xl_flag, xl_growth, xl_rate, xl_time_progress, yi)
from .rounding import NULL_DISPLAY, rounded
from .tables import Cell, Chart, Header, Table, address

OVERVIEW, DETAIL, TOTALS, CHART, CHECKS = "项目总览", "子项明细", "汇总", "图表", "校验"
NUMERALS = "一二三四五六七八九十"
COLOURS = {FLAGS["red"]: "#F4B6B6", FLAGS["amber"]: "#FFE08A", FLAGS["green"]: "#C6E7C1"}
# 项目总览 columns
(C_NAME, C_ID, C_LEVEL, C_OWNER, C_CAT, C_STATE, C_START, C_END, C_TOTAL, C_DONE, C_RATE, C_PLAN, C_YEAR,
 C_ANNUAL, C_TIME, C_DEV, C_FLAG, C_SUBS, C_TEXT) = range(19)


def _figure(value, decimals: int, formula: str | None = None, style: str = "figure") -> Cell:
    shown = NULL_DISPLAY if value is None else rounded(value, decimals)
    return Cell(shown, formula, decimals, style)


def _money(value, style="figure") -> Cell:
    """An amount in 亿元, unrounded in the cell (the formulas use it), shown with 2 decimals."""
    return Cell(value, None, 2, style)


def _a(row: int, col: int) -> str:
    return address(None, row, col).replace("$", "")


NOT_SEI, NO_STATE = "非战新产业", "未填"


def category_of(p) -> str:
    return p.sei_category or NOT_SEI


def state_of(p) -> str:
    return p.state or NO_STATE


def _subs_text(counts: dict[str, int]) -> str:
    if not counts:
        return ""
    parts = [f"{s}{counts[s]}" for s in STATES + ["未填"] if counts.get(s)]
    return f"{sum(counts.values())}项：" + "、".join(parts)


def overview(ledger: Ledger, as_of: dt.date, amber: float, red: float) -> Table:
    header_names = ["项目名称", "项目编号", "项目级别", "建设单位", "战新产业类别", "状态", "开工日期", "计划竣工日期",
                    "总投资\n(亿元)", "累计完成\n投资(亿元)", "投资\n完成率(%)", "本年计划\n投资(亿元)",
                    "本年完成\n投资(亿元)", "年度计划\n完成率(%)", "时间进度\n(%)", "进度偏差\n(百分点)", "预警", "子项",
                    "形象进度"]
    widths = [34, 10, 9, 22, 16, 8, 11, 12, 10, 11, 10, 11, 11, 11, 9, 10, 6, 20, 30]
    pre = [[Cell("统计截止日期", style="name"), Cell(as_of, style="date")],
           [Cell("黄色预警：进度偏差低于负（百分点）", style="name"), Cell(amber, style="param", decimals=0)],
           [Cell("红色预警：进度偏差低于负（百分点）", style="name"), Cell(red, style="param", decimals=0)]]
    t = Table(OVERVIEW, "重点投资项目进度总览", (f"截至 {as_of:%Y年%m月%d日}", "金额单位：亿元"),
              [Header(0, c, 0, c, h) for c, h in enumerate(header_names)], 1, [], widths, pre_rows=pre)
    as_of_ref, amber_ref, red_ref = (address(None, t.pre_row(i), 1) for i in range(3))
    first = t.first_data_row
    rows: list[list[Cell]] = []
    subtotal_rows: list[int] = []
    k = 0
    for level in LEVELS:
        members = [(i, p) for i, p in enumerate(ledger.projects) if p.level == level]
        if not members:
            continue
        rows.append([Cell(f"{NUMERALS[k]}、{LEVEL_LABELS[level]}（{len(members)}个）", style="group", span=True)])
        k += 1
        start = first + len(rows)
        sums = {c: [] for c in (C_TOTAL, C_DONE, C_PLAN, C_YEAR)}
        for index, p in members:
            r = first + len(rows)
            f = figures(p, as_of, amber, red)
            ref = lambda col: _a(r, col)  # noqa: E731
            rows.append([
                Cell(p.name, style="name"), Cell(p.project_id, style="text"), Cell(level, style="unit"),
                Cell(p.owner, style="text"), Cell(category_of(p), style="text"), Cell(state_of(p), style="unit"),
                Cell(p.start, style="date"), Cell(p.planned_end, style="date"),
                _money(f.total), _money(f.done_total),
                _figure(f.completion, 1, xl_rate(ref(C_DONE), ref(C_TOTAL))),
                _money(f.plan_year), _money(f.done_year),
                _figure(f.annual, 1, xl_rate(ref(C_YEAR), ref(C_PLAN))),
                _figure(f.progress, 1, xl_time_progress(ref(C_START), ref(C_END), as_of_ref)),
                _figure(f.deviation, 1, xl_deviation(ref(C_DONE), ref(C_TOTAL), ref(C_START), ref(C_END), as_of_ref)),
                Cell(f.flag, xl_flag(ref(C_DEV), amber_ref, red_ref), None, "unit"),
                Cell(_subs_text(state_counts(ledger, index)), style="text"), Cell(p.progress_text, style="text")])
            for c, v in ((C_TOTAL, f.total), (C_DONE, f.done_total), (C_PLAN, f.plan_year), (C_YEAR, f.done_year)):
                sums[c].append(v or 0.0)
        end = first + len(rows) - 1
        rows.append(_total_row("小计", first + len(rows), sums,
                               lambda c: f"=SUM({_a(start, c)}:{_a(end, c)})"))
        subtotal_rows.append(first + len(rows) - 1)
    if subtotal_rows:
        grand = {c: [] for c in (C_TOTAL, C_DONE, C_PLAN, C_YEAR)}
        for r in subtotal_rows:
            row = rows[r - first]
            for c in grand:
                grand[c].append(row[c].value)
        rows.append(_total_row("合计", first + len(rows), grand,
                               lambda c: "=" + "+".join(_a(r, c) for r in subtotal_rows)))
    t.rows = rows
    t.conditional = {C_FLAG: COLOURS}
    t.notes = [f"注：投资完成率 = 累计完成投资 ÷ 总投资；时间进度 = 截止日期距开工的天数 ÷ 计划工期天数（开工前为0，"
               f"超过计划竣工日期为100）；进度偏差 = 投资完成率 − 时间进度，低于 −{amber:g} 个百分点为黄、低于 −{red:g} "
               f"个百分点为红。改动上方的截止日期或预警线，各项自动重算。"]
    return t


def _total_row(label: str, r: int, sums: dict[int, list], formula) -> list[Cell]:
    """A subtotal or total: money as SUM formulas, ratios over this row's own cells."""
    row = [Cell(None, style="total") for _ in range(19)]
    row[C_NAME] = Cell(label, style="total_name")
    values = {}
    for c, parts in sums.items():
        total = 0.0
        for v in parts:  # left to right, as Excel's SUM adds
            total += v
        values[c] = total
        row[c] = Cell(total, formula(c), 2, "total")
    row[C_RATE] = _figure(rate(values[C_DONE], values[C_TOTAL]), 1, xl_rate(_a(r, C_DONE), _a(r, C_TOTAL)), "total")
    row[C_ANNUAL] = _figure(rate(values[C_YEAR], values[C_PLAN]), 1, xl_rate(_a(r, C_YEAR), _a(r, C_PLAN)), "total")
    return row


def detail(ledger: Ledger) -> Table:
    names = ["项目 / 子项名称", "状态", "总投资(亿元)", "累计完成投资(亿元)", "投资完成率(%)", "计划竣工日期", "形象进度"]
    t = Table(DETAIL, "重点投资项目子项明细", ("点击左侧“+ / −”展开或收起各项目的子项", "金额单位：亿元"),
              [Header(0, c, 0, c, h) for c, h in enumerate(names)], 1, [], [40, 8, 11, 12, 11, 12, 36])
    first = t.first_data_row
    rows, levels = [], {}

    def add(name, state, total, done, end, text, level, style):
        r = first + len(rows)
        rows.append([Cell(name, style=style), Cell(state or "", style="unit"), _money(total), _money(done),
                     _figure(rate(done, total), 1, xl_rate(_a(r, 3), _a(r, 2))),
                     Cell(end, style="date"), Cell(text, style="text")])
        if level:
            levels[len(rows) - 1] = level

    groups = [(k, p.name, p) for k, p in enumerate(ledger.projects)]
    orphans = [s for s in ledger.subprojects if s.project is None]
    for k, name, p in groups:
        subs = [s for s in ledger.subprojects if s.project == k]
        if not subs:
            continue
        add(name, p.state, yi(p.total), yi(p.done_total), p.planned_end, p.progress_text, 0, "group")
        for s in subs:
            add(s.name, s.state, yi(s.total), yi(s.done_total), s.planned_end, s.progress_text, 1, "subname")
    if orphans:
        rows.append([Cell("未归属子项（所属项目不在项目表中，见“校验”表）", style="group", span=True)])
        for s in orphans:
            add(f"{s.name}（{s.ref}）", s.state, yi(s.total), yi(s.done_total), s.planned_end, s.progress_text, 1,
                "subname")
    if not rows:
        rows.append([Cell("台账中没有子项", style="para", span=True)])
    t.rows, t.row_levels = rows, levels
    return t


def totals(ledger: Ledger, over: Table) -> Table:
    r0, r1 = over.first_data_row, over.first_data_row + len(over.rows) - 1
    rng = lambda c: f"{address(OVERVIEW, r0, c)}:{address(None, r1, c)}"  # noqa: E731
    names = ["分组", "项目数(个)", "总投资(亿元)", "累计完成投资(亿元)", "投资完成率(%)"]
    t = Table(TOTALS, "重点投资项目汇总", ("", "金额单位：亿元"), [Header(0, c, 0, c, h) for c, h in enumerate(names)],
              1, [], [30, 12, 14, 16, 14])
    rows: list[list[Cell]] = []
    base = t.first_data_row

    def group(title, key_col, values, label_of):
        rows.append([Cell(title, style="group", span=True)])
        for v in values:
            members = [p for p in ledger.projects if label_of(p) == v]
            crit = f'"{v}"'
            count = f'=COUNTIFS({rng(key_col)},{crit},{rng(C_LEVEL)},"<>")'
            total = sum_in_order(yi(p.total) for p in members)
            done = sum_in_order(yi(p.done_total) for p in members)
            r = base + len(rows)
            # A group with a blank (unknown) amount has no total: a sum of the others would pass for the group's.
            no_total = any(p.total is None for p in members)
            no_done = any(p.done_total is None for p in members)
            rows.append([Cell(v, style="name"), Cell(len(members), count, 0),
                         _figure(None, 2) if no_total else
                         Cell(total, f'=SUMIFS({rng(C_TOTAL)},{rng(key_col)},{crit},{rng(C_LEVEL)},"<>")', 2),
                         _figure(None, 2) if no_done else
                         Cell(done, f'=SUMIFS({rng(C_DONE)},{rng(key_col)},{crit},{rng(C_LEVEL)},"<>")', 2),
                         _figure(None, 1) if no_total or no_done else
                         _figure(rate(done, total), 1, xl_rate(_a(r, 3), _a(r, 2)))])

    group("一、按项目级别", C_LEVEL, [lv for lv in LEVELS if any(p.level == lv for p in ledger.projects)],
          lambda p: p.level)
    group("二、按建设状态", C_STATE, [s for s in STATES + [NO_STATE] if any(state_of(p) == s for p in ledger.projects)],
          state_of)
    from .sei import category_names

    group("三、按战略性新兴产业类别", C_CAT, [c for c in category_names() + [NOT_SEI]
                                       if any(category_of(p) == c for p in ledger.projects)], category_of)
    if ledger.totals:
        tot = ledger.totals
        rows.append([Cell("四、工业固定资产投资", style="group", span=True)])
        rows.append([Cell("", style="header"), Cell("本期", style="header"), Cell("上年同期", style="header"),
                     Cell("增长(%)", style="header"), Cell("", style="header")])
        refs = {}
        for key, label in (("fai_all", "全市固定资产投资(亿元)"), ("fai_industry", "工业固定资产投资(亿元)")):
            r = base + len(rows)
            cur, ly = yi(tot.get(f"{key}_cur")), yi(tot.get(f"{key}_ly"))
            stated = tot.get(f"{key}_growth")  # as the ledger states it (checked against the amounts)
            rows.append([Cell(label, style="name"), _money(cur), _money(ly),
                         _figure(stated, 1) if stated is not None else
                         _figure(growth(cur, ly), 1, xl_growth(_a(r, 1), _a(r, 2))), Cell(None)])
            refs[key] = _a(r, 1)
        r = base + len(rows)
        share = industrial_investment(ledger)["share"]
        rows.append([Cell("工业投资占全市固定资产投资比重(%)", style="name"),
                     _figure(share, 1, xl_rate(refs["fai_industry"], refs["fai_all"])), Cell(None), Cell(None),
                     Cell(None)])
    t.rows = rows
    return t


def sum_in_order(values) -> float:
    total = 0.0
    for v in values:
        total += v or 0.0
    return total


def chart(over: Table, as_of: dt.date) -> Table:
    names = ["项目名称", "投资完成率(%)", "时间进度(%)"]
    t = Table(CHART, "重点投资项目投资完成率与时间进度", (f"截至 {as_of:%Y年%m月%d日}", ""),
              [Header(0, c, 0, c, h) for c, h in enumerate(names)], 1, [], [34, 14, 14])
    rows = []
    for r_index, row in enumerate(over.rows):
        if row[0].style != "name":
            continue
        r = over.first_data_row + r_index
        rows.append([Cell(row[C_NAME].value, style="name"),
                     Cell(row[C_RATE].value, f"={address(OVERVIEW, r, C_RATE)}", 1),
                     Cell(row[C_TIME].value, f"={address(OVERVIEW, r, C_TIME)}", 1)])
    t.rows = rows
    if rows:
        t.charts = [Chart("投资完成率与时间进度(%)", "bar", (0, len(rows)), [("投资完成率(%)", 1), ("时间进度(%)", 2)])]
    return t


def checks_table(ledger: Ledger) -> Table:
    names = ["类型", "位置", "说明"]
    rows = [[Cell("警告", style="unit"), Cell(w.location(), style="text"), Cell(w.message, style="text")]
            for w in ledger.warnings]
    if not rows:
        rows = [[Cell("通过", style="unit"), Cell(ledger.source, style="text"), Cell("台账没有发现问题", style="text")]]
    return Table(CHECKS, "台账校验结果", (ledger.source, ""), [Header(0, c, 0, c, h) for c, h in enumerate(names)], 1,
                 rows, [8, 40, 80])


def tracker_tables(ledger: Ledger, as_of: dt.date, amber: float = DEFAULT_AMBER,
                   red: float = DEFAULT_RED) -> list[Table]:
    over = overview(ledger, as_of, amber, red)
    return [over, detail(ledger), totals(ledger, over), chart(over, as_of), checks_table(ledger)]


def default_as_of(ledger: Ledger, today: dt.date | None = None) -> tuple[dt.date, str]:
    """The ledger's own date; else today, with a note when today is more than a year after every date
    in the ledger (an old ledger tracked against today shows every project late)."""
    if ledger.as_of is not None:
        return ledger.as_of, ""
    today = today or dt.date.today()
    latest = ledger.latest_date()
    if latest is not None and (today - latest).days > 365:
        return today, (f"台账中没有截止日期，按今天 {today:%Y-%m-%d} 计算；台账中最晚的日期是 {latest:%Y-%m-%d}，"
                       "已过去一年多，时间进度可能都是100。请用 --as-of 指定截止日期")
    return today, ""


def write_tracker(path: str, ledger: Ledger, as_of: dt.date, amber: float = DEFAULT_AMBER,
                  red: float = DEFAULT_RED, inputs: list[str] | None = None, paper: str = "A4") -> str:
    """The tracker workbook at `path`, written atomically; never over an input. paper: A4 or A3."""
    from .output import atomic_path, refuse_overwriting_inputs
    from .xlsx import write_workbook

    refuse_overwriting_inputs([path], [ledger.path] + list(inputs or []))
    with atomic_path(path) as tmp:
        write_workbook(tmp, tracker_tables(ledger, as_of, amber, red), title=f"重点投资项目进度表 截至{as_of}",
                       paper=paper)
    return path


def render_validation(ledger: Ledger) -> str:
    """What `xltools validate LEDGER` prints."""
    parts = [f"{len(ledger.projects)} 个项目（工作表“{ledger.sheets['projects']}”）"]
    if "subprojects" in ledger.sheets:
        parts.append(f"{len(ledger.subprojects)} 个子项（“{ledger.sheets['subprojects']}”）")
    if ledger.totals:
        parts.append(f"全市投资合计（“{ledger.sheets['totals']}”）")
    lines = [f"{ledger.source}：项目台账，读取 " + "、".join(parts) + "，没有发现输入错误。"]
    lines += totals_lines(ledger)
    levels = {lv: sum(1 for p in ledger.projects if p.level == lv) for lv in LEVELS}
    lines.append("项目级别：" + "、".join(f"{LEVEL_LABELS[k]} {v} 个" for k, v in levels.items() if v))
    if ledger.headings:
        lines.append("分组标题行（不是项目，其下项目级别为空时取标题所说的级别）：" + "、".join(
            f"第{row}行“{text}”" for row, text in ledger.headings))
    lines += state_lines(ledger) + blank_lines(ledger)
    if ledger.warnings:
        lines.append(f"需要核实（{len(ledger.warnings)} 处，不影响生成进度表）：")
        lines += [f"  ⚠ {w}" for w in ledger.warnings]
    else:
        lines.append("需要核实：无")
    return "\n".join(lines)


def totals_lines(ledger: Ledger) -> list[str]:
    """What was read of the city totals: each column's meaning, and the figures."""
    if not ledger.totals:
        return []
    lines = []
    read = ledger.totals_read
    if read is not None and read.columns:
        lines.append("全市投资表的列：" + "、".join(read.columns))
    for key, label in (("fai_all", "全市固定资产投资"), ("fai_industry", "工业固定资产投资")):
        said = [f"{word} {ledger.totals[f'{key}_{p}']:.12g} 万元" for p, word in (("cur", "本期"), ("ly", "上年同期"))
                if ledger.totals.get(f"{key}_{p}") is not None]
        if ledger.totals.get(f"{key}_growth") is not None:
            said.append(f"增速 {ledger.totals[f'{key}_growth']:g}%（台账所列）")
        if said:
            lines.append(f"{label}：" + "，".join(said))
    return lines


def state_lines(ledger: Ledger) -> list[str]:
    """The projects by state, and each 状态 wording read as a state it does not name ("未投产" → 在建),
    so that the reading can be checked."""
    counts = {s: sum(1 for p in ledger.projects if state_of(p) == s) for s in STATES + [NO_STATE]}
    lines = ["建设状态：" + "、".join(f"{s} {n} 个" for s, n in counts.items() if n)]
    read = {}
    for item in [*ledger.projects, *ledger.subprojects]:
        if item.state and item.state_text and item.state_text != item.state:
            read.setdefault(item.state_text, item.state)
    if read:
        lines.append("状态按说法归类：" + "、".join(f"“{text}”→{state}" for text, state in read.items()))
    return lines


def blank_lines(ledger: Ledger) -> list[str]:
    """Blank 总投资 / 累计完成投资 cells: unknown, not 0 (their rates are —, the report leaves them out)."""
    lines = []
    for attr, label in (("total", "总投资"), ("done_total", "累计完成投资")):
        blank = [f"{p.name}（“{ledger.sheets['projects']}”第{p.row}行）" for p in ledger.projects
                 if getattr(p, attr) is None]
        blank += [f"子项“{s.name}”（“{ledger.sheets.get('subprojects')}”第{s.row}行）" for s in ledger.subprojects
                  if getattr(s, attr) is None]
        if blank:
            lines.append(f"{label}为空（按未知处理，不计为0，完成率不计算）：" + "、".join(blank))
    return lines
