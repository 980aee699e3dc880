"""Structure indicators (issue 19) on hand tables: revenue concentration (top 1, top 3, HHI) with ties, one
enterprise and negative revenue; 中小微型 share with the size as codes and as labels, without the column, with
a bad value; new enterprises; what disclosure control withholds; the 结构 sheet recalculated by LibreOffice;
the report's 产业结构 paragraph; the SEI_ functions."""
from __future__ import annotations

import json

import openpyxl
import pytest

import xltools
from helpers import run_cli, write_csv, write_xlsx
from workbook_reading import formula_cells, same, values
from xltools.disclosure import plan
from xltools.errors import InputError

HEAD = ["单位名称", "战新产业类别", "规模代码", "开业年份", "营业收入本期", "营业收入上年同期", "利润总额本期"]
TITLE = ["2022年1-12月规模以上工业企业主要经济指标"]

# 新材料 (3): three tied at 100, two at 50, two at 0: base 400.
# 新能源 (6): four tied at 10.  生物 (4): one enterprise (withheld; 节能环保 (7), three of 5, with it).
# Not SEI: 440, 30, 20.
ROWS = [
    ["甲材料", "3", "1", 2010, 100, 90, 5],
    ["乙材料", "3", 2, 2015, 100, 80, 5],
    ["丙材料", "3", "中型企业", 2021, 100, 70, 5],      # opened last year: new although it had revenue
    ["丁材料", "3", "小型", 2020, 50, 40, 1],
    ["戊材料", "3", "3", None, 50, None, 1],            # no 上年同期 revenue: new
    ["己材料", "3", "微型企业", 2022, 0, 0, -1],         # opened this year, and 0 last year: new once
    ["庚材料", "3", "4", 2019, 0, 5, -2],               # no revenue: no share
    ["甲能源", "6", "1", 2001, 10, 9, 1],
    ["乙能源", "6", "２", 2002, 10, 9, 1],
    ["丙能源", "6", "2", 2003, 10, 9, 1],
    ["丁能源", "6", "2.0", 2004, 10, 9, 1],
    ["甲生物", "4", "3", 2005, 7, 6, 1],
    ["甲环保", "7", "3", 2005, 5, 4, 1],
    ["乙环保", "7", "3", 2005, 5, 4, 1],
    ["丙环保", "7", "3", 2005, 5, 4, 1],
    ["甲钢铁", None, "1", 1990, 440, 400, 20],
    ["乙钢铁", None, "2", 1990, 30, 20, 2],
    ["丙钢铁", None, "2", 1990, 20, 10, 2],
]
SECTOR = {"3": "sector:新材料产业", "6": "sector:新能源产业", "4": "sector:生物产业"}


def table(rows=ROWS, head=HEAD):
    return [TITLE, head] + [list(r) for r in rows]


@pytest.fixture
def hand(tmp_path):
    return write_xlsx(tmp_path / "2022年1-12月.xlsx", table())


def compute(path, **options):
    return xltools.compute(xltools.load(path, **options))


def test_concentration_with_ties_zero_revenue_and_one_enterprise(hand):
    r = compute(hand)
    material, energy, bio = SECTOR["3"], SECTOR["6"], SECTOR["4"]
    # Ties: the three at 100 are the top three whichever is taken; the ones without revenue hold no share.
    assert r.value(material, "revenue_top1_share") == pytest.approx(25.0)
    assert r.value(material, "revenue_top3_share") == pytest.approx(75.0)
    # HHI = 3 × 25² + 2 × 12.5² = 2187.5 exactly; published as 2188 (half up).
    assert r.value(material, "revenue_hhi") == 2187.5 and r.get(material, "revenue_hhi").display == "2188"
    assert (r.value(energy, "revenue_top1_share"), r.value(energy, "revenue_top3_share"),
            r.value(energy, "revenue_hhi")) == (25.0, 75.0, 2500.0)
    # One enterprise: it is the top one and the top three, HHI 10 000.
    assert (r.value(bio, "revenue_top1_share"), r.value(bio, "revenue_top3_share"),
            r.value(bio, "revenue_hhi")) == (100.0, 100.0, 10000.0)
    # 全市: 490 + 400 + 40 + 7 + 15 = 952 positive; top three 440, 100, 100.
    assert r.value("all", "revenue_top3_share") == pytest.approx(640 / 952 * 100)
    squares = 440 ** 2 + 30 ** 2 + 20 ** 2 + 3 * 100 ** 2 + 2 * 50 ** 2 + 4 * 10 ** 2 + 7 ** 2 + 3 * 5 ** 2
    assert r.value("all", "revenue_hhi") == pytest.approx(squares / 952 ** 2 * 10000)


