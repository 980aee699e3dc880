"""File formats behind one interface: list sheets, peek at the first rows, load columns.

Excel files (.xlsx/.xlsm/.xls/.xlsb/.ods) are parsed by calamine through
fastexcel, straight to Arrow. calamine parses a whole sheet whenever one is
opened, so the header rows of .xlsx files are peeked at with a small
streaming XML read of their first rows instead of a second full parse.
CSV files are read by pyarrow.csv (csvsource.py); tables already in memory as
rows of cells (GridSource) by the small row-based RowSource here.
"""
from __future__ import annotations

import os
import posixpath
import re
import threading
import zipfile
from xml.etree.ElementTree import XMLPullParser

from .errors import InputError, Issue
from .stored import SheetFacts, StoredCell

PEEK_ROWS = 30
# Limits against hostile or runaway files, each a setting (environment variable) with a default
# well above the national export (470 000 enterprises: 94 MB file, 612 MB of sheet XML).
LIMITS = {"XLTOOLS_MAX_FILE_MB": 2048, "XLTOOLS_MAX_XML_MB": 4096, "XLTOOLS_MAX_ROWS": 3_000_000,
          "XLTOOLS_MAX_CELLS": 150_000_000}  # calamine's grid: 32 bytes a cell, 4.8 GB at the cap


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

    def sheet_visible(self, sheet: str) -> bool:
        """Is the sheet shown (not hidden or very hidden)?"""
        return True

    def stored_cells(self, sheet: str) -> list[StoredCell]:
        """Cells of the last load whose stored type is not a value calamine could give as text:
        Excel errors (#REF!, #DIV/0!…), which it reads as empty."""
        return []

    def sheet_facts(self, sheet: str, columns: set[int]) -> SheetFacts:
        """What calamine cannot tell: formulas without a cached value, errors stored as numbers (.ods),
        merged ranges. Costs a pass over the sheet's file part; asked for only when needed."""
        return SheetFacts()


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
        source = ExcelSource(path, kind, isolated=kind == "xls", by_content=note is not None)
    else:
        from .csvsource import CsvSource

        source = CsvSource(path)
    if note:
        source.notes.append(note)
    return source


class ExcelSource(Source):
    """Any workbook calamine reads; header rows peeked through fastexcel.

    `isolated`: calamine runs in a child process (xltools.isolate) with a memory limit, so that a
    corrupt file that makes it abort or allocate without bound fails alone, as an input error.
    Used for .xls files, which are small by nature (at most 65 536 rows)."""

    def __init__(self, path: str, kind: str = "xlsx", isolated: bool = False, by_content: bool = False):
        super().__init__(path)
        self.kind = kind  # xls, ods (xlsx: XlsxSource)
        self._facts: dict[tuple, SheetFacts] = {}
        self._visible: dict[str, bool] = {}
        self._stored: dict[str, list[StoredCell]] = {}
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
            rows, self._visible[sheet] = calamine_peek(self._reader, sheet, n)
            return rows
        except BaseException as exc:
            raise parser_failure(exc, lambda m: self.fail(m, sheet), "无法读取工作表") from None

    def sheet_visible(self, sheet: str) -> bool:
        if self._isolated is not None:
            return self._isolated.visible.get(sheet, True)
        if sheet not in self._visible:
            self.peek(sheet, 1)
        return self._visible.get(sheet, True)

    def load(self, sheet, skip_rows, text_cols, number_cols):
        """See calamine_load; the cells calamine reported are kept for stored_cells()."""
        cols = sorted(set(text_cols) | set(number_cols))
        if self._isolated is not None:
            table, selected, stored = self._isolated.load(sheet, skip_rows, cols, sorted(text_cols))
        else:
            try:
                table, selected, stored = calamine_load(self._reader, sheet, skip_rows, cols, sorted(text_cols))
            except BaseException as exc:
                raise parser_failure(exc, lambda m: self.fail(m, sheet), "无法读取工作表数据") from None
        self._stored[sheet] = [StoredCell(*cell) for cell in stored]
        return {c: table.column(i) for i, c in enumerate(selected)}

    def stored_cells(self, sheet: str) -> list[StoredCell]:
        return self._stored.get(sheet, [])

    def sheet_facts(self, sheet: str, columns: set[int]) -> SheetFacts:
        """.xls: booleans, uncalculated formulas and merges from the BIFF records; .ods: also errors
        stored as numbers, from content.xml."""
        key = (sheet, tuple(sorted(columns)))
        if key not in self._facts:
            from . import scan_ods, scan_xls
            from .stored import EncryptedError

            scanner = {"xls": scan_xls, "ods": scan_ods}.get(self.kind)
            try:
                self._facts[key] = scanner.sheet_facts(self.path, sheet, columns) if scanner else SheetFacts()
            except EncryptedError:
                raise self.fail("文件有密码保护，请在 Excel 中取消密码后另存再读取", sheet) from None
            except (ValueError, OSError):
                raise self.fail("文件已损坏或格式不受支持，无法逐格核对数据", sheet) from None
        return self._facts[key]


