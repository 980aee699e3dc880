"""The README's reference of Excel functions, generated from udfs.functions so that it never drifts.

`python docs/functions.py` prints it; `--write` puts it into README.md between the markers;
a test checks that README.md holds exactly what this prints.
"""
from __future__ import annotations

import inspect
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
START, END = "<!-- functions:start -->", "<!-- functions:end -->"


def table() -> str:
    sys.path.insert(0, ROOT)
    import udfs.functions as f

    lines = ["| 函数 | 说明 |", "|---|---|"]
    for name in f.EXCEL_FUNCTIONS:
        fn = getattr(f, name)
        args = ", ".join(a if a in ("indicator", "code_or_name") else f"[{a}]" for a in fn.excel_args)
        doc = " ".join(inspect.getdoc(fn).split())
        lines.append(f"| `{name}({args})` | {doc} |")
    return "\n".join(lines)


def main() -> None:
    sys.path.insert(0, HERE)
    from readme_markers import print_or_write

    print_or_write(table(), START, END)


if __name__ == "__main__":
    main()
