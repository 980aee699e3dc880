"""One streaming pass over a worksheet's XML: its extent, and the cells calamine reads as something else.

calamine (through fastexcel) reads .xlsx/.xlsm well, with three holes this module fills:

- a boolean cell (`t="b"`) is returned as 1.0/0.0 in a float column, silently;
- a formula without a cached value (`<c><f>1+2</f></c>`, or `<v></v>`) is returned as empty;
- it builds a DENSE grid of the span of the cells present (rows x columns x 32 bytes): one stray
  cell in column XFD of a 50 000-row sheet asks for 26 GB. `extent` is the check that runs first.

It also returns the merged ranges (`<mergeCells>`, after `<sheetData>`), for filling labels down.

Cost is the design constraint: the national export is a 94 MB file whose sheet XML inflates to
612 MB, and everything here may cost about a third of calamine's own read. Measured on that file
(benchmarks/scan_xlsx.py): inflating is ~1.1 CPU-s; a `bytes.find` of a multi-byte needle ~0.45 s;
one `re` pass that is tried at every cell 0.5-1.1 s; numpy masks ~2.5 s; memchr (`b"x" in buf`,
a one-byte needle) ~0.03 s. So:

1. Inflate with zlib ourselves (raw deflate from the local header, no CRC-32 pass: zlib's own
   checks catch a corrupt stream, calamine checks the CRC) in bounded chunks (`max_length`), each
   cut at its last `<` so no tag is ever split across chunks; the tail is carried over.
2. Inside `<sheetData>`, per chunk, one-byte memchr gates decide what needs looking at:
   - `b` and `f`: every spelling of a boolean cell has a quoted `b` value (`t="b"`, `t = 'b'`)
     and every formula element is `<f`/`<x:f` followed by whitespace, `>` or `/`. Only when a
     chunk holds one of these bytes does a tiny regex check the context; a hit means the sheet has
     such cells (false positives allowed: an inline string "b"). None in the national file.
   - `'`, TAB, CR, LF: attribute syntax the fast cell check below does not read (single quotes,
     whitespace around `=` or inside tags). Any of them: the exact parse decides instead.
   - `:`: prefixed element names (`<x:c>`) are possible, so the cell check anchors on `c`
     instead of `<c` (slower; cheap when `:` is absent, as in the national file).
3. ONE regex pass per chunk finds every cell start tag that is NOT `<c r="<col><row>"` with the
   column <= the largest seen so far and the row <= the chunk's last cell row. In a normal sheet
   that matches only the first cell of each new column and the odd row written out of order, so
   almost no Python runs per cell. Each match is read as a canonical reference (maxima updated,
   pattern rebuilt) or, when it is not one (no `r`, `t` before `r`, spaces, ...), the exact parse
   takes over. Rows count as they do in calamine: the maximum over all cells, in any order.
4. The exact parse (`_Exact`) reads every tag with a namespace-agnostic regex and follows
   calamine's positioning rules: a cell without `r` is the next column of its row, a row without
   `r` the next row, `<row/>` counts as a row. It finds the boolean cells, the formulas without a
   cached value, and the extent. When the fast pass needs it, the member is inflated again from
   the start (the screen cannot go back), so files with booleans/formulas or odd syntax pay a
   second inflate and a Python-speed parse; the national file pays neither.
5. `<mergeCell>` elements are read only in chunks that contain the bytes `mergeCell`.

Extent is (last row + 1, last column + 1) over every `<c>` element, including empty ones (an upper
bound of calamine's grid, which skips cells without a value). A reference past XFD1048576 or one
that is not a reference raises ValueError, and so does a corrupt zip or deflate stream; nothing
here can loop without consuming input.
"""
from __future__ import annotations

import re
import struct
import zipfile
import zlib
from dataclasses import dataclass

try:  # ISA-L inflates 2.5x faster than zlib (0.4 vs 1.0 CPU-s on the national sheet), same API
    from isal import isal_zlib as _inflate
    _INFLATE_ERRORS: tuple = (zlib.error, _inflate.error)
except ImportError:  # pragma: no cover - isal is a dependency; zlib is the fallback
    _inflate = zlib
    _INFLATE_ERRORS = (zlib.error,)
from html import unescape

from .errors import column_letter
from .stored import EncryptedError, SheetFacts, StoredCell

MAX_ROWS = 1_048_576
MAX_COLS = 16_384
CHUNK = 4 << 20          # inflated bytes per step
_MAX_TAIL = 16 << 20     # a single tag longer than this is not a worksheet
exact_parses = 0         # how many times the exact parse ran (tests check the screen avoids it)


