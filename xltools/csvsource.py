"""CSV files read by pyarrow.csv: every cell as text, nothing held twice.

The encoding is told from the first 64 KB (a BOM; else strict UTF-8; else
GB18030, a superset of GBK). UTF-8 goes to pyarrow untouched; UTF-16 and
GB18030 are transcoded by pyarrow as it reads, block by block. The first rows,
where the header is searched for, are parsed with the csv module.

Row numbers are records, as Excel or WPS shows a CSV file: equal to the text
editor's line numbers unless a quoted cell holds a line break, which keeps its
record on one row (and shifts the editor's numbering of the lines after it).

Below the header every row must have as many fields as the (last) header row.
A row with too few or too many is an input error naming the row, except a
blank line, and one- or two-field rows after the last row of data (`注：…`,
`合计`), which come back with their missing fields empty for the reader to
classify. A last row cut short, and a quote that never closes, are named as
such.
"""
from __future__ import annotations

import codecs
import csv
import io
import os

import pyarrow as pa
import pyarrow.csv as pacsv

from .values import BLANK_TEXT
from .errors import InputError, Issue, IssueList
from .sources import PEEK_ROWS, Source, _cell_text

HEAD_BYTES = 1 << 16
DELIMITERS = [",", "\t", ";", "|"]
# Our names -> pyarrow's (pyarrow skips a UTF-8 BOM itself; others go through Python's codecs).
_ARROW_ENCODING = {"utf-8": "utf8", "utf-8-sig": "utf8", "utf-16": "utf-16", "gb18030": "gb18030"}
_UNKNOWN_ENCODING = "无法识别文件编码：既不是 UTF-8 也不是 GBK/GB18030，请另存为 UTF-8 编码的 CSV"
_MAX_KEPT = 1000  # malformed rows whose text is kept (the rest are counted)


def sniff_encoding(head: bytes, name: str) -> str:
    """The encoding of a CSV file from its first bytes: BOMs first, then strict UTF-8, then GB18030."""
    for bom, enc in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                     (codecs.BOM_UTF16_BE, "utf-16")):
        if head.startswith(bom):
            return enc
    final = len(head) < HEAD_BYTES  # a longer file may be cut inside a character here
    for enc in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(enc)().decode(head, final=final)
            return enc
        except UnicodeDecodeError:
            continue
    raise InputError(Issue(_UNKNOWN_ENCODING, file=name))


