"""Read a bureau export into the enterprise table (canonical columns, money in 千元).

The read is a pipeline of named stages, each in the module named for it, each returning what the
next needs and the decisions `xltools validate` prints:

    source (sources) → sheet choice (sheets) → header and column map (header, columns) → period
    → cells (sources: every asked column as stored text, errors beside) → values and cell types
    (values, celltypes) → row roles (rows) → issues → classification by category column (here)
    → frame (frame)

Every bad cell of the file is reported at once, with file › sheet › row › column › value; a
figure is returned only when the reader has proven it: a number as stored, or text that the
input contract says is a number, in a row that has shown it is an enterprise.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .celltypes import NumberColumn, apply_stored, number_column
from .columns import ColumnInfo, header_years
from .errors import InputError, Issue, IssueList
from .frame import Table, build_frame
from .header import NUMBER_KINDS, TEXT_KINDS, HeaderLayout, bureau_header_ok
from .periods import Period, contradiction, find_period, parse_period
from .rows import Decision, RowCells, row_roles, text_is_footnote, text_is_total
from .sei import UnknownCategory, normalise_category
from .sheets import choose_sheet
from .sources import Source, limit, open_source
from .stored import SheetFacts
from .structure import read_opening_years, read_sizes
from .values import clean_text

UNKNOWN_COUNTY = "未分县区"

# Arrow allocates with malloc, as NumPy does: what one lets go of, the other reuses (Arrow's own pool
# keeps what it frees for itself). A national CSV read peaks some 30 MB lower; no slower.
pa.set_memory_pool(pa.system_memory_pool())


@dataclass
class BureauData:
    """The enterprise table and what was learnt while reading it."""

    table: Table
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
    decisions: list[Decision] = field(default_factory=list)  # every data row not read as an enterprise
    sheet_notes: list[str] = field(default_factory=list)  # which sheet, and why

    def has(self, key: str) -> bool:
        return key in self.table

    @property
    def enterprises(self) -> int:
        return len(self.table)

    @property
    def frame(self):
        """The enterprise table as a pandas DataFrame (pandas is imported on the first use)."""
        return self.table.to_pandas()


def _last_year_gaps(table: Table, blank: dict) -> list[str]:
    """Enterprises that report no 上年同期 figure of any flow (new ones: their growth base is 0) are marked
    `no_last_year`; a 上年年初 balance left blank takes the enterprise's 上年同期 balance (its last-year
    average is then that balance alone), as a closing balance stands in for a missing 年初."""
    from .columns import column_specs

    notes = []
    specs = column_specs()
    # Flows only (总产值 … 利润总额: what the growth rates compare): an enterprise that filled last year's
    # balance sheet but no flow of last year still enters every growth rate with a base of 0.
    last_year = [k for k in blank if k.endswith("_ly") and specs[k[:-3]].kind == "money"
                 and "boy" not in specs[k[:-3]].periods]
    if last_year:
        table["no_last_year"] = np.logical_and.reduce([np.asarray(blank[k], dtype=bool) for k in last_year])
    for key in [k for k in blank if k.endswith("_lyboy")]:
        ly = key[: -len("lyboy")] + "ly"
        if ly not in table:
            continue
        gaps = np.asarray(blank[key], dtype=bool) & ~np.asarray(blank[ly], dtype=bool)
        if gaps.any():
            table[key] = np.where(gaps, table.numbers(ly), table.numbers(key))
            label = column_specs()[key[: -len("_lyboy")]].label
            notes.append(f"{int(gaps.sum())} 家企业没有{label}上年年初数，以其上年同期数代替")
    return notes


def read_bureau(path: str | os.PathLike, *, sheet: str | None = None, period: Period | str | None = None,
                sei_list: str | os.PathLike | None = None, calendar_days: bool = False) -> BureauData:
    """Read a bureau export (a path, or a Source such as sources.GridSource for cells already in memory).
    InputError lists every problem of the file at once.

    The parse of an unchanged file comes from the parse cache (readcache); the enterprise list is
    read and applied afresh each time, on top of it."""
    from . import readcache

    data = readcache.read(path, {"sheet": sheet, "period": period, "calendar_days": calendar_days}, _parse)
    if sei_list is not None and "sei_category" not in data.table:
        apply_sei_list(data, sei_list)
    elif sei_list is not None:
        data.notes.append("数据中已有战新产业类别列，未使用 --sei-list 名录")
    return data


def _parse(path, *, sheet: str | None, period: Period | str | None, calendar_days: bool) -> BureauData:
    """The whole read of one file, stage by stage (the module docstring lists them)."""
    source = path if isinstance(path, Source) else open_source(os.fspath(path))
    choice = choose_sheet(source, sheet, bureau_header_ok, "企业数据")          # which sheet, and why
    layout = choice.layout                                                      # header rows, column map
    _require(layout, source)
    period, period_from = _resolve_period(period, layout, source, calendar_days)
    loaded, n = _load_cells(source, layout)                                    # stored text of each cell
    _release()  # the parser's buffers
    facts = source.sheet_facts(layout.sheet, {i.col for i in layout.by_kind(NUMBER_KINDS)})
    stored = source.stored_cells(layout.sheet) + facts.cells
    numbers = _numbers(loaded, layout, {c.col for c in stored})                 # values, types
    apply_stored(_by_col(numbers, layout), stored, layout.data_start)
    labels = _labels(loaded, layout, facts)                                     # merged cells filled down
    loaded = {layout.columns[k].col: loaded[layout.columns[k].col] for k in numbers}  # label cells: done
    _release()  # what the label cells held goes back to the system
    cells = RowCells(layout.data_start + 1, labels, {k: loaded[layout.columns[k].col] for k in numbers},
                     {k: c.values for k, c in numbers.items()}, {k: c.blank for k, c in numbers.items()},
                     {k: c.bad for k, c in numbers.items()}, {k: i.label for k, i in layout.columns.items()},
                     {**{k: i.col for k, i in layout.columns.items()}, "lead": _lead(layout) or 0})
    roles = row_roles(cells)                                                    # enterprise, total, note…
    _release()
    issues = _issues(source, layout, numbers, roles, cells)
    texts = {k: v for k, v in labels.items() if k in layout.columns}
    if "industry_code" in texts:
        texts["industry_code"] = _industry_codes(texts["industry_code"])
    if "sei_category" in texts:
        texts["sei_category"] = _categories(texts["sei_category"], roles.enterprise, cells.first_row,
                                            layout.columns["sei_category"], issues)
    if "enterprise_size" in texts:
        texts["enterprise_size"] = read_sizes(texts["enterprise_size"], roles.enterprise, cells.first_row,
                                              layout.columns["enterprise_size"], issues)
    if "opening_year" in texts:
        texts["opening_year"] = read_opening_years(texts["opening_year"], roles.enterprise, cells.first_row,
                                                   layout.columns["opening_year"], issues, period.year)
    issues.items.sort(key=lambda it: (it.row or 0, it.col_index or 0))
    issues.raise_if_any()
    if not roles.enterprise.any():
        raise InputError(Issue(f"表头（第{layout.header_rows[0] + 1}行）下面没有企业数据行"
                               + (f"：{n} 行都不是企业（见 xltools validate）" if n else ""),
                               file=source.name, sheet=layout.sheet))
    notes = list(getattr(source, "notes", [])) + list(choice.notes[1:]) + list(layout.notes)
    texts, county_note = _unknown_county(texts, roles.enterprise, cells.first_row)
    if county_note:
        notes.append(county_note)
    table = build_frame(roles.enterprise, cells.first_row, texts, {k: c.values for k, c in numbers.items()})
    blanks = {k: int((c.blank & roles.enterprise).sum()) for k, c in numbers.items()}
    notes += _last_year_gaps(table, {k: c.blank[roles.enterprise] for k, c in numbers.items()})
    skipped = {"total": roles.rows("total") + roles.rows("sum"), "footnote": roles.rows("note"),
               "column_numbers": roles.rows("numbers"), "header": roles.rows("header")}
    data = BureauData(table, source.name, source.path, layout.sheet, period, period_from, layout.columns, blanks,
                      skipped, layout.unknown, "column" if "sei_category" in table else None, notes,
                      roles.decisions, choice.notes)
    _release()
    return data


# ---------------------------------------------------------------- stages

def _require(layout: HeaderLayout, source: Source) -> None:
    if "revenue_cur" not in layout.columns:
        why = [n for n in layout.notes if "不是相邻的两年" in n]  # years in the header that could not be told apart
        raise InputError(Issue("缺少必需的列：营业收入（本期）" + (f"（{why[0]}）" if why else ""), file=source.name,
                               sheet=layout.sheet))


def _resolve_period(period, layout: HeaderLayout, source: Source, calendar_days: bool) -> tuple[Period, str]:
    """The option, else a title above the header, else the file name."""
    period_from = "option"
    if isinstance(period, str):
        try:
            period = parse_period(period)
        except ValueError as exc:
            raise InputError(Issue(str(exc))) from None
    if period is not None:  # the option wins; a title or file name that says otherwise is noted, not hidden
        for where, text in (("标题", " ".join(layout.above)), ("文件名", os.path.splitext(source.name)[0])):
            said = find_period(text)
            if said is not None and contradiction(period, text) is not None:
                layout.notes.append(f"报告期按 --period 为{period.label}，{where}写的是{said.label}")
                break
    if period is None:
        period, period_from = find_period(" ".join(layout.above)), "title"
        named = contradiction(period, os.path.splitext(source.name)[0]) if period is not None else None
        if named is not None:  # which one is right cannot be known here: the statistician says
            raise InputError(Issue(f"标题写的报告期是{period.label}，文件名写的是{named.label}，二者不一致：请核对后用 --period "
                                   f"指定报告期，例如 --period {period.label} 或 --period {named.label}", file=source.name,
                                   sheet=layout.sheet))
        if period is None:
            period, period_from = find_period(os.path.splitext(source.name)[0]), "file name"
    if period is None:
        raise InputError(Issue("无法确定报告期：标题行和文件名中都没有“2022年1-12月”这样的字样，"
                               "请用 --period 指定，例如 --period 2022 或 --period 2022-10", file=source.name,
                               sheet=layout.sheet))
    _check_header_years(layout, period, period_from, source)
    if calendar_days:
        period = Period(period.year, period.start_month, period.end_month, calendar_days=True)
    return period, period_from


def _check_header_years(layout: HeaderLayout, period: Period, period_from: str, source: Source) -> None:
    """Headers that name years (2022年营业收入, 2021年营业收入): 本期 must be the report year, 上年同期 the
    year before, and months named in a header the report's months. Every column that disagrees is listed."""
    issues = IssueList(source.name, layout.sheet)
    fix = "请核对表头或 --period" if period_from == "option" else "请核对表头，或用 --period 指定报告期"
    for info, year, months in header_years(layout.columns):
        expected = period.year if info.period == "cur" else period.year - 1
        if year != expected or (months is not None and months != (period.start_month, period.end_month)):
            named = f"{year}年" + (f"{months[0]}-{months[1]}月" if months else "")
            issues.add(f"表头是{named}的数据，用作{'本期' if info.period == 'cur' else '上年同期'}，与报告期"
                       f"{period.label}不一致：{fix}", row=layout.header_rows[-1] + 1, column=info.label,
                       col_index=info.col)
    issues.raise_if_any()


