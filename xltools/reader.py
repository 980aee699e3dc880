"""Read a bureau export into the enterprise table (canonical columns, money in 千元).

The header row is found by what it names, not where it is; titles, unit lines,
total rows and footnotes are recognised and skipped; every bad cell of the file
is reported at once, with file › sheet › row › column › value.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from . import columns as colmod
from .columns import UNIT_FACTORS, ColumnSpec, HeaderMatch, column_specs
from .errors import InputError, Issue, IssueList
from .periods import Period, find_period, parse_period
from .sei import UnknownCategory, normalise_category
from .sources import PEEK_ROWS, Source, limit, open_source
from .values import clean_text, to_numbers

def _spaced(words: str) -> str:
    """A regex alternation whose words may have spaces between their characters (合 计)."""
    return "|".join(r"\s*".join(w) for w in words.split("|"))


_TOTAL = re.compile(rf"^\s*({_spaced('全市|全县|全区|全省|全部|本市|总')})?\s*({_spaced('合计|总计')})\s*数?\s*$")
_FOOTNOTE = re.compile(rf"^\s*({_spaced('注|附注|说明|备注|数据来源|资料来源')})\s*\d*\s*[:：]")
_COLUMN_NUMBERS = {"甲", "乙", "丙", "丁", "栏次", "A", "B"}
TEXT_KINDS = {"identifier", "code", "text", "category"}
NUMBER_KINDS = {"money", "persons"}


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


@dataclass
class HeaderLayout:
    sheet: str
    header_rows: tuple[int, ...]
    data_start: int
    columns: dict[str, ColumnInfo]
    unknown: list[str]
    above: list[str]  # text of the rows above the header (titles, unit line)
    first_col: int = 0  # leftmost column with a header
    notes: list[str] = field(default_factory=list)


@dataclass
class BureauData:
    """The enterprise table and what was learnt while reading it."""

    frame: pd.DataFrame
    source: str
    path: str
    sheet: str
    period: Period
    period_from: str  # option, title, file name
    columns: dict[str, ColumnInfo]
    blanks: dict[str, int]
    skipped: dict[str, list[int]]
    unknown_columns: list[str]
    classification: str | None
    notes: list[str]

    def has(self, key: str) -> bool:
        return key in self.frame.columns

    @property
    def enterprises(self) -> int:
        return len(self.frame)


# ---------------------------------------------------------------- header

def _cell(row: list, c: int):
    return row[c] if c < len(row) else None


def _is_marker_row(row: list) -> bool:
    cells = [v for v in row if v is not None]
    if len(cells) < 2:
        return False
    markers = sum(1 for v in cells if colmod.is_marker(v))
    return markers >= 2 and markers >= len(cells) - 1


def _header_labels(rows: list[list], r: int) -> tuple[dict[int, str], tuple[int, ...]]:
    """Header texts by column for a header starting at row r (with a marker row under it)."""
    top = rows[r]
    sub = rows[r + 1] if r + 1 < len(rows) and _is_marker_row(rows[r + 1]) else None
    labels: dict[int, str] = {}
    parent = None
    width = max(len(top), len(sub) if sub else 0)
    for c in range(width):
        t = _cell(top, c)
        b = _cell(sub, c) if sub else None
        if t is not None:
            parent = t
        if b is not None and colmod.is_marker(b):
            name = t if t is not None else parent
            if name is not None:
                labels[c] = f"{name}{b}"
        elif t is not None:
            labels[c] = t
        elif b is not None:
            labels[c] = b
    return labels, ((r, r + 1) if sub else (r,))


def _matches(labels: dict[int, str], table: str = colmod.BUREAU) -> dict[int, HeaderMatch]:
    out = {}
    for c, text in labels.items():
        m = colmod.match_header(text, table)
        if m is not None:
            out[c] = m
    return out


def bureau_header_ok(found: dict[int, HeaderMatch]) -> bool:
    """An identifier column plus at least three indicator columns."""
    ids = {m.spec.id for m in found.values()}
    indicators = {m.spec.id for m in found.values() if m.spec.kind in NUMBER_KINDS}
    return bool(ids & {"ent_id", "ent_name"}) and len(indicators) >= 3


def locate_header(rows: list[list], sheet: str, accept: Callable[[dict], bool],
                  table: str = colmod.BUREAU, default_unit: str = "千元") -> HeaderLayout | None:
    for r in range(min(len(rows), PEEK_ROWS)):
        if not any(v is not None for v in rows[r]):
            continue
        labels, header_rows = _header_labels(rows, r)
        found = _matches(labels, table)
        if not accept(found):
            continue
        return _layout(rows, sheet, header_rows, labels, found, default_unit)
    return None


def _layout(rows, sheet, header_rows, labels, found, default_unit: str = "千元") -> HeaderLayout:
    above_rows = rows[: header_rows[0]]
    above = [str(v) for row in above_rows for v in row if v is not None]
    line_unit = None
    for text in above:
        line_unit = colmod.unit_line(text) or line_unit
    chosen: dict[str, ColumnInfo] = {}
    notes: list[str] = []
    unknown: list[str] = []
    for c in sorted(labels):
        m = found.get(c)
        if m is None:
            unknown.append(labels[c])
            continue
        unit = None
        if m.spec.kind == "money":
            unit = m.unit or line_unit or default_unit
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
    start = header_rows[-1] + 1
    return HeaderLayout(sheet, header_rows, start, chosen, unknown, above, min(labels, default=0), notes)


def find_layout(source: Source, sheet: str | None, accept, what: str) -> HeaderLayout:
    names = source.sheet_names()
    if sheet is not None:
        if sheet not in names:
            raise source.fail(f"没有名为“{sheet}”的工作表；工作表有：{'、'.join(names)}")
        candidates = [sheet]
    else:
        candidates = names
    best: tuple[int, str, dict] | None = None
    for name in candidates:
        rows = source.peek(name)
        layout = locate_header(rows, name, accept)
        if layout is not None:
            return layout
        for r in range(len(rows)):
            labels, _ = _header_labels(rows, r)
            found = _matches(labels)
            if best is None or len(found) > len(best[2]):
                best = (r, name, found)
    if not candidates:
        raise source.fail("工作簿中没有工作表")
    if best is None or not best[2]:
        where = "、".join(f"“{n}”" for n in candidates)
        raise source.fail(f"在工作表 {where} 的前{PEEK_ROWS}行中找不到{what}的表头行")
    r, name, found = best
    ids = {m.spec.id for m in found.values()}
    missing = []
    if not ids & {"ent_id", "ent_name"}:
        missing.append("企业标识（统一社会信用代码 或 单位详细名称）")
    raise InputError(Issue(
        f"找不到{what}的表头行（第{r + 1}行最接近，只认出了：{'、'.join(m.spec.label for m in found.values())}）"
        + (f"；缺少必需的列：{'、'.join(missing)}" if missing else "；至少需要企业标识列和3个指标列"),
        file=source.name, sheet=name))


# ---------------------------------------------------------------- rows

def _text_matches(arr: pa.Array, pattern: re.Pattern | set) -> np.ndarray:
    if isinstance(pattern, set):
        mask = pc.is_in(arr, value_set=pa.array(sorted(pattern)))
        return pc.fill_null(mask, False).to_numpy(zero_copy_only=False)
    # The regex only where a plain substring says it could match (合计 has 计, a note has a colon):
    # 470 000 names are searched in a few milliseconds instead of a regex over each.
    needles = _NEEDLES.get(pattern.pattern)
    if needles is None:
        return pc.fill_null(pc.match_substring_regex(arr, pattern.pattern), False).to_numpy(zero_copy_only=False)
    maybe = np.zeros(len(arr), dtype=bool)
    for needle in needles:
        maybe |= pc.fill_null(pc.match_substring(arr, needle), False).to_numpy(zero_copy_only=False)
    out = np.zeros(len(arr), dtype=bool)
    where = np.flatnonzero(maybe)
    if len(where):
        hits = pc.match_substring_regex(arr.take(pa.array(where)), pattern.pattern)
        out[where] = pc.fill_null(hits, False).to_numpy(zero_copy_only=False)
    return out


_NEEDLES = {_TOTAL.pattern: ("计",), _FOOTNOTE.pattern: (":", "：")}


def _numbers(arr, info: ColumnInfo) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A number column's cells in 千元 (persons as they are): values, blank and bad masks.

    A value that overflows when its unit is converted is bad, like text.
    """
    values, blank, bad = to_numbers(arr)
    factor = UNIT_FACTORS.get(info.unit or "千元", 1.0) if info.spec.kind == "money" else 1.0
    if factor != 1.0:
        with np.errstate(over="ignore", invalid="ignore"):
            values = values * factor
        bad = bad | ~np.isfinite(values)
    return values, blank, bad


