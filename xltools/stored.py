"""What a cell holds as stored, beyond what calamine's typed read tells (shared by the format scans)."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class StoredCell:
    row: int  # 0-based absolute sheet row (A1 = row 0)
    col: int  # 0-based absolute column
    kind: str  # "error" | "bool" | "formula"   (formula = a formula with no cached value)
    text: str  # what a user sees: "#DIV/0!", "TRUE"/"FALSE", "=SUM(B2:B3)"


@dataclass
class SheetFacts:
    cells: list[StoredCell] = field(default_factory=list)  # only cells in the asked columns, row order
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # (r0, c0, r1, c1), inclusive
    exact: bool = False  # True when every cell was parsed, False when a screen proved there was nothing


class EncryptedError(ValueError):
    """The file is password-protected (encrypted)."""


KINDS = ("error", "bool", "formula")

# Error codes shared by BIFF (BOOLERR, FORMULA results, ptgErr) — the text Excel shows.
ERROR_TEXT = {0x00: "#NULL!", 0x07: "#DIV/0!", 0x0F: "#VALUE!", 0x17: "#REF!", 0x1D: "#NAME?",
              0x24: "#NUM!", 0x2A: "#N/A", 0x2B: "#GETTING_DATA"}
