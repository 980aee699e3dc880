"""The ledger's texts and blanks as a statistician means them, the same in the report, the tracker and
`validate`: a negated state (未投产, 尚未建成) is not 已建成; a blank 累计完成投资 or 总投资 is unknown, not 0;
a line break inside a cell does not break the report's paragraph. Inputs written with openpyxl."""
from __future__ import annotations

import datetime as dt

import pytest
from helpers import run_cli
from test_tracker import P1, P2, P4, TOTALS, overview_rows, write_ledger
from workbook_reading import formula_cells, same, values

from xltools import ledger as ledger_module
from xltools.ledger import normalise_state, read_ledger

D = dt.datetime


def _projects_paragraph(text: str) -> str:
    return text.split("## 三、工业投资项目进展")[1].split("##")[0].strip()


# ------------------------------------------------------------------ 1. negated states

@pytest.mark.parametrize("text, state", [
    # a completion negated or planned: not finished — started, so 在建
    ("未投产", "在建"), ("尚未建成", "在建"), ("未竣工", "在建"), ("未完工", "在建"), ("暂未投产", "在建"),
    ("待投产", "在建"), ("没有建成", "在建"), ("已开工未投产", "在建"), ("已建成未投产", "在建"),
    ("计划年底竣工", "在建"), ("设备未安装", "在建"),
    # a start negated: 前期
    ("未开工", "前期"), ("尚未开工", "前期"), ("待开工", "前期"), ("未施工", "前期"), ("拟建", "前期"),
    # partly done, partly not started: the project is under construction
    ("一期已建成，二期未开工", "在建"),
    # as before
    ("已建成", "已建成"), ("建成投产", "已建成"), ("竣工待验收", "已建成"), ("已投产", "已建成"), ("施工中", "在建"),
    ("停缓建", "停缓建"), ("暂停施工", "停缓建"), ("在 建", "在建"), ("", None),
])
def test_a_negated_state_is_not_finished(text, state):
    assert normalise_state(text) == state


def test_a_state_that_says_nothing_decidable_is_a_located_error():
    for text in ("未暂停", "待定", "正常"):
        with pytest.raises(ValueError):
            normalise_state(text)


NEGATED_SUBS = [["P1", "一号车间", 2000, 1000, "未投产", "", D(2023, 9, 30)],
                ["P1", "二号车间", 2000, 800, "尚未建成", "", D(2023, 9, 30)],
                ["P1", "办公楼", 1000, 200, "未竣工", "", D(2023, 9, 30)],
                ["P1", "仓库", 1000, 0, "尚未开工", "", D(2023, 12, 31)]]


def test_negated_states_in_report_tracker_and_validate(tmp_path):
    p1 = P1[:12] + ["未完工"]
    src = write_ledger(tmp_path / "台账.xlsx", projects=(p1, P2), subs=NEGATED_SUBS)
    ledger = read_ledger(src)
    assert [s.state for s in ledger.subprojects] == ["在建", "在建", "在建", "前期"]
    assert ledger.projects[0].state == "在建"
    # The report: no sub-project said to be built.
    para = _projects_paragraph(run_cli("report", "--ledger", src).stdout)
    assert "已建成" not in para
    assert "其中一号车间正在建设；二号车间正在建设；办公楼正在建设；仓库处于前期工作阶段" in para
    # The tracker: the overview's state and its sub-project counts.
    out = tmp_path / "进度.xlsx"
    assert run_cli("tracker", src, "-o", out, "--as-of", "2023-07-02").returncode == 0
    row = overview_rows(out)["甲项目"]
    assert row[5] == "在建" and row[17] == "4项：前期1、在建3"
    assert "已建成" not in str(values(out)["汇总"])
    # validate: the states, and how each wording was read.
    said = run_cli("validate", src).stdout
    assert "建设状态：前期 1 个、在建 1 个" in said
    assert "“未完工”→在建" in said and "“未投产”→在建" in said and "“尚未开工”→前期" in said


# ------------------------------------------------------------------ 3. blank money is unknown

