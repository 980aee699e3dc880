"""The investment-project ledger (重点项目台账): projects, sub-projects, city investment totals.

Read with the bureau reader's machinery — sources, header detection by content, aliases
(data/ledger_columns.csv), units (万元 unless a header or a unit line says otherwise),
value cleaning and the error contract: every bad cell of the file is reported at once,
with file, sheet, row, column and value. Money is kept in 万元. The sheets may have any
names and any order; each is recognised by its header. What is doubtful but readable
(sums above totals, dates out of order, unknown project references) becomes a warning,
never a dropped row.
"""
from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import columns as colmod
from .errors import InputError, Issue, IssueList
from .header import locate_header
from .rows import FOOTNOTE as _FOOTNOTE, TOTAL as _TOTAL
from .sources import PEEK_ROWS
from .sei import UnknownCategory, normalise_category
from .sources import Source, open_source
from .values import clean_text, to_numbers

LEVELS = ["省列重大", "市列重点", "其他"]
LEVEL_LABELS = {"省列重大": "省列重大项目", "市列重点": "市列重点项目", "其他": "其他项目"}
STATES = ["前期", "在建", "已建成", "停缓建"]
# The 状态 words (the longest first where one holds another) and what each says of the project. A word
# after a negation or a plan in its clause (未投产, 尚未建成, 计划年底竣工, 待开工) says the opposite: a
# completion not reached ("not finished"), a start not made ("前期").
_SUSPENDED, _DONE, _STARTED, _NOT_STARTED, _NOT_FINISHED = "停缓建", "已建成", "在建", "前期", "not finished"
_STATE_WORDS = {"停缓建": _SUSPENDED, "停建": _SUSPENDED, "缓建": _SUSPENDED, "暂停": _SUSPENDED,
                "已建成": _DONE, "建成": _DONE, "竣工": _DONE, "投产": _DONE, "完工": _DONE,
                "前期": _NOT_STARTED, "未开工": _NOT_STARTED, "拟建": _NOT_STARTED, "储备": _NOT_STARTED,
                "在建": _STARTED, "施工": _STARTED, "续建": _STARTED, "新开工": _STARTED, "开工": _STARTED,
                "安装": _STARTED, "调试": _STARTED, "建设中": _STARTED}
_NEGATED = {_DONE: _NOT_FINISHED, _STARTED: _NOT_STARTED}
_NEGATED_WORDS = {"安装": _NOT_FINISHED, "调试": _NOT_FINISHED}  # 设备未安装: started, the equipment not in
NOT_YET = ("未", "没", "待", "计划", "预计", "拟", "力争")
_STATE_RX = re.compile("|".join(sorted(_STATE_WORDS, key=len, reverse=True)))
_CLAUSE_BREAK = re.compile(r"[，,；;。、]")
EXCEL_EPOCH = dt.date(1899, 12, 30)


@dataclass
class Project:
    row: int
    project_id: str | None
    name: str
    owner: str | None = None
    level: str = "其他"
    sei_category: str | None = None
    nature: str | None = None
    total: float | None = None     # 万元; None when the ledger leaves it blank (unknown, never 0)
    done_total: float | None = None
    plan_year: float | None = None
    done_year: float | None = None
    start: dt.date | None = None
    planned_end: dt.date | None = None
    progress_text: str | None = None
    state: str | None = None
    state_text: str | None = None   # the 状态 cell as written (on one line), e.g. 未投产 for 在建


@dataclass
class SubProject:
    row: int
    ref: str                        # the 项目编号 or 项目名称 it names
    name: str
    total: float | None = None      # 万元; None when blank
    done_total: float | None = None
    state: str | None = None
    progress_text: str | None = None
    planned_end: dt.date | None = None
    project: int | None = None      # index into Ledger.projects; None when the reference is unknown
    state_text: str | None = None


@dataclass
class Ledger:
    source: str
    path: str
    projects: list[Project]
    subprojects: list[SubProject]
    totals: dict[str, float] | None  # fai_all_cur, fai_all_ly, fai_industry_cur, fai_industry_ly (万元)
    sheets: dict[str, str]            # kind -> sheet name
    warnings: list[Issue] = field(default_factory=list)
    as_of: dt.date | None = None      # the ledger's own date (a 截止日期 cell, its title), if it names one
    as_of_from: str = ""              # where that date was found, in words

    def latest_date(self) -> dt.date | None:
        """The latest start or planned completion date of any project or sub-project."""
        dates = [d for p in self.projects for d in (p.start, p.planned_end) if d]
        dates += [s.planned_end for s in self.subprojects if s.planned_end]
        return max(dates, default=None)


