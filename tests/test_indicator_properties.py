"""Properties of the engine on random enterprise tables (written to real CSV files and read back)."""
from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import xltools
from helpers import write_csv
from xltools.sei import category_names

HEAD = ["统一社会信用代码", "单位名称", "战新产业类别", "营业收入", "营业收入上年同期", "营业成本", "营业成本上年同期",
        "利润总额", "利润总额上年同期", "工业总产值", "工业总产值上年同期", "工业增加值", "工业增加值上年同期",
        "资产总计", "资产总计上年同期", "资产总计年初", "负债合计", "负债合计上年同期", "产成品存货", "产成品存货年初",
        "应收账款", "应收账款年初", "平均用工人数"]
MONEY = [h for h in HEAD[3:] if h != "平均用工人数"]
money = st.floats(min_value=0, max_value=1e7, allow_nan=False).map(lambda x: round(x, 1))
signed = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda x: round(x, 1))
enterprise = st.tuples(st.sampled_from([""] + category_names()), st.lists(money, min_size=len(MONEY), max_size=len(MONEY)),
                       signed, signed, st.integers(0, 5000))
tables = st.lists(enterprise, min_size=1, max_size=15)
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def rows_of(table, scale=1.0):
    rows = []
    for i, (cat, values, profit, profit_ly, people) in enumerate(table):
        vals = dict(zip(MONEY, values))
        vals["利润总额"], vals["利润总额上年同期"] = profit, profit_ly
        rows.append([f"E{i:04d}", f"企业{i}", cat] + [vals[h] * scale for h in MONEY] + [people])
    return rows


def compute(tmp_path, name, rows):
    return xltools.compute(xltools.load(write_csv(tmp_path / name, [HEAD, *rows]), period="2022-10"))


@SETTINGS
@given(tables)
def test_categories_add_up_to_sei(tmp_path, table):
    r = compute(tmp_path, "add.csv", rows_of(table))
    for ind in r.computed:
        if not ind.additive:
            continue
        parts = [r.value(f"sector:{n}", ind.id) or 0 for n in category_names()]
        assert sum(parts) == pytest.approx(r.value("sei", ind.id) or 0, rel=1e-9, abs=1e-9), ind.id


RATIOS = ["profit_margin", "profit_margin_ly", "cost_per_100_revenue", "debt_ratio", "debt_ratio_change",
          "inventory_turnover_days", "receivable_days", "revenue_per_100_assets", "revenue_growth",
          "total_profit_growth", "output_value_growth", "value_added_share", "output_value_share", "loss_ratio"]


@SETTINGS
@given(tables)
def test_scaling_money_by_ten_leaves_ratios_unchanged(tmp_path, table):
    a = compute(tmp_path, "x1.csv", rows_of(table))
    b = compute(tmp_path, "x10.csv", rows_of(table, scale=10.0))
    for scope in a.scope_ids():
        for ind in RATIOS:
            va, vb = a.value(scope, ind), b.value(scope, ind)
            if va is None:
                assert vb is None, (scope, ind)
            else:
                assert vb == pytest.approx(va, rel=1e-9, abs=1e-9), (scope, ind)


@SETTINGS
@given(tables, st.randoms(use_true_random=False))
def test_row_order_never_matters(tmp_path, table, rnd: random.Random):
    rows = rows_of(table)
    a = compute(tmp_path, "o1.csv", rows)
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    b = compute(tmp_path, "o2.csv", shuffled)
    assert [(x.scope, x.indicator, x.value) for x in a.results] == [(x.scope, x.indicator, x.value) for x in b.results]
