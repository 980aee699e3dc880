"""Disclosure control in the summary: primary and secondary suppression, nothing recoverable by
subtraction, no withheld sum anywhere in the file."""
from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import xltools
from helpers import run_cli, write_csv
from workbook_reading import parts, values
from xltools.disclosure import plan
from xltools.sei import category_names

HEAD = ["统一社会信用代码", "单位名称", "行业代码", "县区", "战新产业类别", "工业总产值本期", "工业总产值上年同期",
        "营业收入本期", "营业收入上年同期", "营业成本本期", "利润总额本期", "利润总额上年同期"]
MONEY = HEAD[5:]


def make_rows(spec, seed=1):
    """spec: (category or "", county, count). Money with three decimals, distinct by construction."""
    rnd = random.Random(seed)
    rows, i = [], 0
    for cat, county, count in spec:
        for _ in range(count):
            i += 1
            rev = round(rnd.uniform(10_000, 900_000), 3)
            rows.append([f"E{i:05d}", f"企业{i}", "3311", county, cat, round(rev * 1.02, 3), round(rev * 0.9, 3),
                         rev, round(rev * 0.93, 3), round(rev * 0.85, 3), round(rev * 0.07, 3),
                         round(rev * 0.05, 3)])
    return rows


def write_input(tmp_path, spec, name="2022年1-12月.csv", seed=1):
    rows = make_rows(spec, seed)
    return write_csv(tmp_path / name, [HEAD, *rows]), rows


def sums_of(rows, keep) -> list[float]:
    """Each money column's sum over the rows `keep` accepts, as 千元 and as 亿元."""
    out = []
    for k in range(len(MONEY)):
        s = math.fsum(r[5 + k] for r in rows if keep(r))
        out += [s, s / 100000]
    return out


def assert_absent(path, numbers):
    """None of these numbers, written as a workbook writes numbers, occurs in any part of the file."""
    text = "\n".join(parts(path).values())
    for x in numbers:
        for form in {f"{x:.16G}", f"{x:.15G}", repr(x)}:
            assert form not in text, form


def row_of(grid, label):
    return next(r for r in grid if r[0] == label)


SECTORS = [("新材料产业", "镍都区", 10), ("新能源产业", "镍都区", 6), ("节能环保产业", "永安县", 5),
           ("生物产业", "永安县", 2), ("", "镍都区", 12), ("", "永安县", 9)]


