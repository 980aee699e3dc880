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


def _readme() -> str:
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        return fh.read()


def test_readme_cli_reference_is_generated():
    docs = runpy.run_path(os.path.join(ROOT, "docs", "cli.py"))
    assert f"{docs['START']}\n{docs['reference']()}\n{docs['END']}" in _readme()


def test_readme_cli_reference_is_what_the_commands_print():
    """Each help block in the README is what `xltools <command> -h` prints in a 100-column terminal."""
    import re
    import subprocess

    readme = _readme()
    section = readme[readme.index("<!-- cli:start -->"):readme.index("<!-- cli:end -->")]
    blocks = re.findall(r"#### `xltools((?: [a-z]+)*) -h`\n\n```\n(.*?)\n```", section, re.S)
    assert len(blocks) >= 10
    env = dict(os.environ, PYTHONIOENCODING="utf-8", COLUMNS="100")
    for path, shown in blocks:
        printed = subprocess.run([sys.executable, "-m", "xltools", *path.split(), "-h"], capture_output=True,
                                 text=True, encoding="utf-8", env=env, check=True).stdout
        assert shown == printed.rstrip("\n"), path


def _block_after(readme: str, marker: str) -> str:
    start = readme.index("```\n", readme.index(marker)) + 4
    return readme[start:readme.index("```", start)]


def test_readme_sample_outputs_are_what_the_commands_print():
    """The README's sample outputs, run again: indicators whole, validate line by line (… elides)."""
    from helpers import run_cli

    readme = _readme()
    printed = run_cli("indicators").stdout
    assert _block_after(readme, "样例数据的输出\n（`xltools indicators`）").strip() == printed.strip()
    printed = run_cli("validate").stdout.splitlines()
    shown = [line for line in _block_after(readme, "样例数据的检查结果（`xltools validate`）").splitlines()
             if line.strip() != "…"]
    at = 0
    for line in shown:  # in order; a line's parts around "…" appear in the printed line
        parts = [p for p in line.split("…") if p]
        at = next(i for i in range(at, len(printed)) if all(p in printed[i] for p in parts)) + 1
    assert "10 家" in shown[-1]


def test_readme_links_stay_inside_the_repository():
    import re

    targets = re.findall(r"\]\(([^)\s]+)", _readme())
    assert targets and not [t for t in targets if "://" in t or t.startswith("..") or t.startswith("/")]
    missing = [t for t in targets if not os.path.exists(os.path.join(ROOT, t.split("#")[0]))]
    assert missing == []


def test_sample_outputs_are_ignored_by_git(tmp_path):
    """The Quick start writes into the current folder: in the repository those files are not left untracked."""
    import subprocess

    names = ["战新产业汇总表_2022年1-12月.xlsx", "项目进度表_2022-12-31.xlsx", "发展现状.docx", "xltools.xlam",
             "指标.csv", "指标.json", "汇总表.xlsx", "项目进度表.xlsx"]  # and the examples' -o names
    proc = subprocess.run(["git", "check-ignore", "-z", "--stdin", "--no-index"], input="\0".join(names), cwd=ROOT,
                          capture_output=True, text=True)
    if proc.returncode == 128:
        import pytest

        pytest.skip("not a git checkout")
    assert sorted(filter(None, proc.stdout.split("\0"))) == sorted(names)


def test_indicator_definitions_page_is_generated():
    """docs/indicators.md is the registry, written out: regenerate it when indicators.csv changes."""
    docs = runpy.run_path(os.path.join(ROOT, "docs", "indicators.py"))
    with open(os.path.join(ROOT, "docs", "indicators.md"), encoding="utf-8") as fh:
        assert fh.read() == docs["text"]()


def test_json_docs_match_what_indicators_prints(tmp_path):
    """docs/json.md: every key it lists is in the JSON and every key of the JSON is listed; an indicator whose
    column is missing is absent from `results` (not null) and named in `warnings`, as the page says."""
    import json
    import re

    from helpers import run_cli, write_csv

    with open(os.path.join(ROOT, "docs", "json.md"), encoding="utf-8") as fh:
        page = fh.read().split("# `xltools trend")[0]
    tables = [re.findall(r"^\| `(\w+)` \|", block, re.M) for block in page.split("\n\n") if block.startswith("| 键")]
    top, record = tables
    doc = json.loads(run_cli("indicators", "--format", "json").stdout)
    assert top == list(doc)
    assert record == list(doc["results"][0])
    assert "不出现" in page and "不是 `null`" in page
    head = ["统一社会信用代码", "单位名称", "战新产业类别", "营业收入本期", "营业成本本期", "利润总额本期"]
    rows = [[f"9100{i:02d}", f"企业{i}", "新材料" if i % 2 else "", 1000 + i, 800, 50] for i in range(8)]
    doc = json.loads(run_cli("indicators", write_csv(tmp_path / "2022年1-12月.csv", [head, *rows]),
                             "--format", "json").stdout)
    ids = {r["indicator"] for r in doc["results"]}
    assert "revenue" in ids and "revenue_growth" not in ids and "value_added" not in ids
    assert any("缺少" in w and "未计算" in w and "营业收入增速" in w for w in doc["warnings"]), doc["warnings"]