def _is_column_number_row(label_cells: list[pa.Array], number_cells: list) -> bool:
    """栏次 under a header: 甲/乙… in the label columns, 1, 2, 3… in the figures."""
    if not number_cells or len(number_cells[0]) == 0:
        return False
    labels = [a[0].as_py() for a in label_cells]
    if "栏次" in labels:
        return True
    figures = []
    for arr in number_cells:
        v = arr[0].as_py()
        try:
            figures.append(float(str(v).strip()) if v is not None else None)
        except ValueError:
            return False
    seq = [f for f in figures if f is not None]
    counted = len(seq) >= 3 and all(b - a == 1 for a, b in zip(seq, seq[1:])) and seq[0] in (1.0, 0.0)
    return counted and all(v is None or v in _COLUMN_NUMBERS for v in labels)


def _industry_codes(arr: pa.Array) -> pa.Array:
    """`C3985`, `3985.0`, ` 3985 ` -> `3985`; numeric cells that lost a leading 0 get it back."""
    arr = pc.replace_substring_regex(arr, r"^[A-Za-z]\s*", "")
    arr = pc.replace_substring_regex(arr, r"\.0+$", "")
    three = pc.fill_null(pc.match_substring_regex(arr, r"^\d{3}$"), False)
    return pc.if_else(three, pc.binary_join_element_wise("0", arr, ""), arr)


