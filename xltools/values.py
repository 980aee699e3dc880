"""Cell values to numbers and text, column at a time with Arrow compute.

Text numbers may carry thousands separators, full-width digits and spaces;
empty, `-` and `—` mean nothing reported (0 for money).
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

BLANK_TEXT = ["", "-", "—", "--", "——", "―", "－", "/", "—-", "-—"]
_NUMBER = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"


def _combined(arr):
    return arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr


def _chunks(arr) -> list[pa.Array]:
    return arr.chunks if isinstance(arr, pa.ChunkedArray) else [arr]


def _float64s(arr) -> np.ndarray:
    """A float64 column's values as one new NumPy array, chunk by chunk from the data buffers (what
    stands in a null's slot is left as it is: the caller overwrites it)."""
    out = np.empty(len(arr), dtype=np.float64)
    pos = 0
    for chunk in _chunks(arr):
        k = len(chunk)
        if k:
            out[pos:pos + k] = np.frombuffer(chunk.buffers()[1], dtype=np.float64, count=k, offset=chunk.offset * 8)
        pos += k
    return out


def _nulls(arr) -> np.ndarray:
    """The column's null mask, from the validity bitmaps."""
    out = np.zeros(len(arr), dtype=bool)
    pos = 0
    for chunk in _chunks(arr):
        k = len(chunk)
        if chunk.null_count:
            bits = np.unpackbits(np.frombuffer(chunk.buffers()[0], dtype=np.uint8), bitorder="little")
            out[pos:pos + k] = bits[chunk.offset:chunk.offset + k] == 0
        pos += k
    return out


def clean_text(arr, nfkc: bool = True) -> pa.Array:
    """Trimmed text, empty strings as null; `nfkc` folds full-width letters and digits (codes)."""
    if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
        arr = pc.cast(arr, pa.string())
    if nfkc and not pc.all(pc.string_is_ascii(arr)).as_py():
        arr = pc.utf8_normalize(arr, "NFKC")
    trimmed = pc.utf8_trim_whitespace(arr)
    if pc.sum(pc.binary_length(trimmed)).as_py() != pc.sum(pc.binary_length(arr)).as_py():
        arr = trimmed  # else nothing was trimmed: the column as it is, not a second copy
    del trimmed
    empty = pc.equal(arr, "")
    return pc.if_else(empty, pa.scalar(None, arr.type), arr) if pc.any(empty).as_py() else arr


def to_numbers(arr) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values, blank, bad) for one column; blank and bad are boolean masks.

    Blank cells get 0.0, bad cells NaN; the caller reports the bad ones.
    """
    typ = arr.type
    n = len(arr)
    if pa.types.is_floating(typ) or pa.types.is_integer(typ):
        # Empty cells are nulls; a NaN or an infinity can only come from text such as "NaN" or "inf"
        # that a converter took for a number: not a figure. One copy: nulls come out as NaN, then 0.
        blank = _nulls(arr)
        if pa.types.is_float64(typ):
            values = _float64s(arr)
        else:
            values = arr.to_numpy(zero_copy_only=False).astype("float64", copy=True)
        bad = ~np.isfinite(values)
        if blank.any():
            bad &= ~blank
            values[blank] = 0.0
        if bad.any():
            values[bad] = np.nan
        return values, blank, bad
    arr = _combined(arr)
    if pa.types.is_null(typ):
        return np.zeros(n), np.ones(n, dtype=bool), np.zeros(n, dtype=bool)
    text = pc.cast(arr, pa.string()) if not pa.types.is_string(typ) else arr
    # Fast path: plain numbers and the usual blanks, parsed in one cast.
    text = pc.fill_null(text, "")
    blank = pc.is_in(text, value_set=pa.array(BLANK_TEXT)).to_numpy(zero_copy_only=False)
    try:
        values = pc.cast(pc.if_else(pa.array(blank), "0", text), pa.float64()).to_numpy()
        if np.isfinite(values).all():
            values = values.copy()
            values[blank] = 0.0
            return values, blank, np.zeros(n, dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    text = pc.utf8_normalize(text, "NFKC")
    text = pc.replace_substring_regex(text, r"[\s,]", "")
    text = pc.fill_null(text, "")
    blank = pc.is_in(text, value_set=pa.array(BLANK_TEXT)).to_numpy(zero_copy_only=False)
    ok = pc.match_substring_regex(text, _NUMBER).to_numpy(zero_copy_only=False)
    good = ok & ~blank
    values = np.zeros(n, dtype="float64")
    if good.any():
        values[good] = pc.cast(pc.filter(text, pa.array(good)), pa.float64()).to_numpy()
    bad = ~good & ~blank
    overflow = good & ~np.isfinite(values)
    bad |= overflow
    values[bad] = np.nan
    return values, blank, bad

