"""File formats behind one interface: list sheets, peek at the first rows, load columns.

Excel files (.xlsx/.xlsm/.xls/.xlsb/.ods) are parsed by calamine through
fastexcel, straight to Arrow. calamine parses a whole sheet whenever one is
opened, so the header rows of .xlsx files are peeked at with a small
streaming XML read of their first rows instead of a second full parse.
CSV files are decoded (UTF-8, UTF-8 with BOM, GBK/GB18030: detected) and
split with the csv module.
"""
from __future__ import annotations

import codecs
import csv
import io
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
        self.notes: list[str] = []  # said to the user beside the result (a file read as another format)

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
    """The reader for a file, chosen by its content (formats.sniff), not by its extension."""
    from . import formats

    name = os.path.basename(path)
    if not os.path.exists(path):
        raise InputError(Issue("文件不存在", file=path))
    if os.path.isdir(path):
        raise InputError(Issue("这是一个文件夹，不是数据文件", file=path))
    formats.require_regular(path)
    size_mb = os.path.getsize(path) / 1e6
    if size_mb > limit("XLTOOLS_MAX_FILE_MB"):
        raise InputError(Issue(f"文件有 {size_mb:.2f} MB，超过上限 {limit('XLTOOLS_MAX_FILE_MB'):g} MB"
                               "（可用环境变量 XLTOOLS_MAX_FILE_MB 调整）", file=name))
    kind = formats.sniff(path)
    if kind == "xlsb" or os.path.splitext(name)[1].lower() == ".xlsb":
        raise InputError(Issue(formats.XLSB, file=name))
    note = formats.mismatch_note(kind, path)
    source: Source
    if kind == "xlsx":
        source = XlsxSource(path, by_content=note is not None)
    elif kind in ("xls", "ods"):
        source = ExcelSource(path, isolated=kind == "xls", by_content=note is not None)
    else:
        source = CsvSource(path)
    if note:
        source.notes.append(note)
    return source


class ExcelSource(Source):
    """Any workbook calamine reads; header rows peeked through fastexcel.

    `isolated`: calamine runs in a child process (xltools.isolate) with a memory limit, so that a
    corrupt file that makes it abort or allocate without bound fails alone, as an input error.
    Used for .xls files, which are small by nature (at most 65 536 rows)."""

    def __init__(self, path: str, isolated: bool = False, by_content: bool = False):
        super().__init__(path)
        self._isolated = None
        if isolated:
            from .isolate import IsolatedWorkbook

            self._isolated = IsolatedWorkbook(path, self.name, PEEK_ROWS, by_content)
            self._names = self._isolated.names
            return
        try:
            self._reader = calamine_open(path, by_content)
            self._names = list(self._reader.sheet_names)
        except BaseException as exc:  # calamine's errors: corrupt, truncated, unsupported; its panics
            raise parser_failure(exc, self.fail, "无法打开工作簿，文件可能已损坏") from None

    def sheet_names(self) -> list[str]:
        return self._names

    def peek(self, sheet: str, n: int = PEEK_ROWS) -> list[list[str | None]]:
        if self._isolated is not None:
            return self._isolated.peek(sheet, n)
        try:
            return calamine_peek(self._reader, sheet, n)
        except BaseException as exc:
            raise parser_failure(exc, lambda m: self.fail(m, sheet), "无法读取工作表") from None

    # calamine turns text such as N/A, NULL, NaN — and any text past the rows it samples to guess
    # a column's type — into empty cells of a number column; asked for text it keeps them, so
    # number columns are read as text and parsed here. (.xlsx files avoid that cost: XlsxSource.)
    infer_numbers = False

    def load(self, sheet, skip_rows, text_cols, number_cols):
        cols = sorted(set(text_cols) | set(number_cols))
        as_text = set(text_cols) if self.infer_numbers else set(cols)
        if self._isolated is not None:
            table, selected = self._isolated.load(sheet, skip_rows, cols, sorted(as_text))
        else:
            try:
                table, selected = calamine_load(self._reader, sheet, skip_rows, cols, sorted(as_text))
            except BaseException as exc:
                raise parser_failure(exc, lambda m: self.fail(m, sheet), "无法读取工作表数据") from None
        return {c: table.column(i) for i, c in enumerate(selected)}


# calamine through fastexcel: the same calls in this process and in an isolated child.

def calamine_open(path: str, by_content: bool = False):
    """`by_content`: the file's name says another format than its content (an .xls saved as .xlsx);
    calamine goes by the name when given a path, by the content when given the bytes."""
    import fastexcel

    _quiet_parser_logs()
    if by_content:
        with open(path, "rb") as fh:
            return fastexcel.read_excel(fh.read())
    return fastexcel.read_excel(path)


