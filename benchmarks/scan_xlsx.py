"""CPU and wall of scan_xlsx.scan against a bare calamine read: `python benchmarks/scan_xlsx.py [--rows N | --file X.xlsx]`.

Each read runs in a fresh child process, alternating, `--repeat` times; CPU is user+sys of the
child's read (resource.getrusage), wall is perf_counter. The budget: the scan may add about a
third of the bare read's CPU. Machines here are noisy: the ratio is what means anything.
"""
from __future__ import annotations

import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from read import arguments, export_path, run_child  # noqa: E402

CHILD = r"""
import json, resource, sys, time
mode, path = sys.argv[1], sys.argv[2]
import fastexcel, pyarrow
from xltools import scan_xlsx
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
c, t = cpu(), time.perf_counter()
if mode == "bare":
    fastexcel.read_excel(path).load_sheet(0, header_row=None).to_arrow()
    exact = None
else:
    exact = scan_xlsx.scan(path, "xl/worksheets/sheet1.xml", None).exact
print(json.dumps({"cpu": cpu() - c, "wall": time.perf_counter() - t, "exact": exact}))
"""


def run(mode: str, path: str) -> dict:
    return run_child(CHILD, mode, path)


def main() -> None:
    given = None
    if "--file" in sys.argv:  # an export generated elsewhere (it takes minutes to make)
        i = sys.argv.index("--file")
        given = sys.argv[i + 1]
        del sys.argv[i:i + 2]
    args = arguments(__doc__)
    path = given or export_path(args.rows)
    runs: dict[str, list[dict]] = {"bare": [], "scan": []}
    for _ in range(args.repeat):
        for mode in runs:
            runs[mode].append(run(mode, path))
    med = {m: {k: statistics.median(r[k] for r in rs) for k in ("cpu", "wall")} for m, rs in runs.items()}
    print(f"{os.path.basename(path)} ({os.path.getsize(path) / 1e6:.0f} MB), median of {args.repeat}")
    for m in runs:
        print(f"  {m:5s} cpu {med[m]['cpu']:6.2f} s   wall {med[m]['wall']:6.2f} s")
    print(f"  scan/bare: cpu {med['scan']['cpu'] / med['bare']['cpu']:.2f}   "
          f"wall {med['scan']['wall'] / med['bare']['wall']:.2f}   (exact parse ran: {runs['scan'][0]['exact']})")


if __name__ == "__main__":
    main()
