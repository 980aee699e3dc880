"""Every indicator against numbers worked out by hand on a small table, read from a real file."""
from __future__ import annotations

import json

import pytest

import xltools
from helpers import run_cli, write_csv, write_xlsx
from xltools.rounding import display

HEAD = ["统一社会信用代码", "单位名称", "行业代码", "县区", "战新产业类别",
        "营业收入本期", "营业收入上年同期", "营业成本本期", "营业成本上年同期", "利润总额本期", "利润总额上年同期",
        "工业总产值本期", "工业总产值上年同期", "工业增加值本期", "工业增加值上年同期",
        "资产总计本期", "资产总计上年同期", "资产总计年初", "负债合计本期", "负债合计上年同期",
        "产成品存货期末", "产成品存货年初", "应收账款期末", "应收账款年初", "平均用工人数"]
#        rev  ly    cost  ly    profit ly   out   ly    va    ly    assets ly boy     liab  ly    fg  boy  rec boy  emp
E1 = ["A1", "甲厂", "3213", "A区", "新材料", 1000, 800, 900, 700, 100, 50, 1100, 900, 300, 250, 2000, 1800, 1900, 1200, 1000, 100, 80, 200, 150, 50]
E2 = ["A2", "乙厂", "3213", "B县", "新材料", 10, 0, 5, 0, 2, 0, 12, 0, 4, 0, 100, 0, 0, 20, 0, 1, 0, 2, 0, 5]
E3 = ["A3", "丙厂", "3110", "A区", "", 5000, 5000, 4800, 4700, -100, 200, 5200, 5100, 1000, 1000, 8000, 7800, 7900, 6000, 5900, 300, 320, 500, 480, 400]
E4 = ["A4", "丁厂", "3825", "B县", "新能源", 90, 100, 95, 90, -5, -3, 80, 100, 20, 25, 50, 40, 45, 10, 8, 0, 0, 0, 0, 0]


def results(tmp_path, rows=(E1, E2, E3, E4), period="2022", name="t.csv", **kw):
    path = write_csv(tmp_path / name, [HEAD, *rows])
    return xltools.compute(xltools.load(path, period=period), **kw)


def v(res, scope, ind):
    return res.value(scope, ind)


def test_levels_and_counts(tmp_path):
    r = results(tmp_path)
    assert v(r, "all", "enterprises") == 4 and v(r, "sei", "enterprises") == 3
    assert v(r, "all", "loss_enterprises") == 2 and v(r, "all", "loss_ratio") == 50.0
    assert v(r, "all", "loss_amount") == pytest.approx(105 / 100000)
    assert v(r, "all", "revenue") == pytest.approx(6100 / 100000)
    assert v(r, "sei", "output_value") == pytest.approx(1192 / 100000)
    assert v(r, "sector:新材料产业", "value_added") == pytest.approx(304 / 100000)
    assert v(r, "all", "operating_cost") == pytest.approx(5800 / 100000)
    assert v(r, "sei", "total_profit") == pytest.approx(97 / 100000)
    assert v(r, "all", "total_profit") == pytest.approx(-3 / 100000)
    assert v(r, "sei", "output_value_share") == pytest.approx(1192 / 6392 * 100)
    assert v(r, "all", "output_value_share") == 100.0


def test_ratio_of_sums_not_mean_of_ratios(tmp_path):
    r = results(tmp_path)
    # SEI: profit 100 + 2 − 5 = 97 over revenue 1000 + 10 + 90 = 1100.
    assert v(r, "sei", "profit_margin") == pytest.approx(97 / 1100 * 100)
    naive = (100 / 1000 + 2 / 10 + -5 / 90) / 3 * 100
    assert r.get("sei", "profit_margin").display == "8.82" != display(naive, 2)
    assert v(r, "all", "cost_per_100_revenue") == pytest.approx(5800 / 6100 * 100)
    assert v(r, "all", "debt_ratio") == pytest.approx(7230 / 10150 * 100)
    assert v(r, "all", "debt_ratio_change") == pytest.approx(7230 / 10150 * 100 - 6908 / 9640 * 100)
    assert v(r, "all", "profit_margin_ly") == pytest.approx(247 / 5900 * 100)