def test_a_scope_of_zero_revenue_has_no_concentration(tmp_path):
    rows = [["甲公司", "3", "1", None, 0, 1, 1], ["乙公司", "3", "2", None, 0, 1, 1], ["丙公司", None, "2", None, 5, 4, 1]]
    r = compute(write_csv(tmp_path / "2022年1-12月.csv", table(rows)))
    assert r.get(SECTOR["3"], "revenue_hhi").display == "—"
    assert r.value(SECTOR["3"], "revenue_top3_share") is None


def test_sme_share_from_codes_and_labels_alike(tmp_path, hand):
    r = compute(hand)
    # 新材料: sizes 1, 2, 中型企业, 小型, 3, 微型企业, 4 -> six of seven are 中小微型.
    assert r.value(SECTOR["3"], "sme_share") == pytest.approx(6 / 7 * 100)
    # 新能源: 1, full-width ２, 2, 2.0 -> three of four.
    assert r.value(SECTOR["6"], "sme_share") == 75.0
    labels = {"1": "大型", "2": "中型", "3": "小型", "4": "微型"}
    as_labels = [r_[:2] + [labels[xltools.structure.size_code(r_[2])]] + r_[3:] for r_ in ROWS]
    again = compute(write_csv(tmp_path / "labels.csv", table(as_labels)))
    assert [x.value for x in again.results if x.indicator == "sme_share"] == \
        [x.value for x in r.results if x.indicator == "sme_share"]


def test_without_a_size_column_no_sme_share_and_a_note_that_says_why(tmp_path):
    head = [h for h in HEAD if h != "规模代码"]
    rows = [r[:2] + r[3:] for r in ROWS]
    path = write_csv(tmp_path / "2022年1-12月.csv", table(rows, head))
    r = compute(path)
    assert "sme_share" not in {i.id for i in r.computed}
    assert "缺少企业规模列，未计算：中小微型企业占比" in r.warnings
    assert r.value(SECTOR["3"], "revenue_hhi") == 2187.5  # the rest is computed
    doc = json.loads(run_cli("indicators", path, "--format", "json").stdout)
    assert not [x for x in doc["results"] if x["indicator"] == "sme_share"]
    assert "缺少企业规模列，未计算：中小微型企业占比" in doc["warnings"]


@pytest.mark.parametrize("size, year, message", [
    ("特大型", 2010, "'特大型' 不是企业规模（应为 1 大型、2 中型、3 小型、4 微型，或其名称）"),
    ("5", 2010, "'5' 不是企业规模"),
    (None, 2010, "企业规模为空"),
    ("1", "2023", "'2023' 开业年份晚于报告期（2022年）"),
    ("1", "去年", "'去年' 不是年份"),
])
def test_a_bad_size_or_year_is_a_located_input_error(tmp_path, size, year, message):
    rows = [list(r) for r in ROWS]
    rows[3][2], rows[3][3] = size, year
    path = write_xlsx(tmp_path / "2022年1-12月.xlsx", table(rows))
    with pytest.raises(InputError) as err:
        xltools.load(path)
    (issue,) = err.value.issues
    assert issue.row == 6 and message in str(issue)
    proc = run_cli("indicators", path)
    assert proc.returncode == 2 and "第6行" in proc.stderr + proc.stdout and "Traceback" not in proc.stderr


def test_opening_year_forms():
    from xltools.structure import opening_year

    assert [opening_year(t) for t in ("2021", "2021年", "2021.0", "2021-05", "2021年5月", "2021/5/1",
                                      "2021-05-01 00:00:00", "２０２１")] == [2021] * 8
    assert [opening_year(t) for t in ("21", "2021-13", "去年", "202105")] == [None] * 4


