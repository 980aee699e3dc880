"""File formats behind one interface: list sheets, peek at the first rows, load columns.

Excel files (.xlsx/.xlsm/.xls/.xlsb/.ods) are parsed by calamine through
fastexcel, straight to Arrow. calamine parses a whole sheet whenever one is
opened, so the header rows of .xlsx files are peeked at with a small
streaming XML read of their first rows instead of a second full parse.
CSV files are read by pyarrow.csv (csvsource.py); tables already in memory as
rows of cells (GridSource) by the small row-based RowSource here.
"""
from __future__ import annotations

import codecs
import os
import posixpath
import re
import threading
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import XMLPullParser

from .errors import InputError, Issue

PEEK_ROWS = 30
# Limits against hostile or runaway files, each a setting (environment variable) with a default
# well above the national export (470 000 enterprises: 94 MB file, 612 MB of sheet XML).
LIMITS = {"XLTOOLS_MAX_FILE_MB": 2048, "XLTOOLS_MAX_XML_MB": 4096, "XLTOOLS_MAX_ROWS": 3_000_000}


def limit(name: str) -> float:
    try:
        value = float(os.environ.get(name, ""))
        return value if value > 0 else LIMITS[name]
    except ValueError:
        return LIMITS[name]
EXCEL_EXTENSIONS = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}
CSV_EXTENSIONS = {".csv", ".txt"}
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"([A-Z]+)(\d+)")


def col_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _cell_text(value: object) -> str | None:
    """A peeked cell as text, the way a header or title is compared."""
    if value is None:
        return None
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value)
    return text if text.strip() else None


@dataclass
class ErrorCell:
    row: int  # 0-based
    col: int  # 0-based
    value: str


class Source:
    """One input file. Rows and columns are 0-based absolute sheet positions."""

    def __init__(self, path: str):
        self.path = path
        self.name = os.path.basename(path)

    def fail(self, message: str, sheet: str | None = None) -> InputError:
        return InputError(Issue(message, file=self.name, sheet=sheet))

    def sheet_names(self) -> list[str]:
        raise NotImplementedError

    def peek(self, sheet: str, n: int = PEEK_ROWS) -> list[list[str | None]]:
        raise NotImplementedError

    def load(self, sheet: str, skip_rows: int, text_cols: list[int], number_cols: list[int]) -> dict:
        """{col: pyarrow.Array} for rows from skip_rows on; text columns as strings."""
        raise NotImplementedError

    def error_cells(self, sheet: str) -> list[ErrorCell]:
        """Cells that hold an Excel error (#REF!, #DIV/0!…): calamine reads them as empty."""
        return []

    def text_cells(self, sheet: str) -> list[ErrorCell]:
        """Text cells found in number columns that calamine may have read as empty (N/A, NULL…)."""
        return []


def open_source(path: str) -> Source:
    """The reader for a file, chosen by its content first and its extension second."""
    name = os.path.basename(path)
    if not os.path.exists(path):
        raise InputError(Issue("文件不存在", file=path))
    if os.path.isdir(path):
        raise InputError(Issue("这是一个文件夹，不是数据文件", file=path))
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise InputError(Issue(f"无法读取文件（{exc.strerror or exc}）", file=name)) from None
    if not head:
        raise InputError(Issue("文件是空的（0 字节）", file=name))
    size_mb = os.path.getsize(path) / 1e6
    if size_mb > limit("XLTOOLS_MAX_FILE_MB"):
        raise InputError(Issue(f"文件有 {size_mb:.2f} MB，超过上限 {limit('XLTOOLS_MAX_FILE_MB'):g} MB"
                               "（可用环境变量 XLTOOLS_MAX_FILE_MB 调整）", file=name))
    ext = os.path.splitext(name)[1].lower()
    if head.startswith(b"PK\x03\x04"):
        if ext == ".ods":
            return ExcelSource(path)
        return XlsxSource(path)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        with open(path, "rb") as fh:
            data = fh.read()
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise InputError(Issue("文件设置了打开密码（已加密），请在 Excel 中取消密码后另存再读取", file=name))
        return ExcelSource(path)
    lowered = head.lstrip()[:512].lower()
    if lowered.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml")) and ext not in CSV_EXTENSIONS:
        raise InputError(Issue("文件实际是网页(HTML/XML)格式而不是 Excel 工作簿，请在 Excel 中打开后另存为 .xlsx",
                               file=name))
    if ext in EXCEL_EXTENSIONS:
        raise InputError(Issue(f"文件扩展名是 {ext}，但内容不是 Excel 工作簿（文件可能已损坏）", file=name))
    if ext in CSV_EXTENSIONS or ext == "":
        from .csvsource import CsvSource

        return CsvSource(path)
    raise InputError(Issue(f"不支持的文件类型 {ext}：可读取 .xlsx .xlsm .xls .csv", file=name))


