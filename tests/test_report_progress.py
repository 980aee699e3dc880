"""The projects paragraph of `xltools report`: each sub-project said by its 形象进度 (else 状态), in the
ledger's order, without a word the ledger does not support."""
from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from helpers import run_cli
from test_tracker import P1, P2, write_ledger
from xltools.progress_words import STATE_WORDS, part_clause, progress_clause

D = dt.datetime


@pytest.mark.parametrize("text, expected", [
    # under way: "X中" → 正在(进行)X
    ("设备安装中", "正在进行设备安装"), ("施工中", "正在施工"), ("调试中", "正在调试"),
    ("离子液系统改造施工中", "正在进行离子液系统改造施工"), ("环评公示中", "正在进行环评公示"),
    # finished: X完成 → 已完成X; X完工/建成/竣工 → X已…
    ("设备招标完成", "已完成设备招标"), ("完成", "已完成"), ("主体完工", "主体已完工"), ("建成", "已建成"),
    ("一期竣工", "一期已竣工"),
    # already framed, negated, or not an aspect ending: as written
    ("已建成", "已建成"), ("正在施工", "正在施工"), ("已建成投产", "已建成投产"), ("尚未完成", "尚未完成"),
    ("未开工", "未开工"), ("因资金原因暂缓施工", "因资金原因暂缓施工"), ("设备安装完成60%", "设备安装已完成60%"),
    ("主体车间封顶", "主体车间已封顶"), ("可研批复", "可研已批复"), ("内部装修", "正在进行内部装修"),
    ("资金集中", "资金集中"),
    ("主体已完工", "主体已完工"), ("拟开工", "拟开工"),
    # not Chinese prose: left out of the report, never "…，中。" or "…，Equipment installation。"
    ("中", ""), ("Equipment installation", ""), ("80%", ""),
    # a plan or a number is not reframed: "已2023年6月完工" would be false
    ("计划2023年6月完工", "计划2023年6月完工"), ("2023年6月完工", "2023年6月完工"), ("预计年底建成", "预计年底建成"),
    ("80%完成", "80%完成"), ("一期工程90%施工中", "一期工程90%施工中"),
])
def test_each_part_in_its_frame(text, expected):
    assert part_clause(text) == expected


# What bureau ledgers hold in 形象进度, and how each must read after the item's name ("甲项目……，<words>。").
LEDGER_TEXTS = [
    ("正在进行主体结构施工", "正在进行主体结构施工"), ("正在办理用地手续", "正在办理用地手续"),
    ("已完成设备招标", "已完成设备招标"), ("已投产", "已投产"), ("投产", "已投产"), ("一期投产", "一期已投产"),
    ("建成投产", "已建成投产"), ("完成60%", "已完成60%"), ("完成投资的75%", "已完成投资的75%"),
    ("完成主体施工", "已完成主体施工"), ("设备安装中", "正在进行设备安装"), ("设备安装", "正在进行设备安装"),
    ("土建施工", "正在进行土建施工"), ("土建施工中", "正在进行土建施工"), ("前期手续办理中", "正在办理前期手续"),
    ("前期手续办理", "正在办理前期手续"), ("可研报告编制中", "正在编制可研报告"), ("设备调试", "正在进行设备调试"),
    ("调试", "正在调试"), ("试生产", "正在试生产"), ("试生产中", "正在试生产"), ("试生产阶段", "处于试生产阶段"),
    ("竣工验收", "正在进行竣工验收"), ("场地平整", "正在进行场地平整"), ("开工建设", "已开工建设"),
    ("项目开工", "项目已开工"), ("环评批复", "环评已批复"), ("厂房封顶", "厂房已封顶"), ("手续办理完成", "已完成手续办理"),
    ("正常生产", "正常生产"), ("停工", "停工"), ("未开工", "未开工"), ("计划年底投产", "计划年底投产"),
    ("2023年6月完工", "2023年6月完工"), ("竣工投产", "已竣工投产"), ("进入装修阶段", "进入装修阶段"),
    ("停工待料", "停工待料"), ("基础施工完成", "已完成基础施工"), ("征地拆迁中", "正在进行征地拆迁"),
]


@pytest.mark.parametrize("text, expected", LEDGER_TEXTS)
def test_what_bureau_ledgers_write_reads_as_a_finished_clause(text, expected):
    assert part_clause(text) == expected


