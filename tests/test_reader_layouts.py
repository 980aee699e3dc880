"""Every layout of the input contract, read with the real readers, values checked exactly."""
from __future__ import annotations

import pandas as pd
import pytest

import xltools
from xltools.errors import InputError
from helpers import TITLE, basic_rows, write_csv, write_xls, write_xlsx, write_xlsx_raw


def col(data, key):
    """A column as a list, missing text as None (pandas' str dtype uses NaN)."""
    s = data.frame[key]
    if s.dtype.kind == "f":
        return s.tolist()
    return [None if pd.isna(v) else v for v in s.tolist()]


def test_basic_layout_title_unit_line_and_markers(tmp_path):
    data = xltools.load(write_xlsx(tmp_path / "a.xlsx", basic_rows()))
    assert data.sheet == "企业"
    assert data.period.label == "2022年1-12月" and data.period_from == "title"
    assert col(data, "ent_id") == ["91620300000000001A", "91620300000000002B", "091620300000000003"]
    assert col(data, "revenue_cur") == [1000.5, 2000.0, 300.25]
    assert col(data, "revenue_ly") == [900.0, 1800.0, 0.0]
    assert col(data, "total_profit_cur") == [50.0, -30.0, 20.0]
    assert col(data, "industry_code") == ["3216", "3985", "4415"]
    assert col(data, "sei_category") == ["新材料产业", None, "新能源产业"]
    assert col(data, "row") == [4, 5, 6]
    assert data.blanks["revenue_ly"] == 1
    assert data.classification == "column"


@pytest.mark.parametrize("cur,ly", [
    ("本期营业收入", "上年同期营业收入"),           # marker before the name
    ("营业收入本期", "营业收入上年同期"),           # after, no separator
    ("营业收入_本期", "营业收入_上年同期"),         # underscore
    ("营业收入-本年累计", "营业收入-去年同期"),     # dash, other marker words
    ("营业收入 本期", "营业收入 上年同期累计"),     # space
    ("营业收入（本期）", "营业收入(上年同期)"),     # full- and half-width brackets
    ("营业收入1-12月", "营业收入上年1-12月"),       # month ranges
    ("其中：营业收入 本月止累计", "其中:营业收入上年同月"),
    ("营业收入", "营业收入上年同期"),               # no marker = current
    ("营业收入(本年)", "营业收入(上年)"),           # 本年/上年 in brackets
    ("本年营业收入", "去年营业收入"),
    ("今年营业收入", "上年1-12月营业收入"),         # a month range after 上年 is not cut at 上年
    ("营业收入/本期", "营业收入/上年同期实际"),
    ("营业收入【本期】", "营业收入【上年】"),
])
def test_period_markers_in_the_cell(tmp_path, cur, ly):
    rows = [["单位名称", cur, ly, "营业成本", "利润总额"], ["甲厂", 10, 8, 7, 1], ["乙厂", 20, 16, 15, 2]]
    data = xltools.load(write_xlsx(tmp_path / "m.xlsx", rows), period="2022")
    assert col(data, "revenue_cur") == [10.0, 20.0]
    assert col(data, "revenue_ly") == [8.0, 16.0]


def test_two_row_merged_header(tmp_path):
    rows = [
        [TITLE], ["单位：千元"],
        ["单位代码", "单位名称", "营业收入", None, "利润总额", None, "资产总计", None, None, "平均用工人数"],
        [None, None, "本期", "上年同期", "本期", "上年同期", "期末", "上年同期", "年初", None],
        ["001", "甲厂", 100, 90, 10, 9, 500, 480, 470, 30],
        ["002", "乙厂", 200, 150, -5, 3, 900, 800, 850, 70],
    ]
    merges = ["A3:A4", "B3:B4", "C3:D3", "E3:F3", "G3:I3", "J3:J4"]
    data = xltools.load(write_xlsx(tmp_path / "two.xlsx", rows, merges=merges))
    assert col(data, "ent_id") == ["001", "002"]
    assert col(data, "revenue_ly") == [90.0, 150.0]
    assert col(data, "total_profit_ly") == [9.0, 3.0]
    assert col(data, "total_assets_cur") == [500.0, 900.0]
    assert col(data, "total_assets_ly") == [480.0, 800.0]
    assert col(data, "total_assets_boy") == [470.0, 850.0]
    assert col(data, "employees_cur") == [30.0, 70.0]
    assert col(data, "row") == [5, 6]
    assert data.columns["revenue_ly"].label == "营业收入上年同期"