def test_comparable_growth_uses_the_same_enterprises_last_year(tmp_path):
    r = results(tmp_path)
    # E2 is new: no last-year figures, so it adds to this year only (comparable basis).
    assert v(r, "all", "revenue_growth") == pytest.approx((6100 / 5900 - 1) * 100)
    assert v(r, "sei", "revenue_growth") == pytest.approx((1100 / 900 - 1) * 100)
    assert v(r, "sei", "output_value_growth") == pytest.approx((1192 / 1000 - 1) * 100)
    assert v(r, "all", "value_added_growth") == pytest.approx((1324 / 1275 - 1) * 100)
    assert v(r, "all", "operating_cost_growth") == pytest.approx((5800 / 5490 - 1) * 100)


def test_negative_and_zero_bases(tmp_path):
    r = results(tmp_path)
    assert v(r, "all", "total_profit_growth") == pytest.approx((-3 - 247) / 247 * 100)
    assert v(r, "sector:新材料产业", "total_profit_growth") == pytest.approx((102 - 50) / 50 * 100)
    # 新能源: last year's profit −3 ≤ 0: no growth rate.
    assert v(r, "sector:新能源产业", "total_profit_growth") is None
    assert r.get("sector:新能源产业", "total_profit_growth").display == "—"
    # 新能源 has no employees: per-employee revenue undefined, not inf.
    assert v(r, "sector:新能源产业", "revenue_per_employee") is None
    # A sector whose only enterprise is new has a zero base for every growth rate.
    r2 = results(tmp_path, rows=(E2, E3), name="zero.csv")
    assert v(r2, "sector:新材料产业", "revenue_growth") is None


def test_empty_categories_are_listed_with_nulls(tmp_path):
    r = results(tmp_path)
    assert r.scope_ids()[:11] == ["all", "sei"] + [f"sector:{n}" for n in (
        "新一代信息技术产业", "高端装备制造产业", "新材料产业", "生物产业", "新能源汽车产业", "新能源产业",
        "节能环保产业", "数字创意产业", "相关服务业")]
    assert v(r, "sector:生物产业", "enterprises") == 0
    for ind in r.computed:
        if ind.id != "enterprises":
            assert v(r, "sector:生物产业", ind.id) is None


def test_days_averages_and_annualised_figures_12_months(tmp_path):
    r = results(tmp_path)
    assert r.period.days == 360
    assert v(r, "all", "inventory_turnover_days") == pytest.approx(360 * (401 + 400) / 2 / 5800)
    assert v(r, "all", "receivable_days") == pytest.approx(360 * (702 + 630) / 2 / 6100)
    assert v(r, "all", "revenue_per_100_assets") == pytest.approx(6100 / ((10150 + 9845) / 2) * 100)
    assert v(r, "all", "revenue_per_employee") == pytest.approx(610 / 455)
    assert any("（年初数 + 期末数）÷ 2" in w for w in r.warnings)


@pytest.mark.parametrize("period,months,days", [("2022年1-2月", 2, 60), ("2022年1-10月", 10, 300),
                                                ("2024年1-2月", 2, 60)])
def test_periods_1_2_and_1_10_months_and_no_leap_years(tmp_path, period, months, days):
    r = results(tmp_path, period=period)
    assert (r.period.months, r.period.days) == (months, days)  # 2024 is a leap year: still 30 days a month
    assert v(r, "all", "inventory_turnover_days") == pytest.approx(days * 400.5 / 5800)
    assert v(r, "all", "revenue_per_100_assets") == pytest.approx(6100 / 9997.5 / months * 12 * 100)
    assert v(r, "all", "revenue_per_employee") == pytest.approx(610 / 455 / months * 12)


def test_calendar_days_setting(tmp_path):
    path = write_csv(tmp_path / "cal.csv", [HEAD, E1, E3])
    r = xltools.compute(xltools.load(path, period="2024-02", calendar_days=True))
    assert r.period.days == 60 and any("日历天数" in w for w in r.warnings)  # Jan 31 + Feb 29


def test_closing_balances_only_when_no_opening(tmp_path):
    head = [h for h in HEAD if "年初" not in h]
    rows = [[c for h, c in zip(HEAD, e) if "年初" not in h] for e in (E1, E2, E3, E4)]
    path = write_csv(tmp_path / "eop.csv", [head, *rows])
    r = xltools.compute(xltools.load(path, period="2022"))
    assert v(r, "all", "inventory_turnover_days") == pytest.approx(360 * 401 / 5800)
    assert any("按期末数计算" in w for w in r.warnings)
    # --opening: last December's closing balances become 年初.
    last = write_csv(tmp_path / "dec.csv", [["统一社会信用代码", "单位名称", "营业收入", "营业成本", "利润总额",
                                              "产成品存货", "应收账款", "资产总计"],
                                             ["A1", "甲厂", 1, 1, 0, 80, 150, 1900], ["A3", "丙厂", 1, 1, 0, 320, 480, 7900],
                                             ["A4", "丁厂", 1, 1, 0, 0, 0, 45]])
    r = xltools.compute(xltools.load(path, period="2022"), opening=xltools.load(last, period="2021"))
    # E2 (new) has no opening balance: its closing one stands in.
    assert v(r, "all", "inventory_turnover_days") == pytest.approx(360 * (401 + 401) / 2 / 5800)
    assert any("年初余额取自 dec.csv" in w for w in r.warnings)


