"""`xltools tracker`: the project ledger read like a bureau export, the tracker's figures by hand."""
from __future__ import annotations

import datetime as dt
import os
import sys

import openpyxl
import pytest

from helpers import run_cli, sha256, write_csv
from workbook_reading import formula_cells, same, values
from xltools.ledger import parse_date, read_ledger

D = dt.datetime
HEAD = ["项目编号", "项目名称", "建设单位", "项目级别", "战新产业类别", "总投资", "开工日期", "计划竣工日期",
        "本年计划投资", "本年完成投资", "累计完成投资", "形象进度", "状态"]
# 万元; as of 2023-07-02: 182 of the 364 days from 2023-01-01 to 2023-12-31 have passed (50.0%).
P1 = ["P1", "甲项目", "甲公司", "省列重大", "新材料", 10000, D(2023, 1, 1), D(2023, 12, 31), 4000, 3000, 2500, "施工中", "在建"]
P2 = ["P2", "乙项目", "乙公司", "市列重点", "", 8000, "2024-01-01", "2024年12月", 1000, 0, 0, "前期工作", "前期"]
P3 = ["P3", "丙项目", "丙公司", "市列重点", "新能源", 5000, "2022年3月", D(2023, 3, 31), 500, 500, 4500, "已投产", "已建成"]
P4 = ["P4", "丁项目", "丁公司", "其他", "", 2000, D(2023, 1, 1), D(2023, 12, 31), None, None, 700, "", "在建"]
SUB_HEAD = ["项目编号", "子项名称", "总投资", "累计完成投资", "状态", "形象进度", "计划竣工日期"]
SUBS = [["P1", "一期", 6000, 2500, "在建", "施工中", D(2023, 9, 30)],
        ["P1", "二期", 4000, 0, "前期", "设计中", D(2023, 12, 31)],
        ["P3", "主体", 5000, 4500, "已建成", "已建成", D(2023, 3, 31)]]
TOTALS = [["全市固定资产投资本期", "全市固定资产投资上年同期", "工业固定资产投资本期", "工业固定资产投资上年同期"],
          [6000, 5500, 1200, 1000]]


def write_ledger(path, projects=(P1, P2, P3, P4), subs=SUBS, totals=TOTALS, unit_line="单位：万元"):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "重点项目"
    ws.append(["2023年重点项目台账"])
    ws.append([unit_line])
    ws.append(HEAD)
    for p in projects:
        ws.append(list(p))
    if subs is not None:
        s = wb.create_sheet("子项目")
        s.append(SUB_HEAD)
        for row in subs:
            s.append(list(row))
    if totals is not None:
        t = wb.create_sheet("投资")
        for row in totals:
            t.append(list(row))
    wb.save(path)
    return str(path)


def overview_rows(path) -> dict[str, list]:
    grid = values(path)["项目总览"]
    return {r[0]: r for r in grid if r and len(r) > 2 and r[2] in ("省列重大", "市列重点", "其他")}


def test_hand_computed_rates_progress_deviation_and_flags(tmp_path, libreoffice):
    src = write_ledger(tmp_path / "台账.xlsx")
    out = tmp_path / "进度.xlsx"
    proc = run_cli("tracker", src, "-o", out, "--as-of", "2023-07-02")
    assert proc.returncode == 0, proc.stderr
    rows = overview_rows(out)
    #        总投资(亿元) 累计  完成率 本年计划 本年完成 年度完成率 时间进度 偏差  预警
    assert rows["甲项目"][8:17] == [1.0, 0.25, 25.0, 0.4, 0.3, 75.0, 50.0, -25.0, "红"]
    # Before its start: time 0; completion 0: deviation 0, green. 2024年12月 as an end date is its last day.
    assert rows["乙项目"][10] == 0 and rows["乙项目"][14] == 0 and rows["乙项目"][15] == 0 and rows["乙项目"][16] == "绿"
    assert rows["乙项目"][7] == D(2024, 12, 31) and rows["乙项目"][6] == D(2024, 1, 1)
    # After the planned end: time 100; 90% invested: −10.0 is not below −10: green.
    assert rows["丙项目"][14] == 100 and rows["丙项目"][15] == -10.0 and rows["丙项目"][16] == "绿"
    assert rows["丙项目"][6] == D(2022, 3, 1)
    # No annual plan: the annual rate is undefined, shown as —; 35% against 50%: −15, amber.
    assert rows["丁项目"][13] == "—" and rows["丁项目"][15] == -15.0 and rows["丁项目"][16] == "黄"
    assert rows["甲项目"][17] == "2项：前期1、在建1" and rows["丙项目"][17] == "1项：已建成1"
    # Grouped by level, with subtotals and a total of formulas.
    grid = values(out)["项目总览"]
    names = [r[0] for r in grid]
    assert names.index("一、省列重大项目（1个）") < names.index("甲项目") < names.index("二、市列重点项目（2个）")
    total = next(r for r in grid if r[0] == "合计")
    assert total[8] == pytest.approx(2.5) and total[9] == pytest.approx(0.77) and total[10] == 30.8
    # 汇总: by level, state and category; industrial investment growth 20.0% and share 20.0%.
    sums = {r[0]: r for r in values(out)["汇总"] if r and r[0]}
    assert sums["市列重点"][1:4] == [2, pytest.approx(1.3), pytest.approx(0.45)]
    assert sums["在建"][1] == 2 and sums["非战新产业"][1] == 2 and sums["新材料产业"][1] == 1
    assert sums["工业固定资产投资(亿元)"][1:4] == [0.12, 0.1, 20.0]
    assert sums["工业投资占全市固定资产投资比重(%)"][1] == 20.0
    # Live formulas: LibreOffice recalculates every one to the cached value.
    cells = formula_cells(out)
    recalculated = formula_cells(libreoffice.recalculated(out, tmp_path / "lo"))
    assert len(cells) > 60
    assert [(k, v[1], recalculated[k][1]) for k, v in cells.items() if not same(v[1], recalculated[k][1])] == []