BLANKS = ["", None, "-", "—", "/"]


@pytest.mark.parametrize("blank", BLANKS)
def test_a_blank_done_total_is_unknown_everywhere(tmp_path, blank, libreoffice):
    p1 = P1[:10] + [blank] + P1[11:]                      # 累计完成投资 blank, 本年完成 3000
    p4 = P4[:5] + [blank] + P4[6:]                        # 总投资 blank
    subs = [["P1", "一期", 6000, blank, "在建", "施工中", D(2023, 9, 30)]]
    src = write_ledger(tmp_path / "台账.xlsx", projects=(p1, P2, p4), subs=subs)
    ledger = read_ledger(src)
    assert ledger.projects[0].done_total is None and ledger.subprojects[0].done_total is None
    assert ledger.projects[1].done_total == 0                # stated 0 stays 0
    # validate: said blank, and no "本年完成 3000 万元高于累计完成投资 0 万元".
    said = run_cli("validate", src).stdout
    assert "累计完成投资为空（按未知处理，不计为0，完成率不计算）：甲项目" in said and "子项“一期”" in said
    assert "高于累计完成投资" not in said and "总投资为空（按未知处理，不计为0，完成率不计算）：丁项目" in said
    # The tracker: a blank cell, the rate and deviation —, no flag; LibreOffice agrees.
    out = tmp_path / "进度.xlsx"
    assert run_cli("tracker", src, "-o", out, "--as-of", "2023-07-02").returncode == 0
    row = overview_rows(out)["甲项目"]
    assert row[9] in (None, "") and row[10] == "—" and row[15] == "—" and row[16] in (None, "")
    row = overview_rows(out)["丁项目"]
    assert row[8] in (None, "") and row[9] == 0.07 and row[10] == "—" and row[15] == "—" and row[16] in (None, "")
    cells = formula_cells(out)
    recalculated = formula_cells(libreoffice.recalculated(out, tmp_path / "lo"))
    assert [(k, v[1], recalculated[k][1]) for k, v in cells.items() if not same(v[1], recalculated[k][1])] == []
    # The report: never 0.00亿元 or a rate of 0.0% for it; the context carries None.
    para = _projects_paragraph(run_cli("report", "--ledger", src).stdout)
    assert "累计完成投资0.00亿元" not in para and "投资完成率0.0%" not in para
    assert "总投资1.00亿元" in para


def test_blank_or_zero_total_in_the_reports_context(tmp_path):
    """A blank 总投资 is None, so is the rate; an explicit 0 总投资 is 0.00 with no rate (never "—%")."""
    import xltools
    from xltools.disclosure import plan
    from xltools.report import context

    p1 = P1[:5] + [None] + P1[6:]
    p3 = ["P3", "丙项目", "丙公司", "省列重大", "", 0, D(2023, 1, 1), D(2023, 12, 31), 0, 0, 0, "可研编制中", "前期"]
    p4 = ["P4", "丁项目", "丁公司", "省列重大", "", 5000, D(2023, 1, 1), D(2023, 12, 31), 0, 0, "—", "施工中", "在建"]
    ledger = read_ledger(write_ledger(tmp_path / "台账.xlsx", projects=(p1, p3, p4), subs=None))
    from xltools.cli import sample_path

    results = xltools.compute(xltools.load(sample_path()))
    key = {p["name"]: p for p in context(results, plan(results), ledger)["key_projects"]}
    assert key["甲项目"]["total"].value is None and key["甲项目"]["rate"].value is None
    assert key["甲项目"]["done"].value == pytest.approx(0.25)
    assert key["丙项目"]["total"].value == 0 and key["丙项目"]["rate"].value is None
    assert key["丁项目"]["done"].value is None and key["丁项目"]["rate"].value is None


# ------------------------------------------------------------------ 4. line breaks inside ledger texts

