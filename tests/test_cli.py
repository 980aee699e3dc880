"""The command line speaks one language: every help text, usage error and message a user reads is Chinese;
-o checks its extension; `indicators -o` writes a CSV Excel opens; tracker's default date is the ledger's."""
from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re

import pytest

from helpers import run_cli, write_xlsx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def commands():
    """(path, command) for the group and every command under it: ("", main), ("summary", …), ("addin build", …)."""
    import click

    from xltools.cli import main

    def walk(path, cmd):
        yield path, cmd
        if isinstance(cmd, click.Group):
            for name, sub in sorted(cmd.commands.items()):
                yield from walk(f"{path} {name}".strip(), sub)

    return list(walk("", main))


def readme_metavars() -> set[str]:
    """The placeholders the README explains (the paragraph that starts 帮助中的大写词)."""
    with open(os.path.join(ROOT, "README.md"), encoding="utf-8") as fh:
        para = next(p for p in fh.read().split("\n\n") if "帮助中的大写词" in p)
    return set(re.findall(r"`([A-Z]+)`", para))


# Words that are neither options, placeholders, file names nor format names, and stay as they are in
# Chinese text: the program and its commands, the products it works with, the SEI_ function prefix,
# the choice `county`, the folder XLSTART, encodings, the unit MB.
NAMES = {"xltools", "Excel", "WPS", "LibreOffice", "Windows", "macOS", "Python", "SEI_", "county", "all", "XLSTART",
         "MB"}
FORMATS = {"xlsx", "xls", "xlsm", "ods", "csv", "json", "docx", "md", "xlam", "table", "Markdown", "CSV", "JSON", "A4", "A3",
           "GBK", "UTF"}


def foreign_words(text: str, options: set[str], allowed: set[str]) -> list[str]:
    found = []
    for token in re.split(r"[\s，。；：:（）()“”‘’、？！\[\]|=,…]+", text):
        if not re.search(r"[A-Za-z]", token):
            continue
        if re.search(r"[/\\]", token) or re.search(r"\.[A-Za-z0-9]+$", token):
            continue  # a path or a file name
        if re.fullmatch(r"XLTOOLS_[A-Z_]+", token):
            continue  # a setting's name (environment variable), typed as it is
        if token.startswith("-") and token in options:
            continue
        found += [w for w in re.findall(r"[A-Za-z][A-Za-z0-9_]*", token) if w not in allowed]
    return found


WRONG = [
    ["sumary"], ["summary", "--threshold", "0"], ["summary", "--threshold", "x"], ["summary", "--jobs", "0"],
    ["indicators", "--format", "xml"], ["indicators", "--by", "town"], ["tracker", "--nope"],
    ["report", "--ledger"], ["tracker", "a", "b"], ["summary", "--split=3"], ["summary", "-o", "x.csv"],
    ["summary", "-o", "x"], ["indicators", "-o", "a.txt"], ["indicators", "--format", "csv", "-o", "a.json"],
    ["report", "-o", "a.pdf"], ["tracker", "-o", "a.ods"], ["addin", "build", "-o", "a.zip"],
    ["tracker", "--as-of", "明天"], ["tracker", "--amber", "-1"], ["tracker", "--amber", "30"],
    ["report", "--templates", "没有这个文件夹"], ["summary", "a.xlsx", "b.xlsx", "--period", "2022"],
    ["validate", "没有这个文件.xlsx"], ["addin", "nope"], ["--nope"],
]


def test_every_help_and_usage_error_is_chinese(tmp_path):
    found = commands()
    options = {o for _, cmd in found for p in cmd.params for o in getattr(p, "opts", [])} | {"-h", "--help"}
    allowed = readme_metavars() | NAMES | FORMATS | {path for path, _ in found for path in path.split()}
    assert {"INPUT", "LEDGER", "OUT", "P", "S", "F", "N", "DATE", "DIR", "FILE", "PYTHON"} <= readme_metavars()
    said = {}
    for path, _ in found:
        proc = run_cli(*path.split(), "-h")
        assert proc.returncode == 0 and proc.stderr == "", path
        said[f"{path} -h"] = proc.stdout
    for args in WRONG:
        proc = run_cli(*args, cwd=tmp_path)
        assert proc.returncode == 2 and re.search("错误|有误", proc.stderr) and "Traceback" not in proc.stderr, \
            (args, proc.stderr)
        said[" ".join(args)] = proc.stdout + proc.stderr
    # what the user typed comes back in the message (`“town”不是可选的值`): those words are theirs
    foreign = {where: words for where, text in said.items()
               if (words := [w for w in foreign_words(text, options, allowed) if w not in where])}
    assert foreign == {}
    usage = said["summary -h"].splitlines()[0]
    assert usage == "用法：xltools summary [选项] [INPUT]..." and "\n选项：\n" in said["summary -h"]
    for path in ("validate", "indicators", "report"):
        assert said[f"{path} -h"].startswith(f"用法：xltools {path} [选项] [INPUT]\n")
    assert said["tracker -h"].startswith("用法：xltools tracker [选项] [LEDGER]\n")
    assert said[" -h"].startswith("用法：xltools [选项] 命令 [参数]...\n") and "\n命令：\n" in said[" -h"]