def _lead(layout: HeaderLayout) -> int | None:
    """The table's first column, when it is not a known one (序号…): it may hold 合计 or a footnote."""
    return layout.first_col if layout.first_col not in [i.col for i in layout.columns.values()] else None


def _load_cells(source: Source, layout: HeaderLayout) -> tuple[dict[int, pa.Array], int]:
    text_cols = [i.col for i in layout.by_kind(TEXT_KINDS)]
    if _lead(layout) is not None:
        text_cols.append(_lead(layout))
    number_cols = [i.col for i in layout.by_kind(NUMBER_KINDS)]
    data = source.load(layout.sheet, layout.data_start, text_cols, number_cols)
    n = max((len(a) for a in data.values()), default=0)
    if n > limit("XLTOOLS_MAX_ROWS"):
        raise InputError(Issue(f"工作表有 {n} 行数据，超过上限 {limit('XLTOOLS_MAX_ROWS'):g} 行（可用环境变量 "
                               "XLTOOLS_MAX_ROWS 调整）", file=source.name, sheet=layout.sheet))
    out = {}
    for c in set(text_cols) | set(number_cols):  # a column with a header and no cells at all
        arr = data.get(c)
        arr = pa.nulls(n, pa.string()) if arr is None else arr
        if len(arr) < n:  # a column shorter than the sheet: empty cells at its end
            chunks = arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]
            arr = pa.chunked_array([*chunks, pa.nulls(n - len(arr), arr.type)], arr.type)
        out[c] = arr  # an Array or a ChunkedArray: the stages take either, without a copy
    return out, n


