"""What an .ods stores that calamine hides: error results (LibreOffice's empty string, other
writers' 0), booleans (read as 1.0/0.0), formulas without a stored value (read as empty), merges.

content.xml is streamed with iterparse (namespaces by URI), positions kept through
number-rows-repeated / number-columns-repeated and covered cells. Empty repeats only move
the position, whatever their count; a repeated row or cell holding a fact is expanded, but
never past the largest sheet an office suite makes, and the facts of one sheet are capped.
A finished row is dropped from the tree, so memory stays flat over a large sheet.
A corrupt file raises ValueError; an encrypted one EncryptedError.
"""
from __future__ import annotations

import re
import zipfile
import zlib
from xml.etree import ElementTree as ET

from .stored import EncryptedError, SheetFacts, StoredCell

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_CALCEXT = "{urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0}"
_MANIFEST = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"

T_TABLE, T_ROW = _TABLE + "table", _TABLE + "table-row"
T_CELL, T_COVERED = _TABLE + "table-cell", _TABLE + "covered-table-cell"
A_NAME, A_FORMULA = _TABLE + "name", _TABLE + "formula"
A_ROWS_REP, A_COLS_REP = _TABLE + "number-rows-repeated", _TABLE + "number-columns-repeated"
A_ROWS_SPAN, A_COLS_SPAN = _TABLE + "number-rows-spanned", _TABLE + "number-columns-spanned"
A_TYPE, A_VALUE, A_BOOL = _OFFICE + "value-type", _OFFICE + "value", _OFFICE + "boolean-value"
A_CALC_TYPE = _CALCEXT + "value-type"

MAX_ROWS, MAX_COLS = 1 << 20, 1 << 14   # LibreOffice's and Excel's largest sheet
MAX_FACTS = 1_000_000                   # per sheet: far beyond any real export
MAX_MANIFEST = 16 << 20
_NUMERIC = {"float", "percentage", "currency", "date", "time"}


def sheet_facts(path: str, sheet: str, columns: set[int] | None) -> SheetFacts:
    """The stored errors, booleans and value-less formulas of one sheet (only `columns`, all if None),
    and every merged range. ValueError (EncryptedError) on a corrupt (encrypted) file."""
    with open(path, "rb") as fh:
        try:
            with zipfile.ZipFile(fh) as zf:
                _check_encryption(zf)
                with zf.open("content.xml") as content:
                    return _scan(content, sheet, columns)
        except EncryptedError:
            raise
        except (zipfile.BadZipFile, zlib.error, ET.ParseError, LookupError, EOFError, OSError,
                NotImplementedError, RuntimeError, UnicodeDecodeError, OverflowError) as exc:
            # RuntimeError: zipfile's answer for a member encrypted the zip way.
            raise ValueError(f"corrupt .ods: {type(exc).__name__}: {exc}") from None


def _check_encryption(zf: zipfile.ZipFile) -> None:
    try:
        info = zf.getinfo("META-INF/manifest.xml")
    except KeyError:
        return
    if info.file_size > MAX_MANIFEST:
        raise ValueError(f"corrupt .ods: a manifest of {info.file_size} bytes")
    with zf.open(info) as manifest:
        for _, elem in ET.iterparse(manifest):
            if elem.tag == _MANIFEST + "encryption-data":
                raise EncryptedError("the workbook is encrypted (manifest encryption-data)")


def _count(attrib: dict, name: str, cap: int) -> int:
    """A repeat or span count: at least 1, at most the cap (a hostile 10**12 costs nothing)."""
    raw = attrib.get(name)
    if raw is None:
        return 1
    try:
        return min(max(int(raw), 1), cap)
    except ValueError:
        raise ValueError(f"{name.split('}')[-1]}={raw!r} is not a count") from None


