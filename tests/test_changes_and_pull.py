"""The year-on-year changes NBS publishes, 拉动 and 贡献率, and the new-enterprise note, by hand on a small table."""
from __future__ import annotations

import pytest

import xltools
from helpers import write_csv

HEAD = ["统一社会信用代码", "单位名称", "战新产业类别", "营业收入本期", "营业收入上年同期", "营业成本本期", "营业成本上年同期",
        "利润总额本期", "利润总额上年同期", "工业总产值本期", "工业总产值上年同期",
        "资产总计本期", "资产总计上年同期", "资产总计年初", "资产总计上年年初",
        "产成品存货期末", "产成品存货年初", "产成品存货上年同期", "产成品存货上年年初", "应收账款期末", "应收账款上年同期"]
#                     rev  ly    cost ly   profit ly  out   ly    assets ly  boy  lyboy  fg boy ly  lyboy rec ly
P1 = ["P1", "甲", "新材料", 1000, 800, 900, 700, 100, 50, 1100, 900, 2000, 1800, 1900, 1700, 100, 80, 90, 70, 200, 160]
# P2: 上年年初 balances left blank — its 上年同期 stands in.
P2 = ["P2", "乙", "新材料", 500, 600, 450, 500, 20, 30, 520, 600, 1000, 900, 950, None, 50, 40, 45, None, 100, 120]
P3 = ["P3", "丙", "", 3000, 3200, 2900, 3000, 10, 150, 3100, 3300, 5000, 5000, 5000, 4900, 300, 300, 310, 290, 600, 640]
# P4: new this year, no 上年同期 at all.
P4 = ["P4", "丁", "新能源", 200, None, 150, None, 5, None, 210, None, 300, None, 300, None, 10, 10, None, None, 20, None]


@pytest.fixture
def r(tmp_path):
    path = write_csv(tmp_path / "t.csv", [HEAD, P1, P2, P3, P4])
    return xltools.compute(xltools.load(path, period="2022"))


def v(r, scope, iid):
    return r.value(scope, iid)


def test_changes_of_ratios(r):
    # SEI: revenue 1700 / 1400, cost 1500 / 1200, profit 125 / 80.
    assert v(r, "sei", "profit_margin_change") == pytest.approx(125 / 1700 * 100 - 80 / 1400 * 100)
    assert r.get("sei", "profit_margin_change").unit == "百分点"
    assert v(r, "sei", "cost_per_100_revenue_change") == pytest.approx(1500 / 1700 * 100 - 1200 / 1400 * 100)
    assert r.get("sei", "cost_per_100_revenue_change").unit == "元"
    # A scope whose only enterprise is new has no last year: null, not a figure.
    assert v(r, "sector:新能源产业", "profit_margin_change") is None
    assert r.get("sector:新能源产业", "inventory_turnover_days_change").display == "—"


def test_days_and_assets_changes_with_a_missing_last_year_opening(r):
    # 新材料: this year (年初 + 期末) / 2 = ((80 + 40) + (100 + 50)) / 2 over cost 1350; last year
    # (上年年初 + 上年同期) / 2 with P2's blank 上年年初 taken as its 上年同期 45: ((70 + 45) + (90 + 45)) / 2 over 1200.
    cur = 360 * ((80 + 40) + (100 + 50)) / 2 / 1350
    ly = 360 * ((70 + 45) + (90 + 45)) / 2 / 1200
    assert v(r, "sector:新材料产业", "inventory_turnover_days_change") == pytest.approx(cur - ly)
    # Receivables have no 上年年初 column: last year's average is 上年同期 only, and the output says so.
    cur = 360 * 300 / 1500  # no 年初 either: closing balances
    ly = 360 * 280 / 1400
    assert v(r, "sector:新材料产业", "receivable_days_change") == pytest.approx(cur - ly)
    assert any("上年的平均余额按上年同期数计算" in w and "应收账款" in w for w in r.warnings)
    assert any("上年的平均余额按（上年年初数 + 上年同期数）÷ 2" in w and "产成品存货" in w for w in r.warnings)
    assert any("1 家企业没有产成品存货上年年初数，以其上年同期数代替" in w for w in r.warnings)
    cur = 1500 / ((1900 + 950) + (2000 + 1000)) * 2 * 100
    ly = 1400 / ((1700 + 900) + (1800 + 900)) * 2 * 100
    assert v(r, "sector:新材料产业", "revenue_per_100_assets_change") == pytest.approx(cur - ly)


def test_pull_and_contribution_when_all_industry_rose_and_when_it_fell(r):
    # Output: 全市 4930 against 4800 (rose by 130); SEI 1830 against 1500.
    assert v(r, "sei", "output_value_pull") == pytest.approx((1830 - 1500) / 4800 * 100)
    assert v(r, "sei", "output_value_contribution") == pytest.approx(330 / 130 * 100)
    assert v(r, "sector:新材料产业", "output_value_pull") == pytest.approx((1620 - 1500) / 4800 * 100)
    assert v(r, "all", "output_value_pull") == pytest.approx(v(r, "all", "output_value_growth"))
    assert v(r, "all", "output_value_contribution") == 100.0
    # Profit: 全市 135 against 230 — it fell: the pull is still defined, a contribution is not.
    assert v(r, "sei", "total_profit_pull") == pytest.approx((125 - 80) / 230 * 100)
    assert v(r, "sei", "total_profit_contribution") is None
    assert v(r, "all", "total_profit_contribution") is None
    # Revenue: 4700 against 4600.
    assert v(r, "sector:新能源产业", "revenue_pull") == pytest.approx(200 / 4600 * 100)
    assert v(r, "sector:新能源产业", "revenue_contribution") == pytest.approx(200 / 100 * 100)


