"""The parse cache (xltools/readcache.py): served only for unchanged content, identical to a fresh parse.

Every test has an empty cache folder of its own (conftest.py: XLTOOLS_CACHE_DIR); readcache.COUNTS
says whether a read was a hit, a miss, and whether it stored an entry.
"""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
import subprocess
import sys

import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner
from helpers import basic_rows, run_cli, write_csv, write_xlsx

import xltools
from xltools import readcache
from xltools.cli import main
from xltools.errors import InputError

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SAMPLE = os.path.join(ROOT, "workbooks", "samples", "bureau_2022.xlsx")


@pytest.fixture
def counts():
    """readcache.COUNTS from zero for this test."""
    for key in readcache.COUNTS:
        readcache.COUNTS[key] = 0
    return readcache.COUNTS


def assert_same_read(a, b):
    """Every field of two BureauData equal, the table cell for cell with its dtypes."""
    pd.testing.assert_frame_equal(a.frame, b.frame, check_exact=True)
    for f in dataclasses.fields(a):
        if f.name != "table":
            assert getattr(a, f.name) == getattr(b, f.name), f.name
            assert type(getattr(a, f.name)) is type(getattr(b, f.name)), f.name


def sample_copy(tmp_path, name="bureau_2022.xlsx"):
    return str(shutil.copy(SAMPLE, tmp_path / name))


def entry_files(folder):
    reads = os.path.join(folder, "reads")
    return sorted(os.path.join(reads, n) for n in os.listdir(reads)) if os.path.isdir(reads) else []


# ---------------------------------------------------------------- served, and the same

def test_the_second_read_comes_from_the_cache_and_equals_a_fresh_parse(tmp_path, counts, parse_cache):
    path = sample_copy(tmp_path)
    first = xltools.load(path)
    assert counts == {"hit": 0, "miss": 1, "stored": 1}
    [entry] = entry_files(parse_cache)
    assert oct(os.stat(entry).st_mode & 0o777) == "0o600"  # enterprise data: the user's eyes only
    second = xltools.load(path)
    assert counts["hit"] == 1
    assert_same_read(first, second)
    assert first.decisions and first.sheet_notes  # row roles and the sheet choice
    os.environ["XLTOOLS_NO_CACHE"] = "1"
    try:
        fresh = xltools.load(path)
    finally:
        del os.environ["XLTOOLS_NO_CACHE"]
    assert counts == {"hit": 1, "miss": 1, "stored": 1}
    assert_same_read(fresh, second)


def test_notes_of_the_read_come_back_from_the_cache(tmp_path, counts):
    """A CSV saved under an .xls name, an enterprise without a county: both said, from the cache too."""
    rows = basic_rows()
    rows[4][3] = None
    path = write_csv(tmp_path / "企业.xls", rows)
    first = xltools.load(path)
    second = xltools.load(path)
    assert counts["hit"] == 1
    assert_same_read(first, second)
    assert any("扩展名" in n for n in second.notes) and any("未分县区" in n for n in second.notes)


def _workbook_cells(path):
    out = {}
    for data_only in (False, True):  # formulas, then the values stored with them
        wb = openpyxl.load_workbook(path, data_only=data_only)
        for ws in wb.worksheets:
            out[(data_only, ws.title)] = [[c.value for c in row] for row in ws.iter_rows()]
    return out


COMMANDS = [
    ["validate", "{src}"],
    ["indicators", "{src}", "--format", "json", "--by", "county"],
    ["indicators", "{src}"],
    ["report", "{src}"],
    ["summary", "{src}", "-o", "{out}"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:3]))
def test_every_output_is_identical_cached_or_not(tmp_path, counts, command):
    """Fresh parse (stored), then served from the cache, then --no-cache: the same text on stdout
    and stderr, the same exit status, the same workbook."""
    src = sample_copy(tmp_path)
    runs = []
    for i, extra in enumerate(([], [], ["--no-cache"])):
        out = str(tmp_path / f"out{i}.xlsx")
        args = [a.format(src=src, out=out) for a in command] + extra
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        text = result.stdout.replace(out, "OUT")
        runs.append((text, result.stderr, _workbook_cells(out) if "summary" in command else None))
    assert counts == {"hit": 1, "miss": 1, "stored": 1}  # --no-cache neither read nor wrote it
    assert runs[0] == runs[1] == runs[2]
    assert "XLTOOLS_NO_CACHE" not in os.environ  # --no-cache is put back when the command ends


