"""Formats by content, non-regular files, calamine's panics and aborts, messages without English.

Real files: written by openpyxl, xlsxwriter, xlwt and LibreOffice, edited by hand (zip members,
compound files through xltools.cfb), and the corpus of other projects' test files in
tests/data/corpus (a copy, with its README and licences). Every read ends in a result or a clean InputError in Chinese, from the
real command, within a timeout.
"""
from __future__ import annotations

import io
import json
import os
import re
import shutil
import socket
import stat
import struct
import subprocess
import sys
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor

import pytest

from helpers import basic_rows, write_csv, write_xls, write_xlsx, write_xlsx_raw
from xltools import cfb, formats, isolate
from xltools.errors import InputError
from xltools.sources import PARSER_CRASHED, ExcelSource, open_source

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(os.path.dirname(__file__), "data", "corpus")
ROOT = os.path.dirname(HERE)
POSIX = os.name == "posix"
CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_LIBRARY_TEXT = re.compile(r"Traceback|panicked|calamine|Zip error|EOCD|Error:|error:|There is no item")


def cli(*args, timeout=60, env=None):
    """The real command in a child process; a hang fails the test instead of hanging it."""
    full_env = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONPATH=ROOT + os.pathsep + HERE, **(env or {}))
    full_env.pop("XLTOOLS_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "xltools", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", timeout=timeout, env=full_env, stdin=subprocess.DEVNULL)


def clean_refusal(proc, *expected):
    assert proc.returncode == 2, (proc.returncode, proc.stdout[-500:], proc.stderr[-1500:])
    assert not ENGLISH_LIBRARY_TEXT.search(proc.stderr), proc.stderr
    assert CJK.search(proc.stderr), proc.stderr
    for text in expected:
        assert text in proc.stderr, proc.stderr
    return proc


def reads_fine(proc):
    assert proc.returncode == 0, proc.stderr[-1500:]
    assert "Traceback" not in proc.stderr
    return proc


def sniff_error(path) -> str:
    with pytest.raises(InputError) as info:
        formats.sniff(str(path))
    return str(info.value)


# ---------------------------------------------------------------- files of every kind, once per module

@pytest.fixture(scope="module")
def files(tmp_path_factory, libreoffice):
    folder = tmp_path_factory.mktemp("formats")
    made = {
        "xlsx": write_xlsx(folder / "2022年1-12月.xlsx", basic_rows()),
        "xls": write_xls(folder / "2022年1-12月.xls", basic_rows()),
        "csv": write_csv(folder / "2022年1-12月.csv", basic_rows()),
    }
    made["ods"] = str(libreoffice.convert(made["xlsx"], folder / "lo", "ods"))
    made["lo_xls"] = str(libreoffice.convert(made["xlsx"], folder / "lo", "xls"))
    return folder, made


def test_each_format_by_its_content(files):
    _, made = files
    assert {k: formats.sniff(v) for k, v in made.items()} == {
        "xlsx": "xlsx", "xls": "xls", "csv": "csv", "ods": "ods", "lo_xls": "xls"}
    for path in made.values():
        reads_fine(cli("validate", path))


@pytest.mark.parametrize("kind, new_name, note", [
    ("xls", "2022年1-12月_xls.xlsx", "内容是 .xls 工作簿"),
    ("lo_xls", "2022年1-12月_lo.xlsx", "内容是 .xls 工作簿"),
    ("ods", "2022年1-12月_ods.xlsx", "内容是 .ods 工作簿"),
    ("csv", "2022年1-12月_csv.xls", "内容是 CSV 文本"),
    ("xlsx", "2022年1-12月_xlsx.xls", "内容是 .xlsx 工作簿"),
])
def test_a_renamed_workbook_is_read_as_what_it_is(files, kind, new_name, note):
    folder, made = files
    path = shutil.copy(made[kind], folder / new_name)
    proc = reads_fine(cli("validate", path))
    assert "读取 3 家企业" in proc.stdout
    assert note in proc.stdout and "已按" in proc.stdout and note not in proc.stderr  # said once, with the result
    assert open_source(str(path)).notes


def _cfb_with(streams: dict[str, bytes]) -> bytes:
    return cfb.write(streams)


def _xls_stream(path) -> bytes:
    with open(path, "rb") as fh:
        streams = cfb.read(fh.read())
    return streams["Workbook"]