def test_primary_and_secondary_suppression_of_categories(tmp_path):
    src, rows = write_input(tmp_path, SECTORS)
    out = tmp_path / "s.xlsx"
    proc = run_cli("summary", src, "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "不公布 2 个范围" in proc.stdout
    grid = values(out)["表2"]
    # 生物产业 has 2 enterprises (primary); alone it would be 战新合计 minus the others, so the
    # smallest other category (节能环保, 5) is withheld too.
    for name in ("生物产业", "节能环保产业"):
        assert set(row_of(grid, name)[1:]) == {"…"}
    for name in ("新材料产业", "新能源产业"):
        assert all(isinstance(v, (int, float)) for v in row_of(grid, name)[1:4])
    # Subtraction gives only the two together.
    total = row_of(grid, "战略性新兴产业合计")[1]
    published = sum(row_of(grid, n)[1] for n in ("新材料产业", "新能源产业"))
    assert total - published == 7
    assert_absent(out, sums_of(rows, lambda r: r[4] == "生物产业") + sums_of(rows, lambda r: r[4] == "节能环保产业"))
    # The note under the table and the 说明 sheet say what was withheld, without telling which is which.
    notes = " ".join(str(r[0] or r[1]) for r in grid if r[0] or r[1])  # spread across pages, notes start in B
    assert "本期不公布：生物产业、节能环保产业" in notes
    assert "企业数少于3家" in notes
    # The charts list only what is published.
    chart_rows = [r[0] for r in values(out)["图表"][3:] if r[0] in category_names()]
    assert chart_rows == ["新材料产业", "新能源产业"]


def test_counties_primary_and_secondary(tmp_path):
    spec = SECTORS + [("新材料产业", "河西县", 1)]
    src, rows = write_input(tmp_path, spec)
    out = tmp_path / "s.xlsx"
    assert run_cli("summary", src, "-o", out, "--by", "county").returncode == 0
    grid = values(out)["表3"]
    hexi = row_of(grid, "河西县")
    assert set(hexi[1:]) == {"…"}  # one enterprise
    withheld = [r[0] for r in grid[4:8] if r[1] == "…"]
    assert len(withheld) >= 2  # and another county, or 河西县 = 全市 − the others
    assert_absent(out, sums_of(rows, lambda r: r[3] == "河西县"))


def test_a_lone_enterprise_outside_the_sei_withholds_the_sei_total(tmp_path):
    """全市 − 战新 would be the one non-SEI enterprise."""
    spec = [("新材料产业", "镍都区", 8), ("新能源产业", "镍都区", 6), ("节能环保产业", "永安县", 5), ("", "永安县", 1)]
    src, rows = write_input(tmp_path, spec)
    out = tmp_path / "s.xlsx"
    assert run_cli("summary", src, "-o", out).returncode == 0
    t1 = values(out)["表1"]
    assert row_of(t1, "工业总产值")[4] == "…" and isinstance(row_of(t1, "工业总产值")[2], float)
    assert_absent(out, sums_of(rows, lambda r: r[4] == "") + sums_of(rows, lambda r: r[4] != ""))


def test_no_suppress_and_threshold(tmp_path):
    src, _ = write_input(tmp_path, SECTORS)
    out = tmp_path / "open.xlsx"
    proc = run_cli("summary", src, "-o", out, "--no-suppress")
    assert proc.returncode == 0 and "不得对外公布" in proc.stdout
    grid = values(out)["表2"]
    assert "…" not in [v for r in grid[4:14] for v in r]
    assert any("未做数据保密处理" in str(r[0]) for r in values(out)["说明"])
    out = tmp_path / "strict.xlsx"
    assert run_cli("summary", src, "-o", out, "--threshold", "6").returncode == 0
    grid = values(out)["表2"]
    assert row_of(grid, "节能环保产业")[1] == "…" and row_of(grid, "生物产业")[1] == "…"
    assert row_of(grid, "新能源产业")[1] == 6  # the two withheld hold 7 ≥ 6 together: enough


# ---------------------------------------------------------------- nothing recoverable, exactly

def published_vectors(results, withheld, frame_rows):
    """0/1 vectors over the enterprises for every published scope (an independent model of the scopes)."""
    def member(scope, row):
        cat, county = row[4] or None, row[3] or None
        if scope == "all":
            return True
        if scope == "sei":
            return cat is not None
        kind, _, name = scope.partition(":")
        if kind == "sector":
            return cat == name
        c, _, sei = name.partition("/")
        return county == c and (not sei or cat is not None)

    scopes = [s.scope for s in results.scopes]
    vec = {s: np.array([1.0 if member(s, r) else 0.0 for r in frame_rows]) for s in scopes}
    return [vec[s] for s in scopes if s not in withheld], {s: vec[s] for s in scopes if s in withheld}


def in_span(matrix, v) -> bool:
    if not v.any():
        return False
    if len(matrix) == 0:
        return False
    m = np.vstack(matrix)
    return np.linalg.matrix_rank(np.vstack([m, v])) == np.linalg.matrix_rank(m)


enterprise = st.tuples(st.sampled_from(["", *category_names()[:4]]), st.sampled_from(["甲区", "乙县", "丙县"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(enterprise, min_size=3, max_size=14), st.sampled_from([2, 3, 4]))
def test_nothing_smaller_than_the_threshold_is_recoverable_by_subtraction(tmp_path, ents, threshold):
    """Brute force over the enterprises themselves: no set of fewer than `threshold` enterprises,
    and no withheld scope, is a linear combination of the published scopes."""
    spec = [(cat, county, 1) for cat, county in ents]
    path, rows = write_input(tmp_path, spec, name="t.csv")
    results = xltools.compute(xltools.load(path, period="2022"), by_county=True)
    d = plan(results, threshold=threshold)
    assert {s.scope for s in results.scopes if 0 < s.enterprises < threshold} <= d.withheld
    matrix, hidden = published_vectors(results, d.withheld, rows)
    for scope, v in hidden.items():
        assert not in_span(matrix, v), f"{scope} recoverable"
    for size in range(1, threshold):
        for subset in itertools.combinations(range(len(rows)), size):
            v = np.zeros(len(rows))
            v[list(subset)] = 1
            assert not in_span(matrix, v), f"enterprises {subset} recoverable; withheld {sorted(d.withheld)}"


def test_a_category_inside_one_county_is_not_subtracted_from_that_county(tmp_path):
    """乙县's SEI minus 新材料 (all of it in 乙县) would be one enterprise: relations alone miss it."""
    spec = [("新材料产业", "乙县", 4), ("新能源产业", "乙县", 1), ("新能源产业", "甲区", 5), ("", "甲区", 6),
            ("", "乙县", 4)]
    path, rows = write_input(tmp_path, spec, name="t.csv")
    results = xltools.compute(xltools.load(path, period="2022"), by_county=True)
    d = plan(results)
    matrix, _ = published_vectors(results, d.withheld, rows)
    for i, row in enumerate(rows):
        v = np.zeros(len(rows))
        v[i] = 1
        assert not in_span(matrix, v), (row[:5], sorted(d.withheld))


@pytest.mark.parametrize("threshold", [1, 3])
def test_threshold_one_withholds_nothing(tmp_path, threshold):
    src, _ = write_input(tmp_path, SECTORS)
    d = plan(xltools.compute(xltools.load(src)), threshold=threshold)
    assert (d.withheld == set()) == (threshold == 1)
