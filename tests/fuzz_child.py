"""Run by the hostile-input tests in a child process: read each given file as a bureau export
(or a ledger) and print one JSON line per file: ok / input_error / crash, and the peak memory.

A crash is any exception other than an InputError (a bug); a hang is caught by the parent's
timeout. Usage: python fuzz_child.py bureau|ledger FILE...
"""
from __future__ import annotations

import json
import resource
import sys
import traceback


def peak_mb() -> float:
    """This process's own peak RSS: VmHWM of its memory map (ru_maxrss can carry the peak of the
    process it was forked from, across exec)."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    kind, paths = sys.argv[1], sys.argv[2:]
    import xltools
    from xltools.errors import InputError
    from xltools.ledger import read_ledger
    from xltools.render import render_indicators

    for path in paths:
        try:
            if kind == "bureau":
                results = xltools.compute(xltools.load(path, period="2022"), by_county=True)
                render_indicators(results, "json")  # strict JSON: NaN or Infinity would raise
                from xltools.disclosure import plan
                from xltools.tables import SourceInfo, sheet_set

                sheet_set(results, plan(results), SourceInfo("x", "s", "p", "option", 0, []))
            else:
                read_ledger(path)
            outcome, detail = "ok", ""
        except InputError as exc:
            outcome, detail = "input_error", exc.report()[:300]
        except Exception:  # noqa: BLE001 - the point: anything else is a bug
            outcome, detail = "crash", traceback.format_exc()[-1500:]
        print(json.dumps({"path": path, "outcome": outcome, "detail": detail, "peak_mb": peak_mb()},
                         ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
