"""scan_xls / scan_ods: the stored booleans, errors, value-less formulas and merges calamine hides.

Every input is written by a real writer (xlwt, LibreOffice) or, for the spellings of other
ODS writers, by hand as a real zip; each fact's position is checked against the position
fastexcel gives the same cell (header_row=None, skip_rows=0), which is how the reader joins them.
"""
from __future__ import annotations

import random
import struct
import time
import zipfile
from pathlib import Path

import fastexcel
import openpyxl
import pytest
import xlwt

from xltools import cfb, scan_ods, scan_xls
from xltools.stored import EncryptedError, SheetFacts, StoredCell


def fastexcel_cells(path, sheet) -> dict[tuple[int, int], object]:
    """(row, absolute col) -> the float fastexcel returns, or "err:<detail>" for a reported cell."""
    loaded = fastexcel.read_excel(str(path)).load_sheet(sheet, header_row=None, skip_rows=0, dtypes="float")
    table, errors = loaded.to_arrow_with_errors()
    absolute = [c.absolute_index for c in loaded.selected_columns]
    out: dict[tuple[int, int], object] = {}
    for i in range(table.num_columns):
        for r, v in enumerate(table.column(i).to_pylist()):
            if v is not None:
                out[(r, absolute[i])] = v
    for e in errors.errors if errors else []:
        out[(e.position[0], absolute[e.position[1]])] = "err:" + e.detail
    return out


def cells(*rows) -> list[StoredCell]:
    return [StoredCell(*r) for r in rows]


# ---------------------------------------------------------------- xls written by xlwt

@pytest.fixture(scope="module")
def xlwt_book(tmp_path_factory):
    """Leading empty rows and columns, booleans, error cells, formulas (xlwt stores no result), a merge."""
    path = tmp_path_factory.mktemp("xlwt") / "企业.xls"
    wb = xlwt.Workbook(encoding="utf-8")
    cover = wb.add_sheet("说明")
    cover.write(0, 0, True)
    ws = wb.add_sheet("企业数据")
    ws.write(2, 1, "名称")
    ws.write(2, 2, "产值")
    ws.write(2, 3, "利润")
    ws.write(3, 1, "甲")
    ws.write(3, 2, 12.5)
    ws.write(3, 3, True)
    ws.write(4, 1, "乙")
    ws.write(4, 2, False)
    ws.write(4, 3, xlwt.Formula("C4*2"))
    ws.row(5).set_cell_error(2, "#DIV/0!")
    ws.row(5).set_cell_error(3, 0x2A)
    ws.write(6, 2, xlwt.Formula("SUM(C4:C6)+ROUND($C$4,0)"))
    ws.write(6, 3, xlwt.Formula('IF(C4>0,"x",1)'))
    ws.write_merge(7, 8, 1, 3, "合计")
    ws.write_merge(9, 9, 2, 3, 7)
    ws.write(10, 5, True)
    wb.save(str(path))
    return path


XLWT_FACTS = cells(
    (3, 3, "bool", "TRUE"),
    (4, 2, "bool", "FALSE"),
    (4, 3, "formula", "=C4*2"),
    (5, 2, "error", "#DIV/0!"),
    (5, 3, "error", "#N/A"),
    (6, 2, "formula", "=SUM(C4:C6)+ROUND($C$4,0)"),
    (6, 3, "formula", '=IF(C4>0,"x",1)'),
    (10, 5, "bool", "TRUE"),
)


def test_xlwt_facts_and_merges(xlwt_book):
    facts = scan_xls.sheet_facts(str(xlwt_book), "企业数据", None)
    assert isinstance(facts, SheetFacts)
    assert facts.cells == XLWT_FACTS
    assert sorted(facts.merged) == [(7, 1, 8, 3), (9, 2, 9, 3)]


def test_xlwt_positions_are_fastexcels(xlwt_book):
    """Booleans come back from calamine as 1.0/0.0 unreported; xlwt's formulas (no stored result) as an
    empty string; error cells as reported errors: all at the positions the scan gives."""
    seen = fastexcel_cells(xlwt_book, "企业数据")
    assert seen[(3, 2)] == 12.5  # an anchor: the number next to the facts
    for cell in XLWT_FACTS:
        got = seen[(cell.row, cell.col)]
        if cell.kind == "bool":
            assert got == (1.0 if cell.text == "TRUE" else 0.0)
        elif cell.kind == "error":
            assert isinstance(got, str) and "Error(" in got
        else:
            assert got == "err:Expected float but got 'String(\"\")'"