_EXCEL_ERRORS = {"Div0": "#DIV/0!", "NA": "#N/A", "Name": "#NAME?", "Null": "#NULL!", "Num": "#NUM!",
                 "Ref": "#REF!", "Value": "#VALUE!", "GettingData": "#GETTING_DATA"}
_DETAIL = re.compile(r"got '(\w+)\((.*)\)'$", re.S)
_RUST_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|.)")


def _rust_unescape(text: str) -> str:
    def one(m):
        e = m.group(1)
        if e.startswith("u{"):
            return chr(int(e[2:-1], 16))
        return {"n": "\n", "r": "\r", "t": "\t", "0": "\0"}.get(e, e)
    return _RUST_ESCAPE.sub(one, text)


def calamine_cell(detail: str) -> tuple[str, str]:
    """(kind, text) of a cell calamine could not give in its column's type, from its report
    `Expected float but got 'Error(Div0)'`: error, date, text (to be parsed), or bool."""
    m = _DETAIL.search(detail)
    if not m:
        return "error", "#错误"
    name, inner = m.group(1), m.group(2)
    if name == "Error":
        return "error", _EXCEL_ERRORS.get(inner, "#" + inner.upper())
    if name in ("DateTime", "DateTimeIso", "DurationIso", "Duration"):
        value = re.search(r"value: ([-\d.eE+]+)", inner)
        if value is None:
            return "date", inner.strip('"')
        import datetime as dt

        epoch = dt.datetime(1904, 1, 1) if "is_1904: true" in inner else dt.datetime(1899, 12, 30)
        try:
            when = epoch + dt.timedelta(days=float(value.group(1)))
            shown = when.strftime("%Y-%m-%d %H:%M:%S").replace(" 00:00:00", "")
            return "date", f"{shown}（存储的数值 {float(value.group(1)):g}）"
        except (OverflowError, ValueError):
            return "date", value.group(1)
    if name == "Bool":
        return "bool", inner.upper()
    if name == "String":
        return "text", _rust_unescape(inner[1:-1] if inner.startswith('"') else inner)
    return "text", inner  # Int/Float in a column typed otherwise: a number, parsed as text


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


def calamine_peek(reader, sheet: str, n: int) -> tuple[list[list[str | None]], bool]:
    """The first n rows as text, and whether the sheet is visible."""
    try:
        loaded = reader.load_sheet(sheet, header_row=None, skip_rows=0, n_rows=n, dtypes="string")
        batch = loaded.to_arrow()
        # fastexcel leaves out empty leading columns: map back to absolute positions.
        offset = loaded.selected_columns[0].absolute_index if loaded.selected_columns else 0
        visible = loaded.visible == "visible"
    except Exception as exc:
        if "empty" in str(exc).lower() or "no data" in str(exc).lower():
            return [], True
        raise
    cols = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
    return [[None] * offset + [_cell_text(c[r]) for c in cols] for r in range(batch.num_rows)], visible


