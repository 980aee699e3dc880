"""Header matching: which canonical column, which period, which unit a header cell names.

The aliases, period markers and kinds live in data/*.csv; this module only
normalises text and looks it up.
"""
from __future__ import annotations

import csv
import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# Units a header bracket or a 单位： line may name, as factors to 千元 (persons: 1).
UNIT_FACTORS = {"元": 0.001, "千元": 1.0, "万元": 10.0, "亿元": 100000.0, "人": 1.0}
_UNIT_ALT = "|".join(sorted(UNIT_FACTORS, key=len, reverse=True))
_UNIT_IN_BRACKETS = re.compile(rf"\((?:单位[:：]?)?({_UNIT_ALT})\)")
UNIT_LINE = re.compile(rf"单位\s*[:：]\s*({_UNIT_ALT})(?![\u4e00-\u9fff])")
_MONTH_RANGE = r"\d{1,2}-\d{1,2}月"
_SEPARATORS = "_-()·:/"
_STRIP = "_-·:/"


@dataclass(frozen=True)
class ColumnSpec:
    id: str
    kind: str  # identifier, code, text, category, money, persons
    periods: tuple[str, ...]  # allowed period keys for money/persons columns
    label: str


@dataclass
class ColumnInfo:
    """Where a canonical column came from."""

    key: str  # revenue_cur, ent_id…
    label: str  # header text as in the file (two header rows joined)
    col: int  # 0-based column index
    spec: ColumnSpec
    period: str | None
    unit: str | None  # effective unit (money/persons)
    rank: int = 0


@dataclass(frozen=True)
class HeaderMatch:
    spec: ColumnSpec
    period: str | None  # cur / ly / boy for money and persons columns
    unit: str | None  # unit named in the header itself
    rank: int = 0  # position of the alias in its list: lower is preferred

    @property
    def key(self) -> str:
        """Column name in the enterprise table: `revenue_cur`, `ent_id`."""
        return f"{self.spec.id}_{self.period}" if self.period else self.spec.id


def _data_rows(name: str) -> list[dict]:
    with resources.files("xltools.data").joinpath(name).open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def normalise(text: object) -> str:
    """Full-width to half-width, no spaces, one bracket style, no 其中: prefix."""
    s = unicodedata.normalize("NFKC", str(text))
    s = s.translate(_BRACKETS)
    s = re.sub(r"\s+", "", s)
    s = s.replace("—", "-").replace("–", "-").replace("~", "-")
    s = re.sub(r"^其中[:：]?", "", s)
    # One bracket holding a period and a unit, (本期,亿元), is two: (本期)(亿元).
    s = re.sub(r"\(([^(),;]+)[,;]([^(),;]+)\)", r"(\1)(\2)", s)
    return s


_BRACKETS = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")", "<": "(", ">": ")"})


BUREAU = "columns.csv"          # the enterprise export
LEDGER = "ledger_columns.csv"    # the investment-project ledger


@lru_cache(maxsize=4)
def column_specs(table: str = BUREAU) -> dict[str, ColumnSpec]:
    return {r["id"]: ColumnSpec(r["id"], r["kind"], tuple(p for p in r["periods"].split("|") if p), r["label"])
            for r in _data_rows(table)}


@lru_cache(maxsize=4)
def _alias_table(table: str = BUREAU) -> dict[str, tuple[str, int]]:
    out = {}
    for r in _data_rows(table):
        for rank, alias in enumerate(r["aliases"].split("|")):
            out[normalise(alias)] = (r["id"], rank)
    return out


@lru_cache(maxsize=1)
def _markers() -> list[tuple[str, str]]:
    rows = [(normalise(r["marker"]), r["period"]) for r in _data_rows("period_markers.csv")]
    return sorted(rows, key=lambda mr: len(mr[0]), reverse=True)


def _marker_regex(side: str) -> re.Pattern:
    # Month ranges first: 上年1-12月 must not stop at the marker 上年.
    alts = "|".join([r"上年" + _MONTH_RANGE, _MONTH_RANGE] + [re.escape(m) for m, _ in _markers()])
    if side == "start":
        return re.compile(rf"^(?:\(({alts})\)|({alts}))[{re.escape(_STRIP)}]*")
    return re.compile(rf"[{re.escape(_STRIP)}]*(?:\(({alts})\)|({alts}))$")


_START: re.Pattern | None = None
_END: re.Pattern | None = None


# A year as a header's period (2022年营业收入, 营业收入(2021年), 2022年1-10月营业收入): which year is 本期 is
# decided over the whole header by map_columns (the later of two consecutive years), and the reader checks it,
# with the months when the header names them, against the report period. Tagged "year:2022" or "year:2022:1-10".
_YEAR_MARK = r"((?:19|20)\d\d)年度?(?:(\d{1,2})-(\d{1,2})月|(\d{1,2})月)?"
_YEAR_START = re.compile(rf"^\(?{_YEAR_MARK}\)?[{re.escape(_STRIP)}]*")
_YEAR_END = re.compile(rf"[{re.escape(_STRIP)}]*\(?{_YEAR_MARK}\)?$")
_YEAR_ANYWHERE = re.compile(_YEAR_MARK)


