"""Hostile and broken input: every file ends in a clean result or an input error — never a crash,
a hang, unbounded memory, or NaN/Infinity in the JSON. Fixed seeds; XLTOOLS_FUZZ=long runs more."""
from __future__ import annotations

import io
import json
import os
import random
import subprocess
import sys
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import xltools
from helpers import run_cli, write_csv
from xltools.errors import InputError

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "workbooks", "samples"))
from make_sample import make_export  # noqa: E402

LONG = os.environ.get("XLTOOLS_FUZZ") == "long"
MUTANTS = 2000 if LONG else 60
EXAMPLES = 1000 if LONG else 40
MEMORY_BOUND_MB = 700  # no input under the limits makes a read use more than this (peak RSS of the process)
TRIED = {"count": 0}


def run_child(kind: str, paths: list[str], timeout: int = 240, env: dict | None = None) -> list[dict]:
    proc = subprocess.run([sys.executable, os.path.join(HERE, "fuzz_child.py"), kind, *map(str, paths)],
                          capture_output=True, text=True, timeout=timeout, env=dict(os.environ, **(env or {})))
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    assert len(out) == len(paths)
    TRIED["count"] += len(out)
    return out


def assert_clean(outcomes: list[dict]) -> None:
    crashes = [o for o in outcomes if o["outcome"] == "crash"]
    assert crashes == [], crashes[0]["path"] + "\n" + crashes[0]["detail"]
    assert max(o["peak_mb"] for o in outcomes) < MEMORY_BOUND_MB


@pytest.fixture(scope="module")
def valid(tmp_path_factory):
    folder = tmp_path_factory.mktemp("valid")
    export = make_export(str(folder / "2022年1-12月.xlsx"), n=40, seed=3)
    with open(export, "rb") as fh:
        return export, fh.read()


def test_byte_mutations_and_truncations(valid, tmp_path):
    """Random bytes flipped, inserted and cut in a real export: each read ends cleanly."""
    _, data = valid
    paths = _mutants(data, tmp_path, "m", ".xlsx", 20261127, MUTANTS)
    assert_clean(run_child("bureau", paths))


def _mutants(data: bytes, folder, stem: str, suffix: str, seed: int, count: int) -> list:
    """count copies of data with random bytes flipped, cut short, or inserted (one kind in turn)."""
    rnd = random.Random(seed)
    paths = []
    for i in range(count):
        blob = bytearray(data)
        kind = i % 3
        if kind == 0:
            for _ in range(rnd.randint(1, 30)):
                blob[rnd.randrange(len(blob))] = rnd.randrange(256)
        elif kind == 1:
            blob = blob[:rnd.randrange(len(blob))]
        else:
            at = rnd.randrange(len(blob))
            blob[at:at] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 500)))
        path = folder / f"{stem}{i}{suffix}"
        path.write_bytes(bytes(blob))
        paths.append(path)
    return paths


@pytest.fixture(scope="module")
def converted(valid, tmp_path_factory, libreoffice):
    """The valid export as LibreOffice saves it in .xls (BIFF8) and .ods: {suffix: bytes}."""
    folder = tmp_path_factory.mktemp("converted")
    out = {}
    for target in ("xls", "ods"):
        path = libreoffice.convert(valid[0], folder, target)
        with open(path, "rb") as fh:
            out[target] = fh.read()
    return out


def _no_traceback(outcomes: list[dict]) -> None:
    assert all("Traceback" not in o["detail"] for o in outcomes), next(o for o in outcomes if "Traceback" in o["detail"])


@pytest.mark.parametrize("target", ["xls", "ods"])
def test_xls_and_ods_byte_mutations_and_truncations(converted, tmp_path, target):
    """The same export as .xls (calamine in its memory-capped child) and .ods, bytes flipped, cut and
    inserted: each read ends in a result or a clean input error, no traceback, no abort."""
    ok = run_child("bureau", [_write(tmp_path / f"ok.{target}", converted[target])])
    assert ok[0]["outcome"] == "ok", ok[0]["detail"]
    seed = {"xls": 20261128, "ods": 20261129}[target]
    outcomes = run_child("bureau", _mutants(converted[target], tmp_path, "m", f".{target}", seed, MUTANTS), timeout=600)
    assert_clean(outcomes)
    _no_traceback(outcomes)
    assert any(o["outcome"] == "input_error" for o in outcomes)