def calamine_peek(reader, sheet: str, n: int) -> list[list[str | None]]:
    try:
        loaded = reader.load_sheet(sheet, header_row=None, skip_rows=0, n_rows=n, dtypes="string")
        batch = loaded.to_arrow()
        # fastexcel leaves out empty leading columns: map back to absolute positions.
        offset = loaded.selected_columns[0].absolute_index if loaded.selected_columns else 0
    except Exception as exc:
        if "empty" in str(exc).lower() or "no data" in str(exc).lower():
            return []
        raise
    cols = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
    return [[None] * offset + [_cell_text(c[r]) for c in cols] for r in range(batch.num_rows)]


def calamine_load(reader, sheet: str, skip_rows: int, cols: list[int], as_text: list[int]):
    """(pyarrow.Table, absolute column index of each of its columns)."""
    loaded = reader.load_sheet(sheet, header_row=None, skip_rows=skip_rows, use_columns=cols,
                               dtypes={c: "string" for c in as_text} or None)
    return loaded.to_arrow(), [ci.absolute_index for ci in loaded.selected_columns]


PARSER_CRASHED = "文件已损坏或格式不受支持（读取时解析器异常终止）"


def is_panic(exc: BaseException) -> bool:
    """pyo3's PanicException (a Rust panic inside calamine): a BaseException, not an Exception."""
    return type(exc).__name__ == "PanicException"


def parser_failure(exc: BaseException, fail, message: str) -> InputError:
    """The input error for an exception out of calamine; anything else (Ctrl-C, exit) goes on."""
    if isinstance(exc, InputError):
        return exc
    if is_panic(exc) or isinstance(exc, MemoryError):
        return fail(PARSER_CRASHED + _detail(exc))
    if isinstance(exc, Exception):
        return fail(message + _detail(exc))
    raise exc


def _quiet_parser_logs() -> None:
    """calamine's warnings (in English, through Python logging) are not for the user."""
    import logging

    for name in ("calamine", "fastexcel"):
        logger = logging.getLogger(name)
        if not logger.handlers:
            logger.addHandler(logging.NullHandler())
            logger.propagate = False


class XlsxSource(ExcelSource):
    """.xlsx/.xlsm: the header rows are streamed from the sheet XML, not parsed twice."""

    def __init__(self, path: str, by_content: bool = False):
        try:
            self._zip = zipfile.ZipFile(path)
            self._paths = self._sheet_paths()
            self._check_sizes(os.path.basename(path))
        except InputError:
            raise
        except Exception as exc:  # BadZipFile, zlib.error, KeyError, XML errors…: all one answer
            raise InputError(Issue(f"无法打开工作簿，文件可能已损坏{_detail(exc)}",
                                   file=os.path.basename(path))) from None
        super().__init__(path, by_content=by_content)

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
        """{sheet name: part path}; transitional or Strict OOXML, any namespace prefix, the workbook
        part wherever the package relationships put it (xl/workbook.xml as a rule)."""
        from xml.etree import ElementTree as ET

        names = set(self._zip.namelist())
        book = "xl/workbook.xml"
        if "_rels/.rels" in names:
            for rel in ET.fromstring(self._zip.read("_rels/.rels")).iter():
                if _local(rel.tag) == "Relationship" and (rel.get("Type") or "").endswith("/officeDocument"):
                    book = (rel.get("Target") or book).lstrip("/")
                    break
        if book not in names and "xl/workbook.xml" in names:
            book = "xl/workbook.xml"
        folder, base = posixpath.split(book)
        wb = ET.fromstring(self._zip.read(book))
        rels = ET.fromstring(self._zip.read(posixpath.join(folder, "_rels", base + ".rels")))
        targets = {r.get("Id"): r.get("Target") or "" for r in rels.iter() if _local(r.tag) == "Relationship"}
        paths = {}
        for sh in wb.iter():
            if _local(sh.tag) != "sheet" or _namespace(sh.tag) not in _MAIN_NAMESPACES:
                continue
            rid = next((v for k, v in sh.attrib.items() if _local(k) == "id" and _namespace(k) in _REL_NAMESPACES),
                       None)
            target = targets.get(rid, "")
            if target.startswith("/"):
                path = target.lstrip("/")
            else:
                path = posixpath.normpath(posixpath.join(folder, target))
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
        except _BeyondGrid as exc:
            raise self.fail(str(exc), sheet) from None
        except Exception as exc:  # zipfile, zlib, XML and number errors of a broken part
            raise self.fail(f"无法读取工作表，文件可能已损坏{_detail(exc)}", sheet) from None
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
            raise self.fail(f"无法读取共享字符串表，文件可能已损坏{_detail(exc)}", sheet) from None
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
    """(row, col, type, raw value) of the cells in the first n rows, streaming.

    Positions come from the `r` attributes when present, else from the order of the rows and of the
    cells in a row (both are optional in the format). Elements are matched by namespace URI, so any
    prefix and Strict OOXML are read alike."""
    parser = XMLPullParser(events=("start", "end"))
    cells = []
    row = -1  # 0-based index of the current row
    col = -1  # 0-based index of the last cell of the current row
    done = False
    with zf.open(path) as fh:
        while not done:
            chunk = fh.read(1 << 16)
            if not chunk:
                break
            parser.feed(chunk)
            for event, el in parser.read_events():
                if _namespace(el.tag) not in _MAIN_NAMESPACES:
                    continue
                tag = _local(el.tag)
                if event == "start":
                    if tag == "row":
                        rr = el.get("r")
                        row = _row_number(rr, path) - 1 if rr else row + 1
                        col = -1
                        if row >= n:
                            done = True
                            break
                    continue
                if tag == "c":
                    ref = el.get("r")
                    if ref:
                        r, col = _cell_position(ref, path)
                    else:
                        r, col = row, col + 1
                    if r >= n:
                        done = True
                        break
                    t = el.get("t")
                    if t == "inlineStr":
                        v = "".join(x.text or "" for x in _inline_text_runs(el))
                        t = "str"
                    else:
                        vel = next((x for x in el if _local(x.tag) == "v"), None)
                        v = vel.text if vel is not None else None
                    cells.append((r, col, t, v))
                elif tag == "row":
                    el.clear()
                elif tag == "sheetData":
                    done = True
                    break
    return cells


