"""The projects paragraph: a project's own 形象进度 first, then 其中 and its sub-projects."""
from __future__ import annotations

from helpers import run_cli
from test_tracker import P1, P2, P3, write_ledger

SUBS = [["P1", "一期", 6000, 2500, "在建", "主体施工", None], ["P1", "二期", 4000, 0, "前期", "", None]]


def _sentence(text: str, name: str) -> str:
    return next(s for s in text.split("。") if name in s)


def test_the_projects_own_progress_before_its_sub_projects(tmp_path):
    own = P1[:11] + ["正在办理用地、规划、环评等前期手续"] + P1[12:]
    src = write_ledger(tmp_path / "台账.xlsx", projects=[own, P2, P3], subs=SUBS)
    proc = run_cli("report", "--ledger", src)
    assert proc.returncode == 0, proc.stderr
    said = _sentence(proc.stdout, "甲项目")
    assert said.index("正在办理用地、规划、环评等前期手续") < said.index("，其中一期")
    assert said.endswith("二期处于前期工作阶段")
    # Without its own 形象进度 its 状态 alone is not said before the sub-projects ("在建，其中…").
    bare = P1[:11] + [""] + P1[12:]
    src = write_ledger(tmp_path / "b.xlsx", projects=[bare, P2, P3], subs=SUBS)
    said = _sentence(run_cli("report", "--ledger", src).stdout, "甲项目")
    assert "在建，其中" not in said and "投资完成率25.0%，其中一期" in said
    # Without figures and own words the sub-projects stand alone, without 其中.
    empty = P1[:5] + [None] + P1[6:10] + [None, ""] + P1[12:]
    src = write_ledger(tmp_path / "c.xlsx", projects=[empty, P2, P3], subs=SUBS)
    said = _sentence(run_cli("report", "--ledger", src).stdout, "甲项目")
    assert said.startswith("\n甲项目一期") or "甲项目一期" in said


def test_a_project_text_that_sums_up_its_sub_projects_is_not_said_twice(tmp_path):
    """The project's 形象进度 names its sub-projects (熔炼系统改造已建成…): they are said one by one, so the summary
    is not said before them too (the sample read "…熔炼系统改造已建成，…，其中熔炼系统改造已建成；…")."""
    own = P1[:11] + ["一期主体施工，二期前期工作"] + P1[12:]
    src = write_ledger(tmp_path / "台账.xlsx", projects=[own, P2, P3], subs=SUBS)
    said = _sentence(run_cli("report", "--ledger", src).stdout, "甲项目")
    assert "投资完成率25.0%，其中一期" in said and said.count("主体施工") == 1


def test_a_sub_projects_text_that_starts_with_its_own_name_says_it_once(tmp_path):
    subs = [["P1", "熔铸车间", 6000, 2500, "在建", "熔铸车间主体已完工，设备安装进行中", None]]
    src = write_ledger(tmp_path / "台账.xlsx", projects=[P1, P2, P3], subs=subs)
    said = _sentence(run_cli("report", "--ledger", src).stdout, "甲项目")
    assert "熔铸车间熔铸车间" not in said and "熔铸车间主体已完工，正在进行设备安装" in said
