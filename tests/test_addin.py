"""The add-in: built from sources, read back by two independent readers, its macros run headless."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile

import pytest

import udfs.functions as f
import udfs.macros as macros
from helpers import run_cli, sha256, write_csv
from workbook_reading import formula_cells, same, values
from xlwings_standin import Book
from xltools import cfb, ovba
from xltools import addin
from xltools.addin import DESCRIPTIONS_MODULE, FUNCTIONS_MODULE, RIBBON_MODULE, buttons

HERE = os.path.dirname(os.path.abspath(__file__))
NS = "{http://schemas.microsoft.com/office/2006/01/customui}"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("addin") / "xltools.xlam"
    proc = run_cli("addin", "build", "-o", out)
    assert proc.returncode == 0, proc.stderr
    return out


def module_sources(path) -> dict[str, str]:
    """Each module's source, decompressed by oletools (not by the builder's own code)."""
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    return {os.path.splitext(name)[0]: code for _, _, name, code in parser.extract_macros()}


def test_olevba_prints_every_callback_with_its_runpython_target(built):
    proc = subprocess.run([sys.executable, "-m", "oletools.olevba", str(built)], capture_output=True, text=True)
    printed = proc.stdout
    for b in buttons():
        block = re.search(rf"Sub {b.callback}\(control As IRibbonControl\)\s+RunPython \"import udfs\.macros; "
                          rf"udfs\.macros\.(\w+)\(\)\"\s+End Sub", printed)
        assert block, b.callback
        assert callable(getattr(macros, block.group(1)))
    assert 'Public Const PROJECT_NAME As String = "xltools"' in printed


def test_ribbon_xml_ids_and_callbacks(built):
    with zipfile.ZipFile(built) as z:
        ui = ET.fromstring(z.read("customUI/customUI.xml"))
        rels = z.read("_rels/.rels").decode()
    assert "customUI/customUI.xml" in rels
    tab = ui.find(f"{NS}ribbon/{NS}tabs/{NS}tab")
    assert tab.get("label") == "战新产业"
    ids = [e.get("id") for e in ui.iter() if e.get("id")]
    assert len(ids) == len(set(ids))
    source = module_sources(built)[RIBBON_MODULE]
    labels = []
    for button in ui.iter(f"{NS}button"):
        module, sub = button.get("onAction").split(".")
        assert module == RIBBON_MODULE
        assert re.search(rf"(?m)^Sub {sub}\(control As IRibbonControl\)\r?$", source), sub
        target = re.search(rf"Sub {sub}\(control As IRibbonControl\)\s+RunPython \"import udfs.macros; "
                           rf"udfs.macros.(\w+)\(\)\"", source).group(1)
        assert callable(getattr(macros, target)), target
        labels.append(button.get("label"))
        assert button.get("imageMso")
    assert labels == ["设置数据源", "校验数据", "刷新指标", "生成汇总表", "生成项目进度表", "生成分析报告"]


def test_the_wrappers_are_what_xlwings_writes_for_udfs_functions(built):
    """xlwings' own generate_vba_wrapper, run with its Windows decorators (as Excel sees udfs.functions),
    writes exactly the functions module's wrappers."""
    proc = subprocess.run([sys.executable, os.path.join(HERE, "xlwings_windows.py"), "udfs.functions"],
                          capture_output=True, cwd=os.path.dirname(HERE))
    assert proc.returncode == 0, proc.stderr.decode()
    xlwings_vba = proc.stdout.decode("utf-8")
    assert xlwings_vba.count("\nEnd Function\n") == len(f.EXCEL_FUNCTIONS) == 50
    source = module_sources(built)[FUNCTIONS_MODULE].replace("\r\n", "\n")
    head = f'Attribute VB_Name = "{FUNCTIONS_MODULE}"\n'
    assert source.startswith(head) and '\n#Const App = "Microsoft Excel" \'Adjust when using outside of Excel\n' in source
    assert source.split("\n\n", 1)[1].strip("\n") == xlwings_vba.strip("\n")


def test_every_function_is_described_on_its_qualified_name(built):
    sources = module_sources(built)
    descriptions = sources[DESCRIPTIONS_MODULE]
    for name in f.EXCEL_FUNCTIONS:
        assert re.search(rf"(?m)^    Describe_{name}\r?$", descriptions), name
        assert f'    Describe "{name}", d, Array({", ".join(f"a{k}" for k in range(len(getattr(f, name).excel_args)))})' \
            in descriptions
    assert "Macro:=\"'\" & ThisWorkbook.Name & \"'!\" & fnName" in descriptions  # 'xltools.xlam'!SEI_…, as xlwings
    assert "On Error Resume Next" not in descriptions and "failures = failures + 1" in descriptions
    assert f"{DESCRIPTIONS_MODULE}.RegisterFunctions" in sources["ThisWorkbook"]
    for name, source in sources.items():
        if name in (RIBBON_MODULE, FUNCTIONS_MODULE, DESCRIPTIONS_MODULE):
            assert all(ord(ch) < 128 for ch in source), name  # Chinese only as code units: any code page
    assert addin.code_units("战新，A") == "25112260326529200065"
    vba_keywords = {"and", "as", "boolean", "byref", "byte", "byval", "call", "case", "const", "date", "dim", "do",
                    "double", "each", "else", "empty", "end", "enum", "error", "event", "exit", "false", "for",
                    "function", "get", "global", "goto", "if", "in", "integer", "is", "let", "like", "long", "loop",
                    "me", "mod", "new", "next", "not", "nothing", "null", "of", "on", "optional", "or", "private",
                    "property", "public", "resume", "select", "set", "single", "static", "step", "stop", "string",
                    "sub", "then", "to", "true", "type", "until", "variant", "wend", "while", "with", "xor", "name"}
    for name in f.EXCEL_FUNCTIONS:  # an argument named like a keyword would stop the whole module compiling
        assert not {a.lower() for a in getattr(f, name).excel_args} & vba_keywords, name