def test_new_enterprises_by_last_year_revenue_and_opening_year(hand, tmp_path):
    r = compute(hand)
    material = SECTOR["3"]
    # 丙 (opened 2021), 戊 (no 上年同期), 己 (opened 2022 and 0 last year): three; revenue 100 + 50 + 0 of 400.
    assert r.value(material, "new_enterprises") == 3
    assert r.value(material, "new_enterprises_revenue_share") == 37.5
    assert r.value("all", "new_enterprises") == 3
    # Without the opening year only the revenue rule is left: 戊 and 己.
    head = [h for h in HEAD if h != "开业年份"]
    rows = [r_[:3] + r_[4:] for r_ in ROWS]
    plain = compute(write_csv(tmp_path / "no_year.csv", table(rows, head)), period="2022")
    assert plain.value(material, "new_enterprises") == 2


def test_disclosure_of_structure_figures(hand):
    r = compute(hand)
    d = plan(r)
    material, energy, bio = SECTOR["3"], SECTOR["6"], SECTOR["4"]
    assert d.is_withheld(bio) and not d.is_withheld(energy) and not d.is_withheld(material)
    # The largest enterprise's share is never published: times the published revenue it is that enterprise.
    assert all(d.is_figure_withheld(s.scope, "revenue_top1_share") for s in r.scopes if s.enterprises)
    # Top three of seven leave four: published; of four (新能源) they leave one enterprise: withheld.
    assert not d.is_figure_withheld(material, "revenue_top3_share")
    assert d.is_figure_withheld(energy, "revenue_top3_share")
    # New enterprises' revenue: 3 new and 4 others in 新材料 published; 0 new in 新能源 published (nothing to see).
    assert not d.is_figure_withheld(material, "new_enterprises_revenue_share")
    assert not d.is_figure_withheld(energy, "new_enterprises_revenue_share")
    # HHI, 中小微型 share and the count of new ones follow the scope.
    for iid in ("revenue_hhi", "sme_share", "new_enterprises"):
        assert not d.is_figure_withheld(material, iid) and d.is_figure_withheld(bio, iid)
    # No control asked: nothing withheld.
    assert not plan(r, enabled=False).figures


def test_new_revenue_share_of_few_new_enterprises_is_withheld(tmp_path):
    rows = [[f"企业{i}", "3", "2", 2000, 10 + i, 9 + i if i else None, 1] for i in range(6)]  # one new
    r = compute(write_csv(tmp_path / "2022年1-12月.csv", table(rows)))
    d = plan(r)
    assert r.value(SECTOR["3"], "new_enterprises") == 1
    assert d.is_figure_withheld(SECTOR["3"], "new_enterprises_revenue_share")
    assert not d.is_figure_withheld(SECTOR["3"], "new_enterprises")


def test_dominated_top_three_withheld_under_the_dominance_rule(tmp_path):
    from xltools.dominance import Rule

    revenues = [1000, 60, 50, 40, 30, 20, 10]   # the largest holds 1000/1110 = 90% of the top three
    rows = [[f"企业{i}", "3", "2", 2000, v, v, 1] for i, v in enumerate(revenues)]
    r = compute(write_csv(tmp_path / "2022年1-12月.csv", table(rows)))
    assert not plan(r).is_figure_withheld(SECTOR["3"], "revenue_top3_share")
    assert plan(r, dominance=Rule(1, 95.0)).is_figure_withheld(SECTOR["3"], "revenue_top3_share") is False
    ruled = plan(r, dominance=Rule(1, 85.0))
    assert ruled.is_withheld(SECTOR["3"]) or ruled.is_figure_withheld(SECTOR["3"], "revenue_top3_share")


def test_indicators_output_withholds_and_no_suppress_shows(hand):
    proc = run_cli("indicators", hand, "--format", "json")
    doc = json.loads(proc.stdout)
    got = {(x["scope"], x["indicator"]): x for x in doc["results"]}
    top1 = got[("sector:新材料产业", "revenue_top1_share")]
    assert top1["withheld"] and top1["value"] is None and top1["display"] == "…"
    assert got[("sector:新材料产业", "revenue_top3_share")]["display"] == "75.0"
    shown = json.loads(run_cli("indicators", hand, "--format", "json", "--no-suppress").stdout)
    assert {(x["scope"], x["indicator"]): x["display"] for x in shown["results"]}[
        ("sector:新材料产业", "revenue_top1_share")] == "25.0"
    text = run_cli("indicators", hand).stdout
    line = next(x for x in text.splitlines() if x.startswith("最大1家企业营业收入占比"))
    assert "25" not in line and line.count("…") == 3  # the difference of withheld figures too