class CsvSource(Source):
    """A CSV file as one sheet; every cell is text, cleaned like text cells of a workbook."""

    def __init__(self, path: str):
        super().__init__(path)
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
        self.encoding = sniff_encoding(head, self.name)
        self._ascii_head = head.isascii()
        sample = codecs.getincrementaldecoder(self.encoding)(errors="replace").decode(head)[:20000]
        self._delimiter = max(DELIMITERS, key=sample.count)
        self._sheet = os.path.splitext(self.name)[0]
        self._rows: list[list[str]] = []  # the first records, parsed with the csv module
        self._lines: list[int] = [0]  # physical lines before record k (what pyarrow's skip_rows counts)
        self._complete = False  # the whole file is in _rows

    def sheet_names(self) -> list[str]:
        return [self._sheet]

    def peek(self, sheet, n=PEEK_ROWS):
        self._head(n)
        return [[_cell_text(c) for c in row] for row in self._rows[:n]]

    # ------------------------------------------------------------ the first rows

    def _head(self, n: int) -> None:
        """Parse the first n records (from the start again: n is small)."""
        if len(self._rows) >= n or self._complete:
            return
        rows: list[list[str]] = []
        lines = [0]
        complete = True
        try:
            with open(self.path, "rb") as fh:
                text = io.TextIOWrapper(fh, encoding=self.encoding, newline="")
                reader = csv.reader(text, delimiter=self._delimiter)
                for row in reader:
                    rows.append(row)
                    lines.append(reader.line_num)
                    if len(rows) >= n:
                        complete = False
                        break
        except UnicodeDecodeError:
            if self.encoding == "utf-8" and self._ascii_head:
                self.encoding = "gb18030"
                return self._head(n)
            raise self.fail(_UNKNOWN_ENCODING) from None
        except csv.Error:  # a field past the csv module's limit: a quote that never closes
            raise InputError(Issue("引号未闭合：从这一行起的内容都被当成了一个单元格，请检查这一行的英文双引号（\"）",
                                   file=self.name, sheet=self._sheet, row=len(rows) + 1)) from None
        self._rows, self._lines, self._complete = rows, lines, complete

    # ------------------------------------------------------------ the data

    def load(self, sheet, skip_rows, text_cols, number_cols):
        cols = sorted(set(text_cols) | set(number_cols))
        self._head(skip_rows + 1)
        if len(self._rows) <= skip_rows:  # nothing below the header
            return {c: pa.chunked_array([], pa.string()) for c in cols}
        fast = self._typed(skip_rows, cols, number_cols)
        if fast is not None:
            return fast
        # pyarrow starts at the last header row: its fields set the number of columns.
        start = max(skip_rows - 1, 0)
        header = 1 if skip_rows > 0 else 0
        width = len(self._rows[start])
        skip_lines = self._lines[start]
        wanted = [c for c in cols if c < width]
        # The last column is read too: a quote left open in it swallows the rest of the file.
        names = [f"f{c}" for c in sorted(set(wanted) | {width - 1})]
        table, bad = self._read(skip_lines, names)

        issues = IssueList(self.name, sheet)
        rows = table.num_rows
        last_number = skip_lines + rows + len(bad)

        def record(number: int) -> int:  # pyarrow's row number -> the file's (1-based) row
            return start + number - skip_lines

        # Rows after the last row with data (blank lines aside) may be one- or two-field notes.
        data_end = self._last_filled(table, names, header)  # table index of the last filled row, or -1
        ordinal = data_end + 1  # its position among all records from the last header row on (1-based)
        for number, _, _ in bad:
            if number - skip_lines <= ordinal:
                ordinal += 1
        inserts: list[tuple[int, list[str]]] = []
        for number, fields, text in bad:
            row = record(number)
            if text is not None and ("\n" in text or "\r" in text) and _open_quote(text, self._delimiter):
                issues.add("引号未闭合：从这一行起的内容都被当成了一个单元格，请检查这一行的英文双引号（\"）", row=row)
            elif fields < width and number == last_number and not self._ends_with_newline() \
                    and not (fields <= 2 and _is_note(text, self._delimiter)):
                issues.add(f"只有{fields}列，表头有{width}列：文件可能被截断", row=row)
            elif fields <= 2 and fields < width and number - skip_lines > ordinal and text is not None:
                values = next(csv.reader([text], delimiter=self._delimiter), [])
                inserts.append((number - skip_lines - 1 - header, values))
            elif fields < width:
                issues.add(f"只有{fields}列，表头有{width}列", row=row)
            else:
                issues.add(f"有{fields}列，比表头的{width}列多（单元格中的逗号等分隔符要加英文双引号）", row=row)
        if rows > header and not (bad and bad[-1][0] == last_number):
            tail = table.column(f"f{width - 1}")[rows - 1].as_py() or ""
            if ("\n" in tail or "\r" in tail) and not self._ends_with_quote():
                issues.add("引号未闭合：从这一行起的内容都被当成了一个单元格，请检查这一行的英文双引号（\"）",
                           row=record(last_number))
        issues.raise_if_any()

        out = {}
        for c in wanted:
            column = table.column(f"f{c}").slice(header)
            out[c] = _spliced(column, inserts, c) if inserts else column
        return out

    def _typed(self, skip_rows: int, cols: list[int], number_cols) -> dict | None:
        """The common case at full speed: every row as wide as the header, every figure a plain number
        or a blank (BLANK_TEXT) — parsed by pyarrow on every core, straight to float64. Anything else
        (a short or long row, text in a number column, a thousands separator) makes pyarrow stop
        (no invalid-row handler: the first bad row is enough) and returns None, and the file is read
        again the careful way, every cell as text, with each problem located. A file without a
        double quote cannot hold a line break inside a cell: pyarrow then splits it into blocks at
        any line break, as its bare read does."""
        if len(self._rows) <= skip_rows or self._lines[skip_rows] != skip_rows:
            return None  # a quoted line break above the data: lines and records differ, be careful
        width = len(self._rows[skip_rows - 1]) if skip_rows else len(self._rows[0])
        wanted = [c for c in cols if c < width]
        numbers = {f"f{c}" for c in number_cols if c < width and c != width - 1}
        names = [f"f{c}" for c in range(width)]
        include = [f"f{c}" for c in sorted(set(wanted) | {width - 1})]
        try:
            table = pacsv.read_csv(
                self.path,
                read_options=pacsv.ReadOptions(column_names=names, skip_rows=skip_rows, use_threads=True,
                                               encoding=_ARROW_ENCODING[self.encoding]),
                parse_options=pacsv.ParseOptions(delimiter=self._delimiter, newlines_in_values=self._quoted(),
                                                 ignore_empty_lines=False),
                convert_options=pacsv.ConvertOptions(
                    include_columns=include, null_values=BLANK_TEXT, strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                    column_types={n: (pa.float64() if n in numbers else pa.string()) for n in include}))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
            return None
        if table.num_rows == 0:
            return None
        last = table.column(f"f{width - 1}")
        if pa.types.is_string(last.type):  # a quote left open swallows the rest into the last cell
            tail = last[table.num_rows - 1].as_py() or ""
            if "\n" in tail or "\r" in tail:
                return None
        return {c: table.column(f"f{c}") for c in wanted}

    def _quoted(self) -> bool:
        """The file may hold a double quote. A quote byte (0x22) stands for nothing else in UTF-8 or
        GB18030 (their multi-byte characters use no byte below 0x30 after the first); UTF-16 is
        not looked at."""
        if self.encoding not in ("utf-8", "utf-8-sig", "gb18030"):
            return True
        buf = bytearray(1 << 20)
        with open(self.path, "rb", buffering=0) as fh:
            while n := fh.readinto(buf):
                if buf.find(b'"', 0, n) >= 0:
                    return True
        return False

    def _read(self, skip_lines: int, names: list[str]):
        """(table, malformed rows as (pyarrow row number, fields, text or None))."""
        bad: list[tuple[int, int, str | None]] = []

        def malformed(row) -> str:
            bad.append((row.number, row.actual_columns, row.text if len(bad) < _MAX_KEPT else None))
            return "skip"

        try:
            # One thread: pyarrow numbers the malformed rows only then (and two are no faster here).
            table = pacsv.read_csv(
                self.path,
                read_options=pacsv.ReadOptions(autogenerate_column_names=True, skip_rows=skip_lines,
                                               use_threads=False, encoding=_ARROW_ENCODING[self.encoding]),
                parse_options=pacsv.ParseOptions(delimiter=self._delimiter, newlines_in_values=True,
                                                 ignore_empty_lines=False, invalid_row_handler=malformed),
                convert_options=pacsv.ConvertOptions(include_columns=names,
                                                     column_types={n: pa.string() for n in names},
                                                     strings_can_be_null=False, quoted_strings_can_be_null=False))
        except UnicodeDecodeError:
            raise self.fail(_UNKNOWN_ENCODING) from None
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
            if "UTF8" in str(exc) and self.encoding == "utf-8":
                if self._ascii_head:  # GBK text after an ASCII start
                    self.encoding = "gb18030"
                    return self._read(skip_lines, names)
                raise self.fail("文件开头是 UTF-8 编码，后面却有不是 UTF-8 的内容（文件可能已损坏或混用了编码），"
                                "请另存为 UTF-8 编码的 CSV") from None
            if "UTF8" in str(exc):
                raise self.fail(_UNKNOWN_ENCODING) from None
            raise self.fail("CSV 文件格式有误，无法读取（请在 Excel 中打开后另存为 CSV 或 .xlsx）") from None
        bad.sort()
        return table, bad

    @staticmethod
    def _last_filled(table: pa.Table, names: list[str], header: int) -> int:
        """Table index of the last row with a non-empty cell among those read (-1 if none)."""
        n = table.num_rows
        lo = header
        step = 64
        while n > lo:
            begin = max(lo, n - step)
            cols = [table.column(name).slice(begin, n - begin).to_pylist() for name in names]
            for i in range(n - begin - 1, -1, -1):
                if any(col[i] and col[i].strip() for col in cols):
                    return begin + i
            n = begin
            step *= 4
        return header - 1

    def _tail(self) -> str:
        """The last characters of the file (enough for its last line break and quote)."""
        with open(self.path, "rb") as fh:
            fh.seek(0, os.SEEK_END)
            fh.seek(max(fh.tell() - 16, 0))
            raw = fh.read()
        if self.encoding == "utf-16":
            with open(self.path, "rb") as fh:
                big = fh.read(2) == codecs.BOM_UTF16_BE
            raw = raw[len(raw) % 2:]
            return raw.decode("utf-16-be" if big else "utf-16-le", "ignore")
        return raw.decode("latin-1")  # only ASCII is looked at

    def _ends_with_quote(self) -> bool:
        """The file, its trailing line breaks aside, ends with a double quote."""
        return self._tail().rstrip("\r\n").endswith('"')

    def _ends_with_newline(self) -> bool:
        return self._tail().endswith(("\n", "\r"))