@pytest.mark.parametrize("args", [[], ["addin"]])
def test_no_command_prints_the_help_once(args):
    proc = run_cli(*args)
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout.count("用法：") == 1 and "命令：" in proc.stdout and "错误：" not in proc.stdout


def test_short_help_in_the_command_list_is_a_whole_sentence():
    out = run_cli("addin", "-h").stdout
    listed = out.split("命令：\n")[1]
    assert "..." not in listed and "udfs" not in listed
    assert re.search(r"build +构建加载项文件，不安装", listed)


@pytest.mark.parametrize("args, allowed", [
    (["summary", "-o", "{dir}/x.csv"], ".xlsx"), (["summary", "-o", "{dir}/x"], ".xlsx"),
    (["tracker", "-o", "{dir}/x.xls"], ".xlsx"), (["report", "-o", "{dir}/x.txt"], ".docx、.md"),
    (["indicators", "-o", "{dir}/x.xlsx"], ".csv、.json"), (["addin", "build", "-o", "{dir}/x.xla"], ".xlam"),
])
def test_output_extension_is_what_the_command_writes(tmp_path, args, allowed):
    proc = run_cli(*[a.format(dir=tmp_path) for a in args])
    assert proc.returncode == 2 and f"的扩展名应为 {allowed}" in proc.stderr
    assert os.listdir(tmp_path) == []


def test_summary_output_folder_still_allowed(tmp_path):
    assert run_cli("summary", "-o", tmp_path).returncode == 0
    assert os.listdir(tmp_path) == ["战新产业汇总表_2022年1-12月.xlsx"]


def test_indicators_output_csv_opens_in_excel_and_json_keeps_its_keys(tmp_path):
    out = tmp_path / "指标.csv"
    proc = run_cli("indicators", "-o", out)
    assert proc.returncode == 0 and proc.stdout == f"已写入 {out}\n"
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    with open(out, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == ["范围代码", "范围", "指标代码", "指标", "计量单位", "数值", "显示值", "不公布"]
    margin = next(r for r in rows if r["范围代码"] == "sei" and r["指标代码"] == "profit_margin")
    assert margin["指标"] == "营业收入利润率" and margin["显示值"] == "7.45"
    as_json = tmp_path / "指标.json"
    assert run_cli("indicators", "-o", as_json).returncode == 0
    doc = json.loads(as_json.read_text(encoding="utf-8"))
    assert {"scope", "indicator", "value", "display"} <= set(doc["results"][0])
    assert run_cli("indicators", "--format", "json").stdout.strip() == as_json.read_text(encoding="utf-8").strip()


HEAD = ["项目编号", "项目名称", "项目级别", "总投资", "累计完成投资", "开工日期", "计划竣工日期"]
ROW = ["A-1", "一号项目", "市列重点", 1000, 400, "2021-03-01", "2022-06-30"]


@pytest.mark.parametrize("above, expected, said", [
    ([["2022年重点工业投资项目台账"]], "2022-12-31", "台账标题中的年份之末"),
    ([["2023年1-6月重点项目台账"]], "2023-06-30", "台账标题中的月份之末"),
    ([["重点项目台账"], ["截止日期", "2023-09-30"]], "2023-09-30", "台账的截止日期"),
    ([["截至2023年8月15日重点项目进展"]], "2023-08-15", "台账的截止日期"),
])
def test_tracker_date_is_the_ledgers_own(tmp_path, above, expected, said):
    ledger = write_xlsx(tmp_path / "台账.xlsx", above + [HEAD, ROW])
    proc = run_cli("tracker", ledger, cwd=tmp_path)
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    assert f"截至 {expected}，{said}" in proc.stdout
    assert os.path.exists(tmp_path / f"项目进度表_{expected}.xlsx")


def test_tracker_without_a_date_warns_when_the_ledger_is_old(tmp_path):
    ledger = write_xlsx(tmp_path / "台账.xlsx", [HEAD, ROW])
    proc = run_cli("tracker", ledger, cwd=tmp_path)
    today = dt.date.today()
    assert proc.returncode == 0 and f"截至 {today:%Y-%m-%d}，台账中没有截止日期，按今天计算" in proc.stdout
    assert "注意：台账中没有截止日期" in proc.stderr and "最晚的日期是 2022-06-30" in proc.stderr
    recent = [ROW[:5] + [f"{today.year - 1}-03-01", f"{today.year}-12-31"]]
    proc = run_cli("tracker", write_xlsx(tmp_path / "新台账.xlsx", [HEAD] + recent), "-o", tmp_path / "t.xlsx")
    assert proc.returncode == 0 and proc.stderr == ""


def test_a_list_or_map_that_does_not_exist_is_refused_even_when_unused(tmp_path):
    """--sei-list / --sei-map naming a missing file: a usage error, not silently ignored when the data has categories."""
    for option in ("--sei-list", "--sei-map"):
        res = run_cli("indicators", "--format", "json", option, tmp_path / "没有这个文件.csv")
        assert res.returncode == 2 and "没有这个文件.csv" in res.stderr and "不存在" in res.stderr, res.stderr
