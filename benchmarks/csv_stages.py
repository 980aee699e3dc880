"""Where the time of CSV `indicators` goes, stage by stage: `python benchmarks/csv_stages.py [--rows N]`.

Runs `xltools indicators FILE.csv --format json` in fresh child processes (median of --repeat)
with each stage of the read and of the command timed from inside: wall (perf_counter) and CPU
(user + system of the whole process, every thread; getrusage, 1 ms resolution on Linux). The
first line, Python start and imports, is timed from the parent's start of the child to the
child's first stage. The same run's bare CSV read (csv_read.BARE_CSV, also a fresh process) is
printed beside it. Machines here are noisy: compare stages with each other and with the bare
read of the same run, not with another day's figures.
"""
from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from csv_read import BARE_CSV, csv_export  # noqa: E402
from read import arguments, child_env, export_path  # noqa: E402

# (module, function, label): wrapped in place; the reader calls its stages through its own names.
STAGES = [
    ("xltools.reader", "_load_cells", "read: pyarrow.csv typed, every core"),
    ("xltools.reader", "_numbers", "figures: NumPy from the Arrow buffers"),
    ("xltools.reader", "_labels", "labels: trimmed, codes folded"),
    ("xltools.reader", "row_roles", "row roles (all of them)"),
    ("xltools.rows", "_worded", "  total and note words"),
    ("xltools.rows", "_sums", "  rows equal to a sum"),
    ("xltools.rows", "duplicate_codes", "  duplicate codes"),
    ("xltools.reader", "build_frame", "frame (the enterprise table)"),
    ("xltools.readcache", "_store", "parse cache: the entry stored"),
    ("xltools", "compute", "compute: every indicator of every scope"),
    ("xltools.disclosure", "plan", "disclosure plan"),
    ("xltools.render", "render_indicators", "JSON"),
]

CHILD = BARE_CSV + r"""
import importlib, inspect, json, os, resource, sys, time
mode, path = sys.argv[1], sys.argv[2]
def clock():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return time.perf_counter(), r.ru_utime + r.ru_stime
start = clock()
if mode == "bare":
    bare_csv(path)
    end = clock()
    print(json.dumps({"total": [end[0] - start[0], end[1]]}))
    raise SystemExit
stages = json.loads(sys.argv[3])
import xltools.cli, xltools.reader, xltools.rows, xltools.disclosure, xltools.render, xltools.readcache
imported = clock()
spent = {}
def timed(label, fn, generator):
    def run(*a, **k):
        before = clock()
        try:
            out = fn(*a, **k)
            return list(out) if generator else out  # a generator's work happens while it is consumed
        finally:
            after = clock()
            w, c = spent.get(label, (0.0, 0.0))
            spent[label] = (w + after[0] - before[0], c + after[1] - before[1])
    return run
for module, name, label in stages:
    mod = importlib.import_module(module)
    fn = getattr(mod, name)
    setattr(mod, name, timed(label, fn, inspect.isgeneratorfunction(fn)))
real = sys.stdout
sys.stdout = open(os.devnull, "w", encoding="utf-8")
xltools.cli.main(["indicators", path, "--format", "json"], standalone_mode=False)
sys.stdout.close()
sys.stdout = real
end = clock()
print(json.dumps({"imports": [imported[0] - start[0], imported[1]], "stages": spent,
                  "total": [end[0] - start[0], end[1]]}))
"""


def child(mode: str, path: str) -> dict:
    with tempfile.TemporaryDirectory() as cache:  # an empty parse cache: every run a first read
        t = time.perf_counter()
        res = subprocess.run([sys.executable, "-c", CHILD, mode, path, json.dumps(STAGES)], capture_output=True,
                             text=True, cwd=ROOT, env=child_env(cache))
        wall = time.perf_counter() - t
    if res.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{res.stderr}")
    out = json.loads(res.stdout.strip().splitlines()[-1])
    out["process"] = wall  # fork, Python start and exit included
    return out


def main() -> None:
    args = arguments(__doc__)
    xlsx = export_path(args.rows)
    path = csv_export(args.rows, os.path.splitext(xlsx)[0] + ".csv")
    runs = {"bare": [], "indicators": []}
    for _ in range(args.repeat):
        for mode in runs:
            runs[mode].append(child(mode, path))

    def med(mode, get):
        return statistics.median(get(r) for r in runs[mode])

    rows = [("Python start, imports (pyarrow, pandas, xltools)",
             med("indicators", lambda r: r["process"] - r["total"][0] + r["imports"][0]),
             med("indicators", lambda r: r["imports"][1]))]
    for _, _, label in STAGES:
        rows.append((label, med("indicators", lambda r: r["stages"].get(label, (0, 0))[0]),
                     med("indicators", lambda r: r["stages"].get(label, (0, 0))[1])))
    total = (med("indicators", lambda r: r["process"]), med("indicators", lambda r: r["total"][1]))
    bare = (med("bare", lambda r: r["process"]), med("bare", lambda r: r["total"][1]))
    print(f"{os.path.basename(path)}, median of {args.repeat} fresh processes, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"  {'stage':50s} {'wall s':>7s} {'CPU s':>7s}")
    for label, wall, cpu in rows:
        print(f"  {label:50s} {wall:7.2f} {cpu:7.2f}")
    print(f"  {'whole command (process)':50s} {total[0]:7.2f} {total[1]:7.2f}")
    print(f"  {'bare pyarrow.csv read (process)':50s} {bare[0]:7.2f} {bare[1]:7.2f}")
    print(f"  ratio: wall {total[0] / bare[0]:.2f}x, CPU {total[1] / bare[1]:.2f}x")


if __name__ == "__main__":
    main()
