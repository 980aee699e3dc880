"""The shortcuts of the national-scale read decide exactly what the long way decides.

Each shortcut is checked against the rule it stands for: the typed CSV read without line-break-
aware splitting (only when the file has no double quote), codes told by ASCII kernels, total and
note words looked for only in non-ASCII text, sum rows looked for only where a figure is at least
its two predecessors, figures copied from Arrow's buffers, labels not copied when nothing is
trimmed, categories coded by Arrow. Inputs are real CSV files read by the real reader, or the
reader's own arrays.
"""
from __future__ import annotations

import csv
import io
import re

import numpy as np
import pyarrow as pa
import pytest

import xltools
from helpers import basic_rows
from xltools import rows as rowmod
from xltools.csvsource import CsvSource
from xltools.errors import InputError
from xltools.indicators import _category_codes
from xltools.sei import category_names
from xltools.values import clean_text, to_numbers


def write(tmp_path, name, rows, encoding="utf-8") -> str:
    out = io.StringIO(newline="")
    csv.writer(out).writerows([["" if v is None else v for v in row] for row in rows])
    path = tmp_path / name
    path.write_bytes(out.getvalue().encode(encoding))
    return str(path)


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_quote_detection_by_bytes(tmp_path, encoding):
    plain = write(tmp_path, "plain.csv", basic_rows(), encoding)
    assert open(plain, "rb").read().count(b'"') == 0
    assert not CsvSource(plain)._quoted()
    rows = basic_rows()
    rows[4][1] = "乙公司,销售分公司"  # the csv module quotes it
    quoted = write(tmp_path, "quoted.csv", rows, encoding)
    assert CsvSource(quoted)._quoted()


def test_a_line_break_in_a_quoted_cell_is_still_one_row(tmp_path):
    """With a quote in the file the read splits only where a record ends; without one it may split
    at any line break, and nothing changes for a file that has none inside a cell."""
    rows = basic_rows()
    rows[4][1] = "乙公司\n（销售）"
    data = xltools.load(write(tmp_path, "break.csv", rows))
    assert data.frame["ent_name"].tolist()[1] == "乙公司\n（销售）"
    assert data.frame["row"].tolist() == [4, 5, 6]
    plain = xltools.load(write(tmp_path, "plain.csv", basic_rows()))
    assert plain.frame["revenue_cur"].tolist() == [1000.5, 2000.0, 300.25]
    assert plain.frame["row"].tolist() == [4, 5, 6]


def test_a_short_row_in_a_file_without_quotes_is_located(tmp_path):
    """The typed read stops at the first malformed row; the careful read then names it."""
    rows = basic_rows()
    rows.insert(4, ["91620300000000009X", "短行公司"])
    with pytest.raises(InputError) as exc:
        xltools.load(write(tmp_path, "short.csv", rows))
    assert "第5行：只有2列，表头有10列" in exc.value.report()


def _cells(ent_id: list, names: list | None = None, counties: list | None = None) -> rowmod.RowCells:
    labels = {"ent_id": clean_text(pa.array(ent_id, pa.string()))}
    if names is not None:
        labels["ent_name"] = clean_text(pa.array(names, pa.string()), nfkc=False)
    if counties is not None:
        labels["county"] = clean_text(pa.array(counties, pa.string()), nfkc=False)
    n = len(ent_id)
    return rowmod.RowCells(4, labels, {}, {"revenue_cur": np.ones(n)}, {"revenue_cur": np.zeros(n, bool)},
                           {"revenue_cur": np.zeros(n, bool)}, {})


def test_codes_by_ascii_kernels_match_the_regex_rule():
    codes = ["91620300000000001A", "AB", "A1", "1", "12", "A-1", "-12", "1-", "AB-", "91 62", "９１６２", "甲1",
             "a_1", "", None, "X", "1.5", "0000"]
    got = rowmod.has_code(_cells(codes)).tolist()
    folded = clean_text(pa.array(codes, pa.string())).to_pylist()
    want = [v is not None and bool(rowmod._CODE.match(v)) and bool(re.search(r"[0-9]", v)) for v in folded]
    assert got == want


def test_total_words_in_any_column_and_a_county_written_in_ascii():
    cells = _cells([None, "91620300000000001A", None, None, None],
                   ["合计", "甲公司", "Nickel:City", "注：快报", "全市"],
                   ["Nickel:City", "Nickel:City", "Nickel:City", None, None])
    found = {i: kind for i, _, kind in rowmod._worded(cells)}
    assert found == {0: "total", 2: "total", 3: "note", 4: "total"}


def _brute_sums(v, active, eligible):
    """Every row p that equals the sum of a run of ≥ 2 active rows ending just above it (in order)."""
    out = set()
    for p in np.flatnonzero(eligible):
        for j in range(p - 2, -1, -1):
            run = v[j:p][active[j:p]]
            if np.count_nonzero(v[j:p] * active[j:p]) >= 2 and run.sum() == v[p]:
                out.add(int(p))
                break
    return out


def test_sum_rows_found_only_where_possible_are_all_of_them():
    rng = np.random.default_rng(14)
    for trial in range(300):
        n = int(rng.integers(3, 30))
        v = rng.integers(0, 9, n).astype(np.int64)
        for _ in range(2):
            p = int(rng.integers(2, n))
            j = int(rng.integers(0, p - 1))
            v[p] = v[j:p].sum()
        active = rng.random(n) > 0.1
        eligible = active & (v != 0)
        ints = {"a": v}
        found = set(rowmod._runs(ints, "a", ["a"], active, eligible, 1))
        assert found == _brute_sums(np.where(active, v, 0), active, eligible), trial


def test_figures_from_arrow_buffers():
    arr = pa.chunked_array([pa.array([1.5, None, float("inf")]), pa.array([None, 2.0, float("nan"), 3.0]).slice(1),
                            pa.array([], pa.float64())])
    values, blank, bad = to_numbers(arr)
    assert blank.tolist() == [False, True, False, False, False, False]
    assert bad.tolist() == [False, False, True, False, True, False]
    assert values[[0, 1, 3, 5]].tolist() == [1.5, 0.0, 2.0, 3.0] and np.isnan(values[[2, 4]]).all()
    ints = to_numbers(pa.array([1, None, 3]))
    assert ints[0].tolist() == [1.0, 0.0, 3.0] and ints[1].tolist() == [False, True, False]


def test_labels_not_copied_when_nothing_is_trimmed():
    arr = pa.array(["甲公司", "乙公司"], pa.string())
    assert clean_text(arr, nfkc=False) is arr
    assert clean_text(pa.array([" 甲 ", ""]), nfkc=False).to_pylist() == ["甲", None]


def test_categories_coded_by_arrow_as_by_pandas():
    import pandas as pd
    import pyarrow as pa

    names = category_names()
    for column in (pd.Series([names[0], None, "其他", names[8]], dtype="str"),
                   pd.Series([names[2], None, float("nan")], dtype=object), pd.Series([None] * 2, dtype=object)):
        codes = pd.Categorical(column.astype(object).where(column.isin(names), None), categories=names).codes
        texts = pa.array(column.astype(object).where(column.notna(), None).tolist(), pa.string())
        assert _category_codes(texts, names).tolist() == np.where(codes < 0, len(names), codes).tolist()