def test_opening_keeps_the_files_own_year_start_for_an_enterprise_it_lacks(tmp_path):
    """The export has its own 年初 columns and --opening is given: an enterprise missing from last December's
    export keeps the 年初 this file gives it, not its 期末 (a new-user test: its 期末 stood in, with no word)."""
    path = write_csv(tmp_path / "full.csv", [HEAD, E1, E2, E3, E4])
    last = write_csv(tmp_path / "dec.csv", [["统一社会信用代码", "单位名称", "营业收入", "营业成本", "利润总额",
                                              "产成品存货", "应收账款", "资产总计"],
                                             ["A1", "甲厂", 1, 1, 0, 80, 150, 1900], ["A3", "丙厂", 1, 1, 0, 320, 480, 7900],
                                             ["A4", "丁厂", 1, 1, 0, 0, 0, 45]])
    data = xltools.load(path, period="2022")
    own = {b: data.table.numbers(f"{b}_boy").copy() for b in ("finished_goods", "receivables", "total_assets")}
    r = xltools.compute(data, opening=xltools.load(last, period="2021"))
    boy = data.table.numbers("total_assets_boy")
    assert boy.tolist() == [1900, own["total_assets"][1], 7900, 45]  # A2 is not in dec.csv: its own 年初
    assert any("未匹配的 1 家企业用本文件自己的年初数" in w for w in r.warnings)


def test_missing_optional_columns_make_indicators_absent_with_one_warning(tmp_path):
    keep = [i for i, h in enumerate(HEAD) if "增加值" not in h and "用工" not in h]
    rows = [[e[i] for i in keep] for e in (E1, E2, E3, E4)]
    path = write_csv(tmp_path / "opt.csv", [[HEAD[i] for i in keep], *rows])
    r = xltools.compute(xltools.load(path, period="2022"))
    ids = {i.id for i in r.computed}
    assert not ids & {"value_added", "value_added_growth", "value_added_share", "revenue_per_employee"}
    assert "profit_margin" in ids and "output_value_share" in ids
    va = [w for w in r.warnings if "工业增加值" in w]
    assert len(va) == 1 and "工业增加值增速(现价)" in va[0]
    assert len([w for w in r.warnings if "平均用工人数" in w]) == 1
    assert not any(x.indicator == "value_added" for x in r.results)


def test_shares_and_differences(tmp_path):
    r = results(tmp_path)
    assert v(r, "sei", "value_added_share") == pytest.approx(324 / 1324 * 100)
    assert r.share("value_added", "sector:新材料产业", "sei").value == pytest.approx(304 / 324 * 100)
    d = r.diff("profit_margin", "sei", "all")
    assert d.unit == "百分点" and d.value == pytest.approx(97 / 1100 * 100 - (-3 / 6100 * 100))
    assert r.diff("cost_per_100_revenue", "sei", "all").unit == "元"
    assert r.diff("inventory_turnover_days", "sector:新材料产业", "sei").unit == "天"


def test_by_county(tmp_path):
    r = results(tmp_path, by_county=True)
    assert v(r, "county:A区", "enterprises") == 2 and v(r, "county:A区/sei", "enterprises") == 1
    assert v(r, "county:B县/sei", "revenue") == pytest.approx(100 / 100000)
    assert r.get("county:B县/sei", "revenue").scope_label == "B县战略性新兴产业"


@pytest.mark.parametrize("value,decimals,shown", [
    (6.085, 2, "6.09"), (-4.05, 1, "-4.1"), (2.675, 2, "2.68"), (0.125, 2, "0.13"), (1.005, 2, "1.01"),
    (-0.04, 1, "0.0"), (84.999999999999, 1, "85.0"), (6.084999999999999, 2, "6.09"), (None, 2, "—"),
    (312, 0, "312"), (2.5, 0, "3"), (-2.5, 0, "-3")])