def test_outline_flags_chart_and_settings(tmp_path):
    src = write_ledger(tmp_path / "台账.xlsx")
    out = tmp_path / "进度.xlsx"
    assert run_cli("tracker", src, "-o", out, "--as-of", "2023-07-02", "--amber", "5", "--red", "12").returncode == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["项目总览", "子项明细", "汇总", "图表", "校验"]
    over = wb["项目总览"]
    assert over["B3"].value == D(2023, 7, 2) and over["B4"].value == 5 and over["B5"].value == 12
    assert over.conditional_formatting  # red / amber / green fills on 预警
    flags = {name: r[16] for name, r in overview_rows(out).items()}
    assert flags["丁项目"] == "红" and flags["丙项目"] == "黄"  # −15 below −12; −10 below −5
    detail = wb["子项明细"]
    levels = {detail.cell(r, 1).value: detail.row_dimensions[r].outlineLevel for r in range(4, detail.max_row + 1)}
    assert levels["甲项目"] == 0 and levels["一期"] == 1 and levels["主体"] == 1
    assert len(wb["图表"]._charts) == 1
    assert run_cli("tracker", src, "-o", out, "--amber", "20", "--red", "10").returncode == 2


@pytest.mark.parametrize("case", ["sum_above_total", "done_above_total", "year_above_done", "dates", "orphan"])
def test_every_check_is_a_warning_and_no_row_is_dropped(tmp_path, case):
    projects, subs = [list(P1), list(P2), list(P3), list(P4)], [list(s) for s in SUBS]
    expected = {
        "sum_above_total": "子项总投资合计 10500 万元超过项目总投资 10000 万元",
        "done_above_total": "累计完成投资 5200 万元高于总投资 5000 万元",
        "year_above_done": "本年完成投资 900 万元高于累计完成投资 700 万元",
        "dates": "开工日期 2024-01-01 晚于计划竣工日期 2023-06-30",
        "orphan": "子项“三期”所属的项目“P9”不在项目表中",
    }[case]
    if case == "sum_above_total":
        subs[1][2] = 4500
    elif case == "done_above_total":
        projects[2][10] = 5200
    elif case == "year_above_done":
        projects[3][9] = 900
    elif case == "dates":
        projects[1][7] = "2023-06-30"
    else:
        subs.append(["P9", "三期", 100, 10, "在建", "", D(2023, 12, 31)])
    src = write_ledger(tmp_path / "台账.xlsx", projects, subs)
    proc = run_cli("validate", src)
    assert proc.returncode == 0 and expected in proc.stdout, proc.stdout
    assert "台账.xlsx › " in proc.stdout  # located
    out = tmp_path / "进度.xlsx"
    assert run_cli("tracker", src, "-o", out, "--as-of", "2023-07-02").returncode == 0
    checks = [r[2] for r in values(out)["校验"][3:] if r and r[2]]
    assert any(expected in c for c in checks)
    assert len(overview_rows(out)) == 4
    if case == "orphan":
        assert "三期（P9）" in [r[0] for r in values(out)["子项明细"]]


def test_ledger_errors_are_located_and_nothing_is_written(tmp_path):
    bad = [list(P1), list(P2), list(P3), list(P4)]
    bad[0][5] = "一千万"
    bad[1][6] = "明年"
    bad[2][4] = "火星产业"
    bad[3][12] = "烂尾"
    src = write_ledger(tmp_path / "台账.xlsx", bad)
    before = sha256(src)
    out = tmp_path / "进度.xlsx"
    proc = run_cli("tracker", src, "-o", out)
    assert proc.returncode == 2 and not out.exists()
    err = proc.stderr
    assert "输入数据有 4 处错误" in err
    assert "台账.xlsx › 重点项目 › 第4行 › 总投资[F列]：'一千万' 不是数字" in err
    assert "第5行 › 开工日期[G列]：'明年' 不是日期" in err
    assert "第6行 › 战新产业类别[E列]：'火星产业'" in err and "第7行 › 状态[M列]：'烂尾'" in err
    assert run_cli("validate", src).returncode == 2
    assert sha256(src) == before