def test_csv_and_an_enterprise_list_the_same_through_the_cache(tmp_path, counts):
    """The enterprise list is applied afresh on top of the cached parse: a changed list is seen."""
    rows = [r[:4] + r[5:] if len(r) > 4 else r for r in basic_rows()]  # no category column
    path = write_csv(tmp_path / "企业.csv", rows)
    names = write_csv(tmp_path / "名录.csv", [["单位名称", "战新产业类别"], ["甲公司", "新材料"]])
    first = xltools.load(path, sei_list=names)
    second = xltools.load(path, sei_list=names)
    assert counts["hit"] == 1
    assert_same_read(first, second)
    assert list(second.frame["sei_category"].fillna("-")) == ["新材料产业", "-", "-"]
    write_csv(tmp_path / "名录.csv", [["单位名称", "战新产业类别"], ["乙公司", "新能源"]])
    third = xltools.load(path, sei_list=names)
    assert counts["hit"] == 2
    assert list(third.frame["sei_category"].fillna("-")) == ["-", "新能源产业", "-"]


# ---------------------------------------------------------------- never stale

def _rewrite_same_size(path, old: bytes, new: bytes):
    """Change bytes in place, keeping the size, and put the modification time back."""
    st = os.stat(path)
    with open(path, "rb") as fh:
        data = fh.read()
    assert len(old) == len(new) and data.count(old) == 1
    with open(path, "wb") as fh:
        fh.write(data.replace(old, new))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    after = os.stat(path)
    assert (after.st_size, after.st_mtime_ns) == (st.st_size, st.st_mtime_ns)


def test_a_rewrite_with_the_same_size_and_time_is_read_anew(tmp_path, counts):
    path = write_csv(tmp_path / "企业.csv", basic_rows())
    assert xltools.load(path).frame["revenue_cur"].iloc[0] == 1000.5
    _rewrite_same_size(path, b"1000.5", b"1000.7")
    data = xltools.load(path)
    assert counts == {"hit": 0, "miss": 2, "stored": 2}
    assert data.frame["revenue_cur"].iloc[0] == 1000.7


def test_a_change_in_the_middle_of_a_big_file_is_caught(tmp_path, counts):
    """The whole content is hashed, not its first and last 64 KB."""
    rows = basic_rows()[:3] + [[f"9162030000{i:08d}", f"企业{i:05d}", "3216", "镍都区", "新材料",
                                 1000 + i, 900, 800, 50, 40] for i in range(6000)]
    path = write_csv(tmp_path / "企业.csv", rows)
    size = os.path.getsize(path)
    assert size > 4 * 65536
    with open(path, "rb") as fh:
        data = fh.read()
    middle = data.index(b"\xe4\xbc\x81\xe4\xb8\x9a03000")  # 企业03000, far from both ends
    assert 65536 < middle < size - 65536
    first = xltools.load(path)
    _rewrite_same_size(path, "企业03000,3216,镍都区,新材料,4000".encode(),
                       "企业03000,3216,镍都区,新材料,4001".encode())
    second = xltools.load(path)
    assert counts["hit"] == 0
    assert first.frame["revenue_cur"].sum() + 1 == second.frame["revenue_cur"].sum()


def test_options_that_change_the_result_are_part_of_the_key(tmp_path, counts):
    path = sample_copy(tmp_path)
    assert xltools.load(path).period.label == "2022年1-12月"
    assert xltools.load(path, period="2022-10").period.label == "2022年1-10月"
    days = xltools.load(path, calendar_days=True)
    assert days.period.calendar_days
    assert counts == {"hit": 0, "miss": 3, "stored": 3}
    assert xltools.load(path, period="2022-10").period.label == "2022年1-10月"
    assert xltools.load(path, calendar_days=True).period.calendar_days
    assert counts["hit"] == 2


def test_the_same_content_under_another_name_is_its_own_entry(tmp_path, counts):
    """The name can be where the period comes from."""
    rows = basic_rows(title="规模以上工业企业主要经济指标")
    ten = write_csv(tmp_path / "2022年1-10月.csv", rows)
    twelve = str(shutil.copy(ten, tmp_path / "2022年1-12月.csv"))
    assert xltools.load(ten).period.label == "2022年1-10月"
    assert xltools.load(twelve).period.label == "2022年1-12月"
    assert counts["hit"] == 0


