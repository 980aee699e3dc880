"""`xltools summary` as a command: several inputs, bad input, text that looks like a formula, safe writing."""
from __future__ import annotations

import os
import re
import sys

import openpyxl
import pytest

from helpers import run_cli, sha256, write_csv
from workbook_reading import parts, sheet_formulas, values

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "workbooks", "samples"))
from make_sample import make_export  # noqa: E402

HEAD = ["统一社会信用代码", "单位名称", "行业代码", "县区", "战新产业类别", "营业收入本期", "营业收入上年同期",
        "营业成本本期", "利润总额本期", "利润总额上年同期"]


def rows(counties=("甲区", "乙县"), bad=None):
    out = [HEAD]
    for i in range(12):
        out.append([f"E{i:03d}", f"企业{i}", "3311", counties[i % len(counties)], ["新材料", "新能源", ""][i % 3],
                    1000 + i, 900 + i, 800, 50 + i, 40])
    if bad:
        out[5][5] = bad
    return out


def test_text_that_looks_like_a_formula_stays_text(tmp_path):
    counties = ("=1+1县", '=HYPERLINK("http://example.com","点我")', "@SUM(A1)区", "+cmd|' /C calc'!A0")
    src = write_csv(tmp_path / "=2022年1-12月.csv", rows(counties))
    out = tmp_path / "s.xlsx"
    proc = run_cli("summary", src, "-o", out, "--by", "county", "--no-suppress")
    assert proc.returncode == 0, proc.stderr
    # Every formula in the file is one of ours: IF/ROUND/OR over the 合计数据 sheet, numbers, "—".
    formulas = sheet_formulas(out)
    assert len(formulas) > 50
    for f in formulas:
        rest = re.sub(r"'合计数据'!\$[A-Z]+\$\d+", "", f)
        assert re.fullmatch(r'[IFROUNDOR(),.\d+\-*/<>="—]*', rest), f
    # The names are text cells, there are no links, and the county names are shown as written.
    wb = openpyxl.load_workbook(out)
    t3 = wb["表3"]
    shown = {t3.cell(r, 1).value: t3.cell(r, 1).data_type for r in range(5, 10)}
    for c in counties:
        assert shown[c] == "s"
    xml = "\n".join(parts(out).values())
    assert "<hyperlink" not in xml and "http://example.com" not in "".join(
        x for n, x in parts(out).items() if n.endswith(".rels"))
    assert any("=2022年1-12月.csv" in str(r[0]) for r in values(out)["说明"])


def test_several_inputs_one_bad_the_others_written(tmp_path):
    a = make_export(str(tmp_path / "10月.xlsx"), n=60, seed=3, period_title="2022年1-10月")
    b = make_export(str(tmp_path / "11月.xlsx"), n=60, seed=4, period_title="2022年1-11月")
    bad = write_csv(tmp_path / "坏2022年1-12月.csv", rows(bad="12,3a"))
    before = {p: sha256(p) for p in (a, b, bad)}
    out = tmp_path / "全年.xlsx"
    proc = run_cli("summary", a, bad, b, "-o", out)
    assert proc.returncode == 2
    assert "坏2022年1-12月.csv" in proc.stderr and "第6行 › 营业收入本期[F列]：'12,3a' 不是数字" in proc.stderr
    assert "1 份数据有错误未写入，其余 2 份已写入" in proc.stderr
    assert "Traceback" not in proc.stderr
    names = openpyxl.load_workbook(out).sheetnames
    assert names[:2] == ["2022年1-10月表1", "2022年1-10月表2"] and "2022年1-11月合计数据" in names
    assert not any(n.startswith("2022年1-12月") for n in names)
    # Each period's formulas refer to its own sums sheet.
    f = openpyxl.load_workbook(out)["2022年1-11月表1"]["C5"].value
    assert "'2022年1-11月合计数据'!" in f
    assert {p: sha256(p) for p in before} == before
    # --split: one workbook per period, in a folder.
    folder = tmp_path / "分期"
    proc = run_cli("summary", a, b, "--split", "-o", folder)
    assert proc.returncode == 0, proc.stderr
    assert sorted(os.listdir(folder)) == ["战新产业汇总表_2022年1-10月.xlsx", "战新产业汇总表_2022年1-11月.xlsx"]


def test_two_inputs_of_one_period_in_one_workbook(tmp_path):
    a = make_export(str(tmp_path / "a.xlsx"), n=40, seed=3)
    b = make_export(str(tmp_path / "b.xlsx"), n=40, seed=4)
    proc = run_cli("summary", a, b, "-o", tmp_path / "s.xlsx")
    assert proc.returncode == 2 and "报告期 2022年1-12月 与 a.xlsx 相同" in proc.stderr
    assert openpyxl.load_workbook(tmp_path / "s.xlsx").sheetnames[0] == "2022年1-12月表1"


def test_bad_input_writes_nothing_and_keeps_the_old_output(tmp_path):
    bad = write_csv(tmp_path / "坏.csv", rows(bad="#REF!x"))
    out = tmp_path / "s.xlsx"
    proc = run_cli("summary", bad, "-o", out, "--period", "2022")
    assert proc.returncode == 2 and not out.exists()
    out.write_bytes(b"previous")
    proc = run_cli("summary", bad, "-o", out, "--period", "2022")
    assert proc.returncode == 2 and out.read_bytes() == b"previous"
    assert sorted(os.listdir(tmp_path)) == ["s.xlsx", "坏.csv"]  # no temporary file left behind