# ---------------------------------------------------------------- values

def parse_date(text: str | None, *, end: bool = False) -> dt.date | None:
    """2023-03-15, 2023/3/15, 2023.3.15, 2023年3月15日, 2023年3月, 2023-03, an Excel serial, a
    datetime text from calamine. A month alone is its first day, or its last for an end date."""
    if text is None:
        return None
    s = str(text).strip()
    if not s:
        return None
    try:
        serial = None if re.fullmatch(r"\d{4}\.\d{1,2}(\.\d{1,2})?", s) else float(s)  # 2024.2 is a month
    except ValueError:
        serial = None
    if serial is not None:
        if 1 <= serial < 2958466:
            return EXCEL_EPOCH + dt.timedelta(days=int(serial))
        raise ValueError(s)
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?|月?)"
                     r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?", s)
    if not m:
        raise ValueError(s)
    year, month = int(m.group(1)), int(m.group(2))
    if m.group(3):
        return dt.date(year, month, int(m.group(3)))
    first = dt.date(year, month, 1)
    if not end:
        return first
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


_FULL_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日|(\d{4})([-/.])(\d{1,2})\5(\d{1,2})")
_MONTH = re.compile(r"(\d{4})\s*年\s*(?:\d{1,2}\s*[-—~至]\s*)?(\d{1,2})\s*月")
_YEAR = re.compile(r"(\d{4})\s*年")


def _date_from(match: re.Match | None, kind: str) -> dt.date | None:
    if match is None:
        return None
    parts = [int(g) for g in match.groups() if g and g.isdigit()]
    year = parts[0]
    try:
        if kind == "day":
            return dt.date(year, parts[1], parts[2])
        if kind == "month":
            return parse_date(f"{year}-{int(match.group(2))}", end=True)
        return dt.date(year, 12, 31)
    except ValueError:
        return None


def _date_in(text: str) -> dt.date | None:
    text = text.strip(" ：:为是")
    try:
        found = parse_date(text, end=True)
    except ValueError:
        found = None
    return found or _date_from(_FULL_DATE.search(text), "day") or _date_from(_MONTH.search(text), "month")


def own_date(above: list[str]) -> tuple[dt.date | None, str]:
    """The date a ledger is as of, from the texts above its project header: a 截止日期 cell (or
    “截至 …” in the title), else a date in the title; else the end of the month or year it names."""
    for i, text in enumerate(above):
        word = next((w for w in ("截止", "截至") if w in text), None)
        if word is None:
            continue
        for candidate in (text.split(word, 1)[1].replace("日期", "", 1), above[i + 1] if i + 1 < len(above) else ""):
            found = _date_in(candidate)
            if found:
                return found, "台账的截止日期"
    for pattern, kind, said in ((_FULL_DATE, "day", "台账标题中的日期"), (_MONTH, "month", "台账标题中的月份之末"),
                                (_YEAR, "year", "台账标题中的年份之末")):
        for text in above:
            found = _date_from(pattern.search(text), kind)
            if found and 1990 <= found.year <= 2100:
                return found, said
    return None, ""


def normalise_level(text: str | None) -> str:
    s = (text or "").replace(" ", "")
    if "省" in s:
        return "省列重大"
    if "市" in s:
        return "市列重点"
    return "其他"


def normalise_state(text: str | None) -> str | None:
    """The state a 状态 text says, as a statistician reads it: each state word of the text, negated when a
    negation or a plan comes before it in its clause ("未投产", "尚未建成", "已开工未投产", "计划年底竣工"):
    停缓建 when it says so; 已建成 only when everything it says is finished; 前期 only when nothing it
    says is started; else 在建 (started and not finished, or parts of both). ValueError when no word
    is found, or a word is negated that has no opposite ("未暂停")."""
    s = re.sub(r"\s+", "", text or "")
    if not s:
        return None
    said = set()
    for m in _STATE_RX.finditer(s):
        meaning = _STATE_WORDS[m.group()]
        clause = _CLAUSE_BREAK.split(s[:m.start()])[-1]
        if any(word in clause for word in NOT_YET) and meaning != _NOT_STARTED:
            if meaning not in _NEGATED:
                raise ValueError(text)
            meaning = _NEGATED_WORDS.get(m.group(), _NEGATED[meaning])
        said.add(meaning)
    if not said:
        raise ValueError(text)
    if _SUSPENDED in said:
        return "停缓建"
    if said == {_DONE}:
        return "已建成"
    if said <= {_NOT_STARTED, _NOT_FINISHED} and _NOT_STARTED in said:
        return "前期"
    return "在建"