def test_xlwt_columns_filter_and_other_sheet(xlwt_book):
    facts = scan_xls.sheet_facts(str(xlwt_book), "企业数据", {3, 5})
    assert facts.cells == [c for c in XLWT_FACTS if c.col in {3, 5}]
    assert len(facts.merged) == 2  # merges are never filtered
    assert scan_xls.sheet_facts(str(xlwt_book), "企业数据", set()).cells == []
    assert scan_xls.sheet_facts(str(xlwt_book), "说明", None).cells == cells((0, 0, "bool", "TRUE"))
    with pytest.raises(ValueError, match="no sheet named"):
        scan_xls.sheet_facts(str(xlwt_book), "企业", None)


def test_xls_formula_text(tmp_path):
    """The formula text of an uncomputed formula, as Excel shows it, from xlwt's token arrays."""
    formulas = ["SUM(A1:B65536)+SUM(A2:IV3)", "SUM('Data 2'!A1:B3)-1.5%",
                'IF(AND(A1>1,NOT(A2)),"a"&"b",MAX(1,2,3))', "$A$1+A$2+$A3", "ROUND(企业!C4/3,2)"]
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("S")
    wb.add_sheet("Data 2")
    wb.add_sheet("企业")
    for r, f in enumerate(formulas):
        ws.write(r, 0, xlwt.Formula(f))
    path = tmp_path / "formulas.xls"
    wb.save(str(path))
    texts = [c.text for c in scan_xls.sheet_facts(str(path), "S", None).cells]
    assert texts == ["=SUM(A:B)+SUM(2:3)", "=SUM('Data 2'!A1:B3)-1.5%",
                     '=IF(AND(A1>1,NOT(A2)),"a"&"b",MAX(1,2,3))', "=$A$1+A$2+$A3", "=ROUND(企业!C4/3,2)"]


# ---------------------------------------------------------------- LibreOffice: xls and ods

@pytest.fixture(scope="module")
def lo_books(libreoffice, tmp_path_factory):
    """One openpyxl workbook converted by LibreOffice to .xls and .ods (cached results written by LO)."""
    base = tmp_path_factory.mktemp("lo")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "企业"
    other = wb.create_sheet("其他 表")
    other["A1"] = 5
    ws["C3"], ws["D3"], ws["E3"] = "名称", "产值", "标志"
    ws["C4"], ws["D4"], ws["E4"] = "甲", 1.5, True
    ws["C5"], ws["D5"], ws["E5"] = "乙", "=1/0", False
    ws["C6"], ws["D6"], ws["E6"] = "丙", "=1>0", "=NA()"
    ws["C7"], ws["D7"], ws["E7"] = "丁", "=SUM(D4:D4)*2", "='其他 表'!A1+$D$4"
    ws["C8"], ws["D8"] = "戊", '=IF(D4>0,"",1)'
    ws["D9"] = 3
    ws.merge_cells("D9:E10")
    for r in range(11, 15):  # filled down: LibreOffice writes one shared formula for the .xls
        ws[f"E{r}"] = f'=IF(D$4>0,"",E{r - 1})'
    xlsx = base / "lo.xlsx"
    wb.save(xlsx)
    return {"xls": libreoffice.convert(xlsx, base / "out", "xls"),
            "ods": libreoffice.convert(xlsx, base / "out", "ods")}


