"""Group heading rows of the project sheet (一、省列重大项目 / （二）市列重点项目): not projects; the rows
under a heading with a blank 项目级别 take the level it names; validate lists the headings."""
from __future__ import annotations

from helpers import run_cli
from test_tracker import HEAD, P1, P2, P3, write_ledger
from workbook_reading import values
from xltools.ledger import read_ledger

BLANK = [None] * (len(HEAD) - 2)


def _no_level(p):
    return p[:3] + [None] + p[4:]


def test_group_headings_are_not_projects_and_give_the_level(tmp_path):
    rows = [["一", "省列重大项目"] + BLANK, _no_level(P1),
            [None, "二、市列重点项目"] + BLANK, _no_level(P2), P3,
            [None, "（三）其他项目"] + BLANK]
    src = write_ledger(tmp_path / "台账.xlsx", projects=rows)
    ledger = read_ledger(src)
    assert [(p.name, p.level) for p in ledger.projects] == [("甲项目", "省列重大"), ("乙项目", "市列重点"),
                                                           ("丙项目", "市列重点")]
    proc = run_cli("validate", src)
    assert proc.returncode == 0, proc.stderr
    assert "项目级别：省列重大项目 1 个、市列重点项目 2 个\n" in proc.stdout
    assert "分组标题行（不是项目，其下项目级别为空时取标题所说的级别）：第4行“一 省列重大项目”、第6行“二、市列重点项目”、" \
           "第9行“（三）其他项目”" in proc.stdout
    out = tmp_path / "进度.xlsx"
    assert run_cli("tracker", src, "-o", out, "--as-of", "2023-07-02").returncode == 0
    names = [r[0] for r in values(out)["项目总览"] if r]
    assert "甲项目" in names and not any("省列重大项目" == n or "二、市列重点项目" == n for n in names)


def test_a_project_with_a_name_only_is_still_a_project(tmp_path):
    rows = [P1, [None, "临川铝业年产20万吨铝合金板带箔项目"] + BLANK]
    assert len(read_ledger(write_ledger(tmp_path / "台账.xlsx", projects=rows)).projects) == 2