def test_parts_state_fallback_and_nothing_to_say():
    assert progress_clause("主体完工，内部装修", "在建") == "主体已完工，正在进行内部装修"
    assert progress_clause("主体已完工，内部装修", "在建") == "主体已完工，正在进行内部装修"
    assert progress_clause("主体结构封顶，进入装修阶段", None) == "主体结构已封顶，进入装修阶段"
    assert progress_clause("土建完成，设备安装中", None) == "已完成土建，正在进行设备安装"
    assert progress_clause("熔炼系统改造已建成；转炉系统改造施工中。", "在建") == "熔炼系统改造已建成，正在进行转炉系统改造施工"
    assert progress_clause("  ", "已建成") == "已建成"
    assert progress_clause(None, "在建") == "正在建设"
    assert progress_clause(None, "停缓建") == "暂停建设"
    assert progress_clause(None, "前期") == STATE_WORDS["前期"]
    assert progress_clause("", None) == "" and progress_clause("，", None) == ""
    # The text speaks, not the state, when both are given.
    assert progress_clause("设备安装中", "已建成") == "正在进行设备安装"


# Whole 形象进度 texts as offices write them (several parts; "、", spaces, line breaks, list numbers, placeholders)
# and the clause each must give after the item's name.
WHOLE_TEXTS = [
    # "、" separates parts that each say their aspect; one that does not shares the next one's
    ("设备基础施工中、钢结构吊装", "正在进行设备基础施工和钢结构吊装"),
    ("设备基础施工中、钢结构吊装中", "正在进行设备基础施工和钢结构吊装"),
    ("钢结构安装完成、屋面施工", "已完成钢结构安装，正在进行屋面施工"),
    ("钢结构安装完成、屋面施工中", "已完成钢结构安装，正在进行屋面施工"),
    ("设备安装、调试中", "正在进行设备安装、调试"), ("土建、安装完成", "已完成土建、安装"),
    ("厂房、办公楼封顶", "厂房、办公楼已封顶"), ("1、2号炉施工中", "正在进行1、2号炉施工"),
    # ... and an aspect written first governs the list after it
    ("已完成立项、环评、能评", "已完成立项、环评、能评"), ("完成土建、设备安装", "已完成土建、设备安装"),
    ("尚未完成环评、能评", "尚未完成环评、能评"), ("办理环评、安评", "正在办理环评、安评"),
    ("已完成土建、设备安装中", "已完成土建，正在进行设备安装"), ("主体已完工、内部装修", "主体已完工，正在进行内部装修"),
    ("土建施工、已完成设备招标", "正在进行土建施工，已完成设备招标"), ("未开工、手续办理中", "未开工，正在办理手续"),
    # spaces and line breaks between parts; Latin words keep their space
    ("土建施工中 设备采购", "正在进行土建施工和设备采购"), ("土建施工中\n设备采购中", "正在进行土建施工和设备采购"),
    ("主体完工  内部装修", "主体已完工，正在进行内部装修"), ("Equipment installation", "正在建设"),
    ("土建完成，Equipment installation", "已完成土建"), ("中", "正在建设"), ("土建完成，中", "已完成土建"),
    # an adverb stays after 已 (or 均 before it)
    ("土建工程基本完工", "土建工程已基本完工"), ("土建基本完成", "土建已基本完成"), ("主体工程全部竣工", "主体工程已全部竣工"),
    ("基本建成", "已基本建成"), ("各车间均完工", "各车间均已完工"), ("土建工程基本已完工", "土建工程基本已完工"),
    # a verb of its own takes 正在 directly, never 正在进行办理
    ("办理施工许可证中", "正在办理施工许可证"), ("正在进行办理施工许可证", "正在办理施工许可证"),
    ("开展设备安装", "正在开展设备安装"), ("推进设备安装中", "正在推进设备安装"),
    # placeholders say nothing: the state speaks
    ("/", "正在建设"), ("／", "正在建设"), ("—", "正在建设"), ("——", "正在建设"), ("-", "正在建设"), ("无", "正在建设"), ("暂无", "正在建设"),
    ("N/A", "正在建设"), ("土建完成，/", "已完成土建"),
    # list numbers dropped, each item said
    ("1.土建完成，2.设备安装中", "已完成土建，正在进行设备安装"), ("1.土建完成；2.设备安装中", "已完成土建，正在进行设备安装"),
    ("1、土建完成 2、设备安装中", "已完成土建，正在进行设备安装"), ("（1）土建完成（2）设备安装中", "已完成土建，正在进行设备安装"),
    ("①土建完成②设备安装中", "已完成土建，正在进行设备安装"), ("一、土建完成；二、设备安装中", "已完成土建，正在进行设备安装"),
    ("1)主体完工 2)设备调试", "主体已完工，正在进行设备调试"),
    # neighbours that begin alike say it once
    ("土建施工中，设备采购中", "正在进行土建施工和设备采购"),
    ("正在进行土建施工，正在进行设备采购", "正在进行土建施工和设备采购"),
    ("土建施工中，设备采购中，管网铺设中", "正在进行土建施工、设备采购和管网铺设"),
    ("土建完成，设备招标完成，厂房施工中", "已完成土建和设备招标，正在进行厂房施工"),
    ("基础施工完成，完成投资的75%", "已完成基础施工，已完成投资的75%"),
    ("设备安装中，已完成设备招标，设备调试中", "正在进行设备安装，已完成设备招标，正在进行设备调试"),
    # labels, remarks and full stops
    ("一期：已投产；二期：设备安装中", "一期已投产，二期正在进行设备安装"),
    ("设备安装中(已完成60%)", "正在进行设备安装（已完成60%）"), ("主体结构完成.", "已完成主体结构"),
    ("主体完工.设备安装中", "主体已完工，正在进行设备安装"), ("2023.6开工", "2023.6开工"),
    ("停工、设备检修中", "停工，正在进行设备检修"), ("已完成：土建；正在：安装", "已完成土建，正在安装"),
    ("（一）主体完工（二）设备调试中", "主体已完工，正在进行设备调试"),
    # a number in a name is reframed, a date, share or amount never
    ("1号厂房封顶，2号厂房基础施工", "1号厂房已封顶，正在进行2号厂房基础施工"),
    ("年产5万吨生产线建设中", "正在进行年产5万吨生产线建设"), ("2023-06完工", "2023-06完工"), ("第3季度投产", "第3季度投产"),
    ("投资2亿元建设中", "投资2亿元建设中"),
    # A remark is not progress (it read "（备注正在进行资金到位）主体施工", "正在进行【备注】主体施工"): left out
    ("（备注：资金到位）主体施工中", "正在进行主体施工"), ("【备注】主体施工中", "正在进行主体施工"),
    ("备注：主体施工中", "正在进行主体施工"), ("（注：已延期）设备安装中", "正在进行设备安装"),
    ("主体施工中(备注:资金到位)", "正在进行主体施工"), ("注塑车间施工中", "正在进行注塑车间施工"),
    # "X进行中": the work under way, never "正在进行设备安装进行"
    ("设备安装进行中", "正在进行设备安装"), ("施工招标进行中", "正在进行施工招标"), ("主体施工进行中", "正在进行主体施工"),
    ("设备调试进行中", "正在进行设备调试"), ("施工图设计完成，施工招标进行中", "已完成施工图设计，正在进行施工招标"),
    # an "、" list after 已完成 stays one list, also after a leading subject
    ("项目已完成备案、环评、安评、能评等前期手续", "已完成备案、环评、安评、能评等前期手续"),
    ("厂房已完成备案、环评、安评、能评等前期手续", "厂房已完成备案、环评、安评、能评等前期手续"),
    # 项目/该项目/本项目 is the project itself, just named: not said again ("…项目项目已于…")
    ("项目已于2024年8月竣工投产", "已于2024年8月竣工投产"), ("该项目正在开展前期工作", "正在开展前期工作"),
    ("本项目主体完工", "主体已完工"), ("项目开工", "已开工"), ("项目部入驻", "项目部入驻"),
    # a bracketed whole text is the text
    ("（已完成）", "已完成"), ("(主体完工，设备安装中)", "主体已完工，正在进行设备安装"),
    ("冷轧车间部分已投产", "冷轧车间已部分投产"), ("部分投产", "已部分投产"), ("厂房大部分完工", "厂房已大部分完工"),
    # the ledger's state labels used as prose, as a statistician writes them
    ("公辅工程停缓建", "公辅工程暂停建设"), ("三期停缓建", "三期暂停建设"), ("公辅工程在建", "公辅工程正在建设"),
    ("数控机床生产线在建", "数控机床生产线正在建设"), ("一期投产，二期在建", "一期已投产，二期正在建设"),
    # bare nouns of an activity: under way
    ("厂房已封顶，设备订购", "厂房已封顶，正在进行设备订购"), ("试生产准备", "正在进行试生产准备"),
    ("厂房封顶 设备订购", "厂房已封顶，正在进行设备订购"),
    # 进场: the work has started
    ("研发楼进场施工", "研发楼已进场施工"), ("研发楼正在进行进场施工", "研发楼已进场施工"), ("设备陆续进场", "设备已陆续进场"),
    ("尚未进场", "尚未进场"),
]