def test_display_rounding_half_away_from_zero_on_the_decimal_value(value, decimals, shown):
    assert display(value, decimals) == shown


def test_nbs_published_national_totals(tmp_path):
    """NBS 2022年1-2月 and 2024年1-10月, one-row workbooks in 亿元: the published ratios to the digit."""
    path = write_xlsx(tmp_path / "nbs_2022.xlsx", [
        ["2022年1-2月全国规模以上工业企业主要财务指标"], ["单位：亿元"],
        ["单位名称", "营业收入", "利润总额", "资产总计", "负债合计", "营业成本"],
        ["全国", 194000, 11575.6, 1422400, 800300, 164000]])
    r = xltools.compute(xltools.load(path))
    assert r.get("all", "profit_margin").display == "5.97"
    assert r.get("all", "debt_ratio").display == "56.3"
    assert r.get("all", "total_profit").display == "11575.60"
    path = write_xlsx(tmp_path / "nbs_2024.xlsx", [
        ["2024年1-10月全国规模以上工业企业主要财务指标"], ["单位：亿元"],
        ["单位名称", "营业收入", "营业成本", "利润总额"], ["全国", 1109600, 947500, 59590.8]])
    r = xltools.compute(xltools.load(path))
    assert r.get("all", "cost_per_100_revenue").display == "85.39"


def test_classification_by_industry_code_says_it_is_an_estimate(tmp_path):
    rows = [[c for h, c in zip(HEAD, e) if h != "战新产业类别"] for e in (E1, E2, E3, E4)]
    path = write_csv(tmp_path / "codes.csv", [[h for h in HEAD if h != "战新产业类别"], *rows])
    r = xltools.compute(xltools.load(path, period="2022"))
    assert r.classification == "industry-code"
    assert v(r, "sector:新材料产业", "enterprises") == 2  # 3213 镍钴冶炼 (partly SEI)
    assert v(r, "sector:新能源产业", "enterprises") == 1  # 3825 光伏设备及元器件制造
    assert any("估算" in w and "2 家所属行业只有部分属于战新产业" in w for w in r.warnings)
    own = tmp_path / "map.csv"
    own.write_text("industry_code,sei_category\n3110,节能环保\n", encoding="utf-8")
    r = xltools.compute(xltools.load(path, period="2022"), sei_map=str(own))
    assert v(r, "sei", "enterprises") == 1 and v(r, "sector:节能环保产业", "enterprises") == 1


def test_an_own_industry_map_as_excel_saves_it(tmp_path):
    """A map written by Chinese Excel: GBK, codes with their section letter (C3110) — both failed (exit 1, and
    0 enterprises classified with exit 0: found by a new-user test). A code twice with two categories, or not a
    class code, is a located error."""
    from xltools.errors import InputError

    rows = [[c for h, c in zip(HEAD, e) if h != "战新产业类别"] for e in (E1, E2, E3, E4)]
    path = write_csv(tmp_path / "codes.csv", [[h for h in HEAD if h != "战新产业类别"], *rows])
    own = tmp_path / "map.csv"
    own.write_bytes("industry_code,sei_category\nC3110,节能环保\n".encode("gb18030"))
    r = xltools.compute(xltools.load(path, period="2022"), sei_map=str(own))
    assert v(r, "sei", "enterprises") == 1 and v(r, "sector:节能环保产业", "enterprises") == 1
    for body, words in (("3110,节能环保\n3110,生物\n", "已对应节能环保产业"), ("31,节能环保\n", "不是国民经济行业小类代码")):
        own.write_text("industry_code,sei_category\n" + body, encoding="utf-8")
        with pytest.raises(InputError) as exc:
            xltools.compute(xltools.load(path, period="2022"), sei_map=str(own))
        assert words in str(exc.value) and "map.csv" in str(exc.value)