def _year_tag(m: re.Match) -> str:
    year, start, end, single = m.groups()
    if end:
        return f"year:{year}:{int(start)}-{int(end)}"
    return f"year:{year}:1-{int(single)}" if single else f"year:{year}"


def year_of(period: str | None) -> tuple[int, tuple[int, int] | None] | None:
    """(year, (start, end month) or None) of a year tag; None for any other period."""
    if not period or not period.startswith("year:"):
        return None
    parts = period.split(":")
    months = tuple(int(x) for x in parts[2].split("-")) if len(parts) > 2 else None
    return int(parts[1]), months


def marker_period(marker: str) -> str | None:
    """The period a marker names: 本期 → cur, 上年同期 → ly, 年初 → boy, 1-12月 → cur, 2022年 → year:2022."""
    m = normalise(marker).strip(_SEPARATORS)
    for text, period in _markers():
        if m == text:
            return period
    if re.fullmatch(r"上年" + _MONTH_RANGE, m):
        return "ly"
    if re.fullmatch(_MONTH_RANGE, m):
        return "cur"
    year = re.fullmatch(_YEAR_MARK, m)
    if year:
        return _year_tag(year)
    return None


def split_header(text: object) -> tuple[str, str | None, str | None]:
    """Header text -> (name, period, unit); name is normalised, period/unit None if absent."""
    global _START, _END
    if _START is None:
        _START, _END = _marker_regex("start"), _marker_regex("end")
    s = normalise(text)
    unit = None
    m = _UNIT_IN_BRACKETS.search(s)
    if m:
        unit = m.group(1)
        s = s[:m.start()] + s[m.end():]
    period = None
    for rx in (_YEAR_END, _YEAR_START):  # a year first: 营业收入2021年1-10月 is not 营业收入2021年 of 1-10月
        m = rx.search(s)
        if m and m.group(0) != s:
            rest, tag = s[:m.start()] + s[m.end():], _year_tag(m)
            for marker in (_END, _START):  # 2022年营业收入(本期): the marker says which; the year is checked
                n = marker.search(rest)
                if n and n.group(0) != rest:
                    return (rest[:n.start()] + rest[n.end():]).strip(_STRIP), marker_period(n.group(1) or n.group(2)), unit
            return rest.strip(_STRIP), tag, unit
    for rx in (_END, _START):
        m = rx.search(s)
        if m and m.group(0) != s:
            period = marker_period(m.group(1) or m.group(2))
            s = s[:m.start()] + s[m.end():]
            for year in (_YEAR_END, _YEAR_START):  # 营业收入(2021年)(上年同期): the year is checked, not kept
                y = year.search(s)
                if y and y.group(0) != s:
                    s = s[:y.start()] + s[y.end():]
                    break
            break
    return s.strip(_STRIP), period, unit


def match_header(text: object, table: str = BUREAU) -> HeaderMatch | None:
    """The canonical column a header cell names, with its period and unit, or None."""
    if text is None or str(text).strip() == "":
        return None
    name, period, unit = split_header(text)
    aliases = _alias_table(table)
    found = aliases.get(name)
    whole = normalise(text)
    bracket = _UNIT_IN_BRACKETS.search(whole)
    if bracket:
        whole = (whole[:bracket.start()] + whole[bracket.end():]).strip(_STRIP)
    if whole in aliases and column_specs(table)[aliases[whole][0]].periods == ():
        # A name that itself starts or ends like a period marker (本年计划投资): no period to split off.
        found, period = aliases[whole], None
    if found is None:
        return None
    spec = column_specs(table)[found[0]]
    if spec.periods:
        period = period or "cur"
        if year_of(period) is not None:
            if not {"cur", "ly"} <= set(spec.periods):
                return None
        elif period not in spec.periods:
            return None
    else:
        period = None
    return HeaderMatch(spec, period, unit, found[1])


def is_marker(text: object) -> bool:
    """Is this cell a period marker only (a second header row under a merged parent)?"""
    if text is None or str(text).strip() == "":
        return False
    s = normalise(text)
    m = _UNIT_IN_BRACKETS.search(s)
    if m:
        s = s[:m.start()] + s[m.end():]
    return marker_period(s) is not None


def unit_line(text: object) -> str | None:
    """`单位：万元` in a line above the header -> 万元."""
    if text is None:
        return None
    m = UNIT_LINE.search(normalise(text))
    return m.group(1) if m else None


