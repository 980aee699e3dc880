"""What an .xls stores that calamine hides: boolean cells, cached boolean/error formula results,
formulas whose cached result is empty (never computed: xlwt writes every formula so), merges.

A bounded reader of its own: the compound file (MS-CFB) down to the Workbook stream (BIFF8)
or Book stream (BIFF5), then the BIFF records — the globals substream for the sheet's
BOUNDSHEET offset, then that sheet's substream. xltools.cfb.read walks a directory tree
recursively without a visited set (fine for the add-in template it was written for, not
for hostile input), so this module does not use it. Every length and pointer is checked
against the data: a corrupt or truncated file raises ValueError (EncryptedError for a
FILEPASS record), never anything else, and no loop runs longer than the data it walks.
"""
from __future__ import annotations

import re
import struct
import sys
from array import array

from .errors import column_letter
from .stored import ERROR_TEXT, EncryptedError, SheetFacts, StoredCell

MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
ENDOFCHAIN, MAXREGSECT = 0xFFFFFFFE, 0xFFFFFFFA
STREAM, ROOT = 2, 5
NOSTREAM = 0xFFFFFFFF

BOF, EOF, FILEPASS, CODEPAGE, BOUNDSHEET = 0x0809, 0x000A, 0x002F, 0x0042, 0x0085
EXTERNSHEET, SUPBOOK, NAME = 0x0017, 0x01AE, 0x0018
FORMULA, BOOLERR, MERGEDCELLS, SHRFMLA, ARRAY = 0x0006, 0x0205, 0x00E5, 0x04BC, 0x0221
MAX_TEXT = 8192  # characters of formula text: Excel's own limit is 8192
_SHEET_RECORDS = frozenset({BOF, EOF, FILEPASS, FORMULA, BOOLERR, MERGEDCELLS, SHRFMLA, ARRAY})

