"""Row roles on hand-made grids, read through the real reader (GridSource: cells already in memory)."""
from __future__ import annotations

import pytest

from xltools.errors import InputError
from xltools.reader import read_bureau
from xltools.sources import GridSource

HEAD = ["统一社会信用代码", "单位名称", "营业收入", "营业成本", "利润总额"]
A = ["91620300000000001A", "甲冶炼有限公司", 100, 80, 10]
B = ["91620300000000002B", "乙化工有限公司", 200, 150, 20]
C = ["91620300000000003C", "丙材料有限公司", 50, 45, 3]


def read(*rows):
    return read_bureau(GridSource([HEAD, *rows], name="表"), period="2022")


def roles(data):
    return {d.row: d.role for d in data.decisions}


def test_total_words_at_the_end_or_start_but_not_inside_a_name():
    data = read(A, B, ["91620300000000005E", "合计电子有限公司", 5, 4, 1], [None, "镍都区合计", 305, 234, 31],
                [None, "其中：战略性新兴产业", 100, 80, 10])
    assert data.frame["ent_name"].tolist() == ["甲冶炼有限公司", "乙化工有限公司", "合计电子有限公司"]
    assert roles(data) == {5: "total", 6: "total"}


def test_unlabelled_subtotals_above_and_a_grand_total_below_are_found_by_arithmetic():
    data = read(A, B, [None, "镍都区", 300, 230, 30], C, [None, None, 350, 275, 33])
    assert data.frame["revenue_cur"].sum() == 350
    assert roles(data) == {4: "sum", 6: "sum"}
    # The grand total is also the subtotal plus the enterprise after it: either reading skips it.
    assert [d.reason for d in data.decisions] == ["等于第2—3行之和", "等于第4—5行之和"]


def test_a_total_on_top_equal_to_the_rows_below():
    data = read([None, "规模以上工业企业", 350, 275, 33], A, B, C)
    assert roles(data) == {2: "sum"} and len(data.frame) == 3


def test_place_totals_county_subtotals_and_headings_without_a_code():
    """A place alone (全市, 全市规上工业), one of the file's counties, a heading with no figure: never an
    enterprise, whether or not the figures add up exactly (rounded totals)."""
    head = HEAD[:2] + ["县(区)"] + HEAD[2:]
    rows = [[None, "全市规上工业", None, 351, 275, 33],
            [None, "一、镍都区", None, None, None, None],
            A[:2] + ["镍都区"] + A[2:], B[:2] + ["镍都区"] + B[2:],
            [None, "镍都区", None, 301, 230, 30],
            [None, "以下为新入库企业", None, None, None, None],
            C[:2] + ["永昌县"] + C[2:]]
    data = read_bureau(GridSource([head, *rows], name="表"), period="2022")
    assert data.frame["revenue_cur"].sum() == 350 and len(data.frame) == 3
    assert roles(data) == {2: "total", 3: "heading", 6: "total", 7: "heading"}


def test_a_worded_total_with_an_enterprise_code_stops_the_read():
    with pytest.raises(InputError) as err:
        read(A, B, ["91620300000000006F", "镍都合计", 5, 4, 1])
    assert "像是合计行" in err.value.issues[0].message and err.value.issues[0].row == 4


def test_a_row_without_a_code_among_coded_enterprises_stops_the_read():
    with pytest.raises(InputError) as err:
        read(A, B, [None, "全市规模以上工业企业总体情况", 351, 276, 33])
    assert "没有统一社会信用代码" in err.value.issues[0].message and err.value.issues[0].row == 4


def test_a_sum_row_with_an_enterprise_code_stops_the_read():
    with pytest.raises(InputError) as err:
        read(A, B, ["91620300000000009Z", "某某有限公司", 300, 230, 30])
    (issue,) = err.value.issues
    assert issue.row == 4 and "像是合计行" in issue.message and "91620300000000009Z" in issue.message


def test_coincidence_in_one_column_is_not_a_sum():
    data = read(A, B, ["91620300000000004D", "丁有限公司", 300, 10, 1])
    assert len(data.frame) == 3 and roles(data) == {}


def test_a_sentence_alone_in_the_name_column_is_a_note_not_an_enterprise():
    data = read(A, B, [None, "本表数据截至2022年12月底，金额单位为千元。", None, None, None])
    assert len(data.frame) == 2 and roles(data) == {4: "note"}


@pytest.mark.parametrize("row", [["甲", "乙", 1, 2, 3], [1, 2, 3, 4, 5], ["栏次", None, 1, 2, 3],
                                 ["A", "B", 1, 2, 3]])
def test_column_number_rows(row):
    data = read(row, A, B)
    assert roles(data) == {2: "numbers"} and len(data.frame) == 2


def test_repeated_header_in_the_middle():
    data = read(A, HEAD, B)
    assert roles(data) == {3: "header"} and len(data.frame) == 2


def test_a_row_that_is_nothing_stops_the_read():
    with pytest.raises(InputError) as err:
        read(A, [None, "7", 5, 4, 1])
    assert err.value.issues[0].row == 3 and "企业标识" in err.value.issues[0].message
