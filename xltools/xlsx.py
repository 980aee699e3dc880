"""Write table descriptions (tables.py) into a new workbook with xlsxwriter.

Publication look of a statistics bureau: 宋体, title and period/unit line, merged
two-level headers, borders, fixed decimals, frozen headers, A4 landscape fitted
to the page width with the header rows repeated. Text is always written as text:
a county or file name such as `=1+1` never becomes a formula or a link.
"""
from __future__ import annotations

import datetime
import unicodedata

import xlsxwriter

from .tables import Cell, Table, number_format

FONT = "宋体"
WORKBOOK_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
                    "default_format_properties": {"font_name": FONT, "font_size": 10}}
LINE_HEIGHT = 13.5  # points per line of 10-point 宋体


def text_width(text: str) -> int:
    """Width in Excel character units: CJK characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def lines_needed(text: str, width: float) -> int:
    width = max(width - 1, 1)
    return sum(max(1, -(-text_width(part) // int(width))) for part in str(text).split("\n"))


class Formats:
    def __init__(self, wb: xlsxwriter.Workbook):
        self.wb = wb
        self._cache: dict = {}
        base = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
        grid = dict(base, border=1)
        self.spec = {
            "title": dict(base, bold=True, font_size=16, align="center"),
            "subtitle_left": dict(base, align="left"),
            "subtitle_right": dict(base, align="right"),
            "header": dict(grid, bold=True, align="center", text_wrap=True),
            "name": dict(grid, align="left"),
            "subname": dict(grid, align="left", indent=1),
            "unit": dict(grid, align="center"),
            "figure": dict(grid, align="right"),
            "sum": dict(grid, align="right"),
            "param": dict(grid, align="center"),
            "text": dict(grid, align="left", text_wrap=True),
            "para": dict(base, align="left", text_wrap=True),
            "section": dict(base, bold=True, align="left", text_wrap=True),
            "note": dict(base, font_size=9, align="left", valign="top", text_wrap=True),
            "date": dict(grid, align="center"),
            "group": dict(grid, bold=True, align="left"),
            "total_name": dict(grid, bold=True, align="center"),
            "total": dict(grid, bold=True, align="right"),
        }

    def get(self, style: str, decimals: int | None = None):
        key = (style, decimals)
        if key not in self._cache:
            props = dict(self.spec[style])
            fmt = number_format(style, decimals)
            if fmt:
                props["num_format"] = fmt
            self._cache[key] = self.wb.add_format(props)
        return self._cache[key]


def write_cell(ws, fmts: Formats, row: int, col: int, cell: Cell) -> None:
    fmt = fmts.get(cell.style, cell.decimals)
    if cell.formula is not None:
        ws.write_formula(row, col, cell.formula, fmt, cell.value)
    elif isinstance(cell.value, datetime.date):
        value = cell.value if isinstance(cell.value, datetime.datetime) else \
            datetime.datetime.combine(cell.value, datetime.time())
        ws.write_datetime(row, col, value, fmts.get("date"))
    elif cell.value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(cell.value, str):
        ws.write_string(row, col, cell.value, fmt)
    else:
        ws.write_number(row, col, cell.value, fmt)


def _merge(ws, r0, c0, r1, c1, text, fmt):
    if (r0, c0) == (r1, c1):
        ws.write_string(r0, c0, text, fmt)
    else:
        ws.merge_range(r0, c0, r1, c1, text, fmt)


def write_table(wb: xlsxwriter.Workbook, fmts: Formats, t: Table) -> None:
    ws = wb.add_worksheet(t.sheet)
    last = t.columns - 1
    total_width = sum(t.widths)
    for i, w in enumerate(t.widths):
        ws.set_column(i, i, w)
    _merge(ws, 0, 0, 0, last, t.title, fmts.get("title"))
    ws.set_row(0, 28)
    left, right = t.subtitle
    if left:
        ws.write_string(1, 0, left, fmts.get("subtitle_left"))
    if right:
        ws.write_string(1, last, right, fmts.get("subtitle_right"))
    for i, row in enumerate(t.pre_rows):
        for c, cell in enumerate(row):
            write_cell(ws, fmts, t.pre_row(i), c, cell)
    hr = t.header_row
    for h in t.header:
        _merge(ws, hr + h.row, h.col, hr + h.last_row, h.last_col, h.text, fmts.get("header"))
    for r in range(t.header_rows):
        need = max((lines_needed(h.text, sum(t.widths[h.col:h.last_col + 1])) for h in t.header
                    if h.row == r and h.last_row == r), default=1)
        ws.set_row(hr + r, max(1, need) * LINE_HEIGHT + 4)
    for i, row in enumerate(t.rows):
        r = t.first_data_row + i
        if len(row) == 1 and row[0].span:
            cell = row[0]
            _merge(ws, r, 0, r, last, str(cell.value), fmts.get(cell.style))
            ws.set_row(r, lines_needed(str(cell.value), total_width) * LINE_HEIGHT + 3)
            continue
        if i in t.row_levels:
            ws.set_row(r, None, None, {"level": t.row_levels[i]})
        height = 1
        for c, cell in enumerate(row):
            write_cell(ws, fmts, r, c, cell)
            if cell.style == "text" and isinstance(cell.value, str):
                height = max(height, lines_needed(cell.value, t.widths[c]))
        if height > 1:
            ws.set_row(r, height * LINE_HEIGHT + 3)
    last_row = t.first_data_row + len(t.rows) - 1
    if t.row_levels:
        ws.outline_settings(True, False, True, False)  # summary rows above their details
    for col, colours in t.conditional.items():
        for text, colour in colours.items():
            ws.conditional_format(t.first_data_row, col, last_row, col, {
                "type": "cell", "criteria": "==", "value": f'"{text}"',
                "format": fmts.wb.add_format({"bg_color": colour, "font_name": FONT})})
    for i, note in enumerate(t.notes):
        r = t.notes_row + i
        _merge(ws, r, 0, r, last, note, fmts.get("note"))
        ws.set_row(r, lines_needed(note, total_width * 1.1) * 12 + 3)
        last_row = r
    for k, ch in enumerate(t.charts):
        chart = wb.add_chart({"type": ch.kind})
        col0, n = ch.categories
        r0 = t.first_data_row
        for name, col in ch.series:
            chart.add_series({"name": name, "categories": [t.sheet, r0, col0, r0 + n - 1, col0],
                              "values": [t.sheet, r0, col, r0 + n - 1, col],
                              "data_labels": {"value": True, "num_format": "0.0", "font": {"name": FONT, "size": 8}}})
        chart.set_title({"name": ch.title, "name_font": {"name": FONT, "size": 12, "bold": True}})
        chart.set_legend({"position": "bottom", "font": {"name": FONT, "size": 9}})
        axis = {"num_font": {"name": FONT, "size": 9}}
        chart.set_x_axis(axis)
        chart.set_y_axis(axis)
        if ch.kind == "bar":
            chart.set_y_axis(dict(axis, reverse=True))
        chart.set_size({"width": 620, "height": 330})
        ws.insert_chart(t.notes_row + len(t.notes) + 1 + k * 18, 0, chart, {"x_offset": 5, "y_offset": 5})
        last_row = t.notes_row + len(t.notes) + 1 + (k + 1) * 18
    # Print: A4 landscape, one page wide, header rows on every page.
    ws.set_paper(9)
    ws.set_landscape()
    ws.center_horizontally()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer(f"&C&\"{FONT}\"&9第 &P 页，共 &N 页")
    ws.print_area(0, 0, last_row, max(last, 8 if t.charts else last))
    ws.fit_to_pages(1, 1 if t.charts else 0)
    if t.header_rows:
        ws.repeat_rows(hr, hr + t.header_rows - 1)
        ws.freeze_panes(t.first_data_row, 1)
    if t.gridlines:
        ws.hide_gridlines(0)


def write_workbook(path: str, tables: list[Table], *, title: str = "") -> None:
    """One workbook, one sheet per table, in order. path is the final or temporary file."""
    wb = xlsxwriter.Workbook(path, WORKBOOK_OPTIONS)
    wb.set_properties({"title": title, "author": "xltools", "comments": "由 xltools 生成"})
    fmts = Formats(wb)
    for t in tables:
        write_table(wb, fmts, t)
    wb.close()