def _open_quote(text: str, delimiter: str) -> bool:
    """The row's text, as pyarrow cut it, has a quote that does not close where a field ends."""
    try:
        for _ in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            pass
    except csv.Error:
        return True
    return False


def _is_note(text: str | None, delimiter: str) -> bool:
    """A footnote or total line (注：…, 合计), as the reader recognises them."""
    from .rows import FOOTNOTE, TOTAL

    if text is None:
        return False
    fields = [f for f in next(csv.reader([text], delimiter=delimiter), []) if f.strip()]
    return bool(fields) and bool(FOOTNOTE.match(fields[0]) or TOTAL.match(fields[0]))


def _spliced(column: pa.ChunkedArray, inserts: list[tuple[int, list[str]]], c: int) -> pa.ChunkedArray:
    """The column with short rows put back at their places (index in the result), missing fields null."""
    chunks = []
    taken = 0
    for k, (at, values) in enumerate(inserts):
        upto = at - k  # rows of the table before this one
        if upto > taken:
            chunks.extend(column.slice(taken, upto - taken).chunks)
            taken = upto
        chunks.append(pa.array([values[c] if c < len(values) else None], pa.string()))
    if taken < len(column):
        chunks.extend(column.slice(taken).chunks)
    return pa.chunked_array(chunks, pa.string())
