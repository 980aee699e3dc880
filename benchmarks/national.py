"""The whole commands at national scale against a bare read: `python benchmarks/national.py [--rows N]`.

Each run is a fresh Python process, timed from outside (Python start, imports and work all
included), alternating, median of --repeat. Wall time, CPU time (user + system of the whole
child, every thread included: work hidden on an idle second core is not free on a busy bureau PC)
and peak RSS (the process's own VmHWM) for:

- xlsx bare:        fastexcel (calamine) reads the export to Arrow — the floor any tool pays;
- xlsx indicators:  `xltools indicators FILE --format json` — read with every cell's stored type
                    proven, row roles, classification, all indicators, JSON;
- xlsx summary:     `xltools summary FILE -o …` — the same plus disclosure control and the workbook;
- csv bare:         the baseline issue 14 defines: a fresh Python that imports pyarrow and reads the
                    same data as CSV with `pyarrow.csv.read_csv` — every line, every column as text,
                    multi-threaded as pyarrow defaults (csv_read.BARE_CSV);
- csv indicators:   `xltools indicators FILE.csv --format json`.

Targets (issue 14): xlsx indicators ≤ 1.3× the bare read's wall time and ≤ 1.35× its CPU time;
csv indicators ≤ 2× the bare CSV read's wall time and ≤ 1.5× its memory; summary ≤ 1.5× wall.
The exports (470 000 enterprises by default) are generated once into benchmarks/out/.
"""
from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from csv_read import BARE_CSV  # noqa: E402
from read import PEAK, child_env  # noqa: E402

CHILD = PEAK + BARE_CSV + r"""
import json, os, sys
mode, path, out = sys.argv[1], sys.argv[2], sys.argv[3]
if mode == "bare":
    if path.endswith(".csv"):
        rows = bare_csv(path)
    else:
        import fastexcel
        rows = fastexcel.read_excel(path).load_sheet(0, header_row=None, skip_rows=4).to_arrow().num_rows
else:
    from xltools.cli import main
    args = ["indicators", path, "--format", "json"] if mode == "indicators" else ["summary", path, "-o", out]
    real = sys.stdout
    sys.stdout = open(os.devnull, "w", encoding="utf-8")
    try:
        main(args, standalone_mode=False)
    finally:
        sys.stdout.close()
        sys.stdout = real
print(json.dumps({"peak_mb": peak()}))
"""
RUNS = (("xlsx", "bare"), ("xlsx", "indicators"), ("xlsx", "summary"), ("csv", "bare"), ("csv", "indicators"))


def run(mode: str, path: str, out: str) -> dict:
    import json

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    with tempfile.TemporaryDirectory() as cache:  # an empty parse cache: a first read, its entry stored
        res = subprocess.run([sys.executable, "-c", CHILD, mode, path, out], capture_output=True, text=True,
                             cwd=ROOT, env=child_env(cache))
    seconds = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if res.returncode != 0:
        raise SystemExit(f"{mode} {path} failed:\n{res.stderr}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return dict(json.loads(res.stdout.strip().splitlines()[-1]), seconds=seconds, cpu=cpu)


def measure(paths: dict[str, str], repeat: int, runs=RUNS) -> dict[tuple[str, str], dict[str, float]]:
    results: dict[tuple[str, str], list[dict]] = {r: [] for r in runs}
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "summary.xlsx")
        for _ in range(repeat):
            for fmt, mode in runs:
                results[(fmt, mode)].append(run(mode, paths[fmt], out))
    return {r: {k: statistics.median(x[k] for x in rs) for k in ("seconds", "cpu", "peak_mb")}
            for r, rs in results.items()}


TARGETS = {("xlsx", "indicators"): dict(seconds=1.3, cpu=1.35), ("xlsx", "summary"): dict(seconds=1.5),
           ("csv", "indicators"): dict(seconds=2.0, peak_mb=1.5)}


def main() -> None:
    from csv_read import csv_export
    from read import arguments, export_path

    args = arguments(__doc__)
    xlsx = export_path(args.rows)
    paths = {"xlsx": xlsx, "csv": csv_export(args.rows, os.path.splitext(xlsx)[0] + ".csv")}
    med = measure(paths, args.repeat)
    print(f"{args.rows} enterprises: {os.path.basename(xlsx)} {os.path.getsize(xlsx) / 1e6:.0f} MB, "
          f"{os.path.basename(paths['csv'])} {os.path.getsize(paths['csv']) / 1e6:.0f} MB; median of {args.repeat} "
          f"fresh processes, {os.cpu_count()} cores, Python {sys.version.split()[0]}, load average "
          f"{' '.join(f'{x:.1f}' for x in os.getloadavg())} after the runs")
    print("  xlsx bare: fastexcel to Arrow; csv bare: pyarrow.csv.read_csv, every line, every column as string, "
          "multi-threaded (Python start and imports included in both)")
    for fmt, mode in RUNS:
        m, bare = med[(fmt, mode)], med[(fmt, "bare")]
        line = f"  {fmt:4s} {mode:10s} {m['seconds']:6.2f} s wall {m['cpu']:6.2f} s CPU {m['peak_mb']:6.0f} MB"
        if mode != "bare":
            target = TARGETS.get((fmt, mode), {})
            parts = []
            for key, name in (("seconds", "wall"), ("cpu", "CPU"), ("peak_mb", "memory")):
                ratio = m[key] / bare[key]
                parts.append(f"{name} {ratio:.2f}x" + (f" (≤ {target[key]}x)" if key in target else ""))
            line += "   " + "   ".join(parts)
        print(line)


if __name__ == "__main__":
    main()