@pytest.mark.parametrize("unit_line,header_unit,factor,line_factor", [
    ("单位：千元", "", 1.0, 1.0),
    ("单位：万元", "", 10.0, 10.0),
    ("单位:元", "", 0.001, 0.001),
    ("单位：亿元", "", 100000.0, 100000.0),
    ("", "(万元)", 10.0, 1.0),
    ("", "（元）", 0.001, 1.0),
    ("单位：千元", "（万元）", 10.0, 1.0),   # the header's own bracket wins over the unit line
    ("", "", 1.0, 1.0),                     # default 千元
])
def test_units(tmp_path, unit_line, header_unit, factor, line_factor):
    rows = [[TITLE], [unit_line],
            ["单位名称", f"营业收入{header_unit}本期", f"营业收入{header_unit}上年同期",
             f"利润总额{header_unit}", "营业成本"],
            ["甲厂", 12.5, 10, 2, 9]]
    data = xltools.load(write_xlsx(tmp_path / "u.xlsx", rows))
    assert col(data, "revenue_cur") == [12.5 * factor]
    assert col(data, "total_profit_cur") == [2 * factor]
    assert col(data, "operating_cost_cur") == [9 * line_factor]


def test_text_numbers_separators_fullwidth_and_blanks(tmp_path):
    rows = [["单位名称", "营业收入", "营业成本", "利润总额", "营业收入上年同期"],
            ["甲厂", "1,234.5", " 1000 ", "－", "１２３４．５"],
            ["乙厂", "2，000", "—", "-", ""],
            ["丙厂", 7, None, "  ", "12 345"]]
    data = xltools.load(write_xlsx_raw(tmp_path / "t.xlsx", rows), period="2022")
    assert col(data, "revenue_cur") == [1234.5, 2000.0, 7.0]
    assert col(data, "operating_cost_cur") == [1000.0, 0.0, 0.0]
    assert col(data, "total_profit_cur") == [0.0, 0.0, 0.0]
    assert col(data, "revenue_ly") == [1234.5, 0.0, 12345.0]


def test_total_rows_and_footnotes_are_skipped(tmp_path):
    rows = [[TITLE],
            ["序号", "单位名称", "营业收入", "营业成本", "利润总额"],
            ["合计", None, 300, 250, 30],
            [1, "甲厂", 100, 80, 10],
            [2, "乙厂", 200, 170, 20],
            [None, "全市合计", 300, 250, 30],
            [None, None, None, None, None],
            ["注：本表为快报数。", None, None, None, None],
            ["说明：利润总额含投资收益", None, None, None, None],
            ["数据来源：联网直报平台", None, None, None, None]]
    data = xltools.load(write_xlsx(tmp_path / "tot.xlsx", rows))
    assert col(data, "ent_name") == ["甲厂", "乙厂"]
    assert sum(col(data, "revenue_cur")) == 300.0
    assert data.skipped["total"] == [3, 6]
    assert data.skipped["footnote"] == [8, 9, 10]


def test_column_number_row_under_the_header_is_skipped(tmp_path):
    rows = [["单位名称", "营业收入", "营业成本", "利润总额"], ["甲", "1", "2", "3"], ["某公司", 5, 4, 1]]
    data = xltools.load(write_xlsx(tmp_path / "lanci.xlsx", rows), period="2022")
    assert col(data, "ent_name") == ["某公司"]


def test_cover_sheet_before_the_data_sheet(tmp_path):
    cover = [["2022年统计报表"], ["编制单位：市统计局"], ["目录"]]
    path = write_xlsx(tmp_path / "cover.xlsx", basic_rows(), sheet="数据",
                      before_sheets=[("封面", cover), ("说明", [["指标解释"], ["营业收入", "利润总额"]])])
    data = xltools.load(path)
    assert data.sheet == "数据"
    assert len(data.frame) == 3


