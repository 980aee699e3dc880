"""A year of monthly exports through `xltools summary`: `python benchmarks/batch.py [--rows N]`.

Generates (once, into benchmarks/out/batch/) twelve cumulative monthly exports — 2022年1-2月 …
1-12月 and 2023年1-2月, N enterprises each (default 60 000) — and times `xltools summary` on all
twelve into one workbook with `--jobs 1` and with the default (all cores), alternating, median
of --repeat. Reports the speed-up; on 2 cores the target is close to 2×.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PERIODS = [f"2022年1-{m}月" for m in range(2, 13)] + ["2023年1-2月"]


def exports(rows: int) -> list[str]:
    sys.path.insert(0, os.path.join(ROOT, "workbooks", "samples"))
    from make_sample import make_export

    folder = os.path.join(HERE, "out", "batch")
    os.makedirs(folder, exist_ok=True)
    paths = []
    for k, period in enumerate(PERIODS):
        path = os.path.join(folder, f"{period}_{rows}.xlsx")
        if not os.path.exists(path):
            make_export(path + ".tmp.xlsx", rows, seed=2022 + k, period_title=period, big=True)
            os.replace(path + ".tmp.xlsx", path)
        paths.append(path)
    return paths


def run(paths: list[str], jobs: list[str], out: str) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "xltools", "summary", *paths, "-o", out, *jobs], check=True,
                   capture_output=True, cwd=ROOT)
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=60_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    paths = exports(args.rows)
    one, many = [], []
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "year.xlsx")
        for _ in range(args.repeat):
            one.append(run(paths, ["--jobs", "1"], out))
            many.append(run(paths, [], out))
    a, b = statistics.median(one), statistics.median(many)
    print(f"12 monthly exports × {args.rows} enterprises, {os.cpu_count()} cores, median of {args.repeat}")
    print(f"  --jobs 1        {a:6.2f} s")
    print(f"  --jobs {os.cpu_count()} (default) {b:6.2f} s   speed-up {a / b:.2f}x")


if __name__ == "__main__":
    main()
