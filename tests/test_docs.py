"""Docs that are run: the README's function reference and the sample analysis workbook are current."""
from __future__ import annotations

import os
import runpy
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_readme_function_reference_is_generated():
    docs = runpy.run_path(os.path.join(ROOT, "docs", "functions.py"))
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        readme = fh.read()
    assert f"{docs['START']}\n{docs['table']()}\n{docs['END']}" in readme


def test_sample_analysis_workbook_is_current(tmp_path, monkeypatch):
    """Regenerating it gives the same bytes: its cached values are today's engine values."""
    sys.path.insert(0, os.path.join(ROOT, "workbooks"))
    from make_analysis import main

    monkeypatch.delenv("XLTOOLS_SOURCE", raising=False)
    from udfs import engine

    engine.CACHE.clear()
    out = main(str(tmp_path / "a.xlsx"))
    with open(out, "rb") as a, open(os.path.join(ROOT, "workbooks", "战新产业分析示例.xlsx"), "rb") as b:
        assert a.read() == b.read()