def test_two_export_sheets_stop_and_ask_for_the_sheet_option(tmp_path):
    path = write_xlsx(tmp_path / "two_sheets.xlsx", basic_rows(), sheet="二月",
                      before_sheets=[("一月", basic_rows()[:4])])
    with pytest.raises(InputError) as err:
        xltools.load(path)
    assert "“一月”、“二月”" in str(err.value) and "--sheet" in str(err.value)
    assert len(xltools.load(path, sheet="一月").frame) == 1
    assert len(xltools.load(path, sheet="二月").frame) == 3


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "csv"])
def test_header_not_in_first_row_or_column(tmp_path, fmt):
    rows = [[None] * 6, [None] * 6, [None, None, TITLE],
            [None, None, "单位名称", "营业收入", "营业成本", "利润总额"],
            [None, None, "甲厂", 10, 9, 1]]
    writer = {"xlsx": write_xlsx, "xls": write_xls, "csv": write_csv}[fmt]
    data = xltools.load(writer(tmp_path / f"offset.{fmt}", rows))
    assert col(data, "revenue_cur") == [10.0] and col(data, "row") == [5]
    assert data.columns["revenue_cur"].col == 3


def test_xlsm_macro_enabled_workbook(tmp_path):
    xlsx = write_xlsx(tmp_path / "a.xlsx", basic_rows())
    xlsm = tmp_path / "宏.xlsm"
    xlsm.write_bytes(open(xlsx, "rb").read())
    assert col(xltools.load(xlsm), "revenue_cur") == [1000.5, 2000.0, 300.25]


def test_industry_code_forms(tmp_path):
    rows = [["单位名称", "行业代码", "营业收入", "营业成本", "利润总额"],
            ["甲厂", 3985.0, 1, 1, 0], ["乙厂", "C3985", 1, 1, 0], ["丙厂", " 3985.0 ", 1, 1, 0], ["丁厂", 610, 1, 1, 0]]
    data = xltools.load(write_xlsx(tmp_path / "codes.xlsx", rows), period="2022")
    assert col(data, "industry_code") == ["3985", "3985", "3985", "0610"]


