"""City scale should feel instant: `python benchmarks/city.py`.

Wall time of the real commands on the bundled 312-enterprise sample, each a fresh process
with Python start included, median of --repeat, against the targets: `xltools --help`
under 0.3 s (pandas and friends are imported lazily), `xltools indicators` and
`xltools summary` under 1 s. A bare `python -c pass` is printed as the floor.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

RUNS = [("python -c pass", ["-c", "pass"], None),
        ("xltools --help", ["-m", "xltools", "--help"], 0.3),
        ("xltools indicators", ["-m", "xltools", "indicators", "--format", "json"], 1.0),
        ("xltools summary", ["-m", "xltools", "summary", "-o", "{tmp}/s.xlsx"], 1.0),
        ("xltools tracker", ["-m", "xltools", "tracker", "--as-of", "2022-12-31", "-o", "{tmp}/t.xlsx"], 1.0),
        ("xltools report", ["-m", "xltools", "report", "--ledger", "{ledger}"], 1.0)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ledger = os.path.join(root, "workbooks", "samples", "ledger_2022.xlsx")
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, median of {args.repeat} fresh processes")
    with tempfile.TemporaryDirectory() as tmp:
        for label, argv, target in RUNS:
            argv = [a.format(tmp=tmp, ledger=ledger) for a in argv]
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                subprocess.run([sys.executable, *argv], capture_output=True, check=True, cwd=tmp)
                times.append(time.perf_counter() - t)
            med = statistics.median(times)
            verdict = "" if target is None else f"  target < {target:.1f} s: {'ok' if med < target else 'MISSED'}"
            print(f"  {label:20s} {med:6.3f} s{verdict}")


if __name__ == "__main__":
    main()