def test_output_may_not_be_an_input(tmp_path):
    src = make_export(str(tmp_path / "a.xlsx"), n=30, seed=1)
    before = sha256(src)
    proc = run_cli("summary", src, "-o", src)
    assert proc.returncode == 2 and "就是输入文件" in proc.stderr
    assert sha256(src) == before


def test_unwritable_target_is_a_clear_failure(tmp_path):
    proc = run_cli("summary", "-o", tmp_path / "没有这个文件夹" / "s.xlsx")
    assert proc.returncode == 1 and "文件夹" in proc.stderr and "不存在" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_usage_errors(tmp_path):
    a = make_export(str(tmp_path / "a.xlsx"), n=30, seed=1)
    assert run_cli("summary", a, a, "--period", "2022").returncode == 2
    assert run_cli("summary", a, "--split", "-o", tmp_path / "x.xlsx").returncode == 2


def test_no_argument_writes_the_sample_summary_here(tmp_path):
    proc = run_cli("summary", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert os.listdir(tmp_path) == ["战新产业汇总表_2022年1-12月.xlsx"]
    assert "已写入 战新产业汇总表_2022年1-12月.xlsx" in proc.stdout


def test_progress_bar_on_a_terminal_only(tmp_path):
    """With several inputs a person at a terminal sees progress; a pipe gets none."""
    import pty
    import subprocess

    a = make_export(str(tmp_path / "10月.xlsx"), n=30, seed=3, period_title="2022年1-10月")
    b = make_export(str(tmp_path / "11月.xlsx"), n=30, seed=4, period_title="2022年1-11月")
    master, slave = pty.openpty()
    proc = subprocess.run([sys.executable, "-m", "xltools", "summary", a, b, "-o", tmp_path / "s.xlsx"],
                          stdout=subprocess.PIPE, stderr=slave, env=dict(os.environ, PYTHONIOENCODING="utf-8"))
    os.close(slave)
    seen = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(master)
    assert proc.returncode == 0
    assert "正在读取" in seen.decode("utf-8", "replace") and "2/2" in seen.decode("utf-8", "replace")
    piped = run_cli("summary", a, b, "-o", tmp_path / "t.xlsx")
    assert "正在读取" not in piped.stderr and piped.stderr == ""


def test_jobs_give_the_same_workbook_as_one_process(tmp_path):
    import pickle

    from xltools.errors import InputError, Issue

    files = [make_export(str(tmp_path / f"{m}月.xlsx"), n=40, seed=m, period_title=f"2022年1-{m}月") for m in (2, 3, 4)]
    one, two = tmp_path / "一.xlsx", tmp_path / "二.xlsx"
    assert run_cli("summary", *files, "-o", one, "--jobs", "1").returncode == 0
    assert run_cli("summary", *files, "-o", two, "--jobs", "2").returncode == 0
    assert values(one) == values(two)
    # An input error crosses the process boundary with every located issue.
    exc = InputError([Issue("不是数字", file="a.xlsx", sheet="s", row=5, column="营业收入", col_index=3, value="x",
                            has_value=True)])
    assert pickle.loads(pickle.dumps(exc)).report() == exc.report()


@pytest.mark.parametrize("args, expected", [
    (["sumary"], "没有这个命令：sumary，是不是 summary？"),
    (["summary", "--threshold", "0"], "选项 --threshold 的值无效：0 不在 1 至 1000 之间"),
    (["indicators", "--format", "xml"], "选项 --format 的值无效：“xml”不是可选的值；可选：json、csv、table"),
    (["tracker", "--nope"], "没有这个选项：--nope"),
    (["report", "--ledger"], "选项 --ledger 需要一个值"),
    (["tracker", "a", "b"], "多余的参数：b"),
])
def test_usage_errors_in_chinese(args, expected):
    proc = run_cli(*args)
    assert proc.returncode == 2
    assert expected in proc.stderr and "查看帮助和示例" in proc.stderr and "Error:" not in proc.stderr


def test_help_is_chinese_throughout():
    out = run_cli("summary", "--help").stdout
    assert out.startswith("用法：xltools summary [选项] [INPUT]...") and "\n选项：\n" in out and "显示本帮助并退出" in out and "[默认：3；1 至 1000]" in out


def test_jobs_with_the_spawn_start_method(tmp_path):
    """Workers are started by spawning Python anew, as on Windows and macOS (on every platform, so the
    path tested here is the one users run): the command runs once and writes one workbook."""
    files = [make_export(str(tmp_path / f"{m}月.xlsx"), n=30, seed=m, period_title=f"2022年1-{m}月") for m in (2, 3)]
    out = tmp_path / "s.xlsx"
    proc = run_cli("summary", *files, "-o", out, "--jobs", "2")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("已写入") == 1 and proc.stderr == ""
    assert openpyxl.load_workbook(out).sheetnames[0] == "2022年1-2月表1"