@pytest.mark.parametrize("limit, value, message, asked", [
    ("XLTOOLS_MAX_ROWS", "100", "超过上限 100 行", 2),           # in the fingerprint: a miss, then the parser's refusal
    ("XLTOOLS_MAX_FILE_MB", "0.01", "超过上限 0.01 MB", 1),      # refused before the file is even hashed
])
def test_a_lower_limit_is_not_bypassed_by_the_cache(tmp_path, counts, monkeypatch, limit, value, message, asked):
    path = sample_copy(tmp_path)
    xltools.load(path)
    monkeypatch.setenv(limit, value)
    with pytest.raises(InputError, match=message):
        xltools.load(path)
    assert counts == {"hit": 0, "miss": asked, "stored": 1}


def test_a_changed_reader_makes_every_entry_stale(tmp_path):
    """The reader's version hashes the package's own code: a copy of xltools with one comment more in
    reader.py has another version (so it never serves the parse of the code before)."""
    package = tmp_path / "pkg"
    shutil.copytree(os.path.join(ROOT, "xltools"), package / "xltools",
                    symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))

    def version():
        code = "from xltools.readcache import reader_version; print(reader_version())"
        return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                              cwd=tmp_path, env=dict(os.environ, PYTHONPATH=str(package))).stdout.strip()

    before = version()
    assert before == readcache.reader_version()
    with open(package / "xltools" / "reader.py", "a", encoding="utf-8") as fh:
        fh.write("# changed\n")
    assert version() != before
    assert version().startswith(xltools.__version__ + "+")


# ---------------------------------------------------------------- robust

def test_input_errors_are_never_cached(tmp_path, counts, parse_cache):
    rows = basic_rows()
    rows[3][5] = "12,3a"
    path = write_xlsx(tmp_path / "坏.xlsx", rows)
    for _ in range(2):
        with pytest.raises(InputError, match="12,3a"):
            xltools.load(path)
    assert counts == {"hit": 0, "miss": 2, "stored": 0}
    assert entry_files(parse_cache) == []


