from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StoredCell:
    row: int      # 0-based absolute sheet row (A1 = row 0)
    col: int      # 0-based absolute column
    kind: str     # "error" | "bool" | "formula"   (formula = a formula with no cached value)
    text: str     # what a user sees: "#DIV/0!", "TRUE"/"FALSE", "=SUM(B2:B3)"
@dataclass
class SheetFacts:
    cells: list[StoredCell]                       # only cells in `columns` (all if None), row order
    merged: list[tuple[int, int, int, int]]       # merged ranges (first_row, first_col, last_row, last_col), 0-based inclusive
class EncryptedError(ValueError): ...
