"""`xltools trend`: 当月 figures by hand, series checks, disclosure over months, the workbook recalculated."""
from __future__ import annotations

import json
import os
import sys

import pytest
from helpers import run_cli, write_xlsx
from workbook_reading import formula_cells, same, values

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "workbooks", "samples"))

HEADER = ["统一社会信用代码", "单位详细名称", "战略性新兴产业类别", "营业收入本期", "营业收入上年同期",
          "利润总额本期", "利润总额上年同期"]
# Cumulative 1-2月, 1-3月, 1-4月 (千元): A and B 新材料, C and D other industry, D leaves after 1-3月,
# E (新能源, new: no last-year figures) enters in 1-3月.
HAND = {
    2: {"A": ("新材料", 1_000_000, 800_000, 100_000, 80_000), "B": ("新材料", 2_000_000, 1_500_000, 150_000, 160_000),
        "C": ("", 500_000, 400_000, 20_000, 30_000), "D": ("", 300_000, 200_000, -10_000, 5_000)},
    3: {"A": ("新材料", 1_600_000, 1_300_000, 170_000, 120_000), "B": ("新材料", 2_900_000, 2_400_000, 240_000, 230_000),
        "C": ("", 750_000, 600_000, 30_000, 45_000), "D": ("", 450_000, 350_000, -12_000, 9_000),
        "E": ("新能源", 200_000, None, 10_000, None)},
    4: {"A": ("新材料", 2_300_000, 1_850_000, 230_000, 170_000), "B": ("新材料", 4_000_000, 3_300_000, 330_000, 300_000),
        "C": ("", 1_000_000, 850_000, 40_000, 60_000), "E": ("新能源", 500_000, None, 25_000, None)},
}


def code(name: str) -> str:
    """A credit code (18 characters) of its own for each enterprise name."""
    digits = "".join(f"{ord(ch):03d}" for ch in name)
    return f"9162{digits:0>13}X"


def export(folder, month: int, firms: dict, *, year: int = 2022, name: str | None = None) -> str:
    title = f"{year}年1-{month}月规模以上工业企业主要经济指标"
    rows = [[title], ["单位：千元"], HEADER]
    for firm, (cat, *figures) in firms.items():
        rows.append([code(firm), f"{firm}公司", cat, *figures])
    return write_xlsx(os.path.join(folder, name or f"{year}年1-{month}月.xlsx"), rows)


def trend_json(*args):
    proc = run_cli("trend", *args, "--format", "json")  # printed: nothing written
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def record(records, scope, indicator):
    return next(r for r in records if r["scope"] == scope and r["indicator"] == indicator)


def test_month_figures_and_their_growth_by_hand(tmp_path):
    # Given in any order; --no-suppress so that the handful of enterprises shows its figures.
    paths = [export(tmp_path, m, HAND[m]) for m in (4, 2, 3)]
    series = trend_json(*paths, "--no-suppress")
    assert [p["period"]["label"] for p in series] == ["2022年1-2月", "2022年1-3月", "2022年1-4月"]
    assert "month_results" not in series[0]
    march, april = series[1], series[2]
    # March: A, B, C, D are in both exports; E entered and is left out of the month.
    assert march["month_changes"] == {"matched": 4, "entered": 1, "left": 0, "moved": 0, "matched_on": "统一社会信用代码"}
    m = march["month_results"]
    revenue = (600_000 + 900_000 + 250_000 + 150_000)           # 1 900 000 千元
    revenue_ly = (500_000 + 900_000 + 200_000 + 150_000)        # 1 750 000
    assert record(m, "all", "revenue")["value"] == pytest.approx(revenue / 100_000)
    assert record(m, "all", "revenue_growth")["value"] == pytest.approx((revenue - revenue_ly) / revenue_ly * 100)
    assert record(m, "all", "revenue_growth")["display"] == "8.6"
    assert record(m, "all", "enterprises")["value"] == 4
    assert record(m, "sector:新材料产业", "revenue_growth")["value"] == pytest.approx((1_500_000 - 1_400_000) / 1_400_000 * 100)
    profit, profit_ly = 70_000 + 90_000 + 10_000 - 2_000, 40_000 + 70_000 + 15_000 + 4_000
    assert record(m, "all", "total_profit")["value"] == pytest.approx(profit / 100_000)
    assert record(m, "all", "total_profit_growth")["value"] == pytest.approx((profit - profit_ly) / profit_ly * 100)
    # April: D left; E is in both 1-3月 and 1-4月 now, its last year's month 0 − 0.
    assert april["month_changes"] == {"matched": 4, "entered": 0, "left": 1, "moved": 0, "matched_on": "统一社会信用代码"}
    a = april["month_results"]
    revenue, revenue_ly = 700_000 + 1_100_000 + 250_000 + 300_000, 550_000 + 900_000 + 250_000 + 0
    assert record(a, "all", "revenue")["value"] == pytest.approx(revenue / 100_000)
    assert record(a, "all", "revenue_growth")["value"] == pytest.approx((revenue - revenue_ly) / revenue_ly * 100)
    assert record(a, "sector:新能源产业", "revenue")["value"] == pytest.approx(3.0)
    assert record(a, "sector:新能源产业", "revenue_growth")["value"] is None  # no last year: no growth
    # The cumulative objects are the indicators JSON of each period (what is withheld: the series').
    one = json.loads(run_cli("indicators", paths[2], "--format", "json", "--no-suppress").stdout)
    assert [(r["scope"], r["indicator"], r["value"], r["display"]) for r in one["results"]] == \
        [(r["scope"], r["indicator"], r["value"], r["display"]) for r in march["results"]]
    assert one["period"] == march["period"] and one["warnings"] == march["warnings"]