# Built-in worksheet functions by index (ptgFunc/ptgFuncVar iftab); ":n" = fixed argument count.
_FUNCTIONS = """
0:COUNT 1:IF 2:ISNA:1 3:ISERROR:1 4:SUM 5:AVERAGE 6:MIN 7:MAX 8:ROW 9:COLUMN 10:NA:0 11:NPV
12:STDEV 13:DOLLAR 14:FIXED 15:SIN:1 16:COS:1 17:TAN:1 18:ATAN:1 19:PI:0 20:SQRT:1 21:EXP:1
22:LN:1 23:LOG10:1 24:ABS:1 25:INT:1 26:SIGN:1 27:ROUND:2 28:LOOKUP 29:INDEX 30:REPT:2 31:MID:3
32:LEN:1 33:VALUE:1 34:TRUE:0 35:FALSE:0 36:AND 37:OR 38:NOT:1 39:MOD:2 40:DCOUNT:3 41:DSUM:3
42:DAVERAGE:3 43:DMIN:3 44:DMAX:3 45:DSTDEV:3 46:VAR 47:DVAR:3 48:TEXT:2 49:LINEST 50:TREND
51:LOGEST 52:GROWTH 56:PV 57:FV 58:NPER 59:PMT 60:RATE 61:MIRR:3 62:IRR 63:RAND:0 64:MATCH
65:DATE:3 66:TIME:3 67:DAY:1 68:MONTH:1 69:YEAR:1 70:WEEKDAY 71:HOUR:1 72:MINUTE:1 73:SECOND:1
74:NOW:0 75:AREAS:1 76:ROWS:1 77:COLUMNS:1 78:OFFSET 82:SEARCH 83:TRANSPOSE:1 86:TYPE:1
97:ATAN2:2 98:ASIN:1 99:ACOS:1 100:CHOOSE 101:HLOOKUP 102:VLOOKUP 105:ISREF:1 109:LOG 111:CHAR:1
112:LOWER:1 113:UPPER:1 114:PROPER:1 115:LEFT 116:RIGHT 117:EXACT:2 118:TRIM:1 119:REPLACE:4
120:SUBSTITUTE 121:CODE:1 124:FIND 125:CELL 126:ISERR:1 127:ISTEXT:1 128:ISNUMBER:1
129:ISBLANK:1 130:T:1 131:N:1 140:DATEVALUE:1 141:TIMEVALUE:1 142:SLN:3 143:SYD:4 144:DDB
148:INDIRECT 162:CLEAN:1 163:MDETERM:1 164:MINVERSE:1 165:MMULT:2 167:IPMT 168:PPMT 169:COUNTA
183:PRODUCT 184:FACT:1 189:DPRODUCT:3 190:ISNONTEXT:1 193:STDEVP 194:VARP 195:DSTDEVP:3
196:DVARP:3 197:TRUNC 198:ISLOGICAL:1 199:DCOUNTA:3 204:USDOLLAR 205:FINDB 206:SEARCHB
207:REPLACEB:4 208:LEFTB 209:RIGHTB 210:MIDB:3 211:LENB:1 212:ROUNDUP:2 213:ROUNDDOWN:2
214:ASC:1 215:DBCS:1 216:RANK 219:ADDRESS 220:DAYS360 221:TODAY:0 222:VDB 227:MEDIAN
228:SUMPRODUCT 229:SINH:1 230:COSH:1 231:TANH:1 232:ASINH:1 233:ACOSH:1 234:ATANH:1 235:DGET:3
244:INFO:1 247:DB 252:FREQUENCY:2 261:ERROR.TYPE:1 269:AVEDEV 270:BETADIST 271:GAMMALN:1
272:BETAINV 273:BINOMDIST:4 274:CHIDIST:2 275:CHIINV:2 276:COMBIN:2 277:CONFIDENCE:3
278:CRITBINOM:3 279:EVEN:1 280:EXPONDIST:3 281:FDIST:3 282:FINV:3 283:FISHER:1 284:FISHERINV:1
285:FLOOR:2 286:GAMMADIST:4 287:GAMMAINV:3 288:CEILING:2 289:HYPGEOMDIST:4 290:LOGNORMDIST:3
291:LOGINV:3 292:NEGBINOMDIST:3 293:NORMDIST:4 294:NORMSDIST:1 295:NORMINV:3 296:NORMSINV:1
297:STANDARDIZE:3 298:ODD:1 299:PERMUT:2 300:POISSON:3 301:TDIST:3 302:WEIBULL:4 303:SUMXMY2:2
304:SUMX2MY2:2 305:SUMX2PY2:2 306:CHITEST:2 307:CORREL:2 308:COVAR:2 309:FORECAST:3 310:FTEST:2
311:INTERCEPT:2 312:PEARSON:2 313:RSQ:2 314:STEYX:2 315:SLOPE:2 316:TTEST:4 317:PROB 318:DEVSQ
319:GEOMEAN 320:HARMEAN 321:SUMSQ 322:KURT 323:SKEW 324:ZTEST 325:LARGE:2 326:SMALL:2
327:QUARTILE:2 328:PERCENTILE:2 329:PERCENTRANK 330:MODE 331:TRIMMEAN:2 332:TINV:2
336:CONCATENATE 337:POWER:2 342:RADIANS:1 343:DEGREES:1 344:SUBTOTAL 345:SUMIF 346:COUNTIF:2
347:COUNTBLANK:1 350:ISPMT:4 351:DATEDIF:3 354:ROMAN 358:GETPIVOTDATA 359:HYPERLINK
360:PHONETIC:1 361:AVERAGEA 362:MAXA 363:MINA 364:STDEVPA 365:VARPA 366:STDEVA 367:VARA
368:BAHTTEXT:1 379:RTD"""
FUNCTIONS: dict[int, tuple[str, int | None]] = {}
for _item in _FUNCTIONS.split():
    _num, _name, *_argc = _item.split(":")
    FUNCTIONS[int(_num)] = (_name, int(_argc[0]) if _argc else None)

