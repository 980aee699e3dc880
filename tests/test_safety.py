"""Data safety: outputs written atomically (even under SIGKILL), inputs never touched, text never
turned into formulas or links in any output, limits with clear messages, the UDF cache coherent."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time

import openpyxl
import pytest

from helpers import run_cli, sha256, write_csv
from workbook_reading import parts, sheet_formulas

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "workbooks", "samples"))
from make_sample import make_export  # noqa: E402

SAMPLE = os.path.join(HERE, "..", "workbooks", "samples", "bureau_2022.xlsx")
LEDGER = os.path.join(HERE, "..", "workbooks", "samples", "ledger_2022.xlsx")


def test_sigkill_mid_write_leaves_the_old_file_or_the_new_one(tmp_path):
    """Kill the writer the moment its temporary file appears: the target is the old file, untouched."""
    src = make_export(str(tmp_path / "2022年1-12月.xlsx"), n=3000, seed=4)
    out = tmp_path / "汇总.xlsx"
    out.write_bytes(b"the previous summary")
    killed_mid_write = 0
    for attempt in range(6):
        proc = subprocess.Popen([sys.executable, "-m", "xltools", "summary", src, "-o", out, "--by", "county"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 60
        while proc.poll() is None and time.time() < deadline:
            if any(n.startswith(".~xltools-") for n in os.listdir(tmp_path)):
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.0005)
        proc.wait(30)
        if proc.returncode == -signal.SIGKILL:
            killed_mid_write += 1
            assert out.read_bytes() == b"the previous summary"
        else:  # it finished first: then the new file is complete
            assert openpyxl.load_workbook(out).sheetnames[0] == "表1"
            out.write_bytes(b"the previous summary")
        for stale in [n for n in os.listdir(tmp_path) if n.startswith(".~xltools-")]:
            os.remove(tmp_path / stale)  # what a killed process cannot clean up itself
    assert killed_mid_write >= 1


COMMANDS = [
    ("validate", "{src}"), ("indicators", "{src}", "--format", "json"), ("summary", "{src}", "-o", "{out}/s.xlsx"),
    ("tracker", "{ledger}", "-o", "{out}/t.xlsx", "--as-of", "2022-12-31"),
    ("report", "{src}", "--ledger", "{ledger}", "-o", "{out}/r.docx"), ("validate", "{ledger}"),
]


def test_inputs_are_byte_for_byte_unchanged_after_every_command(tmp_path):
    import shutil

    src = str(shutil.copy(SAMPLE, tmp_path / "bureau.xlsx"))
    ledger = str(shutil.copy(LEDGER, tmp_path / "ledger.xlsx"))
    before = {p: (sha256(p), os.stat(p).st_mtime_ns) for p in (src, ledger)}
    for command in COMMANDS:
        args = [a.format(src=src, ledger=ledger, out=tmp_path) for a in command]
        proc = run_cli(*args)
        assert proc.returncode == 0, (args, proc.stderr)
        assert {p: (sha256(p), os.stat(p).st_mtime_ns) for p in before} == before, args
    for command in (("summary", src, "-o", src), ("tracker", ledger, "-o", ledger),
                    ("report", src, "--ledger", ledger, "-o", ledger)):
        proc = run_cli(*command)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert {p: (sha256(p), os.stat(p).st_mtime_ns) for p in before} == before


def test_a_file_locked_by_another_program(tmp_path, monkeypatch):
    """Windows refuses to replace a file Excel has open: the rename fails. Linux has no such lock,
    so the refusal is injected at the one call that meets it; everything else runs for real."""
    from click.testing import CliRunner

    from xltools.cli import main

    real = os.replace

    def locked(a, b):
        if str(b).endswith("汇总.xlsx"):
            raise PermissionError(13, "Permission denied")
        return real(a, b)

    monkeypatch.setattr(os, "replace", locked)
    result = CliRunner().invoke(main, ["summary", SAMPLE, "-o", str(tmp_path / "汇总.xlsx")])
    assert result.exit_code == 1
    assert "无法写入" in result.output and "Excel 或 WPS 打开" in result.output
    assert os.listdir(tmp_path) == []  # the temporary file is gone too


def test_unwritable_places_are_clear_failures(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    for args in (("summary", "-o", blocker / "s.xlsx"), ("tracker", "-o", blocker / "t.xlsx"),
                 ("report", "-o", blocker / "r.md"), ("addin", "build", "-o", blocker / "x.xlam")):
        proc = run_cli(*args)
        assert proc.returncode == 1, args
        assert "无法" in proc.stderr and "Traceback" not in proc.stderr


FORMULA_LIKE = ["=1+1", '=HYPERLINK("http://example.com","点我")', "@SUM(A1)", "+cmd|' /C calc'!A0", "-2+3",
                "=WEBSERVICE(\"http://x\")"]


def _our_formulas_only(path):
    """Every formula is built from cell references, our functions and our own fixed words."""
    from xltools.ledger import LEVELS, STATES
    from xltools.sei import category_names

    words = {"", "—", "红", "黄", "绿", "<>", "非战新产业", "未填", *LEVELS, *STATES, *category_names()}
    for f in sheet_formulas(path):
        literals = re.findall(r'"([^"]*)"', f)
        assert set(literals) <= words, f
        rest = re.sub(r'"[^"]*"', "", f)
        rest = re.sub(r"'[^']+'!\$[A-Z]+\$\d+(:\$[A-Z]+\$\d+)?", "", rest)
        rest = re.sub(r"\$?[A-Z]{1,2}\$?\d+", "", rest)
        assert re.fullmatch(r"[A-Z(),.:\d+\-*/<>=]*", rest), f
    files = parts(path)
    assert not any("<hyperlink" in v for k, v in files.items() if k.startswith("xl/worksheets/"))
    assert not any("example.com" in v for k, v in files.items() if k.endswith(".rels"))


def test_tracker_text_never_becomes_a_formula(tmp_path):
    head = ["项目编号", "项目名称", "建设单位", "项目级别", "总投资", "累计完成投资", "形象进度", "状态"]
    rows = [[f"P{i}", name, name, "省列重大", 100, 50, name, "在建"] for i, name in enumerate(FORMULA_LIKE)]
    src = write_csv(tmp_path / "台账.csv", [head, *rows])
    out = tmp_path / "t.xlsx"
    assert run_cli("tracker", src, "-o", out, "--as-of", "2022-12-31").returncode == 0
    _our_formulas_only(out)
    ws = openpyxl.load_workbook(out)["项目总览"]
    names = [ws.cell(r, 1) for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value in FORMULA_LIKE]
    assert len(names) == len(FORMULA_LIKE) and all(c.data_type == "s" for c in names)


def test_open_workbook_target_keeps_text_as_text(tmp_path, monkeypatch):
    """The ribbon writes into an open workbook with Range.Value, which turns "=…" into a formula:
    text from inputs goes in with Excel's text prefix."""
    from udfs import engine, macros
    from xlwings_standin import Book

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for var in engine.ENV.values():
        monkeypatch.delenv(var, raising=False)
    engine.CACHE.clear()
    head = ["统一社会信用代码", "单位名称", "县区", "战新产业类别", "营业收入本期", "营业收入上年同期", "营业成本本期",
            "利润总额本期"]
    rows = [[f"A{i}", "甲厂", FORMULA_LIKE[i % len(FORMULA_LIKE)], "新材料", 100, 90, 80, 7] for i in range(12)]
    src = write_csv(tmp_path / "2022年1-12月.csv", [head, *rows])
    book = Book(tmp_path / "分析.xlsx")
    macros.set_source(book, src)
    macros.write_summary(book)
    book.save()
    wb = openpyxl.load_workbook(book.fullname)
    t3 = wb["表3"]
    counties = [t3.cell(r, 1) for r in range(1, t3.max_row + 1) if t3.cell(r, 1).value in FORMULA_LIKE]
    assert len(counties) == len(FORMULA_LIKE) and all(c.data_type == "s" for c in counties)
    engine.CACHE.clear()


