"""CSV files read by pyarrow.csv: encodings, malformed rows named by the file's own row, notes kept.

Each input is built here with the csv module or as raw bytes. The basic export has the title on
row 1, the unit line on row 2, the header on row 3 and three enterprises on rows 4-6.
"""
from __future__ import annotations

import csv
import io
import json

import pytest

import xltools
from helpers import basic_rows, run_cli, sha256
from xltools.errors import InputError

REVENUE = [1000.5, 2000.0, 300.25]


def csv_text(rows) -> str:
    out = io.StringIO(newline="")
    w = csv.writer(out)
    for row in rows:
        w.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def write(tmp_path, name, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def revenue(path):
    return xltools.load(path).frame["revenue_cur"].tolist()


def cli_figures(path) -> dict:
    res = run_cli("indicators", path, "--format", "json")
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    return {(r["scope"], r["indicator"]): r["value"] for r in doc["results"]}


def rejected(path, *needles):
    """The located message from xltools.load, and from the CLI: exit 2, the same words, no English."""
    with pytest.raises(InputError) as exc:
        xltools.load(path)
    text = exc.value.report()
    before = sha256(path)
    res = run_cli("indicators", path)
    assert res.returncode == 2, res.stderr
    assert "Traceback" not in res.stderr
    for needle in needles:
        assert needle in text, (needle, text)
        assert needle in res.stderr, (needle, res.stderr)
    assert "CSV parse" not in res.stderr and "Expected" not in res.stderr and "Error" not in res.stderr
    assert sha256(path) == before
    return exc.value


def test_last_row_cut_mid_row_is_named_as_truncated(tmp_path):
    data = csv_text(basic_rows()) + "91620300000000004D,丁公司,3216,镍都区,,500"  # 6 of 10 fields, no newline
    path = write(tmp_path, "cut.csv", data.encode("utf-8"))
    err = rejected(path, "cut.csv › cut › 第7行：只有6列，表头有10列：文件可能被截断")
    assert [i.row for i in err.issues] == [7]


def test_last_row_cut_in_its_first_field_is_not_taken_for_a_note(tmp_path):
    data = csv_text(basic_rows()) + "9162030000"  # one field, no newline: not 注：… or 合计
    path = write(tmp_path, "cut1.csv", data.encode("utf-8"))
    rejected(path, "第7行：只有1列，表头有10列：文件可能被截断")


def test_unclosed_quote_names_the_row_where_it_opens(tmp_path):
    lines = csv_text(basic_rows()).splitlines(keepends=True)
    lines[4] = lines[4].replace("乙公司", '"乙公司')  # row 5: the quote swallows the rest of the file
    path = write(tmp_path, "quote.csv", "".join(lines).encode("utf-8"))
    err = rejected(path, "第5行：引号未闭合")
    assert [i.row for i in err.issues] == [5]


def test_unclosed_quote_in_the_last_column(tmp_path):
    lines = csv_text(basic_rows()).splitlines(keepends=True)
    lines[4] = lines[4][: lines[4].rindex(",") + 1] + '"10\r\n'  # row 5 still has 10 fields: the last swallows
    path = write(tmp_path, "quote_last.csv", "".join(lines).encode("utf-8"))
    rejected(path, "第5行：引号未闭合")


def test_gbk_file(tmp_path):
    path = write(tmp_path, "gbk.csv", csv_text(basic_rows()).encode("gbk"))
    data = xltools.load(path)
    assert data.frame["revenue_cur"].tolist() == REVENUE
    assert data.frame["ent_name"].tolist() == ["甲公司", "乙公司", "丙公司"]
    assert cli_figures(path)[("all", "enterprises")] == 3


def test_utf8_start_with_gbk_further_on(tmp_path):
    """The encoding is told from the first 64 KB; GBK text past them is named, not read as mojibake."""
    rows = basic_rows() + [[f"9162030000000{i:05d}", f"企业{i}", "3216", "镍都区", "", 1, 1, 1, 0, 0]
                           for i in range(2000)]
    late = csv_text([["91620300000000009X", "丁公司", "3216", "镍都区", "", 4, 3, 3, 1, 0]]).encode("gbk")
    path = write(tmp_path, "mixed.csv", csv_text(rows).encode("utf-8") + late)
    rejected(path, "文件开头是 UTF-8 编码，后面却有不是 UTF-8 的内容")


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_bom_file(tmp_path, encoding):
    path = write(tmp_path, f"bom_{encoding}.csv", csv_text(basic_rows()).encode(encoding))
    data = xltools.load(path)
    assert data.frame["revenue_cur"].tolist() == REVENUE
    assert data.frame["ent_id"].tolist()[0] == "91620300000000001A"  # no BOM glued to the first cell
    assert data.period.label == "2022年1-12月"
    assert cli_figures(path)[("all", "enterprises")] == 3


def test_row_with_too_many_fields(tmp_path):
    lines = csv_text(basic_rows()).splitlines(keepends=True)
    lines[4] = lines[4].replace("乙公司", "乙公司,销售分公司")  # an unquoted comma in the name
    path = write(tmp_path, "wide.csv", "".join(lines).encode("utf-8"))
    err = rejected(path, "第5行：有11列，比表头的10列多")
    assert [i.row for i in err.issues] == [5]


def test_row_with_too_few_fields_among_the_data(tmp_path):
    rows = basic_rows()
    rows.insert(4, ["91620300000000009X", "短行公司"])  # two fields, but enterprises follow
    path = write(tmp_path, "short.csv", csv_text(rows).encode("utf-8"))
    rejected(path, "第5行：只有2列，表头有10列")


def test_trailing_footnote_and_total_with_one_or_two_fields(tmp_path):
    data = csv_text(basic_rows()) + "\r\n合计,3300.75\r\n注：本表为快报数据。\r\n"
    path = write(tmp_path, "notes.csv", data.encode("utf-8"))
    loaded = xltools.load(path)
    assert loaded.frame["revenue_cur"].tolist() == REVENUE
    assert loaded.skipped["total"] == [8] and loaded.skipped["footnote"] == [9]
    assert cli_figures(path)[("all", "enterprises")] == 3


def test_footnote_as_the_last_line_without_a_line_break(tmp_path):
    data = csv_text(basic_rows()) + "注：本表为快报数据。"
    path = write(tmp_path, "note_cut.csv", data.encode("utf-8"))
    assert xltools.load(path).skipped["footnote"] == [7]


def test_quoted_field_with_a_line_break_and_a_comma(tmp_path):
    """A quoted cell keeps its record on one row, as Excel shows it: rows below keep their numbers."""
    rows = basic_rows()
    rows[3][1] = "甲公司\n（集团,总部）"
    rows[5][7] = "x"  # a bad figure on row 6, which starts on text line 7
    path = write(tmp_path, "newline.csv", csv_text(rows).encode("utf-8"))
    err = rejected(path, "第6行 › 营业成本本期[H列]：'x' 不是数字")
    assert [i.row for i in err.issues] == [6]
    rows[5][7] = 250
    path = write(tmp_path, "newline_ok.csv", csv_text(rows).encode("utf-8"))
    data = xltools.load(path)
    assert data.frame["ent_name"].tolist()[0] == "甲公司\n（集团,总部）"
    assert data.frame["revenue_cur"].tolist() == REVENUE
    assert data.frame["row"].tolist() == [4, 5, 6]
    assert cli_figures(path)[("all", "enterprises")] == 3


def test_blank_line_among_the_data_keeps_the_row_numbers(tmp_path):
    rows = basic_rows()
    rows.insert(4, [])
    rows[6][7] = "x"
    path = write(tmp_path, "blank.csv", csv_text(rows).encode("utf-8"))
    err = rejected(path, "第7行 › 营业成本本期[H列]：'x' 不是数字")
    assert [i.row for i in err.issues] == [7]
