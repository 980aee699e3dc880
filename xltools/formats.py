"""What a file is, by its content, not by its name.

`sniff(path)` answers "xlsx", "xlsb", "ods", "xls" or "csv", or raises an InputError that says
in Chinese why the file cannot be read: not a regular file (a pipe, a device), empty, protected
by a password, a web page saved under a workbook's name, another kind of ZIP or compound file,
or bytes that are neither a workbook nor text. Only the few parts that decide are read: the
ZIP directory and at most two small members, or the compound file's directory and the first
records of its workbook stream.
"""
from __future__ import annotations

import os
import stat
import struct
import zipfile

from .errors import InputError, Issue

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ODS_MIME = b"application/vnd.oasis.opendocument.spreadsheet"

NOT_REGULAR = "不是普通文件（管道、设备或套接字），请先保存为文件再读取"
EMPTY = "文件是空的（0 字节）"
ENCRYPTED = "文件有密码保护，请在 Excel 中取消密码后另存再读取"
XLSB = "暂不支持 .xlsb 二进制工作簿，请在 Excel 中另存为 .xlsx 后再读取"
HTML = "文件实际是网页(HTML/XML)格式而不是 Excel 工作簿，请在 Excel 中打开后另存为 .xlsx"
BROKEN_ZIP = "文件已损坏（ZIP 压缩结构不完整，可能没有下载或复制完整），无法作为工作簿读取"
OTHER_ZIP = "文件是 ZIP 压缩包而不是 Excel 工作簿（若原本是 .xlsx，文件可能已损坏）"
BROKEN_CFB = "文件已损坏（旧版 Excel 复合文档结构无效），无法作为工作簿读取"
OTHER_CFB = "文件是 Office 复合文档（如 Word .doc），但其中没有 Excel 工作簿"
NOT_WORKBOOK = "文件内容不是 Excel 工作簿，也不是 CSV 文本（文件可能已损坏，或不是数据文件）"

KIND_NAMES = {"xlsx": ".xlsx 工作簿", "xlsb": ".xlsb 工作簿", "ods": ".ods 工作簿", "xls": ".xls 工作簿",
              "csv": "CSV 文本"}
# The extensions whose content is what their name says.
EXPECTED = {"xlsx": {".xlsx", ".xlsm"}, "xlsb": {".xlsb"}, "ods": {".ods"}, "xls": {".xls"},
            "csv": {".csv", ".txt", ""}}

_FILEPASS, _EOF = 0x002F, 0x000A
_BOF = {0x0809, 0x0409, 0x0209, 0x0009}


def _fail(message: str, path: str) -> InputError:
    return InputError(Issue(message, file=os.path.basename(path)))


