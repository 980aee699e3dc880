"""Reader cost against a bare calamine read: `python benchmarks/read.py [--rows N]`.

Generates (once, cached in benchmarks/out/) a national-scale bureau export of
470 000 enterprises in the platform's layout (title, unit line, two header
rows, 29 columns), then reads it in fresh child processes, alternating:

- bare: fastexcel (calamine) to Arrow, no header search, no cleaning;
- xltools: `xltools.load()` — header detection, mapping, units, value
  cleaning, error scan, the enterprise table in pandas.

Prints the median wall time of the read and the peak RSS of each, and their
ratios. Machines here are noisy: only the ratios mean anything.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

PEAK = r"""
def peak():  # VmHWM: this process's own peak (ru_maxrss can carry the forking parent's across exec)
    import resource
    try:
        return next(int(l.split()[1]) / 1024 for l in open("/proc/self/status") if l.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""

CHILD = PEAK + r"""
import json, resource, sys, time
mode, path = sys.argv[1], sys.argv[2]
import fastexcel, pyarrow
if mode == "xltools":
    import xltools, xltools.reader, pandas
t = time.perf_counter()
if mode == "bare":
    table = fastexcel.read_excel(path).load_sheet(0, header_row=None, skip_rows=4).to_arrow()
    rows = table.num_rows
else:
    data = xltools.load(path)
    rows = data.enterprises
elapsed = time.perf_counter() - t
print(json.dumps({"seconds": elapsed, "rows": rows,
                  "peak_mb": peak()}))
"""


def export_path(rows: int) -> str:
    out = os.path.join(HERE, "out")
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, f"bureau_{rows}.xlsx")
    if not os.path.exists(path):
        sys.path.insert(0, os.path.join(ROOT, "workbooks", "samples"))
        from make_sample import make_export

        t = time.perf_counter()
        print(f"生成 {rows} 行的测试文件 {path} …", file=sys.stderr)
        make_export(path + ".tmp.xlsx", rows, seed=470000, big=True)
        os.replace(path + ".tmp.xlsx", path)
        print(f"  用时 {time.perf_counter() - t:.0f} 秒", file=sys.stderr)
    return path


def child_env(cache: str) -> dict:
    """A child's environment: this checkout first on the path, and an empty parse cache of its own, so
    that every run is a first read of the file, as a new export's is (storing its cache entry included);
    a run that found the previous run's entry would time a cache read instead."""
    return dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""),
                XLTOOLS_CACHE_DIR=cache)


def run_child(child: str, *args: str) -> dict:
    """Run a benchmark child (`python -c child args…`) with this checkout first on the path; its last
    line of output is JSON."""
    with tempfile.TemporaryDirectory() as cache:
        res = subprocess.run([sys.executable, "-c", child, *args], capture_output=True, text=True, cwd=ROOT,
                             env=child_env(cache))
    if res.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{res.stderr}")
    return json.loads(res.stdout.strip().splitlines()[-1])


def run(mode: str, path: str) -> dict:
    return run_child(CHILD, mode, path)


def arguments(doc: str):
    """--rows and --repeat, shared by the benchmarks that read the generated export."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--rows", type=int, default=470_000)
    ap.add_argument("--repeat", type=int, default=3)
    return ap.parse_args()


def main() -> None:
    args = arguments(__doc__)
    path = export_path(args.rows)
    results: dict[str, list[dict]] = {"bare": [], "xltools": []}
    for _ in range(args.repeat):
        for mode in ("bare", "xltools"):
            results[mode].append(run(mode, path))
    med = {m: {k: statistics.median(r[k] for r in rs) for k in ("seconds", "peak_mb")} for m, rs in results.items()}
    rows = results["xltools"][0]["rows"]
    print(f"file: {os.path.basename(path)} ({os.path.getsize(path) / 1e6:.0f} MB, {rows} enterprises), "
          f"median of {args.repeat}, {os.cpu_count()} cores")
    for m in ("bare", "xltools"):
        print(f"  {m:8s} {med[m]['seconds']:7.2f} s  {med[m]['peak_mb']:7.0f} MB peak RSS")
    print(f"  ratio    time {med['xltools']['seconds'] / med['bare']['seconds']:.2f}x   "
          f"memory {med['xltools']['peak_mb'] / med['bare']['peak_mb']:.2f}x")


if __name__ == "__main__":
    main()