def calamine_load(reader, sheet: str, skip_rows: int, cols: list[int], text_cols: list[int]):
    """(pyarrow.Table, absolute column index of each of its columns, stored cells).

    Text columns as text; number columns as calamine types them (numbers straight to Arrow), with
    every cell that does not fit the column's type reported beside it by calamine itself — its
    real parse of the cell as stored: an error, a date, text below the rows it sampled. Stored
    cells are (row, absolute column, kind, text) tuples (see calamine_cell)."""
    loaded = reader.load_sheet(sheet, header_row=None, skip_rows=skip_rows, use_columns=cols,
                               dtypes={c: "string" for c in text_cols} or None)
    table, errors = loaded.to_arrow_with_errors()
    relative = {ci.index: ci.absolute_index for ci in loaded.selected_columns}  # errors: selected only
    stored = [(e.position[0], relative.get(e.position[1], e.position[1]), *calamine_cell(e.detail))
              for e in (errors.errors if errors is not None else [])]
    return table, [ci.absolute_index for ci in loaded.selected_columns], stored


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

        self._states: dict[str, str] = {}
        self._facts: dict[str, SheetFacts] = {}
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
        # xlsxwriter and other writers store 0 as every formula's result and ask for a recalculation
        # when the file is opened: such results prove nothing.
        self._recalc_on_load = any(_local(el.tag) == "calcPr" and (el.get("fullCalcOnLoad") or "").lower() in ("1", "true")
                                   for el in wb.iter())
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
            self._states[sh.get("name")] = sh.get("state") or "visible"
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

    def sheet_visible(self, sheet: str) -> bool:
        return self._states.get(sheet, "visible") == "visible"

    # A sheet part up to this size is scanned before calamine parses it, so the true extent of its
    # cells is known first; a bigger one is scanned beside calamine (on the other core), its extent
    # taken from the declared <dimension>, which every spreadsheet program writes.
    SCAN_FIRST_BYTES = 64 << 20

    def load(self, sheet, skip_rows, text_cols, number_cols):
        from .scan_xlsx import scan

        member = self._paths.get(sheet)
        if member is None or member not in self._zip.namelist():
            return super().load(sheet, skip_rows, text_cols, number_cols)
        columns = set(number_cols)
        declared = _dimension(self._zip, member)
        result: list = []
        failure: list = []

        first = declared is None or self._zip.getinfo(member).file_size <= self.SCAN_FIRST_BYTES

        def work():
            try:
                result.append(scan(self.path, member, columns, with_extent=first, stale=self._recalc_on_load))
            except Exception as exc:  # ValueError: corrupt or out-of-range; reported after calamine
                failure.append(exc)

        if first:
            work()
            if failure:
                raise self._scan_failure(failure[0], sheet)
            self._check_extent(result[0].extent, sheet)
            out = super().load(sheet, skip_rows, text_cols, number_cols)
        else:
            self._check_extent(declared, sheet)
            worker = threading.Thread(target=work)
            worker.start()
            try:
                out = super().load(sheet, skip_rows, text_cols, number_cols)
            finally:
                worker.join()
            if failure:
                raise self._scan_failure(failure[0], sheet)
        self._facts[sheet] = result[0].facts
        return out

    def sheet_facts(self, sheet: str, columns: set[int]) -> SheetFacts:
        return self._facts.get(sheet, SheetFacts())

    def _scan_failure(self, exc: Exception, sheet: str) -> InputError:
        from .stored import EncryptedError

        if isinstance(exc, EncryptedError):
            return self.fail("文件有密码保护，请在 Excel 中取消密码后另存再读取", sheet)
        return self.fail("工作表数据已损坏，或有超出 Excel 范围（XFD 列、1048576 行）的单元格引用，无法读取", sheet)

    def _check_extent(self, extent: tuple[int, int] | None, sheet: str) -> None:
        """calamine builds a dense grid of the cells' span: refuse a span that would not fit in memory."""
        if extent is None:
            return
        rows, cols = extent
        cap = limit("XLTOOLS_MAX_CELLS")
        if rows * cols > cap:
            from .errors import column_letter

            raise self.fail(
                f"工作表的已用区域是 A1:{column_letter(cols - 1)}{rows}（{rows} 行 × {cols} 列），读取需要约 "
                f"{rows * cols * 32 / 1e9:.0f} GB 内存，超过上限 {cap:g} 个单元格。多半是远处有零星的内容"
                f"（例如 {column_letter(cols - 1)} 列或第 {rows} 行）：请在 Excel 中删除多余的行列后保存；确需读取时可用环境变量 "
                "XLTOOLS_MAX_CELLS 调整上限", sheet)


_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?dimension\s+ref\s*=\s*[\"']([A-Za-z]+\d+)(?::([A-Za-z]+\d+))?[\"']")


def _dimension(zf: zipfile.ZipFile, member: str) -> tuple[int, int] | None:
    """(rows, columns) that the sheet's <dimension> declares, from the first 64 KB of its XML."""
    from .scan_xlsx import parse_ref

    try:
        with zf.open(member) as fh:
            head = fh.read(1 << 16)
        m = _DIMENSION.search(head)
        if not m:
            return None
        r, c = parse_ref(m.group(2) or m.group(1))
        return r + 1, c + 1
    except Exception:
        return None


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


def _detail(exc: BaseException) -> str:
    """The library's own words about a failure (English), for XLTOOLS_DEBUG=1 only."""
    return f"（{_short(exc)}）" if os.environ.get("XLTOOLS_DEBUG") else ""


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