def test_cli_json_is_strict_and_complete(tmp_path):
    path = write_csv(tmp_path / "j.csv", [HEAD, E1, E2, E3, E4])
    res = run_cli("indicators", path, "--period", "2022年1-12月", "--format", "json", "--by", "county", "--no-suppress")
    assert res.returncode == 0, res.stderr

    def no_constants(name):
        raise AssertionError(f"non-strict JSON constant {name}")

    doc = json.loads(res.stdout, parse_constant=no_constants)
    assert doc["source"] == "j.csv" and doc["classification"] == "column"
    assert doc["period"] == {"label": "2022年1-12月", "year": 2022, "start_month": 1, "end_month": 12,
                             "months": 12, "days": 360}
    scopes = {x["scope"] for x in doc["results"]}
    assert {"all", "sei", "sector:数字创意产业", "county:A区", "county:B县/sei"} <= scopes
    pm = next(x for x in doc["results"] if x["scope"] == "sei" and x["indicator"] == "profit_margin")
    assert pm["name"] == "营业收入利润率" and pm["unit"] == "%" and pm["display"] == "8.82"
    assert pm["value"] == pytest.approx(97 / 1100 * 100)
    nulls = [x for x in doc["results"] if x["value"] is None]
    assert nulls and all(x["display"] == "—" for x in nulls)
    # Four enterprises: the summary withholds the scopes of one or two; marked, values kept (--no-suppress).
    assert {x["scope"] for x in doc["results"] if x["withheld"]} >= {"sector:新能源产业", "county:B县"}
    assert pm["withheld"] is True
    n_ind = len({x["indicator"] for x in doc["results"]})
    assert len(doc["results"]) == len(scopes) * n_ind  # one result per scope and indicator


def test_cli_csv_and_table(tmp_path):
    path = write_csv(tmp_path / "c.csv", [HEAD, E1, E2, E3, E4])
    res = run_cli("indicators", path, "--period", "2022", "--format", "csv")
    assert res.returncode == 0 and res.stdout.splitlines()[0] == "范围代码,范围,指标代码,指标,计量单位,数值,显示值,不公布"
    res = run_cli("indicators", path, "--period", "2022")
    # The SEI (3 enterprises) is 全市 (4) minus one: withheld, shown as … with a note.
    assert res.returncode == 0 and "营业收入利润率" in res.stdout and "8.82" not in res.stdout and "分领域" in res.stdout
    assert "…" in res.stdout and "本期不公布" in res.stdout
    res = run_cli("indicators", path, "--period", "2022", "--no-suppress")
    assert "8.82*" in res.stdout


def test_cli_bad_input_exit_2(tmp_path):
    path = write_csv(tmp_path / "bad.csv", [HEAD, E1[:5] + ["12,3a"] + E1[6:]])
    res = run_cli("indicators", path, "--period", "2022", "--format", "json")
    assert res.returncode == 2 and res.stdout == "" and "'12,3a' 不是数字" in res.stderr
    assert "Traceback" not in res.stderr


def test_no_negative_zero_anywhere(tmp_path):
    """A scope without loss-makers has a loss amount of 0, not −0 (it showed as -0.00 in Excel)."""
    from xltools.rounding import rounded

    r = results(tmp_path)
    assert str(v(r, "sector:新材料产业", "loss_amount")) == "0.0"
    import math

    values = [x["value"] for x in r.to_json()["results"] if isinstance(x["value"], float)]
    assert not any(x == 0 and math.copysign(1, x) < 0 for x in values)
    assert not any(x["display"].startswith("-") and float(x["display"]) == 0 for x in r.to_json()["results"])
    assert str(rounded(-0.001, 2)) == "0.0"


def test_scope_sums_are_exact_on_both_paths(tmp_path):
    """Whole 元 (≤ 3 decimals in 千元) are summed as integers; finer figures with math.fsum. Either
    way a sum does not depend on the order of the rows and has no binary drift (0.1 × 10 = 1.0)."""
    import math

    from xltools.indicators import scope_sums

    head = ["统一社会信用代码", "单位名称", "营业收入本期", "营业成本本期", "利润总额本期"]
    rows = [[f"A{i}", f"甲{i}", 0.1, 0.1234567, 1e-7 * (i + 1)] for i in range(10)]
    data = xltools.load(write_csv(tmp_path / "a.csv", [head, *rows]), period="2022")
    xltools.compute(data)
    s = scope_sums(data)[0]
    assert s.sums["revenue_cur"] == 1.0
    assert s.sums["operating_cost_cur"] == float(f"{math.fsum([0.1234567] * 10):.16g}")
    reversed_rows = list(reversed(rows))
    again = xltools.load(write_csv(tmp_path / "b.csv", [head, *reversed_rows]), period="2022")
    xltools.compute(again)
    assert scope_sums(again)[0].sums == s.sums


def test_display_of_the_largest_doubles():
    """1e308 千元 → 1e303 亿元 once crashed the display rounding (decimal precision)."""
    assert display(1e303, 2) == "1" + "0" * 303 + ".00"
    assert display(-1e303, 1).startswith("-1") and display(1.7976931348623157e308, 0)[-1].isdigit()