def _number_infos(layout: HeaderLayout):
    return [(key, i) for key, i in layout.columns.items() if i.spec.kind in NUMBER_KINDS]


def _numbers(loaded: dict[int, pa.Array], layout: HeaderLayout, touched: set[int]) -> dict[str, NumberColumn]:
    """Each number column's values and cell types. A column read as plain numbers, all of them good,
    unit 千元, and with no stored cell to apply, keeps its cells (for the row roles) as a view of its
    parsed values, and the Arrow column is let go at once: the figures are not held twice."""
    numbers = {}
    for key, info in _number_infos(layout):
        column = numbers[key] = number_column(loaded[info.col], info)
        arr = loaded[info.col]
        if pa.types.is_float64(arr.type) and column.factor == 1.0 and info.col not in touched \
                and not column.bad.any():
            loaded[info.col] = pa.array(column.values, mask=column.blank)  # the same cells, no copy
    _release()  # the freed Arrow columns
    return numbers


def _release() -> None:
    """Memory freed by Arrow (its own pool) and by NumPy (malloc: Arrow's system pool trims it) goes
    back to the system, so that the peak is what is held, not what was once held. Milliseconds."""
    pa.default_memory_pool().release_unused()  # the system pool's is malloc_trim where there is one
    if pa.default_memory_pool().backend_name != "system":
        pa.system_memory_pool().release_unused()


