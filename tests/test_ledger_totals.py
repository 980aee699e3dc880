"""The ledger's city totals as a two-way table: each column read by its header (本期 / 上年同期 / a year /
增速(%)), in any order; a stated growth checked against the two amounts; a header no role fits, years that
contradict the report period and a growth that contradicts the amounts are located errors."""
from __future__ import annotations

import pytest

from helpers import run_cli
from test_tracker import write_ledger
from workbook_reading import values

# 万元. 工业: 1 420 000 / 1 265 000 → +12.25…%, share 1 420 000 / 3 256 000 = 43.6% (last year's: 41.1%).
CUR, LY = (3256000, 1420000), (3080000, 1265000)
LAYOUTS = {
    "本年累计 first": (["指标名称", "本年累计", "上年同期", "同比增长(%)"], lambda c, l, g: [c, l, g]),
    "上年同期 first": (["指标名称", "上年同期", "本年累计", "同比增长(%)"], lambda c, l, g: [l, c, g]),
    "years": (["指标", "2022年1-12月", "2021年1-12月", "增速(%)"], lambda c, l, g: [c, l, g]),
    "本期 | 上年同期": (["指标", "本期", "上年同期", "增速(%)"], lambda c, l, g: [c, l, g]),
}


def totals_sheet(head, order, growth=(5.7, 12.3)):
    rows = [["2022年全市固定资产投资完成情况"], ["单位：万元"], head]
    for label, c, l, g in zip(("全市固定资产投资", "其中：工业固定资产投资"), CUR, LY, growth):
        rows.append([label] + order(c, l, g))
    return rows


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_each_column_read_by_its_header(tmp_path, layout):
    head, order = LAYOUTS[layout]
    src = write_ledger(tmp_path / "台账.xlsx", totals=totals_sheet(head, order))
    text = run_cli("report", "--ledger", src)
    assert text.returncode == 0, text.stderr
    assert "全市工业固定资产投资同比增长12.3%，占全市固定资产投资的43.6%。" in text.stdout
    checked = run_cli("validate", src)
    assert checked.returncode == 0, checked.stderr
    assert "全市投资表的列：" in checked.stdout and "为上年同期" in checked.stdout and "为增速(%)" in checked.stdout
    assert "工业固定资产投资：本期 1420000 万元，上年同期 1265000 万元，增速 12.3%（台账所列）" in checked.stdout
    out = tmp_path / "进度.xlsx"
    proc = run_cli("tracker", src, "-o", out, "--as-of", "2022-12-31")
    assert proc.returncode == 0, proc.stderr
    grid = values(out)["汇总"]
    row = next(r for r in grid if r and r[0] == "工业固定资产投资(亿元)")
    assert row[1:4] == [pytest.approx(142.0), pytest.approx(126.5), 12.3]
    share = next(r for r in grid if r and r[0] == "工业投资占全市固定资产投资比重(%)")
    assert share[1] == 43.6


def test_unplaced_header_contradicting_growth_and_wrong_year_are_located_errors(tmp_path):
    head = ["指标名称", "本年累计", "完成情况", "同比增长(%)"]
    src = write_ledger(tmp_path / "a.xlsx", totals=totals_sheet(head, lambda c, l, g: [c, l, g]))
    proc = run_cli("validate", src)
    assert proc.returncode == 2 and "第3行" in proc.stderr and "完成情况" in proc.stderr
    assert "无法确定这一列是本期、上年同期还是增速" in proc.stderr
    # 12.3 swapped for 21.3: the amounts give 12.25%.
    src = write_ledger(tmp_path / "b.xlsx", totals=totals_sheet(LAYOUTS["years"][0], lambda c, l, g: [c, l, g],
                                                                (5.7, 21.3)))
    proc = run_cli("validate", src)
    assert proc.returncode == 2 and "增速 21.3% 与本期 1420000、上年同期 1265000 算出的 12.25% 不符" in proc.stderr
    assert "第5行" in proc.stderr
    # The 2023 and 2022 columns beside the 2022 report: 本期 is 2023.
    head = ["指标", "2023年1-12月", "2022年1-12月", "增速(%)"]
    src = write_ledger(tmp_path / "c.xlsx", totals=totals_sheet(head, lambda c, l, g: [c, l, g]))
    proc = run_cli("report", "--ledger", src)
    assert proc.returncode == 2 and "全市投资表的本期是2023年1-12月，与报告期2022年1-12月不一致" in proc.stderr
    # Several figures and no header to say which is which: not guessed.
    rows = [["单位：万元"], ["全市固定资产投资", 3256000, 3080000], ["工业固定资产投资", 1420000, 1265000]]
    proc = run_cli("validate", write_ledger(tmp_path / "d.xlsx", totals=rows))
    assert proc.returncode == 2 and "这一行有2个数" in proc.stderr


def test_a_header_named_xiangmu_and_a_unit_beside_a_lone_figure(tmp_path):
    rows = [["单位：万元"], ["项目", "上年同期", "本期"], ["全市固定资产投资", 3080000, 3256000],
            ["工业固定资产投资", 1265000, 1420000]]
    proc = run_cli("report", "--ledger", write_ledger(tmp_path / "a.xlsx", totals=rows))
    assert proc.returncode == 0, proc.stderr
    assert "全市工业固定资产投资同比增长12.3%，占全市固定资产投资的43.6%。" in proc.stdout
    rows = [["全市固定资产投资", 325.6, "亿元"], ["工业固定资产投资", 142, "亿元"]]
    proc = run_cli("report", "--ledger", write_ledger(tmp_path / "b.xlsx", totals=rows))
    assert proc.returncode == 0, proc.stderr
    assert "全市工业固定资产投资占全市固定资产投资的43.6%。" in proc.stdout


def test_one_figure_a_row_with_period_and_unit_in_one_bracket(tmp_path):
    """`全市固定资产投资（本期，亿元） | 325.6`: the sheet was not recognised and the growth and share sentence left
    out with no word (new-user test); one bracket holding a period and a unit is read as two."""
    totals = [["全市固定资产投资（本期，亿元）", 325.6], ["全市固定资产投资（上年同期，亿元）", 308.0],
              ["工业固定资产投资（本期，亿元）", 142.0], ["工业固定资产投资（上年同期，亿元）", 126.5]]
    src = write_ledger(tmp_path / "台账.xlsx", totals=totals)
    text = run_cli("report", "--ledger", src)
    assert text.returncode == 0, text.stderr
    assert "全市工业固定资产投资同比增长12.3%，占全市固定资产投资的43.6%。" in text.stdout