@dataclass
class ScanResult:
    extent: tuple[int, int] | None    # (rows, columns) spanned from A1, None for no cells
    facts: SheetFacts
    exact: bool                       # whether the exact parse ran (the screen found something)


# ---------------------------------------------------------------------------- references

def parse_ref(ref: bytes | str) -> tuple[int, int]:
    """'B5' -> (4, 1). ValueError past XFD1048576 or for anything that is not a reference."""
    if isinstance(ref, str):
        ref = ref.encode("ascii", "replace")
    m = _REF.fullmatch(ref.strip())
    if not m:
        raise ValueError(f"malformed cell reference {ref[:40]!r}")
    letters, digits = m.group(1).upper(), m.group(2)
    if len(letters) > 3 or len(digits) > 7:
        raise ValueError(f"cell reference {ref[:40].decode('ascii', 'replace')} is beyond XFD1048576")
    col = 0
    for ch in letters:
        col = col * 26 + ch - 64
    row = int(digits)
    if col > MAX_COLS or row > MAX_ROWS or row < 1:
        raise ValueError(f"cell reference {ref.decode('ascii', 'replace')} is beyond XFD1048576")
    return row - 1, col - 1


_REF = re.compile(rb"([A-Za-z]{1,10})(\d{1,12})")


def _le_digits(n: int) -> bytes:
    """Regex for decimal numbers 1..n without leading zeros."""
    s = str(n)
    alts = []
    if len(s) > 1:
        alts.append(b"[1-9]" + (rb"\d{0,%d}" % (len(s) - 2) if len(s) > 2 else b""))
    for i, ch in enumerate(s):
        lo = 1 if i == 0 else 0
        d = int(ch)
        if d > lo:
            alts.append(s[:i].encode() + b"[%d-%d]" % (lo, d - 1) + (rb"\d{%d}" % (len(s) - i - 1)))
    alts.append(s.encode())
    return b"(?:" + b"|".join(alts) + b")"


def _le_letters(col: int) -> bytes:
    """Regex for column letters of columns 0..col."""
    s = column_letter(col)
    alts = []
    if len(s) > 1:
        alts.append(b"[A-Z]{1,%d}" % (len(s) - 1))
    for i, ch in enumerate(s):
        if ch > "A":
            alts.append(s[:i].encode() + b"[A-%s]" % chr(ord(ch) - 1).encode() + (b"[A-Z]{%d}" % (len(s) - i - 1)))
    alts.append(s.encode())
    return b"(?:" + b"|".join(alts) + b")"


_CANON = re.compile(rb'<(?:[A-Za-z_][\w.\-]*:)?c r="([A-Z]{1,3})([1-9]\d{0,6})"[\s/>]')


def _odd_cells(max_col: int, max_row: int, prefixed: bool) -> re.Pattern:
    """Cell start tags that are not `<c r="..."` within the bounds (see the module docstring)."""
    if max_col < 0 or max_row < 1:
        ok = rb"(?!)"
    else:
        ok = rb' r="' + _le_letters(max_col) + _le_digits(max_row) + rb'"[\s/>]'
    if prefixed:
        return re.compile(rb"c(?<=[<:]c)(?=[\s/>])(?!" + ok + rb")")
    return re.compile(rb"<c(?=[\s/>])(?!" + ok + rb")")


# ---------------------------------------------------------------------------- the zip member