def test_structure_sheet_without_control_has_every_figure_as_a_formula(tmp_path, libreoffice, hand):
    out = tmp_path / "内部.xlsx"
    assert run_cli("summary", hand, "-o", out, "--no-suppress").returncode == 0
    cells = {k: v for k, v in formula_cells(out).items() if k[0] == "结构"}
    recalculated = formula_cells(libreoffice.recalculated(out, tmp_path / "lo"))
    assert [k for k, v in cells.items() if not same(v[1], recalculated[k][1])] == []
    grid = values(out)["结构"]
    rows = {row[0]: row for row in grid[3:] if row[0]}
    assert rows["新材料产业"][3] == 25.0 and rows["生物产业"][3:6] == [100.0, 100.0, 10000]
    assert "…" not in {v for row in rows.values() for v in row}


def test_structure_sheet_recalculated_by_libreoffice(tmp_path, libreoffice, hand):
    out = tmp_path / "汇总.xlsx"
    proc = run_cli("summary", hand, "-o", out)
    assert proc.returncode == 0, proc.stderr
    cells = formula_cells(out)
    recalculated = formula_cells(libreoffice.recalculated(out, tmp_path / "lo"))
    mine = {k: v for k, v in cells.items() if k[0] == "结构"}
    assert len(mine) > 20
    assert [(k, v[1], recalculated[k][1]) for k, v in mine.items() if not same(v[1], recalculated[k][1])] == []
    grid = values(out)["结构"]
    header = grid[2]
    rows = {row[0]: dict(zip(header, row)) for row in grid[3:] if row[0]}
    material = rows["新材料产业"]
    assert material["最大1家企业\n营业收入占比\n(%)"] == "…"
    assert material["最大3家企业\n营业收入占比\n(%)"] == 75.0
    assert material["营业收入\n赫芬达尔—\n赫希曼指数"] == 2188
    assert material["中小微型\n企业占比\n(%)"] == 85.7
    assert material["新企业数\n(个)"] == 3
    assert rows["新能源产业"]["最大3家企业\n营业收入占比\n(%)"] == "…"
    assert set(rows["生物产业"].values()) == {"生物产业", "…"}
    # The largest enterprise's revenue is nowhere in the file; the sums sheet says "…".
    sums = values(out)["合计数据"]
    at = next(i for i, row in enumerate(sums) if row[0] == "范围")
    col = sums[at].index("最大1家企业营业收入\n(千元)")
    published = [row for row in sums[at + 1:] if isinstance(row[2], int) and row[2] > 0]
    assert len(published) == 4 and {row[col] for row in published} == {"…"}


def test_report_paragraph_in_a_bureau_s_words(hand, tmp_path):
    from xltools import report

    r = compute(hand)
    text = report.render(r, plan(r))
    para = text.split("## 四、产业结构\n\n", 1)[1].splitlines()[0]
    assert "新材料产业营业收入前三位企业占该产业营业收入的75.0%，赫芬达尔—赫希曼指数为2188，产业集中度适中" in para
    assert "中小微型企业占该产业企业数的85.7%，以中小微型企业为主；" in para
    assert "新企业3家，占该产业营业收入的37.5%" in para
    assert "生物产业" not in para and "25.0" not in para   # withheld scope, withheld top-1 share
    assert "新能源产业营业收入前三位" not in para             # its top three are withheld
    # The words come from the data table, chosen on the displayed value.
    from xltools.structure import words_for

    assert [words_for("revenue_hhi", v) for v in (1499, 1500, 2499, 2500, 10000)] == \
        ["产业集中度较低，企业分布较为分散", "产业集中度适中", "产业集中度适中", "产业集中度较高，营业收入集中在少数企业",
         "产业集中度较高，营业收入集中在少数企业"]
    assert [words_for("sme_share", v) for v in (49.9, 50.0, 79.9, 80.0, 99.9, 100.0)] == \
        ["大中型企业占比较高，规模化程度较高", "中小微型企业占多数", "中小微型企业占多数",
         "以中小微型企业为主", "以中小微型企业为主", "全部为中小微型企业"]