def one_line(text: str | None, separator: str = "") -> str | None:
    """A ledger text on one line: a line break, tab or run of spaces next to a Chinese character becomes
    `separator` ("" inside a name: “年产10万吨⏎再生铝项目” is one name; "，" inside 形象进度: two parts),
    or nothing beside a punctuation mark; in Latin text (no Chinese character beside it), one space."""
    if text is None:
        return None
    s = text.strip()

    def joint(m: re.Match) -> str:
        before, after = s[m.start() - 1], s[m.end()]
        if not (_CJK.match(before) or _CJK.match(after)):
            return " "  # Latin text, digits: one space
        return "" if before in _PUNCTUATION or after in _PUNCTUATION else separator

    return _SPACES.sub(joint, s) or None


_SPACES = re.compile(r"\s+")
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff]")
_PUNCTUATION = set("，,；;。、：:（）()【】《》“”")


# ---------------------------------------------------------------- sheets

def _projects_ok(found) -> bool:
    ids = {m.spec.id for m in found.values()}
    return "project_name" in ids and "total_investment" in ids and "sub_name" not in ids


def _subprojects_ok(found) -> bool:
    ids = {m.spec.id for m in found.values()}
    return "sub_name" in ids and bool(ids & {"project_id", "project_name"})


def _totals_ok(found) -> bool:
    """A header row of totals: 工业固定资产投资 and at least one more figure beside it (a row of
    labels with one figure each is the two-column form, read by _scan_totals)."""
    keys = [m.key for m in found.values() if m.spec.id in ("fai_all", "fai_industry")]
    return any(k.startswith("fai_industry") for k in keys) and len(keys) >= 2


KINDS = (("projects", _projects_ok), ("subprojects", _subprojects_ok), ("totals", _totals_ok))


def _rows(source: Source, layout) -> tuple[dict[str, pa.Array], int, int]:
    cols = layout.columns
    data = source.load(layout.sheet, layout.data_start, [i.col for i in cols.values()], [])
    n = max((len(a) for a in data.values()), default=0)
    texts = {key: clean_text(data[i.col], nfkc=False) if i.col in data else pa.nulls(n, pa.string())
             for key, i in cols.items()}
    return texts, n, layout.data_start + 1


def _keep(texts: dict, n: int, label_keys) -> np.ndarray:
    empty = np.ones(n, dtype=bool)
    for arr in texts.values():
        empty &= pc.is_null(arr).to_numpy(zero_copy_only=False)
    skip = empty
    for k in label_keys:
        if k in texts:
            arr = texts[k]
            for rx in (_TOTAL, _FOOTNOTE):
                skip |= pc.fill_null(pc.match_substring_regex(arr, rx.pattern), False).to_numpy(zero_copy_only=False)
    return ~skip


class _Cells:
    """Typed values of one sheet's rows, with every bad cell reported to `issues`."""

    def __init__(self, texts, layout, first_row, issues: IssueList):
        self.texts, self.layout, self.first_row, self.issues = texts, layout, first_row, issues
        self.money = {}
        for key, info in layout.columns.items():
            if info.spec.kind == "money":
                values, blank, bad = to_numbers(texts[key])
                factor = colmod.UNIT_FACTORS.get(info.unit or "万元", 10.0) / 10.0  # to 万元
                self.money[key] = (values * factor, blank, bad)

    def raw(self, key, i):
        arr = self.texts.get(key)
        return None if arr is None else arr[i].as_py()

    def text(self, key, i):
        """The cell's text on one line (one_line): parts of 形象进度 joined by "，", anything else joined."""
        return one_line(self.raw(key, i), "，" if key == "progress_text" else "")

    def _issue(self, key, i, message, value):
        info = self.layout.columns[key]
        self.issues.add(message, row=self.first_row + i, column=info.label, col_index=info.col, value=value,
                        sheet=self.layout.sheet)

    def number(self, key, i, blank=None):
        """The cell's amount in 万元; `blank` (None: unknown, never 0) for an empty cell or a dash."""
        if key not in self.money:
            return blank
        values, blanks, bad = self.money[key]
        if bad[i]:
            self._issue(key, i, "不是数字", self.raw(key, i))
            return blank
        return blank if blanks[i] else float(values[i])

    def date(self, key, i, end=False):
        raw = self.raw(key, i)
        try:
            return parse_date(raw, end=end)
        except (ValueError, OverflowError):
            self._issue(key, i, "不是日期（应为 2023-03-15、2023年3月 这样的日期）", raw)
            return None

    def category(self, key, i):
        raw = self.raw(key, i)
        try:
            return normalise_category(raw)
        except UnknownCategory:
            self._issue(key, i, "不是战略性新兴产业分类(2018)中的类别", raw)
            return None

    def state(self, key, i):
        raw = self.raw(key, i)
        try:
            return normalise_state(raw)
        except ValueError:
            self._issue(key, i, "不是项目状态（前期、在建、已建成、停缓建）", raw)
            return None


