"""A year of monthly exports through `xltools trend`: first run, second (cached) run, and a bare read.

    python benchmarks/trend.py                 # twelve national-scale exports (470 000 enterprises each)
    python benchmarks/trend.py --rows 20000    # a quick check at a smaller scale

The twelve cumulative exports 2022年1月 … 2022年1-12月 are generated once into benchmarks/out/trend_<rows>/
by the sample's generator (workbooks/samples/make_sample.py: make_export with month=, each enterprise's flows
accumulating by its own monthly path, a few entering and leaving during the year). Generating them at national
scale takes a while (about 2 000 rows a second on a busy 2-core machine: some four minutes a file); they are
kept for later runs.

Then, each in a fresh process: a bare fastexcel read of the twelve files to Arrow (the floor: parsing only),
`xltools trend` on them (cache cleared first, when the parse cache of issue 19 is there: `xltools cache
clear`), and `xltools trend` once more — a second run that, with the cache, reads none of the files again.
Without the cache the two runs cost the same. Both runs use --jobs 1, so that the ratio to the sequential bare
read is not flattered by the second core.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

BARE = r"""
import json, sys, time
import fastexcel
t = time.perf_counter()
rows = 0
for path in sys.argv[1:]:
    rows += fastexcel.read_excel(path).load_sheet(0, header_row=None, skip_rows=4).to_arrow().num_rows
print(json.dumps({"seconds": time.perf_counter() - t, "rows": rows}))
"""


def exports(rows: int, months: int) -> list[str]:
    """The cumulative exports 1月 … 1-`months`月, generated once."""
    folder = os.path.join(HERE, "out", f"trend_{rows}")
    os.makedirs(folder, exist_ok=True)
    sys.path.insert(0, os.path.join(ROOT, "workbooks", "samples"))
    from make_sample import make_export

    paths = []
    for m in range(1, months + 1):
        title = f"2022年{m}月" if m == 1 else f"2022年1-{m}月"
        path = os.path.join(folder, f"{title}.xlsx")
        if not os.path.exists(path):
            t = time.perf_counter()
            print(f"生成 {rows} 行的 {title} …", file=sys.stderr, flush=True)
            make_export(path + ".tmp.xlsx", rows, seed=470000, period_title=title, big=True, month=m)
            os.replace(path + ".tmp.xlsx", path)
            print(f"  用时 {time.perf_counter() - t:.0f} 秒", file=sys.stderr, flush=True)
        paths.append(path)
    return paths


def env() -> dict:
    return dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))


def timed(args: list[str]) -> tuple[float, float, subprocess.CompletedProcess]:
    """Wall and CPU seconds (user + system of the child and its own children) of one command."""
    before = os.times()
    t = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT, env=env(), check=False)
    wall = time.perf_counter() - t
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args[:4])} … failed:\n{proc.stderr}")
    return wall, cpu, proc


def has_cache() -> bool:
    """Whether this checkout has the parse cache (`xltools cache clear`)."""
    proc = subprocess.run([sys.executable, "-m", "xltools", "cache", "-h"], capture_output=True, text=True,
                          cwd=ROOT, env=env(), check=False)
    return proc.returncode == 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=470_000, help="enterprises in each export")
    ap.add_argument("--months", type=int, default=12, help="exports: 1月 … 1-N月")
    args = ap.parse_args()
    paths = exports(args.rows, args.months)
    out = os.path.join(HERE, "out", f"trend_{args.rows}.xlsx")
    cache = has_cache()
    if cache:
        subprocess.run([sys.executable, "-m", "xltools", "cache", "clear"], cwd=ROOT, env=env(), check=True,
                       capture_output=True)
    bare_wall, bare_cpu, proc = timed([sys.executable, "-c", BARE, *paths])
    bare = json.loads(proc.stdout.strip().splitlines()[-1])
    command = [sys.executable, "-m", "xltools", "trend", *paths, "-o", out, "--jobs", "1"]
    first = timed(command)
    second = timed(command)
    size = sum(os.path.getsize(p) for p in paths) / 1e6
    print(f"{len(paths)} exports × {args.rows} enterprises ({size:.0f} MB, {bare['rows']} rows read), "
          f"{os.cpu_count()} cores; parse cache {'present' if cache else 'absent (the second run reads again)'}")
    print(f"  bare fastexcel read   {bare_wall:7.2f} s wall  {bare_cpu:7.2f} s CPU")
    for name, (wall, cpu, _) in (("trend, first run", first), ("trend, second run", second)):
        print(f"  {name:20s}  {wall:7.2f} s wall  {cpu:7.2f} s CPU   the bare read's {wall / bare_wall:5.2f}x wall, "
              f"{cpu / bare_cpu:5.2f}x CPU")
    print(f"  second run / first run  {second[0] / first[0]:.2f}x wall, {second[1] / first[1]:.2f}x CPU")


if __name__ == "__main__":
    main()