def read_bureau(path: str | os.PathLike, *, sheet: str | None = None, period: Period | str | None = None,
                sei_list: str | os.PathLike | None = None, calendar_days: bool = False) -> BureauData:
    """Read a bureau export (a path, or a Source such as sources.GridSource for cells already in memory).
    InputError lists every problem of the file at once."""
    if isinstance(path, Source):
        source, path = path, path.path
    else:
        path = os.fspath(path)
        source = open_source(path)
    layout = find_layout(source, sheet, bureau_header_ok, "企业数据")
    issues = IssueList(source.name, layout.sheet)
    cols = layout.columns
    if "revenue_cur" not in cols:
        issues.add("缺少必需的列：营业收入（本期）")
    issues.raise_if_any()

    # Period: the option, else a title above the header, else the file name.
    period_from = "option"
    if isinstance(period, str):
        try:
            period = parse_period(period)
        except ValueError as exc:
            raise InputError(Issue(str(exc))) from None
    if period is None:
        period = find_period(" ".join(layout.above))
        period_from = "title"
        if period is None:
            period = find_period(os.path.splitext(source.name)[0])
            period_from = "file name"
    if period is None:
        raise InputError(Issue("无法确定报告期：标题行和文件名中都没有“2022年1-12月”这样的字样，"
                               "请用 --period 指定，例如 --period 2022 或 --period 2022-10", file=source.name,
                               sheet=layout.sheet))
    if calendar_days:
        period = Period(period.year, period.start_month, period.end_month, calendar_days=True)

    text_cols = [i.col for i in cols.values() if i.spec.kind in TEXT_KINDS]
    # The table's first column, when it is not a known one (序号…), may hold 合计 or a footnote.
    lead = layout.first_col if layout.first_col not in [i.col for i in cols.values()] else None
    if lead is not None:
        text_cols.append(lead)
    number_cols = [i.col for i in cols.values() if i.spec.kind in NUMBER_KINDS]
    data = source.load(layout.sheet, layout.data_start, text_cols, number_cols)
    n = max((len(a) for a in data.values()), default=0)
    if n > limit("XLTOOLS_MAX_ROWS"):
        raise InputError(Issue(f"工作表有 {n} 行数据，超过上限 {limit('XLTOOLS_MAX_ROWS'):g} 行（可用环境变量 "
                               "XLTOOLS_MAX_ROWS 调整）", file=source.name, sheet=layout.sheet))
    for c in set(text_cols) | set(number_cols):  # a column with a header and no cells at all
        if c not in data:
            data[c] = pa.nulls(n, pa.string())
    first_row = layout.data_start + 1  # Excel row number of data index 0

    # Codes are folded to half-width; names, counties and categories are kept as written.
    texts = {key: clean_text(data[i.col], nfkc=key in ("ent_id", "industry_code"))
             for key, i in cols.items() if i.spec.kind in TEXT_KINDS}
    lead_text = clean_text(data[lead], nfkc=False) if lead is not None and lead in data else None

    # Rows that are not enterprises.
    label_cells = [t for k, t in texts.items() if k in ("ent_id", "ent_name", "county")]
    if lead_text is not None:
        label_cells.append(lead_text)
    total = np.zeros(n, dtype=bool)
    footnote = np.zeros(n, dtype=bool)
    for arr in label_cells:
        total |= _text_matches(arr, _TOTAL)
        footnote |= _text_matches(arr, _FOOTNOTE)
    column_numbers = np.zeros(n, dtype=bool)
    column_numbers[:1] = _is_column_number_row(label_cells, [data[i.col] for i in sorted(
        (i for i in cols.values() if i.spec.kind in NUMBER_KINDS), key=lambda i: i.col)])

    numbers = {}
    blank_masks = {}
    bad_masks = {}
    for key, info in cols.items():
        if info.spec.kind not in NUMBER_KINDS:
            continue
        numbers[key], blank_masks[key], bad_masks[key] = _numbers(data[info.col], info)
    # Text that calamine read as empty in a number column (N/A, NULL, NaN, text past the rows it
    # sampled) is parsed from the file's own text: a number, a blank, or an error.
    by_col = {i.col: i for i in cols.values()}
    misread: dict[tuple[int, int], str] = {}
    cells = source.text_cells(layout.sheet)
    if cells:
        rows_at = np.fromiter((c.row - layout.data_start for c in cells), dtype=np.int64, count=len(cells))
        cols_at = np.fromiter((c.col for c in cells), dtype=np.int64, count=len(cells))
        for key, info in cols.items():
            if key not in numbers:
                continue
            hit = np.flatnonzero((cols_at == info.col) & (rows_at >= 0) & (rows_at < n))
            if not len(hit):
                continue
            null = pc.is_null(data[info.col], nan_is_null=True).to_numpy(zero_copy_only=False)
            hit = hit[null[rows_at[hit]]]  # only where calamine saw nothing
            if not len(hit):
                continue
            where = rows_at[hit]
            raw = [cells[k].value for k in hit]
            values, blank, bad = _numbers(pa.array(raw, pa.string()), info)
            numbers[key][where] = np.where(bad, np.nan, values)
            bad_masks[key][where] = bad
            blank_masks[key][where] = blank & ~bad
            for i, text, b in zip(where, raw, bad):
                if b:
                    misread[(int(i), info.col)] = text

    empty = np.ones(n, dtype=bool)
    for arr in texts.values():
        empty &= pc.is_null(arr).to_numpy(zero_copy_only=False)
    for key in numbers:
        empty &= blank_masks[key] & ~bad_masks[key]
    if lead_text is not None:
        empty &= pc.is_null(lead_text).to_numpy(zero_copy_only=False)
    skip = total | (footnote & ~total) | column_numbers | empty
    keep = ~skip

    # Errors, all of them, in row order per column.
    for key, info in cols.items():
        if key in bad_masks:
            bad_rows = np.flatnonzero(bad_masks[key] & keep)
            if len(bad_rows):
                raw = data[info.col]
                for i in bad_rows:
                    value = misread.get((int(i), info.col)) or raw[int(i)].as_py()
                    issues.add("不是数字", row=first_row + int(i), column=info.label, col_index=info.col,
                               value=value, has_value=True)
    for cell in source.error_cells(layout.sheet):
        i = cell.row - layout.data_start
        info = by_col.get(cell.col)
        if info is None or not (0 <= i < n) or not keep[i]:
            continue
        issues.add("是 Excel 错误值，不是数字" if info.spec.kind in NUMBER_KINDS else "是 Excel 错误值",
                   row=cell.row + 1, column=info.label, col_index=info.col, value=cell.value, has_value=True)

    ident = np.zeros(n, dtype=bool)
    for k in ("ent_id", "ent_name"):
        if k in texts:
            ident |= pc.is_valid(texts[k]).to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(~ident & keep):
        issues.add("有数据但没有企业标识（统一社会信用代码和单位名称都为空）", row=first_row + int(i))

    if "industry_code" in texts:
        texts["industry_code"] = _industry_codes(texts["industry_code"])
    if "sei_category" in texts:
        texts["sei_category"] = _categories(texts["sei_category"], keep, first_row, cols["sei_category"], issues)

    del data
    issues.items.sort(key=lambda it: (it.row or 0, it.col_index or 0))
    issues.raise_if_any()

    frame = _frame(keep, first_row, texts, numbers)
    blanks = {k: int((blank_masks[k] & keep).sum()) for k in numbers}
    skipped = {
        "total": [first_row + int(i) for i in np.flatnonzero(total)],
        "footnote": [first_row + int(i) for i in np.flatnonzero(footnote & ~total)],
        "column_numbers": [first_row + int(i) for i in np.flatnonzero(column_numbers)],
    }
    notes = list(layout.notes)
    data_obj = BureauData(frame, source.name, path, layout.sheet, period, period_from, cols, blanks, skipped,
                          layout.unknown, "column" if "sei_category" in frame.columns else None, notes)
    if sei_list is not None and "sei_category" not in frame.columns:
        apply_sei_list(data_obj, sei_list)
    elif sei_list is not None:
        notes.append("数据中已有战新产业类别列，未使用 --sei-list 名录")
    return data_obj


