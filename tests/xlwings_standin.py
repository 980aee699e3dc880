"""A stand-in for the few xlwings calls the macros make, backed by a real workbook file (openpyxl).

It behaves as Excel does where it matters: a string assigned to Range.Value that starts with
"=" becomes a formula, one that starts with "'" becomes text without the apostrophe, a 2-D
list fills the block from the top-left cell. Kept to the calls udfs/sheets.py and
udfs/macros.py make; anything else raises AttributeError, so a new call shows up here.
"""
from __future__ import annotations

import os

import openpyxl
from openpyxl.utils import get_column_letter


class Font:
    def __init__(self, cells):
        self._cells = cells

    def _set(self, **kw):
        from openpyxl.styles import Font as CellFont

        for c in self._cells:
            old = c.font
            c.font = CellFont(name=kw.get("name", old.name), size=kw.get("size", old.size),
                              bold=kw.get("bold", old.bold))

    bold = property(None, lambda self, v: self._set(bold=v))
    size = property(None, lambda self, v: self._set(size=v))
    name = property(None, lambda self, v: self._set(name=v))


class Range:
    def __init__(self, sheet, first, last=None):
        self.sheet, self.first, self.last = sheet, first, last or first

    def _cells(self):
        (r0, c0), (r1, c1) = self.first, self.last
        return [self.sheet.ws.cell(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]

    @property
    def value(self):
        (r0, c0), (r1, c1) = self.first, self.last
        rows = [[self.sheet.ws.cell(r, c).value for c in range(c0, c1 + 1)] for r in range(r0, r1 + 1)]
        return rows[0][0] if (r0, c0) == (r1, c1) else rows

    @value.setter
    def value(self, v):
        rows = v if isinstance(v, list) and v and isinstance(v[0], list) else [[v]]
        r0, c0 = self.first
        for i, row in enumerate(rows):
            for j, x in enumerate(row):
                cell = self.sheet.ws.cell(r0 + i, c0 + j)
                if isinstance(x, str) and x.startswith("'"):
                    cell.value = x[1:]
                    cell.data_type = "s"
                else:
                    cell.value = x  # openpyxl, like Excel, takes "=…" as a formula

    @property
    def number_format(self):
        return self.sheet.ws.cell(*self.first).number_format

    @number_format.setter
    def number_format(self, fmt):
        for c in self._cells():
            c.number_format = fmt

    def merge(self):
        (r0, c0), (r1, c1) = self.first, self.last
        self.sheet.ws.merge_cells(start_row=r0, start_column=c0, end_row=r1, end_column=c1)

    @property
    def font(self):
        return Font(self._cells())

    @property
    def wrap_text(self):
        return self.sheet.ws.cell(*self.first).alignment.wrap_text

    @wrap_text.setter
    def wrap_text(self, on):
        from openpyxl.styles import Alignment

        for c in self._cells():
            c.alignment = Alignment(wrap_text=on, vertical="top")

    @property
    def column_width(self):
        return self.sheet.ws.column_dimensions[get_column_letter(self.first[1])].width

    @column_width.setter
    def column_width(self, w):
        self.sheet.ws.column_dimensions[get_column_letter(self.first[1])].width = w


def _address(a):
    if isinstance(a, tuple):
        return a
    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

    col, row = coordinate_from_string(a)
    return row, column_index_from_string(col)


class Sheet:
    def __init__(self, book, ws):
        self.book, self.ws = book, ws

    @property
    def name(self):
        return self.ws.title

    def range(self, first, last=None):
        if isinstance(first, str) and ":" in first:
            a, b = first.split(":")
            return Range(self, _address(a), _address(b))
        return Range(self, _address(first), _address(last) if last else None)

    def clear(self):
        for rng in list(self.ws.merged_cells.ranges):
            self.ws.unmerge_cells(str(rng))
        for row in self.ws.iter_rows():
            for c in row:
                c.value = None


class Sheets:
    def __init__(self, book):
        self.book = book

    def __iter__(self):
        return iter([Sheet(self.book, ws) for ws in self.book.wb.worksheets])

    def __len__(self):
        return len(self.book.wb.worksheets)

    def __getitem__(self, key):
        ws = self.book.wb[key] if isinstance(key, str) else self.book.wb.worksheets[key]
        return Sheet(self.book, ws)

    def add(self, name=None, after=None):
        index = self.book.wb.worksheets.index(after.ws) + 1 if after is not None else 0
        return Sheet(self.book, self.book.wb.create_sheet(name, index))


class App:
    def __init__(self):
        self.alerts: list[str] = []
        self.calculations = 0

    def alert(self, prompt, title=None, **_):
        self.alerts.append(prompt)

    def calculate(self):
        self.calculations += 1


class Book:
    """A workbook file opened as Excel would have it open."""

    def __init__(self, path):
        self.fullname = os.path.abspath(str(path))
        self.name = os.path.basename(self.fullname)
        self.wb = openpyxl.load_workbook(self.fullname) if os.path.exists(self.fullname) else openpyxl.Workbook()
        self.sheets = Sheets(self)
        self.names: dict = {}
        self.app = App()

    def save(self, path=None):
        self.wb.save(path or self.fullname)
