"""What the structure indicators need from the enterprises (issue 19): the enterprise size and the
opening year as the reader maps them, and each scope's per-enterprise aggregates.

- 企业规模 / 规模代码: the codes of the statistical size classification (1 大型, 2 中型, 3 小型, 4 微型) or
  their names, as data (data/enterprise_sizes.csv). Anything else, a blank included, is a located input
  error: a share of 中小微型 enterprises over the ones that happen to be coded would look right and be wrong.
- 开业年份 (开业(成立)时间): a year (2021, 2021年, 2021.0) or a date (2021-05, 2021年5月, 2021/5/1); blank is
  allowed (unknown), a year after the report's year or before 1900 is an input error.
- Per scope: the sum and the sum of squares of positive revenue, its five largest values, the count
  of 中小微型 enterprises and of new ones and the new ones' revenue. Enterprises with zero or negative
  revenue hold no share of revenue (a negative revenue counts as 0 in the concentration indicators;
  validate lists such enterprises). The ratios themselves are computed in indicators.py.
"""
from __future__ import annotations

import csv
import math
import re
import unicodedata
from functools import lru_cache
from importlib import resources

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

SME = ("2", "3", "4")         # 中型, 小型, 微型
NEW_YEARS = 2                 # opened in the report's year or the year before
TOP_KEPT = 5                  # largest revenues kept per group (top 1, top 3, and the dominance rule's N)
SIZE_HINT = "应为 1 大型、2 中型、3 小型、4 微型，或其名称"

# Scope-level keys carried on the summary's sums sheet, with their headers there.
SUM_LABELS = {"revenue_positive": "营业收入为正的企业营业收入合计(千元)",
              "revenue_squares": "营业收入平方和(千元²)",
              "revenue_top1": "最大1家企业营业收入(千元)",
              "revenue_top3": "最大3家企业营业收入合计(千元)",
              "sme": "中小微型企业数(个)",
              "new": "新企业数(个)",
              "new_revenue": "新企业营业收入(千元)"}


@lru_cache(maxsize=1)
def size_codes() -> dict[str, tuple[str, str]]:
    """Normalised value -> (code 1-4, label 大型…)."""
    codes = {"large": "1", "medium": "2", "small": "3", "micro": "4"}
    with resources.files("xltools.data").joinpath("enterprise_sizes.csv").open(encoding="utf-8") as fh:
        return {_size_key(r["value"]): (codes[r["size"]], r["label"]) for r in csv.DictReader(fh)}


def _size_key(text: str) -> str:
    s = unicodedata.normalize("NFKC", str(text)).strip()
    s = re.sub(r"\s+", "", s)
    return re.sub(r"^(\d+)\.0+$", r"\1", s)


def size_code(text) -> str | None:
    """'2', '2.0', '中型企业', '２' -> '2'; None when unknown."""
    found = size_codes().get(_size_key(text))
    return found[0] if found else None


_YEAR = re.compile(r"^((?:18|19|20|21)\d\d)(?:\.0+)?年?$")
_DATE = re.compile(r"^((?:18|19|20|21)\d\d)\s*(?:[-/.年])\s*(\d{1,2})\s*(?:月)?(?:\s*[-/.]?\s*\d{1,2}\s*日?)?"
                   r"(?:[ T]\d{1,2}:\d\d(?::\d\d(?:\.\d+)?)?)?$")


def opening_year(text) -> int | None:
    """'2021', '2021年', '2021.0', '2021-05', '2021年5月', '2021-05-01 00:00:00' -> 2021; None otherwise."""
    s = unicodedata.normalize("NFKC", str(text)).strip()
    m = _YEAR.match(s) or _DATE.match(s)
    if not m:
        return None
    if m.re is _DATE and not 1 <= int(m.group(2)) <= 12:
        return None
    return int(m.group(1))


def _mapped(arr: pa.Array, mapping: dict) -> pa.Array:
    """Each value through `mapping` (built over the column's distinct values), null where it maps to None."""
    keys = [k for k, v in mapping.items() if k is not None and v is not None]
    if not keys:
        return pa.nulls(len(arr), pa.string())
    idx = pc.index_in(arr, value_set=pa.array(keys, pa.string()))
    return pc.take(pa.array([str(mapping[k]) for k in keys], pa.string()), idx)


def _report(arr: pa.Array, bad: set, keep, first_row: int, info, issues, message) -> None:
    """An issue for every enterprise row whose value is in `bad` (None: a blank cell); message(value)."""
    if not bad:
        return
    hit = pc.is_in(arr, value_set=pa.array([v for v in bad if v is not None], pa.string()))
    hit = hit.to_numpy(zero_copy_only=False)
    if None in bad:
        hit = hit | pc.is_null(arr).to_numpy(zero_copy_only=False)
    for i in np.flatnonzero(hit & np.asarray(keep, dtype=bool)).tolist():  # only the rows at fault, not every row
        v = arr[i].as_py()
        issues.add(message(v), row=first_row + i, column=info.label, col_index=info.col, value=v,
                   has_value=v is not None)


