"""The header: which of a sheet's first rows names the columns, and what each column is.

A header is found by what it names, not where it is: the first row (with the marker row under
it, when the periods stand in a second row under merged parents) whose cells name an identifier
and at least two indicator columns. Rows above it are titles and unit lines.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from . import columns as colmod
from .columns import ColumnInfo, HeaderMatch
from .sources import PEEK_ROWS

NUMBER_KINDS = {"money", "persons"}
TEXT_KINDS = {"identifier", "code", "text", "category", "size", "year"}


@dataclass
class HeaderLayout:
    sheet: str
    header_rows: tuple[int, ...]
    data_start: int
    columns: dict[str, ColumnInfo]
    unknown: list[str]
    above: list[str]  # text of the rows above the header (titles, unit line)
    first_col: int = 0  # leftmost column with a header
    notes: list[str] = field(default_factory=list)
    labels: dict[int, str] = field(default_factory=dict)  # every header text by column

    def by_kind(self, kinds: set[str]) -> list[ColumnInfo]:
        return sorted((i for i in self.columns.values() if i.spec.kind in kinds), key=lambda i: i.col)


def _cell(row: list, c: int):
    return row[c] if c < len(row) else None


def _is_marker_row(row: list) -> bool:
    cells = [v for v in row if v is not None]
    if len(cells) < 2:
        return False
    markers = sum(1 for v in cells if colmod.is_marker(v))
    return markers >= 2 and markers >= len(cells) - 1


def header_labels(rows: list[list], r: int) -> tuple[dict[int, str], tuple[int, ...]]:
    """Header texts by column for a header starting at row r (with a marker row under it)."""
    top = rows[r]
    sub = rows[r + 1] if r + 1 < len(rows) and _is_marker_row(rows[r + 1]) else None
    labels: dict[int, str] = {}
    parent = None
    width = max(len(top), len(sub) if sub else 0)
    for c in range(width):
        t = _cell(top, c)
        b = _cell(sub, c) if sub else None
        if t is not None:
            parent = t
        if b is not None and colmod.is_marker(b):
            name = t if t is not None else parent
            if name is not None:
                labels[c] = f"{name}{b}"
        elif t is not None:
            labels[c] = t
        elif b is not None:
            labels[c] = b
    return labels, ((r, r + 1) if sub else (r,))


def matches(labels: dict[int, str], table: str = colmod.BUREAU) -> dict[int, HeaderMatch]:
    out = {}
    for c, text in labels.items():
        m = colmod.match_header(text, table)
        if m is not None:
            out[c] = m
    return out


def bureau_header_ok(found: dict[int, HeaderMatch]) -> bool:
    """An identifier column plus at least two indicator columns (单位名称, 营业收入, 利润总额 is data too)."""
    ids = {m.spec.id for m in found.values()}
    indicators = {m.key for m in found.values() if m.spec.kind in NUMBER_KINDS}
    return bool(ids & {"ent_id", "ent_name"}) and len(indicators) >= 2


def locate_header(rows: list[list], sheet: str, accept: Callable[[dict], bool],
                  table: str = colmod.BUREAU, default_unit: str = "千元") -> HeaderLayout | None:
    for r in range(min(len(rows), PEEK_ROWS)):
        if not any(v is not None for v in rows[r]):
            continue
        labels, header_rows = header_labels(rows, r)
        found = matches(labels, table)
        if not accept(found):
            continue
        return layout(rows, sheet, header_rows, labels, found, default_unit, table)
    return None


def closest_header(rows: list[list]) -> tuple[int, dict[int, HeaderMatch]]:
    """The row that names most known columns (for the message when no header is found)."""
    best: tuple[int, dict] = (0, {})
    for r in range(len(rows)):
        labels, _ = header_labels(rows, r)
        found = matches(labels)
        if len(found) > len(best[1]):
            best = (r, found)
    return best


def layout(rows, sheet, header_rows, labels, found, default_unit: str = "千元",
           table: str = colmod.BUREAU) -> HeaderLayout:
    above_rows = rows[: header_rows[0]]
    above = [str(v) for row in above_rows for v in row if v is not None]
    line_unit = None
    for text in above:
        line_unit = colmod.unit_line(text) or line_unit
    chosen, unknown, notes = colmod.map_columns(labels, found, line_unit or default_unit, table)
    start = header_rows[-1] + 1
    return HeaderLayout(sheet, header_rows, start, chosen, unknown, above, min(labels, default=0), notes, labels)
