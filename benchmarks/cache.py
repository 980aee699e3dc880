"""The parse cache at national scale: `python benchmarks/cache.py [--rows N] [--repeat N]`.

Fresh child processes, alternating, median of --repeat, a cache folder of this run's own:

- read, no cache:     `xltools.load()` with XLTOOLS_NO_CACHE=1 — the full parse;
- read, first:        `xltools.load()` into an empty cache — the parse plus storing the entry;
- read, cached:       `xltools.load()` again on the unchanged file — served from the cache;
- indicators, no cache / cached: the whole command `xltools indicators FILE --format json`,
                      timed from outside (Python start, imports, computing every indicator included).

Wall time, and CPU time (user + system, every thread). The read is timed inside the child after its
imports (as benchmarks/read.py does); the command from outside (as benchmarks/national.py does).
Target (issue 19): the cached read costs under 0.1x the first, wall and CPU.
"""
from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

READ = r"""
import json, os, sys, time
import pandas, pyarrow, fastexcel, xltools, xltools.reader, xltools.readcache
t, c = time.perf_counter(), time.process_time()
data = xltools.load(sys.argv[1])
print(json.dumps({"seconds": time.perf_counter() - t, "cpu": time.process_time() - c, "rows": data.enterprises,
                  "counts": xltools.readcache.COUNTS}))
"""


def read(path: str, env: dict) -> dict:
    res = subprocess.run([sys.executable, "-c", READ, path], capture_output=True, text=True, cwd=ROOT, env=env)
    if res.returncode != 0:
        raise SystemExit(res.stderr)
    return json.loads(res.stdout.strip().splitlines()[-1])


def command(path: str, env: dict) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    res = subprocess.run([sys.executable, "-m", "xltools", "indicators", path, "--format", "json"],
                         capture_output=True, text=True, cwd=ROOT, env=env)
    seconds = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if res.returncode != 0:
        raise SystemExit(res.stderr)
    return {"seconds": seconds, "cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime}


def main() -> None:
    from read import arguments, export_path

    args = arguments(__doc__)
    path = export_path(args.rows)
    folder = tempfile.mkdtemp(prefix="xltools-cache-bench-")
    base = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""),
                XLTOOLS_CACHE_DIR=folder)
    base.pop("XLTOOLS_NO_CACHE", None)
    off = dict(base, XLTOOLS_NO_CACHE="1")
    runs: dict[str, list[dict]] = {k: [] for k in ("read, no cache", "read, first", "read, cached",
                                                   "indicators, no cache", "indicators, cached")}
    try:
        for _ in range(args.repeat):
            runs["read, no cache"].append(read(path, off))
            shutil.rmtree(folder, ignore_errors=True)
            first = read(path, base)
            assert first["counts"] == {"hit": 0, "miss": 1, "stored": 1}, first
            runs["read, first"].append(first)
            cached = read(path, base)
            assert cached["counts"]["hit"] == 1, cached
            runs["read, cached"].append(cached)
            runs["indicators, no cache"].append(command(path, off))
            runs["indicators, cached"].append(command(path, base))
        entry = sum(os.path.getsize(os.path.join(r, n)) for r, _, ns in os.walk(folder) for n in ns)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    med = {k: {m: statistics.median(r[m] for r in rs) for m in ("seconds", "cpu")} for k, rs in runs.items()}
    print(f"{args.rows} enterprises: {os.path.basename(path)} {os.path.getsize(path) / 1e6:.0f} MB, cache entry "
          f"{entry / 1e6:.0f} MB; median of {args.repeat} fresh processes, {os.cpu_count()} cores, "
          f"Python {sys.version.split()[0]}")
    for name, m in med.items():
        print(f"  {name:22s} {m['seconds']:6.2f} s wall {m['cpu']:6.2f} s CPU")
    for cached, against in (("read, cached", "read, first"), ("read, cached", "read, no cache"),
                            ("read, first", "read, no cache"), ("indicators, cached", "indicators, no cache")):
        print(f"  {cached} / {against}: wall {med[cached]['seconds'] / med[against]['seconds']:.3f}x   "
              f"CPU {med[cached]['cpu'] / med[against]['cpu']:.3f}x"
              + ("   (target < 0.1x)" if (cached, against) == ("read, cached", "read, first") else ""))


if __name__ == "__main__":
    main()