@pytest.mark.parametrize("hhi", [1000, 2000, 3000, 9000])
@pytest.mark.parametrize("sme", [40.0, 60.0, 90.0, 100.0])
def test_concentration_and_size_words_never_contradict(hhi, sme):
    """The HHI's words and the SME share's are chosen apart: together they never say a concentrated
    industry is "小而散" or "分散", and a share of 100.0% is "全部" not "以…为主"."""
    from xltools.structure import words_for

    both = words_for("revenue_hhi", hhi) + "；" + words_for("sme_share", sme)
    if hhi >= 2500:
        assert "散" not in both, both
    assert "小而散" not in both, both
    assert ("全部为中小微型企业" in both) == (sme == 100.0) and ("为主" in both) == (sme == 90.0), both


def test_all_enterprises_small_said_as_all(tmp_path):
    """A scope whose enterprises are all 中小微型: "企业全部为中小微型企业", not "占…的100.0%，以…为主"."""
    from xltools import report

    rows = [r[:2] + ["3" if r[1] == "6" else r[2]] + r[3:] for r in ROWS]
    r = compute(write_xlsx(tmp_path / "2022年1-12月.xlsx", table(rows)))
    para = report.render(r, plan(r)).split("## 四、产业结构\n\n", 1)[1].splitlines()[0]
    assert "新能源产业赫芬达尔—赫希曼指数为2500，产业集中度较高，营业收入集中在少数企业；企业全部为中小微型企业；" in para, para
    assert "100.0%" not in para, para


def test_excel_functions_on_a_hand_range(hand, monkeypatch, tmp_path):
    import udfs.functions as f
    from udfs import engine

    for var in engine.ENV.values():
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    engine.CACHE.clear()
    ws = openpyxl.load_workbook(hand).worksheets[0]
    grid = [[float(v) if isinstance(v, int) else v for v in row] for row in ws.iter_rows(values_only=True)]
    assert f.SEI_REVENUE_TOP1_SHARE("新材料", grid) == 25.0      # the user's own data: no disclosure control
    assert f.SEI_REVENUE_TOP3_SHARE("新材料", grid) == 75.0
    assert f.SEI_REVENUE_HHI("新材料", grid) == 2188
    assert f.SEI_SME_SHARE("新能源", grid) == 75.0
    assert f.SEI_NEW_ENTERPRISES("新材料", grid) == 3
    assert f.SEI_NEW_REVENUE_SHARE("新材料", grid) == 37.5
    assert f.SEI_INDICATOR("营业收入赫芬达尔—赫希曼指数", "新材料", grid, True) == 2187.5
    # The 结构 table as an array: disclosure control as the summary's, unless asked not to.
    published = f.SEI_TABLE("结构", grid)
    assert published[0][:3] == ["范围", "企业单位数\n(个)", "营业收入\n(亿元)"]
    material = next(row for row in published if row[0] == "新材料产业")
    assert material[3:6] == ["…", 75.0, 2188]
    internal = next(row for row in f.SEI_TABLE("结构", grid, False) if row[0] == "新材料产业")
    assert internal[3] == 25.0
    assert f.SEI_TABLE("结构表", grid).startswith("#参数错误")
    engine.CACHE.clear()


def test_a_bureau_template_cannot_print_a_withheld_structure_figure(hand, tmp_path):
    """A template of the bureau's own may name any figure: one withheld on its own prints as nothing."""
    from xltools import report

    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "report.md.j2").write_text(
        "# 标题\n\n最大一家：{{ sei.revenue_top1_share }}；前三家：{{ sei.revenue_top3_share }}；"
        "亏损额：{{ sei.loss_amount }}\n", encoding="utf-8")
    r = compute(hand)
    d = plan(r)
    assert d.is_figure_withheld("sei", "loss_amount")  # two loss-makers in the SEI
    text = report.render(r, d, templates=str(folder))
    assert "最大一家：—；" in text and "亏损额：—" in text and f"前三家：{r.get('sei', 'revenue_top3_share').display}" in text
    assert "最大一家：—" not in report.render(r, plan(r, enabled=False), templates=str(folder))


