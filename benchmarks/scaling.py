"""Cost against the number of enterprises: `python benchmarks/scaling.py` (needs the [bench] extra).

Runs `xltools indicators` and a bare fastexcel read on generated exports of 1 000, 10 000,
100 000 and 470 000 enterprises (fresh processes, Python start included, median of 3; one
run at 470 000), prints the time per enterprise and the marginal cost between sizes (the
slope: constant when cost grows linearly), and draws docs/images/scaling.png.
"""
from __future__ import annotations

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
SIZES = (1_000, 10_000, 100_000, 470_000)


def main() -> None:
    from national import measure
    from read import export_path

    rows = []
    for n in SIZES:
        med = measure(export_path(n), 3 if n <= 100_000 else 1, modes=("bare", "indicators"))
        rows.append((n, med["bare"]["seconds"], med["indicators"]["seconds"]))
    print(f"{os.cpu_count()} cores, Python {sys.version.split()[0]}; wall time of a fresh process, Python start included")
    print(f"{'enterprises':>12} {'bare s':>8} {'xltools s':>10} {'ratio':>6} {'µs/enterprise':>14} {'marginal µs':>12}")
    previous = None
    for n, bare, ours in rows:
        marginal = "" if previous is None else f"{(ours - previous[1]) / (n - previous[0]) * 1e6:12.1f}"
        print(f"{n:12d} {bare:8.2f} {ours:10.2f} {ours / bare:6.2f} {ours / n * 1e6:14.1f} {marginal}")
        previous = (n, ours)
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.2), dpi=110)
    ns = [r[0] for r in rows]
    ax.plot(ns, [r[2] / r[0] * 1e6 for r in rows], "o-", label="xltools indicators")
    ax.plot(ns, [r[1] / r[0] * 1e6 for r in rows], "s--", label="bare fastexcel read")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("enterprises in the export")
    ax.set_ylabel("wall time per enterprise (µs)")
    ax.set_title("Cost per enterprise: fixed start-up cost amortised, then flat")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    out = os.path.join(ROOT, "docs", "images", "scaling.png")
    fig.tight_layout()
    fig.savefig(out)
    print(out)


if __name__ == "__main__":
    main()
