"""Write table descriptions (tables.py) into a new workbook with xlsxwriter.

Publication look of a statistics bureau: 宋体, title and period/unit line, merged
two-level headers, borders, fixed decimals, frozen headers. Printed as a bureau
prints: A4 (or A3) landscape, never smaller than 9 pt — a table that fits the page
width at 90 % or more is scaled to it, a wider one spreads over pages across with
its row labels repeated (print titles for columns as for rows), each page holding
whole column groups and the notes printed once, on the first page; the header rows
repeat on every page. Text is always written as text: a county or file name such
as `=1+1` never becomes a formula or a link.
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
SMALLEST_FONT = 10  # points: every text on a printed sheet, so that 90 % scaling still prints 9 pt
MIN_SCALE = 90      # percent: below this a table spreads over pages across instead of shrinking
PAPERS = {"A4": (9, 842), "A3": (8, 1191)}  # xlsxwriter paper index, landscape width in points
SIDE_MARGIN = 0.4   # inches, left and right
CHART_SIZE = (390, 300)  # pixels: two charts side by side on a landscape A4 page


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
            "note": dict(base, font_size=SMALLEST_FONT, align="left", valign="top", text_wrap=True),
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


def column_points(width: float) -> float:
    """A column's printed width in points, as LibreOffice prints 宋体 10 (measured: 6.35 pt a character and
    4.5 pt a column); Excel's 7-pixel digit makes it 5.25 pt, so a table that fits here fits there."""
    return width * 6.4 + 5


def print_scale(widths: list[float], paper: str) -> int | None:
    """The scale that fits these columns to the page width, if it is at least MIN_SCALE (100 when they fit
    as they are); None when the table has to spread over pages across."""
    printable = printable_width(paper)
    fit = int(100 * printable / sum(column_points(w) for w in widths))
    return min(100, fit) if fit >= MIN_SCALE else None


def printable_width(paper: str) -> float:
    """Points across a landscape page between the margins, less a little room for rounding."""
    return (PAPERS[paper][1] - 2 * SIDE_MARGIN * 72) * 0.97


def column_groups(t: Table, columns: int) -> list[tuple[int, int]]:
    """(first, last) column of each group after the row labels: a top header over several columns is one
    group (工业总产值 over 本期, 同比增长 …), any other column a group of its own."""
    owner = list(range(columns))
    for h in t.header:
        if h.row == 0:
            for c in range(h.col, min(h.last_col, columns - 1) + 1):
                owner[c] = h.col
    groups: list[list[int]] = []
    for c in range(1, columns):
        if groups and owner[c] == owner[groups[-1][1]]:
            groups[-1][1] = c
        else:
            groups.append([c, c])
    return [(a, b) for a, b in groups]


def column_breaks(t: Table, widths: list[float], paper: str) -> list[int]:
    """Columns that start a page of a table spread across at 100 %: each page holds whole column groups
    beside the repeated row labels (column A), so every printed column has its group header above it;
    a group wider than a page alone is broken column by column."""
    room = printable_width(paper) - column_points(widths[0])
    breaks: list[int] = []
    used = 0.0
    for first, last in column_groups(t, len(widths)):
        points = sum(column_points(w) for w in widths[first:last + 1])
        if used + points <= room:
            used += points
            continue
        if used > 0:
            breaks.append(first)
            used = 0.0
        if points <= room:
            used = points
            continue
        for c in range(first, last + 1):
            p = column_points(widths[c])
            if used + p > room and used > 0:
                breaks.append(c)
                used = 0.0
            used += p
    return breaks