ENCRYPTED = "文件有密码保护，请在 Excel 中取消密码后另存再读取"


def test_password_protected_files_of_every_kind(files, tmp_path):
    _, made = files
    ooxml = tmp_path / "加密.xlsx"
    ooxml.write_bytes(_cfb_with({"EncryptionInfo": b"\x04\x00\x04\x00" + b"\0" * 200, "EncryptedPackage": b"x" * 5000}))
    book = _xls_stream(made["xls"])
    bof_len = struct.unpack_from("<H", book, 2)[0]
    filepass = struct.pack("<HHHHH", 0x002F, 6, 0, 0x1234, 0x5678)  # XOR obfuscation: key, verifier
    xls = tmp_path / "加密.xls"
    xls.write_bytes(_cfb_with({"Workbook": book[:4 + bof_len] + filepass + book[4 + bof_len:]}))
    ods = tmp_path / "加密.ods"
    with zipfile.ZipFile(ods, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", b"\x93\x12encrypted bytes")
        zf.writestr("META-INF/manifest.xml", '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:'
                    'xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="content.xml"><manifest:encryption-data '
                    'manifest:checksum-type="SHA1"/></manifest:file-entry></manifest:manifest>')
    for path in (ooxml, xls, ods):
        assert ENCRYPTED in sniff_error(path)
        clean_refusal(cli("validate", path), ENCRYPTED)
    assert formats.xls_is_encrypted(book[:4 + bof_len] + filepass + book[4 + bof_len:])
    assert not formats.xls_is_encrypted(book)


def test_files_that_are_not_workbooks(files, tmp_path):
    _, made = files
    cases = {}
    cases["图片.xlsx"] = (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "不是 Excel 工作簿")
    cases["网页.xls"] = ("<!DOCTYPE html><html><body><table><tr><td>营业收入</td></tr></table></body></html>".encode(),
                       "网页")
    cases["xml2003.xls"] = ('<?xml version="1.0"?><?mso-application progid="Excel.Sheet"?><Workbook/>'.encode(), "网页")
    cases["bom网页.xlsx"] = (b"\xef\xbb\xbf  <html><table></table></html>", "网页")
    cases["空.xlsx"] = (b"", "空的")
    cases["报告.pdf.xlsx"] = (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj" + bytes(range(256)) * 4, "PDF")
    word = io.BytesIO()
    with zipfile.ZipFile(word, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", "<w:document/>")
    cases["文档.xlsx"] = (word.getvalue(), "ZIP 压缩包")
    cases["文档.xls"] = (_cfb_with({"WordDocument": b"\xec\xa5" + b"\0" * 600}), "复合文档")
    with open(made["xlsx"], "rb") as fh:
        whole = fh.read()
    cases["半截.xlsx"] = (whole[: len(whole) // 2], "损坏")
    cases["半截.xls"] = (open(made["xls"], "rb").read()[:700], "损坏")
    bin_zip = io.BytesIO()
    with zipfile.ZipFile(bin_zip, "w") as zf:
        zf.writestr("xl/workbook.bin", b"\x83\x01\x00")
    cases["二进制.xlsx"] = (bin_zip.getvalue(), ".xlsb")
    for name, (data, expected) in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        clean_refusal(cli("validate", path), expected, name)


def test_xlsb_is_refused_by_name_even_when_calamine_could_read_it():
    path = os.path.join(CORPUS, "tafia__tests_issues.xlsb")
    if not os.path.exists(path):
        pytest.skip("corpus not present")
    assert formats.sniff(path) == "xlsb"
    clean_refusal(cli("validate", path), "暂不支持 .xlsb 二进制工作簿，请在 Excel 中另存为 .xlsx 后再读取")


def test_a_corrupt_compound_directory_ends_quickly(files, tmp_path):
    """A directory tree whose entries point at each other (left = right = the same entry) took
    exponential time to walk; now each entry is visited once."""
    _, made = files
    with open(made["xls"], "rb") as fh:
        data = bytearray(fh.read())
    first_dir = struct.unpack_from("<I", data, 48)[0]
    at = 512 + first_dir * 512 + 128  # entry 1
    struct.pack_into("<II", data, at + 68, 1, 1)  # its left and right siblings: itself
    path = tmp_path / "环.xls"
    path.write_bytes(bytes(data))
    started = time.time()
    try:
        formats.sniff(str(path))
    except InputError as exc:
        assert CJK.search(str(exc))
    assert time.time() - started < 5


# ---------------------------------------------------------------- pipes, devices, sockets

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")


@needs_fifo
def test_a_fifo_as_input_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "2022年1-12月.xlsx"
    os.mkfifo(fifo)
    clean_refusal(cli("validate", fifo, timeout=30), "不是普通文件（管道、设备或套接字），请先保存为文件再读取")


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="POSIX devices")
def test_a_device_as_input_is_refused_at_once():
    clean_refusal(cli("validate", "/dev/zero", timeout=30), "不是普通文件")


@needs_fifo
def test_process_substitution_is_refused_not_half_read(files):
    _, made = files
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    env = dict(os.environ, PYTHONIOENCODING="utf-8", PYTHONPATH=ROOT)
    proc = subprocess.run([bash, "-c", f'"{sys.executable}" -m xltools validate <(cat "$0")', made["xlsx"]],
                          capture_output=True, text=True, encoding="utf-8", timeout=60, env=env)
    clean_refusal(proc, "不是普通文件")


@needs_fifo
def test_outputs_never_replace_a_fifo_or_a_socket(files, tmp_path):
    _, made = files
    fifo = tmp_path / "汇总.xlsx"
    os.mkfifo(fifo)
    sock_path = tmp_path / "s.docx"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock_path))
    try:
        for args in (("summary", made["xlsx"], "-o", fifo),
                     ("report", made["xlsx"], "-o", sock_path),
                     ("tracker", "-o", fifo, "--as-of", "2022-12-31")):
            clean_refusal(cli(*args), "不是普通文件")
        assert stat.S_ISFIFO(os.stat(fifo).st_mode) and stat.S_ISSOCK(os.stat(sock_path).st_mode)
        assert not [n for n in os.listdir(tmp_path) if n.startswith(".~xltools-")]
    finally:
        server.close()


def test_split_onto_an_existing_file_is_a_usage_error(files, tmp_path):
    _, made = files
    target = tmp_path / "汇总"
    target.write_bytes(b"a file, not a folder")
    proc = cli("summary", made["xlsx"], "--split", "-o", target)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "内部错误" not in proc.stderr
    assert "文件夹" in proc.stderr
    assert target.read_bytes() == b"a file, not a folder"


# ---------------------------------------------------------------- calamine's panics and aborts

PANIC_XLS = os.path.join(CORPUS, "tafia__tests_ptgexp-truncated-operand.xls")
needs_corpus = pytest.mark.skipif(not os.path.exists(CORPUS), reason="corpus not present")


@needs_corpus
def test_a_calamine_panic_is_an_input_error_in_a_child_and_in_process():
    clean_refusal(cli("validate", PANIC_XLS), PARSER_CRASHED)
    with pytest.raises(InputError) as info:  # in this process: PanicException is a BaseException
        source = ExcelSource(PANIC_XLS, isolated=False)
        for sheet in source.sheet_names():
            source.peek(sheet)
    assert PARSER_CRASHED in str(info.value)


@needs_corpus
def test_summary_jobs_writes_the_good_file_and_names_the_corrupt_one(files, tmp_path):
    _, made = files
    bad = shutil.copy(PANIC_XLS, tmp_path / "损坏.xls")
    out = tmp_path / "汇总.xlsx"
    proc = cli("summary", bad, made["xlsx"], "--jobs", "2", "-o", out, timeout=120)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "Pickling" not in proc.stderr, proc.stderr
    assert "损坏.xls" in proc.stderr and PARSER_CRASHED in proc.stderr
    assert out.exists() and "已写入" in proc.stdout


@pytest.mark.parametrize("how", ["abort", "kill", "memory_error", "no_answer"])
def test_a_child_that_dies_is_an_input_error_for_that_file(files, monkeypatch, how):
    """The child's death, whatever its cause, is the file's error; the English detail only with
    XLTOOLS_DEBUG."""
    _, made = files
    body = {"abort": "import os; os.abort()",
            "kill": "import os, signal; os.kill(os.getpid(), signal.SIGKILL)" if POSIX else "import os; os._exit(9)",
            "memory_error": "raise MemoryError",
            "no_answer": "pass"}[how]
    monkeypatch.setattr(isolate, "_command", lambda folder: [sys.executable, "-c", body])
    monkeypatch.delenv("XLTOOLS_DEBUG", raising=False)
    with pytest.raises(InputError) as info:
        ExcelSource(made["xls"], isolated=True)
    assert str(info.value) == f"{os.path.basename(made['xls'])}：{PARSER_CRASHED}"
    monkeypatch.setenv("XLTOOLS_DEBUG", "1")
    with pytest.raises(InputError) as info:
        ExcelSource(made["xls"], isolated=True)
    assert "exit status" in str(info.value)


@pytest.mark.skipif(not POSIX, reason="RLIMIT_AS is POSIX")
def test_the_child_cannot_take_more_than_its_address_space(files):
    _, made = files
    code = ("import sys; from xltools.isolate import _limit_memory; _limit_memory(sys.argv[1]);\n"
            "try:\n    bytearray(6 << 30)\nexcept MemoryError:\n    print('refused')")
    proc = subprocess.run([sys.executable, "-c", code, made["xls"]], capture_output=True, text=True, timeout=60,
                          env=dict(os.environ, PYTHONPATH=ROOT))
    assert proc.stdout.strip() == "refused", proc.stderr


def test_an_isolated_read_matches_the_in_process_one(files):
    _, made = files
    a, b = ExcelSource(made["xls"], isolated=True), ExcelSource(made["xls"], isolated=False)
    assert a.sheet_names() == b.sheet_names()
    sheet = a.sheet_names()[0]
    assert a.peek(sheet) == b.peek(sheet)
    got, want = a.load(sheet, 3, [0, 1], [5, 6]), b.load(sheet, 3, [0, 1], [5, 6])
    assert {c: v.to_pylist() for c, v in got.items()} == {c: v.to_pylist() for c, v in want.items()}
    assert type(got[0]) is type(want[0])


# ---------------------------------------------------------------- XML the header peek must read

def _rewrite(src, dst, edit):
    with zipfile.ZipFile(src) as z, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as out:
        for item in z.infolist():
            out.writestr(item.filename, edit(item.filename, z.read(item.filename)))
    return str(dst)


STRICT = {b"http://schemas.openxmlformats.org/spreadsheetml/2006/main": b"http://purl.oclc.org/ooxml/spreadsheetml/main",
          b"http://schemas.openxmlformats.org/officeDocument/2006/relationships":
              b"http://purl.oclc.org/ooxml/officeDocument/relationships"}


def _strict(name, data):
    for a, b in STRICT.items():
        data = data.replace(a, b)
    return data


def _prefixed(name, data):
    """Every element of the workbook and sheet parts with an `x:` prefix, as some writers do."""
    if name in ("xl/workbook.xml", "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"):
        data = data.replace(b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
                            b'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"')
        data = re.sub(rb"<(/?)([A-Za-z]+)([ />])", rb"<\1x:\2\3", data)
    return data


def _no_refs(name, data):
    if name.startswith("xl/worksheets/"):
        data = re.sub(rb'(<(?:c|row)\b[^>]*?) r="[A-Z]*\d+"', rb"\1", data)
    return data


@pytest.mark.parametrize("edit", [_no_refs, _strict, _prefixed], ids=["no r attributes", "strict", "prefixed"])
def test_valid_xlsx_variants_are_read(tmp_path, edit):
    src = write_xlsx_raw(tmp_path / "src.xlsx", basic_rows())
    path = _rewrite(src, tmp_path / "2022年1-12月.xlsx", edit)
    proc = reads_fine(cli("validate", path))
    assert "读取 3 家企业" in proc.stdout
    source = open_source(path)  # the header rows streamed from the sheet part, not a second calamine parse
    assert source._paths == {"企业": "xl/worksheets/sheet1.xml"}
    assert source.peek("企业")[2][:2] == ["统一社会信用代码", "单位详细名称"]


def test_cells_beyond_column_xfd_are_an_input_error_at_once(tmp_path):
    src = write_xlsx_raw(tmp_path / "src.xlsx", basic_rows())
    for ref in (b"AAAAAAAAA1", b"XFE1", b"A" * 100_000 + b"1", b"A99999999"):
        path = _rewrite(src, tmp_path / "far.xlsx",
                        lambda n, d: d.replace(b'r="A1"', b'r="' + ref + b'"') if n.startswith("xl/worksheets/") else d)
        clean_refusal(cli("validate", path, timeout=30), "超出 Excel 表格的范围")


def test_a_truncated_workbook_says_so_in_chinese(files, tmp_path):
    _, made = files
    for kind in ("xlsx", "ods"):
        with open(made[kind], "rb") as fh:
            data = fh.read()
        path = tmp_path / f"cut.{kind}"
        path.write_bytes(data[:-200])  # the central directory's end (EOCD) is gone
        clean_refusal(cli("validate", path), "损坏")


# ---------------------------------------------------------------- the corpus

CORPUS_FILES = sorted(n for n in os.listdir(CORPUS) if n != "README.md") if os.path.isdir(CORPUS) else []


NAMED = ["tafia__tests_pass_protected.xlsx", "tafia__tests_pass_protected.ods", "tafia__tests_pass_protected.xlsb",
         "dimastbk__tests_data_password.xls", "dimastbk__tests_data_password.xlsx", "dimastbk__tests_data_password.ods",
         "tafia__tests_OOM_alloc.xls", "tafia__tests_OOM_alloc2.xls", "tafia__tests_OOM_alloc3.xls",
         "tafia__tests_ptgexp-truncated-operand.xls", "tafia__tests_issue_594_dos.ods", "tafia__tests_too_small.xls",
         "tafia__tests_issue_530.xlsx", "tafia__tests_strict_iso_paths.xlsx", "tafia__tests_issue252.xlsx",
         "dimastbk__tests_data_empty_file.xlsx", "tafia__tests_issue_666_panic.xlsb"]


@needs_corpus
def test_every_corpus_file_ends_in_a_result_or_a_chinese_input_error():
    """The files named in the audit (and XLTOOLS_FUZZ=long: all of them) through `xltools validate`:
    exit 0 or 2 within the timeout, no traceback, no English from the libraries; every other file
    through the same readers in one child process (fuzz_child.py), where any exception other than an
    InputError is a crash and an abort fails the child."""
    assert set(NAMED) <= set(CORPUS_FILES)
    by_cli = CORPUS_FILES if os.environ.get("XLTOOLS_FUZZ") == "long" else NAMED

    def one(name):
        return name, cli("validate", os.path.join(CORPUS, name), timeout=60)

    with ThreadPoolExecutor(max_workers=max(2, min(8, os.cpu_count() or 2))) as pool:
        outcomes = dict(pool.map(one, by_cli))
    bad = {n: (p.returncode, p.stderr[-300:]) for n, p in outcomes.items()
           if p.returncode not in (0, 2) or ENGLISH_LIBRARY_TEXT.search(p.stderr)
           or (p.returncode == 2 and not CJK.search(p.stderr))}
    assert bad == {}
    for name in by_cli:
        if "pass_protected" in name or "password" in name:
            assert ENCRYPTED in outcomes[name].stderr, name
        elif name.endswith(".xlsb"):
            assert "暂不支持 .xlsb" in outcomes[name].stderr or "空的" in outcomes[name].stderr, name
    assert PARSER_CRASHED in outcomes["tafia__tests_ptgexp-truncated-operand.xls"].stderr

    rest = [os.path.join(CORPUS, n) for n in CORPUS_FILES if n not in by_cli]
    if not rest:
        return
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + HERE)
    env.pop("XLTOOLS_DEBUG", None)
    chunks = [rest[i::2] for i in range(2)]

    def batch(paths):
        proc = subprocess.run([sys.executable, os.path.join(HERE, "fuzz_child.py"), "bureau", *paths],
                              capture_output=True, text=True, encoding="utf-8", timeout=600, env=env)
        assert proc.returncode == 0, proc.stderr[-2000:]
        return [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = [o for chunk in pool.map(batch, chunks) for o in chunk]
    assert len(results) == len(rest)
    assert [o for o in results if o["outcome"] == "crash"] == []
    assert [o for o in results if o["outcome"] == "input_error" and (
        ENGLISH_LIBRARY_TEXT.search(o["detail"]) or not CJK.search(o["detail"]))] == []