def require_regular(path: str) -> os.stat_result:
    """A pipe, a FIFO, a device or a socket is refused before it is opened (opening a FIFO blocks;
    reading /dev/zero never ends; a pipe loses what the sniff has read)."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise _fail(f"无法读取文件（{exc.strerror or exc}）", path) from None
    if not stat.S_ISREG(st.st_mode):
        raise _fail(NOT_REGULAR, path)
    return st


def sniff(path: str) -> str:
    """The file's format by its content: "xlsx", "xlsb", "ods", "xls" or "csv"; InputError otherwise."""
    st = require_regular(path)
    if st.st_size == 0:
        raise _fail(EMPTY, path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(1 << 16)
    except OSError as exc:
        raise _fail(f"无法读取文件（{exc.strerror or exc}）", path) from None
    if not head:
        raise _fail(EMPTY, path)
    if head.startswith(ZIP_MAGIC):
        return _sniff_zip(path)
    if head.startswith(CFB_MAGIC):
        return _sniff_cfb(path)
    return _sniff_text(path, head)


def _sniff_zip(path: str) -> str:
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            lower = {n.lower(): n for n in names}
            if "xl/workbook.bin" in lower:
                return "xlsb"
            if "xl/workbook.xml" in lower or _office_document(zf, names).endswith("workbook.xml"):
                return "xlsx"
            mime = _small_member(zf, "mimetype", 200) if "mimetype" in names else b""
            if mime.strip() == ODS_MIME or "content.xml" in names:
                manifest = _small_member(zf, "META-INF/manifest.xml", 16 << 20) \
                    if "META-INF/manifest.xml" in names else b""
                if b"encryption-data" in manifest:
                    raise _fail(ENCRYPTED, path)
                return "ods"
    except InputError:
        raise
    except Exception:  # BadZipFile, zlib.error, struct.error, OSError…: all one answer
        raise _fail(BROKEN_ZIP, path) from None
    raise _fail(OTHER_ZIP, path)


def _small_member(zf: zipfile.ZipFile, name: str, cap: int) -> bytes:
    with zf.open(name) as fh:
        return fh.read(cap)


def _office_document(zf: zipfile.ZipFile, names: set[str]) -> str:
    """The main part named by the package relationships (_rels/.rels), or ""."""
    import re

    if "_rels/.rels" not in names:
        return ""
    rels = _small_member(zf, "_rels/.rels", 1 << 20)
    for m in re.finditer(rb"<(?:\w+:)?Relationship\b[^>]*>", rels):
        tag = m.group(0)
        kind = re.search(rb'\bType="([^"]*)"', tag)
        target = re.search(rb'\bTarget="([^"]*)"', tag)
        if kind and target and kind.group(1).endswith(b"/officeDocument"):
            return target.group(1).decode("utf-8", "replace").lstrip("/")
    return ""


def _sniff_cfb(path: str) -> str:
    from . import cfb

    try:
        with open(path, "rb") as fh:
            streams = cfb.read(fh.read())
    except Exception:  # ValueError, struct.error, IndexError, RecursionError… of a broken container
        raise _fail(BROKEN_CFB, path) from None
    top = {name.lower(): data for name, data in streams.items() if "/" not in name}
    if "encryptioninfo" in top or "encryptedpackage" in top:
        raise _fail(ENCRYPTED, path)
    book = top.get("workbook", top.get("book"))
    if book is None:
        raise _fail(OTHER_CFB, path)
    if xls_is_encrypted(book):
        raise _fail(ENCRYPTED, path)
    return "xls"


def xls_is_encrypted(stream: bytes) -> bool:
    """A FILEPASS record among the workbook globals (from the first BOF to its EOF)."""
    at, n = 0, len(stream)
    first = True
    while at + 4 <= n:
        kind, size = struct.unpack_from("<HH", stream, at)
        if first and kind not in _BOF:
            return False
        first = False
        if kind == _FILEPASS:
            return True
        if kind == _EOF:
            return False
        at += 4 + size
    return False


def _sniff_text(path: str, head: bytes) -> str:
    body = head
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if body.startswith(bom):
            if bom != b"\xef\xbb\xbf":
                try:
                    body = body[len(bom):len(bom) + 4096 // 2 * 2].decode("utf-16-le" if bom == b"\xff\xfe"
                                                                            else "utf-16-be").encode("utf-8")
                except UnicodeDecodeError:
                    raise _fail(NOT_WORKBOOK, path) from None
            else:
                body = body[len(bom):]
            break
    start = body.lstrip()[:512].lower()
    if start.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml", b"<head", b"<meta", b"<body",
                         b"<workbook", b"<ss:workbook")):
        raise _fail(HTML, path)
    if start.startswith(b"%pdf"):
        raise _fail("文件是 PDF 文档，不是 Excel 工作簿，也不是 CSV 文本", path)
    if not _looks_like_text(body):
        raise _fail(NOT_WORKBOOK, path)
    return "csv"


def _looks_like_text(data: bytes) -> bool:
    """Text has no NUL and almost no other control bytes (tab, line ends, form feed and ^Z apart)."""
    if b"\0" in data:
        return False
    controls = sum(data.count(bytes([b])) for b in range(32) if b not in (9, 10, 12, 13, 26))
    return controls <= max(2, len(data) // 1000)


def mismatch_note(kind: str, path: str) -> str | None:
    """A note when the name says one format and the content another (read by the content)."""
    ext = os.path.splitext(path)[1].lower()
    if ext in EXPECTED[kind]:
        return None
    shown = ext or "（无）"
    return f"文件扩展名是 {shown}，但内容是 {KIND_NAMES[kind]}，已按 {KIND_NAMES[kind]} 读取"