def write_table(wb: xlsxwriter.Workbook, fmts: Formats, t: Table, paper: str = "A4") -> None:
    ws = wb.add_worksheet(t.sheet)
    last = t.columns - 1
    total_width = sum(t.widths)
    for i, w in enumerate(t.widths):
        ws.set_column(i, i, w)
    # The title over the first printed page when the table spreads across (merged wider, it prints on a later one).
    # The unit stays above the last column, where the ribbon's copy of the table has it too.
    spread = not t.charts and print_scale(t.widths, paper) is None
    column_pages = column_breaks(t, t.widths, paper) if spread else []
    page = column_pages[0] - 1 if column_pages else last
    _merge(ws, 0, 0, 0, page, t.title, fmts.get("title"))
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
    breaks: list[int] = []
    for h in t.header:
        _merge(ws, hr + h.row, h.col, hr + h.last_row, h.last_col, h.text, fmts.get("header"))
    for r in range(t.header_rows):
        need = max((lines_needed(h.text, sum(t.widths[h.col:h.last_col + 1])) for h in t.header
                    if h.row == r and h.last_row == r), default=1)
        ws.set_row(hr + r, max(1, need) * LINE_HEIGHT + 4)
    for i, row in enumerate(t.rows):
        r = t.first_data_row + i
        if i in t.page_breaks_before:
            breaks.append(r)
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
    # Notes print once, on the first page: spread across, column A repeats on every page, so there they
    # start in column B and end with the first page (a note in column A would print a fragment on each page).
    first_note_col = 1 if column_pages and page > 1 else 0
    note_width = sum(t.widths[first_note_col:page + 1])
    for i, note in enumerate(t.notes):
        r = t.notes_row + i
        _merge(ws, r, first_note_col, r, page, note, fmts.get("note"))
        ws.set_row(r, lines_needed(note, note_width) * LINE_HEIGHT + 3)
        last_row = r
    if t.charts and t.charts_own_page:
        breaks.append(t.notes_row + len(t.notes) + 1)
    for k, ch in enumerate(t.charts):
        chart = wb.add_chart({"type": ch.kind})
        col0, n = ch.categories
        r0 = t.first_data_row
        for name, col in ch.series:
            series = {"name": name, "categories": [t.sheet, r0, col0, r0 + n - 1, col0],
                      "values": [t.sheet, r0, col, r0 + n - 1, col]}
            if ch.labels:
                series["data_labels"] = {"value": True, "num_format": "0.0",
                                         "font": {"name": FONT, "size": SMALLEST_FONT}}
            if ch.kind == "line":
                series["marker"] = {"type": "circle", "size": 5}
            chart.add_series(series)
        chart.set_title({"name": ch.title, "name_font": {"name": FONT, "size": 12, "bold": True}})
        chart.set_legend({"position": "bottom", "font": {"name": FONT, "size": SMALLEST_FONT}})
        axis = {"num_font": {"name": FONT, "size": SMALLEST_FONT}}
        chart.set_x_axis(axis)
        chart.set_y_axis(axis)
        if ch.kind == "bar":
            chart.set_y_axis(dict(axis, reverse=True))
        width, height = ch.size or CHART_SIZE
        chart.set_size({"width": width, "height": height})
        ws.insert_chart(t.notes_row + len(t.notes) + 1, 0, chart, {"x_offset": 5 + k * (width + 10),
                                                                 "y_offset": 5})
        last_row = max(last_row, t.notes_row + len(t.notes) + 1 + height // 20 + 1)
    _set_print_layout(ws, t, last_row, max(last, 8 if t.charts else last), breaks, column_pages, paper)


def _set_print_layout(ws, t: Table, last_row: int, last_col: int, breaks: list[int], column_pages: list[int],
                      paper: str) -> None:
    """Landscape, at least 9 pt: scaled to the page width only down to MIN_SCALE, else spread over pages
    across (left to right, then down) with the row labels repeated; header rows on every page; frozen."""
    ws.set_paper(PAPERS[paper][0])
    ws.set_landscape()
    ws.center_horizontally()
    ws.set_margins(left=SIDE_MARGIN, right=SIDE_MARGIN, top=0.6, bottom=0.6)
    ws.set_footer(f"&C&\"{FONT}\"&{SMALLEST_FONT}第 &P 页，共 &N 页")
    ws.print_area(0, 0, last_row, last_col)
    widths = t.widths + [8.43] * (last_col + 1 - len(t.widths))
    scale = print_scale(widths, paper)
    if scale is None:
        ws.repeat_columns(0)
        ws.print_across()
    elif scale < 100:
        ws.set_print_scale(scale)
    if t.header_rows:
        ws.repeat_rows(t.header_row, t.first_data_row - 1)
        ws.freeze_panes(t.first_data_row, 1)
    elif t.print_header_row is not None:  # a table inside the body (说明's definitions)
        row = t.first_data_row + t.print_header_row
        ws.repeat_rows(row, row)
    if breaks:
        ws.set_h_pagebreaks(breaks)
    if column_pages:
        ws.set_v_pagebreaks(column_pages)
    if t.gridlines:
        ws.hide_gridlines(0)


def write_workbook(path: str, tables: list[Table], *, title: str = "", paper: str = "A4") -> None:
    """One workbook, one sheet per table, in order. path is the final or temporary file; paper A4 or A3."""
    wb = xlsxwriter.Workbook(path, WORKBOOK_OPTIONS)
    wb.set_properties({"title": title, "author": "xltools", "comments": "由 xltools 生成"})
    fmts = Formats(wb)
    for t in tables:
        write_table(wb, fmts, t, paper)
    wb.close()