def test_json_shape(tmp_path):
    paths = [export(tmp_path, m, HAND[m]) for m in (2, 3, 4)]
    series = trend_json(*paths)
    indicators_keys = set(json.loads(run_cli("indicators", paths[0], "--format", "json").stdout))
    assert isinstance(series, list) and len(series) == 3
    assert set(series[0]) == indicators_keys
    for p in series[1:]:
        assert set(p) == indicators_keys | {"month_results", "month_changes"}
        assert p["month_results"] and set(p["month_results"][0]) == set(p["results"][0])
        assert {r["indicator"] for r in p["month_results"]} == {
            "enterprises", "output_value", "value_added", "revenue", "operating_cost", "total_profit",
            "output_value_growth", "value_added_growth", "revenue_growth", "operating_cost_growth",
            "total_profit_growth"} & {r["indicator"] for r in p["results"]}
    # Few enterprises: everything is withheld (…, null), as `indicators` withholds it.
    assert record(series[1]["month_results"], "sector:新材料产业", "revenue")["display"] == "…"


@pytest.mark.parametrize("months, names, says", [
    ((2, 4), None, ["2022年1-2月.xlsx", "2022年1-4月.xlsx", "缺少 1-3月"]),
    ((2, 3, 3), ["a.xlsx", "2022年1-3月.xlsx", "2022年1-3月(修订).xlsx"], ["2022年1-3月.xlsx", "2022年1-3月(修订).xlsx",
                                                                           "都是 2022年1-3月"]),
])
def test_a_gap_or_an_overlap_is_an_input_error_naming_the_files(tmp_path, months, names, says):
    paths = [export(tmp_path, m, HAND[min(m, 4)] if m in HAND else HAND[2], name=(names or [None] * 3)[i])
             for i, m in enumerate(months)]
    out = tmp_path / "趋势.xlsx"
    proc = run_cli("trend", *paths, "-o", out)
    assert proc.returncode == 2, proc.stderr
    for text in says:
        assert text in proc.stderr
    assert "Traceback" not in proc.stderr and not out.exists()


def test_years_mixed_and_a_period_not_from_january_are_input_errors(tmp_path):
    a = export(tmp_path, 2, HAND[2])
    b = export(tmp_path, 3, HAND[3], year=2023)
    proc = run_cli("trend", a, b, "-o", tmp_path / "t.xlsx")
    assert proc.returncode == 2 and "不同年份" in proc.stderr and "2023年1-3月.xlsx" in proc.stderr
    # (A title of one month, 2022年3月, is read as the cumulative 1-3月, as the bureau's exports name it.)
    months = write_xlsx(tmp_path / "三四月.xlsx", [["2022年3-4月规模以上工业企业主要经济指标"], ["单位：千元"], HEADER,
                                                 [code("A"), "A公司", "新材料", 1, 1, 1, 1]])
    proc = run_cli("trend", a, months, "-o", tmp_path / "t.xlsx")
    assert proc.returncode == 2 and "三四月.xlsx" in proc.stderr and "不是从1月起的累计数据" in proc.stderr
    assert not (tmp_path / "t.xlsx").exists()


