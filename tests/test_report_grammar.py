"""The report's sentence grammar: every clause optional, never an empty clause, every number a table figure.

Inputs are the sample export flattened to one header row (工业总产值本期, 工业总产值上年同期 …) and written
back as real .xlsx files with a subset of its columns, read by the real reader through the real CLI.
"""
from __future__ import annotations

import os
import re

import openpyxl
import pytest
import xlsxwriter

from helpers import run_cli

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, "..", "workbooks", "samples", "bureau_2022.xlsx")
ID_COLUMNS = ("统一社会信用代码", "单位详细名称", "行业代码", "县(区)", "战略性新兴产业类别")
# What a broken sentence looks like: a clause emptied with its punctuation left behind.
EMPTY_CLAUSES = ("，；", "，。", "；。", "为；", "为。", "、，", "，，", "；；", "。。", "，、", "（）")


def sample_table() -> tuple[list[str], list[list]]:
    """The sample's header flattened (top + sub label) and its enterprise rows (total row left out)."""
    ws = openpyxl.load_workbook(SAMPLE, read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    head, top = [], None
    for t, s in zip(rows[2], rows[3]):
        top = t or top
        head.append((top or "") + (s or ""))
    return head, [list(r) for r in rows[5:] if r[1]]


def write_export(path, head, body, keep=None, blank=()) -> str:
    """A real .xlsx export with the columns `keep` (all when None); cells in `blank` ((row, column)) left empty."""
    cols = [i for i, h in enumerate(head) if keep is None or h in keep or h in ID_COLUMNS]
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("企业")
    ws.write_row(0, 0, ["2022年1-12月规模以上工业企业主要经济指标"])
    ws.write_row(1, 0, ["单位：千元"])
    ws.write_row(2, 0, [head[i] for i in cols])
    for r, row in enumerate(body):
        for c, i in enumerate(cols):
            if row[i] is not None and (r, head[i]) not in blank:
                ws.write(3 + r, c, row[i])
    wb.close()
    return str(path)


def assert_no_broken_sentence(text: str) -> None:
    body = text.split("## 说明")[0]
    for bad in EMPTY_CLAUSES:
        assert bad not in body, (bad, body)
    for line in body.splitlines():
        if line and not line.startswith("#"):
            assert line.endswith(("。", "）")), line
            assert not re.search(r"[，；、]$", line), line


def test_an_export_without_last_year_has_no_empty_clause(tmp_path):
    head, body = sample_table()
    src = write_export(tmp_path / "2022年1-12月.xlsx", head, body, [h for h in head if "上年同期" not in h])
    proc = run_cli("report", src)
    assert proc.returncode == 0, proc.stderr
    assert "实现工业总产值667.64亿元；实现工业增加值200.29亿元，占全市规模以上工业的26.1%；实现营业收入664.39亿元；" \
           "实现利润总额49.49亿元。" in proc.stdout
    assert_no_broken_sentence(proc.stdout)


def test_an_export_without_output_and_value_added(tmp_path):
    head, body = sample_table()
    src = write_export(tmp_path / "2022年1-12月.xlsx", head, body,
                       [h for h in head if not h.startswith(("工业总产值", "工业增加值"))])
    proc = run_cli("report", src)
    assert proc.returncode == 0, proc.stderr
    assert "工业总产值" not in proc.stdout.split("## 说明")[0] and "增加值" not in proc.stdout.split("## 说明")[0]
    assert "营业收入" in proc.stdout  # categories weighed by revenue
    assert_no_broken_sentence(proc.stdout)


def test_no_sei_enterprise_is_an_input_error_before_any_text(tmp_path):
    head, body = sample_table()
    cat = head.index("战略性新兴产业类别")
    for row in body:
        row[cat] = None
    src = write_export(tmp_path / "2022年1-12月.xlsx", head, body)
    out = tmp_path / "发展现状.md"
    proc = run_cli("report", src, "-o", out)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "没有战略性新兴产业企业" in proc.stderr and not out.exists()
    proc = run_cli("report", src)
    assert proc.returncode == 2 and proc.stdout == ""