def read_sizes(arr: pa.Array, keep, first_row: int, info, issues) -> pa.Array:
    """The size column as codes '1'-'4'; every blank or unknown value of an enterprise row is an issue."""
    mapping = {u: size_code(u) if u is not None else None for u in pc.unique(arr).to_pylist()}
    bad = {u for u, code in mapping.items() if code is None}
    _report(arr, bad, keep, first_row, info, issues,
            lambda v: f"{'企业规模为空' if v is None else '不是企业规模'}（{SIZE_HINT}）")
    return _mapped(arr, mapping)


def read_opening_years(arr: pa.Array, keep, first_row: int, info, issues, report_year: int) -> pa.Array:
    """The opening year as text of four digits ('2021'); blank stays blank; a bad or future year is an issue."""
    mapping = {u: opening_year(u) for u in pc.unique(arr).to_pylist() if u is not None}
    _report(arr, {u for u, y in mapping.items() if y is None or y < 1900}, keep, first_row, info, issues,
            lambda v: "不是年份（应为 2021、2021年 或 2021年5月 这样的年份或日期）")
    _report(arr, {u for u, y in mapping.items() if y is not None and y > report_year}, keep, first_row, info,
            issues, lambda v: f"开业年份晚于报告期（{report_year}年）")
    return _mapped(arr, {u: y for u, y in mapping.items() if y is not None and 1900 <= y <= report_year})


def new_mask(table, report_year: int) -> np.ndarray | None:
    """New enterprises: no 上年同期 revenue (blank or 0), or opened in the report's year or the year
    before (开业年份 ≥ report year − 1) when the export has the column. None without 上年同期 revenue."""
    if "revenue_ly" not in table:
        return None
    new = table.numbers("revenue_ly") == 0
    if "opening_year" in table:
        years = table.numbers("opening_year")
        new |= np.nan_to_num(years, nan=0.0) >= report_year - (NEW_YEARS - 1)
    return new


def group_aggregates(table, groups, report_year: int) -> dict[str, dict[int, object]]:
    """Per group id: each structure key's partial (exact sums) and 'top' (the largest positive revenues).
    A table without revenue (trend's count-only table of enterprises) has none: {"top": {}}."""
    if "revenue_cur" not in table:
        return {"top": {}}
    revenue = np.maximum(table.numbers("revenue_cur"), 0.0)
    out: dict[str, dict[int, object]] = {
        "revenue_positive": groups.partials(revenue),
        "revenue_squares": groups.partials(revenue * revenue),
        "top": groups.largest(revenue, TOP_KEPT),
        "negative": groups.partials((table.numbers("revenue_cur") < 0).astype("float64")),
    }
    if "enterprise_size" in table:
        sme = pc.is_in(table.text("enterprise_size"), value_set=pa.array(sorted(SME), pa.string()))
        out["sme"] = groups.partials(sme.to_numpy(zero_copy_only=False).astype("float64"))
    new = new_mask(table, report_year)
    if new is not None:
        out["new"] = groups.partials(new.astype("float64"))
        out["new_revenue"] = groups.partials(np.where(new, table.numbers("revenue_cur"), 0.0))
    return out


def scope_structure(parts: dict[str, dict[int, object]], members: list[int], carried) -> tuple[dict, list]:
    """A scope's structure sums (carried as the sums sheet writes them) and its largest revenues."""
    top = sorted((x for g in members for x in parts["top"].get(g, [])), reverse=True)[:TOP_KEPT]
    sums: dict[str, float] = {}
    for key in ("revenue_positive", "revenue_squares", "negative", "sme", "new", "new_revenue"):
        if key in parts:
            sums[key] = carried(math.fsum(parts[key].get(g, 0.0) for g in members))
    if top:
        sums["revenue_top1"] = carried(top[0])
        sums["revenue_top3"] = carried(math.fsum(top[:3]))
    else:
        sums["revenue_top1"] = sums["revenue_top3"] = 0.0
    return sums, top


@lru_cache(maxsize=1)
def _words() -> dict[str, list[tuple[float, float, str]]]:
    out: dict[str, list[tuple[float, float, str]]] = {}
    with resources.files("xltools.data").joinpath("structure_words.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            out.setdefault(r["indicator"], []).append((float(r["from"]), float(r["to"]), r["words"]))
    return out


def words_for(indicator_id: str, shown) -> str:
    """The report's words for a structure figure as displayed (data/structure_words.csv: from ≤ value < to)."""
    if shown is None:
        return ""
    return next((w for lo, hi, w in _words().get(indicator_id, []) if lo <= float(shown) < hi), "")