def test_every_procedure_of_the_built_addin_is_within_excel_limits(built):
    """Read back by olevba: each generated module holds only its own kind of procedure, each well under the
    64 KB p-code limit (150 lines, 6 000 characters); nothing in the add-in is larger than the largest
    procedure of xlwings' own template, which Excel compiles."""
    sources = module_sources(built)
    generated = {RIBBON_MODULE, FUNCTIONS_MODULE, DESCRIPTIONS_MODULE}
    assert generated <= set(sources)
    sizes = {name: addin.procedures(name, source) for name, source in sources.items()}
    ours = [p for name in generated | {"ThisWorkbook"} for p in sizes[name]]
    assert len(ours) == len(buttons()) + 50 + (50 + 3) + 1
    assert max(p.lines for p in ours) < addin.MAX_PROCEDURE_LINES
    assert max(p.chars for p in ours) < addin.MAX_PROCEDURE_CHARS
    assert max(len(line) for name in generated for line in sources[name].splitlines()) <= addin.MAX_LINE_CHARS
    assert {p.name for p in sizes[RIBBON_MODULE]} == {b.callback for b in buttons()}
    assert {p.name for p in sizes[FUNCTIONS_MODULE]} == set(f.EXCEL_FUNCTIONS)
    template = module_sources(addin.template_path())
    largest = max((p for name, source in template.items() for p in addin.procedures(name, source)),
                  key=lambda p: p.chars)
    assert all(p.chars <= largest.chars and p.lines <= largest.lines + 50 for ps in sizes.values() for p in ps)