def _scan(content, sheet: str, columns: set[int] | None) -> SheetFacts:
    facts = SheetFacts()
    found = False
    depth = 0        # table:table nesting (a cell may hold a sub-table: its rows are not the sheet's)
    inside = False   # within the asked sheet, at its own level
    row = col = 0
    row_cells: list[tuple[int, str, str]] = []
    row_merges: list[tuple[int, int, int]] = []
    stack: list[ET.Element] = []
    total = 0
    for event, elem in ET.iterparse(content, events=("start", "end")):
        tag = elem.tag
        if event == "start":
            stack.append(elem)
            if tag == T_TABLE:
                depth += 1
                if depth == 1 and elem.get(A_NAME) == sheet:
                    found = inside = True
                    row = 0
            elif tag == T_ROW and inside and depth == 1:
                col = 0
                row_cells, row_merges = [], []
            continue
        stack.pop()
        if not inside or depth != 1:
            if tag == T_TABLE:
                depth -= 1
            if tag in (T_ROW, T_TABLE) and stack:
                stack[-1].remove(elem)  # other sheets' rows: nothing to keep
            continue
        if tag in (T_CELL, T_COVERED) and stack and stack[-1].tag == T_ROW:
            attrib = elem.attrib
            repeat = _count(attrib, A_COLS_REP, MAX_COLS)
            kind_text = _kind(elem)
            if kind_text is not None and col < MAX_COLS:
                last = min(col + repeat, MAX_COLS)
                hits = range(col, last) if columns is None else sorted(c for c in columns if col <= c < last)
                for c in hits:
                    row_cells.append((c, *kind_text))
            if tag == T_CELL:
                rows_span = _count(attrib, A_ROWS_SPAN, MAX_ROWS)
                cols_span = _count(attrib, A_COLS_SPAN, MAX_COLS)
                if rows_span > 1 or cols_span > 1:
                    for c in range(col, min(col + repeat, MAX_COLS)):
                        row_merges.append((c, rows_span, cols_span))
            col += repeat
            elem.clear()
        elif tag == T_ROW:
            repeat = _count(elem.attrib, A_ROWS_REP, MAX_ROWS)
            if row_cells or row_merges:
                for r in range(row, min(row + repeat, MAX_ROWS)):
                    total += len(row_cells) + len(row_merges)
                    if total > MAX_FACTS:
                        raise ValueError(f"sheet {sheet!r} holds more than {MAX_FACTS} error/boolean/merged cells")
                    facts.cells.extend(StoredCell(r, c, kind, text) for c, kind, text in row_cells)
                    facts.merged.extend((r, c, r + rs - 1, c + cs - 1) for c, rs, cs in row_merges)
            row += repeat
            row_cells, row_merges = [], []
            if stack:
                stack[-1].remove(elem)
        elif tag == T_TABLE:
            break
    if not found:
        raise ValueError(f"no sheet named {sheet!r} in the workbook")
    return facts


def _kind(cell: ET.Element) -> tuple[str, str] | None:
    """(kind, text) for a cell calamine misreads, else None."""
    attrib = cell.attrib
    value_type = attrib.get(A_TYPE)
    calc_type = attrib.get(A_CALC_TYPE)
    if calc_type == "error":
        return "error", _text(cell) or "#ERROR"
    if value_type == "boolean" or calc_type == "boolean":
        raw = attrib.get(A_BOOL, attrib.get(A_VALUE, ""))
        truth = raw.strip().lower() in ("true", "1") or _nonzero(raw)
        return "bool", "TRUE" if truth else "FALSE"
    formula = attrib.get(A_FORMULA)
    if formula is not None and (value_type is None or (value_type in _NUMERIC and not _has_value(attrib))):
        return "formula", formula_text(formula)
    if formula is not None and value_type in _NUMERIC and _text(cell).upper() in ("TRUE", "FALSE"):
        # LibreOffice's spelling of an .xlsx logical cell: =TRUE() stored as the number 1, shown TRUE
        return "bool", _text(cell).upper()
    return None


def _has_value(attrib: dict) -> bool:
    return any(k in attrib for k in (A_VALUE, _OFFICE + "date-value", _OFFICE + "time-value"))


def _nonzero(raw: str) -> bool:
    try:
        return float(raw) != 0
    except ValueError:
        return False


def _text(cell: ET.Element) -> str:
    return "\n".join("".join(p.itertext()) for p in cell if p.tag.endswith("}p")).strip()


_FORMULA_PARTS = re.compile(r'"(?:[^"]|"")*"|\[[^\]]*\]|;|[^"\[;]+')
_NAMESPACE = re.compile(r"^[A-Za-z][\w.-]*:(?==)")


def formula_text(formula: str) -> str:
    """OpenFormula as a spreadsheet shows it: "of:=SUM([.B2:.B3];1)" -> "=SUM(B2:B3,1)"."""
    body = _NAMESPACE.sub("", formula, count=1)
    if not body.startswith("="):
        body = "=" + body
    out = []
    for part in _FORMULA_PARTS.findall(body):
        if part == ";":
            out.append(",")
        elif part.startswith("["):
            out.append(":".join(_reference(p) for p in part[1:-1].split(":")))
        else:
            out.append(part)
    return "".join(out)


def _reference(part: str) -> str:
    """".B2" -> "B2"; "$Sheet2.A1" -> "Sheet2!A1"; "'My sheet'.A1" -> "'My sheet'!A1"."""
    sheet, dot, cell = part.rpartition(".")
    if not dot:
        return part
    sheet = sheet.lstrip("$")
    return f"{sheet}!{cell}" if sheet else cell
