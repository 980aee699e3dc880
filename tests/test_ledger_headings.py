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


def test_headings_and_subtotals_written_in_the_number_column(tmp_path):
    """序号 | 项目名称 | …, with "一、省列重大项目" typed in 序号 and the rest of the row empty — the common layout: the
    heading was dropped unseen and the projects under it lost their level (省列重大 2 where there are 3; a project
    vanished from the report), and 小计 in 序号 stopped the run. New-user test; failed before."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "重点项目"
    ws.append(["2023年重点项目台账"])
    ws.append(["单位：万元"])
    ws.append(["序号"] + HEAD)
    blank = [None] * len(HEAD)
    ws.append(["一、省列重大项目"] + blank)
    ws.append([1] + _no_level(P1))
    ws.append([2] + _no_level(P3))
    ws.append(["小计", None, None, None, None, None, 15000] + [None] * (len(HEAD) - 6))
    ws.append(["（二）市列重点项目"] + blank)
    ws.append([1] + _no_level(P2))
    path = tmp_path / "台账.xlsx"
    wb.save(path)
    ledger = read_ledger(str(path))
    assert [(p.name, p.level) for p in ledger.projects] == [("甲项目", "省列重大"), ("丙项目", "省列重大"),
                                                           ("乙项目", "市列重点")]
    assert [t for _, t in ledger.headings] == ["一、省列重大项目", "（二）市列重点项目"]