def test_limits_are_settings_with_clear_messages(tmp_path):
    src = make_export(str(tmp_path / "2022年1-12月.xlsx"), n=300, seed=1)
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    for var, value, expected in (("XLTOOLS_MAX_FILE_MB", "0.01", "超过上限 0.01 MB"),
                                 ("XLTOOLS_MAX_XML_MB", "0.05", "超过上限 0.05 MB"),
                                 ("XLTOOLS_MAX_ROWS", "100", "超过上限 100 行")):
        proc = subprocess.run([sys.executable, "-m", "xltools", "indicators", src], capture_output=True, text=True,
                              encoding="utf-8", env=dict(env, **{var: value}))
        assert proc.returncode == 2 and expected in proc.stderr and var in proc.stderr, proc.stderr
    proc = subprocess.run([sys.executable, "-m", "xltools", "indicators", src], capture_output=True, text=True,
                          env=dict(env, XLTOOLS_MAX_ROWS="not a number"))
    assert proc.returncode == 0  # a setting that is not a number leaves the default


def test_udf_cache_never_mixes_an_old_and_a_new_file(tmp_path, monkeypatch):
    """Threads recalculating while the source is replaced on disk: every table they get is wholly
    the old file's or wholly the new one's."""
    import udfs.functions as f
    from udfs import engine

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    path = str(tmp_path / "2022年1-12月.xlsx")
    make_export(path, n=120, seed=5)
    monkeypatch.setenv("XLTOOLS_SOURCE", path)
    engine.CACHE.clear()
    old = f.SEI_TABLE("表1", None, False)
    make_export(str(tmp_path / "next.xlsx"), n=150, seed=6, period_title="2022年1-12月")
    monkeypatch.setenv("XLTOOLS_SOURCE", str(tmp_path / "next.xlsx"))
    engine.CACHE.clear()
    new = f.SEI_TABLE("表1", None, False)
    monkeypatch.setenv("XLTOOLS_SOURCE", path)
    engine.CACHE.clear()
    seen, errors, stop = [], [], threading.Event()

    def call():
        while not stop.is_set():
            try:
                seen.append(f.SEI_TABLE("表1", None, False))
            except Exception as exc:  # pragma: no cover
                errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(6)]
    for t in threads:
        t.start()
    for _ in range(3):
        time.sleep(0.05)
        os.replace(tmp_path / "next.xlsx", path) if os.path.exists(tmp_path / "next.xlsx") else None
        time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join()
    assert not errors and seen
    assert all(table in (old, new) for table in seen if not isinstance(table, str))
    assert any(table == new for table in seen)
    engine.CACHE.clear()


@pytest.mark.parametrize("name", ["SECURITY.md"])
def test_security_notes_exist(name):
    text = open(os.path.join(HERE, "..", name), encoding="utf-8").read()
    for topic in ("网络", "宏", "保密", "XLTOOLS_MAX_XML_MB"):
        assert topic in text
