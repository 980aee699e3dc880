"""What a workbook stores that calamine does not show: the facts the binary scanners report.

calamine (through fastexcel) returns a boolean cell as 1.0/0.0, and in some spellings an
error or a formula without a cached result as 0.0 or an empty cell, without a word.
scan_xls and scan_ods read the stored file themselves and list those cells, at the
absolute sheet positions fastexcel reports with header_row=None, skip_rows=0
(A1 = (0, 0)), so the reader can join them on (row, col).
"""
from __future__ import annotations

from dataclasses import dataclass, field

KINDS = ("error", "bool", "formula")


class EncryptedError(ValueError):
    """The workbook is encrypted (password to open): nothing in it can be read."""


@dataclass(frozen=True)
class StoredCell:
    row: int    # 0-based absolute sheet row
    col: int    # 0-based absolute sheet column
    kind: str   # "error" | "bool" | "formula" (a formula with no cached value)
    text: str   # what a user sees: "#DIV/0!", "TRUE"/"FALSE", "=SUM(B2:B3)"


@dataclass
class SheetFacts:
    cells: list[StoredCell] = field(default_factory=list)   # only the asked columns, in row order
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (r0, c0, r1, c1), inclusive


# Error codes shared by BIFF (BOOLERR, FORMULA results, ptgErr) — the text Excel shows.
ERROR_TEXT = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?",
              0x24: "#NUM!", 0x2A: "#N/A", 0x2B: "#GETTING_DATA"}