class ExcelSource(Source):
    """Any workbook calamine reads; header rows peeked through fastexcel."""

    def __init__(self, path: str):
        super().__init__(path)
        import fastexcel

        try:
            self._reader = fastexcel.read_excel(path)
            self._names = list(self._reader.sheet_names)
        except Exception as exc:  # calamine's errors: corrupt, truncated, unsupported
            raise self.fail(f"无法打开工作簿，文件可能已损坏：{_short(exc)}") from None

    def sheet_names(self) -> list[str]:
        return self._names

    def peek(self, sheet: str, n: int = PEEK_ROWS) -> list[list[str | None]]:
        try:
            loaded = self._reader.load_sheet(sheet, header_row=None, skip_rows=0, n_rows=n, dtypes="string")
            batch = loaded.to_arrow()
            # fastexcel leaves out empty leading columns: map back to absolute positions.
            offset = loaded.selected_columns[0].absolute_index if loaded.selected_columns else 0
        except Exception as exc:
            if "empty" in str(exc).lower() or "no data" in str(exc).lower():
                return []
            raise self.fail(f"无法读取工作表：{_short(exc)}", sheet) from None
        cols = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
        return [[None] * offset + [_cell_text(c[r]) for c in cols] for r in range(batch.num_rows)]

    # calamine turns text such as N/A, NULL, NaN — and any text past the rows it samples to guess
    # a column's type — into empty cells of a number column; asked for text it keeps them, so
    # number columns are read as text and parsed here. (.xlsx files avoid that cost: XlsxSource.)
    infer_numbers = False

    def load(self, sheet, skip_rows, text_cols, number_cols):
        cols = sorted(set(text_cols) | set(number_cols))
        as_text = set(text_cols) if self.infer_numbers else set(cols)
        try:
            loaded = self._reader.load_sheet(
                sheet, header_row=None, skip_rows=skip_rows, use_columns=cols,
                dtypes={c: "string" for c in as_text} or None)
            table = loaded.to_arrow()
            selected = [ci.absolute_index for ci in loaded.selected_columns]
        except Exception as exc:
            raise self.fail(f"无法读取工作表数据：{_short(exc)}", sheet) from None
        return {c: table.column(i) for i, c in enumerate(selected)}


