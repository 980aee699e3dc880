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
from .errors import InputError, Issue, IssueList, column_letter
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
    totals_read: "TotalsRead | None" = None  # how a two-way totals sheet's columns were read
    headings: list[tuple[int, str]] = field(default_factory=list)  # group heading rows: (row, text)

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


# A group heading in the project sheet: “一、省列重大项目”, “（二）市列重点项目”, “其他项目” — a list number
# and a group name, nothing else in the row. Rows under it with a blank 项目级别 take the level it names.
_LIST_NUMBER = r"(?:[一二三四五六七八九十]+|\d{1,2}|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]+)"
_LIST_PREFIX = re.compile(rf"^\s*(?:[(（]{_LIST_NUMBER}[)）]|{_LIST_NUMBER}\s*[、.．:：]|{_LIST_NUMBER}\s+)\s*")
_GROUP_NAME = re.compile(r"^(省列|市列|省级|市级|省|市)?(重大|重点|其他|一般)?(工业)?(投资)?项目$")


def heading_level(id_text: str | None, name: str | None, other_content: bool) -> tuple[bool, str | None]:
    """(is this row a group heading, the level it names or None). A heading has no other content and is a
    list number with a group name: a name of the form 省列重大项目 / 其他项目, or any short name that comes
    after a list number (（一）新材料产业)."""
    if other_content or not name:
        return False, None
    numbered = bool(id_text and re.fullmatch(rf"[(（]?{_LIST_NUMBER}[)）、.．]?", id_text.strip()))
    bare = _LIST_PREFIX.sub("", name)
    numbered = numbered or bare != name
    if id_text and not numbered:
        return False, None
    group = bool(_GROUP_NAME.match(bare)) and bare != "项目"
    if not (group or (numbered and len(bare) <= 12 and "项目" not in bare)):
        return False, None
    return True, (normalise_level(bare) if group else None)


