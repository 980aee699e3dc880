"""Frame: the enterprise table, one row per enterprise, canonical columns, money in 千元."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .columns import column_specs


def build_frame(keep, first_row, texts, numbers) -> pd.DataFrame:
    """The enterprise table. Each figure column is the parsed column itself when the enterprises are
    a contiguous run of rows (a view, no copy: usually only a total first and notes last are
    skipped), else the enterprises' rows taken from it; pandas keeps each as its own block."""
    idx = np.flatnonzero(keep)
    contiguous = len(idx) > 0 and idx[-1] - idx[0] + 1 == len(idx)
    everything = len(idx) == len(keep)
    take = pa.array(idx)
    order = [s.id for s in column_specs().values()]
    columns = {"row": (idx + first_row).astype("int32")}
    for cid in order:
        if cid in texts:
            arr = texts[cid] if everything else texts[cid].slice(int(idx[0]), len(idx)) if contiguous \
                else pc.take(texts[cid], take)
            columns[cid] = arr.to_pandas()
    for cid in order:
        for per in ("cur", "ly", "boy", "lyboy"):
            values = numbers.get(f"{cid}_{per}")
            if values is not None:
                columns[f"{cid}_{per}"] = values[idx[0]:idx[0] + len(idx)] if contiguous else values[idx]
    return pd.DataFrame(columns, copy=False)