@pytest.mark.parametrize("text, names, expected", [
    ("熔铸车间主体完工，设备安装进行中", ("熔铸车间", "甲项目"), "主体已完工，正在进行设备安装"),
    ("甲项目一期已投产", ("一期", "甲项目"), "已投产"),
    ("熔铸车间已建成", ("熔铸车间",), "已建成"),
    ("熔铸车间", ("熔铸车间",), "熔铸车间"),
    ("熔铸车间改造施工中", ("熔铸车间",), "正在进行改造施工"),
])
def test_a_text_that_starts_with_the_items_name_does_not_say_it_twice(text, names, expected):
    assert progress_clause(text, "在建", names) == expected


@pytest.mark.parametrize("text, expected", WHOLE_TEXTS)
def test_whole_texts_split_into_parts_each_in_its_frame(text, expected):
    assert progress_clause(text, "在建") == expected


def test_the_ledgers_texts_in_the_report(tmp_path):
    """The ledger's 形象进度 as written in real cells: each project and sub-project one finished clause, a
    placeholder never printed ("投资完成率40.0%，/。")."""
    texts = ["设备基础施工中、钢结构吊装", "/", "1.土建完成，2.设备安装中", "土建工程基本完工", "办理施工许可证中", "暂无"]
    projects = [_project(f"测试项目{k}", 10000, 4000, text, "在建") for k, text in enumerate(texts)]
    projects.append(_project("稀贵金属项目", 66000, 30000, "", "在建", pid="GS"))
    projects.append(_project("无进度项目", 10000, 4000, "—", ""))
    subs = [["GS", "火法冶炼系统", 20000, 15000, "在建", "土建施工中，设备采购中", D(2024, 6, 30)],
            ["GS", "湿法车间", 3000, 1000, "在建", "钢结构安装完成、屋面施工", D(2024, 6, 30)],
            ["GS", "精炼车间", 3000, 1000, "在建", "土建施工中 设备采购", D(2024, 6, 30)],
            ["GS", "仓库", 3000, 1000, "", "-", D(2024, 6, 30)]]
    proc = run_cli("report", "--ledger", write_ledger(tmp_path / "台账.xlsx", projects=projects, subs=subs))
    assert proc.returncode == 0, proc.stderr
    para = _projects_paragraph(proc.stdout)
    rate = "总投资1.00亿元，累计完成投资0.40亿元，投资完成率40.0%，"
    for k, words in enumerate(["正在进行设备基础施工和钢结构吊装", "正在建设", "已完成土建，正在进行设备安装",
                               "土建工程已基本完工", "正在办理施工许可证", "正在建设"]):
        assert f"测试项目{k}{rate}{words}。" in para, (k, para)
    assert ("其中火法冶炼系统正在进行土建施工和设备采购；湿法车间已完成钢结构安装，正在进行屋面施工；"
            "精炼车间正在进行土建施工和设备采购。") in para, para
    assert "仓库" not in para and f"无进度项目{rate[:-1]}。" in para, para
    for placeholder in ("，/", "，—", "，-", "暂无", "，无。"):
        assert placeholder not in para, (placeholder, para)