def test_xls_old_format(tmp_path):
    data = xltools.load(write_xls(tmp_path / "old.xls", basic_rows()))
    assert col(data, "revenue_cur") == [1000.5, 2000.0, 300.25]
    assert col(data, "ent_id")[2] == "091620300000000003"
    assert col(data, "sei_category") == ["新材料产业", None, "新能源产业"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_encodings(tmp_path, encoding):
    data = xltools.load(write_csv(tmp_path / f"c_{encoding}.csv", basic_rows(), encoding=encoding))
    assert col(data, "ent_name") == ["甲公司", "乙公司", "丙公司"]
    assert col(data, "ent_id")[2] == "091620300000000003"  # leading zero kept
    assert col(data, "revenue_cur") == [1000.5, 2000.0, 300.25]
    assert col(data, "county") == ["镍都区", "永安县", "镍都区"]


def test_one_row_file_a_published_total(tmp_path):
    rows = [["2022年1-2月全国规模以上工业企业主要指标"], ["单位：亿元"],
            ["单位名称", "营业收入", "营业成本", "利润总额", "资产总计", "负债合计"],
            ["全国", 194000, 164000, 11575.6, 1422400, 800300]]
    data = xltools.load(write_xlsx(tmp_path / "nbs.xlsx", rows))
    assert data.period.months == 2 and data.period.days == 60
    assert col(data, "total_profit_cur") == [11575.6 * 100000]


def test_period_from_file_name_and_option(tmp_path):
    rows = basic_rows(title="规模以上工业企业主要经济指标")
    path = write_xlsx(tmp_path / "2024年1—10月规上工业.xlsx", rows)
    data = xltools.load(path)
    assert (data.period.year, data.period.start_month, data.period.end_month) == (2024, 1, 10)
    assert data.period_from == "file name" and data.period.days == 300
    assert xltools.load(path, period="2023-06").period.label == "2023年1-6月"


@pytest.mark.parametrize("name", ["2023年1-6月规上工业.xlsx", "2022年1-6月规上工业.xlsx", "2021年规上工业.xlsx"])
def test_a_title_period_the_file_name_contradicts_stops_naming_both(tmp_path, name):
    """The title says 2022年1-12月, the file name another year or other months: which is right cannot be known,
    and the period sets every day count (turnover days) — stop and ask for --period (it was taken silently)."""
    path = write_xlsx(tmp_path / name, basic_rows())
    with pytest.raises(InputError) as exc:
        xltools.load(path)
    text = str(exc.value)
    assert "2022年1-12月" in text and "不一致" in text and "--period" in text
    assert xltools.load(path, period="2022").period.label == "2022年1-12月"


@pytest.mark.parametrize("name", ["2022年1-12月规上工业.xlsx", "2022年规上工业.xlsx", "规上工业.xlsx"])
def test_a_file_name_that_agrees_with_the_title_or_names_no_period_is_fine(tmp_path, name):
    data = xltools.load(write_xlsx(tmp_path / name, basic_rows()))
    assert data.period.label == "2022年1-12月" and data.period_from == "title"


def test_category_names_short_names_and_codes(tmp_path):
    rows = [["单位名称", "战新产业类别", "营业收入", "营业成本", "利润总额"]]
    cats = ["新一代信息技术产业", "高端装备制造", "3", "生物", "新能源汽车产业", "新能源", "7.0", "数字创意",
            "相关服务业", "", "先进有色金属材料"]
    for i, c in enumerate(cats):
        rows.append([f"企业{i}", c, 1, 1, 0])
    data = xltools.load(write_xlsx(tmp_path / "cats.xlsx", rows), period="2022")
    assert col(data, "sei_category") == [
        "新一代信息技术产业", "高端装备制造产业", "新材料产业", "生物产业", "新能源汽车产业", "新能源产业",
        "节能环保产业", "数字创意产业", "相关服务业", None, "新材料产业"]


def test_sei_list_assigns_categories(tmp_path):
    rows = basic_rows()
    for r in rows[2:]:
        del r[4]
    path = write_xlsx(tmp_path / "nocat.xlsx", rows)
    lst = write_xlsx(tmp_path / "list.xlsx", [["战新企业名录"], ["统一社会信用代码", "战新产业类别"],
                                              ["91620300000000002B", "节能环保"], ["999", "生物"]])
    data = xltools.load(path, sei_list=lst)
    assert data.classification == "list"
    assert col(data, "sei_category") == [None, "节能环保产业", None]
    assert any("1 家企业不在数据文件中" in n for n in data.notes)


def _export_without_categories(tmp_path, *, codes=True):
    rows = basic_rows()
    for r in rows[2:]:
        del r[4]
        if not codes:
            del r[0]
    return write_xlsx(tmp_path / "nocat.xlsx", rows)


def test_sei_list_rows_by_code_or_by_name_each_count(tmp_path):
    """A list with both columns, some rows with a code only, some a name only (a new-user test: every row
    without a code was dropped, silently — 19 of 38 enterprises counted). A lowercase code is the same code."""
    lst = write_xlsx(tmp_path / "list.xlsx", [["统一社会信用代码", "单位名称", "战新产业类别"],
                                              ["91620300000000001a", None, "新材料"],
                                              [None, "乙公司", "节能环保"],
                                              ["91620300000000009Z", "不在此表公司", "生物"]])
    data = xltools.load(_export_without_categories(tmp_path), sei_list=lst)
    assert col(data, "sei_category") == ["新材料产业", "节能环保产业", None]
    assert any("匹配 2 家企业" in n for n in data.notes)
    assert any("1 家企业不在数据文件中" in n and "91620300000000009Z" in n for n in data.notes)
    # An export without codes: every row with a name is matched by name.
    data = xltools.load(_export_without_categories(tmp_path, codes=False), sei_list=lst)
    assert col(data, "sei_category") == [None, "节能环保产业", None]
    assert any("2 家企业不在数据文件中" in n for n in data.notes)


@pytest.mark.parametrize("rows, words", [
    ([["91620300000000001A", "甲公司", "新材料"], ["91620300000000001A", None, "生物"]], "出现多次且类别不同"),
    ([["91620300000000001A", None, "新材料"], [None, "甲公司", "生物"]], "都指向这家企业"),
    ([[None, None, "新材料"]], "不知道是哪家企业"),
])
def test_sei_list_contradictions_stop(tmp_path, rows, words):
    lst = write_xlsx(tmp_path / "list.xlsx", [["统一社会信用代码", "单位名称", "战新产业类别"], *rows])
    with pytest.raises(InputError) as exc:
        xltools.load(_export_without_categories(tmp_path), sei_list=lst)
    assert words in str(exc.value)


def test_unknown_columns_kept_aside(tmp_path):
    rows = [["单位名称", "主要业务活动", "营业收入", "营业成本", "利润总额", "研发费用"], ["甲厂", "冶炼", 1, 1, 0, 5]]
    data = xltools.load(write_xlsx(tmp_path / "unk.xlsx", rows), period="2022")
    assert data.unknown_columns == ["主要业务活动", "研发费用"]
    assert "研发费用" not in data.frame.columns


def test_sample_workbook_reads(tmp_path):
    from xltools.cli import sample_path

    data = xltools.load(sample_path())
    assert 280 <= len(data.frame) <= 330
    assert data.skipped["total"] and data.skipped["footnote"]
    counties = set(data.frame["county"])
    assert 3 <= len(counties) <= 4
    cats = data.frame["sei_category"].value_counts()
    assert cats.index[0] == "新材料产业" and cats.index[1] == "新能源产业"
    assert (data.frame["total_profit_cur"] < 0).sum() >= 3
    assert (data.frame["revenue_ly"] == 0).sum() >= 5
    top = data.frame["revenue_cur"].max() / data.frame["revenue_cur"].sum()
    assert top > 0.3  # one dominant smelting group


def test_sample_is_what_its_script_makes(tmp_path):
    """The shipped sample and its deterministic generator agree (content, not bytes: xlsxwriter may change)."""
    import sys

    from xltools.cli import sample_path

    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parents[1] / "workbooks" / "samples"))
    from make_sample import make_export

    fresh = xltools.load(make_export(str(tmp_path / "bureau_2022.xlsx")))
    shipped = xltools.load(sample_path())
    pd.testing.assert_frame_equal(fresh.frame, shipped.frame)