# OOXML transitional and Strict (ISO/IEC 29500 Strict) namespaces; "" for a file written without one.
_MAIN_NAMESPACES = {"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                    "http://purl.oclc.org/ooxml/spreadsheetml/main", ""}
_REL_NAMESPACES = {"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
                   "http://purl.oclc.org/ooxml/officeDocument/relationships"}
MAX_ROWS, MAX_COLS = 1_048_576, 16_384  # Excel's grid: row 1048576, column XFD


def _namespace(tag: str) -> str:
    return tag[1:tag.index("}")] if tag.startswith("{") else ""


def _local(tag: str) -> str:
    return tag[tag.index("}") + 1:] if tag.startswith("{") else tag


def _inline_text_runs(cell):
    """The <t> elements of an inline string, phonetic runs (<rPh>) left out."""
    for child in cell.iter():
        if _local(child.tag) == "rPh":
            continue
        for t in ([child] if _local(child.tag) == "t" else []):
            yield t


class _BeyondGrid(ValueError):
    """A cell or row position outside Excel's grid: the message is the user's."""


def _beyond_grid(ref: str, path: str) -> _BeyondGrid:
    shown = ref if len(ref) <= 20 else ref[:20] + "…"
    return _BeyondGrid(f"单元格位置 {shown} 超出 Excel 表格的范围（最多 {MAX_ROWS} 行、XFD 列），"
                       "文件已损坏或不是 Excel 写出的工作簿")


def _row_number(text: str, path: str) -> int:
    if not text.isdigit() or len(text) > 7 or not 1 <= int(text) <= MAX_ROWS:
        raise _beyond_grid(f"第 {text} 行", path)
    return int(text)


def _cell_position(ref: str, path: str) -> tuple[int, int]:
    """0-based (row, col) of a cell reference such as B7; beyond the grid is an input error, found
    before the letters are turned into a number (a reference of a million letters would take hours)."""
    m = _CELL_REF.fullmatch(ref)
    if not m or len(m.group(1)) > 3:
        raise _beyond_grid(ref, path)
    c = col_index(m.group(1))
    if c >= MAX_COLS:
        raise _beyond_grid(ref, path)
    return _row_number(m.group(2), path) - 1, c


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
                if _local(el.tag) == "si" and _namespace(el.tag) in _MAIN_NAMESPACES:
                    # Rich text: the runs' <t>; phonetic runs (<rPh>) are not part of the text.
                    parts = []
                    for child in el:
                        tag = _local(child.tag)
                        if tag == "t":
                            parts.append(child.text or "")
                        elif tag == "r":
                            parts.extend(x.text or "" for x in child.iter() if _local(x.tag) == "t")
                    out.append("".join(parts))
                    el.clear()
    return out


_ERROR_CELL = re.compile(rb'<c\b[^>]*?\bt="e"[^>]*>')
_REF_ATTR = re.compile(rb'\br="([A-Z]{1,3})(\d{1,7})"')
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


class CsvSource(Source):
    """A CSV file as one sheet; every cell is text, cleaned like text cells of a workbook."""

    def __init__(self, path: str):
        super().__init__(path)
        with open(path, "rb") as fh:
            raw = fh.read()
        self.encoding, text = decode_text(raw, self.name)
        sample = text[:20000]
        delimiter = max([",", "\t", ";", "|"], key=sample.count)
        try:
            self._rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        except csv.Error as exc:
            raise self.fail(f"CSV 格式错误：{exc}") from None
        self._sheet = os.path.splitext(self.name)[0]

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


class GridSource(CsvSource):
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


def _detail(exc: BaseException) -> str:
    """The library's own words about a failure (English), for XLTOOLS_DEBUG=1 only."""
    return f"（{_short(exc)}）" if os.environ.get("XLTOOLS_DEBUG") else ""


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