@pytest.mark.parametrize("damage", ["truncated", "flipped", "empty", "not arrow"])
def test_a_damaged_entry_is_ignored_and_rewritten(tmp_path, counts, parse_cache, damage):
    path = sample_copy(tmp_path)
    first = xltools.load(path)
    [entry] = entry_files(parse_cache)
    with open(entry, "rb") as fh:
        blob = fh.read()
    damaged = {"truncated": blob[: len(blob) // 2], "empty": b"",
               "flipped": blob[:1000] + bytes([blob[1000] ^ 0x01]) + blob[1001:],
               "not arrow": b"x" * 100 + blob[-36:]}[damage]
    with open(entry, "wb") as fh:
        fh.write(damaged)
    second = xltools.load(path)
    assert counts == {"hit": 0, "miss": 2, "stored": 2}
    assert_same_read(first, second)
    assert xltools.load(path) is not None and counts["hit"] == 1  # rewritten whole


def test_an_unwritable_cache_folder_means_no_cache_and_no_error(tmp_path, monkeypatch, counts):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("XLTOOLS_CACHE_DIR", str(blocker))
    src = sample_copy(tmp_path)
    for _ in range(2):
        result = run_cli("indicators", src, "--format", "json")
        assert result.returncode == 0 and result.stderr == "", result.stderr
    assert json.loads(result.stdout)
    result = CliRunner().invoke(main, ["cache", "info"])
    assert result.exit_code == 0 and "条目：0 个" in result.output
    xltools.load(src)
    assert counts == {"hit": 0, "miss": 1, "stored": 0}


def test_two_processes_writing_one_entry_leave_a_whole_entry(tmp_path, counts, parse_cache):
    src = sample_copy(tmp_path)
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    procs = [subprocess.Popen([sys.executable, "-m", "xltools", "indicators", src, "--format", "json"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    assert outputs[0][0] == outputs[1][0]
    [entry] = entry_files(parse_cache)  # no temporary file left beside it
    assert not os.path.basename(entry).startswith(".")
    xltools.load(src)
    assert counts["hit"] == 1


def test_summary_jobs_workers_use_and_fill_the_cache(tmp_path, parse_cache):
    """Spawned workers inherit the cache folder and --no-cache."""
    a = sample_copy(tmp_path, "2022年1-12月.xlsx")
    b = write_xlsx(tmp_path / "2021年1-12月.xlsx", basic_rows(title="2021年1-12月规模以上工业企业主要经济指标"))
    out = str(tmp_path / "汇总.xlsx")
    no_cache = run_cli("summary", a, b, "-o", out, "--jobs", "2", "--no-cache")
    assert no_cache.returncode == 0, no_cache.stderr
    assert entry_files(parse_cache) == []
    cells = _workbook_cells(out)
    inodes = []
    for _ in range(2):  # stored by the workers, then served to them
        result = run_cli("summary", a, b, "-o", out, "--jobs", "2")
        assert result.returncode == 0, result.stderr
        assert _workbook_cells(out) == cells
        inodes.append([os.stat(e).st_ino for e in entry_files(parse_cache)])
    assert len(inodes[0]) == 2 and inodes[1] == inodes[0]  # served: an entry rewritten would be a new file


def test_least_recently_used_entries_go_beyond_the_cap(tmp_path, monkeypatch, counts, parse_cache):
    a, b = sample_copy(tmp_path, "a.xlsx"), sample_copy(tmp_path, "b.xlsx")
    xltools.load(a)
    [entry_a] = entry_files(parse_cache)
    monkeypatch.setenv("XLTOOLS_CACHE_MB", str(os.path.getsize(entry_a) * 1.5 / 1e6))
    xltools.load(b)
    [entry_b] = entry_files(parse_cache)  # a's went: two do not fit
    assert entry_b != entry_a
    xltools.load(b)
    assert counts["hit"] == 1
    monkeypatch.setenv("XLTOOLS_CACHE_MB", "0.000001")
    xltools.load(a)
    assert entry_files(parse_cache) == [entry_a]  # the entry just written is kept, even alone over the cap


# ---------------------------------------------------------------- commands

def test_cache_info_and_clear(tmp_path, parse_cache):
    xltools.load(sample_copy(tmp_path))
    info = CliRunner().invoke(main, ["cache", "info"])
    assert info.exit_code == 0
    assert f"位置：{os.path.join(parse_cache, 'reads')}" in info.output and "条目：1 个" in info.output
    cleared = CliRunner().invoke(main, ["cache", "clear"])
    assert cleared.exit_code == 0 and "已清除 1 个缓存条目" in cleared.output
    assert entry_files(parse_cache) == []
    again = CliRunner().invoke(main, ["cache", "clear"])
    assert "已清除 0 个缓存条目" in again.output


def test_no_cache_on_every_reading_command():
    for name in ("validate", "indicators", "summary", "report"):
        params = {p.name for p in main.commands[name].params}
        assert "no_cache" in params, name


def test_the_suite_never_writes_the_users_cache(parse_cache):
    assert readcache.folder() == os.path.join(str(parse_cache), "reads")


def test_excel_functions_reopened_use_the_cache(tmp_path, monkeypatch, counts):
    """A new Excel session (an empty in-memory cache) on an unchanged source: no parse."""
    from udfs import engine

    path = sample_copy(tmp_path)
    monkeypatch.setenv("XLTOOLS_SOURCE", path)
    engine.CACHE.clear()
    try:
        first = engine.entry().results.get("sei", "profit_margin").value
        engine.CACHE.clear()  # Excel closed and opened again
        again = engine.entry().results.get("sei", "profit_margin").value
    finally:
        engine.CACHE.clear()
    assert counts == {"hit": 1, "miss": 1, "stored": 1}
    assert first == again


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_is_never_opened_to_be_hashed(tmp_path):
    """indicators (no ledger check before the read) on a pipe: the parser's refusal, not a hang."""
    fifo = tmp_path / "2022年1-12月.xlsx"
    os.mkfifo(fifo)
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    proc = subprocess.run([sys.executable, "-m", "xltools", "indicators", str(fifo)], capture_output=True,
                          text=True, encoding="utf-8", timeout=60, env=env)
    assert proc.returncode == 2 and "不是普通文件" in proc.stderr, proc.stderr