def test_a_single_january_or_first_period_has_no_month(tmp_path):
    jan = export(tmp_path, 1, HAND[2])
    feb = export(tmp_path, 2, HAND[3])
    series = trend_json(jan, feb, "--no-suppress")
    assert series[0]["period"]["label"] == "2022年1月" and "month_results" not in series[0]
    assert series[1]["month_changes"]["entered"] == 1


def _firms(n: int, cat: str, prefix: str, scale: float) -> dict:
    return {f"{prefix}{i}": (cat, 100_000 * (i + 1) * scale, 90_000 * (i + 1) * scale, 5_000 * scale, 4_000 * scale)
            for i in range(n)}


def test_an_enterprise_entering_withholds_the_month_not_the_cumulative(tmp_path):
    """One enterprise entering 新材料: its month figure beside the two cumulative ones would give that
    enterprise's 1-3月 figures by subtraction; the month figures of 新材料 (and of 战新 and 全市, which it
    enters too) are withheld that month, the cumulative ones are published."""
    feb = {**_firms(5, "新材料", "M", 1), **_firms(6, "", "O", 1), **_firms(4, "新能源", "N", 1)}
    mar = {**_firms(5, "新材料", "M", 2), **_firms(6, "", "O", 2), **_firms(4, "新能源", "N", 2),
           "X": ("新材料", 400_000, 300_000, 9_000, 8_000)}
    paths = [export(tmp_path, 2, feb), export(tmp_path, 3, mar)]
    series = trend_json(*paths)
    march = series[1]
    for scope in ("sector:新材料产业", "sei", "all"):
        assert record(march["results"], scope, "revenue")["withheld"] is False
        assert record(march["month_results"], scope, "revenue")["withheld"] is True
    # In the workbook, the withheld month's sums are nowhere: the sums sheet has no row for them.
    out = tmp_path / "趋势.xlsx"
    assert run_cli("trend", *paths, "-o", out).returncode == 0
    sums = values(out)["合计数据"]
    month_rows = {r[2] for r in sums if r[0] == "3月当月"}
    cumulative_rows = {r[2] for r in sums if r[0] == "1-3月累计"}
    assert "sector:新能源产业" in month_rows and not month_rows & {"sector:新材料产业", "sei", "all"}
    assert {"sector:新材料产业", "sei", "all"} <= cumulative_rows
    assert record(march["month_results"], "sector:新能源产业", "revenue")["withheld"] is False
    assert record(march["month_results"], "sector:新能源产业", "revenue")["value"] == pytest.approx(10.0)  # (1+2+3+4) × 100 000 千元


@pytest.mark.parametrize("args", [[], ["--by", "county", "--calendar-days"]])
def test_the_workbook_recalculated_by_libreoffice_equals_its_cached_values(tmp_path, libreoffice, args):
    from make_sample import make_export

    paths = [make_export(str(tmp_path / f"2022年1-{m}月.xlsx"), n=160, seed=19, period_title=f"2022年1-{m}月",
                         month=m) for m in (5, 3, 4)]
    out = tmp_path / "趋势.xlsx"
    proc = run_cli("trend", *paths, "-o", out, *args)
    assert proc.returncode == 0, proc.stderr
    cells = formula_cells(out)
    recalculated = formula_cells(libreoffice.recalculated(out, tmp_path / "lo"))
    assert len(cells) > 500 and cells.keys() == recalculated.keys()
    assert {sheet for sheet, _ in cells} == {"趋势图", "累计", "当月"}
    differ = [(k, v[1], recalculated[k][1]) for k, v in cells.items() if not same(v[1], recalculated[k][1])]
    assert differ == []
    # The cached values are the engine's: the 当月 sheet's 全市 revenue growth is the JSON's.
    series = trend_json(*paths, *args)
    grid = values(out)["当月"]
    row = next(r for r in grid if r[0] == "营业收入增速")  # the first scope: 全市
    months = [record(p["month_results"], "all", "revenue_growth")["display"] for p in series[1:]]
    assert [v if isinstance(v, str) else f"{v:.1f}" for v in row[2:4]] == months
    assert any(not isinstance(v, str) for v in row[2:4])
    # Sheets in order, charts on the trend sheet.
    import openpyxl

    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["趋势图", "累计", "当月", "说明", "合计数据"]
    assert len(wb["趋势图"]._charts) == 2