def _read_projects(source, layout, issues) -> list[Project]:
    texts, n, first = _rows(source, layout)
    keep = _keep(texts, n, ("project_name", "project_id"))
    c = _Cells(texts, layout, first, issues)
    out = []
    for i in np.flatnonzero(keep):
        i = int(i)
        name = c.text("project_name", i)
        if not name:
            issues.add("有数据但没有项目名称", row=first + i, sheet=layout.sheet)
            continue
        out.append(Project(
            row=first + i, project_id=c.text("project_id", i), name=name, owner=c.text("owner", i),
            level=normalise_level(c.text("level", i)), sei_category=c.category("sei_category", i)
            if "sei_category" in texts else None, nature=c.text("nature", i),
            total=c.number("total_investment", i, None), done_total=c.number("done_total", i, None),
            plan_year=c.number("plan_this_year", i, None) if "plan_this_year" in texts else None,
            done_year=c.number("done_this_year", i, None) if "done_this_year" in texts else None,
            start=c.date("start_date", i) if "start_date" in texts else None,
            planned_end=c.date("planned_end", i, end=True) if "planned_end" in texts else None,
            progress_text=c.text("progress_text", i), state=c.state("state", i) if "state" in texts else None,
            state_text=c.text("state", i)))
    return out


def _read_subprojects(source, layout, issues) -> list[SubProject]:
    texts, n, first = _rows(source, layout)
    keep = _keep(texts, n, ("sub_name",))
    c = _Cells(texts, layout, first, issues)
    out = []
    for i in np.flatnonzero(keep):
        i = int(i)
        name, ref = c.text("sub_name", i), c.text("project_id", i) or c.text("project_name", i)
        if not name or not ref:
            issues.add("子项需要子项名称和所属项目（项目编号或项目名称）", row=first + i, sheet=layout.sheet)
            continue
        out.append(SubProject(
            row=first + i, ref=ref, name=name, total=c.number("total_investment", i),
            done_total=c.number("done_total", i), state=c.state("state", i) if "state" in texts else None,
            state_text=c.text("state", i), progress_text=c.text("progress_text", i),
            planned_end=c.date("planned_end", i, end=True) if "planned_end" in texts else None))
    return out


def _read_totals_table(source, layout, issues) -> dict[str, float]:
    texts, n, first = _rows(source, layout)
    c = _Cells(texts, layout, first, issues)
    out = {}
    for key in layout.columns:
        if key.startswith("fai_"):
            for i in range(n):
                if c.text(key, i) is not None:
                    out[key] = c.number(key, i)
                    break
    return out


def _scan_totals(rows: list[list], sheet: str, source: Source, issues: IssueList) -> dict[str, float]:
    """A small table of labels and figures: `工业固定资产投资(本期) | 123`, or label rows under a
    `本期 | 上年同期` header; units from the labels or a unit line, else 万元."""
    out: dict[str, float] = {}
    unit_line = None
    markers: dict[int, str] = {}
    for r, row in enumerate(rows):
        cells = [(c, v) for c, v in enumerate(row) if v is not None and str(v).strip()]
        for _, v in cells:
            unit_line = colmod.unit_line(v) or unit_line
        if cells and all(colmod.is_marker(v) for _, v in cells[1:]) and len(cells) >= 2 \
                and not colmod.match_header(cells[0][1], colmod.LEDGER):
            markers = {c: colmod.marker_period(str(v)) for c, v in cells[1:]}
            continue
        if not cells:
            continue
        label_col, label = cells[0]
        m = colmod.match_header(label, colmod.LEDGER)
        if m is None or m.spec.id not in ("fai_all", "fai_industry"):
            continue
        figures = [(c, v) for c, v in cells[1:]]
        for c, v in figures:
            period = markers.get(c) or m.period or "cur"
            key = f"{m.spec.id}_{period}"
            values, _, bad = to_numbers(pa.array([str(v)], pa.string()))
            if bad[0]:
                issues.add("不是数字", row=r + 1, column=str(label), col_index=c, value=v, sheet=sheet)
                continue
            unit = m.unit or unit_line or "万元"
            out[key] = float(values[0]) * colmod.UNIT_FACTORS.get(unit, 10.0) / 10.0
            if not markers:
                break
    return out


