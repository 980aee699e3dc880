"""scan_xlsx against real files and rewritten spellings of the same sheet, checked with fastexcel."""
from __future__ import annotations

import re
import time
import zipfile

import fastexcel
import openpyxl
import pytest

from xltools import scan_xlsx
from xltools.stored import StoredCell

SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"


def rewrite(src, dst, fn, member=SHEET):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == member:
                data = fn(data.decode()).encode()
            zout.writestr(info.filename, data)
    return str(dst)


def with_sheetdata(src, dst, body):
    return rewrite(src, dst, lambda s: re.sub(r"<sheetData>.*</sheetData>|<sheetData/>", lambda _: body, s, flags=re.S))


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """Labels, numbers, booleans, a formula openpyxl writes without a cached value, merged cells."""
    d = tmp_path_factory.mktemp("scan")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["地区", "企业", "产值", "利润"])
    ws.append(["甲区", "一厂", 1.5, 2])
    ws.append([None, "二厂", True, 3])
    ws.append([None, "三厂", "=C2*2", False])
    ws.append(["乙区", "四厂", 7, "=SUM(D2:D3)"])
    ws.merge_cells("A2:A4")
    ws.merge_cells("E1:F1")
    path = d / "base.xlsx"
    wb.save(path)
    # The <f> cells come without <v>; give one of them an empty <v></v> as other writers do.
    return rewrite(path, d / "base2.xlsx", lambda s: s.replace("<f>C2*2</f>", "<f>C2*2</f><v></v>", 1))


def _strip_r(s):
    s = re.sub(r'(<c\b[^>]*?)\s+r="[A-Z]+\d+"', r"\1", s)
    return re.sub(r'(<row\b[^>]*?)\s+r="\d+"', r"\1", s)


def _prefix(s):
    s = re.sub(r"<(/?)(worksheet|sheetData|row|c|v|f|is|t|mergeCells|mergeCell|dimension|sheetViews|sheetView|"
               r"selection|sheetFormatPr|cols|col|pageMargins|sheetPr|outlinePr|pageSetUpPr)(?=[\s/>])", r"<\1x:\2", s)
    return s.replace(f'xmlns="{MAIN}"', f'xmlns:x="{MAIN}"')


def _t_first(s):
    return re.sub(r'<c r="([A-Z]+\d+)"((?: [a-z]+="[^"]*")*?) t="([a-zA-Z]+)"', r'<c t="\3"\2 r="\1"', s)


VARIANTS = {
    "plain": lambda s: s,
    "prefix": _prefix,
    "strict": lambda s: _prefix(s).replace(MAIN, STRICT),
    "t_before_r": _t_first,
    "no_r": _strip_r,
    "single_quotes": lambda s: re.sub(r'="([^"]*)"', r"='\1'", s.split("?>", 1)[1]) if "?>" in s
    else re.sub(r'="([^"]*)"', r"='\1'", s),
    "spaces_around_eq": lambda s: re.sub(r'(<[^>]*?) ([a-zA-Z:]+)="', lambda m: m.group(0).replace('="', ' = "'), s),
}


