"""Every bad-input rule: a precise Chinese message, all errors at once, exit 2, input untouched."""
from __future__ import annotations

import zipfile

import pytest

import xltools
from helpers import TITLE, basic_rows, run_cli, sha256, write_csv, write_xlsx, write_xlsx_raw
from xltools.errors import InputError


def errors_of(path, **kw):
    with pytest.raises(InputError) as exc:
        xltools.load(path, **kw)
    return exc.value


def assert_cli_rejects(path, *needles, args=()):
    before = sha256(path)
    res = run_cli("validate", path, *args)
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr and "Traceback" not in res.stdout
    for needle in needles:
        assert needle in res.stderr, (needle, res.stderr)
    assert sha256(path) == before  # the input is never changed
    return res.stderr


def test_text_in_numeric_column_names_file_sheet_row_header_value(tmp_path):
    rows = basic_rows()
    rows[2][8] = "利润总额(千元)本期"
    rows[4][8] = "12,3a"
    path = write_xlsx_raw(tmp_path / "bureau.xlsx", rows)
    err = errors_of(path)
    assert len(err.issues) == 1
    issue = err.issues[0]
    assert (issue.file, issue.sheet, issue.row, issue.column, issue.value) == (
        "bureau.xlsx", "企业", 5, "利润总额(千元)本期", "12,3a")
    assert str(issue) == "bureau.xlsx › 企业 › 第5行 › 利润总额(千元)本期[I列]：'12,3a' 不是数字"
    assert_cli_rejects(path, "bureau.xlsx › 企业 › 第5行 › 利润总额(千元)本期[I列]：'12,3a' 不是数字")


def test_all_errors_of_a_file_are_reported_together(tmp_path):
    rows = basic_rows()
    rows[3][5] = "#REF!"
    rows[4][6] = "N/A"
    rows[5][8] = "1.2.3"
    rows[5][4] = "新材"  # unknown category
    path = write_xlsx_raw(tmp_path / "many.xlsx", rows)
    err = errors_of(path)
    found = {(i.row, i.value) for i in err.issues}
    assert found == {(4, "#REF!"), (5, "N/A"), (6, "1.2.3"), (6, "新材")}
    text = assert_cli_rejects(path, "4 处错误", "'#REF!' 不是数字", "'N/A' 不是数字", "'新材'")
    assert "战略性新兴产业分类" in text


def test_excel_error_cell_is_an_error_not_a_zero(tmp_path):
    rows = basic_rows()
    rows[4][7] = ("formula", "=1/0", "#DIV/0!")
    path = write_xlsx_raw(tmp_path / "err.xlsx", rows)
    err = errors_of(path)
    assert [(i.row, i.column, i.value) for i in err.issues] == [(5, "营业成本本期", "#DIV/0!")]
    assert "Excel 错误值" in str(err.issues[0])


def test_missing_required_revenue_column(tmp_path):
    rows = [[TITLE], ["单位名称", "营业成本", "利润总额", "资产总计"], ["甲厂", 1, 2, 3]]
    path = write_xlsx(tmp_path / "norev.xlsx", rows)
    assert "缺少必需的列：营业收入" in str(errors_of(path))
    assert_cli_rejects(path, "norev.xlsx", "缺少必需的列：营业收入")


def test_missing_identifier_column(tmp_path):
    rows = [[TITLE], ["营业收入", "营业成本", "利润总额", "资产总计"], [1, 1, 2, 3]]
    path = write_xlsx(tmp_path / "noid.xlsx", rows)
    assert_cli_rejects(path, "noid.xlsx", "企业", "缺少必需的列：企业标识")


def test_no_header_at_all(tmp_path):
    path = write_xlsx(tmp_path / "junk.xlsx", [["今天天气"], ["很好"]])
    assert_cli_rejects(path, "junk.xlsx", "找不到企业数据的表头行")


def test_unknown_category(tmp_path):
    rows = basic_rows()
    rows[3][4] = "人工智能产业链"
    path = write_xlsx(tmp_path / "cat.xlsx", rows)
    err = errors_of(path)
    assert [(i.row, i.column, i.value) for i in err.issues] == [(4, "战略性新兴产业类别", "人工智能产业链")]


def test_no_period_asks_for_the_option(tmp_path):
    path = write_xlsx(tmp_path / "data.xlsx", basic_rows(title="规模以上工业企业主要经济指标"))
    assert_cli_rejects(path, "无法确定报告期", "--period")
    assert run_cli("validate", path, "--period", "2022-10").returncode == 0


def test_bad_period_option(tmp_path):
    path = write_xlsx(tmp_path / "data.xlsx", basic_rows())
    assert_cli_rejects(path, "无法识别的报告期", args=["--period", "明年"])


def test_row_without_identifier(tmp_path):
    rows = basic_rows()
    rows.append([None, None, "3216", None, None, 5, 5, 5, 5, 5])
    path = write_xlsx(tmp_path / "noname.xlsx", rows)
    err = errors_of(path)
    assert [(i.row, "企业标识" in i.message) for i in err.issues] == [(7, True)]


def test_empty_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert_cli_rejects(path, "empty.xlsx", "空的")


