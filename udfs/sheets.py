"""The second target of the table descriptions (xltools/tables.py): sheets of an open workbook.

xlsx.py writes a Table into a new file with xlsxwriter; this writes the same Table, in the
same layout, into a workbook open in Excel through the few xlwings calls below, so that
the ribbon's 生成汇总表 gives the same cells as `xltools summary`. The whole grid goes in
one assignment (one round trip to Excel); formulas are strings starting with "=", as
Excel's Range.Value takes them, and text that starts like a formula is written with
Excel's text prefix (') so that it stays text.

Calls used: book.sheets (iterate, [name], add(name, after=)), sheet.clear(),
sheet.range((row, col)[, (row, col)]) with .value, .number_format, .merge(), .font.bold,
.font.size, .font.name and .column_width.
"""
from __future__ import annotations

from xltools.tables import Cell, Table, number_format

FONT = "宋体"
FORMULA_LIKE = ("=", "+", "-", "@", "'")


def as_excel_value(cell: Cell | str | None):
    """What to assign to Range.Value for a cell: its formula, a number, or text kept as text."""
    if isinstance(cell, Cell):
        if cell.formula is not None:
            return cell.formula
        value = cell.value
    else:
        value = cell
    if isinstance(value, str) and value.startswith(FORMULA_LIKE):
        return "'" + value
    return value


def sheet(book, name: str):
    """The sheet `name`, emptied; added after the last sheet when the workbook has none of that name."""
    names = [s.name for s in book.sheets]
    if name in names:
        target = book.sheets[name]
        target.clear()
        return target
    return book.sheets.add(name, after=book.sheets[len(names) - 1])


def grid(t: Table) -> list[list]:
    """The whole table as rows of values, laid out as xlsx.py lays it out."""
    width = t.columns
    rows: list[list] = [[None] * width for _ in range(t.notes_row + len(t.notes))]
    rows[0][0] = t.title
    rows[1][0], rows[1][width - 1] = t.subtitle[0] or None, t.subtitle[1] or None
    for i, pre in enumerate(t.pre_rows):
        for c, cell in enumerate(pre):
            rows[t.pre_row(i)][c] = as_excel_value(cell)
    for h in t.header:
        rows[t.header_row + h.row][h.col] = as_excel_value(h.text)
    for i, row in enumerate(t.rows):
        for c, cell in enumerate(row):
            rows[t.first_data_row + i][c] = as_excel_value(cell)
    for i, note in enumerate(t.notes):
        rows[t.notes_row + i][0] = as_excel_value(note)
    return rows


def write_table(book, t: Table):
    ws = sheet(book, t.sheet)
    values = grid(t)
    ws.range((1, 1)).value = values
    last = t.columns
    ws.range((1, 1), (len(values), last)).font.name = FONT
    title = ws.range((1, 1), (1, last))
    title.merge()
    title.font.bold = True
    title.font.size = 16
    hr = t.header_row + 1
    for h in t.header:
        rng = ws.range((hr + h.row, h.col + 1), (hr + h.last_row, h.last_col + 1))
        if (h.row, h.col) != (h.last_row, h.last_col):
            rng.merge()
        rng.font.bold = True
    # Number formats, one call per run of equal formats down a column.
    for c in range(last):
        runs: list[list] = []
        for i, row in enumerate(t.rows):
            cell = row[c] if c < len(row) else None
            fmt = number_format(cell.style, cell.decimals) if cell is not None else None
            r = t.first_data_row + i + 1
            if runs and runs[-1][2] == fmt:
                runs[-1][1] = r
            else:
                runs.append([r, r, fmt])
        for r0, r1, fmt in runs:
            if fmt:
                ws.range((r0, c + 1), (r1, c + 1)).number_format = fmt
    for c, width in enumerate(t.widths):
        ws.range((1, c + 1)).column_width = width
    return ws


def write_rows(book, name: str, header: list[str], rows: list[list], widths: list[float] | None = None):
    """A plain list sheet (校验结果): a bold header row and text values, nothing evaluated."""
    ws = sheet(book, name)
    ws.range((1, 1)).value = [[as_excel_value(v) for v in header]] + [[as_excel_value(v) for v in r] for r in rows]
    ws.range((1, 1), (1 + len(rows), len(header))).font.name = FONT
    ws.range((1, 1), (1, len(header))).font.bold = True
    for c, width in enumerate(widths or []):
        ws.range((1, c + 1)).column_width = width
    return ws