def fastexcel_facts(path):
    """(row, col) of the booleans fastexcel reads (with their values), and of its empty cells."""
    # As text, calamine writes its booleans "true"/"false" (no such strings in these sheets).
    sheet = fastexcel.read_excel(path).load_sheet(0, header_row=None, dtypes="string")
    table = sheet.to_arrow()
    bools, nulls = {}, set()
    for j, name in enumerate(table.column_names):
        for i, v in enumerate(table.column(name).to_pylist()):
            if v in ("true", "false"):
                bools[(i, j)] = v == "true"
            elif v is None:
                nulls.add((i, j))
    return bools, nulls


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_variants_find_the_cells_fastexcel_sees(base, tmp_path, variant):
    path = rewrite(base, tmp_path / f"{variant}.xlsx", VARIANTS[variant])
    result = scan_xlsx.scan(path, SHEET, None)
    assert result.exact
    bools = {(c.row, c.col): c.text for c in result.facts.cells if c.kind == "bool"}
    formulas = {(c.row, c.col): c.text for c in result.facts.cells if c.kind == "formula"}
    seen_bools, seen_nulls = fastexcel_facts(path)
    assert {k: ("TRUE" if v else "FALSE") for k, v in seen_bools.items()} == bools
    assert set(formulas) <= seen_nulls and len(formulas) == 2  # calamine reads them as empty
    # With a float dtype the boolean is silently a number, which is why these cells are needed.
    (brow, bcol), = [k for k, v in bools.items() if v == "TRUE"]
    sheet = fastexcel.read_excel(path).load_sheet(0, header_row=None, dtypes={bcol: "float"})
    assert sheet.to_arrow().column(bcol).to_pylist()[brow] == 1.0
    if variant == "no_r":  # openpyxl leaves out the empty A3 and A4: without r, their rows shift left
        assert bools == {(2, 1): "TRUE", (3, 2): "FALSE"}
        assert formulas == {(3, 1): "=C2*2", (4, 3): "=SUM(D2:D3)"}
    else:
        assert bools == {(2, 2): "TRUE", (3, 3): "FALSE"}
        assert formulas == {(3, 2): "=C2*2", (4, 3): "=SUM(D2:D3)"}
    assert sorted(result.facts.merged) == [(0, 4, 0, 5), (1, 0, 3, 0)]
    assert result.extent == (5, 4)
    assert scan_xlsx.extent(zipfile.ZipFile(path), SHEET) == (5, 4)
    only_d = scan_xlsx.sheet_facts(path, SHEET, {3})
    assert [(c.row, c.col, c.kind) for c in only_d.cells] == [(r, c, k) for (r, c), k in sorted(
        {**{k: "bool" for k in bools}, **{k: "formula" for k in formulas}}.items()) if c == 3]


def test_plain_sheet_is_screened_without_the_exact_parse(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for i in range(300):
        ws.append([f"企业{i}", i * 1.5, i, "b", "f"])  # the bytes b and f in shared strings only
    ws.merge_cells("A1:B1")
    path = tmp_path / "plain.xlsx"
    wb.save(path)
    before = scan_xlsx.exact_parses
    result = scan_xlsx.scan(str(path), SHEET, None)
    assert not result.exact and scan_xlsx.exact_parses == before
    assert result.facts.cells == [] and result.facts.merged == [(0, 0, 0, 1)]
    assert result.extent == (300, 5)
    t = fastexcel.read_excel(str(path)).load_sheet(0, header_row=None).to_arrow()
    assert (t.num_rows, t.num_columns) == result.extent


def _raw_sheet(tmp_path, name, rows_xml, dimension='<dimension ref="A1:C50000"/>'):
    """A workbook whose sheet XML is written directly (openpyxl is far too slow for 50 000 rows)."""
    wb = openpyxl.Workbook()
    wb.active["A1"] = 1
    src = tmp_path / "src.xlsx"
    wb.save(src)
    head = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">'
            f"{dimension}<sheetData>")
    return rewrite(src, tmp_path / name, lambda _s: head + rows_xml + "</sheetData></worksheet>")


def _rows(n, extra=""):
    return "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c><c r="B{i}"><v>1.5</v></c>'
                   f'<c r="C{i}" t="inlineStr"><is><t>x</t></is></c>{extra if i == 777 else ""}</row>'
                   for i in range(1, n + 1))


def test_extent_stray_cell_in_xfd_of_a_50000_row_sheet(tmp_path):
    path = _raw_sheet(tmp_path, "stray.xlsx", _rows(50000, '<c r="XFD777"><v>9</v></c>'))
    t = time.perf_counter()
    assert scan_xlsx.extent(zipfile.ZipFile(path), SHEET) == (50000, 16384)
    assert time.perf_counter() - t < 5
    assert scan_xlsx.scan(path, SHEET, None).extent == (50000, 16384)


def test_extent_out_of_order_row_and_lying_or_missing_dimension(tmp_path):
    body = _rows(2000).replace('<row r="5">', '<row r="5"><c r="A90000"><v>1</v></c>', 1)
    lying = _raw_sheet(tmp_path, "lying.xlsx", body, '<dimension ref="A1:B2"/>')
    assert scan_xlsx.extent(zipfile.ZipFile(lying), SHEET) == (90000, 3)
    missing = _raw_sheet(tmp_path, "nodim.xlsx", _rows(2000), "")
    assert scan_xlsx.extent(zipfile.ZipFile(missing), SHEET) == (2000, 3)
    t = fastexcel.read_excel(missing).load_sheet(0, header_row=None).to_arrow()
    assert (t.num_rows, t.num_columns) == (2000, 3)
    empty = _raw_sheet(tmp_path, "empty.xlsx", "")
    assert scan_xlsx.extent(zipfile.ZipFile(empty), SHEET) is None