LO_FACTS = cells(
    (3, 4, "bool", "TRUE"),
    (4, 3, "error", "#DIV/0!"),
    (4, 4, "bool", "FALSE"),
    (5, 3, "bool", "TRUE"),
    (5, 4, "error", "#N/A"),
    (7, 3, "formula", '=IF(D4>0,"",1)'),
    *[(r - 1, 4, "formula", f'=IF(D$4>0,"",E{r - 1})') for r in range(11, 15)],
)


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_libreoffice_facts(lo_books, kind):
    module = scan_xls if kind == "xls" else scan_ods
    facts = module.sheet_facts(str(lo_books[kind]), "企业", None)
    assert facts.cells == LO_FACTS
    assert facts.merged == [(8, 3, 9, 4)]
    assert module.sheet_facts(str(lo_books[kind]), "企业", {3}).cells == [c for c in LO_FACTS if c.col == 3]
    assert module.sheet_facts(str(lo_books[kind]), "其他 表", None) == SheetFacts([], [])


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_libreoffice_positions_are_fastexcels(lo_books, kind):
    """What calamine makes of each fact, at the scan's position: the holes the scan fills."""
    seen = fastexcel_cells(lo_books[kind], "企业")
    assert seen[(3, 3)] == 1.5 and seen[(8, 3)] == 3.0  # anchors beside the facts
    for cell in LO_FACTS:
        got = seen.get((cell.row, cell.col))
        if cell.kind == "bool":  # a boolean cell or a formula's cached boolean: a silent 1.0/0.0
            assert got == (1.0 if cell.text == "TRUE" else 0.0), cell
        elif cell.kind == "error":
            # .xls: calamine reports the cached error; .ods (LibreOffice): an empty string
            calamine = {"#DIV/0!": "Error(Div0)", "#N/A": "Error(NA)"}[cell.text] if kind == "xls" else 'String("")'
            assert got == f"err:Expected float but got '{calamine}'", cell
        else:  # a formula whose result is "": an empty string in .xls, nothing at all in .ods
            assert got == ("err:Expected float but got 'String(\"\")'" if kind == "xls" else None), cell


# ---------------------------------------------------------------- hand-written ods (other writers' spellings)

NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
      'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
      'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
      'xmlns:of="urn:oasis:names:tc:opendocument:xmlns:of:1.2" '
      'xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"')
MANIFEST_NS = "urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"