def test_corrupt_xlsx(tmp_path):
    good = write_xlsx(tmp_path / "good.xlsx", basic_rows())
    data = open(good, "rb").read()
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(data[: len(data) // 2])
    assert_cli_rejects(bad, "broken.xlsx", "损坏")


def test_zip_without_workbook_parts(tmp_path):
    path = tmp_path / "parts.xlsx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("hello.txt", "not a workbook")
    assert_cli_rejects(path, "parts.xlsx", "损坏")


def test_random_bytes_named_xlsx(tmp_path):
    path = tmp_path / "random.xlsx"
    path.write_bytes(bytes(range(256)) * 20)
    assert_cli_rejects(path, "random.xlsx", "不是 Excel 工作簿")


def test_html_saved_as_xls(tmp_path):
    path = tmp_path / "export.xls"
    path.write_text("<html><body><table><tr><td>营业收入</td></tr></table></body></html>", encoding="utf-8")
    assert_cli_rejects(path, "export.xls", "网页")


def test_missing_file(tmp_path):
    assert_cli_rejects_missing = run_cli("validate", tmp_path / "nope.xlsx")
    assert assert_cli_rejects_missing.returncode == 2
    assert "文件不存在" in assert_cli_rejects_missing.stderr


def test_unknown_sheet_option(tmp_path):
    path = write_xlsx(tmp_path / "s.xlsx", basic_rows())
    assert_cli_rejects(path, "没有名为“二月”的工作表", "企业", args=["--sheet", "二月"])


def test_csv_in_an_unknown_encoding(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes("单位名称,营业收入\n".encode("utf-16-le"))  # no BOM: neither UTF-8 nor GBK text
    res = run_cli("validate", path, "--period", "2022")
    assert res.returncode == 2 and "Traceback" not in res.stderr


def test_many_errors_in_one_column_are_counted_not_flooded(tmp_path):
    rows = [[TITLE], ["单位名称", "营业收入", "营业成本", "利润总额"]]
    rows += [[f"企业{i}", "x", 1, 1] for i in range(60)]
    path = write_csv(tmp_path / "flood.csv", rows)
    err = errors_of(path)
    assert len(err.issues) == 60
    report = err.report()
    assert "60 处错误" in report and "另有 40 处" in report
    assert report.count("不是数字") == 20


def test_sei_list_conflicting_duplicates(tmp_path):
    rows = basic_rows()
    for r in rows[2:]:
        del r[4]
    path = write_xlsx(tmp_path / "nocat.xlsx", rows)
    lst = write_xlsx(tmp_path / "list.xlsx", [["统一社会信用代码", "战新产业类别"],
                                              ["91620300000000002B", "节能环保"], ["91620300000000002B", "生物"]])
    assert_cli_rejects(path, "list.xlsx", "类别不同", args=["--sei-list", lst])


@pytest.mark.parametrize("text", ["N/A", "#N/A", "NULL", "NaN", "None", "NA", "-1.#IND"])
@pytest.mark.parametrize("fmt", ["xlsx", "xls", "csv"])
def test_text_that_calamine_reads_as_empty_is_still_an_error(tmp_path, text, fmt):
    """calamine guesses N/A, NULL, NaN… as empty cells in a number column; the contract says error."""
    from helpers import write_xls

    rows = basic_rows()
    rows[5][7] = text
    writer = {"xlsx": write_xlsx_raw, "xls": write_xls, "csv": write_csv}[fmt]
    path = writer(tmp_path / f"na.{fmt}", rows)
    err = errors_of(path)
    assert [(i.row, i.column, i.value) for i in err.issues] == [(6, "营业成本本期", text)]


def test_blank_like_text_in_a_number_column_is_zero(tmp_path):
    rows = basic_rows()
    rows[5][7] = "—"
    rows[4][7] = " - "
    data = xltools.load(write_xlsx_raw(tmp_path / "dash.xlsx", rows))
    assert data.frame["operating_cost_cur"].tolist() == [800.0, 0.0, 0.0]


def test_text_far_below_the_rows_calamine_samples(tmp_path):
    """calamine guesses a column's type from its first rows; later text must not vanish."""
    rows = [["单位名称", "营业收入", "营业成本", "利润总额"]]
    rows += [[f"企业{i}", float(i), 1.0, 0.5] for i in range(1500)]
    rows[1400][1] = "12,3a"
    rows[1450][1] = "1,234.5"  # a text number: read, not an error
    rows[1460][2] = "—"
    path = write_xlsx_raw(tmp_path / "late.xlsx", rows)
    err = errors_of(path, period="2022")
    assert [(i.row, i.value) for i in err.issues] == [(1401, "12,3a")]
    rows[1400][1] = 7.0
    data = xltools.load(write_xlsx_raw(tmp_path / "late_ok.xlsx", rows), period="2022")
    assert data.frame["revenue_cur"].iloc[1449] == 1234.5
    assert data.frame["operating_cost_cur"].iloc[1459] == 0.0
    assert data.blanks["operating_cost_cur"] == 1


def test_value_that_overflows_in_the_unit_conversion_is_an_error(tmp_path):
    rows = [[TITLE], ["单位：亿元"], ["单位名称", "营业收入", "营业成本", "利润总额"], ["甲厂", 1e308, 1, 1], ["乙厂", 5, 1, 1]]
    err = errors_of(write_xlsx(tmp_path / "big.xlsx", rows))
    assert [(i.row, i.column) for i in err.issues] == [(4, "营业收入")]