# ---------------------------------------------------------------- headers that name years

YEAR_ROWS = [["2022年1-12月规模以上工业企业主要经济指标"],
             ["统一社会信用代码", "单位详细名称", "2022年营业收入", "2021年营业收入", "营业收入利润总额(2022年)",
              "2022年度利润总额", "利润总额(2021年)"],
             ["91620300000000001A", "甲公司", 1000, 900, None, 50, 40],
             ["91620300000000002B", "乙公司", 2000, 1500, None, 80, 60]]


def _year_rows():
    rows = [list(r) for r in YEAR_ROWS]
    for r in rows[1:]:
        del r[4]  # not a header of this contract: dropped
    return rows


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_headers_that_name_years_are_this_year_and_last_year(tmp_path, fmt):
    """2022年营业收入 / 2021年营业收入 (and 营业收入(2021年), 2022年度利润总额): the later year is 本期, the year
    before 上年同期 (they were not understood: the file had no header). Said in the notes."""
    rows = _year_rows()
    path = write_xlsx(tmp_path / "y.xlsx", rows) if fmt == "xlsx" else write_csv(tmp_path / "y.csv", rows)
    data = xltools.load(path)
    assert col(data, "revenue_cur") == [1000, 2000] and col(data, "revenue_ly") == [900, 1500]
    assert col(data, "total_profit_cur") == [50, 80] and col(data, "total_profit_ly") == [40, 60]
    assert any("2022年为本期，2021年为上年同期" in n for n in data.notes)