def _categories(arr: pa.Array, keep, first_row, info: ColumnInfo, issues: IssueList) -> pa.Array:
    uniques = pc.unique(arr).to_pylist()
    mapping = {}
    unknown = set()
    for u in uniques:
        try:
            mapping[u] = normalise_category(u)
        except UnknownCategory:
            unknown.add(u)
    if unknown:
        values = arr.to_pylist()
        for i, v in enumerate(values):
            if v in unknown and keep[i]:
                issues.add("不是战略性新兴产业分类(2018)中的类别（应为九大领域名称、简称或代码1-9）",
                           row=first_row + i, column=info.label, col_index=info.col, value=v, has_value=True)
    keys = [k for k in mapping if k is not None]
    if not keys:
        return pa.nulls(len(arr), pa.string())
    idx = pc.index_in(arr, value_set=pa.array(keys, pa.string()))
    return pc.take(pa.array([mapping[k] for k in keys], pa.string()), idx)


def _frame(keep, first_row, texts, numbers) -> pd.DataFrame:
    """The enterprise table. The money columns are taken into one 2-D block, column by column,
    so that pandas keeps it as it is (one copy of the figures, not two)."""
    idx = np.flatnonzero(keep)
    # Usually only a total first and notes last are skipped: a contiguous run, taken as a slice.
    contiguous = len(idx) > 0 and idx[-1] - idx[0] + 1 == len(idx)
    everything = len(idx) == len(keep)
    take = pa.array(idx)
    order = [s.id for s in column_specs().values()]
    keys = [f"{cid}_{per}" for cid in order for per in ("cur", "ly", "boy") if f"{cid}_{per}" in numbers]
    block = np.empty((len(keys), len(idx)), dtype="float64")
    for j, key in enumerate(keys):
        if contiguous:
            block[j] = numbers[key][idx[0]:idx[0] + len(idx)]
        else:
            np.take(numbers[key], idx, out=block[j])
    frame = pd.DataFrame(block.T, columns=keys, copy=False)
    frame.insert(0, "row", (idx + first_row).astype("int32"))
    position = 1
    for cid in order:
        if cid in texts:
            arr = texts[cid] if everything else texts[cid].slice(int(idx[0]), len(idx)) if contiguous \
                else pc.take(texts[cid], take)
            frame.insert(position, cid, arr.to_pandas())
            position += 1
    return frame


