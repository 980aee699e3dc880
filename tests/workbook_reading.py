"""Reading generated workbooks back with independent readers (openpyxl, the raw XML)."""
from __future__ import annotations

import html
import re
import zipfile

import openpyxl


def formula_cells(path) -> dict[tuple[str, str], tuple[str, object]]:
    """{(sheet, coordinate): (formula, cached value)} of every formula cell."""
    wf = openpyxl.load_workbook(path)
    wc = openpyxl.load_workbook(path, data_only=True)
    out = {}
    for ws in wf.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    out[(ws.title, c.coordinate)] = (c.value, wc[ws.title][c.coordinate].value)
    return out


def values(path) -> dict[str, list[list]]:
    """Every sheet's cached values as a grid."""
    wb = openpyxl.load_workbook(path, data_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def parts(path) -> dict[str, str]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n).decode("utf-8", "replace") for n in z.namelist()}


def sheet_formulas(path) -> list[str]:
    """The text of every <f> element in every worksheet part."""
    out = []
    for name, xml in parts(path).items():
        if name.startswith("xl/worksheets/"):
            out += [html.unescape(f) for f in re.findall(r"<f>(.*?)</f>", xml)]
    return out


def same(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(a - b) <= 1e-9 * max(1.0, abs(a))
    return a == b
