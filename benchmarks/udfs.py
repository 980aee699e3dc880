"""The Excel functions' cost: `python benchmarks/udfs.py [--rows N]`.

- warm: a call on a source already parsed is a look-up; timed in-process over many calls
  (the stat of the source file that detects a changed file included), for three functions;
- a sheet of 200 different formulas on one source: how many parses (must be 1) and the time;
- cold: a fresh Python process whose first call is `=SEI_PROFIT_MARGIN()` (import, parse,
  compute), against a fresh `xltools indicators FILE --format json` on the same file, both
  wall time including Python start, alternating, median of --repeat. Only ratios are
  meaningful on these noisy machines.

Without --rows it uses the bundled sample (312 enterprises); --rows N generates an export of
N enterprises (cached in benchmarks/out/).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import timeit

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
# This script is named udfs.py: keep its folder off the path so that `udfs` is the package.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != HERE]
sys.path.insert(0, ROOT)

COLD = "import udfs.functions as f; v = f.SEI_PROFIT_MARGIN(); assert isinstance(v, float), v"


def wall(cmd: list[str], env: dict) -> float:
    t = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    elapsed = time.perf_counter() - t
    if res.returncode != 0:
        raise SystemExit(f"{cmd} failed:\n{res.stderr}")
    return elapsed


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=0)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    if args.rows:
        import importlib.util

        spec = importlib.util.spec_from_file_location("read_benchmark", os.path.join(HERE, "read.py"))
        read = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(read)
        path = read.export_path(args.rows)
    else:
        from xltools.cli import sample_path

        path = sample_path()
    os.environ["XLTOOLS_SOURCE"] = path
    import udfs.functions as f
    from udfs import engine

    f.SEI_PROFIT_MARGIN()  # parse once
    print(f"file: {os.path.basename(path)} ({engine.entry().info.enterprises} enterprises), "
          f"{os.cpu_count()} cores, Python {sys.version.split()[0]}")
    for label, call in (("SEI_PROFIT_MARGIN()", lambda: f.SEI_PROFIT_MARGIN()),
                        ('SEI_VALUE_ADDED("新材料")', lambda: f.SEI_VALUE_ADDED("新材料")),
                        ('SEI_GAP("营业收入利润率")', lambda: f.SEI_GAP("营业收入利润率"))):
        n = 20000
        best = min(timeit.repeat(call, number=n, repeat=5)) / n
        print(f"  warm {label:28s} {best * 1e6:7.1f} µs per call")

    # A sheet of 200 formulas: 25 indicators × 8 scopes, after the cache is emptied (刷新指标).
    from xltools.indicators import indicators

    engine.CACHE.clear()
    scopes = [None, "全市", "新材料", "新能源", "节能环保", "生物", "高端装备制造", "新能源汽车"]
    t = time.perf_counter()
    cells = [getattr(f, i.excel)(s) for i in indicators() for s in scopes]
    sheet = time.perf_counter() - t
    print(f"  sheet of {len(cells)} formulas after a refresh: {sheet * 1000:.0f} ms, "
          f"source parsed {engine.CACHE.builds} time(s)")

    env = dict(os.environ, XLTOOLS_SOURCE=path, PYTHONPATH=ROOT)
    cold, cli = [], []
    for _ in range(args.repeat):
        cold.append(wall([sys.executable, "-c", COLD], env))
        cli.append(wall([sys.executable, "-m", "xltools", "indicators", path, "--format", "json"], env))
    c, i = statistics.median(cold), statistics.median(cli)
    print(f"  cold first call (fresh process) {c:.2f} s;  xltools indicators {i:.2f} s;  "
          f"ratio {c / i:.2f}x  (median of {args.repeat}, Python start included)")


if __name__ == "__main__":
    main()