# ---------------------------------------------------------------- enterprise list

def list_header_ok(found: dict[int, HeaderMatch]) -> bool:
    ids = {m.spec.id for m in found.values()}
    return bool(ids & {"ent_id", "ent_name"}) and "sei_category" in ids


def read_sei_list(path: str | os.PathLike) -> tuple[pd.DataFrame, str]:
    """An enterprise list (名录): ent_id or ent_name, and sei_category. Returns (table, key)."""
    path = os.fspath(path)
    source = open_source(path)
    layout = find_layout(source, None, list_header_ok, "战新企业名录（企业标识 + 战新产业类别）")
    cols = layout.columns
    key = "ent_id" if "ent_id" in cols else "ent_name"
    data = source.load(layout.sheet, layout.data_start, [cols[key].col, cols["sei_category"].col], [])
    issues = IssueList(source.name, layout.sheet)
    first_row = layout.data_start + 1
    ids = clean_text(data[cols[key].col])
    n = len(ids)
    keep = pc.is_valid(ids).to_numpy(zero_copy_only=False)
    keep &= ~_text_matches(ids, _TOTAL)
    keep &= ~_text_matches(ids, _FOOTNOTE)
    cats = _categories(clean_text(data[cols["sei_category"].col]), keep, first_row, cols["sei_category"], issues)
    table = pd.DataFrame({key: ids.to_pandas(), "sei_category": cats.to_pandas(),
                          "row": np.arange(first_row, first_row + n)})[keep]
    dup = table[table.duplicated(key, keep=False)]
    for ent, grp in dup.groupby(key):
        if grp["sei_category"].nunique(dropna=False) > 1:
            issues.add(f"企业“{ent}”在名录中出现多次且类别不同：{'、'.join(str(c) for c in grp['sei_category'])}",
                       row=int(grp["row"].iloc[0]), column=cols[key].label)
    issues.raise_if_any()
    return table.drop_duplicates(key)[[key, "sei_category"]], key


def apply_sei_list(data: BureauData, path) -> None:
    table, key = read_sei_list(path)
    frame = data.frame
    if key not in frame.columns:
        other = "单位名称" if key == "ent_name" else "统一社会信用代码"
        raise InputError(Issue(f"名录按{other}匹配企业，但数据文件中没有这一列", file=os.path.basename(os.fspath(path))))
    mapping = dict(zip(table[key], table["sei_category"]))
    frame["sei_category"] = frame[key].map(mapping)
    matched = int(frame[key].isin(table[key]).sum())
    missing = len(table) - int(table[key].isin(frame[key]).sum())
    data.classification = "list"
    data.notes.append(f"战新产业类别来自企业名录 {os.path.basename(os.fspath(path))}：匹配 {matched} 家企业")
    if missing:
        data.notes.append(f"名录中有 {missing} 家企业不在数据文件中")
