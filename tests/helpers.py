"""Builders of real input files, in the layouts bureau exports come in."""
from __future__ import annotations

import csv
import hashlib
import os
import subprocess
import sys

import openpyxl
import xlsxwriter

TITLE = "2022年1-12月规模以上工业企业主要经济指标"


def write_xlsx(path, rows, *, sheet="企业", merges=(), before_sheets=()):
    """Rows of values (None = empty cell) into one sheet with openpyxl; merges like 'F3:G3'."""
    wb = openpyxl.Workbook()
    first = wb.active
    for i, (name, cover_rows) in enumerate(before_sheets):
        ws = first if i == 0 else wb.create_sheet(name)
        ws.title = name
        for r in cover_rows:
            ws.append(list(r))
    ws = wb.create_sheet(sheet) if before_sheets else first
    ws.title = sheet
    for r in rows:
        ws.append(list(r))
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return str(path)


def write_xlsx_raw(path, rows, *, sheet="企业"):
    """Rows written with xlsxwriter: strings stay strings (never formulas/numbers)."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
    ws = wb.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is None:
                continue
            if isinstance(v, tuple) and v and v[0] == "formula":
                ws.write_formula(r, c, v[1], None, v[2])
            elif isinstance(v, str):
                ws.write_string(r, c, v)
            else:
                ws.write(r, c, v)
    wb.close()
    return str(path)


def write_xls(path, rows, *, sheet="企业"):
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet(sheet)
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is not None:
                ws.write(r, c, v)
    wb.save(str(path))
    return str(path)


def write_csv(path, rows, *, encoding="utf-8"):
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        for row in rows:
            w.writerow(["" if v is None else v for v in row])
    return str(path)


def basic_rows(unit_line="单位：千元", title=TITLE):
    """A small export: title, unit line, one header row with markers in the cell, three enterprises."""
    return [
        [title],
        [unit_line],
        ["统一社会信用代码", "单位详细名称", "行业代码", "县(区)", "战略性新兴产业类别",
         "营业收入本期", "营业收入上年同期", "营业成本本期", "利润总额本期", "利润总额上年同期"],
        ["91620300000000001A", "甲公司", "3216", "镍都区", "新材料", 1000.5, 900, 800, 50, 40],
        ["91620300000000002B", "乙公司", "C3985", "永安县", "", 2000, 1800, 1900, -30, 10],
        ["091620300000000003", "丙公司", "4415", "镍都区", "6", 300.25, None, 250, 20, None],
    ]


def sha256(path) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def run_cli(*args, cwd=None):
    """Run the real command in a child process, as a user would."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run([sys.executable, "-m", "xltools", *map(str, args)], capture_output=True,
                          text=True, encoding="utf-8", cwd=cwd, env=env)
