"""Issue 14, "silently wrong": each class built as a file, in each format where it applies, and the
exact figure or the exact located message asserted.

Formats: xlsx as openpyxl writes it, and the same sheet XML rewritten with a namespace prefix
(`<x:c …>`), in the Strict OOXML namespace, and with `t=` before `r=` (the rewrites of
test_scan_xlsx); xls and ods as LibreOffice converts that xlsx (one soffice run per target for the
whole module); xls as xlwt writes it (its booleans and its formulas, which carry no cached result);
csv. Every class is also run once through `python -m xltools validate`.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest

import xltools
from helpers import TITLE, run_cli, sha256, write_csv
from test_scan_xlsx import MAIN, STRICT, VARIANTS
from xltools.errors import InputError

XML_VARIANTS = {"prefix": VARIANTS["prefix"], "strict": VARIANTS["strict"], "t_before_r": VARIANTS["t_before_r"]}
XLSX = ["xlsx", "xlsx:prefix", "xlsx:strict", "xlsx:t_before_r"]

HEAD = ["统一社会信用代码", "单位详细名称", "县(区)", "营业收入本期", "营业收入上年同期", "营业成本本期", "利润总额本期"]
REV, REV_LY, COST, PROFIT = HEAD[3:]


class Err(str):
    """An Excel error value stored as such (t="e")."""


@dataclass
class Date:
    """A date-formatted number."""
    value: dt.datetime


def ent(i: int, county: str | None = "镍都区") -> list:
    """Enterprise i: figures 1000+i, 900+i, 800+i, 50+i (no run of ≥2 rows sums to another row)."""
    return [f"91620300MA{i:08d}", f"企业{i:04d}有限公司", county, 1000 + i, 900 + i, 800 + i, 50 + i]


def table(n: int, county: str | None = "镍都区", head=HEAD) -> list[list]:
    """Title (row 1), header (row 2), enterprise i at Excel row i + 3."""
    return [[TITLE], list(head), *[ent(i, county) for i in range(n)]]


def put(rows: list[list], ref: str, value) -> list[list]:
    m = re.fullmatch(r"([A-Z])(\d+)", ref)
    rows[int(m.group(2)) - 1][ord(m.group(1)) - 65] = value
    return rows


def sums(*rows: list) -> list:
    return [sum(r[c] for r in rows) for c in range(3, 7)]


@dataclass
class Sheet:
    name: str
    rows: list[list]
    merges: tuple = ()
    hidden: bool = False


@dataclass
class Case:
    sheets: list[Sheet]
    formats: list[str]
    xlwt: bool = False  # also written by xlwt itself ("xls:xlwt")
    ods_uncached: bool = False  # the ods with the cached results of its formulas taken out
    notes: dict = field(default_factory=dict)


def one(rows, formats, **kw) -> Case:
    merges = kw.pop("merges", ())
    return Case([Sheet("企业", rows, merges)], formats, **kw)


ALL = XLSX + ["xls", "ods", "csv"]
BOOKS = XLSX + ["xls", "ods"]

CASES: dict[str, Case] = {
    # 1. Excel error values, near the top and below the rows calamine samples.
    "errors": one(put(put(put(put(table(1200), "D4", Err("#DIV/0!")), "F6", Err("#REF!")),
                          "E1150", Err("#N/A")), "D1190", Err("#DIV/0!")), BOOKS),
    # 2. N/A text (and a malformed number) below the sampled rows.
    "na_text": one(put(put(table(1200), "D1150", "N/A"), "E1160", "12,3a"), ALL),
    # 3. Logical values.
    "bools": one(put(put(table(1200), "F5", True), "G1170", False), BOOKS, xlwt=True),
    # 4. Formulas without a cached value (openpyxl and xlwt write them so).
    "formulas": one(put(put(table(1200), "G6", "=D6*2"), "D1180", "=E1180+1"), XLSX, xlwt=True, ods_uncached=True),
    # 5. Date-formatted numbers near the top and below the sampled rows.
    "dates": one(put(put(table(1200), "E7", Date(dt.datetime(2022, 5, 1))), "E1170",
                     Date(dt.datetime(2021, 12, 31))), BOOKS),
    # 6. Rows that are not enterprises.
    "totals": one([[TITLE], HEAD, *[ent(i) for i in range(4)],
                   [None, "镍都区合计", "镍都区", *sums(*[ent(i) for i in range(4)])],
                   *[ent(i, "永安县") for i in range(4, 7)],
                   [None, "小计", "永安县", *sums(*[ent(i) for i in range(4, 7)])],
                   [None, "其中：战略性新兴产业", None, *sums(ent(0), ent(1))],
                   [None, None, None, *sums(*[ent(i) for i in range(7)])]], ALL),
    "stems": one([[TITLE], ["序号", "统一社会信用代码", "单位详细名称", "行业代码", "县(区)", "战略性新兴产业类别",
                            "登记注册类型", "企业规模", REV, REV_LY, COST, PROFIT],
                  list("甲乙丙丁戊己庚辛") + [1, 2, 3, 4],
                  *[[i + 1, *ent(i)[:2], "3216", "镍都区", "新材料", "110", "小型", *ent(i)[3:]] for i in range(5)]],
                 ALL),
    "numbers": one([[TITLE], HEAD, [1, 2, 3, 4, 5, 6, 7], *[ent(i) for i in range(5)]], ALL),
    "header_again": one([[TITLE], HEAD, *[ent(i) for i in range(3)], HEAD, *[ent(i) for i in range(3, 6)]], ALL),
    # 7. A county written once over its enterprises (merged), and a blank county.
    "county": one([[TITLE], HEAD, ent(0), ent(1, None), ent(2, None), ent(3, "永安县"), ent(4, None),
                   ent(5, None), ent(6, None)], ALL, merges=("C3:C5", "C6:C8")),
    # 8. Sheets.
    "hidden_first": Case([Sheet("旧数据", [[TITLE], HEAD, *[ent(i)[:3] + [1, 1, 1, 1] for i in range(5)]], hidden=True),
                          Sheet("企业", table(3))], BOOKS),
    "hidden_only": Case([Sheet("说明", [["本工作簿为2022年数据"]]), Sheet("旧数据", table(3), hidden=True)], BOOKS),
    "two_visible": Case([Sheet("一月", table(3)), Sheet("二月", table(4))], BOOKS),
    # 9. 本年/上年 in any bracket or position.
    "brackets": one(table(3, head=["统一社会信用代码", "单位详细名称", "县(区)", "营业收入(本年)", "营业收入(上年)",
                                   "利润总额(本年)", "利润总额(去年)"]), ALL),
    "words_before": one(table(3, head=["统一社会信用代码", "单位详细名称", "县(区)", "本年营业收入", "上年营业收入",
                                       "本年利润总额", "上年利润总额"]), ALL),
    "lenticular": one(table(3, head=["统一社会信用代码", "单位详细名称", "县(区)", "营业收入", "营业收入【上年】",
                                     "利润总额", "利润总额(去年)"]), ALL),
    "not_understood": one(table(3, head=["统一社会信用代码", "单位详细名称", "县(区)", "营业收入", "营业收入(上年数)xx",
                                         "营业成本", "利润总额"]), ALL),
    # 11. A header and nothing under it.
    "header_only": one([[TITLE], HEAD], ALL),
    # 12. A statistician's small table.
    "small": one([[TITLE], ["单位名称", "营业收入", "利润总额"], ["甲公司", 100, 10], ["乙公司", 200.5, -3],
                  ["丙公司", 0, 0]], ALL),
}


# ---------------------------------------------------------------- building the files

def _write_xlsx(path: Path, case: Case) -> None:
    wb = openpyxl.Workbook()
    for k, spec in enumerate(case.sheets):
        ws = wb.active if k == 0 else wb.create_sheet()
        ws.title = spec.name
        for r, row in enumerate(spec.rows, start=1):
            for c, v in enumerate(row, start=1):
                if v is None:
                    continue
                cell = ws.cell(r, c)
                if isinstance(v, Err):
                    cell.value = str(v)
                    cell.data_type = "e"
                elif isinstance(v, Date):
                    cell.value = v.value
                    cell.number_format = "yyyy-mm-dd"
                else:
                    cell.value = v
        for m in spec.merges:
            ws.merge_cells(m)
        if spec.hidden:
            ws.sheet_state = "hidden"
    wb.active = next(k for k, s in enumerate(case.sheets) if not s.hidden)
    wb.save(path)


def _rewrite_sheets(src: Path, dst: Path, fn) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if re.fullmatch(r"xl/worksheets/sheet\d+\.xml", info.filename):
                before = data.decode()
                after = fn(before)
                assert after != before, info.filename
                data = after.encode()
            zout.writestr(info.filename, data)


def _write_xlwt(path: Path, case: Case) -> None:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    for spec in case.sheets:
        ws = wb.add_sheet(spec.name)
        for r, row in enumerate(spec.rows):
            for c, v in enumerate(row):
                if v is None:
                    continue
                ws.write(r, c, xlwt.Formula(v[1:]) if isinstance(v, str) and v.startswith("=") else v)
    wb.save(str(path))


def _csv_text(v):
    return v if not isinstance(v, float) else repr(v)


def _soffice(files: list[Path], target: str, out_dir: Path) -> None:
    import libreoffice as lo

    out_dir.mkdir(parents=True, exist_ok=True)
    profile = lo._profile(out_dir)
    cmd = [lo.soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
           "--convert-to", target, "--outdir", str(out_dir), *map(str, files)]
    subprocess.run(cmd, check=False, capture_output=True, text=True, timeout=600, env=dict(os.environ, HOME=str(out_dir)))


def _strip_cached(src: Path, dst: Path) -> None:
    """An ods whose formula cells keep their formula and lose their value (as an unsaved
    calculation leaves them)."""
    def strip(m):
        cell = m.group(0)
        cell = re.sub(r'\s(office|calcext):value(-type)?="[^"]*"', "", cell)
        return cell
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "content.xml":
                text, n = re.subn(r"<table:table-cell [^>]*table:formula=[^>]*>", strip, data.decode())
                assert n == 2, n
                text = re.sub(r"(<table:table-cell [^>]*table:formula=[^>]*>)<text:p>[^<]*</text:p>", r"\1", text)
                data = text.encode()
            zout.writestr(info, data)


@pytest.fixture(scope="module")
def files(tmp_path_factory, libreoffice) -> dict[tuple[str, str], str]:
    """Every case in every format it applies to: {(case, format): path}."""
    root = tmp_path_factory.mktemp("proof")
    out: dict[tuple[str, str], str] = {}
    src = root / "src"
    src.mkdir()
    convert = {"xls": [], "ods": []}
    for name, case in CASES.items():
        base = src / f"{name}.xlsx"
        _write_xlsx(base, case)
        out[(name, "xlsx")] = str(base)
        for variant, fn in XML_VARIANTS.items():
            if f"xlsx:{variant}" in case.formats:
                d = root / variant
                d.mkdir(exist_ok=True)
                _rewrite_sheets(base, d / f"{name}.xlsx", fn)
                out[(name, f"xlsx:{variant}")] = str(d / f"{name}.xlsx")
        for target in ("xls", "ods"):
            if target in case.formats or (target == "ods" and case.ods_uncached):
                convert[target].append(base)
        if case.xlwt:
            d = root / "xlwt"
            d.mkdir(exist_ok=True)
            _write_xlwt(d / f"{name}.xls", case)
            out[(name, "xls:xlwt")] = str(d / f"{name}.xls")
        if "csv" in case.formats:
            d = root / "csv"
            d.mkdir(exist_ok=True)
            out[(name, "csv")] = write_csv(d / f"{name}.csv", [[_csv_text(v) for v in r] for r in case.sheets[0].rows])
    for target, paths in convert.items():
        _soffice(paths, target, root / target)
        for p in paths:
            converted = root / target / f"{p.stem}.{target}"
            assert converted.exists(), converted
            out[(p.stem, target)] = str(converted)
    for name, case in CASES.items():
        if case.ods_uncached:
            dst = root / "uncached"
            dst.mkdir(exist_ok=True)
            _strip_cached(Path(out[(name, "ods")]), dst / f"{name}.ods")
            out[(name, "ods")] = str(dst / f"{name}.ods")
    return out


def fmts(name: str, *, xfail: dict[str, str] | None = None) -> list:
    case = CASES[name]
    formats = list(case.formats) + (["xls:xlwt"] if case.xlwt else []) + (["ods"] if case.ods_uncached else [])
    return [pytest.param(f, id=f, marks=pytest.mark.xfail(strict=True, reason=(xfail or {})[f]) if f in (xfail or {})
                         else ()) for f in formats]


def issues_of(path, **kw):
    with pytest.raises(InputError) as exc:
        xltools.load(path, **kw)
    assert "Traceback" not in exc.value.report()
    return exc.value.issues


def located(issues) -> set[tuple]:
    return {(i.row, i.column, i.value) for i in issues}


def validate(path, *args, code=0):
    before = sha256(path)
    res = run_cli("validate", path, *args)
    assert res.returncode == code, (res.stdout, res.stderr)
    assert "Traceback" not in res.stdout + res.stderr
    assert sha256(path) == before
    return res.stdout if code == 0 else res.stderr


# ---------------------------------------------------------------- 1. Excel error values



@pytest.mark.parametrize("fmt", fmts("errors"))
def test_excel_error_values_are_located_errors(files, fmt):
    issues = issues_of(files[("errors", fmt)])
    assert located(issues) == {(4, REV, "#DIV/0!"), (6, COST, "#REF!"), (1150, REV_LY, "#N/A"),
                               (1190, REV, "#DIV/0!")}
    assert all("Excel 错误值" in i.message for i in issues)


def test_excel_error_values_validate(files):
    err = validate(files[("errors", "xlsx")], code=2)
    assert "errors.xlsx › 企业 › 第4行 › 营业收入本期[D列]：'#DIV/0!' 是 Excel 错误值，不是数字" in err
    assert "第1190行 › 营业收入本期[D列]：'#DIV/0!' 是 Excel 错误值" in err
    assert "4 处错误" in err


# ---------------------------------------------------------------- 2. N/A text below the sampled rows

@pytest.mark.parametrize("fmt", fmts("na_text"))
def test_na_text_below_the_sampled_rows(files, fmt):
    issues = issues_of(files[("na_text", fmt)])
    assert located(issues) == {(1150, REV, "N/A"), (1160, REV_LY, "12,3a")}
    assert all(i.message == "不是数字" for i in issues)


def test_na_text_validate(files):
    err = validate(files[("na_text", "xlsx")], code=2)
    assert "na_text.xlsx › 企业 › 第1150行 › 营业收入本期[D列]：'N/A' 不是数字" in err


# ---------------------------------------------------------------- 3. logical values

@pytest.mark.parametrize("fmt", fmts("bools"))
def test_logical_values_are_located_errors(files, fmt):
    issues = issues_of(files[("bools", fmt)])
    assert located(issues) == {(5, COST, "TRUE"), (1170, PROFIT, "FALSE")}
    assert all("逻辑值" in i.message for i in issues)


def test_logical_values_validate(files):
    err = validate(files[("bools", "xlsx")], code=2)
    assert "第5行 › 营业成本本期[F列]：'TRUE' 是逻辑值（TRUE/FALSE），不是数字" in err
    assert "第1170行 › 利润总额本期[G列]：'FALSE' 是逻辑值" in err


# ---------------------------------------------------------------- 4. formulas without a cached value



@pytest.mark.parametrize("fmt", fmts("formulas"))
def test_formulas_without_a_cached_value_are_located_errors(files, fmt):
    issues = issues_of(files[("formulas", fmt)])
    assert {(i.row, i.column) for i in issues} == {(6, PROFIT), (1180, REV)}
    assert all("没有计算结果的公式" in i.message for i in issues)
    shown = {i.row: str(i.value).replace(" ", "").upper() for i in issues}
    assert shown == {6: "=D6*2", 1180: "=E1180+1"}


def test_formulas_validate(files):
    err = validate(files[("formulas", "xlsx")], code=2)
    assert "第6行 › 利润总额本期[G列]：'=D6*2' 是没有计算结果的公式" in err


# ---------------------------------------------------------------- 5. date-formatted numbers

@pytest.mark.parametrize("fmt", fmts("dates"))
def test_dates_are_errors_at_the_top_and_below_the_sampled_rows(files, fmt):
    issues = issues_of(files[("dates", fmt)])
    assert {(i.row, i.column) for i in issues} == {(7, REV_LY), (1170, REV_LY)}
    assert all("日期" in i.message for i in issues)
    values = {i.row: str(i.value) for i in issues}
    assert values[7].startswith("2022-05-01") and values[1170].startswith("2021-12-31")


def test_dates_validate(files):
    err = validate(files[("dates", "xlsx")], code=2)
    assert "第7行 › 营业收入上年同期[E列]：'2022-05-01" in err and "第1170行 › 营业收入上年同期[E列]：'2021-12-31" in err
    assert "是日期或时间，不是数字" in err


# ---------------------------------------------------------------- 6. rows that are not enterprises

@pytest.mark.parametrize("fmt", fmts("totals"))
def test_total_and_subtotal_rows_are_not_enterprises(files, fmt):
    data = xltools.load(files[("totals", fmt)])
    assert data.enterprises == 7
    assert data.frame["revenue_cur"].sum() == sum(1000 + i for i in range(7))
    assert data.frame["total_profit_cur"].sum() == sum(50 + i for i in range(7))
    assert data.skipped["total"] == [7, 11, 12, 13]
    roles = {d.row: d.role for d in data.decisions}
    assert roles == {7: "total", 11: "total", 12: "total", 13: "sum"}


def test_total_rows_validate(files):
    out = validate(files[("totals", "xlsx")])
    assert "totals.xlsx › 企业：读取 7 家企业，没有发现输入错误。" in out
    assert "工作表：读取工作表“企业”" in out
    assert "合计/小计行：第7行（“镍都区合计”）、第11行（“小计”）、第12行（“其中：战略性新兴产业”）" in out
    assert "无标注的合计行：第13行（等于第3—12行之和）" in out


@pytest.mark.parametrize("fmt", fmts("stems"))
def test_column_number_row_beyond_jia_yi_bing_ding(files, fmt):
    data = xltools.load(files[("stems", fmt)])
    assert data.enterprises == 5
    assert data.skipped["column_numbers"] == [3]
    assert data.frame["revenue_cur"].tolist() == [1000, 1001, 1002, 1003, 1004]


@pytest.mark.parametrize("fmt", fmts("numbers"))
def test_column_number_row_one_to_n_without_a_category_column(files, fmt):
    data = xltools.load(files[("numbers", fmt)])
    assert data.enterprises == 5
    assert data.skipped["column_numbers"] == [3]
    assert data.frame["revenue_cur"].sum() == sum(1000 + i for i in range(5))


@pytest.mark.parametrize("fmt", fmts("header_again"))
def test_repeated_header_row_in_the_data(files, fmt):
    data = xltools.load(files[("header_again", fmt)])
    assert data.enterprises == 6
    assert data.skipped["header"] == [6]
    assert data.frame["revenue_cur"].tolist() == [1000, 1001, 1002, 1003, 1004, 1005]


def test_structure_rows_validate(files):
    out = validate(files[("stems", "xlsx")])
    assert "读取 5 家企业" in out and "工作表：读取工作表“企业”" in out
    assert "栏次行：第3行（" in out
    out = validate(files[("numbers", "xlsx")])
    assert "栏次行：第3行（" in out
    out = validate(files[("header_again", "xlsx")])
    assert "重复的表头行：第6行" in out and "读取 6 家企业" in out


def test_column_number_row_is_shown_as_written(files):
    out = validate(files[("numbers", "xlsx")])
    assert "栏次行：第3行（1、2、3、4、5、6、7）" in out
    out = validate(files[("stems", "xlsx")])
    assert "栏次行：第3行（甲、乙、丙、丁、戊、己、辛、1、2、3、4）" in out  # 辛 heads 企业规模, a column read too


# ---------------------------------------------------------------- 7. counties

@pytest.mark.parametrize("fmt", fmts("county"))
def test_merged_and_blank_counties(files, fmt):
    data = xltools.load(files[("county", fmt)])
    if fmt == "csv":  # no merged cells in a CSV: the blanks are blanks
        expected, blank_rows = ["镍都区", "未分县区", "未分县区", "永安县", "未分县区", "未分县区", "未分县区"], "4、5、7、8、9"
    else:
        expected, blank_rows = ["镍都区"] * 3 + ["永安县"] * 3 + ["未分县区"], "9"
    assert data.frame["county"].tolist() == expected
    n = expected.count("未分县区")
    assert f"有 {n} 家企业的县(区)为空（第{blank_rows}行），单列为“未分县区”" in data.notes
    results = xltools.compute(data, by_county=True)
    assert "county:未分县区" in results.scope_ids()
    assert results.sums_of("county:未分县区").get("revenue_cur") == sum(
        1000 + i for i, c in enumerate(expected) if c == "未分县区")
    if fmt != "csv":
        assert results.sums_of("county:镍都区").get("revenue_cur") == 1000 + 1001 + 1002
        assert results.sums_of("county:永安县").get("revenue_cur") == 1003 + 1004 + 1005


def test_county_validate(files):
    out = validate(files[("county", "xlsx")])
    assert "工作表：读取工作表“企业”" in out and "行的判定：表头下的每一行都是企业" in out
    assert "说明：有 1 家企业的县(区)为空（第9行），单列为“未分县区”" in out


# ---------------------------------------------------------------- 8. sheets

@pytest.mark.parametrize("fmt", fmts("hidden_first"))
def test_hidden_stale_sheet_before_the_visible_one(files, fmt):
    data = xltools.load(files[("hidden_first", fmt)])
    assert data.sheet == "企业"
    assert data.frame["revenue_cur"].tolist() == [1000, 1001, 1002]
    assert data.sheet_notes[0] == "读取工作表“企业”（共 2 个工作表）"
    said = "隐藏的工作表“旧数据”也像是企业数据，未读取"
    assert said in data.sheet_notes and said in data.notes


@pytest.mark.parametrize("fmt", fmts("hidden_only"))
def test_only_a_hidden_export_sheet(files, fmt):
    path = files[("hidden_only", fmt)]
    issues = issues_of(path)
    assert len(issues) == 1 and "隐藏" in issues[0].message and "--sheet 旧数据" in issues[0].message
    assert "“旧数据”" in issues[0].message
    data = xltools.load(path, sheet="旧数据")
    assert data.enterprises == 3 and "（隐藏的工作表）" in data.sheet_notes[0]


@pytest.mark.parametrize("fmt", fmts("two_visible"))
def test_two_visible_export_sheets(files, fmt):
    path = files[("two_visible", fmt)]
    issues = issues_of(path)
    assert len(issues) == 1
    assert "“一月”、“二月”" in issues[0].message and "--sheet" in issues[0].message
    assert xltools.load(path, sheet="二月").enterprises == 4


def test_sheets_validate(files):
    out = validate(files[("hidden_first", "xlsx")])
    assert "工作表：读取工作表“企业”（共 2 个工作表）" in out
    assert "  隐藏的工作表“旧数据”也像是企业数据，未读取" in out
    err = validate(files[("hidden_only", "xlsx")], code=2)
    assert "hidden_only.xlsx" in err and "隐藏的工作表可能是旧数据" in err and "--sheet 旧数据" in err
    err = validate(files[("two_visible", "xlsx")], code=2)
    assert "有多个工作表像是企业数据：“一月”、“二月”。请用 --sheet 指定" in err
    out = validate(files[("two_visible", "xlsx")], "--sheet", "二月")
    assert "工作表：按 --sheet 读取工作表“二月”" in out and "读取 4 家企业" in out


# ---------------------------------------------------------------- 9. 本年/上年 headers

@pytest.mark.parametrize("name", ["brackets", "words_before", "lenticular"])
@pytest.mark.parametrize("fmt", ALL)
def test_last_year_headers_are_read(files, name, fmt):
    data = xltools.load(files[(name, fmt)])
    assert data.frame["revenue_cur"].tolist() == [1000, 1001, 1002]
    assert data.frame["revenue_ly"].tolist() == [900, 901, 902]
    assert data.frame["total_profit_cur"].tolist() == [800, 801, 802]
    assert data.frame["total_profit_ly"].tolist() == [50, 51, 52]
    assert data.unknown_columns == []


@pytest.mark.parametrize("fmt", fmts("not_understood"))
def test_header_not_understood_says_what_cannot_be_computed(files, fmt):
    data = xltools.load(files[("not_understood", fmt)])
    assert "revenue_ly" not in data.frame.columns
    note, = [n for n in data.notes if "营业收入(上年数)xx" in n]
    assert note.startswith("列“营业收入(上年数)xx”像是营业收入，但无法确定是本期、上年同期还是年初数，未使用；因此不能计算：")
    assert "营业收入" in note.split("因此不能计算：")[1]


def test_headers_validate(files):
    out = validate(files[("brackets", "xlsx")])
    assert "工作表：读取工作表“企业”" in out and "营业收入(上年)" in out.split("识别的列")[1].splitlines()[0]
    assert "未使用的列" not in out
    out = validate(files[("not_understood", "xlsx")])
    assert "说明：列“营业收入(上年数)xx”像是营业收入" in out and "因此不能计算" in out


# ---------------------------------------------------------------- 10. broken CSV

def _csv(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def _lines(rows):
    return "".join(",".join(str(v) if v is not None else "" for v in r) + "\n" for r in rows)


def test_csv_cut_mid_row(tmp_path):
    text = _lines(table(3)) + "91620300MA00000003,企业0003有限公司,镍都区,10"  # the file ends here
    path = _csv(tmp_path, "cut.csv", text)
    issues = issues_of(path)
    assert [i.row for i in issues] == [6]
    err = validate(path, code=2)
    assert "cut.csv" in err and "第6行" in err


def test_csv_unclosed_quote(tmp_path):
    rows = table(4)
    text = _lines(rows[:3]) + '91620300MA00000001,"企业0001有限公司,镍都区,1001,901,801,51\n' + _lines(rows[4:])
    path = _csv(tmp_path, "quote.csv", text)
    issues = issues_of(path)
    assert [i.row for i in issues] == [4]
    err = validate(path, code=2)
    assert "quote.csv" in err and "第4行" in err


# ---------------------------------------------------------------- 11. a header and nothing else

@pytest.mark.parametrize("fmt", fmts("header_only"))
def test_header_only_file_is_an_input_error(files, fmt):
    issues = issues_of(files[("header_only", fmt)])
    assert len(issues) == 1 and issues[0].message == "表头（第2行）下面没有企业数据行"


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_header_only_summary_writes_nothing(files, tmp_path, fmt):
    path = files[("header_only", fmt)]
    out = tmp_path / "out.xlsx"
    res = run_cli("summary", path, "-o", out)
    assert res.returncode == 2, (res.stdout, res.stderr)
    assert "没有企业数据行" in res.stderr and "Traceback" not in res.stderr
    assert not out.exists() and os.listdir(tmp_path) == []
    err = validate(path, code=2)
    assert "表头（第2行）下面没有企业数据行" in err


# ---------------------------------------------------------------- 12. a small table

@pytest.mark.parametrize("fmt", fmts("small"))
def test_small_table_with_two_indicators(files, fmt):
    data = xltools.load(files[("small", fmt)])
    assert data.frame["ent_name"].tolist() == ["甲公司", "乙公司", "丙公司"]
    assert data.frame["revenue_cur"].tolist() == [100, 200.5, 0]
    assert data.frame["total_profit_cur"].tolist() == [10, -3, 0]


def test_small_table_validate(files):
    out = validate(files[("small", "xlsx")])
    assert "small.xlsx › 企业：读取 3 家企业，没有发现输入错误。" in out
    assert "工作表：读取工作表“企业”" in out and "行的判定：表头下的每一行都是企业" in out


def test_variants_are_what_they_say(files):
    """The rewrites did what their names say (a guard on the builders themselves)."""
    def sheet_xml(path):
        with zipfile.ZipFile(path) as z:
            return z.read("xl/worksheets/sheet1.xml").decode()
    assert "<x:c " in sheet_xml(files[("errors", "xlsx:prefix")])
    strict = sheet_xml(files[("errors", "xlsx:strict")])
    assert STRICT in strict and MAIN not in strict
    assert re.search(r'<c t="e"[^>]* r="D4"', sheet_xml(files[("errors", "xlsx:t_before_r")]))