_U16 = struct.Struct("<H").unpack_from
_HEAD = struct.Struct("<HH").unpack_from


def sheet_facts(path: str, sheet: str, columns: set[int] | None) -> SheetFacts:
    """The stored booleans, errors and uncomputed formulas of one sheet (only `columns`, all if None),
    and every merged range. ValueError (EncryptedError) on a corrupt (encrypted) file."""
    with open(path, "rb") as fh:
        data = fh.read()
    return facts_from_bytes(data, sheet, columns)


def facts_from_bytes(data: bytes, sheet: str, columns: set[int] | None) -> SheetFacts:
    try:
        book = _workbook_stream(data)
        return _Book(book).facts(sheet, columns)
    except (struct.error, LookupError, UnicodeDecodeError, OverflowError, RecursionError) as exc:
        raise ValueError(f"corrupt .xls: {type(exc).__name__}: {exc}") from None


# ---------------------------------------------------------------- compound file

def _u32s(buf) -> array:
    words = array("I")
    if words.itemsize != 4:  # pragma: no cover - every platform Python runs on has 4-byte unsigned int
        words = array("L")
    words.frombytes(bytes(buf[:len(buf) // 4 * 4]))
    if sys.byteorder == "big":  # pragma: no cover
        words.byteswap()
    return words


def _workbook_stream(data: bytes) -> bytes:
    """The Workbook (BIFF8) or Book (BIFF5) stream of the root storage."""
    if len(data) < 512 or data[:8] != MAGIC:
        raise ValueError("not a compound file (an .xls starts with the OLE2 signature)")
    major, _, shift, mini_shift = struct.unpack_from("<HHHH", data, 26)
    if shift not in (9, 12) or mini_shift != 6:
        raise ValueError(f"compound file with sector shift {shift} / mini sector shift {mini_shift}")
    size = 1 << shift
    n_sectors = max(0, -(-(len(data) - size) // size))
    per = size // 4
    first_dir, _, cutoff, first_minifat, _, first_difat, _ = struct.unpack_from("<IIIIIII", data, 48)

    def sector(s: int) -> bytes:
        if s >= n_sectors:
            raise ValueError(f"sector {s} lies beyond the end of the file (truncated?)")
        return data[size + s * size: size + (s + 1) * size]

    def chain(start: int, table, what: str) -> list[int]:
        out: list[int] = []
        n = len(table)
        while start != ENDOFCHAIN:
            if start >= n:
                raise ValueError(f"{what}: sector chain points outside the file")
            if len(out) >= n:
                raise ValueError(f"{what}: sector chain loops")
            out.append(start)
            start = table[start]
        return out

    # The FAT: header DIFAT entries, then DIFAT sectors; only as many FAT sectors as the file needs.
    difat = list(struct.unpack_from("<109I", data, 76))
    d, hops = first_difat, 0
    while d < MAXREGSECT and len(difat) < n_sectors + 109:
        hops += 1
        if hops > n_sectors:
            raise ValueError("DIFAT chain loops")
        words = _u32s(sector(d))
        if len(words) < per:
            raise ValueError("DIFAT sector truncated")
        difat.extend(words[:-1])
        d = words[-1]
    fat = array(_u32s(b"").typecode)
    for s in difat[:-(-n_sectors // per)]:
        if s >= MAXREGSECT:
            break
        fat.extend(_u32s(sector(s)))
    directory = b"".join(sector(s) for s in chain(first_dir, fat, "directory"))
    count = len(directory) // 128
    if count == 0:
        raise ValueError("compound file without a directory")

    def entry(i: int):
        raw = directory[i * 128:(i + 1) * 128]
        name_len, kind, _, left, right, child = struct.unpack_from("<HBBIII", raw, 64)
        start, length = struct.unpack_from("<IQ", raw, 116)
        if major == 3:
            length &= 0xFFFFFFFF
        name = raw[:max(0, min(name_len, 64) - 2)].decode("utf-16-le", "replace")
        return name, kind, left, right, child, start, length

    root = entry(0)
    if root[1] != ROOT:
        raise ValueError("compound file directory does not start with the root entry")
    found: dict[str, tuple] = {}
    stack, seen = [root[4]], set()
    while stack:
        i = stack.pop()
        if i == NOSTREAM or i in seen:
            continue
        if i >= count:
            raise ValueError("compound file directory points outside itself")
        seen.add(i)
        e = entry(i)
        stack += [e[2], e[3]]
        if e[1] == STREAM and e[0].lower() in ("workbook", "book"):
            found.setdefault(e[0].lower(), e)
    e = found.get("workbook") or found.get("book")
    if e is None:
        raise ValueError("no Workbook stream: not an Excel 97-2003 (.xls) workbook")
    start, length = e[5], e[6]
    if length < cutoff:
        container = b"".join(sector(s) for s in chain(root[5], fat, "mini stream"))[:root[6]]
        minifat = _u32s(b"".join(sector(s) for s in chain(first_minifat, fat, "mini FAT")))
        parts = []
        for s in chain(start, minifat, "Workbook stream"):
            if (s + 1) * 64 > len(container):
                raise ValueError("Workbook stream lies beyond the mini stream (truncated?)")
            parts.append(container[s * 64:(s + 1) * 64])
        blob = b"".join(parts)
    else:
        blob = b"".join(sector(s) for s in chain(start, fat, "Workbook stream"))
    if len(blob) < length:
        raise ValueError(f"Workbook stream has {len(blob)} of its {length} bytes (truncated?)")
    return blob[:length]


# ---------------------------------------------------------------- BIFF

_CODECS = {367: "ascii", 932: "cp932", 936: "gbk", 949: "cp949", 950: "cp950", 1200: "utf-16-le",
           10000: "mac_roman", 32768: "mac_roman", 32769: "cp1252"}
_BUILTIN_NAMES = {0: "Consolidate_Area", 1: "Auto_Open", 2: "Auto_Close", 3: "Extract", 4: "Database",
                  5: "Criteria", 6: "Print_Area", 7: "Print_Titles", 8: "Recorder", 9: "Data_Form",
                  10: "Auto_Activate", 11: "Auto_Deactivate", 12: "Sheet_Title", 13: "_FilterDatabase"}


class _Book:
    def __init__(self, wb: bytes):
        self.wb = wb
        if len(wb) < 8 or _U16(wb, 0)[0] != BOF:
            if len(wb) >= 2 and _U16(wb, 0)[0] in (0x0009, 0x0209, 0x0409):
                raise ValueError("BIFF2-4 workbook (Excel 2.x-4.x): not supported")
            raise ValueError("the Workbook stream does not start with a BOF record")
        self.biff8 = _U16(wb, 4)[0] != 0x0500
        self.codec = "cp1252"
        self.sheets: list[tuple[str, int]] = []   # (name, BOF offset) in BOUNDSHEET order
        self.xti: list[tuple[int, int, int]] = []
        self.supbook_self: list[bool] = []
        self.names: list[str] = []
        raw_sheets, raw_names = [], []
        pos, n = 0, len(wb)
        while True:
            if pos + 4 > n:
                raise ValueError("workbook globals end without an EOF record (truncated?)")
            typ, ln = _HEAD(wb, pos)
            body, pos = pos + 4, pos + 4 + ln
            if pos > n:
                raise ValueError("a record runs past the end of the Workbook stream (truncated?)")
            if typ == EOF:
                break
            if typ == FILEPASS:
                raise EncryptedError("the workbook is encrypted (FILEPASS record)")
            if typ == CODEPAGE and ln >= 2:
                cp = _U16(wb, body)[0]
                self.codec = _CODECS.get(cp, f"cp{cp}")
            elif typ == BOUNDSHEET and ln >= 7:
                raw_sheets.append((struct.unpack_from("<I", wb, body)[0], wb[body + 6:pos]))
            elif typ == EXTERNSHEET and self.biff8 and ln >= 2:
                k = min(_U16(wb, body)[0], (ln - 2) // 6)
                self.xti = [struct.unpack_from("<HHH", wb, body + 2 + 6 * j) for j in range(k)]
            elif typ == SUPBOOK:
                self.supbook_self.append(ln == 4 and wb[body + 2:body + 4] == b"\x01\x04")
            elif typ == NAME and ln >= 14:
                raw_names.append(wb[body:pos])
        try:
            "".encode(self.codec)
        except LookupError:
            self.codec = "cp1252"
        for ply, raw in raw_sheets:
            self.sheets.append((self._short_string(raw, 0)[0], ply))
        for raw in raw_names:
            self.names.append(self._name(raw))

    def _short_string(self, b: bytes, i: int) -> tuple[str, int]:
        """A ShortXLUnicodeString (BIFF8: count, flags, characters) or a BIFF5 byte string."""
        cch = b[i]
        if not self.biff8:
            return b[i + 1:i + 1 + cch].decode(self.codec, "replace"), i + 1 + cch
        if b[i + 1] & 1:
            return b[i + 2:i + 2 + 2 * cch].decode("utf-16-le", "replace"), i + 2 + 2 * cch
        return b[i + 2:i + 2 + cch].decode("latin-1"), i + 2 + cch

    def _name(self, b: bytes) -> str:
        grbit, _, cch = struct.unpack_from("<HBB", b, 0)
        if self.biff8:
            wide = b[14] & 1 if len(b) > 14 else 0
            raw = b[15:15 + cch * (2 if wide else 1)]
            text = raw.decode("utf-16-le" if wide else "latin-1", "replace")
        else:
            text = b[14:14 + cch].decode(self.codec, "replace")
        if grbit & 0x20 and text:
            return _BUILTIN_NAMES.get(ord(text[0]), text)
        return text

    def facts(self, sheet: str, columns: set[int] | None) -> SheetFacts:
        ply = next((p for name, p in self.sheets if name == sheet), None)
        if ply is None:
            raise ValueError(f"no sheet named {sheet!r} in the workbook")
        wb, n = self.wb, len(self.wb)
        if ply + 4 > n or _HEAD(wb, ply)[0] != BOF:
            raise ValueError(f"sheet {sheet!r}: its offset does not point at a BOF record")
        facts = SheetFacts()
        cells, merged = facts.cells, facts.merged
        pending: list[tuple[int, int, bytes]] = []       # formulas whose text is needed
        anchors: dict[tuple[int, int], tuple[bool, bytes]] = {}  # SHRFMLA/ARRAY: (is_array, rgce)
        interesting, head = _SHEET_RECORDS, _HEAD
        pos, depth = ply, 0
        while True:
            if pos + 4 > n:
                raise ValueError(f"sheet {sheet!r} ends without an EOF record (truncated?)")
            typ, ln = head(wb, pos)
            body = pos + 4
            pos = body + ln
            if typ not in interesting:
                continue
            if pos > n:
                raise ValueError(f"sheet {sheet!r}: a record runs past the end of the stream (truncated?)")
            if typ == BOF:
                depth += 1
                continue
            if typ == EOF:
                depth -= 1
                if depth <= 0:
                    break
                continue
            if depth != 1:  # an embedded chart's substream
                continue
            if typ == FORMULA:
                if ln < 22:
                    raise ValueError(f"sheet {sheet!r}: FORMULA record of {ln} bytes")
                row, col = head(wb, body)
                if (columns is not None and col not in columns) or wb[body + 12] != 0xFF or wb[body + 13] != 0xFF:
                    continue  # a cached number (calamine reads it) or a column not asked for
                what = wb[body + 6]
                if what == 1:
                    cells.append(StoredCell(row, col, "bool", "TRUE" if wb[body + 8] else "FALSE"))
                elif what == 2:
                    cells.append(StoredCell(row, col, "error", _error(wb[body + 8])))
                elif what == 3:
                    cce = _U16(wb, body + 20)[0]
                    pending.append((row, col, wb[body + 22:body + 22 + cce]))
            elif typ == BOOLERR:
                if ln < 8:
                    raise ValueError(f"sheet {sheet!r}: BOOLERR record of {ln} bytes")
                row, col = head(wb, body)
                if columns is None or col in columns:
                    value, is_error = wb[body + 6], wb[body + 7]
                    if is_error:
                        cells.append(StoredCell(row, col, "error", _error(value)))
                    else:
                        cells.append(StoredCell(row, col, "bool", "TRUE" if value else "FALSE"))
            elif typ == MERGEDCELLS:
                k = min(_U16(wb, body)[0], (ln - 2) // 8) if ln >= 2 else 0
                for j in range(k):
                    r0, r1, c0, c1 = struct.unpack_from("<HHHH", wb, body + 2 + 8 * j)
                    merged.append((r0, c0, r1, c1))
            elif typ in (SHRFMLA, ARRAY):
                at = 8 if typ == SHRFMLA else 12
                if ln >= at + 2:
                    r0, _, c0 = struct.unpack_from("<HHB", wb, body)
                    cce = _U16(wb, body + at)[0]
                    anchors.setdefault((r0, c0), (typ == ARRAY, wb[body + at + 2:body + at + 2 + cce]))
            elif typ == FILEPASS:
                raise EncryptedError("the workbook is encrypted (FILEPASS record)")
        for row, col, rgce in pending:
            cells.append(StoredCell(row, col, "formula", self.formula_text(rgce, row, col, anchors)))
        cells.sort(key=lambda c: (c.row, c.col))
        return facts

    # ------------------------------------------------------------ formula text

    def formula_text(self, rgce: bytes, row: int, col: int, anchors) -> str:
        """The formula as Excel shows it; "=?" where a token is beyond this decompiler."""
        try:
            if rgce[:1] == b"\x01" and len(rgce) >= 5:  # ptgExp: a shared or array formula's cell
                anchor = anchors.get((_U16(rgce, 1)[0], _U16(rgce, 3)[0]))
                if anchor is None:
                    return "=?"
                is_array, body = anchor
                text = "=" + self._decompile(body, row, col)
                return "{" + text + "}" if is_array else text
            return "=" + self._decompile(rgce, row, col)
        except (LookupError, ValueError, struct.error, UnicodeDecodeError, OverflowError):
            return "=?"

    def _decompile(self, b: bytes, row: int, col: int) -> str:
        st: list[str] = []
        i, n, b8 = 0, len(b), self.biff8
        while i < n:
            if st and len(st[-1]) > MAX_TEXT:  # hostile nesting would make the text quadratic
                raise ValueError("formula text too long")
            op = b[i]
            i += 1
            if op < 0x20:
                if op in _BINARY:
                    right, left = st.pop(), st.pop()
                    st.append(left + _BINARY[op] + right)
                elif op == 0x12:
                    st.append("+" + st.pop())
                elif op == 0x13:
                    st.append("-" + st.pop())
                elif op == 0x14:
                    st.append(st.pop() + "%")
                elif op == 0x15:
                    st.append("(" + st.pop() + ")")
                elif op == 0x16:
                    st.append("")
                elif op == 0x17:
                    s, i = self._short_string(b, i)
                    st.append('"' + s.replace('"', '""') + '"')
                elif op == 0x19:
                    flags, w = b[i], _U16(b, i + 1)[0]
                    i += 3
                    if flags & 0x04:
                        i += 2 * (w + 1)
                    elif flags & 0x10:
                        st.append("SUM(" + st.pop() + ")")
                elif op == 0x1C:
                    st.append(_error(b[i]))
                    i += 1
                elif op == 0x1D:
                    st.append("TRUE" if b[i] else "FALSE")
                    i += 1
                elif op == 0x1E:
                    st.append(str(_U16(b, i)[0]))
                    i += 2
                elif op == 0x1F:
                    st.append(f"{struct.unpack_from('<d', b, i)[0]:.15g}")
                    i += 8
                else:
                    raise ValueError(f"token {op:#04x}")
                continue
            if op >= 0x80:
                raise ValueError(f"token {op:#04x}")
            base = (op & 0x1F) | 0x20
            if base == 0x20:
                st.append("{…}")
                i += 7
            elif base == 0x21:
                name, argc = FUNCTIONS[_U16(b, i)[0]]
                i += 2
                if argc is None:
                    raise ValueError(f"{name} with an unknown argument count")
                st.append(self._call(st, name, argc))
            elif base == 0x22:
                argc, tab = b[i] & 0x7F, _U16(b, i + 1)[0] & 0x7FFF
                i += 3
                if tab == 255:  # a user-defined function: its name is the first argument
                    args = self._pop(st, argc)
                    st.append(args[0] + "(" + ",".join(args[1:]) + ")")
                else:
                    st.append(self._call(st, FUNCTIONS[tab][0], argc))
            elif base == 0x23:
                st.append(self.names[_U16(b, i)[0] - 1])
                i += 4 if b8 else 14
            elif base in (0x24, 0x2C):
                text, i = self._ref(b, i, row, col, base == 0x2C)
                st.append(text)
            elif base in (0x25, 0x2D):
                text, i = self._area(b, i, row, col, base == 0x2D)
                st.append(text)
            elif base in (0x26, 0x27, 0x28):
                i += 6  # ptgMemArea/MemErr/MemNoMem: the subexpression that follows gives the value
            elif base == 0x29:
                i += 2
            elif base == 0x2A:
                st.append("#REF!")
                i += 4 if b8 else 3
            elif base == 0x2B:
                st.append("#REF!")
                i += 8 if b8 else 6
            elif base in (0x3A, 0x3B, 0x3C, 0x3D):
                prefix, i = self._sheet_prefix(b, i)
                if base == 0x3A:
                    text, i = self._ref(b, i, row, col, False)
                elif base == 0x3B:
                    text, i = self._area(b, i, row, col, False)
                else:  # ptgRefErr3d / ptgAreaErr3d: a reference's bytes, pointing nowhere
                    text, i = "#REF!", i + _ERR3D_SIZE[base, b8]
                st.append(prefix + text)
            else:
                raise ValueError(f"token {op:#04x}")
        if len(st) != 1:
            raise ValueError("unbalanced formula")
        return st[0]

    @staticmethod
    def _pop(st: list[str], argc: int) -> list[str]:
        if argc > len(st):
            raise ValueError("formula stack underflow")
        args = st[len(st) - argc:]
        del st[len(st) - argc:]
        return args

    def _call(self, st: list[str], name: str, argc: int) -> str:
        return name + "(" + ",".join(self._pop(st, argc)) + ")"

    def _cell(self, b: bytes, i: int, row: int, col: int, relative: bool) -> tuple[int, int, bool, bool, int]:
        """One corner of a reference: (row, col, row relative, col relative, next offset)."""
        if self.biff8:
            rw, cf = struct.unpack_from("<HH", b, i)
            row_rel, col_rel, c, i = bool(cf & 0x8000), bool(cf & 0x4000), cf & 0x3FFF, i + 4
            if relative:
                if row_rel:
                    rw = (row + (rw - 0x10000 if rw & 0x8000 else rw)) & 0xFFFF
                if col_rel:
                    c = (col + ((c & 0xFF) - 0x100 if c & 0x80 else c & 0xFF)) & 0xFF
            return rw, c, row_rel, col_rel, i
        rw, c = struct.unpack_from("<HB", b, i)
        row_rel, col_rel, rw = bool(rw & 0x8000), bool(rw & 0x4000), rw & 0x3FFF
        if relative:
            if row_rel:
                rw = (row + (rw - 0x4000 if rw & 0x2000 else rw)) & 0x3FFF
            if col_rel:
                c = (col + (c - 0x100 if c & 0x80 else c)) & 0xFF
        return rw, c, row_rel, col_rel, i + 3

    def _ref(self, b, i, row, col, relative) -> tuple[str, int]:
        rw, c, row_rel, col_rel, i = self._cell(b, i, row, col, relative)
        return _a1(rw, c, row_rel, col_rel), i

    def _area(self, b, i, row, col, relative) -> tuple[str, int]:
        if self.biff8:
            r0, r1, f0, f1 = struct.unpack_from("<HHHH", b, i)
            first = struct.pack("<HH", r0, f0)
            last = struct.pack("<HH", r1, f1)
            size = 8
        else:
            r0, r1, c0, c1 = struct.unpack_from("<HHBB", b, i)
            first = struct.pack("<HB", r0, c0)
            last = struct.pack("<HB", r1, c1)
            size = 6
        a = self._cell(first, 0, row, col, relative)
        z = self._cell(last, 0, row, col, relative)
        max_row = 0xFFFF if self.biff8 else 0x3FFF
        if a[0] == 0 and z[0] == max_row:  # whole columns
            return f"{'' if a[3] else '$'}{column_letter(a[1])}:{'' if z[3] else '$'}{column_letter(z[1])}", i + size
        if a[1] == 0 and z[1] == 0xFF:  # whole rows
            return f"{'' if a[2] else '$'}{a[0] + 1}:{'' if z[2] else '$'}{z[0] + 1}", i + size
        return _a1(*a[:4]) + ":" + _a1(*z[:4]), i + size

    def _sheet_prefix(self, b: bytes, i: int) -> tuple[str, int]:
        if self.biff8:
            ixti = _U16(b, i)[0]
            book, first, last = self.xti[ixti]
            if book < len(self.supbook_self) and not self.supbook_self[book]:
                return "[external]!", i + 2
            i += 2
        else:
            ixals = struct.unpack_from("<h", b, i)[0]
            first, last = struct.unpack_from("<HH", b, i + 10)
            if ixals > 0:
                return "[external]!", i + 14
            i += 14
        if first >= len(self.sheets):
            return "#REF!", i
        names = self.sheets[first][0]
        if last != first and last < len(self.sheets):
            names += ":" + self.sheets[last][0]
        return _quote(names) + "!", i


_BINARY = {0x03: "+", 0x04: "-", 0x05: "*", 0x06: "/", 0x07: "^", 0x08: "&", 0x09: "<", 0x0A: "<=",
           0x0B: "=", 0x0C: ">=", 0x0D: ">", 0x0E: "<>", 0x0F: " ", 0x10: ",", 0x11: ":"}
_ERR3D_SIZE = {(0x3C, True): 4, (0x3C, False): 3, (0x3D, True): 8, (0x3D, False): 6}  # bytes after the sheet
_PLAIN_SHEET = re.compile(r"[^\W\d]\w*(:[^\W\d]\w*)?")


def _error(code: int) -> str:
    return ERROR_TEXT.get(code, f"#ERR{code}")


def _a1(row: int, col: int, row_rel: bool, col_rel: bool) -> str:
    return ("" if col_rel else "$") + column_letter(col) + ("" if row_rel else "$") + str(row + 1)


def _quote(name: str) -> str:
    return name if _PLAIN_SHEET.fullmatch(name) else "'" + name.replace("'", "''") + "'"