def map_columns(labels: dict[int, str], found: dict[int, HeaderMatch], line_unit: str,
                table: str = BUREAU) -> tuple[dict[str, ColumnInfo], list[str], list[str]]:
    """The column map: canonical key -> ColumnInfo, the headers left unused, and notes.

    Two headers of one meaning: the preferred alias wins and the other is listed as unused. A
    header that looks like an indicator but maps to nothing is named in a note with what cannot be
    computed without it.
    """
    chosen: dict[str, ColumnInfo] = {}
    notes: list[str] = []
    unknown: list[str] = []
    found, year_notes = _years_to_periods(found)
    notes.extend(year_notes)
    for c in sorted(labels):
        m = found.get(c)
        if m is None:
            unknown.append(labels[c])
            continue
        unit = None
        if m.spec.kind == "money":
            unit = m.unit or line_unit
        elif m.spec.kind == "persons":
            unit = m.unit or "人"
        info = ColumnInfo(m.key, labels[c], c, m.spec, m.period, unit, m.rank)
        prev = chosen.get(m.key)
        if prev is None or info.rank < prev.rank:
            if prev is not None:
                notes.append(f"“{prev.label}”与“{info.label}”含义相同，使用“{info.label}”")
                unknown.append(prev.label)
            chosen[m.key] = info
        else:
            notes.append(f"“{info.label}”与“{prev.label}”含义相同，使用“{prev.label}”")
            unknown.append(info.label)
    if table == BUREAU:
        notes.extend(unused_indicator_notes([labels[c] for c in sorted(labels) if c not in found], chosen))
    return chosen, unknown, notes


def _years_to_periods(found: dict[int, HeaderMatch]) -> tuple[dict[int, HeaderMatch], list[str]]:
    """Headers that name years: the later of two consecutive years is 本期, the earlier 上年同期 (one year
    alone: 本期). Any other set of years cannot be told apart: those columns are left unused, said so."""
    tagged = {c: year_of(m.period) for c, m in found.items() if year_of(m.period) is not None}
    if not tagged:
        return found, []
    years = sorted({y for y, _ in tagged.values()})
    if len(years) > 2 or (len(years) == 2 and years[1] - years[0] != 1):
        return ({c: m for c, m in found.items() if c not in tagged},
                [f"表头中的年份（{'、'.join(f'{y}年' for y in years)}）不是相邻的两年，无法确定哪一年是本期，"
                 "这些列未使用"])
    current = years[-1]
    if len(years) == 1:
        # One year beside columns of the same indicators that say 本期 (本年营业收入 + 2021年营业收入): the year
        # is the other one, 上年同期 (checked against the report period like any year).
        marked = {m.spec.id for c, m in found.items() if c not in tagged and m.period == "cur"}
        if marked and all(found[c].spec.id in marked for c in tagged):
            current = years[0] + 1
    out = dict(found)
    for c, (year, _) in tagged.items():
        out[c] = dataclasses.replace(found[c], period="cur" if year == current else "ly")
    said = (f"{current}年为本期" if current in years else "") + ("，" if len(years) == 2 else "") + \
        (f"{current - 1}年为上年同期" if current - 1 in years else "")
    return out, [f"表头以年份区分本期与上年同期：{said}"]


def header_years(columns: dict) -> list[tuple["ColumnInfo", int, tuple[int, int] | None]]:
    """(column, year, months or None) of every mapped column whose header names a year."""
    out = []
    for info in columns.values():
        m = _YEAR_ANYWHERE.search(normalise(info.label)) if info.period in ("cur", "ly") else None
        if m is not None:
            tag = year_of(_year_tag(m))
            out.append((info, tag[0], tag[1]))
    return out


def unused_indicator_notes(unmatched: list[str], chosen: dict) -> list[str]:
    """A header that names an indicator but was not understood (营业收入(上年数)…): say what is lost."""
    from .indicators import indicators

    specs = column_specs()
    names = sorted(((normalise(a), cid) for a, (cid, _) in _alias_table().items()
                    if specs[cid].kind in ("money", "persons")), key=lambda x: -len(x[0]))
    out = []
    for text in unmatched:
        s = normalise(text)
        hit = next((cid for alias, cid in names if len(alias) >= 2 and alias in s), None)
        if hit is None:
            continue
        missing = [f"{hit}_{p}" for p in specs[hit].periods if f"{hit}_{p}" not in chosen]
        lost = [ind.name for ind in indicators() if any(k in ind.needs for k in missing)]
        if lost:
            out.append(f"列“{text}”像是{specs[hit].label}，但无法确定是本期、上年同期还是年初数，未使用；"
                       f"因此不能计算：{'、'.join(lost)}（可把表头改为“{specs[hit].label}本期/上年同期/年初”）")
        else:
            out.append(f"列“{text}”像是{specs[hit].label}，但没有识别，未使用")
    return out