def test_dates_units_and_totals_forms(tmp_path):
    assert parse_date("2023-03-15") == dt.date(2023, 3, 15) and parse_date("2023年3月") == dt.date(2023, 3, 1)
    assert parse_date("2023年3月", end=True) == dt.date(2023, 3, 31) and parse_date("2024.2", end=True) == dt.date(2024, 2, 29)
    assert parse_date("45000") == dt.date(2023, 3, 15) and parse_date("2023-03-15 00:00:00") == dt.date(2023, 3, 15)
    assert parse_date("2023年3月15日") == dt.date(2023, 3, 15) and parse_date("2023/3/15") == dt.date(2023, 3, 15)
    with pytest.raises(ValueError):
        parse_date("3月")
    # Money in 亿元 by each sheet's unit line; the totals as a two-column table, 本期 / 上年同期 in the labels.
    projects = [list(P1)]
    projects[0][5], projects[0][10] = 1.0, 0.25
    two_col = [["单位：亿元"], ["全市固定资产投资（本期）", 0.6], ["全市固定资产投资（上年同期）", 0.55],
               ["工业固定资产投资（本期）", 0.12], ["工业固定资产投资（上年同期）", 0.1]]
    ledger = read_ledger(write_ledger(tmp_path / "a.xlsx", projects, None, two_col, unit_line="单位：亿元"))
    assert ledger.projects[0].total == 10000 and ledger.projects[0].done_total == 2500
    assert ledger.totals == pytest.approx({"fai_all_cur": 6000, "fai_all_ly": 5500, "fai_industry_cur": 1200,
                                           "fai_industry_ly": 1000})
    # CSV ledger, dates as text.
    rows = [HEAD] + [[("" if v is None else v.strftime("%Y-%m-%d") if isinstance(v, D) else v) for v in P1]]
    ledger = read_ledger(write_csv(tmp_path / "台账.csv", rows))
    assert ledger.projects[0].start == dt.date(2023, 1, 1) and ledger.subprojects == [] and ledger.totals is None


def test_sample_ledger_and_tracker(tmp_path):
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "workbooks", "samples"))
    from make_ledger import make_ledger

    fresh = make_ledger(str(tmp_path / "ledger_2022.xlsx"))
    shipped = os.path.join(os.path.dirname(__file__), "..", "workbooks", "samples", "ledger_2022.xlsx")
    assert sha256(fresh) == sha256(shipped)
    proc = run_cli("tracker", "--as-of", "2022-12-31", cwd=tmp_path)
    assert proc.returncode == 0 and "7 个项目" in proc.stdout
    out = tmp_path / "项目进度表_2022-12-31.xlsx"
    rows = overview_rows(out)
    smelting = rows["镍冶炼系统提质增效升级改造项目"]
    assert smelting[8] == 8.6 and smelting[9] == pytest.approx(6.18) and smelting[17] == "3项：在建2、已建成1"
    assert run_cli("tracker", cwd=tmp_path).returncode == 0  # --as-of defaults to today


def test_a_blank_total_or_done_is_unknown_not_zero(tmp_path):
    """A blank 总投资 or 累计完成投资 is left blank in the overview (its rate —), not written as 0; a stated 0
    stays 0. With 累计 blank, a 本年完成 above it is not a finding either."""
    p1 = P1[:5] + [None] + P1[6:]                 # 总投资 blank
    p4 = P4[:9] + [700, None] + P4[11:]           # 本年完成 700, 累计 blank
    p2 = P2                                       # 累计 stated as 0
    src = write_ledger(tmp_path / "台账.xlsx", projects=(p1, p2, P3, p4), subs=None)
    out = tmp_path / "进度.xlsx"
    proc = run_cli("tracker", src, "-o", out, "--as-of", "2023-07-02")
    assert proc.returncode == 0, proc.stderr
    rows = overview_rows(out)
    assert rows["甲项目"][8] in (None, "") and rows["甲项目"][9] == 0.25 and rows["甲项目"][10] == "—"
    assert rows["丁项目"][9] in (None, "") and rows["丁项目"][10] == "—"
    assert rows["乙项目"][9] == 0 and rows["乙项目"][10] == 0
    ledger = read_ledger(src)
    assert ledger.projects[0].total is None and ledger.projects[3].done_total is None
    assert ledger.projects[1].done_total == 0
    from xltools.ledger import checks

    assert not [i for i in checks(ledger) if "丁项目" in i.message or "高于总投资" in i.message]