def write_ods(path, tables: dict[str, str], *, encrypted=False, prefixes=None) -> str:
    """A real .ods zip: mimetype stored first, content.xml, META-INF/manifest.xml."""
    body = "".join(f'<table:table table:name="{name}">{rows}</table:table>' for name, rows in tables.items())
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {NS} office:version="1.2">'
               f"<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>")
    if prefixes:  # the same namespaces under other prefixes: names are matched by URI
        for old, new in prefixes.items():
            content = content.replace(f"xmlns:{old}=", f"xmlns:{new}=").replace(f"<{old}:", f"<{new}:") \
                .replace(f"</{old}:", f"</{new}:").replace(f" {old}:", f" {new}:")
    crypt = ('<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA">'
             '<manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="AAAA"/>'
             '<manifest:key-derivation manifest:key-derivation-name="PBKDF2" manifest:iteration-count="1024" '
             'manifest:salt="AAAA"/></manifest:encryption-data>') if encrypted else ""
    manifest = (f'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="{MANIFEST_NS}" '
                'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                f'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">{crypt}'
                "</manifest:file-entry></manifest:manifest>")
    with zipfile.ZipFile(path, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return str(path)


def cell(attrs="", text=None, tag="table-cell"):
    inner = f"<text:p>{text}</text:p>" if text is not None else ""
    return f"<table:{tag} {attrs}>{inner}</table:{tag}>"


def row(*cells_, attrs=""):
    return f"<table:table-row {attrs}>{''.join(cells_)}</table:table-row>"


GAP2 = cell('table:number-columns-repeated="2"')
OTHER_WRITERS = "".join([
    row(cell('table:number-columns-repeated="5"'), attrs='table:number-rows-repeated="2"'),
    row(GAP2, cell('office:value-type="string"', "名称"), cell('office:value-type="float" office:value="2"', "2")),
    # an error result spelled as float 0 (calamine: 0.0), a plain boolean (calamine: 1.0)
    row(GAP2, cell('table:formula="of:=1/0" office:value-type="float" office:value="0" calcext:value-type="error"',
                   "#DIV/0!"),
        cell('office:value-type="boolean" office:boolean-value="true"', "TRUE")),
    # a formula with no value (calamine: nothing), repeated over two rows; a boolean over two columns
    row(GAP2, cell('table:formula="of:=SUM([.D3:.D4];[$&apos;其他 表&apos;.A1])"'),
        cell('office:value-type="boolean" office:boolean-value="false" table:number-columns-repeated="2"'),
        attrs='table:number-rows-repeated="2"'),
    # a merge over a covered cell that still holds a boolean (calamine reads it: 1.0)
    row(GAP2, cell('office:value-type="float" office:value="5" table:number-columns-spanned="2" '
                   'table:number-rows-spanned="2"', "5"),
        cell('office:value-type="boolean" office:boolean-value="true"', tag="covered-table-cell")),
    row(GAP2, cell('table:number-columns-repeated="2"', tag="covered-table-cell"),
        cell('office:value-type="float" office:value="6"', "6")),
    # what LibreOffice leaves at the end of a sheet: must not be walked cell by cell
    row(cell('table:number-columns-repeated="16384"'), attrs='table:number-rows-repeated="1048569"'),
])
OTHER_FACTS = cells(
    (3, 2, "error", "#DIV/0!"),
    (3, 3, "bool", "TRUE"),
    (4, 2, "formula", "=SUM(D3:D4,'其他 表'!A1)"),
    (4, 3, "bool", "FALSE"),
    (4, 4, "bool", "FALSE"),
    (5, 2, "formula", "=SUM(D3:D4,'其他 表'!A1)"),
    (5, 3, "bool", "FALSE"),
    (5, 4, "bool", "FALSE"),
    (6, 3, "bool", "TRUE"),
)


def test_ods_other_writers_spellings(tmp_path):
    path = write_ods(tmp_path / "other.ods", {"封面": row(cell('office:value-type="boolean" '
                                                               'office:boolean-value="true"')),
                                               "企业": OTHER_WRITERS})
    started = time.perf_counter()
    facts = scan_ods.sheet_facts(path, "企业", None)
    assert time.perf_counter() - started < 1.0
    assert facts.cells == OTHER_FACTS
    assert facts.merged == [(6, 2, 7, 3)]
    assert scan_ods.sheet_facts(path, "企业", {4}).cells == [c for c in OTHER_FACTS if c.col == 4]
    assert scan_ods.sheet_facts(path, "封面", None).cells == cells((0, 0, "bool", "TRUE"))
    seen = fastexcel_cells(path, "企业")
    assert seen[(2, 3)] == 2.0 and seen[(7, 4)] == 6.0  # anchors: positions agree around the facts
    assert [seen.get((c.row, c.col)) for c in OTHER_FACTS] == [0.0, 1.0, None, 0.0, 0.0, None, 0.0, 0.0, 1.0]


def test_ods_namespaces_by_uri_not_prefix(tmp_path):
    path = write_ods(tmp_path / "prefixes.ods", {"企业": OTHER_WRITERS},
                     prefixes={"table": "t", "office": "o", "calcext": "ce"})
    assert scan_ods.sheet_facts(path, "企业", None).cells == OTHER_FACTS


def test_ods_huge_repeats_are_bounded(tmp_path):
    """A boolean repeated over every column of every row: refused quickly, not expanded to 17 billion."""
    huge = row(cell('office:value-type="boolean" office:boolean-value="true" table:number-columns-repeated="16384"'),
               attrs='table:number-rows-repeated="1048576"')
    path = write_ods(tmp_path / "huge.ods", {"S": huge})
    started = time.perf_counter()
    with pytest.raises(ValueError, match="more than"):
        scan_ods.sheet_facts(path, "S", None)
    assert time.perf_counter() - started < 20


def test_ods_encrypted_and_corrupt(tmp_path):
    path = write_ods(tmp_path / "secret.ods", {"S": OTHER_WRITERS}, encrypted=True)
    with pytest.raises(EncryptedError):
        scan_ods.sheet_facts(path, "S", None)
    good = write_ods(tmp_path / "good.ods", {"S": OTHER_WRITERS})
    data = Path(good).read_bytes()
    (tmp_path / "cut.ods").write_bytes(data[:len(data) // 2])
    (tmp_path / "text.ods").write_bytes(b"not a zip at all")
    with zipfile.ZipFile(tmp_path / "badxml.ods", "w") as z:
        z.writestr("content.xml", f"<office:document-content {NS}><table:table table:name='S'><table:table-row>")
    with zipfile.ZipFile(tmp_path / "nocontent.ods", "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
    with zipfile.ZipFile(tmp_path / "encoding.ods", "w") as z:  # an XML declaration naming no codec
        z.writestr("content.xml", f'<?xml version="1.0" encoding="UTF-99"?><office:document-content {NS}/>')
    bad_count = write_ods(tmp_path / "count.ods", {"S": row(cell('table:number-columns-repeated="many"'))})
    for name in ("cut.ods", "text.ods", "badxml.ods", "nocontent.ods", "encoding.ods", bad_count):
        with pytest.raises(ValueError) as info:
            scan_ods.sheet_facts(str(tmp_path / name), "S", None)
        assert type(info.value) is ValueError
    with pytest.raises(ValueError, match="no sheet named"):
        scan_ods.sheet_facts(good, "T", None)


# ---------------------------------------------------------------- xls: encrypted, corrupt, hostile, fast

def _workbook_of(path) -> bytes:
    return cfb.read(Path(path).read_bytes())["Workbook"]


def _records(stream: bytes):
    pos = 0
    while pos + 4 <= len(stream):
        typ, ln = struct.unpack_from("<HH", stream, pos)
        yield pos, typ, ln
        pos += 4 + ln


def test_xls_encrypted(xlwt_book, tmp_path):
    """A FILEPASS record (RC4 CryptoAPI header) right after the globals' BOF, as Excel writes it."""
    stream = _workbook_of(xlwt_book)
    bof_end = 4 + struct.unpack_from("<H", stream, 2)[0]
    filepass = struct.pack("<HHHH", 0x002F, 6, 1, 2) + b"\x02\x00"
    path = tmp_path / "secret.xls"
    path.write_bytes(cfb.write({"Workbook": stream[:bof_end] + filepass + stream[bof_end:]}))
    with pytest.raises(EncryptedError, match="encrypted"):
        scan_xls.sheet_facts(str(path), "企业数据", None)
    assert issubclass(EncryptedError, ValueError)


def _rec(typ: int, payload: bytes) -> bytes:
    return struct.pack("<HH", typ, len(payload)) + payload


def _tiny_book(biff8: bool) -> bytes:
    """A minimal BIFF8 (or BIFF5, GBK sheet name) stream: one sheet with a boolean cell and a
    formula whose cached result is #DIV/0!. Small enough to live in the compound file's mini stream."""
    if biff8:
        bof = lambda dt: _rec(0x0809, struct.pack("<HHHHII", 0x0600, dt, 0, 0, 0, 0))  # noqa: E731
        name = "企业".encode("utf-16-le")
        sheet_name = bytes([2, 1]) + name
        codepage = 1200
    else:
        bof = lambda dt: _rec(0x0809, struct.pack("<HHHH", 0x0500, dt, 0, 0))  # noqa: E731
        sheet_name = bytes([4]) + "企业".encode("gbk")
        codepage = 936
    sheet = (bof(0x10)
             + _rec(0x0205, struct.pack("<HHHBB", 0, 0, 15, 1, 0))
             + _rec(0x0006, struct.pack("<HHH", 1, 1, 15) + bytes([2, 0, 7, 0, 0, 0, 0xFF, 0xFF])
                    + struct.pack("<HIH", 0, 0, 3) + b"\x1e\x00\x00")
             + _rec(0x0205, struct.pack("<HHHBB", 2, 1, 15, 0x17, 1))
             + _rec(0x000A, b""))
    head = bof(0x05) + _rec(0x0042, struct.pack("<H", codepage))
    boundsheet_len = 4 + 6 + len(sheet_name)
    offset = len(head) + boundsheet_len + 4
    return head + _rec(0x0085, struct.pack("<IBB", offset, 0, 0) + sheet_name) + _rec(0x000A, b"") + sheet


@pytest.mark.parametrize("biff8", [True, False], ids=["BIFF8", "BIFF5"])
def test_xls_mini_stream_and_biff5(tmp_path, biff8):
    """A Workbook stream under 4096 bytes lives in the mini stream (LibreOffice's small files do too);
    a BIFF5 Book stream names its sheets in the workbook's code page."""
    path = tmp_path / "tiny.xls"
    path.write_bytes(cfb.write({"Workbook" if biff8 else "Book": _tiny_book(biff8)}))
    assert scan_xls.sheet_facts(str(path), "企业", None).cells == cells(
        (0, 0, "bool", "TRUE"), (1, 1, "error", "#DIV/0!"), (2, 1, "error", "#REF!"))


def test_xls_truncated_and_not_xls(xlwt_book, tmp_path):
    data = Path(xlwt_book).read_bytes()
    for cut in (0, 100, 511, 512, 1024, len(data) // 3, len(data) // 2, len(data) - 512):
        bad = tmp_path / f"cut{cut}.xls"
        bad.write_bytes(data[:cut])
        with pytest.raises(ValueError):
            scan_xls.sheet_facts(str(bad), "企业数据", None)
    # xlwt ends the file with the directory sector, whose last entry is unused: one byte less loses nothing
    assert scan_xls.facts_from_bytes(data[:-1], "企业数据", None).cells == XLWT_FACTS
    text = tmp_path / "text.xls"
    text.write_text("名称,产值\n甲,1\n", encoding="gbk")
    with pytest.raises(ValueError, match="not a compound file"):
        scan_xls.sheet_facts(str(text), "企业数据", None)
    xlsx = tmp_path / "book.xls"
    openpyxl.Workbook().save(xlsx)
    with pytest.raises(ValueError):
        scan_xls.sheet_facts(str(xlsx), "Sheet", None)


def test_xls_hostile_structures(xlwt_book):
    """Loops and lengths that point nowhere: each an English ValueError, at once."""
    data = bytearray(Path(xlwt_book).read_bytes())
    stream = _workbook_of(xlwt_book)
    # 1. the FAT chain of the directory points to itself
    first_dir = struct.unpack_from("<I", data, 48)[0]
    fat_sector = struct.unpack_from("<I", data, 76)[0]
    looped = bytearray(data)
    struct.pack_into("<I", looped, 512 + fat_sector * 512 + 4 * first_dir, first_dir)
    # 2. the Workbook's directory entry names itself as its left, right and child sibling
    dir_off = 512 + first_dir * 512
    cyclic = bytearray(data)
    for i in range(1, len(data[dir_off:dir_off + 512]) // 128):
        if cyclic[dir_off + 128 * i + 66] == 2:  # a stream entry
            struct.pack_into("<III", cyclic, dir_off + 128 * i + 68, i, i, i)
    # 3. a record length running past the end of the stream, inside the sheet
    sheet_bof = next(struct.unpack_from("<I", stream, pos + 4)[0] for pos, typ, _ in _records(stream)
                     if typ == 0x0085 and stream[pos + 4 + 8:pos + 4 + 8 + 4] == "企业".encode("utf-16-le"))
    long_record = bytearray(stream)
    struct.pack_into("<H", long_record, sheet_bof + 2, 0xFFFF)
    # 4. a sheet without its EOF
    no_eof = bytes(stream).replace(b"\x0a\x00\x00\x00", b"\x0b\x00\x00\x00")
    started = time.perf_counter()
    assert scan_xls.facts_from_bytes(bytes(cyclic), "企业数据", None).cells == XLWT_FACTS
    assert time.perf_counter() - started < 1
    cases = [bytes(looped), cfb.write({"Workbook": bytes(long_record)}),
             cfb.write({"Workbook": no_eof}), cfb.write({"Book": b"\x09\x08\x02\x00"})]
    for blob in cases:
        started = time.perf_counter()
        with pytest.raises(ValueError) as info:
            scan_xls.facts_from_bytes(blob, "企业数据", None)
        assert time.perf_counter() - started < 1
        assert type(info.value) is ValueError and info.value.args[0].replace("企业数据", "").isascii()


def test_xls_fuzzed_bytes_raise_only_value_error(xlwt_book):
    """Random byte damage: facts or a ValueError, never another exception, never a hang."""
    data = Path(xlwt_book).read_bytes()
    rnd = random.Random(20240611)
    started = time.perf_counter()
    outcomes = {"facts": 0, "ValueError": 0}
    for _ in range(400):
        blob = bytearray(data)
        for _ in range(rnd.choice((1, 2, 8, 32))):
            blob[rnd.randrange(len(blob))] = rnd.randrange(256)
        try:
            scan_xls.facts_from_bytes(bytes(blob), "企业数据", {2, 3})
            outcomes["facts"] += 1
        except ValueError:
            outcomes["ValueError"] += 1
    assert sum(outcomes.values()) == 400
    assert time.perf_counter() - started < 30


def test_xls_60000_rows_fast(tmp_path):
    """The largest sheet an .xls holds, near enough: 60 000 rows x 20 columns in well under 1.5 s."""
    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet("企业")
    rnd = random.Random(1)
    for r in range(60_000):
        line = ws.row(r)
        line.set_cell_text(0, f"企业{r}")
        for c in range(1, 20):
            if c == 5 and r % 1000 == 7:
                line.set_cell_boolean(c, True)
            else:
                line.set_cell_number(c, rnd.random() * 1000)
        if r % 1000 == 0:
            ws.flush_row_data()
    path = tmp_path / "big.xls"
    wb.save(str(path))
    best = min(_timed(lambda: scan_xls.sheet_facts(str(path), "企业", None)) for _ in range(2))
    facts = scan_xls.sheet_facts(str(path), "企业", {5})
    assert facts.cells == [StoredCell(r, 5, "bool", "TRUE") for r in range(7, 60_000, 1000)]
    assert best < 1.5, f"{best:.2f} s"


def _timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started
