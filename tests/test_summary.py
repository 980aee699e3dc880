"""`xltools summary`: live formulas recalculated by LibreOffice, publication layout, PDF render."""
from __future__ import annotations

import json
import os
import sys

import openpyxl
import pytest

import xltools
from helpers import run_cli
from workbook_reading import formula_cells, same, values
from xltools.disclosure import plan

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "workbooks", "samples"))
from make_sample import make_export  # noqa: E402

GROWTH = {"工业总产值": "output_value_growth", "工业增加值": "value_added_growth", "营业收入": "revenue_growth",
          "营业成本": "operating_cost_growth", "利润总额": "total_profit_growth"}
LEVEL = {"工业总产值": "output_value", "工业增加值": "value_added", "营业收入": "revenue", "利润总额": "total_profit"}


def plain(name: str) -> str:
    """工业增加值(增速为现价) -> 工业增加值: the indicator a labelled row or group is of."""
    return name.split("(增速为")[0]
WITHHELD, NULL = "…", "—"


def shown(cached, display: str, decimals_hint: str | None = None):
    """A cached cell value as the display text it must equal."""
    if isinstance(cached, str) or cached is None:
        return cached
    decimals = len(display.split(".")[1]) if "." in display else 0
    return f"{cached:.{decimals}f}"


class Engine:
    """The engine's figures for the same file: indicators JSON, plus the API for shares and differences."""

    def __init__(self, path, *args, by_county=False, **load):
        proc = run_cli("indicators", path, "--format", "json", *args)
        assert proc.returncode == 0, proc.stderr
        doc = json.loads(proc.stdout)
        self.display = {(r["scope"], r["name"]): r["display"] for r in doc["results"]}
        self.ids = {r["name"]: r["indicator"] for r in doc["results"]}
        self.results = xltools.compute(xltools.load(path, **load), by_county=by_county)
        self.withheld = plan(self.results).withheld

    def expect(self, scopes, text):
        return WITHHELD if any(s in self.withheld for s in scopes) else text

    def level(self, scope, name):
        return self.expect([scope], self.display[(scope, name)])

    def growth(self, scope, name):
        return self.expect([scope], self.display[(scope, self.results.get(scope, GROWTH[name]).name)])

    def share(self, name, scope, of):
        return self.expect([scope, of], self.results.share(self.ids[name], scope, of).display)

    def diff(self, iid, scope, ref):
        return self.expect([scope, ref], self.results.diff(iid, scope, ref).display)

    def pull(self, name, scope, of):
        return self.expect([scope, of], self.results.pull(LEVEL[name], scope, of).display)

    def contribution(self, name, scope, of):
        return self.expect([scope, of], self.results.contribution(LEVEL[name], scope, of).display)


def header_columns(grid, top: int):
    """(group, sub-header) per column from a two-row merged header starting at grid row `top`."""
    group, out = None, []
    flat = lambda text: text.replace("\n", "") if isinstance(text, str) else text  # noqa: E731  (units wrap)
    for c in range(len(grid[top])):
        up, down = flat(grid[top][c]), flat(grid[top + 1][c])
        if up is not None:
            group = up
        out.append((None, up) if down is None else (group, down))
    return out


def check_table1(grid, eng: Engine) -> int:
    checked = 0
    for row in grid[4:]:
        name = plain(row[0] or "")
        if not name or name.startswith("注") or name.startswith("“"):
            break
        iid = eng.ids[name]
        expected = {2: eng.level("all", name), 4: eng.level("sei", name)}
        if name in GROWTH:
            expected.update({3: eng.growth("all", name), 5: eng.growth("sei", name), 6: eng.share(name, "sei", "all"),
                             7: eng.diff(GROWTH[name], "sei", "all")})
        elif row[1] in ("个", "亿元"):
            expected[6] = eng.share(name, "sei", "all")
        elif iid.endswith(("_pull", "_contribution")):
            assert row[7] is None and row[8] is None, name  # parts of 全市: no difference
        else:
            expected[7] = eng.diff(iid, "sei", "all")
        for col, text in expected.items():
            assert shown(row[col], text) == text, (name, col, row[col], text)
            checked += 1
    return checked