def test_new_revenue_share_not_recoverable_by_subtraction(tmp_path):
    """全市 has 4 new enterprises and 战新 3: both published, 全市 − 战新 would be the one new enterprise
    outside the SEI. The relations counted in new enterprises withhold 战新's share, then 新材料's (which
    equals it)."""
    rows = [[f"材料{i}公司", "3", "2", None, 10 + i, None if i < 3 else 9, 1] for i in range(6)]
    rows += [[f"能源{i}公司", "6", "2", None, 20 + i, 19, 1] for i in range(4)]
    rows += [[f"钢铁{i}公司", None, "2", None, 30 + i, None if i == 0 else 29, 1] for i in range(4)]
    path = write_csv(tmp_path / "2022年1-12月.csv", table(rows))
    r = compute(path)
    d = plan(r)
    assert not d.withheld
    assert [r.value(s, "new_enterprises") for s in ("all", "sei", SECTOR["3"], SECTOR["6"])] == [4, 3, 3, 0]
    held = {s for s in ("all", "sei", SECTOR["3"], SECTOR["6"])
            if d.is_figure_withheld(s, "new_enterprises_revenue_share")}
    assert held == {"sei", SECTOR["3"]}
    doc = json.loads(run_cli("indicators", path, "--format", "json").stdout)
    shown = {x["scope"] for x in doc["results"] if x["indicator"] == "new_enterprises_revenue_share" and not x["withheld"]}
    assert "all" in shown and not shown & {"sei", SECTOR["3"]}


@pytest.mark.parametrize("negatives", [1, 3])
def test_negative_revenue_counts_as_zero_and_its_enterprises_are_protected(tmp_path, libreoffice, negatives):
    """The concentration rests on the positive revenue; that base minus the published revenue is the negative
    enterprises' revenue: with fewer than 3 of them the concentration figures of every scope holding them
    are withheld (and their base is nowhere in the file), with 3 they are published."""
    rows = [[f"材料{i}公司", "3", "2", None, 100 - 10 * i, 90, 1] for i in range(7)]
    rows += [[f"负数{i}公司", "3", "2", None, -5, 5, -1] for i in range(negatives)]
    rows += [[f"钢铁{i}公司", None, "2", None, 50, 40, 1] for i in range(3)]
    path = write_csv(tmp_path / "2022年1-12月.csv", table(rows))
    r = compute(path)
    material = SECTOR["3"]
    positive = sum(100 - 10 * i for i in range(7))
    assert r.value(material, "revenue_top3_share") == pytest.approx((100 + 90 + 80) / positive * 100)
    assert r.value(material, "revenue_hhi") == pytest.approx(
        sum((100 - 10 * i) ** 2 for i in range(7)) / positive ** 2 * 10000)
    d = plan(r)
    held = {s for s in ("all", "sei", material) if d.is_figure_withheld(s, "revenue_hhi")}
    assert held == ({"all", "sei", material} if negatives == 1 else set())
    assert d.is_figure_withheld(material, "revenue_top3_share") == (negatives == 1)
    out = tmp_path / "汇总.xlsx"
    assert run_cli("summary", path, "-o", out).returncode == 0
    grid = values(out)
    notes = " ".join(str(row[0]) for row in grid["结构"] if row[0])
    assert f"有 {negatives} 家企业营业收入为负数，在集中度指标中按0计" in notes
    text = "\n".join(str(v) for row in grid["合计数据"] for v in row if v is not None)
    assert (str(positive) in text.split("\n")) == (negatives == 3)  # 新材料's positive base: only when published
    if negatives == 3:
        cells = {k: v for k, v in formula_cells(out).items() if k[0] == "结构"}
        recalculated = formula_cells(libreoffice.recalculated(out, tmp_path / "lo"))
        assert [k for k, v in cells.items() if not same(v[1], recalculated[k][1])] == []
    else:
        assert "集中度指标：全市规模以上工业、战略性新兴产业、新材料产业" in notes