def _read_projects(source, layout, issues, headings: list | None = None) -> list[Project]:
    texts, n, first = _rows(source, layout)
    keep = _keep(texts, n, ("project_name", "project_id", "seq"))  # 小计 or 合计 written in 序号 too
    c = _Cells(texts, layout, first, issues)
    out = []
    level_above = None
    others = [k for k in texts if k not in ("project_name", "project_id", "seq")]
    for i in np.flatnonzero(keep):
        i = int(i)
        name = c.text("project_name", i)
        # The list number may stand in 序号 as well as in 项目编号; a heading is often typed (or merged) there whole.
        seq = c.text("seq", i) if "seq" in texts else None
        number = c.text("project_id", i) or seq
        other = any(c.raw(k, i) not in (None, "") for k in others)
        is_heading, level = heading_level(number, name, other)
        if not is_heading and not name and seq and not c.text("project_id", i):
            is_heading, level = heading_level(None, seq, other)
        if is_heading:
            level_above = level
            if headings is not None:
                headings.append((first + i, " ".join(x for x in (number, name) if x)))
            continue
        if not name:
            issues.add("有数据但没有项目名称", row=first + i, sheet=layout.sheet)
            continue
        level_text = c.text("level", i)
        out.append(Project(
            row=first + i, project_id=c.text("project_id", i), name=name, owner=c.text("owner", i),
            level=normalise_level(level_text) if level_text or not level_above else level_above, sei_category=c.category("sei_category", i)
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


_GROWTH_HEADER = re.compile(r"^(同比|比上年|比去年|比上年同期)?(增长|增速|增幅|增减|同比)(率|幅度)?(\(%\)|%)?$")
_IGNORED_HEADERS = ("备注", "说明")
_UNIT_HEADERS = ("单位", "计量单位")
_PERIOD_WORDS = {"cur": "本期", "ly": "上年同期", "growth": "增速(%)", "unit": "计量单位", "label": "指标", "skip": "不用"}


def _header_role(text) -> str | None:
    """What a column header of the two-way totals table says: cur, ly, year:…, growth, unit, skip; None
    when it is none of these."""
    s = colmod.normalise(text)
    if _GROWTH_HEADER.match(s.replace("(%)", "").replace("%", "") or "x") or _GROWTH_HEADER.match(s):
        return "growth"
    if s in _UNIT_HEADERS:
        return "unit"
    if s in _IGNORED_HEADERS:
        return "skip"
    name = colmod.split_header(s)[0]
    bare = colmod._UNIT_IN_BRACKETS.sub("", s)
    for candidate in (bare, name, re.sub(r"(累计|完成|完成额|完成投资|投资额?|金额)$", "", name)):
        period = colmod.marker_period(candidate) if candidate else None
        if period in ("cur", "ly") or colmod.year_of(period) is not None:
            return period
    return None


def _decimals(text: str) -> int:
    m = re.search(r"\.(\d+)", text)
    return len(m.group(1)) if m else 0


def _growth_agrees(cur: tuple[float, int], ly: tuple[float, int], stated: tuple[float, int]) -> bool:
    """Does the stated growth (%) agree with the two amounts, each to the rounding it is written with?"""
    (c, dc), (l, dl), (g, dg) = cur, ly, stated
    hc, hl, hg = 0.5 * 10 ** -dc, 0.5 * 10 ** -dl, 0.5 * 10 ** -dg
    if l - hl <= 0:
        return True  # no growth can be computed from a 上年同期 of about 0: nothing to contradict
    low, high = ((c - hc) / (l + hl) - 1) * 100, ((c + hc) / (l - hl) - 1) * 100
    eps = 1e-9 * max(1.0, abs(g))
    return low - eps <= g + hg and g - hg <= high + eps


@dataclass
class TotalsRead:
    """How a totals sheet was read: for validate to list, for the report to check its period."""
    columns: list[str] = field(default_factory=list)   # “列B“上年同期”为上年同期”
    year: tuple[int, tuple[int, int] | None] | None = None  # the year (and months) the 本期 header names
    header_row: int | None = None


def _totals_label(text):
    """The HeaderMatch of a 全市固定资产投资 / 工业固定资产投资 label, else None."""
    m = colmod.match_header(text, colmod.LEDGER)
    return m if m is not None and m.spec.id in ("fai_all", "fai_industry") else None


def _period_header(cells, sheet, r, issues) -> dict[int, str] | None:
    """The roles of a header row of the two-way table (指标 | 本期 | 上年同期 | 增速(%)), or None when the
    row is not one. Columns left of the first period column are labels; a column no role fits is a
    located error, never a guess."""
    roles = {c: _header_role(v) for c, v in cells}
    first = next((c for c, _ in cells if roles[c] not in (None, "unit", "skip")), None)
    if first is None or any(_totals_label(v) for _, v in cells):
        return None
    out = {}
    for c, v in cells:
        if c < first and roles[c] is None:
            out[c] = "label"
        elif roles[c] is None:
            issues.add("无法确定这一列是本期、上年同期还是增速（表头可写“本期”“上年同期”“2024年1-12月”“增速(%)”）",
                       row=r + 1, column=str(v), col_index=c, value=v, sheet=sheet)
        else:
            out[c] = roles[c]
    years = sorted({colmod.year_of(p)[0] for p in out.values() if colmod.year_of(p)})
    if len(years) > 2 or (len(years) == 2 and years[1] - years[0] != 1):
        issues.add(f"表头中的年份（{'、'.join(f'{y}年' for y in years)}）不是相邻的两年，无法确定哪一年是本期",
                   row=r + 1, sheet=sheet)
        return out
    if years:
        named = set(out.values())
        current = years[-1] if len(years) == 2 or "cur" not in named else years[0] + 1
        for c, p in list(out.items()):
            if colmod.year_of(p):
                out[c] = ("cur" if colmod.year_of(p)[0] == current else "ly") + "@" + p
    said = [p.split("@")[0] for p in out.values()]
    for role in ("cur", "ly", "growth", "unit"):
        if said.count(role) > 1:
            issues.add(f"表头中有{said.count(role)}列都是{_PERIOD_WORDS[role]}", row=r + 1, sheet=sheet)
    return out


def _scan_totals(rows: list[list], sheet: str, source: Source, issues: IssueList,
                 read: TotalsRead | None = None) -> dict[str, float]:
    """A small table of labels and figures: `工业固定资产投资(本期) | 123`, or label rows under a header
    that says what each column is: `指标名称 | 本年累计 | 上年同期 | 同比增长(%)`, `2024年1-12月 | 2023年1-12月`,
    in any order. Amounts: units from the labels, a 计量单位 column, the header or a unit line, else 万元;
    a stated growth (key …_growth, %) must agree with the two amounts to its rounding."""
    read = read if read is not None else TotalsRead()
    out: dict[str, float] = {}
    written: dict[str, tuple[float, int, int, int]] = {}  # key -> (value as written, decimals, row, col)
    unit_line = None
    roles: dict[int, str] = {}
    head_cells: dict[int, str] = {}
    for r, row in enumerate(rows):
        cells = [(c, v) for c, v in enumerate(row) if v is not None and str(v).strip()]
        for _, v in cells:
            unit_line = colmod.unit_line(v) or unit_line
        if not cells:
            continue
        header = _period_header(cells, sheet, r, issues)
        if header is not None:
            roles, head_cells, read.header_row = header, {c: str(v) for c, v in cells}, r + 1
            read.columns = [f"列{column_letter(c)}“{head_cells[c]}”为{_PERIOD_WORDS[p.split('@')[0]]}"
                            for c, p in sorted(roles.items()) if p != "label"]
            cur_year = [colmod.year_of(p.split("@")[1]) for p in roles.values() if p.startswith("cur@")]
            read.year = cur_year[0] if cur_year else None
            continue
        at = next(((c, v) for c, v in cells if _totals_label(v)), None)
        if at is None:
            continue
        m = _totals_label(at[1])
        label_col, label = at
        figures = [(c, v) for c, v in cells if c > label_col]
        row_unit = next((str(v).strip() for c, v in figures if roles.get(c) == "unit"), None)
        if not roles:
            # Without a header: the numbers of the row (a unit word beside them is its unit, other words
            # a note); text alone where a number should be is an error below.
            row_unit = next((str(v).strip() for c, v in figures if str(v).strip() in colmod.UNIT_FACTORS), None)
            numbers = [(c, v) for c, v in figures if not to_numbers(pa.array([str(v)], pa.string()))[2][0]]
            numbers = numbers or [(c, v) for c, v in figures if str(v).strip() != row_unit][:1]
            if len(numbers) > 1:
                issues.add(f"这一行有{len(numbers)}个数，但表中没有说明各列是本期、上年同期还是增速的表头",
                           row=r + 1, column=str(label), col_index=label_col, sheet=sheet)
                continue
            figures = [(c, v, m.period or "cur") for c, v in numbers]
        else:
            if colmod.split_header(label)[1] is not None:
                issues.add("行标签中写了期别，表头也写了期别，无法确定用哪一个", row=r + 1, column=str(label),
                           col_index=label_col, value=label, sheet=sheet)
                continue
            placed = []
            for c, v in figures:
                role = roles.get(c, "").split("@")[0]
                if role in ("cur", "ly", "growth"):
                    placed.append((c, v, role))
                elif role == "":
                    issues.add("这一列没有表头，不知道这个数是本期、上年同期还是增速", row=r + 1,
                               column=column_letter(c), col_index=c, value=v, sheet=sheet)
            figures = placed
        for c, v, period in figures:
            values, blank, bad = to_numbers(pa.array([str(v)], pa.string()))
            if bad[0]:
                issues.add("不是数字", row=r + 1, column=head_cells.get(c, str(label)), col_index=c, value=v,
                           sheet=sheet)
                continue
            if blank[0]:
                continue
            key = f"{m.spec.id}_{period}"
            if period == "growth":
                out[key] = float(values[0])
            else:
                head_unit = colmod.split_header(head_cells[c])[2] if c in head_cells else None
                unit = m.unit or row_unit or head_unit or unit_line or "万元"
                if unit not in colmod.UNIT_FACTORS:
                    issues.add(f"不认识的计量单位“{unit}”", row=r + 1, column=str(label), col_index=c, sheet=sheet)
                    continue
                out[key] = float(values[0]) * colmod.UNIT_FACTORS[unit] / 10.0
            written[key] = (float(values[0]), _decimals(str(v)), r + 1, c)
    for kind in ("fai_all", "fai_industry"):
        g, c, l = (written.get(f"{kind}_{p}") for p in ("growth", "cur", "ly"))
        if g and c and l and not _growth_agrees(c[:2], l[:2], g[:2]):
            computed = ((c[0] / l[0]) - 1) * 100 if l[0] else float("nan")
            issues.add(f"增速 {g[0]:.12g}% 与本期 {c[0]:.12g}、上年同期 {l[0]:.12g} 算出的 {computed:.2f}% 不符（差别"
                       "超出各数的四舍五入），请核对", row=g[2], column=head_cells.get(g[3]), col_index=g[3],
                       sheet=sheet)
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
    headings: list[tuple[int, str]] = []
    projects = _read_projects(source, layouts["projects"], issues, headings)
    subprojects = _read_subprojects(source, layouts["subprojects"], issues) if "subprojects" in layouts else []
    totals, totals_read = None, None
    sheets = {k: v.sheet for k, v in layouts.items()}
    if "totals" in layouts:
        totals = _read_totals_table(source, layouts["totals"], issues)
    else:
        for sheet, rows in unmatched:
            read = TotalsRead()
            found = _scan_totals(rows, sheet, source, issues, read)
            if found:
                totals, sheets["totals"], totals_read = found, sheet, read
                break
    issues.items.sort(key=lambda it: (it.sheet or "", it.row or 0, it.col_index or 0))
    issues.raise_if_any()
    ledger = Ledger(source.name, getattr(source, "path", source.name), projects, subprojects, totals, sheets)
    ledger.as_of, ledger.as_of_from = own_date(layouts["projects"].above)
    ledger.totals_read, ledger.headings = totals_read, headings
    _check_totals_year(ledger)
    _link(ledger)
    ledger.warnings = checks(ledger)
    return ledger


def totals_period_issue(ledger: Ledger, year: int, end_month: int, what: str) -> Issue | None:
    """The error when the year (and months) a totals header names is not the period `what` says."""
    read = ledger.totals_read
    if read is None or read.year is None:
        return None
    named_year, months = read.year
    if named_year == year and (months is None or months[1] == end_month):
        return None
    named = f"{named_year}年" + (f"{months[0]}-{months[1]}月" if months else "")
    return Issue(f"全市投资表的本期是{named}，与{what}不一致，请核对表头", file=ledger.source,
                 sheet=ledger.sheets.get("totals"), row=read.header_row)


def _check_totals_year(ledger: Ledger) -> None:
    """A 本期 named by a year must not end after the ledger's own date (截至2024年6月 with 2024年1-12月)."""
    read = ledger.totals_read
    if read is None or read.year is None or ledger.as_of is None:
        return
    year, months = read.year
    end = (year, months[1] if months else 12)
    if end > (ledger.as_of.year, ledger.as_of.month):
        issue = totals_period_issue(ledger, ledger.as_of.year, ledger.as_of.month,
                                    f"台账的截止日期 {ledger.as_of:%Y年%m月%d日}")
        raise InputError(issue)


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