def _by_col(numbers: dict[str, NumberColumn], layout: HeaderLayout) -> dict[int, NumberColumn]:
    return {layout.columns[k].col: c for k, c in numbers.items()}


def _labels(loaded: dict[int, pa.Array], layout: HeaderLayout, facts: SheetFacts) -> dict[str, pa.Array]:
    """Label texts: codes folded to half-width, names and counties as written; a label merged over
    several rows (a county or a category written once for its enterprises) filled down."""
    out = {}
    for key, info in layout.columns.items():
        if info.spec.kind in TEXT_KINDS:
            out[key] = _filled(clean_text(loaded[info.col], nfkc=key in ("ent_id", "industry_code")),
                               info.col, layout.data_start, facts.merged)
    lead = _lead(layout)
    if lead is not None:
        out["lead"] = clean_text(loaded[lead], nfkc=False)
    return out


def _filled(arr: pa.Array, col: int, data_start: int, merged) -> pa.Array:
    spans = [(r0 - data_start, r1 - data_start) for r0, c0, r1, c1 in merged
             if c0 <= col <= c1 and r1 > r0 and r1 >= data_start]
    if not spans:
        return arr
    values = arr.to_pylist()
    for a, b in spans:
        top = values[a] if 0 <= a < len(values) else None
        for i in range(max(a + 1, 0), min(b + 1, len(values))):
            values[i] = top
    return pa.array(values, pa.string())


def _issues(source: Source, layout: HeaderLayout, numbers: dict[str, NumberColumn], roles, cells: RowCells
            ) -> IssueList:
    """Every bad cell of an enterprise row and every row that could not be placed, in one list."""
    issues = IssueList(source.name, layout.sheet)
    keep = roles.enterprise.copy()
    keep[[i for i, _ in roles.errors]] = True  # a row that could not be placed: its bad cells are said too
    for key, column in numbers.items():
        info = layout.columns[key]
        for i, (value, message) in column.why.items():
            if keep[i]:
                issues.add(message, row=cells.first_row + i, column=info.label, col_index=info.col,
                           value=value, has_value=True)
    for i, message in roles.errors:
        issues.add(message, row=cells.first_row + i)
    return issues