def test_ods_content_xml_mutations(converted, tmp_path):
    """content.xml of the .ods mutated inside a valid zip (no CRC error to stop the read early): the
    XML itself is broken or altered; each read ends cleanly."""
    data = converted["ods"]
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        content = z.read("content.xml")
    rnd = random.Random(20261130)
    paths = []
    for i in range(MUTANTS // 2):
        blob = bytearray(content)
        if i % 3 == 0:
            for _ in range(rnd.randint(1, 30)):
                blob[rnd.randrange(len(blob))] = rnd.choice(b'<>/"=&;:# 0123456789abcdefghijklmnopqrstuvwxyz')
        elif i % 3 == 1:
            blob = blob[:rnd.randrange(len(blob))]
        else:
            at = rnd.randrange(len(blob))
            blob[at:at] = rnd.choice([b'<table:table-cell office:value-type="boolean" office:boolean-value="true"/>',
                                      b'<table:table-cell table:number-columns-repeated="16384"/>',
                                      (b'<table:table-row table:number-rows-repeated="1048576"><table:table-cell/>'
                                       b"</table:table-row>"), b'calcext:value-type="error"', b"\xff\xfe"])
        path = tmp_path / f"c{i}.ods"
        path.write_bytes(_rezip(data, replace={"content.xml": bytes(blob)}))
        paths.append(path)
    outcomes = run_child("bureau", paths, timeout=600)
    assert_clean(outcomes)
    _no_traceback(outcomes)


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


def _rezip(data: bytes, drop: str | None = None, replace: dict | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename == drop:
                continue
            dst.writestr(item.filename, (replace or {}).get(item.filename, src.read(item.filename)))
    return out.getvalue()


def test_zips_with_missing_parts(valid, tmp_path):
    _, data = valid
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        names = z.namelist()
    paths = []
    for name in names:
        path = tmp_path / f"without_{name.replace('/', '_')}.xlsx"
        path.write_bytes(_rezip(data, drop=name))
        paths.append(path)
    outcomes = run_child("bureau", paths)
    assert_clean(outcomes)
    assert any(o["outcome"] == "input_error" for o in outcomes)


def test_decompression_bomb_is_refused_by_the_limit(valid, tmp_path):
    """A sheet that inflates to 300 MB from a few hundred KB: refused before it is parsed."""
    _, data = valid
    row = b'<row r="9"><c r="A9" t="inlineStr"><is><t>x</t></is></c></row>'
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    body = sheet.replace(b"</sheetData>", row * (300_000_000 // len(row)) + b"</sheetData>")
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(_rezip(data, replace={"xl/worksheets/sheet1.xml": body}))
    assert path.stat().st_size < 3_000_000
    outcomes = run_child("bureau", [path], env={"XLTOOLS_MAX_XML_MB": "200"})
    assert outcomes[0]["outcome"] == "input_error" and "200 MB" in outcomes[0]["detail"]
    assert_clean(outcomes)


def test_entity_expansion_bomb_in_shared_strings(valid, tmp_path):
    _, data = valid
    lol = b'<!DOCTYPE lolz [<!ENTITY lol "lololololololololol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)) + b"]>"
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        shared = z.read("xl/sharedStrings.xml")
    bomb = shared.replace(b"?>", b"?>" + lol, 1).replace(b"<t>", b"<t>&lol9;", 1)
    path = tmp_path / "lolz.xlsx"
    path.write_bytes(_rezip(data, replace={"xl/sharedStrings.xml": bomb}))
    outcomes = run_child("bureau", [path], timeout=120)
    assert_clean(outcomes)


def test_files_that_are_not_what_they_say(tmp_path):
    rnd = random.Random(7)
    paths = []
    for ext in (".xlsx", ".xls", ".xlsm", ".csv", ".ods"):
        for i, blob in enumerate([b"", os.urandom(2000), b"PK\x03\x04" + os.urandom(500),
                                  b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(3000), b"<html><table>x</table>",
                                  "统一社会信用代码,营业收入本期\n".encode("utf-16-le"), bytes(rnd.randrange(256) for _ in range(300))]):
            path = tmp_path / f"f{i}{ext}"
            path.write_bytes(blob)
            paths.append(path)
    outcomes = run_child("bureau", paths)
    assert_clean(outcomes)
    assert all(o["outcome"] == "input_error" for o in outcomes)


def test_csv_encodings_header_only_and_extremes(tmp_path):
    head = ["统一社会信用代码", "单位名称", "战新产业类别", "营业收入本期", "营业收入上年同期", "营业成本本期", "利润总额本期",
            "资产总计本期", "负债合计本期"]
    rows = [["A1", "甲厂", "新材料", 1e308, -1e308, 1e308, -5, -100, -200], ["A2", "乙厂", "", 0, 0, 0, 0, 0, 0]]
    paths = [write_csv(tmp_path / "header_only.csv", [head]),
             write_csv(tmp_path / "extreme.csv", [head, *rows]),
             write_csv(tmp_path / "negative.csv", [head, ["A1", "甲厂", "新材料", 10, 5, 8, -3, -50, 60]]),
             write_csv(tmp_path / "gbk.csv", [head, rows[1]], encoding="gbk"),
             write_csv(tmp_path / "latin1.csv", [["name", "revenue"], ["Société", "1"]], encoding="latin-1")]
    (tmp_path / "big5.csv").write_bytes(",".join(head).encode("big5", "replace") + b"\n")
    paths.append(tmp_path / "big5.csv")
    (tmp_path / "万元.csv").write_text("单位：万元\n" + ",".join(head) + "\nA1,甲,新材料,1e308,1,1,1,1,1\n",
                                      encoding="utf-8")
    paths.append(tmp_path / "万元.csv")
    assert_clean(run_child("bureau", paths))
    # The JSON of the extreme file is strict: overflowing figures are input errors, not Infinity.
    proc = run_cli("indicators", tmp_path / "万元.csv", "--format", "json", "--period", "2022")
    assert proc.returncode == 2 and "不是数字" in proc.stderr
    proc = run_cli("indicators", tmp_path / "negative.csv", "--format", "json", "--period", "2022")
    assert proc.returncode == 0 and "NaN" not in proc.stdout and "Infinity" not in proc.stdout
    json.loads(proc.stdout)


CELL = st.one_of(st.none(), st.text(max_size=12), st.integers(-10**15, 10**15),
                 st.floats(allow_nan=False, allow_infinity=False), st.sampled_from(
                     ["#REF!", "N/A", "-", "—", "=1+1", "1,234.5", "１２３", " 12 ", "1e308", "-0", "合计", "注：x",
                      "新材料", "3", "火星", "2023年3月", "TRUE"]))
HEADERS = ["统一社会信用代码", "单位详细名称", "行业代码", "县(区)", "战略性新兴产业类别", "营业收入本期", "营业收入上年同期",
           "营业成本本期", "利润总额本期", "利润总额上年同期", "资产总计本期", "负债合计本期", "工业增加值本期",
           "平均用工人数", "随便一列", "营业收入(万元)本期"]


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                      HealthCheck.too_slow])
@given(st.lists(st.sampled_from(HEADERS), min_size=1, max_size=10, unique=True),
       st.lists(st.lists(CELL, min_size=0, max_size=10), max_size=12),
       st.lists(st.text(max_size=20), max_size=3), st.sampled_from(["xlsx", "csv"]))
def test_random_tables_read_cleanly_in_process(tmp_path, header, body, title, fmt):
    """Random headers, cells and title rows through the real readers: a result with finite JSON or an
    InputError — nothing else."""
    from helpers import write_xlsx_raw
    from xltools.render import render_indicators

    rows = [[t] for t in title] + [header] + body
    path = tmp_path / f"t.{fmt}"
    if fmt == "csv":
        write_csv(path, rows)
    else:
        write_xlsx_raw(path, rows)
    TRIED["count"] += 1
    try:
        results = xltools.compute(xltools.load(str(path), period="2022"), by_county=True)
    except InputError:
        return
    render_indicators(results, "json")


def test_ledger_mutations(tmp_path):
    src = os.path.join(HERE, "..", "workbooks", "samples", "ledger_2022.xlsx")
    with open(src, "rb") as fh:
        data = fh.read()
    rnd = random.Random(99)
    paths = []
    for i in range(MUTANTS // 2):
        blob = bytearray(data)
        for _ in range(rnd.randint(1, 20)):
            blob[rnd.randrange(len(blob))] = rnd.randrange(256)
        if i % 4 == 0:
            blob = blob[:rnd.randrange(len(blob))]
        path = tmp_path / f"l{i}.xlsx"
        path.write_bytes(bytes(blob))
        paths.append(path)
    assert_clean(run_child("ledger", paths))


LEDGER_HEADERS = ["项目编号", "项目名称", "建设单位", "项目级别", "战新产业类别", "总投资", "开工日期", "计划竣工日期",
                  "本年计划投资", "本年完成投资", "累计完成投资", "形象进度", "状态", "子项名称", "工业固定资产投资本期"]
LEDGER_CELL = st.one_of(CELL, st.sampled_from(["2023-03-15", "2023年3月", "45000", "2024.2", "明年", "在建", "已建成",
                                               "省列重大", "烂尾", "-5", "1e308"]))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                      HealthCheck.too_slow])
@given(st.lists(st.sampled_from(LEDGER_HEADERS), min_size=1, max_size=12, unique=True),
       st.lists(st.lists(LEDGER_CELL, max_size=12), max_size=10), st.sampled_from(["xlsx", "csv"]))
def test_random_ledgers_read_cleanly_in_process(tmp_path, header, body, fmt):
    """Random ledgers through the real ledger reader and the tracker: a tracker or an InputError."""
    import datetime as dt

    from helpers import write_xlsx_raw
    from xltools.ledger import read_ledger
    from xltools.tracker import tracker_tables

    path = tmp_path / f"l.{fmt}"
    (write_csv if fmt == "csv" else write_xlsx_raw)(path, [header] + body)
    TRIED["count"] += 1
    try:
        ledger = read_ledger(str(path))
    except InputError:
        return
    tracker_tables(ledger, dt.date(2023, 6, 30))


def test_report_the_count(capsys):
    """How many hostile inputs this run tried (the README quotes a run of the long suite)."""
    with capsys.disabled():
        print(f"\nhostile inputs tried in this run: {TRIED['count']}")