class XlsxSource(ExcelSource):
    """.xlsx/.xlsm: the header rows are streamed from the sheet XML, not parsed twice."""

    def __init__(self, path: str):
        try:
            self._zip = zipfile.ZipFile(path)
            self._paths = self._sheet_paths()
            self._check_sizes(os.path.basename(path))
        except Exception as exc:  # BadZipFile, zlib.error, KeyError, XML errors…: all one answer
            raise InputError(Issue(f"无法打开工作簿，文件可能已损坏：{_short(exc)}",
                                   file=os.path.basename(path))) from None
        super().__init__(path)

    def _check_sizes(self, name: str) -> None:
        """A part that inflates beyond the limit (a decompression bomb, or a runaway export) is refused
        before anything parses it."""
        cap = limit("XLTOOLS_MAX_XML_MB")
        for info in self._zip.infolist():
            if info.file_size / 1e6 > cap:
                raise InputError(Issue(f"工作簿中的 {info.filename} 解压后有 {info.file_size / 1e6:.0f} MB，超过上限 "
                                       f"{cap:g} MB（可能是损坏或恶意的文件；确需读取时可用环境变量 XLTOOLS_MAX_XML_MB 调整）",
                                       file=name))

    def _sheet_paths(self) -> dict[str, str]:
        from xml.etree import ElementTree as ET

        wb = ET.fromstring(self._zip.read("xl/workbook.xml"))
        rels = ET.fromstring(self._zip.read("xl/_rels/workbook.xml.rels"))
        targets = {r.get("Id"): r.get("Target") for r in rels.iter(f"{_NS_PKG_REL}Relationship")}
        paths = {}
        for sh in wb.iter(f"{_NS_MAIN}sheet"):
            target = targets.get(sh.get(f"{_NS_REL}id"), "")
            if target.startswith("/"):
                path = target.lstrip("/")
            else:
                path = posixpath.normpath(posixpath.join("xl", target))
            paths[sh.get("name")] = path
        return paths

    def peek(self, sheet: str, n: int = PEEK_ROWS) -> list[list[str | None]]:
        path = self._paths.get(sheet)
        if path is None or path not in self._zip.namelist():
            return super().peek(sheet, n)
        try:
            cells = _stream_first_rows(self._zip, path, n)
            needed = {int(v) for (_, _, t, v) in cells if t == "s" and v is not None and v.isdigit()}
            strings = _shared_strings(self._zip, max(needed)) if needed else []
        except (zipfile.BadZipFile, OSError, SyntaxError, EOFError, ValueError, Exception) as exc:
            if isinstance(exc, InputError):
                raise
            raise self.fail(f"无法读取工作表，文件可能已损坏：{_short(exc)}", sheet) from None
        rows: list[list[str | None]] = []
        for r, c, t, v in cells:
            if r >= n:
                continue
            if t == "s":
                v = strings[int(v)] if v is not None and v.isdigit() and int(v) < len(strings) else None
            elif t in (None, "n") and v is not None:
                try:
                    v = _cell_text(float(v))
                except ValueError:
                    pass
            while len(rows) <= r:
                rows.append([])
            row = rows[r]
            while len(row) <= c:
                row.append(None)
            row[c] = _cell_text(v)
        return rows

    # calamine guesses number columns; a byte scan of the sheet XML beside it finds every text
    # cell of those columns, so none that calamine emptied goes unseen.
    infer_numbers = True

    def load(self, sheet, skip_rows, text_cols, number_cols):
        errors: list[ErrorCell] = []
        texts: list[ErrorCell] = []
        path = self._paths.get(sheet)
        scan = None
        if path is not None and path in self._zip.namelist():
            # Runs beside calamine's parse on the other core: costs no wall time.
            def work():
                e, t = _scan_cells(self.path, path, number_cols)
                errors.extend(e)
                texts.extend(t)

            scan = threading.Thread(target=work)
            scan.start()
        try:
            out = super().load(sheet, skip_rows, text_cols, number_cols)
        finally:
            if scan is not None:
                scan.join()
        # Shared-string references resolved in place; a file holds few distinct texts ("-", "N/A").
        distinct = {c.value for c in texts}
        need = [int(v[2:]) for v in distinct if v.startswith("s:")]
        try:
            table = _shared_strings(self._zip, max(need)) if need else []
        except Exception as exc:
            raise self.fail(f"无法读取共享字符串表，文件可能已损坏：{_short(exc)}", sheet) from None
        meaning = {}
        for v in distinct:
            if v.startswith("s:"):
                i = int(v[2:])
                meaning[v] = table[i] if i < len(table) else ""
            else:
                meaning[v] = v[2:]
        for c in texts:
            c.value = meaning[c.value]
        self._scanned = {sheet: (errors, texts)}
        return out

    def error_cells(self, sheet: str) -> list[ErrorCell]:
        return getattr(self, "_scanned", {}).get(sheet, ([], []))[0]

    def text_cells(self, sheet: str) -> list[ErrorCell]:
        return getattr(self, "_scanned", {}).get(sheet, ([], []))[1]