@pytest.mark.parametrize("ref", ["AAAAAAAAA1", "XFE1", "A1048577", "A0", "1A"])
def test_references_beyond_xfd_or_malformed_are_value_errors(tmp_path, ref):
    path = _raw_sheet(tmp_path, "bad.xlsx", _rows(3000).replace('r="B2"', f'r="{ref}"', 1))
    t = time.perf_counter()
    with pytest.raises(ValueError, match="reference"):
        scan_xlsx.extent(zipfile.ZipFile(path), SHEET)
    with pytest.raises(ValueError):
        scan_xlsx.scan(path, SHEET, None)
    assert time.perf_counter() - t < 5


def test_rless_cells_are_positioned_like_calamine(tmp_path):
    body = ('<row><c><v>1</v></c><c t="b"><v>1</v></c></row><row><c/><c><f>1+2</f></c></row>'
            '<row r="5"><c t="b"><v>0</v></c></row><row/><row><c r="C7"><v>5</v></c><c t="b"><v>1</v></c></row>')
    path = _raw_sheet(tmp_path, "rless.xlsx", body, "")
    result = scan_xlsx.scan(path, SHEET, None)
    assert result.facts.cells == [StoredCell(0, 1, "bool", "TRUE"), StoredCell(1, 1, "formula", "=1+2"),
                                  StoredCell(4, 0, "bool", "FALSE"), StoredCell(6, 3, "bool", "TRUE")]
    bools, _ = fastexcel_facts(path)
    assert bools == {(0, 1): True, (4, 0): False, (6, 3): True}
    assert result.extent == (7, 4)


def test_chunk_borders_do_not_hide_tokens(tmp_path, monkeypatch):
    monkeypatch.setattr(scan_xlsx, "CHUNK", 997)  # every token straddles some border
    body = _rows(400).replace('<c r="B300"><v>1.5</v></c>', '<c r="B300"><f>SUM(A1:A299)</f></c>')
    body = body.replace('<c r="B350"><v>1.5</v></c>', '<c r="B350" t="b"><v>1</v></c>')
    path = _raw_sheet(tmp_path, "borders.xlsx", body)
    result = scan_xlsx.scan(path, SHEET, None)
    assert result.facts.cells == [StoredCell(299, 1, "formula", "=SUM(A1:A299)"), StoredCell(349, 1, "bool", "TRUE")]
    assert result.extent == (400, 3)
    plain = _raw_sheet(tmp_path, "plain.xlsx", _rows(400))
    assert scan_xlsx.scan(plain, SHEET, None).exact is False
    assert scan_xlsx.extent(zipfile.ZipFile(plain), SHEET) == (400, 3)


def test_corrupt_and_encrypted_members_are_value_errors(tmp_path):
    path = _raw_sheet(tmp_path, "ok.xlsx", _rows(5000))
    data = bytearray(open(path, "rb").read())
    info = zipfile.ZipFile(path).getinfo(SHEET)
    mid = info.header_offset + 30 + len(SHEET) + info.compress_size // 2
    for i in range(mid, mid + 64):
        data[i] ^= 0x5A
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(bytes(data))
    with pytest.raises(ValueError):
        scan_xlsx.scan(str(bad), SHEET, None)
    truncated = tmp_path / "trunc.xlsx"
    truncated.write_bytes(open(path, "rb").read()[: info.header_offset + 200])
    with pytest.raises(ValueError):
        scan_xlsx.scan(str(truncated), SHEET, None)
    data = bytearray(open(path, "rb").read())
    data[info.header_offset + 6] |= 1  # the encryption flag, local header...
    cd = data.find(b"PK\x01\x02")
    while data[cd + 46:cd + 46 + len(SHEET)] != SHEET.encode():
        cd = data.find(b"PK\x01\x02", cd + 4)
    data[cd + 8] |= 1  # ...and central directory
    enc = tmp_path / "enc.xlsx"
    enc.write_bytes(bytes(data))
    from xltools.stored import EncryptedError
    with pytest.raises(EncryptedError):
        scan_xlsx.scan(str(enc), SHEET, None)