def _projects_paragraph(text: str) -> str:
    return text.split("## 三、工业投资项目进展")[1].split("##")[0].strip()


def test_sub_projects_in_the_ledgers_order_from_their_progress(tmp_path):
    subs = [["P1", "顶吹炉提升改造项目", 6000, 2500, "在建", "离子液系统改造施工中", D(2023, 9, 30)],
            ["P1", "空分装置项目", 2000, 2000, "已建成", "", D(2023, 3, 31)],
            ["P1", "闪速炉提升改造项目", 1000, 300, "在建", "干燥系统设备安装中", D(2023, 12, 31)],
            ["P1", "配套工程", 500, 100, "在建", "设备招标完成，厂房基础施工中", D(2023, 12, 31)],
            ["P1", "未填进度的子项", 500, 0, "", "", D(2023, 12, 31)],
            ["P1", "前期子项", 500, 0, "前期", "", D(2023, 12, 31)]]
    ledger = write_ledger(tmp_path / "台账.xlsx", projects=(P1, P2), subs=subs)
    proc = run_cli("report", "--ledger", ledger)
    assert proc.returncode == 0, proc.stderr
    para = _projects_paragraph(proc.stdout)
    assert ("其中顶吹炉提升改造项目正在进行离子液系统改造施工；空分装置项目已建成；"
            "闪速炉提升改造项目正在进行干燥系统设备安装；配套工程已完成设备招标，正在进行厂房基础施工；"
            "前期子项处于前期工作阶段。") in para
    # A sub-project with neither 形象进度 nor 状态 has nothing to say: left out, never "名称；".
    assert "未填进度的子项" not in para
    for broken in ("，；", "；；", "；。", "其中；", "其中。"):
        assert broken not in para
    # P2 is a city project: the paragraph names only the provincial ones.
    assert "乙项目" not in para