def _stream_first_rows(zf: zipfile.ZipFile, path: str, n: int):
    """(row, col, type, raw value) of the cells in the first n rows, streaming."""
    parser = XMLPullParser(events=("end",))
    cells = []
    done = False
    with zf.open(path) as fh:
        while not done:
            chunk = fh.read(1 << 16)
            if not chunk:
                break
            parser.feed(chunk)
            for _, el in parser.read_events():
                tag = el.tag
                if tag == f"{_NS_MAIN}c":
                    ref = el.get("r")
                    m = _CELL_REF.match(ref or "")
                    if not m:
                        continue
                    r, c = int(m.group(2)) - 1, col_index(m.group(1))
                    if r >= n:
                        done = True
                        break
                    t = el.get("t")
                    if t == "inlineStr":
                        v = "".join(x.text or "" for x in el.iter(f"{_NS_MAIN}t"))
                        t = "str"
                    else:
                        vel = el.find(f"{_NS_MAIN}v")
                        v = vel.text if vel is not None else None
                    cells.append((r, c, t, v))
                elif tag == f"{_NS_MAIN}row":
                    el.clear()
                    rr = el.get("r")
                    if rr and rr.isdigit() and int(rr) >= n:
                        done = True
                        break
                elif tag == f"{_NS_MAIN}sheetData":
                    done = True
                    break
    return cells


def _shared_strings(zf: zipfile.ZipFile, up_to: int) -> list[str]:
    """Shared strings 0..up_to, streaming (a big table is not read past what is needed)."""
    try:
        info = zf.getinfo("xl/sharedStrings.xml")
    except KeyError:
        return []
    parser = XMLPullParser(events=("end",))
    out: list[str] = []
    with zf.open(info) as fh:
        while len(out) <= up_to:
            chunk = fh.read(1 << 16)
            if not chunk:
                break
            parser.feed(chunk)
            for _, el in parser.read_events():
                if el.tag == f"{_NS_MAIN}si":
                    # Rich text: the runs' <t>; phonetic runs (<rPh>) are not part of the text.
                    parts = []
                    for child in el:
                        if child.tag == f"{_NS_MAIN}t":
                            parts.append(child.text or "")
                        elif child.tag == f"{_NS_MAIN}r":
                            parts.extend(x.text or "" for x in child.iter(f"{_NS_MAIN}t"))
                    out.append("".join(parts))
                    el.clear()
    return out


_ERROR_CELL = re.compile(rb'<c\b[^>]*?\bt="e"[^>]*>')
_REF_ATTR = re.compile(rb'\br="([A-Z]+)(\d+)"')
_VALUE = re.compile(rb"<v>([^<]*)</v>")
_INLINE = re.compile(rb"<t(?:\s[^>]*)?>([^<]*)</t>")


def _letters_pattern(cols: list[int]) -> str:
    """Column letters as a compact regex: I..Z and AA, AB -> [IJ…Z]|A[AB] (a character class is
    tried at once; an alternation of twenty letters one by one, at every cell of the sheet)."""
    from .errors import column_letter

    groups: dict[str, list[str]] = {}
    for c in sorted(set(cols)):
        letters = column_letter(c)
        groups.setdefault(letters[:-1], []).append(letters[-1])
    return "|".join(re.escape(prefix) + "[" + "".join(last) + "]" for prefix, last in groups.items())