@pytest.mark.parametrize("text, separator, expected", [
    ("年产10万吨\n再生铝项目", "", "年产10万吨再生铝项目"), ("年产10万吨\r\n再生铝项目", "", "年产10万吨再生铝项目"),
    ("甲\t乙  项目", "", "甲乙项目"), ("LNG\n储罐", "", "LNG储罐"), ("ABC\nDEF", "", "ABC DEF"),
    ("土建施工中\n设备采购中", "，", "土建施工中，设备采购中"), ("土建施工中   设备采购中", "，", "土建施工中，设备采购中"),
    ("土建施工中；\n设备采购中", "，", "土建施工中；设备采购中"), ("土建施工中;\n设备采购中", "，", "土建施工中;设备采购中"),
    ("+cmd|' /C calc'!A0", "", "+cmd|' /C calc'!A0"), ("ABC (China)\nCo.", "", "ABC (China) Co."), ("  施工中 \n", "，", "施工中"), (" \n ", "，", None),
])
def test_one_line(text, separator, expected):
    assert ledger_module.one_line(text, separator) == expected


def test_line_breaks_do_not_split_the_report_or_the_tracker(tmp_path):
    p1 = ["P1", "年产10万吨\n再生铝项目", "甲公司", "省列重大", "新材料", 10000, D(2023, 1, 1), D(2023, 12, 31),
          4000, 3000, 2500, "主体完工\n设备安装中", "在建"]
    subs = [["P1", "熔铸\n车间", 6000, 2500, "在建", "土建施工中\n设备采购中", D(2023, 9, 30)],
            ["P1", "配套工程", 4000, 0, "在建", "厂房主体封顶\t\t设备进场", D(2023, 12, 31)]]
    src = write_ledger(tmp_path / "台账.xlsx", projects=(p1, P2), subs=subs, totals=TOTALS)
    proc = run_cli("report", "--ledger", src)
    assert proc.returncode == 0, proc.stderr
    para = _projects_paragraph(proc.stdout)
    assert "\n" not in para and "\t" not in para and "  " not in para
    assert para.count("年产10万吨再生铝项目") == 1 and "熔铸车间" in para
    assert "熔铸车间正在进行土建施工和设备采购" in para
    out = tmp_path / "进度.xlsx"
    assert run_cli("tracker", src, "-o", out, "--as-of", "2023-07-02").returncode == 0
    rows = overview_rows(out)
    assert rows["年产10万吨再生铝项目"][18] == "主体完工，设备安装中"
    detail = [r for r in values(out)["子项明细"] if r and r[0]]
    assert ["熔铸车间", "土建施工中，设备采购中"] in [[r[0], r[6]] for r in detail]
    assert ["配套工程", "厂房主体封顶，设备进场"] in [[r[0], r[6]] for r in detail]
    # A sub-project naming its project by the broken name still finds it.
    subs = [["年产10万吨\n再生铝项目", "熔铸车间", 6000, 2500, "在建", "施工中", D(2023, 9, 30)]]
    ledger = read_ledger(write_ledger(tmp_path / "b.xlsx", projects=(p1,), subs=subs, totals=None))
    assert ledger.subprojects[0].project == 0


def test_a_group_with_a_blank_amount_has_no_total_in_the_summary_sheet(tmp_path, libreoffice):
    """汇总: a group (level, state, category) holding a project whose 总投资 or 累计完成投资 is blank showed 0.0 or a
    partial sum as the group's total (new-user test); its total and rate are — now, and LibreOffice agrees."""
    p4 = P4[:5] + [None] + P4[6:]                         # 丁项目: 总投资 blank
    src = write_ledger(tmp_path / "台账.xlsx", projects=(P1, P2, p4))
    out = tmp_path / "进度.xlsx"
    assert run_cli("tracker", src, "-o", out, "--as-of", "2023-07-02").returncode == 0
    level = read_ledger(src).projects[2].level
    summary = [r for r in values(out)["汇总"] if r and r[0] == level]
    assert summary and summary[0][2] == "—" and summary[0][4] == "—"
    cells = formula_cells(out)
    recalculated = formula_cells(libreoffice.recalculated(out, tmp_path / "lo"))
    assert [(k, v[1], recalculated[k][1]) for k, v in cells.items() if not same(v[1], recalculated[k][1])] == []
