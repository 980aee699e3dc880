"""The whole commands at national scale against a bare read: `python benchmarks/national.py [--rows N]`.

Each run is a fresh Python process, timed from outside (Python start, imports and work all
included), alternating, median of --repeat; peak RSS is the process's own:

- bare:       fastexcel (calamine) reads the export to Arrow — the floor any tool pays;
- indicators: `xltools indicators FILE --format json` — read, classify, all indicators, JSON;
- summary:    `xltools summary FILE -o …` — the same plus disclosure control and the workbook.

Targets (issue: performance): indicators ≤ 1.3× the bare read's time and ≤ 1.5× its memory;
summary ≤ 1.5× its time. The export (470 000 enterprises by default) is generated once into
benchmarks/out/ by read.py's generator.
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

from read import PEAK  # noqa: E402

CHILD = PEAK + r"""
import json, os, resource, sys
mode, path, out = sys.argv[1], sys.argv[2], sys.argv[3]
if mode == "bare":
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
MODES = ("bare", "indicators", "summary")


def run(mode: str, path: str, out: str) -> dict:
    t = time.perf_counter()
    res = subprocess.run([sys.executable, "-c", CHILD, mode, path, out], capture_output=True, text=True, cwd=ROOT)
    seconds = time.perf_counter() - t
    if res.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{res.stderr}")
    return dict(json.loads(res.stdout.strip().splitlines()[-1]), seconds=seconds)


def measure(path: str, repeat: int, modes=MODES) -> dict[str, dict[str, float]]:
    results: dict[str, list[dict]] = {m: [] for m in modes}
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "summary.xlsx")
        for _ in range(repeat):
            for mode in modes:
                results[mode].append(run(mode, path, out))
    return {m: {k: statistics.median(r[k] for r in rs) for k in ("seconds", "peak_mb")} for m, rs in results.items()}


def main() -> None:
    from read import arguments, export_path

    args = arguments(__doc__)
    path = export_path(args.rows)
    med = measure(path, args.repeat)
    bare = med["bare"]
    print(f"file: {os.path.basename(path)} ({os.path.getsize(path) / 1e6:.0f} MB, {args.rows} enterprises), "
          f"median of {args.repeat} fresh processes, {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    targets = {"indicators": (1.3, 1.5), "summary": (1.5, None)}
    for m in MODES:
        line = f"  {m:10s} {med[m]['seconds']:6.2f} s  {med[m]['peak_mb']:6.0f} MB"
        if m != "bare":
            t, mem = med[m]["seconds"] / bare["seconds"], med[m]["peak_mb"] / bare["peak_mb"]
            tt, tm = targets[m]
            line += f"   time {t:.2f}x (target ≤ {tt}x)   memory {mem:.2f}x" + (f" (target ≤ {tm}x)" if tm else "")
        print(line)


if __name__ == "__main__":
    main()