def _unknown_county(texts: dict[str, pa.Array], keep: np.ndarray, first_row: int
                    ) -> tuple[dict[str, pa.Array], str | None]:
    """An enterprise with no county is its own scope 未分县区, and every output says so."""
    county = texts.get("county")
    if county is None:
        return texts, None
    blank = pc.is_null(county).to_numpy(zero_copy_only=False) & keep
    if not blank.any():
        return texts, None
    texts = dict(texts)
    texts["county"] = pc.fill_null(county, UNKNOWN_COUNTY)
    rows = np.flatnonzero(blank) + first_row
    shown = "、".join(str(int(r)) for r in rows[:5]) + ("等" if len(rows) > 5 else "")
    return texts, f"有 {len(rows)} 家企业的县(区)为空（第{shown}行），单列为“{UNKNOWN_COUNTY}”"


def _industry_codes(arr: pa.Array) -> pa.Array:
    """`C3985`, `3985.0`, ` 3985 ` -> `3985`; numeric cells that lost a leading 0 get it back."""
    four_digits = pc.and_(pc.ascii_is_decimal(arr), pc.equal(pc.binary_length(arr), 4))  # ^[0-9]{4}$, no regex
    if pc.all(four_digits).as_py() is not False:  # as they should be
        return arr
    arr = pc.replace_substring_regex(arr, r"^[A-Za-z]\s*", "")
    arr = pc.replace_substring_regex(arr, r"\.0+$", "")
    three = pc.fill_null(pc.match_substring_regex(arr, r"^\d{3}$"), False)
    return pc.if_else(three, pc.binary_join_element_wise("0", arr, ""), arr)


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


# ---------------------------------------------------------------- enterprise list

def list_header_ok(found: dict) -> bool:
    ids = {m.spec.id for m in found.values()}
    return bool(ids & {"ent_id", "ent_name"}) and "sei_category" in ids


@dataclass
class SeiList:
    """An enterprise list (名录): each entry's code and/or name, its category and its row in the list."""

    source: str
    keys: list[str]                        # ent_id and/or ent_name: the list's identifier columns
    entries: list[tuple[int, str | None, str | None, str | None]]  # (row, code, name, category)


def _code_key(arr: pa.Array) -> pa.Array:
    """Codes as compared: letters in upper case (91…3a and 91…3A are one code)."""
    return pc.utf8_upper(arr)


def read_sei_list(path: str | os.PathLike) -> SeiList:
    """An enterprise list (名录): 统一社会信用代码 and/or 单位名称, and 战略性新兴产业类别. A row may name its
    enterprise by code or by name or both; a row with a category but neither is an error."""
    path = os.fspath(path)
    source = open_source(path)
    layout = choose_sheet(source, None, list_header_ok, "战新企业名录（企业标识 + 战新产业类别）").layout
    cols = layout.columns
    keys = [k for k in ("ent_id", "ent_name") if k in cols]
    data = source.load(layout.sheet, layout.data_start, [cols[k].col for k in keys] + [cols["sei_category"].col], [])
    issues = IssueList(source.name, layout.sheet)
    first_row = layout.data_start + 1
    ids = {k: clean_text(data[cols[k].col], nfkc=k == "ent_id") for k in keys}
    raw_cats = clean_text(data[cols["sei_category"].col])
    n = len(raw_cats)
    named = np.zeros(n, dtype=bool)
    keep = np.ones(n, dtype=bool)
    for arr in ids.values():
        named |= pc.is_valid(arr).to_numpy(zero_copy_only=False)
        keep &= ~text_is_total(arr) & ~text_is_footnote(arr)
    has_cat = pc.is_valid(raw_cats).to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(keep & has_cat & ~named).tolist():
        issues.add(f"这一行有战新产业类别而没有{'或'.join(cols[k].label for k in keys)}，不知道是哪家企业",
                   row=first_row + i, column=cols[keys[0]].label)
    keep &= named
    cats = _categories(raw_cats, keep, first_row, cols["sei_category"], issues).to_pylist()
    codes = ids["ent_id"].to_pylist() if "ent_id" in ids else [None] * n
    names = ids["ent_name"].to_pylist() if "ent_name" in ids else [None] * n
    entries = [(first_row + i, codes[i], names[i], cats[i]) for i in np.flatnonzero(keep).tolist()]
    # One enterprise named twice with two categories: which is right cannot be known.
    for label, pick in (("代码", lambda e: e[1].upper() if e[1] else None), ("名称", lambda e: e[2] if not e[1] else None)):
        seen: dict[str, tuple[int, str | None]] = {}
        for e in entries:
            k = pick(e)
            if k is None:
                continue
            if k in seen and seen[k][1] != e[3]:
                issues.add(f"企业{label}“{k}”在名录中出现多次且类别不同：第{seen[k][0]}行为{seen[k][1] or '空'}，"
                           f"这一行为{e[3] or '空'}", row=e[0])
            seen.setdefault(k, (e[0], e[3]))
    issues.raise_if_any()
    return SeiList(source.name, keys, entries)