def _scan_cells(path: str, member: str, number_cols: list[int]) -> tuple[list[ErrorCell], list[ErrorCell]]:
    """A byte scan of the sheet XML (inflating it is the main cost).

    Returns the cells holding an Excel error, and the text cells of the number
    columns (value `s:<index>` for a shared string, `t:<text>` otherwise).
    Writers put the `r` attribute first (Excel, xlsxwriter, openpyxl, WPS).
    """
    from html import unescape

    errors: list[ErrorCell] = []
    texts: list[ErrorCell] = []
    letters = _letters_pattern(number_cols).encode()
    columns: dict[bytes, int] = {}
    # `[^>t]*` runs over the attributes between r and t (s, cm, vm, ph: no "t" in them) without backtracking.
    text_cell = re.compile(rb'<c r="(' + letters + rb')(\d+)"[^>t]*t="(s|str|inlineStr)"[^>]*>') if letters else None
    try:
        with zipfile.ZipFile(path) as zf, zf.open(member) as fh:
            tail = b""
            while True:
                chunk = fh.read(1 << 22)
                buf = tail + chunk
                # Scan up to the last cell start: every cell before it is complete.
                cut = buf.rfind(b"<c ") if chunk else len(buf)
                if cut <= 0:
                    cut = len(buf)
                if b't="e"' in buf[:cut]:
                    for m in _ERROR_CELL.finditer(buf, 0, cut):
                        ref = _REF_ATTR.search(m.group(0))
                        if not ref:
                            continue
                        v = _VALUE.search(buf, m.end(), min(cut, m.end() + 400))
                        errors.append(ErrorCell(int(ref.group(2)) - 1, col_index(ref.group(1).decode()),
                                                v.group(1).decode("utf-8", "replace") if v else "#错误"))
                if text_cell is not None:
                    for m in text_cell.finditer(buf, 0, cut):
                        col_letters, kind = m.group(1), m.group(3)
                        rx = _INLINE if kind == b"inlineStr" else _VALUE
                        v = rx.search(buf, m.end(), min(cut, m.end() + 4000))
                        raw = v.group(1) if v else b""
                        raw = raw.decode("utf-8", "replace")
                        if "&" in raw:
                            raw = unescape(raw)
                        col = columns.get(col_letters)
                        if col is None:
                            col = columns[col_letters] = col_index(col_letters.decode())
                        texts.append(ErrorCell(int(m.group(2)) - 1, col, ("s:" if kind == b"s" else "t:") + raw))
                tail = buf[cut:]
                if not chunk:
                    break
    except Exception:  # a second opinion only: calamine's own parse reports a corrupt file
        pass
    return errors, texts


class RowSource(Source):
    """A table held as rows of text (self._rows), one sheet: the base of GridSource.
    CSV files are read by csvsource.CsvSource."""

    def sheet_names(self) -> list[str]:
        return [self._sheet]

    def peek(self, sheet, n=PEEK_ROWS):
        return [[_cell_text(c) for c in row] for row in self._rows[:n]]

    def load(self, sheet, skip_rows, text_cols, number_cols):
        import pyarrow as pa

        rows = self._rows[skip_rows:]
        out = {}
        for c in sorted(set(text_cols) | set(number_cols)):
            out[c] = pa.array([row[c] if c < len(row) else None for row in rows], type=pa.string())
        return out


class GridSource(RowSource):
    """A table already in memory as rows of cell values (an Excel range handed to a UDF, or rows of
    an open workbook): one sheet, read exactly like a CSV file. Numbers become their exact decimal
    text (repr), so the same number parser and the same error messages apply."""

    def __init__(self, rows, name: str = "所选区域"):
        Source.__init__(self, name)
        self.encoding = None
        self._rows = [[_grid_text(v) for v in row] for row in rows]
        self._sheet = name


def _grid_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"  # never a number: an error in a number column
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, int):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def decode_text(raw: bytes, name: str) -> tuple[str, str]:
    """Decode CSV bytes: BOMs first, then strict UTF-8, then GB18030 (a superset of GBK)."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if raw.startswith(bom):
            try:
                return enc, raw.decode(enc)
            except UnicodeDecodeError:
                break
    for enc in ("utf-8", "gb18030"):
        try:
            return enc, raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputError(Issue("无法识别文件编码：既不是 UTF-8 也不是 GBK/GB18030，请另存为 UTF-8 编码的 CSV",
                           file=name))


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
