"""Cell types: every cell of a number column judged by what it holds as stored.

The source gives each cell as calamine's text of what is stored — a number's digits, text as
written, `true`/`false` for a logical cell, a date as a date — and, beside it, the cells calamine
could not give as text (Excel errors) and what a scan of the file found (formulas without a cached
value, errors stored as numbers in .ods). A number passes; text is parsed by the input contract's
rules (thousands separators, full-width digits, `-` for nothing); everything else is an input
error with its location: an error value, a logical value, a date (a date-formatted number is
always an error, wherever it stands in the file), a formula that was never calculated.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from .columns import UNIT_FACTORS, ColumnInfo
from .stored import StoredCell
from .values import to_numbers

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$|^\d{1,2}:\d{2}(:\d{2})?$|^-?P")
KIND_MESSAGES = {
    "error": "是 Excel 错误值，不是数字",
    "bool": "是逻辑值（TRUE/FALSE），不是数字",
    "date": "是日期或时间，不是数字（如果本应是数字，请把单元格格式改为“常规”或“数值”）",
    "formula": "是没有计算结果的公式，不是数字（请在 Excel 中打开、重新计算并保存后再读取）",
    "text": "不是数字",
}


@dataclass
class NumberColumn:
    """One number column in 千元 (persons as they are): values (0 where blank, NaN where bad)."""

    values: np.ndarray
    blank: np.ndarray
    bad: np.ndarray
    why: dict[int, tuple[object, str]] = field(default_factory=dict)  # data index -> (value shown, message)


def number_column(arr, info: ColumnInfo) -> NumberColumn:
    """Parse one column's stored text; a value that overflows when its unit is converted is bad."""
    values, blank, bad = to_numbers(arr)
    factor = UNIT_FACTORS.get(info.unit or "千元", 1.0) if info.spec.kind == "money" else 1.0
    if factor != 1.0:
        with np.errstate(over="ignore", invalid="ignore"):
            values = values * factor
        bad = bad | ~np.isfinite(values)
    column = NumberColumn(values, blank, bad)
    if bad.any():
        where = np.flatnonzero(bad)
        texts = arr.take(pa.array(where)).to_pylist() if len(where) < 100_000 else [None] * len(where)
        for i, text in zip(where.tolist(), texts):
            column.why[i] = _judged(text)
    return column


def _judged(text) -> tuple[object, str]:
    if text is None:
        return None, KIND_MESSAGES["text"]
    if text in ("true", "false"):  # calamine's text of a logical cell
        return text.upper(), KIND_MESSAGES["bool"]
    if _DATE.match(text):
        return text, KIND_MESSAGES["date"]
    return text, KIND_MESSAGES["text"]


def apply_stored(columns: dict[int, NumberColumn], cells: list[StoredCell], data_start: int) -> None:
    """Cells calamine gave as empty but that hold an error, a logical value or an uncalculated formula."""
    for cell in cells:
        column = columns.get(cell.col)
        i = cell.row - data_start
        if column is None or not 0 <= i < len(column.values):
            continue
        column.bad[i] = True
        column.blank[i] = False
        column.values[i] = np.nan
        shown = cell.text if cell.kind != "bool" else cell.text.upper()
        column.why[i] = (shown, KIND_MESSAGES.get(cell.kind, KIND_MESSAGES["text"]))