def _member_stream(path_or_zf, member: str):
    """Yield the inflated member in chunks of at most CHUNK bytes; ValueError for a corrupt one."""
    if isinstance(path_or_zf, zipfile.ZipFile):
        zf, own = path_or_zf, False
    else:
        try:
            zf, own = zipfile.ZipFile(path_or_zf), True
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise ValueError(f"not a readable zip file: {exc}") from None
    try:
        try:
            info = zf.getinfo(member)
        except KeyError:
            raise ValueError(f"no member {member!r} in the zip file") from None
        if info.flag_bits & 0x1:
            raise EncryptedError(f"member {member!r} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ValueError(f"member {member!r} uses unsupported compression {info.compress_type}")
        fname = getattr(zf, "filename", None)
        fh = open(fname, "rb") if fname else None
        if fh is None:  # a ZipFile over a file object: its own stream (with the CRC check)
            with zf.open(info) as src:
                while True:
                    try:
                        out = src.read(CHUNK)
                    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                        raise ValueError(f"corrupt data in {member!r}: {exc}") from None
                    if not out:
                        return
                    yield out
        with fh:
            fh.seek(info.header_offset)
            head = fh.read(30)
            if len(head) != 30 or head[:4] != b"PK\x03\x04":
                raise ValueError(f"bad local header for {member!r}")
            n, m = struct.unpack("<HH", head[26:30])
            fh.seek(info.header_offset + 30 + n + m)
            left = info.compress_size
            if info.compress_type == zipfile.ZIP_STORED:
                while left > 0:
                    raw = fh.read(min(CHUNK, left))
                    if not raw:
                        raise ValueError(f"truncated member {member!r}")
                    left -= len(raw)
                    yield raw
                return
            d = _inflate.decompressobj(-15)
            try:
                while not d.eof:
                    raw = d.unconsumed_tail
                    if not raw:
                        if left <= 0:
                            # ISA-L may still hold output with no input left: drain it.
                            out = d.decompress(b"", CHUNK)
                            if out:
                                yield out
                                continue
                            break
                        raw = fh.read(min(1 << 20, left))
                        if not raw:
                            break
                        left -= len(raw)
                    out = d.decompress(raw, CHUNK)
                    if out:
                        yield out
                    elif not d.unconsumed_tail and left <= 0 and not d.eof:
                        break
            except _INFLATE_ERRORS as exc:
                raise ValueError(f"corrupt deflate data in {member!r}: {exc}") from None
            if not d.eof:
                raise ValueError(f"truncated deflate data in {member!r}")
    finally:
        if own:
            zf.close()


def _chunks(path_or_zf, member: str):
    """(buffer, start, end) triples covering the member in order; buffer[start:end] starts at a
    `<` (or the member's start) and ends before one, so no tag is split. A new inflated block is
    not copied: only the carried-over tail and the bytes up to the block's first `<` are joined."""
    tail = b""
    for out in _member_stream(path_or_zf, member):
        first = out.find(b"<")
        if first < 0:  # text only: keep it with the tail (bounded)
            tail += out
            if len(tail) > _MAX_TAIL:
                if tail.rfind(b"<") < 0:
                    yield tail, 0, len(tail)
                    tail = b""
                    continue
                raise ValueError("an XML tag longer than 16 MB: not a worksheet")
            continue
        if tail or first:
            yield tail + out[:first], 0, len(tail) + first
        cut = out.rfind(b"<")
        if cut > first:
            yield out, first, cut
        tail = out[cut:]
    if tail:
        yield tail, 0, len(tail)


# ---------------------------------------------------------------------------- the fast screen

_SHEETDATA = re.compile(rb"<(/?)(?:[A-Za-z_][\w.\-]*:)?sheetData(?=[\s/>])[^>]*?(/?)>")
_BOOLISH = re.compile(rb"b(?<=[\"']b)[\"']")
_FORMULAISH = re.compile(rb"f(?<=[<:]f)[\s/>]")
_MERGE = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?mergeCell\s(?:[^>\"']|\"[^\"]*\"|'[^']*')*?"
                    rb"\bref\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_LAST_CELL_ROW = re.compile(rb'<(?:[A-Za-z_][\w.\-]*:)?c r="[A-Z]{1,3}([1-9]\d{0,6})"')


class _NeedExact(Exception):
    pass


def _merge_ranges(buf: bytes, start: int, end: int, out: list) -> None:
    for m in _MERGE.finditer(buf, start, end):
        ref = m.group(1) if m.group(1) is not None else m.group(2)
        parts = ref.split(b":")
        if len(parts) > 2 or not parts[0]:
            raise ValueError(f"malformed merged range {ref[:40]!r}")
        r0, c0 = parse_ref(parts[0])
        r1, c1 = parse_ref(parts[-1])
        out.append((min(r0, r1), min(c0, c1), max(r0, r1), max(c0, c1)))


def _fast(source, member: str, want_facts: bool, want_extent: bool = True):
    """The screen. Returns (extent, merged) or raises _NeedExact. Without want_extent only the
    boolean and formula tokens and the merged ranges are looked for: memchr speed, no cell check
    (and no syntax gate: a quoted "b" and an <f element are found in any spelling)."""
    max_col, max_row = -1, 0
    merged: list = []
    state = 0            # 0 before <sheetData>, 1 inside, 2 after
    pattern_key = None
    pattern = None
    for buf, pos, end in _chunks(source, member):
        if state == 0:
            m = _SHEETDATA.search(buf, pos, end)
            if not m:
                continue
            if m.group(2):  # <sheetData/>
                state, pos = 2, m.end()
            else:
                state, pos = 1, m.end()
        if state == 1:
            stop = end
            # "sheetData" holds an "h", which cell data rarely does: a memchr first.
            close = buf.find(b"sheetData", pos, end) if buf.find(b"h", pos, end) >= 0 else -1
            if close >= 0:
                m = _SHEETDATA.search(buf, max(pos, close - 64), end)
                if m and m.group(1):
                    stop = m.start()
            if want_extent:
                for gate in (b"'", b"\t", b"\n", b"\r"):
                    if buf.find(gate, pos, stop) >= 0:
                        raise _NeedExact
            if want_facts:
                if buf.find(b"b", pos, stop) >= 0 and _BOOLISH.search(buf, pos, stop):
                    raise _NeedExact
                if buf.find(b"f", pos, stop) >= 0 and _FORMULAISH.search(buf, pos, stop):
                    raise _NeedExact
            if not want_extent:
                if stop < end:
                    state, pos = 2, stop
                if state == 2 and buf.find(b"mergeCell", pos, end) >= 0:
                    _merge_ranges(buf, pos, end, merged)
                continue
            prefixed = buf.find(b":", pos, stop) >= 0
            # Rows up to the chunk's last cell pass unseen; a larger one is a match.
            # (That row is a real cell's, so it counts towards the extent too.)
            bound_row = max_row
            last = buf.rfind(b'c r="', pos, stop)
            if last > 0:
                lm = _LAST_CELL_ROW.match(buf, buf.rfind(b"<", pos, last + 1))
                if lm:
                    bound_row = max(bound_row, min(int(lm.group(1)), MAX_ROWS))
            at = pos
            while True:
                key = (max_col, bound_row, prefixed)
                if key != pattern_key:
                    pattern, pattern_key = _odd_cells(max_col, bound_row, prefixed), key
                m = pattern.search(buf, at, stop)
                if not m:
                    break
                start = m.start() if buf[m.start()] == 60 else buf.rfind(b"<", 0, m.start())
                cm = _CANON.match(buf, start)
                if not cm:
                    raise _NeedExact
                row, col = parse_ref(cm.group(1) + cm.group(2))
                max_col = max(max_col, col)
                max_row = max(max_row, row + 1)
                bound_row = max(bound_row, row + 1)
                at = m.end()
            max_row = max(max_row, bound_row) if max_col >= 0 else max_row
            if stop < end:
                state, pos = 2, stop
        if state == 2 and buf.find(b"mergeCell", pos, end) >= 0:
            _merge_ranges(buf, pos, end, merged)
    extent = (max_row, max_col + 1) if max_col >= 0 else None
    return extent, merged


# ---------------------------------------------------------------------------- the exact parse

_TAG = re.compile(rb"<(/?)(?:[A-Za-z_][\w.\-]*:)?(row|c|f|v|sheetData|mergeCell)(?=[\s/>])"
                  rb"((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_ATTR = re.compile(rb"([\w.:\-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


def _attrs(raw: bytes) -> dict[bytes, bytes]:
    return {m.group(1): (m.group(2) if m.group(2) is not None else m.group(3)) for m in _ATTR.finditer(raw)}


class _Exact:
    """Every tag, calamine's positioning rules (see the module docstring)."""

    def __init__(self, columns, stale: bool = False):
        self.columns = columns
        self.stale = stale  # the workbook asks for a full recalculation on load: no cached result is proof
        self.cells: list[StoredCell] = []
        self.merged: list = []
        self.max_row = 0
        self.max_col = -1
        self.next_row = 0
        self.row = 0
        self.col = 0
        self.in_data = False
        self.cell = None          # [row, col, t, f_text or None, v_text or None]
        self.text_into = None     # "f" or "v" while inside one
        self.text: list[bytes] = []
        self.text_from = 0
        self.shared: dict[bytes, bytes] = {}
        self.shared_si = None

    def feed(self, buf: bytes, start: int, end: int) -> None:
        if self.text_into is not None:
            self.text_from = start
        for m in _TAG.finditer(buf, start, end):
            closing, name, raw = m.group(1), m.group(2), m.group(3)
            selfclosing = raw.endswith(b"/")
            if self.text_into is not None:
                self.text.append(buf[self.text_from:m.start()])
            if name == b"sheetData":
                self.in_data = not closing and not selfclosing
                continue
            if name == b"mergeCell":
                if not closing:
                    _merge_ranges(buf, m.start(), m.end(), self.merged)
                continue
            if not self.in_data:
                continue
            if name == b"row":
                if not closing:
                    r = _attrs(raw).get(b"r")
                    if r is not None:
                        try:
                            n = int(r)
                        except ValueError:
                            raise ValueError(f"malformed row number {r[:20]!r}") from None
                        if not 1 <= n <= MAX_ROWS:
                            raise ValueError(f"row number {n} is beyond row 1048576")
                        self.row = n - 1
                    else:
                        self.row = self.next_row
                    self.col = 0
                if closing or selfclosing:
                    self.next_row = self.row + 1
                    self.col = 0
            elif name == b"c":
                if not closing:
                    a = _attrs(raw)
                    r = a.get(b"r")
                    if r is not None:
                        row, col = parse_ref(r)
                    else:
                        row, col = self.row, self.col
                        if col >= MAX_COLS:
                            raise ValueError("a row with more than 16384 cells")
                    self.col = col + 1
                    self.max_row = max(self.max_row, row + 1)
                    self.max_col = max(self.max_col, col)
                    self.cell = [row, col, (a.get(b"t") or b"n").strip(), None, None]
                if (closing or selfclosing) and self.cell is not None:
                    self._finish()
            elif self.cell is not None:  # f or v
                if not closing:
                    if name == b"f":
                        a = _attrs(raw)
                        self.shared_si = a.get(b"si") if a.get(b"t") == b"shared" else None
                    if selfclosing:
                        self._set(name, b"")
                    else:
                        self.text_into, self.text, self.text_from = name, [], m.end()
                elif self.text_into == name:
                    self._set(name, b"".join(self.text))
                    self.text_into = None
        if self.text_into is not None:
            self.text.append(buf[self.text_from:end])

    def _set(self, name: bytes, value: bytes) -> None:
        if name == b"f":
            if self.shared_si is not None:
                if value.strip():
                    self.shared[self.shared_si] = value
                else:
                    value = self.shared.get(self.shared_si, b"")
            self.cell[3] = value
        else:
            self.cell[4] = value

    def _finish(self) -> None:
        row, col, t, f, v = self.cell
        self.cell = None
        self.text_into = None
        if self.columns is not None and col not in self.columns:
            return
        has_v = v is not None and v.strip() != b""
        if t == b"b" and has_v:
            self.cells.append(StoredCell(row, col, "bool", "FALSE" if v.strip() == b"0" else "TRUE"))
        elif f is not None and (not has_v or self.stale) and t != b"inlineStr":
            text = unescape(f.decode("utf-8", "replace"))
            self.cells.append(StoredCell(row, col, "stale" if has_v else "formula", "=" + text))


def _exact(source, member: str, columns, stale: bool = False) -> tuple[tuple[int, int] | None, SheetFacts]:
    global exact_parses
    exact_parses += 1
    ex = _Exact(columns, stale)
    for buf, start, end in _chunks(source, member):
        ex.feed(buf, start, end)
    extent = (ex.max_row, ex.max_col + 1) if ex.max_col >= 0 else None
    cells = sorted(ex.cells, key=lambda c: (c.row, c.col))
    return extent, SheetFacts(cells, ex.merged)


# ---------------------------------------------------------------------------- the API

def scan(path: str, member: str, columns: set[int] | None = None, with_extent: bool = True,
         stale: bool = False) -> ScanResult:
    """Extent and facts of one worksheet member in one inflate (two when the exact parse runs).
    with_extent=False: the facts only (extent None unless the exact parse ran), at inflate speed.
    stale: the workbook says its cached formula results are not to be trusted (fullCalcOnLoad):
    every formula cell is reported, kind "stale" where it has a result."""
    try:
        extent, merged = _fast(path, member, want_facts=True, want_extent=with_extent)
        return ScanResult(extent, SheetFacts([], merged), exact=False)
    except _NeedExact:
        extent, facts = _exact(path, member, columns, stale)
        return ScanResult(extent, facts, exact=True)


def extent(zf: zipfile.ZipFile, member: str) -> tuple[int, int] | None:
    """(rows, columns) the sheet's cells span from A1, before calamine builds its dense grid."""
    try:
        return _fast(zf, member, want_facts=False)[0]
    except _NeedExact:
        return _exact(zf, member, set())[0]


def sheet_facts(path: str, member: str, columns: set[int] | None) -> SheetFacts:
    """Boolean cells and formulas without a cached value in `columns` (all if None), and merged ranges."""
    return scan(path, member, columns).facts