def test_pull_and_contribution_of_categories_to_the_sei(r):
    pull = r.pull("output_value", "sector:新材料产业", "sei")
    assert pull.value == pytest.approx((1620 - 1500) / 1500 * 100) and pull.unit == "百分点"
    contribution = r.contribution("output_value", "sector:新材料产业", "sei")
    assert contribution.value == pytest.approx(120 / 330 * 100)
    # Against 全市 they are the registry's indicators.
    assert r.pull("output_value", "sei", "all").value == v(r, "sei", "output_value_pull")


def test_new_enterprises_and_what_they_do_to_growth(r):
    new = r.new["sei"]
    assert new.count == 1 and new.revenue_share == pytest.approx(200 / 1700 * 100)
    with_, without = new.growth["revenue_growth"]
    assert with_ == pytest.approx((1700 / 1400 - 1) * 100) and without == pytest.approx((1500 / 1400 - 1) * 100)
    assert "sector:新材料产业" not in r.new


def test_an_enterprise_with_last_years_balance_sheet_but_no_last_year_flow_is_new(tmp_path):
    """Its flows of last year all blank, its assets of last year filled: it still enters every growth rate
    with a base of 0, so it is counted and noted as new (it was not: only an all-blank row was)."""
    p4 = list(P4)
    p4[HEAD.index("资产总计上年同期")] = 280
    p4[HEAD.index("产成品存货上年同期")] = 8
    r = xltools.compute(xltools.load(write_csv(tmp_path / "t.csv", [HEAD, P1, P2, P3, p4]), period="2022"))
    assert r.new["sei"].count == 1 and r.new["all"].count == 1
    from xltools.notes import new_enterprise_notes
    assert any("1家企业没有上年同期数" in n for n in new_enterprise_notes(r, threshold=1))


# ---------------------------------------------------------------- the outputs (the sample export)

def test_value_added_growth_says_current_prices_everywhere(tmp_path):
    from helpers import run_cli
    from workbook_reading import values
    from xltools.indicators import indicator

    assert "现价" in indicator("value_added_growth").name and "现价" in indicator("value_added_growth").definition
    assert "现价" in indicator("value_added_pull").name
    out = tmp_path / "s.xlsx"
    assert run_cli("summary", "-o", out).returncode == 0
    grids = values(out)
    assert any(r[0] == "工业增加值(增速为现价)" for r in grids["表1"])
    assert "工业增加值(增速为现价)" in grids["表2"][2]
    report = run_cli("report").stdout
    assert "实现工业增加值200.29亿元，按现价计算同比增长11.6%" in report
    assert "可比价增速" in report  # the note says what it is not


def test_official_comparable_price_growth_replaces_it_naming_its_source(tmp_path):
    from helpers import run_cli
    from workbook_reading import values

    va = tmp_path / "va.csv"
    va.write_text("范围,增速,来源\n全市,6.5,市统计局2022年统计公报\n战新,9.8,市统计局2022年统计公报\n新材料,10.2,\n",
                  encoding="utf-8")
    out = tmp_path / "v.xlsx"
    assert run_cli("summary", "-o", out, "--va-growth", va).returncode == 0
    grids = values(out)
    row = next(r for r in grids["表1"] if r[0] == "工业增加值(增速为可比价)")
    assert row[3] == 6.5 and row[5] == 9.8 and row[7] == 3.3
    t2 = grids["表2"]
    material = next(r for r in t2 if r[0] == "新材料产业")
    # Only one category is listed: 表2 says 增速口径见注, and the note names each basis and source.
    col = t2[3].index("同比增长\n(%)", t2[2].index("工业增加值(增速口径见注)"))
    assert material[col] == 10.2
    notes = " ".join(str(r[0]) for r in grids["说明"])
    assert "全市规模以上工业、战略性新兴产业为可比价增速（来源：市统计局2022年统计公报）" in notes
    assert "新材料产业为可比价增速（来源：va.csv（未注明来源））" in notes
    report = run_cli("report", "--va-growth", va).stdout
    assert "按可比价计算同比增长9.8%（市统计局2022年统计公报）" in report


def test_new_enterprise_note_with_its_figure():
    from helpers import run_cli

    # The sample: five SEI enterprises without 上年同期 move SEI revenue growth from 12.2% to 14.0%.
    expected = ("战略性新兴产业有5家企业没有上年同期数（新投产或新纳入统计），占本期营业收入的1.6%")
    table = run_cli("indicators").stdout
    assert expected in table and "营业收入增速14.0%（不计入时12.2%）" in table
    assert expected in run_cli("report").stdout
    assert expected in run_cli("validate").stdout
    # A category with one new enterprise is named, without figures (they would be that enterprise's).
    assert "新能源汽车产业有1家企业没有上年同期数" in table and "不列其数字" in table


def test_new_indicators_in_the_report_and_table1(tmp_path):
    from helpers import run_cli
    from workbook_reading import values

    report = run_cli("report").stdout
    assert "营业收入利润率为7.45%，同比下降0.37个百分点" in report
    assert "每百元营业收入中的成本为83.57元，同比减少0.81元" in report
    assert "战新产业拉动全市规模以上工业总产值增长3.0个百分点，贡献率为30.7%" in report
    out = tmp_path / "s.xlsx"
    assert run_cli("summary", "-o", out).returncode == 0
    names = [r[0] for r in values(out)["表1"]]
    assert names.index("营业收入利润率同比变化") == names.index("上年同期营业收入利润率") + 1
    assert names.index("每百元营业收入中的成本同比变化") == names.index("每百元营业收入中的成本") + 1
    assert "拉动全市规上工业总产值增长" in names and "对全市规上工业利润总额增长的贡献率" in names
