"""Frame: the enterprise table, one row per enterprise, canonical columns, money in 千元."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .columns import column_specs


def build_frame(keep, first_row, texts, numbers) -> pd.DataFrame:
    """The enterprise table. The money columns are taken into one 2-D block, column by column,
    so that pandas keeps it as it is (one copy of the figures, not two)."""
    idx = np.flatnonzero(keep)
    # Usually only a total first and notes last are skipped: a contiguous run, taken as a slice.
    contiguous = len(idx) > 0 and idx[-1] - idx[0] + 1 == len(idx)
    everything = len(idx) == len(keep)
    take = pa.array(idx)
    order = [s.id for s in column_specs().values()]
    keys = [f"{cid}_{per}" for cid in order for per in ("cur", "ly", "boy", "lyboy") if f"{cid}_{per}" in numbers]
    block = np.empty((len(keys), len(idx)), dtype="float64")
    for j, key in enumerate(keys):
        if contiguous:
            block[j] = numbers[key][idx[0]:idx[0] + len(idx)]
        else:
            np.take(numbers[key], idx, out=block[j])
    frame = pd.DataFrame(block.T, columns=keys, copy=False)
    frame.insert(0, "row", (idx + first_row).astype("int32"))
    position = 1
    for cid in order:
        if cid in texts:
            arr = texts[cid] if everything else texts[cid].slice(int(idx[0]), len(idx)) if contiguous \
                else pc.take(texts[cid], take)
            frame.insert(position, cid, arr.to_pandas())
            position += 1
    return frame