def test_a_project_without_sub_projects_said_by_its_own_progress(tmp_path):
    p1 = P1[:11] + ["主体完工，设备安装中"] + P1[12:]
    ledger = write_ledger(tmp_path / "台账.xlsx", projects=(p1,), subs=None)
    para = _projects_paragraph(run_cli("report", "--ledger", ledger).stdout)
    assert re.search(r"甲项目总投资1\.00亿元，累计完成投资0\.25亿元，投资完成率25\.0%，主体已完工，正在进行设备安装。", para), para
    # With no 形象进度 the state speaks; with neither the sentence ends after the rate.
    p1 = P1[:11] + [""] + P1[12:]
    para = _projects_paragraph(run_cli("report", "--ledger", write_ledger(tmp_path / "b.xlsx", projects=(p1,),
                                                                            subs=None)).stdout)
    assert "投资完成率25.0%，正在建设。" in para
    p1 = P1[:11] + ["", ""]
    para = _projects_paragraph(run_cli("report", "--ledger", write_ledger(tmp_path / "c.xlsx", projects=(p1,),
                                                                            subs=None)).stdout)
    assert "投资完成率25.0%。" in para and "，。" not in para


def test_the_samples_sub_projects():
    """The bundled ledger: every word of each clause is the ledger's own."""
    here = os.path.dirname(os.path.abspath(__file__))
    ledger = os.path.join(here, "..", "workbooks", "samples", "ledger_2022.xlsx")
    para = _projects_paragraph(run_cli("report", "--ledger", ledger).stdout)
    assert ("其中熔炼系统改造已建成；转炉系统改造正在施工；余热发电及环保配套正在进行设备安装。" in para)
    assert "其中电解车间改造主体已完工，正在进行内部装修；净化系统升级已完成设备招标。" in para


def _project(name, total, done, progress="", state="", level="省列重大", pid=None):
    return [pid or name, name, "某公司", level, "新材料", total, D(2023, 1, 1), D(2023, 12, 31), None, None, done,
            progress, state]


def test_a_blank_total_or_done_drops_its_clause_never_prints_an_empty_figure(tmp_path):
    """A blank 总投资 or 累计完成投资 is unknown, not 0: its clause goes (and the rate with it), never
    "总投资亿元", "总投资0.00亿元" or "投资完成率%"; a 0 that the ledger states is said."""
    projects = [_project("甲项目", None, 2500, "施工中", "在建"),
                _project("乙项目", 8000, None, "前期手续办理中", "前期"),
                _project("丙项目", None, None, "", "在建"),
                _project("丁项目", None, None, "", ""),
                _project("戊项目", 10000, 0, "", "前期"),
                _project("己项目", None, None, "", "在建", pid="P6")]
    subs = [["P6", "一期", None, None, "已建成", "", D(2023, 3, 31)],
            ["P6", "二期", None, None, "在建", "设备安装中", D(2023, 12, 31)]]
    ledger = write_ledger(tmp_path / "台账.xlsx", projects=projects, subs=subs)
    proc = run_cli("report", "--ledger", ledger)
    assert proc.returncode == 0, proc.stderr
    para = _projects_paragraph(proc.stdout)
    for broken in ("总投资亿元", "累计完成投资亿元", "投资完成率%", "总投资0.00亿元", "累计完成投资0.00亿元，投资完成率%",
                   "，。", "，；", "其中。", "丁项目"):
        assert broken not in para, (broken, para)
    assert "甲项目累计完成投资0.25亿元，正在施工。" in para
    assert "乙项目总投资0.80亿元，正在办理前期手续。" in para
    assert "丙项目正在建设。" in para
    # A stated 0 is a figure: said, with its rate.
    assert "戊项目总投资1.00亿元，累计完成投资0.00亿元，投资完成率0.0%，处于前期工作阶段。" in para
    # Sub-projects without the project's figures: no "其中" hanging after the name.
    assert "己项目一期已建成；二期正在进行设备安装。" in para


