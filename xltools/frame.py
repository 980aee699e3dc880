"""Frame: the enterprise table, one row per enterprise, canonical columns, money in 千元.

The table is a `Table` of named columns — figures and flags as NumPy arrays, labels as Arrow
string arrays — not a pandas DataFrame: every indicator is computed from these columns directly,
the parse cache stores and loads them as they are (no conversion of text columns to Python objects
and back), and a DataFrame is made only for the commands that want one (`Table.to_pandas`:
validate, trend, the enterprise list's matching). pandas itself is still imported in every run:
pyarrow imports it at its first conversion of an array.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .columns import column_specs


class Table:
    """Named columns of one length. `table[key]` is the column itself (NumPy or Arrow);
    `numbers(key)` a figure column as float64, `text(key)` a label column as Arrow strings."""

    def __init__(self, columns: dict, rows: int | None = None):
        self._columns = dict(columns)
        self._rows = rows if rows is not None else len(next(iter(self._columns.values()), ()))
        if any(len(v) != self._rows for v in self._columns.values()):
            raise ValueError("columns of different lengths")
        self._frame = None

    @property
    def columns(self) -> list[str]:
        return list(self._columns)

    def __contains__(self, key: str) -> bool:
        return key in self._columns

    def __len__(self) -> int:
        return self._rows

    def __getitem__(self, key: str):
        return self._columns[key]

    def __setitem__(self, key: str, values) -> None:
        if len(values) != len(self):
            raise ValueError(f"column {key}: {len(values)} values for {len(self)} rows")
        self._columns[key] = values
        self._frame = None

    def numbers(self, key: str) -> np.ndarray:
        values = self._columns[key]
        if isinstance(values, (pa.Array, pa.ChunkedArray)):
            return pc.cast(values, pa.float64()).to_numpy(zero_copy_only=False)
        return np.asarray(values, dtype=np.float64)

    def text(self, key: str) -> pa.Array:
        values = self._columns[key]
        if isinstance(values, pa.ChunkedArray):
            return values.combine_chunks()
        return values if isinstance(values, pa.Array) else pa.array(values, pa.string(), from_pandas=True)

    def to_pandas(self):
        """The table as a DataFrame (made once, until a column changes): labels as pandas strings."""
        if self._frame is None:
            import pandas as pd

            self._frame = pd.DataFrame({k: v.to_pandas() if isinstance(v, (pa.Array, pa.ChunkedArray)) else v
                                        for k, v in self._columns.items()}, copy=False)
        return self._frame

    def to_arrow(self) -> pa.Table:
        return pa.table({k: v if isinstance(v, (pa.Array, pa.ChunkedArray)) else pa.array(v)
                         for k, v in self._columns.items()})

    @classmethod
    def from_arrow(cls, table: pa.Table) -> "Table":
        columns = {}
        for name, col in zip(table.column_names, table.columns):
            col = col.combine_chunks()
            if pa.types.is_string(col.type) or pa.types.is_large_string(col.type) or pa.types.is_null(col.type):
                columns[name] = col.cast(pa.string())
            else:
                columns[name] = col.to_numpy(zero_copy_only=False)
        return cls(columns, table.num_rows)

    @classmethod
    def from_pandas(cls, frame) -> "Table":
        """A DataFrame's columns: numbers and flags as NumPy, anything else as Arrow strings."""
        columns = {}
        for name in frame.columns:
            s = frame[name]
            if s.dtype.kind in "biuf":
                columns[name] = s.to_numpy()
            else:
                columns[name] = pa.array(s.astype(object).where(s.notna(), None).tolist(), pa.string())
        return cls(columns, len(frame))


def build_frame(keep, first_row, texts, numbers) -> Table:
    """The enterprise table. Each figure column is the parsed column itself when the enterprises are
    a contiguous run of rows (a view, no copy: usually only a total first and notes last are
    skipped), else the enterprises' rows taken from it."""
    idx = np.flatnonzero(keep)
    contiguous = len(idx) > 0 and idx[-1] - idx[0] + 1 == len(idx)
    everything = len(idx) == len(keep)
    take = pa.array(idx)
    order = [s.id for s in column_specs().values()]
    columns = {"row": (idx + first_row).astype("int32")}
    for cid in order:
        if cid in texts:
            columns[cid] = texts[cid] if everything else texts[cid].slice(int(idx[0]), len(idx)) if contiguous \
                else pc.take(texts[cid], take)
    for cid in order:
        for per in ("cur", "ly", "boy", "lyboy"):
            values = numbers.get(f"{cid}_{per}")
            if values is not None:
                columns[f"{cid}_{per}"] = values[idx[0]:idx[0] + len(idx)] if contiguous else values[idx]
    return Table(columns, len(idx))