def read_ledger(path: str | os.PathLike | Source) -> Ledger:
    """Read a project ledger; InputError lists every problem of the file at once."""
    source = path if isinstance(path, Source) else open_source(os.fspath(path))
    issues = IssueList(source.name)
    layouts = {}
    unmatched = []
    for sheet in source.sheet_names():
        rows = source.peek(sheet)
        for kind, accept in KINDS:
            if kind in layouts:
                continue
            layout = locate_header(rows, sheet, accept, colmod.LEDGER, "万元")
            if layout is not None:
                layouts[kind] = layout
                break
        else:
            unmatched.append((sheet, rows))
    if "projects" not in layouts:
        raise InputError(Issue(f"在前{PEEK_ROWS}行中找不到项目表的表头（至少需要“项目名称”和“总投资”两列）",
                               file=source.name))
    projects = _read_projects(source, layouts["projects"], issues)
    subprojects = _read_subprojects(source, layouts["subprojects"], issues) if "subprojects" in layouts else []
    totals = None
    sheets = {k: v.sheet for k, v in layouts.items()}
    if "totals" in layouts:
        totals = _read_totals_table(source, layouts["totals"], issues)
    else:
        for sheet, rows in unmatched:
            found = _scan_totals(rows, sheet, source, issues)
            if found:
                totals, sheets["totals"] = found, sheet
                break
    issues.items.sort(key=lambda it: (it.sheet or "", it.row or 0, it.col_index or 0))
    issues.raise_if_any()
    ledger = Ledger(source.name, getattr(source, "path", source.name), projects, subprojects, totals, sheets)
    ledger.as_of, ledger.as_of_from = own_date(layouts["projects"].above)
    _link(ledger)
    ledger.warnings = checks(ledger)
    return ledger


def _link(ledger: Ledger) -> None:
    by_id = {p.project_id: k for k, p in enumerate(ledger.projects) if p.project_id}
    by_name = {p.name: k for k, p in enumerate(ledger.projects)}
    for s in ledger.subprojects:
        s.project = by_id.get(s.ref, by_name.get(s.ref))


# ---------------------------------------------------------------- checks

def _above(part: float | None, whole: float | None) -> bool:
    """A part (累计, 本年, 子项合计) above a positive whole; a blank on either side is not compared."""
    return part is not None and whole is not None and part > whole > 0


def checks(ledger: Ledger) -> list[Issue]:
    """The Checks of the ledger contract: warnings with their location."""
    out = []
    ps, sp = ledger.sheets.get("projects"), ledger.sheets.get("subprojects")
    for p in ledger.projects:
        where = dict(file=ledger.source, sheet=ps, row=p.row)
        if _above(p.done_total, p.total):
            out.append(Issue(f"{p.name}：累计完成投资 {p.done_total:g} 万元高于总投资 {p.total:g} 万元", **where))
        if p.done_year is not None and p.done_total is not None and p.done_year > p.done_total:
            out.append(Issue(f"{p.name}：本年完成投资 {p.done_year:g} 万元高于累计完成投资 {p.done_total:g} 万元", **where))
        if p.start and p.planned_end and p.start > p.planned_end:
            out.append(Issue(f"{p.name}：开工日期 {p.start} 晚于计划竣工日期 {p.planned_end}", **where))
    for k, p in enumerate(ledger.projects):
        subs = [s.total for s in ledger.subprojects if s.project == k and s.total is not None]
        if subs and _above(sum(subs), p.total):
            out.append(Issue(f"{p.name}：子项总投资合计 {sum(subs):g} 万元超过项目总投资 {p.total:g} 万元",
                             file=ledger.source, sheet=ps, row=p.row))
    for s in ledger.subprojects:
        where = dict(file=ledger.source, sheet=sp, row=s.row)
        if s.project is None:
            out.append(Issue(f"子项“{s.name}”所属的项目“{s.ref}”不在项目表中（列在子项明细的“未归属子项”下）", **where))
        if _above(s.done_total, s.total):
            out.append(Issue(f"子项“{s.name}”：累计完成投资高于总投资", **where))
    return out


def is_ledger(path: str | os.PathLike | Source) -> bool:
    """Does the file hold a project ledger (a projects header) rather than an enterprise export?"""
    from .header import bureau_header_ok

    source = path if isinstance(path, Source) else open_source(os.fspath(path))
    for sheet in source.sheet_names():
        rows = source.peek(sheet)
        if locate_header(rows, sheet, bureau_header_ok) is not None:
            return False
        if locate_header(rows, sheet, _projects_ok, colmod.LEDGER, "万元") is not None:
            return True
    return False