def test_city_totals_each_clause_on_its_own(tmp_path):
    """Industrial investment's growth and share each optional: a growth of exactly 0 is 持平, a missing
    上年同期 keeps the share; a ledger without the totals still describes its provincial projects."""
    def paragraph(totals):
        ledger = write_ledger(tmp_path / f"{len(str(totals))}.xlsx", projects=(P1,), subs=None, totals=totals)
        proc = run_cli("report", "--ledger", ledger)
        assert proc.returncode == 0, proc.stderr
        return _projects_paragraph(proc.stdout)

    heads = ["全市固定资产投资本期", "全市固定资产投资上年同期", "工业固定资产投资本期", "工业固定资产投资上年同期"]
    assert paragraph([heads, [6000, 5500, 1200, 1200]]).startswith(
        "全市工业固定资产投资与上年同期持平，占全市固定资产投资的20.0%。")
    assert paragraph([heads[:3], [6000, 5500, 1200]]).startswith("全市工业固定资产投资占全市固定资产投资的20.0%。")
    para = paragraph(None)
    assert para.startswith("甲项目总投资1.00亿元，累计完成投资0.25亿元，投资完成率25.0%，正在施工。"), para
    assert "未提供项目台账" not in para
    # Nothing to say (only a city project, no industrial totals): one placeholder line, not an empty section.
    ledger = write_ledger(tmp_path / "市列.xlsx", projects=(P2,), subs=None, totals=[heads[:1], [6000]])
    assert _projects_paragraph(run_cli("report", "--ledger", ledger).stdout) == \
        "（项目台账中没有可写的工业投资增速、比重和省列重大项目，本段待补充。）"


def test_any_blanks_in_the_ledger_give_whole_sentences(tmp_path_factory):
    """Real ledgers with random blanks in 总投资, 累计完成投资, 形象进度 and 状态 of projects and sub-projects,
    and with or without the city totals: the projects paragraph never has an empty figure or clause, and
    every figure is the ledger's."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    import xltools
    from test_report_grammar import assert_no_broken_sentence
    from xltools.disclosure import plan
    from xltools.report import render

    results = xltools.compute(xltools.load(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "workbooks",
                                                        "samples", "bureau_2022.xlsx")))
    disclosure = plan(results)
    money = st.one_of(st.none(), st.sampled_from([0, 2500, 10000, 86000]))
    words = st.sampled_from([t for t, _ in LEDGER_TEXTS] + ["", "主体已完工，内部装修"])
    states = st.sampled_from(["", "在建", "前期", "已建成", "停缓建"])
    item = st.tuples(money, money, words, states)

    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(projects=st.lists(item, min_size=1, max_size=3), subs=st.lists(st.tuples(st.integers(0, 2), item), max_size=4),
           totals=st.booleans())
    def run(projects, subs, totals):
        from xltools.ledger import read_ledger

        rows = [_project(f"项目{k}", total, done, text, state, pid=f"P{k}")
                for k, (total, done, text, state) in enumerate(projects)]
        sub_rows = [[f"P{k % len(projects)}", f"子项{i}", total, done, state, text, D(2023, 12, 31)]
                    for i, (k, (total, done, text, state)) in enumerate(subs)]
        path = write_ledger(tmp_path_factory.mktemp("l") / "台账.xlsx", projects=rows, subs=sub_rows or None,
                            totals=None if not totals else [["全市固定资产投资本期", "工业固定资产投资本期",
                                                             "工业固定资产投资上年同期"], [6000, 1200, 1000]])
        para = _projects_paragraph(render(results, disclosure, read_ledger(path)))
        assert_no_broken_sentence(para)
        assert not re.search(r"(?<![\d.])(亿元|%)", para), para
        for broken in ("其中。", "其中；", "其中，", "总投资，", "完成率，"):
            assert broken not in para, para
        for number in re.findall(r"总投资([\d.]+)亿元", para):
            assert number in {"0.00", "0.25", "1.00", "8.60"}, para

    run()
