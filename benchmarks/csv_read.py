"""CSV reader cost against a bare pyarrow read: `python benchmarks/csv_read.py [--csv F] [--rows N]`.

The national export as CSV (made once from the generated .xlsx of read.py, the
way Excel saves one: UTF-8, unquoted unless needed, numbers in their shortest
form), read in fresh child processes, alternating:

- bare: the baseline issue 14 defines — `pyarrow.csv.read_csv` of the whole file (every line, no
  rows skipped), every column as string, multi-threaded as pyarrow defaults (BARE_CSV);
- xltools: `xltools.load()` — header search, row checks, cleaning, the
  enterprise table in pandas.

Prints the median wall time, CPU time (user + sys) and peak RSS (VmHWM) of the
read in each, and their ratios. Machines here are noisy: only ratios mean much.
"""
from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from read import PEAK, export_path, run_child  # noqa: E402

# The bare CSV read, as issue 14 defines it: every line of the file, every column as text, pyarrow's
# defaults otherwise (multi-threaded). Columns are named f0, f1…; all of them are asked for as string.
BARE_CSV = r"""
def bare_csv(path):
    import pyarrow, pyarrow.csv
    table = pyarrow.csv.read_csv(path, read_options=pyarrow.csv.ReadOptions(autogenerate_column_names=True),
                                 convert_options=pyarrow.csv.ConvertOptions(
                                     column_types={f"f{i}": pyarrow.string() for i in range(1000)}))
    assert table.num_columns < 1000 and all(t == pyarrow.string() for t in table.schema.types)
    return table.num_rows
"""

CHILD = PEAK + BARE_CSV + r"""
import json, os, sys, time
mode, path = sys.argv[1], sys.argv[2]
import pyarrow, pyarrow.csv
if mode == "xltools":
    import xltools, xltools.reader, xltools.csvsource, pandas
cpu, t = os.times(), time.perf_counter()
if mode == "bare":
    rows = bare_csv(path)
else:
    rows = xltools.load(path).enterprises
elapsed, after = time.perf_counter() - t, os.times()
print(json.dumps({"seconds": elapsed, "cpu": after.user + after.system - cpu.user - cpu.system, "rows": rows,
                  "peak_mb": peak()}))
"""


def csv_export(rows: int, path: str) -> str:
    """The generated national .xlsx saved as CSV (once)."""
    if os.path.exists(path):
        return path
    import fastexcel

    xlsx = export_path(rows)
    t = time.perf_counter()
    print(f"生成 {path} …", file=sys.stderr)
    table = fastexcel.read_excel(xlsx).load_sheet(0, header_row=None).to_arrow()

    def shortest(v):  # calamine's text of a float ("171451063.099999994") as Excel would save it
        if v is None:
            return ""
        if "." in v and len(v) > 12:
            try:
                text = repr(float(v))
            except ValueError:
                return v
            return text[:-2] if text.endswith(".0") else text
        return v

    cols = [[shortest(v) for v in c.to_pylist()] for c in table.columns]
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    with open(path + ".tmp", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(zip(*cols))
    os.replace(path + ".tmp", path)
    print(f"  用时 {time.perf_counter() - t:.0f} 秒", file=sys.stderr)
    return path


def run(mode: str, path: str) -> dict:
    return run_child(CHILD, mode, path)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=470_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--csv", help="the CSV to read (made from the generated .xlsx when missing); "
                                  "default benchmarks/out/bureau_<rows>.csv")
    args = ap.parse_args()
    path = csv_export(args.rows, args.csv or os.path.join(HERE, "out", f"bureau_{args.rows}.csv"))
    results: dict[str, list[dict]] = {"bare": [], "xltools": []}
    for _ in range(args.repeat):
        for mode in ("bare", "xltools"):
            results[mode].append(run(mode, path))
    keys = ("seconds", "cpu", "peak_mb")
    med = {m: {k: statistics.median(r[k] for r in rs) for k in keys} for m, rs in results.items()}
    print(f"file: {os.path.basename(path)} ({os.path.getsize(path) / 1e6:.0f} MB, "
          f"{results['xltools'][0]['rows']} enterprises), median of {args.repeat}, {os.cpu_count()} cores")
    for m in ("bare", "xltools"):
        print(f"  {m:8s} {med[m]['seconds']:6.2f} s wall  {med[m]['cpu']:6.2f} s CPU  "
              f"{med[m]['peak_mb']:6.0f} MB peak RSS")
    print(f"  ratio    wall {med['xltools']['seconds'] / med['bare']['seconds']:.2f}x   "
          f"CPU {med['xltools']['cpu'] / med['bare']['cpu']:.2f}x   "
          f"memory {med['xltools']['peak_mb'] / med['bare']['peak_mb']:.2f}x")


if __name__ == "__main__":
    main()