def _classes():
    import csv
    import os

    path = os.path.join(os.path.dirname(__file__), "data", "gbt4754_2017_classes.csv")
    with open(path, encoding="utf-8") as fh:
        return {r["code"]: r["name"] for r in csv.DictReader(line for line in fh if not line.startswith("#"))}


def test_the_industry_map_names_real_gbt4754_2017_classes_and_says_where_each_row_comes_from():
    import csv
    from importlib import resources

    from xltools.sei import category_names

    structure = {}
    with resources.files("xltools.data").joinpath("sei2018_structure.csv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh):
            structure[r["sei_code"]] = r["sei_name"]
    with resources.files("xltools.data").joinpath("sei_industry_map.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    classes = _classes()
    for r in rows:
        assert classes.get(r["industry_code"]) == r["name"], r
        assert r["sei_category"] in category_names()
        kind, *rest = r["source"].split(" ")
        assert kind in ("sei2018", "correspondence", "judgement"), r
        if kind == "sei2018":  # a level-2 domain of the classification, under the row's own category
            code, name = rest
            assert structure[code] == name and structure[code.split(".")[0]] == r["sei_category"], r
    assert len({r["industry_code"] for r in rows}) == len(rows)
    by_code = {r["industry_code"]: r for r in rows}
    # The three rows of issue 16.
    assert by_code["3734"]["name"] == "船用配套设备制造" and by_code["3734"]["partial"] == "*"
    assert by_code["3737"]["name"] == "海洋工程装备制造" and by_code["3737"]["sei_category"] == "高端装备制造产业"
    assert "4413" not in by_code  # 水力发电 is not a strategic emerging industry
    assert by_code["4414"]["name"] == "核力发电" and by_code["4414"]["sei_category"] == "新能源产业"
    assert by_code["1495"]["name"] == "食品及饲料添加剂制造" and by_code["1495"]["partial"] == "*"


@pytest.mark.parametrize("big", [123_456.789, 4_000_000_000_000.123, 9e16])
def test_group_sums_exact_in_every_magnitude(tmp_path, big):
    """Sums of whole 元 below 2**52 go through np.bincount, up to 2**62 through int64, beyond through math.fsum:
    each a scope's exact sum (to the double nearest it), whatever the magnitude."""
    import math
    from fractions import Fraction

    from xltools.indicators import scope_sums

    head = ["统一社会信用代码", "单位名称", "战新产业类别", "营业收入本期", "利润总额本期"]
    cats = ["新材料", "新能源", ""]
    values = [big * (i + 1) * (-1 if i % 4 == 3 else 1) for i in range(12)]
    rows = [[f"A{i:02d}", f"甲{i}", cats[i % 3], repr(v), 1] for i, v in enumerate(values)]
    data = xltools.load(write_csv(tmp_path / "a.csv", [head, *rows]), period="2022")
    xltools.compute(data)
    sums = {s.scope: s.sums["revenue_cur"] for s in scope_sums(data)}
    whole = all(abs(v * 1000 - round(v * 1000)) <= 1e-6 * max(1.0, abs(v * 1000)) for v in values)

    def exact(vs):
        if whole and sum(abs(round(v * 1000)) for v in values) < 2 ** 62:
            return float(f"{sum(round(v * 1000) for v in vs) / 1000:.16g}")
        return float(f"{math.fsum(vs):.16g}")
    assert sums["all"] == exact(values)
    assert sums["sector:新材料产业"] == exact(values[0::3])
    assert sums["sei"] == exact(values[0::3] + values[1::3])
    assert Fraction(sums["sector:新能源产业"]) == Fraction(exact(values[1::3]))


def test_blank_counties_come_after_every_county(tmp_path):
    """未分县区 is a remainder, not a county: after the counties in every output (it sorted by code point, between
    景泰县 and 白银区 — new-user test)."""
    head = ["统一社会信用代码", "单位名称", "县区", "营业收入本期", "利润总额本期"]
    rows = [["A1", "甲", "白银区", 10, 1], ["A2", "乙", "", 20, 7], ["A3", "丙", "会宁县", 33, 3], ["A4", "丁", "景泰县", 5, 1]]
    r = xltools.compute(xltools.load(write_csv(tmp_path / "c.csv", [head, *rows]), period="2022"), by_county=True)
    counties = [s.scope for s in r.scopes if s.scope.startswith("county:") and "/" not in s.scope]
    assert counties[-1] == "county:未分县区" and counties[:-1] == sorted(counties[:-1])