def apply_sei_list(data: BureauData, path) -> None:
    """Each enterprise's category from the list: a list row with a code is matched on the code (when the export
    has codes), a row without one on the name. An enterprise matched twice with two categories is an error."""
    listed = read_sei_list(path)
    table = data.table
    by_code = "ent_id" in table and "ent_id" in listed.keys
    by_name = "ent_name" in table and "ent_name" in listed.keys
    if not by_code and not by_name:
        other = "单位名称" if "ent_name" in listed.keys else "统一社会信用代码"
        raise InputError(Issue(f"名录按{other}匹配企业，但数据文件中没有这一列", file=os.path.basename(os.fspath(path))))
    n = len(table)
    category: list = [None] * n
    source_row: list = [None] * n
    used: set = set()  # the keys matched: ("c", code) or ("n", name)
    issues = IssueList(data.source, data.sheet)
    rows = table["row"]

    def match(column: pa.Array, entries: list, value, kind: str) -> None:
        if not entries:
            return
        where = pc.index_in(column, value_set=pa.array([value(e) for e in entries], pa.string()), skip_nulls=True)
        hits = pc.is_valid(where).to_numpy(zero_copy_only=False)
        for i, k in zip(np.flatnonzero(hits).tolist(), where.filter(pa.array(hits)).to_pylist()):
            e = entries[k]
            if source_row[i] is not None and category[i] != e[3]:
                issues.add(f"名录第{source_row[i]}行和第{e[0]}行都指向这家企业，类别不同（{category[i] or '空'}、"
                           f"{e[3] or '空'}）", row=int(rows[i]))
                continue
            category[i], source_row[i] = e[3], e[0]
            used.add((kind, value(e)))

    # The first entry of each key wins in index_in; duplicates of one key carry one category (checked on reading).
    if by_code:
        match(_code_key(table.text("ent_id")), [e for e in listed.entries if e[1]], lambda e: e[1].upper(), "c")
    if by_name:
        match(table.text("ent_name"), [e for e in listed.entries if e[2] and not (by_code and e[1])],
              lambda e: e[2], "n")
    issues.raise_if_any()
    table["sei_category"] = pa.array(category, pa.string())
    matched = sum(1 for r in source_row if r is not None)

    def key_of(e):  # how an entry is matched; None: it cannot be (a code only, and the export has no codes)
        if by_code and e[1]:
            return ("c", e[1].upper())
        return ("n", e[2]) if by_name and e[2] else None
    missing = [e for e in listed.entries if key_of(e) not in used]
    data.classification = "list"
    data.notes.append(f"战新产业类别来自企业名录 {listed.source}：匹配 {matched} 家企业")
    if missing:
        shown = "、".join(f"第{e[0]}行 {e[1] or e[2]}" for e in missing[:5]) + ("等" if len(missing) > 5 else "")
        data.notes.append(f"名录中有 {len(missing)} 家企业不在数据文件中（{shown}）")