def check_table2(grid, eng: Engine) -> int:
    cols = header_columns(grid, 2)
    checked = 0
    for row in grid[4:14]:
        total = row[0] == "战略性新兴产业合计"
        scope = "sei" if total else f"sector:{row[0]}"
        for c, (group, sub) in enumerate(cols[1:], start=1):
            group = plain(group) if group else group
            if group is None:
                text = eng.level(scope, "企业单位数")
            elif sub.startswith("本期"):
                text = eng.level(scope, group)
            elif sub == "同比增长(%)":
                text = eng.growth(scope, group)
            elif total:
                assert row[c] is None, (row[0], sub)
                continue
            elif sub == "占战新比重(%)":
                text = eng.share(group, scope, "sei")
            elif sub == "拉动战新增长(百分点)":
                text = eng.pull(group, scope, "sei")
            elif sub == "对战新增长贡献率(%)":
                text = eng.contribution(group, scope, "sei")
            elif sub.startswith("增速比战新"):
                text = eng.diff(GROWTH[group], scope, "sei")
            else:
                text = eng.diff(eng.ids[group], scope, "sei")
            assert shown(row[c], text) == text, (row[0], group, sub, row[c], text)
            checked += 1
    return checked


def check_table3(grid, eng: Engine) -> int:
    cols = header_columns(grid, 2)
    names = {"企业单位数(个)": "企业单位数", "工业总产值(亿元)": "工业总产值", "利润总额(亿元)": "利润总额",
             "营业收入利润率(%)": "营业收入利润率"}
    checked = 0
    for row in grid[4:]:
        if not row[0] or row[0].startswith("注"):
            break
        a, b = ("all", "sei") if row[0] == "全市" else (f"county:{row[0]}", f"county:{row[0]}/sei")
        for c, (group, sub) in enumerate(cols[1:], start=1):
            scope = a if group == "规模以上工业" else b
            if sub in names:
                text = eng.level(scope, names[sub])
            elif sub == "同比增长(%)":
                text = eng.growth(scope, "工业总产值")
            else:
                text = eng.share("工业增加值", b, a)
            assert shown(row[c], text) == text, (row[0], group, sub, row[c], text)
            checked += 1
    return checked


CASES = {
    "1-12月分县区": dict(n=400, seed=11, title="2022年1-12月", args=["--by", "county"], load={}, county=True),
    "1-10月日历天数": dict(n=150, seed=5, title="2022年1-10月", args=["--calendar-days"],
                       load={"calendar_days": True}, county=False),
}


@pytest.mark.parametrize("case", list(CASES))
def test_libreoffice_recalculates_every_figure_to_the_cached_and_the_engine_value(tmp_path, libreoffice, case):
    c = CASES[case]
    src = make_export(str(tmp_path / f"{c['title']}.xlsx"), n=c["n"], seed=c["seed"], period_title=c["title"])
    out = tmp_path / "汇总.xlsx"
    proc = run_cli("summary", src, "-o", out, *c["args"])
    assert proc.returncode == 0, proc.stderr
    cells = formula_cells(out)
    recalculated = formula_cells(libreoffice.recalculated(out, tmp_path / "lo"))
    assert len(cells) > 150 and cells.keys() == recalculated.keys()
    differ = [(k, v[1], recalculated[k][1]) for k, v in cells.items() if not same(v[1], recalculated[k][1])]
    assert differ == []
    # The cached values are the engine's: the indicators JSON and the API, figure by figure.
    eng = Engine(src, *c["args"], by_county=c["county"], **c["load"])
    grids = values(out)
    checked = check_table1(grids["表1"], eng) + check_table2(grids["表2"], eng)
    if c["county"]:
        checked += check_table3(grids["表3"], eng)
    assert checked > 150