def test_an_enterprise_changing_category_counts_in_its_new_one_and_as_moved(tmp_path):
    feb = {**_firms(6, "新材料", "M", 1), **_firms(6, "", "O", 1), **_firms(6, "新能源", "N", 1)}
    mar = {**_firms(6, "新材料", "M", 2), **_firms(6, "", "O", 2), **_firms(6, "新能源", "N", 2)}
    mar["M0"] = ("新能源", *mar["M0"][1:])  # reclassified in March: its whole 1-3月 difference counts in 新能源
    series = trend_json(export(tmp_path, 2, feb), export(tmp_path, 3, mar), "--no-suppress")
    march = series[1]
    assert march["month_changes"]["moved"] == 1 and march["month_changes"]["matched"] == 18
    m = march["month_results"]
    assert record(m, "sector:新能源产业", "revenue")["value"] == pytest.approx((21 + 1) * 100_000 / 100_000)
    assert record(m, "sector:新材料产业", "revenue")["value"] == pytest.approx((21 - 1) * 100_000 / 100_000)
    # One enterprise moving out of 新材料 and into 新能源: their month figures would give its 1-2月 figures.
    assert record(m, "sector:新能源产业", "revenue")["withheld"] and record(m, "sector:新材料产业", "revenue")["withheld"]
    assert record(m, "sector:新能源产业", "revenue")["value"] is not None  # --no-suppress keeps the values
    # The cumulative figures stay published.
    assert not record(march["results"], "sector:新能源产业", "revenue")["withheld"]


def test_an_enterprise_without_a_code_is_an_input_error_with_its_row(tmp_path):
    feb = export(tmp_path, 2, HAND[2])
    rows = [["2022年1-3月规模以上工业企业主要经济指标"], ["单位：千元"], HEADER]
    for firm, (cat, *figures) in HAND[3].items():
        rows.append(["" if firm == "E" else code(firm), f"{firm}公司", cat, *figures])
    mar = write_xlsx(tmp_path / "2022年1-3月.xlsx", rows)
    proc = run_cli("trend", feb, mar, "-o", tmp_path / "t.xlsx")
    assert proc.returncode == 2, proc.stderr
    assert "2022年1-3月.xlsx" in proc.stderr and "没有统一社会信用代码" in proc.stderr and "第8行" in proc.stderr


def test_the_series_withholds_what_each_period_withholds_structure_figures_included(tmp_path):
    """A new user found trend's JSON publishing 最大1家企业营业收入占比 (× the published revenue: that
    enterprise's revenue) that `indicators` withholds: the series' plan dropped the per-figure withholding."""
    paths = [export(tmp_path, m, HAND[m]) for m in (2, 3, 4)]
    for period in trend_json(*paths):
        for r in period["results"]:
            if r["indicator"] == "revenue_top1_share":
                assert r["value"] is None, r  # withheld, or no figure at all
        single = json.loads(run_cli("indicators", paths[[p["period"]["label"] for p in trend_json(*paths)]
                                                        .index(period["period"]["label"])], "--format", "json").stdout)
        held = {(r["scope"], r["indicator"]) for r in single["results"] if r.get("withheld")}
        for r in period["results"]:
            if (r["scope"], r["indicator"]) in held:
                assert r["withheld"] and r["value"] is None, r


def test_each_sheets_note_says_only_what_the_sheet_shows(tmp_path):
    """新材料 has 2 loss-makers: its 亏损企业亏损额 is withheld. The 累计 sheet shows the loss amount and says
    so; the 当月 sheet (flows only, no loss amount) and the workbook as a whole (no structure figures) do not
    speak of figures they do not show."""
    def firms(scale):
        out = {**_firms(5, "新材料", "M", scale), **_firms(6, "", "O", scale), **_firms(4, "新能源", "N", scale)}
        for name in ("M0", "M1"):
            cat, rev, rev_ly, _, profit_ly = out[name]
            out[name] = (cat, rev, rev_ly, -3_000 * scale, profit_ly)
        return out

    paths = [export(tmp_path, 2, firms(1)), export(tmp_path, 3, firms(2))]
    out = tmp_path / "趋势.xlsx"
    proc = run_cli("trend", *paths, "-o", out)
    assert proc.returncode == 0, proc.stderr
    sheets = values(out)

    def text(sheet):
        return " ".join(str(c) for row in sheets[sheet] for c in row if isinstance(c, str))

    assert "不公布亏损企业亏损额：全市规模以上工业、战略性新兴产业、新材料产业。" in text("累计")
    assert "亏损额" not in text("当月"), text("当月")
    assert "亏损企业亏损额" in text("说明")
    for sheet in ("累计", "当月", "说明"):
        assert "最大1家企业营业收入占比" not in text(sheet) and "新企业营业收入占比" not in text(sheet)