def test_build_refuses_a_procedure_over_the_limit(tmp_path, monkeypatch):
    """The builder checks the budget itself: an oversized procedure (here a callback someone grew by hand)
    is refused in Chinese, exit 2, and no add-in is written."""
    from click.testing import CliRunner

    from xltools.cli import main

    original = addin._source_text
    huge = "Sub Huge(control As IRibbonControl)\n" + "    x = x + 1\n" * 200 + "End Sub\n"
    monkeypatch.setattr(addin, "_source_text", lambda name: original(name) + (huge if name == "callbacks.bas" else ""))
    out = tmp_path / "xltools.xlam"
    result = CliRunner().invoke(main, ["addin", "build", "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert f"VBA 模块 {RIBBON_MODULE}：过程 Huge 有 202 行" in result.output and "拆成" in result.output
    assert not out.exists() and list(tmp_path.iterdir()) == []


def uno_python() -> str:
    """A Python with LibreOffice's uno module; CI installs one (.ci/run), elsewhere the test is skipped."""
    for candidate in (sys.executable, "/usr/bin/python3", shutil.which("python3")):
        if candidate and subprocess.run([candidate, "-c", "import uno"], capture_output=True).returncode == 0:
            return candidate
    if os.environ.get("CI"):
        pytest.fail("python3-uno is not installed: .ci/run installs it")
    pytest.skip("no Python with LibreOffice's uno module")


def test_libreoffice_lists_the_same_modules_and_subs(built, tmp_path, libreoffice):
    proc = subprocess.run([uno_python(), os.path.join(HERE, "lo_basic.py"), str(built), str(tmp_path / "profile")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(proc.stdout)
    assert {m["library"] for m in listed.values()} == {"xltools"}
    sources = module_sources(built)
    assert set(listed) == set(sources)
    for name, code in sources.items():
        olevba = re.findall(r"(?im)^\s*(?:Public\s+|Private\s+)?(?:Sub|Function)\s+(\w+)\s*\(", code)
        assert [p[0] for p in listed[name]["procedures"]] == olevba, name
    subs = dict(listed[RIBBON_MODULE]["procedures"])
    for b in buttons():
        assert subs[b.callback] == "control As IRibbonControl"
    functions = dict(listed[FUNCTIONS_MODULE]["procedures"])
    assert functions["SEI_PROFIT_MARGIN"] == "Optional scope, Optional data"
    assert functions["SEI_INDICATOR"] == "indicator, Optional scope, Optional data, Optional unrounded"


def described_texts(descriptions: str) -> dict[str, list[str]]:
    """Each Describe_<name> Sub's code-unit strings (d, then a0, a1, …), joined over their lines."""
    found = {}
    for name, body in re.findall(r"(?s)Private Sub Describe_(\w+)\(\)(.*?)End Sub", descriptions):
        texts: dict[str, str] = {}
        for var, digits in re.findall(r'(?m)^    (\w+) = (?:\1 & )?"(\d*)"', body):
            texts[var] = texts.get(var, "") + digits
        found[name] = list(texts.values())
    return found


def test_libreoffice_basic_compiles_every_generated_module(built, tmp_path, libreoffice):
    """Each generated module, as olevba reads it from the built add-in, compiled on its own by LibreOffice
    Basic with Option VBASupport 1 (xlwings' own module is left out: LibreOffice does not compile it, nor
    xlwings' untouched template). A module with a syntax error is caught and the procedure named. The
    descriptions' code units are then decoded by the add-in's own VBA function, run in LibreOffice, and
    equal the Chinese texts of udfs.functions."""
    import inspect

    sources = module_sources(built)
    modules = {name: sources[name] for name in (RIBBON_MODULE, FUNCTIONS_MODULE, DESCRIPTIONS_MODULE, "ThisWorkbook")}
    broken = sources[RIBBON_MODULE].replace("Sub SetSource(control As IRibbonControl)\r\n",
                                            "Sub SetSource(control As IRibbonControl)\r\n    x = (1 +\r\n")
    texts = described_texts(sources[DESCRIPTIONS_MODULE])
    assert list(texts) == f.EXCEL_FUNCTIONS
    calls = [[DESCRIPTIONS_MODULE, "XltoolsDecoded", [units]] for name in f.EXCEL_FUNCTIONS for units in texts[name]]
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"modules": {**modules, "broken": broken}, "calls": calls,
                               "extra": {DESCRIPTIONS_MODULE: "\nFunction XltoolsDecoded(units)\n"
                                                              "    XltoolsDecoded = Decoded(units)\nEnd Function\n"}}),
                   encoding="utf-8")
    proc = subprocess.run([uno_python(), os.path.join(HERE, "lo_compile.py"), str(job), str(tmp_path / "profile")],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert result["modules"]["broken"] == {"compiled": False, "failing": ["SetSource"]}  # the check can fail
    for name in modules:
        assert result["modules"][name] == {"compiled": True, "failing": []}, name
    expected = [text for name in f.EXCEL_FUNCTIONS
                for text in [" ".join(inspect.getdoc(getattr(f, name)).split())[:250],
                             *(doc[:250] for doc in getattr(f, name).excel_args.values())]]
    assert result["calls"] == expected


def test_compression_and_container_roundtrip_against_oletools(built):
    """The builder's own MS-OVBA compressor and CFB writer, checked by independent readers."""
    import olefile
    from oletools.olevba import decompress_stream

    text = ("Attribute VB_Name = \"x\"\r\n" + "".join(f"Sub S{i}()\r\n    x = {i * 7919 % 10007}\r\nEnd Sub\r\n"
                                                     for i in range(900))).encode()
    packed = ovba.compress(text)
    assert bytes(decompress_stream(bytearray(packed))) == text and ovba.decompress(packed) == text
    noise = bytes((i * 2654435761 >> 7) & 0xFF for i in range(9000))  # raw chunks
    assert bytes(decompress_stream(bytearray(ovba.compress(noise[:8192])))) == noise[:8192]
    streams = {"A": b"x" * 5000, "B/C": b"small", "B/D": b"", "E": os.urandom(70000)}
    ole = olefile.OleFileIO(cfb.write(streams))
    assert {"/".join(p): ole.openstream("/".join(p)).read() for p in ole.listdir()} == streams
    with zipfile.ZipFile(built) as z:
        assert cfb.read(z.read("xl/vbaProject.bin"))["PROJECT"].startswith(b'ID="')


def test_build_is_reproducible(built, tmp_path):
    again = tmp_path / "again.xlam"
    assert run_cli("addin", "build", "-o", again).returncode == 0
    assert sha256(again) == sha256(built)


# ---------------------------------------------------------------- the macros, headless

@pytest.fixture
def analysis_book(tmp_path, monkeypatch):
    """A user's analysis workbook (a real .xlsx) opened through the stand-in; no source configured."""
    from udfs import engine

    for var in engine.ENV.values():
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    engine.CACHE.clear()
    import openpyxl

    path = tmp_path / "分析.xlsx"
    wb = openpyxl.Workbook()
    wb.active.title = "分析"
    wb.active["A1"] = "我的分析"
    wb.save(path)
    yield Book(path)
    engine.CACHE.clear()


def sample_export(tmp_path, n=260, seed=8):
    sys.path.insert(0, os.path.join(HERE, "..", "workbooks", "samples"))
    from make_sample import make_export

    return make_export(str(tmp_path / "2022年1-12月规上工业.xlsx"), n=n, seed=seed)


def test_set_source_refresh_and_summary_in_an_open_workbook(analysis_book, tmp_path, libreoffice):
    book = analysis_book
    src = sample_export(tmp_path)
    before = sha256(src)
    macros.set_source(book, src)
    assert book.sheets["xltools配置"].range("B1").value == src
    assert "260 家企业" in book.app.alerts[-1]
    assert f.SEI_ENTERPRISES("全市", None, type("Caller", (), {"sheet": type("S", (), {"book": book})()})()) == 260
    written = macros.write_summary(book)
    assert written == ["表1", "表2", "表3", "结构", "说明", "合计数据"]
    assert [s.name for s in book.sheets][:2] == ["分析", "xltools配置"]
    book.save()
    # LibreOffice recalculates the formulas written through the xlwings target: they equal the
    # values `xltools summary` caches for the same source, cell by cell.
    reference = tmp_path / "参照.xlsx"
    assert run_cli("summary", src, "-o", reference, "--by", "county").returncode == 0
    lo_copy = libreoffice.recalculated(book.fullname, tmp_path / "lo")
    recalculated = formula_cells(lo_copy)
    expected = formula_cells(reference)
    written = formula_cells(book.fullname)
    common = [k for k in expected if k[0] in ("表1", "表2", "表3", "结构")]
    assert len(common) > 200
    for key in common:
        assert key in recalculated, key
        assert same(recalculated[key][1], expected[key][1]), (key, recalculated[key], expected[key])
        assert written[key][0] == expected[key][0]  # the same formula text from both targets
    assert values(lo_copy)["表2"][:14] == values(reference)["表2"][:14]  # titles, headers, names and figures
    # 刷新指标: re-reads the file after it changed on disk and recalculates.
    sample_export(tmp_path, n=90, seed=9)
    calculations = book.app.calculations
    entry = macros.refresh_indicators(book)
    assert entry.info.enterprises == 90 and book.app.calculations == calculations + 1
    assert sha256(src) != before  # (the test replaced it; the macros never write to a source)


def test_validate_data_lists_errors_with_locations_and_warnings(analysis_book, tmp_path):
    book = analysis_book
    head = ["统一社会信用代码", "单位名称", "战新产业类别", "营业收入本期", "营业收入上年同期", "营业成本本期", "利润总额本期"]
    bad = write_csv(tmp_path / "坏2022年1-12月.csv", [head, ["A1", "=1+1公司", "新材料", "12,3a", 1, 1, 1],
                                                     ["A2", "乙厂", "火星产业", 5, 4, 3, 1]])
    before = sha256(bad)
    macros.set_source(book, bad)
    assert book.app.alerts[-1].startswith("无数据：坏2022年1-12月.csv") and "校验数据" in book.app.alerts[-1]
    rows = macros.validate_data(book)
    assert ["错误", "坏2022年1-12月.csv", "坏2022年1-12月", 2, "营业收入本期[D列]", "12,3a", "不是数字"] in rows
    assert any(r[0] == "错误" and r[3] == 3 and "火星产业" in r[5] for r in rows)
    assert "发现 2 处输入错误" in book.app.alerts[-1]
    sheet = book.sheets["校验结果"]
    assert sheet.range("A1").value == "类型" and sheet.range("A2").value == "错误"
    assert sha256(bad) == before
    good = write_csv(tmp_path / "好2022年1-12月.csv", [head, ["A1", "=1+1公司", "新材料", 10, 8, 12, 1],
                                                      ["A2", "乙厂", "", 5, 4, 3, 1]])
    macros.set_source(book, good)
    rows = macros.validate_data(book)
    assert ["警告", "好2022年1-12月.csv", "好2022年1-12月", 2, "", "=1+1公司", "营业成本高于营业收入"] in rows
    book.save()
    import openpyxl

    ws = openpyxl.load_workbook(book.fullname)["校验结果"]
    names = [ws.cell(r, 6) for r in range(2, ws.max_row + 1)]
    assert any(c.value == "=1+1公司" and c.data_type == "s" for c in names)  # text, not a formula


def test_macros_report_problems_in_a_message_box(analysis_book, tmp_path):
    book = analysis_book
    assert macros.refresh_indicators(book) is None
    assert book.app.alerts[-1].startswith("无数据：未设置数据源")
    assert macros.set_source(book, str(tmp_path / "没有.xlsx")) is None
    assert "找不到数据文件" in book.app.alerts[-1]
    macros.write_tracker(book)
    assert book.app.alerts[-1].startswith("无数据：未设置项目台账")
    macros.write_report(book)
    assert all("Traceback" not in a for a in book.app.alerts)


def test_tracker_into_an_open_workbook_equals_the_cli_tracker(analysis_book, tmp_path, libreoffice):
    import datetime as dt

    book = analysis_book
    ledger = os.path.join(HERE, "..", "workbooks", "samples", "ledger_2022.xlsx")
    macros.set_source(book, sample_export(tmp_path), ledger=ledger)
    assert book.sheets["xltools配置"].range("A3").value == "项目台账"
    written = macros.write_tracker(book, dt.date(2022, 12, 31))
    assert written == ["项目总览", "子项明细", "汇总", "图表", "校验"] and "7 个项目" in book.app.alerts[-1]
    book.save()
    reference = tmp_path / "参照.xlsx"
    assert run_cli("tracker", ledger, "-o", reference, "--as-of", "2022-12-31").returncode == 0
    recalculated = formula_cells(libreoffice.recalculated(book.fullname, tmp_path / "lo"))
    expected = formula_cells(reference)
    assert len(expected) > 100
    for key, (formula, value) in expected.items():
        assert same(recalculated[key][1], value), (key, recalculated[key], value)


def test_install_check_uninstall(tmp_path, monkeypatch):
    home = tmp_path / "home"
    env = {"HOME": str(home)}
    folder = tmp_path / "XLSTART"
    proc = run_cli_env(env, "addin", "install", "--dir", folder, "--interpreter", sys.executable)
    assert proc.returncode == 0, proc.stderr
    assert (folder / "xltools.xlam").exists()
    conf = (home / ".xltools" / "xltools.conf").read_text(encoding="utf-8")
    assert f'"INTERPRETER_WIN","{sys.executable}"' in conf and '"UDF MODULES","udfs.functions"' in conf
    # A user's own source line survives a reinstall; the file stays in the form VBA's Input # reads.
    (home / ".xltools" / "xltools.conf").write_text(conf + '"SOURCE","D:\\统计\\x.xlsx"\r\n', encoding="utf-8")
    assert run_cli_env(env, "addin", "install", "--dir", folder, "--interpreter", sys.executable).returncode == 0
    conf = (home / ".xltools" / "xltools.conf").read_text(encoding="utf-8")
    assert '"SOURCE","D:\\统计\\x.xlsx"' in conf
    assert all(re.fullmatch(r'"[^"]+","[^"]*"', line) for line in conf.splitlines())
    check = run_cli_env(env, "addin", "check", "--dir", folder)
    assert "✓ 加载项：" in check.stdout and "✓ 加载项与本机安装的 xltools、xlwings 版本一致" in check.stdout
    assert "✓ UDF MODULES：udfs.functions" in check.stdout and "✓ Python 解释器" in check.stdout
    assert "✗ 数据源" in check.stdout and "办法" in check.stdout and check.returncode == 2  # something to fix
    proc = run_cli_env(env, "addin", "uninstall", "--dir", folder)
    assert proc.returncode == 0 and not (folder / "xltools.xlam").exists()
    check = run_cli_env(env, "addin", "check", "--dir", folder)
    assert "✗ 加载项" in check.stdout and check.returncode == 2
    (home / "data.xlsx").write_bytes(b"")
    with open(home / ".xltools" / "xltools.conf", "a", encoding="utf-8", newline="") as fh:
        fh.write(f'"SOURCE","{home / "data.xlsx"}"\r\n')
    assert run_cli_env(env, "addin", "install", "--dir", folder, "--interpreter", sys.executable).returncode == 0
    check = run_cli_env(env, "addin", "check", "--dir", folder)
    assert f"✓ 数据源：{home / 'data.xlsx'}" in check.stdout
    marks = [line[0] for line in check.stdout.splitlines() if line[:1] in "✓✗"]
    on_excel_os = sys.platform in ("win32", "darwin")
    assert marks == ["✓" if on_excel_os else "✗"] + ["✓"] * (len(marks) - 1), check.stdout
    assert check.returncode == (0 if on_excel_os else 2)  # here only the operating system is missing


def run_cli_env(env, *args):
    full = dict(os.environ, PYTHONIOENCODING="utf-8", **env)
    return subprocess.run([sys.executable, "-m", "xltools", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", env=full)


def test_report_into_an_open_workbook(analysis_book):
    book = analysis_book
    ledger = os.path.join(HERE, "..", "workbooks", "samples", "ledger_2022.xlsx")
    macros.set_source(book, os.path.join(HERE, "..", "workbooks", "samples", "bureau_2022.xlsx"), ledger=ledger)
    text = macros.write_report(book)
    with open(os.path.join(HERE, "golden", "report_2022.md"), encoding="utf-8") as fh:
        assert text == fh.read()
    sheet = book.sheets["分析报告"]
    assert sheet.range("A1").value == "# 2022年全市战略性新兴产业发展现状".lstrip("# ")
    assert sheet.range("A2").value == "一、总体发展概况" and sheet.range("A3").value.startswith("2022年，全市")


# ---------------------------------------------------------------- the config file VBA reads

ZHANG = "C:\\Users\\张伟\\AppData\\Local\\Programs\\Python\\Python311\\python.exe"


def read_as_vba(data: bytes, code_page: str) -> dict[str, str]:
    """What `Input #f, key, value` reads from each line (xlwings' GetConfigFromFile): the bytes decoded in
    the ANSI code page, each line two quoted fields."""
    lines = data.decode(code_page).split("\r\n")
    assert lines[-1] == ""
    return dict(re.fullmatch(r'"([^"]*)","([^"]*)"', line).groups() for line in lines[:-1])


def cli(*args):
    from click.testing import CliRunner

    from xltools.cli import main

    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def code_page(monkeypatch, tmp_path):
    """The ANSI code page of the Windows the config is written for ("mbcs" there), and a home folder 张伟."""
    from udfs import engine

    def use(name):
        monkeypatch.setattr(engine, "config_encoding", lambda platform=None: name)

    monkeypatch.setenv("HOME", str(tmp_path / "张伟"))
    engine.CACHE.clear()
    yield use
    engine.CACHE.clear()


def test_config_is_written_and_read_in_the_code_page_of_input(code_page, tmp_path):
    """On a Chinese Windows (code page 936) the interpreter under C:\\Users\\张伟 is written so that VBA's
    Input # reads the same path; UTF-8, as written before, reads as mojibake there."""
    from udfs import engine

    code_page("cp936")
    folder = tmp_path / "XLSTART"
    result = cli("addin", "install", "--dir", folder, "--interpreter", ZHANG)
    assert result.exit_code == 0, result.output
    conf = tmp_path / "张伟" / ".xltools" / "xltools.conf"
    raw = conf.read_bytes()
    assert "张伟".encode("cp936") in raw and "张伟".encode("utf-8") not in raw
    assert read_as_vba(raw, "cp936") == {"INTERPRETER_WIN": ZHANG, "UDF MODULES": "udfs.functions"}
    assert ZHANG.encode("utf-8").decode("cp936", "replace") != ZHANG  # what Excel read before
    # A user's source line in the same code page: read by udfs.engine as VBA reads it, kept by a reinstall.
    source = "D:\\统计\\2022年1-12月规上工业.xlsx"
    conf.write_bytes(raw + f'"SOURCE","{source}"\r\n'.encode("cp936"))
    assert dict(engine.config_pairs(str(conf)))["SOURCE"] == source
    assert cli("addin", "install", "--dir", folder, "--interpreter", ZHANG).exit_code == 0
    assert read_as_vba(conf.read_bytes(), "cp936") == {"INTERPRETER_WIN": ZHANG, "UDF MODULES": "udfs.functions",
                                                       "SOURCE": source}
    assert f"Python 解释器（INTERPRETER_WIN）：{ZHANG}" in cli("addin", "check", "--dir", folder).output


def test_install_refuses_a_path_the_code_page_cannot_hold(code_page, tmp_path):
    code_page("cp1252")  # a Western-European Windows: 张伟 cannot be written for Input #
    folder = tmp_path / "XLSTART"
    result = cli("addin", "install", "--dir", folder, "--interpreter", ZHANG)
    assert result.exit_code == 2
    assert f"INTERPRETER_WIN 的值 {ZHANG} 含有本机代码页（cp1252）不能表示的字符“张伟”" in result.output
    assert "请把 Python 安装到路径中没有这些字符的文件夹" in result.output
    assert not folder.exists() and not (tmp_path / "张伟").exists()  # nothing written


def test_a_config_not_in_the_code_page_is_named_not_misread(code_page, tmp_path):
    from udfs import engine

    code_page("cp936")
    conf = tmp_path / "张伟" / ".xltools" / "xltools.conf"
    conf.parent.mkdir(parents=True)
    conf.write_bytes(b'"SOURCE","D:\\\xff\xff.xlsx"\r\n')  # no text in code page 936
    before = conf.read_bytes()
    result = cli("addin", "install", "--dir", tmp_path / "XLSTART", "--interpreter", sys.executable)
    assert result.exit_code == 2 and "不是按本机代码页（cp936）保存的" in result.output and "另存为" in result.output
    assert conf.read_bytes() == before and not (tmp_path / "XLSTART").exists()
    assert f.SEI_SOURCE().startswith(f"#无数据：配置文件 {conf} 不是按本机代码页（cp936）保存的")
    assert "✗ 配置文件" in cli("addin", "check", "--dir", tmp_path / "XLSTART").output
    engine.CACHE.clear()


def test_mac_config_is_where_the_vba_reads_it(tmp_path, monkeypatch, built):
    """Excel for Mac runs sandboxed: xlwings' GetConfigFilePath reads $HOME of the sandbox,
    ~/Library/Containers/com.microsoft.Excel/Data/xltools.conf, in UTF-8. install writes there and
    udfs.engine reads there."""
    from udfs import engine

    home = tmp_path / "张伟"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr(sys, "platform", "darwin")
    sandbox = home / "Library" / "Containers" / "com.microsoft.Excel" / "Data"
    assert engine.user_config_path() == addin.config_path() == str(sandbox / "xltools.conf")
    assert engine.config_encoding() == "utf-8" and engine.config_encoding("win32") == "mbcs"
    engine.CACHE.clear()
    result = cli("addin", "install", "--dir", tmp_path / "Startup", "--interpreter", "/Users/张伟/venv/bin/python")
    assert result.exit_code == 0, result.output
    raw = (sandbox / "xltools.conf").read_bytes()
    assert read_as_vba(raw, "utf-8") == {"INTERPRETER_MAC": "/Users/张伟/venv/bin/python", "UDF MODULES": "udfs.functions"}
    (sandbox / "xltools.conf").write_bytes(raw + '"SOURCE","/Users/张伟/统计/x.xlsx"\r\n'.encode("utf-8"))
    engine.CACHE.clear()
    assert engine.settings_from_file().source == "/Users/张伟/统计/x.xlsx"
    engine.CACHE.clear()
    # The VBA side, read back from the built add-in: the sandbox's home folder (not normalised away) / xltools.conf.
    xlwings_vba = module_sources(built)["xlwings"]
    assert 'Public Const PROJECT_NAME As String = "xltools"' in xlwings_vba
    config_path_vba = re.search(r"(?s)Function GetConfigFilePath\(\) As String(.*?)End Function", xlwings_vba).group(1)
    assert re.search(r'#If Mac Then\s+(?:\'.*\s+)?GetConfigFilePath = GetMacDir\("\$HOME", False\) & "/" & '
                     r'PROJECT_NAME & "\.conf"', config_path_vba)
    mac_dir = re.search(r"(?s)Function GetMacDir\(.*?End Function", xlwings_vba).group(0)
    assert re.search(r'If Normalize = True Then\s+(?:\'.*\s+)?GetMacDir = Replace\(GetMacDir, '
                     r'"/Library/Containers/com.microsoft.Excel/Data", ""\)', mac_dir)


# ---------------------------------------------------------------- a new user's everyday failures

def test_check_passes_without_a_source_in_the_config(tmp_path, monkeypatch):
    """On a machine set up as the README says (the source is chosen per workbook with 设置数据源), check
    exits 0: a source missing from the config is shown as a hint, not as something to fix. Excel for Mac
    stands for an Excel OS here (no pywin32 check); everything else is the real install and check."""
    from udfs import engine

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("XLTOOLS_SOURCE", raising=False)
    monkeypatch.delenv("XLTOOLS_LEDGER", raising=False)
    monkeypatch.setattr(sys, "platform", "darwin")
    engine.CACHE.clear()
    folder = tmp_path / "Startup"
    assert cli("addin", "install", "--dir", folder, "--interpreter", sys.executable).exit_code == 0
    result = cli("addin", "check", "--dir", folder)
    assert result.exit_code == 0, result.output
    assert "✗" not in result.output and "· 数据源：配置文件和环境变量中未设置" in result.output
    # A source that is set but missing is still a fault.
    conf = tmp_path / "home" / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "xltools.conf"
    conf.write_bytes(conf.read_bytes() + f'"SOURCE","{tmp_path / "gone.xlsx"}"\r\n'.encode("utf-8"))
    result = cli("addin", "check", "--dir", folder)
    assert result.exit_code == 2 and f"✗ 数据源：{tmp_path / 'gone.xlsx'}" in result.output
    engine.CACHE.clear()


def test_reinstall_hint_is_the_repository_install_not_pypi(tmp_path):
    """udfs.functions that cannot be imported (blocked in a real child process): the fix names the install
    from the repository folder, as xltools is not on PyPI."""
    code = ("import sys; sys.modules['udfs.functions'] = None\n"
            "from xltools.cli import main\n"
            f"main(['addin', 'check', '--dir', {str(tmp_path / 'XLSTART')!r}])")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8",
                          env=dict(os.environ, HOME=str(tmp_path), PYTHONIOENCODING="utf-8"))
    assert "✗ Python 中无法导入 udfs.functions" in proc.stdout, proc.stdout + proc.stderr
    assert "python -m pip install . pywin32" in proc.stdout and "没有发布到 PyPI" in proc.stdout
    assert "pip install xltools" not in proc.stdout and proc.returncode == 2


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="an OS without Excel")
def test_install_on_an_os_without_excel_is_a_usage_problem(tmp_path):
    proc = run_cli_env({"HOME": str(tmp_path)}, "addin", "install")
    assert proc.returncode == 2, proc.stderr  # not 1, which is an internal error
    assert "本机不是 Windows 或 macOS" in proc.stderr and "--dir" in proc.stderr and "内部错误" not in proc.stderr
    assert not (tmp_path / ".xltools").exists()


def test_install_and_build_name_the_wrong_folder_in_chinese(tmp_path):
    env = {"HOME": str(tmp_path / "home")}
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    procs = [proc := run_cli_env(env, "addin", "install", "--dir", a_file)]  # FileExistsError before
    assert proc.returncode == 2 and f"{a_file} 是一个文件，不是文件夹" in proc.stderr, proc.stderr
    procs.append(proc := run_cli_env(env, "addin", "install", "--dir", a_file / "XLSTART"))  # NotADirectoryError
    assert proc.returncode == 1 and f"无法创建文件夹 {a_file / 'XLSTART'}" in proc.stderr, proc.stderr
    if os.path.isdir("/proc/self"):  # a folder nobody can create one in, root included
        procs.append(proc := run_cli_env(env, "addin", "install", "--dir", "/proc/nope"))  # FileNotFoundError before
        assert proc.returncode == 1 and "无法创建文件夹 /proc/nope" in proc.stderr, proc.stderr
    procs.append(proc := run_cli_env(env, "addin", "build", "-o", tmp_path))  # IsADirectoryError's text before
    assert proc.returncode == 2 and f"{tmp_path} 是文件夹，请给出 .xlam 文件名" in proc.stderr, proc.stderr
    for p in procs:
        assert "内部错误" not in p.stderr and "Errno" not in p.stderr and "Traceback" not in p.stderr
    assert not (tmp_path / "home" / ".xltools").exists() and sorted(os.listdir(tmp_path)) == ["a-file"]


def test_uninstall_of_an_add_in_it_cannot_remove_says_close_excel(tmp_path):
    """Windows refuses to delete a file Excel has open (PermissionError). Here the same error comes from the
    file system itself: the add-in in a read-only folder, removed by an unprivileged process (root drops to
    nobody after the imports, as root may delete anything)."""
    import tempfile

    base = tempfile.mkdtemp(prefix="xltools-uninstall-")  # tmp_path's parents are private to root
    try:
        os.chmod(base, 0o755)
        folder = os.path.join(base, "XLSTART")
        os.mkdir(folder)
        with open(os.path.join(folder, "xltools.xlam"), "wb") as fh:
            fh.write(b"PK")
        os.chmod(folder, 0o555)
        code = ("import os, sys\n"
                "from xltools.cli import main\n"
                "import xltools.addin, xltools.errors, xltools.output, udfs.engine\n"
                "if os.getuid() == 0:\n"
                "    os.setgid(65534); os.setuid(65534)\n"
                f"main(['addin', 'uninstall', '--dir', {folder!r}])")
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8",
                              env=dict(os.environ, HOME=base, PYTHONIOENCODING="utf-8"))
        assert proc.returncode == 1, proc.stderr  # as every file that cannot be written or replaced
        assert f"无法删除加载项 {os.path.join(folder, 'xltools.xlam')}" in proc.stderr
        assert "请先关闭 Excel 再卸载" in proc.stderr and "内部错误" not in proc.stderr and "Errno" not in proc.stderr
        assert os.path.exists(os.path.join(folder, "xltools.xlam"))
    finally:
        os.chmod(os.path.join(base, "XLSTART"), 0o755)
        shutil.rmtree(base)


def test_a_legacy_utf8_config_is_named_and_repaired_by_install(code_page, tmp_path):
    """xltools before issue 15 wrote the config in UTF-8. C:\\Users\\张伟 in UTF-8 decodes in code page 936
    without error — as mojibake, which is what Excel reads. check names it; install rewrites it in the code
    page, keeping every setting."""
    from udfs import engine

    code_page("cp936")
    conf = tmp_path / "张伟" / ".xltools" / "xltools.conf"
    conf.parent.mkdir(parents=True)
    legacy = f'"INTERPRETER_WIN","{ZHANG}"\r\n"UDF MODULES","udfs.functions"\r\n'.encode("utf-8")
    conf.write_bytes(legacy)
    misread = legacy.decode("cp936")  # no error: nothing in the code page alone tells
    assert "张伟" not in misread and dict(engine.config_pairs(str(conf)))["INTERPRETER_WIN"] != ZHANG
    folder = tmp_path / "XLSTART"
    result = cli("addin", "check", "--dir", folder)
    assert result.exit_code == 2 and "看来是按 UTF-8 保存的" in result.output, result.output
    assert "重新运行 xltools addin install" in result.output
    # A UTF-8 source line too (this one does not decode in cp936: before, install refused and said to re-run it).
    source = "D:\\统计\\2022年1-12月规上工业.xlsx"
    conf.write_bytes(legacy + f'"SOURCE","{source}"\r\n'.encode("utf-8"))
    assert "看来是按 UTF-8 保存的" in cli("addin", "check", "--dir", folder).output
    result = cli("addin", "install", "--dir", folder, "--interpreter", ZHANG)
    assert result.exit_code == 0, result.output
    assert read_as_vba(conf.read_bytes(), "cp936") == {"INTERPRETER_WIN": ZHANG, "UDF MODULES": "udfs.functions",
                                                       "SOURCE": source}
    engine.CACHE.clear()
    result = cli("addin", "check", "--dir", folder)
    assert "UTF-8" not in result.output and "✓ 配置文件" in result.output, result.output
    engine.CACHE.clear()


def test_lines_input_would_misalign_are_flagged_and_rewritten(code_page, tmp_path):
    """udfs.engine reads `# comment` and `key = value` lines, VBA's `Input #f, key, value` reads fields: such
    a line shifts every key after it. check flags them; install rewrites every setting as "key","value"."""
    from udfs import engine

    code_page("cp936")
    conf = tmp_path / "张伟" / ".xltools" / "xltools.conf"
    conf.parent.mkdir(parents=True)
    text = (f'# 我的设置\r\n"INTERPRETER_WIN","{sys.executable}"\r\nsource = D:\\统计\\x.xlsx\r\n'
            '"UDF MODULES","udfs.functions"\r\n')
    conf.write_bytes(text.encode("cp936"))
    assert dict(engine.config_pairs(str(conf)))["source"] == "D:\\统计\\x.xlsx"  # what Python reads
    folder = tmp_path / "XLSTART"
    result = cli("addin", "check", "--dir", folder)
    assert result.exit_code == 2
    assert '✗ 配置文件中有 2 行不是 "键","值" 的形式（第 1 行 # 我的设置；第 3 行 source = D:\\统计\\x.xlsx）' \
        in result.output, result.output
    assert "重新运行 xltools addin install" in result.output
    assert cli("addin", "install", "--dir", folder, "--interpreter", sys.executable).exit_code == 0
    assert read_as_vba(conf.read_bytes(), "cp936") == {"INTERPRETER_WIN": sys.executable,
                                                       "source": "D:\\统计\\x.xlsx", "UDF MODULES": "udfs.functions"}
    assert "不是 \"键\",\"值\" 的形式" not in cli("addin", "check", "--dir", folder).output
    engine.CACHE.clear()