def test_libreoffice_really_recalculates(tmp_path, libreoffice):
    """The harness itself: a wrong cached value comes back corrected, so the comparison above can fail."""
    import xlsxwriter

    path = tmp_path / "wrong.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("s")
    ws.write_number(0, 0, 2)
    ws.write_formula(0, 1, "=ROUND(A1/3*100,2)", None, 999)
    ws.write_formula(0, 2, "=ROUND(6.085,2)", None, 0)  # half away from zero on the decimal value
    wb.close()
    got = formula_cells(libreoffice.recalculated(path, tmp_path / "lo"))
    assert got[("s", "B1")][1] == 66.67 and got[("s", "C1")][1] == 6.09


def test_publication_layout(tmp_path):
    out = tmp_path / "s.xlsx"
    assert run_cli("summary", "-o", out).returncode == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["表1", "表2", "图表", "结构", "说明", "合计数据"]
    structure = wb["结构"]  # one header row; on one A4 page across
    assert structure.page_setup.orientation == "landscape" and 90 <= (structure.page_setup.scale or 100) <= 100
    assert structure.print_title_rows == "$3:$3" and structure.freeze_panes == "B4"
    for name in ("表1", "表2"):
        ws = wb[name]
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
        # Never fitted to the page (that shrinks without limit): a fixed scale of at least 90 %.
        assert not (ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
        assert 90 <= (ws.page_setup.scale or 100) <= 100
        assert ws.print_title_rows == "$3:$4" and ws.freeze_panes == "B5"
        assert ws["A1"].font.name == "宋体" and ws["A1"].font.b
        assert "A1:" in " ".join(str(m) for m in ws.merged_cells.ranges)
        assert ws["A2"].value == "2022年1-12月" and ws.cell(2, ws.max_column).value == "金额单位：亿元"
    assert wb["表1"].print_title_cols is None and wb["表2"].print_title_cols == "$A:$A"  # 表2 spreads across
    t1 = wb["表1"]
    assert [t1.cell(3, c).value for c in (1, 2, 3, 5, 8)] == ["指标名称", "计量单位", "全市规模以上工业", "战略性新兴产业",
                                                             "战新产业比全市高(+)低(−)"]
    assert t1["C9"].number_format == "0.00" and t1["D9"].number_format == "0.0"  # 工业总产值 亿元, growth %
    from xltools.xlsx import text_width

    labels = [t1.cell(r, 1).value for r in range(5, t1.max_row + 1) if t1.cell(r, 2).value]
    assert "对全市规上工业增加值增长的贡献率(现价)" in labels  # the longest label fits column A, not cut off
    assert t1.column_dimensions["A"].width > max(map(text_width, labels))
    formula = t1["E14"].value  # 营业收入利润率, 战新
    assert formula.startswith("=IF(") and "ROUND(" in formula and "'合计数据'!" in formula
    assert len(wb["图表"]._charts) == 2
    notes = [r[0] for r in wb["说明"].iter_rows(values_only=True) if r[0]]
    assert any("bureau_2022.xlsx" in str(n) for n in notes) and any("营业收入利润率" == n for n in notes)
    assert any("不公布" in str(n) for n in notes)


def _pages(libreoffice, workbook, folder):
    return libreoffice.printed_text(libreoffice.to_pdf(workbook, folder))


def _broken_headers(lines: list[str]) -> list[tuple[str, str]]:
    """Header lines (short ones: body text wraps where it must) that end inside a bracket continued on the next
    line (工业总产值(上年同 / 期)), and lines that start with one character cut from the word before its unit
    (利润总额占战新比 / 重(%))."""
    import re

    broken = [("", line) for line in lines if re.match(r"[\u4e00-\u9fff](\([^)]*\)|（[^）]*）|[)）])(\s|$)", line)]
    for a, b in zip(lines, lines[1:]):
        depth = 0
        for ch in a:
            depth = depth + (ch in "(（") - (ch in ")）" and depth > 0)
        first = (b.split() or [""])[0]
        closes = [first.index(c) for c in ")）" if c in first]
        opens = [first.index(c) for c in "(（" if c in first]
        if len(a) <= 20 and depth > 0 and closes and min(closes) < min(opens, default=len(first)):
            broken.append((a, b))
    return broken


@pytest.mark.parametrize("paper, width", [("A4", 841.9), ("A3", 1190.6)])
def test_printed_at_9_points_or_more_with_headers_repeated(tmp_path, libreoffice, paper, width):
    """Every sheet of the summary (with 表3) and of the tracker, printed by LibreOffice: no text under 9 pt on
    any page, header lines break where they were written to, and a table that continues on another page
    repeats its header (and, spread across, its row labels)."""
    summary, tracker = tmp_path / "s.xlsx", tmp_path / "t.xlsx"
    assert run_cli("summary", "-o", summary, "--by", "county", "--paper", paper).returncode == 0
    assert run_cli("tracker", "-o", tracker, "--paper", paper).returncode == 0
    pages = _pages(libreoffice, summary, tmp_path / "lo") + _pages(libreoffice, tracker, tmp_path / "lo")
    for number, (page_width, text, pieces) in enumerate(pages, start=1):
        assert abs(page_width - width) < 1
        smallest = min(pieces)
        assert smallest[0] >= 9, (number, smallest)
        lines = [line.strip() for line in text.splitlines()]
        assert not {"点)", "点）", ")", "）"} & set(lines), (number, text)  # a unit is "(%)" or "(百分点)" whole
        assert not _broken_headers(lines), (number, _broken_headers(lines))
    texts = [text for _, text, _ in pages]
    definitions = [t for t in texts if "指标 计量单位 计算公式 小数位数" in t]
    sums = [t for t in texts if "各范围企业数据合计" in t]
    assert len(definitions) >= 2 or paper == "A3"  # 说明's definitions continue with their header
    assert len(sums) >= 2 and all("范围" in t and "战略性新兴产业" in t for t in sums)  # across, labels repeated
    if paper == "A4":
        table2 = [t for t in texts if "产业类别" in t and "战略性新兴产业合计" in t and "新材料产业" in t]
        assert len(table2) >= 2  # 表2 over pages across, 产业类别 and the categories on each
        overview = [t for t in texts if "重点投资项目进度总览" in t]
        assert len(overview) >= 2 and all("镍冶炼系统提质增效升级改造项目" in t for t in overview)
    table2 = [t for t in texts if "产业类别" in t and "战略性新兴产业合计" in t and "新材料产业" in t]
    table3 = [t for t in texts if "县区" in t and "全市" in t and "镍都区" in t]
    assert table2 and table3
    for page in table2:  # whole groups on each page: a group header over every group's first column 本期
        groups = [w for w in page.split() if plain(w) in LEVEL or w == "营业收入利润率"]
        assert len(groups) == page.split().count("本期"), page
    for page in table3:
        groups = [w for w in page.split() if w in ("规模以上工业", "其中：战略性新兴产业")]
        assert len(groups) == page.split().count("企业单位数"), page
    # Notes print once and whole: the first sentence of each table's note on a page, and no page with its start
    # alone (a note merged from the repeated column A printed a cut-off piece of it on every page).
    joined = ["".join(t.split("\n")) for t in texts]
    for sentence in ["注：1. 增长速度按可比口径计算（本期企业与其上年同期数据比较）。",
                     "注：1. 占战新比重为本产业占战略性新兴产业合计的比重；增速和利润率的高低为与战略性新兴产业合计比较。",
                     "注：县区按数据中的县(区)列汇总；“—”表示不适用或无法计算。",
                     "本表是表1—表3全部公式的计算依据：每个指标都是对本表单元格的公式。"]:
        assert sum(sentence in t for t in joined) == 1, sentence
        assert sum(sentence[:8] in t for t in joined) == 1, sentence
