"""The Excel functions, called as Excel calls them: scalars, None for empty cells, 2-D lists for ranges.

Values must equal the CLI's `indicators` JSON for the same file, scope by scope."""
from __future__ import annotations

import json
import os
import sys
import threading
import time

import openpyxl
import pytest

import xltools
from helpers import run_cli, write_csv
from workbook_reading import values

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "workbooks", "samples"))
from make_sample import make_export  # noqa: E402

import udfs.functions as f  # noqa: E402
from udfs import engine  # noqa: E402
from xltools.indicators import indicators  # noqa: E402


@pytest.fixture(autouse=True)
def clean(monkeypatch, tmp_path):
    """No configured source from the machine: each test sets its own; the cache starts empty."""
    for var in engine.ENV.values():
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    engine.CACHE.clear()
    yield
    engine.CACHE.clear()


@pytest.fixture(scope="module")
def export(tmp_path_factory):
    path = make_export(str(tmp_path_factory.mktemp("src") / "2022年1-12月规上工业.xlsx"), n=220, seed=17)
    proc = run_cli("indicators", path, "--by", "county", "--format", "json", "--no-suppress")  # the UDFs show all
    assert proc.returncode == 0, proc.stderr
    return path, json.loads(proc.stdout)


def as_excel_passes(path) -> list[list]:
    """A sheet's cells as Excel hands a range to a UDF: numbers as floats, empty (and merged) cells None."""
    ws = openpyxl.load_workbook(path).worksheets[0]
    return [[float(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in row]
            for row in ws.iter_rows(values_only=True)]


def scope_text(scope: str):
    """What a statistician types for a scope id."""
    if scope == "all":
        return "全市"
    if scope == "sei":
        return None
    kind, _, name = scope.partition(":")
    if kind == "sector":
        return name.removesuffix("产业") if name != "相关服务业" else name
    return name.replace("/sei", "战新")


def shown(value, display: str):
    if isinstance(value, str):
        return value
    decimals = len(display.split(".")[1]) if "." in display else 0
    return f"{value:.{decimals}f}"


def test_every_function_equals_the_cli_json_for_every_scope(export, monkeypatch):
    path, doc = export
    monkeypatch.setenv("XLTOOLS_SOURCE", path)
    excel = {i.id: i.excel for i in indicators()}
    checked = 0
    for r in doc["results"]:
        fn = getattr(f, excel[r["indicator"]])
        got = fn(scope_text(r["scope"]))
        assert shown(got, r["display"]) == r["display"], (r["scope"], r["indicator"], got, r["display"])
        # The same through SEI_INDICATOR, by Chinese name and by id, and unrounded.
        assert f.SEI_INDICATOR(r["name"], r["scope"]) == got
        exact = f.SEI_INDICATOR(r["indicator"], r["scope"], None, True)
        assert exact == (r["value"] if r["value"] is not None else "—")
        checked += 1
    n_indicators = len({r["indicator"] for r in doc["results"]})
    assert n_indicators == len(indicators()) - 2  # no 上年同期 of 产成品存货, 应收账款 in the sample: no changes of days
    assert checked == len(doc["results"]) == 19 * n_indicators  # all, sei, 9 sectors, 4 counties and their sei
    assert engine.CACHE.builds == 1  # one parse for every call above


def test_a_range_gives_the_same_numbers_as_the_file(export, monkeypatch):
    path, doc = export
    grid = as_excel_passes(path)
    wanted = {(r["scope"], r["indicator"]): r["display"] for r in doc["results"]}
    for scope in ("all", "sei", "sector:新材料产业", "county:永安县", "county:永安县/sei"):
        for ind in indicators():
            if (scope, ind.id) not in wanted:
                continue
            got = getattr(f, ind.excel)(scope, grid)
            assert shown(got, wanted[(scope, ind.id)]) == wanted[(scope, ind.id)]
    # A range is parsed once too; a changed range is a different source.
    builds = engine.CACHE.builds
    f.SEI_PROFIT_MARGIN(None, grid)
    assert engine.CACHE.builds == builds
    grid[5][12] = (grid[5][12] or 0) + 1000.0
    f.SEI_PROFIT_MARGIN(None, grid)
    assert engine.CACHE.builds == builds + 1


def test_gap_share_table_category_source(export, monkeypatch, tmp_path):
    path, _ = export
    monkeypatch.setenv("XLTOOLS_SOURCE", path)
    r = xltools.compute(xltools.load(path), by_county=True)
    assert f.SEI_GAP("营业收入利润率") == float(r.diff("profit_margin", "sei", "all").display)
    assert f.SEI_GAP("profit_margin", "新材料") == float(r.diff("profit_margin", "sector:新材料产业", "sei").display)
    assert f.SEI_GAP("资产负债率", "sei", "全市") == float(r.diff("debt_ratio", "sei", "all").display)
    assert f.SEI_GAP("产成品存货周转天数", "永安县战新") == \
        float(r.diff("inventory_turnover_days", "county:永安县/sei", "county:永安县").display)
    assert f.SEI_SHARE("工业增加值", "新材料") == float(r.share("value_added", "sector:新材料产业", "sei").display)
    assert f.SEI_SHARE("增加值") == float(r.value("sei", "value_added_share").__format__(".1f"))
    assert f.SEI_SHARE("利润总额", "永安县战新") == float(r.share("total_profit", "county:永安县/sei", "county:永安县").display)
    # SEI_TABLE spills the summary's 表1 / 表2: the same values as the workbook `xltools summary` writes.
    out = tmp_path / "s.xlsx"
    assert run_cli("summary", path, "-o", out).returncode == 0
    for name in ("表1", "表2"):
        sheet = values(out)[name]
        table = f.SEI_TABLE(name)
        body = [[None if v == "" else v for v in row] for row in table[2:]]
        assert body == [row[:len(body[0])] for row in sheet[4:4 + len(body)]]
        assert table[0][0] in ("指标名称", "产业类别")
    assert f.SEI_TABLE(2.0) == f.SEI_TABLE("表2")
    assert "…" in [v for row in f.SEI_TABLE("表2") for v in row]
    assert "…" not in [v for row in f.SEI_TABLE("表2", None, False) for v in row]
    assert f.SEI_TABLE("表3")[0][0] == "县区"
    assert f.SEI_CATEGORY("3216") == "新材料产业" and f.SEI_CATEGORY(3216.0) == "新材料产业"
    assert f.SEI_CATEGORY("C3110") == "非战略性新兴产业" and f.SEI_CATEGORY("新能源") == "新能源产业"
    assert f.SEI_CATEGORY(6.0) == "新能源产业"
    src = f.SEI_SOURCE()
    assert "2022年1-12月规上工业.xlsx" in src and "2022年1-12月" in src and "220 家企业" in src


def test_error_paths_are_short_chinese_messages(export, monkeypatch, tmp_path):
    path, _ = export
    assert f.SEI_PROFIT_MARGIN().startswith("#无数据：未设置数据源")
    monkeypatch.setenv("XLTOOLS_SOURCE", str(tmp_path / "没有.xlsx"))
    assert f.SEI_PROFIT_MARGIN().startswith("#无数据：找不到数据文件")
    broken = tmp_path / "坏.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    monkeypatch.setenv("XLTOOLS_SOURCE", str(broken))
    message = f.SEI_PROFIT_MARGIN()
    assert message.startswith("#无数据：坏.xlsx") and "Traceback" not in message
    monkeypatch.setenv("XLTOOLS_SOURCE", path)
    assert f.SEI_PROFIT_MARGIN("火星").startswith("#参数错误：未知范围“火星”")
    assert "永安县" in f.SEI_PROFIT_MARGIN("火星")
    assert f.SEI_INDICATOR("利润").startswith("#参数错误：未知指标") and f.SEI_INDICATOR(None).startswith("#参数错误")
    assert f.SEI_SHARE("营业收入利润率").startswith("#参数错误：“营业收入利润率”不是总量指标")
    assert f.SEI_TABLE("表9").startswith("#参数错误：未知的表")
    assert f.SEI_CATEGORY("火星").startswith("#参数错误") and f.SEI_CATEGORY(None).startswith("#参数错误")
    # A range: empty; without a period in its title; with a bad cell; without value-added columns.
    assert f.SEI_PROFIT_MARGIN(None, [[None, None], [None, None]]) == "#无数据：所选区域是空的"
    assert f.SEI_PROFIT_MARGIN(None, None) != "#无数据：所选区域是空的"
    table = [["统一社会信用代码", "单位名称", "战新产业类别", "营业收入本期", "营业收入上年同期", "营业成本本期", "利润总额本期"],
             ["A1", "甲厂", "新材料", 100.0, 90.0, 80.0, 7.0], ["A2", "乙厂", None, 50.0, 40.0, 45.0, 2.0]]
    assert f.SEI_PROFIT_MARGIN(None, table).startswith("#无数据：") and "报告期" in f.SEI_PROFIT_MARGIN(None, table)
    titled = [["2022年1-12月规模以上工业企业"]] + table
    assert f.SEI_PROFIT_MARGIN(None, titled) == 7.0
    assert f.SEI_PROFIT_MARGIN("全市", titled) == 6.0
    assert f.SEI_VALUE_ADDED(None, titled).startswith("#无数据：缺少工业增加值")
    bad = [row[:] for row in titled]
    bad[2][3] = "12,3a"
    assert f.SEI_PROFIT_MARGIN(None, bad) == "#无数据：所选区域 › 第3行 › 营业收入本期[D列]：'12,3a' 不是数字"
    # A 1-D list (one row selected) is read as one row, and fails as a table without data.
    assert f.SEI_PROFIT_MARGIN(None, ["营业收入", 1.0]).startswith("#无数据：")


def test_configuration_file_and_workbook(export, monkeypatch, tmp_path):
    path, _ = export
    home = tmp_path / "home" / ".xltools"
    home.mkdir(parents=True)
    (home / "xltools.conf").write_text(f"# 数据源\nsource = {path}\nperiod = 2022\n", encoding="utf-8")
    assert f.SEI_PROFIT_MARGIN() == float(xltools.compute(xltools.load(path)).get("sei", "profit_margin").display)
    assert "配置文件" in f.SEI_SOURCE()

    class Range:
        def __init__(self, value):
            self.value = value

    class Sheet:
        def __init__(self, name, rows=None):
            self.name, self.rows = name, rows

        def range(self, address):
            return Range(self.rows)

    class Sheets(list):
        def __getitem__(self, key):
            return next(s for s in self if s.name == key) if isinstance(key, str) else list.__getitem__(self, key)

    class Name:
        def __init__(self, value):
            self.refers_to_range = Range(value)

    class Book:
        def __init__(self, fullname, sheets, names):
            self.fullname, self.name = fullname, os.path.basename(fullname)
            self.sheets, self.names = Sheets(sheets), names

    class Caller:
        def __init__(self, book):
            self.sheet = Sheet("分析")
            self.sheet.book = book

    folder = os.path.dirname(path)
    other = make_export(os.path.join(folder, "另一份2022年1-12月.xlsx"), n=80, seed=99)
    # A config sheet with a path relative to the workbook.
    book = Book(os.path.join(folder, "分析.xlsx"), [Sheet("分析"), Sheet("xltools配置", [["数据文件", "另一份2022年1-12月.xlsx"],
                                                                               ["报告期", None]])], {})
    assert f.SEI_ENTERPRISES("全市", None, Caller(book)) == 80
    # A name SEI_SOURCE holding the path.
    engine.CACHE.clear()
    book = Book(os.path.join(folder, "分析2.xlsx"), [Sheet("分析")], {"SEI_SOURCE": Name(other)})
    assert f.SEI_ENTERPRISES("全市", None, Caller(book)) == 80
    assert "名称 SEI_SOURCE" in f.SEI_SOURCE(None, Caller(book))
    # No config in the workbook: the user config file.
    engine.CACHE.clear()
    book = Book(os.path.join(folder, "分析3.xlsx"), [Sheet("分析")], {})
    assert f.SEI_ENTERPRISES("全市", None, Caller(book)) == 220


def test_cache_is_one_parse_under_concurrent_calls_and_rereads_a_changed_file(tmp_path, monkeypatch):
    path = make_export(str(tmp_path / "2022年1-12月.xlsx"), n=120, seed=5)
    monkeypatch.setenv("XLTOOLS_SOURCE", path)
    single = f.SEI_PROFIT_MARGIN("全市")
    engine.CACHE.clear()
    results, errors = [], []

    def call():
        try:
            for _ in range(25):
                results.append((f.SEI_PROFIT_MARGIN("全市"), f.SEI_ENTERPRISES()))
        except Exception as exc:  # pragma: no cover - the test fails on it
            errors.append(exc)

    threads = [threading.Thread(target=call) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(results) == 200
    assert {r[0] for r in results} == {single} and len({r[1] for r in results}) == 1
    assert engine.CACHE.builds == 1
    # The file changes on disk (a new export saved over it): the next call reads the new one.
    before = f.SEI_ENTERPRISES("全市")
    time.sleep(0.01)
    make_export(path, n=90, seed=6)
    assert f.SEI_ENTERPRISES("全市") == 90 != before
    assert engine.CACHE.builds == 2


def test_functions_as_excel_sees_them():
    """The Python attribute is the Excel name; every indicator has one; every argument is described in Chinese."""
    names = {i.excel for i in indicators()}
    assert names <= set(dir(f))
    extra = {"SEI_INDICATOR", "SEI_GAP", "SEI_SHARE", "SEI_TABLE", "SEI_CATEGORY", "SEI_SOURCE"}
    for name in names | extra:
        fn = getattr(f, name)
        assert fn.__name__ == name
        assert fn.__doc__ and any("\u4e00" <= ch <= "\u9fff" for ch in fn.__doc__)
        params = list(__import__("inspect").signature(fn).parameters)
        assert params[-1] == "caller" and list(fn.excel_args) == params[:-1]
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in doc) for doc in fn.excel_args.values())
    for name in names:
        assert list(getattr(f, name).excel_args) == ["scope", "data"]


def test_a_bureau_file_in_csv_with_counties(tmp_path, monkeypatch):
    rows = [["统一社会信用代码", "单位名称", "县区", "战新产业类别", "营业收入本期", "营业收入上年同期", "营业成本本期",
             "利润总额本期"],
            ["A1", "甲厂", "甲区", "新材料", 100, 90, 80, 7], ["A2", "乙厂", "乙县", "", 50, 40, 45, 2]]
    monkeypatch.setenv("XLTOOLS_SOURCE", write_csv(tmp_path / "2022年1-10月.csv", rows))
    assert f.SEI_ENTERPRISES("甲区") == 1 and f.SEI_PROFIT_MARGIN("甲区战新") == 7.0
    assert f.SEI_REVENUE_GROWTH("全市") == 15.4
