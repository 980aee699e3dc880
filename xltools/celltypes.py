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
import pyarrow.compute as pc

from .columns import UNIT_FACTORS, ColumnInfo
from .stored import StoredCell
from .values import to_numbers

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?$|^\d{1,2}:\d{2}(:\d{2})?$|^-?P")
KIND_MESSAGES = {
    "error": "是 Excel 错误值，不是数字",
    "bool": "是逻辑值（TRUE/FALSE），不是数字",
    "date": "是日期或时间，不是数字（如果本应是数字，请把单元格格式改为“常规”或“数值”）",
    "formula": "是没有计算结果的公式，不是数字（请在 Excel 中打开、重新计算并保存后再读取）",
    "stale": "是公式，而工作簿要求打开时重新计算（fullCalcOnLoad），文件中保存的结果不可信（请在 Excel 中打开、"
             "重新计算并保存后再读取）",
    "text": "不是数字",
}


@dataclass
class NumberColumn:
    """One number column in 千元 (persons as they are): values (0 where blank, NaN where bad)."""

    values: np.ndarray
    blank: np.ndarray
    bad: np.ndarray
    factor: float = 1.0  # to 千元
    why: dict[int, tuple[object, str]] = field(default_factory=dict)  # data index -> (value shown, message)


def _parsed(arr, factor: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    values, blank, bad = to_numbers(arr)
    if factor != 1.0:
        with np.errstate(over="ignore", invalid="ignore"):
            values = values * factor
        bad = bad | ~np.isfinite(values)
    return values, blank, bad


def number_column(arr, info: ColumnInfo) -> NumberColumn:
    """One column as calamine typed it: numbers as they are, text parsed by the contract's rules,
    logical and date columns (a type guessed from the first rows) every filled cell an error.
    A value that overflows when its unit is converted is bad."""
    factor = UNIT_FACTORS.get(info.unit or "千元", 1.0) if info.spec.kind == "money" else 1.0
    typ = arr.type
    if pa.types.is_boolean(typ) or pa.types.is_temporal(typ):
        arr = arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr
        filled = pc.is_valid(arr).to_numpy(zero_copy_only=False)
        column = NumberColumn(np.where(filled, np.nan, 0.0), ~filled, filled, factor)
        kind = "bool" if pa.types.is_boolean(typ) else "date"
        for i in np.flatnonzero(filled).tolist():
            value = arr[i].as_py()
            column.why[i] = (str(value).upper() if kind == "bool" else str(value), KIND_MESSAGES[kind])
        return column
    values, blank, bad = _parsed(arr, factor)
    column = NumberColumn(values, blank, bad, factor)
    if bad.any():
        where = np.flatnonzero(bad)
        texts = arr.take(pa.array(where)).to_pylist() if len(where) < 100_000 else [None] * len(where)
        for i, text in zip(where.tolist(), texts):
            column.why[i] = _judged(text)
    return column


def _judged(text) -> tuple[object, str]:
    if text is None:
        return None, KIND_MESSAGES["text"]
    if isinstance(text, float):  # text such as "NaN" or "inf" that calamine took for a number
        text = "NaN" if text != text else ("inf" if text > 0 else "-inf")
    if text.lower() in ("true", "false"):  # calamine's text of a logical cell
        return text.upper(), KIND_MESSAGES["bool"]
    if _DATE.match(text):
        return text, KIND_MESSAGES["date"]
    return text, KIND_MESSAGES["text"]


def apply_stored(columns: dict[int, NumberColumn], cells: list[StoredCell], data_start: int) -> None:
    """Cells calamine gave as empty or as a number, with what they hold as stored: text (parsed by
    the contract's rules), an error, a date, a logical value, an uncalculated formula."""
    texts: dict[int, list[tuple[int, str]]] = {}
    typed: list[tuple[NumberColumn, int, StoredCell]] = []
    for cell in cells:
        column = columns.get(cell.col)
        i = cell.row - data_start
        if column is None or not 0 <= i < len(column.values):
            continue
        if cell.kind == "text":
            texts.setdefault(cell.col, []).append((i, cell.text))
        else:
            typed.append((column, i, cell))
    for col, found in texts.items():
        column = columns[col]
        where = np.array([i for i, _ in found], dtype=np.int64)
        raw = pa.array([t for _, t in found], pa.string())
        values, blank, bad = _parsed(raw, column.factor)
        column.values[where] = np.where(bad, np.nan, values)
        column.blank[where] = blank & ~bad
        column.bad[where] = bad
        for i, text, b in zip(where.tolist(), raw.to_pylist(), bad.tolist()):
            if b:
                column.why[i] = _judged(text)
            else:
                column.why.pop(i, None)
    # What a scan of the file found stored wins over calamine's text of the same cell (an .ods
    # error or an .xls uncalculated formula that calamine gives as an empty string).
    for column, i, cell in sorted(typed, key=lambda t: t[2].kind != "stale"):  # a stale formula's own error says more
        column.bad[i] = True
        column.blank[i] = False
        column.values[i] = np.nan
        shown = cell.text if cell.kind != "bool" else cell.text.upper()
        column.why[i] = (shown, KIND_MESSAGES.get(cell.kind, KIND_MESSAGES["text"]))