def test_year_headers_under_a_merged_parent(tmp_path):
    rows = [["2022年1-10月规模以上工业企业主要经济指标"],
            ["统一社会信用代码", "单位详细名称", "营业收入", None, "利润总额", None],
            [None, None, "2022年1-10月", "2021年1-10月", "2022年1-10月", "2021年1-10月"],
            ["91620300000000001A", "甲公司", 1000, 900, 50, 40],
            ["91620300000000002B", "乙公司", 2000, 1500, 80, 60]]
    data = xltools.load(write_xlsx(tmp_path / "y.xlsx", rows, merges=("C2:D2", "E2:F2")))
    assert data.period.label == "2022年1-10月"
    assert col(data, "revenue_ly") == [900, 1500] and col(data, "total_profit_cur") == [50, 80]


@pytest.mark.parametrize("period, months", [("2023", None), ("2021", None), (None, "2022年1-6月")])
def test_header_years_or_months_that_contradict_the_period_stop(tmp_path, period, months):
    rows = _year_rows()
    if months:
        rows[1][2] = f"{months}营业收入"
    path = write_xlsx(tmp_path / "y.xlsx", rows)
    with pytest.raises(InputError) as exc:
        xltools.load(path, period=period)
    assert "不一致" in str(exc.value) and "第2行" in str(exc.value)


def test_years_that_are_not_two_consecutive_ones_are_not_guessed(tmp_path):
    rows = _year_rows()
    rows[1][3] = "2020年营业收入"
    with pytest.raises(InputError) as exc:
        xltools.load(write_xlsx(tmp_path / "y.xlsx", rows))
    assert "营业收入" in str(exc.value) and "不是相邻的两年" in str(exc.value)


@pytest.mark.parametrize("cur, ly", [("本年营业收入", "2021年营业收入"), ("营业收入本期", "营业收入(2021年)"),
                                     ("2022年营业收入(本期)", "2021年营业收入(上年同期)"),
                                     ("营业收入(2022年)(本期)", "营业收入(2021年)(上年同期)")])
def test_a_year_beside_a_marker(tmp_path, cur, ly):
    """One year beside a 本期 column of the same indicator is its 上年同期 (it was taken as 本期 and dropped as a
    duplicate: no growth rate); a year and a marker together are read by the marker, the year checked."""
    rows = [["2022年1-12月规模以上工业企业主要经济指标"], ["统一社会信用代码", "单位详细名称", cur, ly, "利润总额"],
            ["91620300000000001A", "甲公司", 1000, 900, 50], ["91620300000000002B", "乙公司", 2000, 1500, 80]]
    data = xltools.load(write_xlsx(tmp_path / "y.xlsx", rows))
    assert col(data, "revenue_cur") == [1000, 2000] and col(data, "revenue_ly") == [900, 1500]
    with pytest.raises(InputError) as exc:
        xltools.load(write_xlsx(tmp_path / "y.xlsx", rows), period="2023")
    assert "[D列]" in str(exc.value) and "请核对表头或 --period" in str(exc.value)


def test_a_period_option_that_the_title_contradicts_is_noted(tmp_path):
    """--period 2022-10 on a file whose title says 2022年1-12月: the option wins (the statistician said so), and
    the note says what the title said (it was silent: every day count changed with no word)."""
    data = xltools.load(write_xlsx(tmp_path / "e.xlsx", basic_rows()), period="2022-10")
    assert data.period.label == "2022年1-10月"
    assert any("报告期按 --period 为2022年1-10月，标题写的是2022年1-12月" in n for n in data.notes)
    data = xltools.load(write_xlsx(tmp_path / "e.xlsx", basic_rows()), period="2022")
    assert not any("报告期按 --period" in n for n in data.notes)


def test_report_says_when_period_overrides_the_title(tmp_path):
    from helpers import run_cli

    path = write_xlsx(tmp_path / "e.xlsx", basic_rows())
    proc = run_cli("report", path, "--period", "2022-06")
    assert proc.returncode == 0, proc.stderr
    assert "报告期按 --period 为2022年1-6月，标题写的是2022年1-12月" in proc.stderr
    assert proc.stdout.startswith("# 2022年1-6月")
