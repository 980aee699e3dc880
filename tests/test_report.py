"""`xltools report`: golden text, every wording rule, and every number equal to the tables'."""
from __future__ import annotations

import os
import re
import shutil

import pytest

import xltools
from helpers import run_cli, sha256, write_csv
from xltools.disclosure import plan
from xltools.report import render
from xltools.wording import (Figure, at_least, change, clause, compare, group, growth, level, points, profit_change,
                             pull, sentence, tenths)

HERE = os.path.dirname(os.path.abspath(__file__))
LEDGER = os.path.join(HERE, "..", "workbooks", "samples", "ledger_2022.xlsx")
GOLDEN = os.path.join(HERE, "golden", "report_2022.md")


def test_golden_text_of_the_sample():
    proc = run_cli("report", "--ledger", LEDGER)
    assert proc.returncode == 0, proc.stderr
    with open(GOLDEN, encoding="utf-8") as fh:
        assert proc.stdout == fh.read()


@pytest.mark.parametrize("value, decimals, expected", [
    (13.94, 1, "同比增长13.9%"), (-2.06, 1, "同比下降2.1%"), (0.04, 1, "与上年同期持平"), (-0.04, 1, "与上年同期持平"),
    (150.0, 1, "同比增长1.50倍"), (99.96, 1, "同比增长1.00倍"), (110.0, 1, "同比增长1.10倍"), (None, 1, ""),
])
def test_growth_words(value, decimals, expected):
    assert growth(Figure(value, decimals)) == expected


@pytest.mark.parametrize("value, expected", [(0.64, "同比提高0.6个百分点"), (-1.04, "同比下降1.0个百分点"),
                                             (0.02, "与上年同期持平")])
def test_points_words(value, expected):
    assert points(Figure(value, 1)) == expected


@pytest.mark.parametrize("value, unit, expected", [
    (0.9, "百分点", "高于全市规模以上工业0.90个百分点"), (-0.66, "百分点", "低于全市规模以上工业0.66个百分点"),
    (-5.52, "元", "低于全市规模以上工业5.52元"), (0.35, "元", "高于全市规模以上工业0.35元"), (3.0, "天", "多于全市规模以上工业3.00天"),
    (0.004, "百分点", "与全市规模以上工业持平"),
])
def test_compare_words(value, unit, expected):
    assert compare(Figure(value, 2), "全市规模以上工业", unit) == expected


@pytest.mark.parametrize("value, unit, expected", [
    (-2.33, "元", "低于全市规模以上工业2.33元"), (0.004, "元", "与全市规模以上工业持平"),
    (-4.5, "天", "少于全市规模以上工业4.50天"), (-0.001, "天", "与全市规模以上工业持平"),
    (-0.001, "百分点", "与全市规模以上工业持平"), (None, "元", ""),
])
def test_compare_words_every_unit_both_ways(value, unit, expected):
    assert compare(Figure(value, 2), "全市规模以上工业", unit) == expected


@pytest.mark.parametrize("value, unit, expected", [
    (0.354, "元", "同比增加0.35元"), (-0.81, "元", "同比减少0.81元"), (0.004, "元", "与上年同期持平"),
    (2.04, "天", "同比增加2.04天"), (-0.3, "天", "同比减少0.30天"), (-0.001, "天", "与上年同期持平"), (None, "天", ""),
])
def test_change_words_in_yuan_and_days(value, unit, expected):
    assert change(Figure(value, 2), unit) == expected


@pytest.mark.parametrize("value, expected", [(1.1, "高于全市平均水平"), (-0.2, "低于全市平均水平"),
                                             (0.004, "与全市平均水平持平"), (None, "")])
def test_level_words(value, expected):
    assert level(Figure(value, 2), "全市平均水平") == expected


@pytest.mark.parametrize("value, expected", [
    (3.04, "拉动全市规模以上工业总产值增长3.0个百分点"), (-0.46, "拉低全市规模以上工业总产值增速0.5个百分点"),
    (0.04, "对全市规模以上工业总产值增速基本没有影响"), (None, ""),
])
def test_pull_words(value, expected):
    assert pull(Figure(value, 1), "全市规模以上工业总产值") == expected


@pytest.mark.parametrize("share, expected", [(60.3, "60%以上"), (60.0, "60%"), (59.96, "60%"), (86.04, "86%"), (86.06, "86%以上"),
                                             (100.0, "100%"), (0.4, "不足1%"), (None, "")])
def test_shares_stated_as_a_floor(share, expected):
    assert at_least(Figure(share, 1)) == expected


def test_points_words_at_zero_and_null():
    assert points(Figure(-0.04, 1)) == "与上年同期持平" and points(Figure(None, 1)) == ""


def test_the_grammar_drops_empty_clauses_groups_and_sentences():
    none = Figure(None, 2)
    assert clause("实现工业总产值", Figure(667.644, 2), "亿元") == "实现工业总产值667.64亿元"
    assert clause("实现工业总产值", none, "亿元") == "" and clause("利润总额", "") == ""
    assert clause("贡献率为", Figure(0.0, 1), "%") == "贡献率为0.0%"  # a zero is a figure
    assert group("实现营业收入9.58亿元", "", "同比增长9.2%") == "实现营业收入9.58亿元，同比增长9.2%"
    assert group("", "同比增长9.2%") == ""  # no subject: the rest is dropped with it
    assert sentence("甲", "", "乙") == "甲；乙。" and sentence("", "") == "" and sentence() == ""
    assert sentence("", lead="共有企业120家") == "共有企业120家。"
    assert sentence("甲", lead="共有企业120家") == "共有企业120家，甲。"
    assert sentence("拉动…", subject="战新产业") == "战新产业拉动…。" and sentence("", subject="战新产业") == ""


def test_the_wording_table_is_in_the_readme():
    from xltools.wording import RULES

    with open(os.path.join(HERE, "..", "README.md"), encoding="utf-8") as fh:
        readme = fh.read()
    for row in RULES:
        assert "| " + " | ".join(row) + " |" in readme, row


@pytest.mark.parametrize("cur, ly, expected", [
    (50, -20, "扭亏为盈"), (-20, 50, "由盈转亏"), (-10, -30, "减亏"), (-30, -10, "增亏"), (0, -5, "减亏"),
    (60, 40, "同比增长50.0%"), (30, 40, "同比下降25.0%"), (100, 40, "同比增长1.50倍"),
])
def test_profit_words_for_every_base(cur, ly, expected):
    rate = None if ly <= 0 else (cur - ly) / ly * 100
    assert profit_change(cur, ly, Figure(rate, 1)) == expected


@pytest.mark.parametrize("share, expected", [(53.8, "五成以上"), (50.0, "五成"), (8.2, "不足一成"), (100.0, "全部"),
                                             (19.96, "二成")])
def test_shares_rounded_down_for_prose(share, expected):
    assert tenths(Figure(share, 1)) == expected


HEAD = ["统一社会信用代码", "单位名称", "战新产业类别", "营业收入本期", "营业收入上年同期", "营业成本本期",
        "利润总额本期", "利润总额上年同期", "工业总产值本期", "工业总产值上年同期"]


def text_for(tmp_path, rows, **kw):
    path = write_csv(tmp_path / "2022年1-12月.csv", [HEAD, *rows])
    results = xltools.compute(xltools.load(path))
    return render(results, plan(results, **kw))


def test_constructed_results_in_the_text(tmp_path):
    """A loss turned into profit, a decline, a growth of 100% and more, a zero change: through the template.
    Money in 千元 (100 000 千元 = 1 亿元)."""
    rows = [[f"A{i}", f"甲{i}", "新材料", 100000, 80000, 90000, 3000, -1000, 250000, 100000] for i in range(3)]
    rows += [[f"B{i}", f"乙{i}", "新能源", 100000, 100000, 95000, 1000, 500, 50000, 50000] for i in range(3)]
    rows += [[f"C{i}", f"丙{i}", "", 100000, 110000, 99000, 500, 500, 90000, 100000] for i in range(3)]
    text = text_for(tmp_path, rows)
    sei = text.split("## 二")[0]
    assert "实现工业总产值9.00亿元，同比增长1.00倍" in sei           # 900 000 against 450 000
    assert "实现利润总额0.12亿元，扭亏为盈。" in sei                   # −0.015 亿元 last year: no rate
    part2 = text.split("## 二")[1]
    assert "新材料产业营业收入利润率为3.00%" in part2 and "利润总额扭亏为盈" in part2
    assert "新能源产业营业收入利润率为1.00%" in part2 and "利润总额同比增长1.00倍" in part2
    rows2 = [[f"A{i}", f"甲{i}", "新材料", 100000, 100000, 90000, 3000, 3000, 50000, 50000] for i in range(3)]
    rows2 += [[f"C{i}", f"丙{i}", "", 100000, 90000, 99000, 5000, 4000, 50000, 40000] for i in range(3)]
    text2 = text_for(tmp_path, rows2)
    assert "实现工业总产值1.50亿元，与上年同期持平，增速低于全市规模以上工业11.1个百分点" in text2
    assert "实现利润总额0.09亿元，与上年同期持平。" in text2
    assert "营业收入利润率为3.00%，与上年同期持平，低于全市规模以上工业1.00个百分点" in text2
    rows3 = [row[:7] + [-500, 90000, 100000] for row in rows2]  # both years loss-making... a smaller loss
    rows3 = [r[:6] + [-200, -500] + r[8:] for r in rows3]
    assert "亏损0.01亿元，减亏。" in text_for(tmp_path, rows3)


def test_suppressed_categories_are_never_described_with_numbers(tmp_path):
    rows = [[f"A{i}", f"甲{i}", "新材料", 1000 + i, 800, 900, 30, 20, 2500, 1000] for i in range(6)]
    rows += [[f"B{i}", f"乙{i}", "生物", 1000, 900, 950, 10, 20, 500, 500] for i in range(2)]
    rows += [[f"D{i}", f"丁{i}", "新能源", 700, 900, 650, 10, 20, 300, 500] for i in range(4)]
    rows += [[f"C{i}", f"丙{i}", "", 1000, 1100, 990, 5, 5, 900, 1000] for i in range(5)]
    text = text_for(tmp_path, rows)
    for sentence in re.split(r"[。；]", text):
        if "生物" in sentence or "新能源" in sentence:
            assert not re.search(r"\d", sentence), sentence
    # 生物 (2 enterprises) is below the threshold; 新能源 (4) is withheld so that 生物 cannot be computed:
    # a report says only that the law withholds it.
    assert "生物产业企业数较少，按《统计法》规定不公布分产业数据" in text
    assert "新能源产业的数据按《统计法》规定不予公布" in text and "新能源产业企业数较少" not in text
    assert "新材料产业营业收入利润率" in text
    assert "生物产业营业收入利润率" in text_for(tmp_path, rows, enabled=False)


def _shown(value, fmt: str) -> str:
    decimals = len(fmt.split(".")[1]) if "." in fmt else 0
    return f"{value:.{decimals}f}"


def test_every_number_in_the_text_is_a_figure_of_the_summary_and_tracker(tmp_path):
    import openpyxl

    out = tmp_path / "汇总.xlsx"
    tracker = tmp_path / "进度.xlsx"
    assert run_cli("summary", "-o", out).returncode == 0
    assert run_cli("tracker", LEDGER, "-o", tracker, "--as-of", "2022-12-31").returncode == 0
    published: set[str] = set()
    growths: list[float] = []
    for path, sheets in ((out, ("表1", "表2", "结构")), (tracker, ("项目总览", "汇总"))):
        cached = openpyxl.load_workbook(path, data_only=True)
        formats = openpyxl.load_workbook(path)
        for name in sheets:
            for row in formats[name].iter_rows():
                for cell in row:
                    v = cached[name][cell.coordinate].value
                    if isinstance(v, (int, float)) and not isinstance(v, bool):
                        # The text carries a difference's size; its sign becomes the word (高于/低于).
                        published.update({_shown(v, cell.number_format), _shown(abs(v), cell.number_format)})
                        growths.append(v)
    text = run_cli("report", "--ledger", LEDGER).stdout
    body = text.split("\n", 1)[1].split("## 说明")[0]  # the notes cite thresholds and shares of enterprises
    numbers = re.findall(r"(?<![\d.-])(\d+(?:\.\d+)?)(?![\d年月])(倍)?", body)
    checked = 0
    for number, times in numbers:
        if number == "2022":
            continue
        if times:
            assert any(f"{g / 100:.2f}" == number for g in growths), number
        else:
            assert number in published, number
        checked += 1
    assert checked >= 45


def test_docx_official_look_and_templates_a_bureau_edits(tmp_path):
    import docx
    from docx.oxml.ns import qn

    out = tmp_path / "发展现状.docx"
    proc = run_cli("report", "--ledger", LEDGER, "-o", out)
    assert proc.returncode == 0, proc.stderr
    doc = docx.Document(str(out))
    paras = [p for p in doc.paragraphs if p.text]
    assert paras[0].text == "2022年全市战略性新兴产业发展现状" and paras[0].runs[0].font.bold
    assert [p.text for p in paras if p.text.startswith(("一、", "二、", "三、"))] == \
        ["一、总体发展概况", "二、发展特点", "三、工业投资项目进展"]
    body = paras[2]
    assert body.runs[0]._element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋" and body.runs[0].font.size.pt == 16
    assert body.paragraph_format.first_line_indent.pt == 32
    with open(GOLDEN, encoding="utf-8") as fh:
        golden = [line for line in fh.read().splitlines() if line]
    assert [p.text for p in paras] == [line.lstrip("# ") for line in golden]
    # A bureau's own wording, without touching code.
    own = tmp_path / "模板"
    shutil.copytree(os.path.join(HERE, "..", "xltools", "templates"), own)
    path = own / "report.md.j2"
    path.write_text(path.read_text(encoding="utf-8").replace("从产业结构看", "从内部结构看"), encoding="utf-8")
    text = run_cli("report", "--templates", own).stdout
    assert "从内部结构看" in text and "从产业结构看" not in text
    assert "（未提供项目台账" in text


def test_report_output_errors(tmp_path):
    src = os.path.join(HERE, "..", "workbooks", "samples", "bureau_2022.xlsx")
    before = sha256(src)
    assert run_cli("report", "-o", tmp_path / "r.txt").returncode == 2
    proc = run_cli("report", src, "-o", src)
    assert proc.returncode == 2 and sha256(src) == before
    assert not (tmp_path / "r.txt").exists()
    out = tmp_path / "r.md"
    assert run_cli("report", "-o", out).returncode == 0 and out.read_text(encoding="utf-8").startswith("# 2022年")


def test_withheld_categories_named_with_their_reason(tmp_path):
    from test_dominance import SPEC, source

    spec = SPEC + [("生物产业", [50, 60])]
    src = source(tmp_path, spec)
    text = run_cli("report", src, "--dominance", "1,85").stdout
    # 生物产业 has 2 enterprises; 新能源汽车 is dominated; the third is withheld to protect it.
    assert "生物产业企业数较少，按《统计法》规定不公布分产业数据。" in text
    law = re.search(r"([^。]*)的数据按《统计法》规定不予公布。", text).group(1)
    assert "新能源汽车产业" in law and "生物产业" not in law
    assert "新能源汽车产业企业数较少" not in text and "各领域企业数较少" not in text
    assert "分产业看，" in text  # some categories are published, and said to be


def test_falling_output_lowers_the_growth(tmp_path):
    from test_dominance import HEAD, rows

    data = rows([("新材料产业", [1000, 1100, 1200]), ("新能源产业", [700, 650, 600]), ("", [2000, 2100, 1900])])
    for r in data:
        if r[2]:
            r[4] = r[3] * 1.2  # 战新's output falls
    src = write_csv(tmp_path / "2022年1-12月.csv", [HEAD, *data])
    text = run_cli("report", src).stdout
    assert re.search(r"战新产业拉低全市规模以上工业总产值增速\d+\.\d个百分点", text), text
    assert "下拉" not in text


def _sectors_sentence(text: str) -> str:
    return re.search(r"分产业看，[^。]*。", text).group(0)


def test_profit_growth_compared_only_between_two_rates(tmp_path):
    """A category whose profit turned from gain to loss has no growth rate in the text ("由盈转亏"): it is
    not compared in percentage points with SEI's ("由盈转亏，低于全市工业战新产业434.2个百分点"); nor is any
    category when SEI's own profit turned to loss. Two rates printed as rates are compared."""
    def rows(material, energy):  # profit (本期, 上年同期) of each of 3 enterprises per category, 千元
        out = []
        for key, category, (cur, ly) in (("A", "新材料", material), ("B", "新能源", energy), ("C", "", (500, 500))):
            out += [[f"{key}{i}", f"{category or '其他'}{i}", category, 100000, 90000, 90000, cur, ly, 100000, 90000]
                    for i in range(3)]
        return out

    text = _sectors_sentence(text_for(tmp_path, rows(material=(-100, 1000), energy=(3000, 1000))))
    assert "新材料产业营业收入利润率为-0.10%，低于全市平均水平，利润总额由盈转亏；" in text, text
    assert "利润总额同比增长2.00倍，高于全市工业战新产业155.0个百分点" in text, text   # SEI: 8 700 against 6 000
    assert text.count("全市工业战新产业") == 1, text
    # SEI itself turned to loss: no category's rate is compared with it.
    whole = text_for(tmp_path, rows(material=(-3000, 1000), energy=(1100, 1000)))
    assert "亏损0.06亿元，由盈转亏。" in whole, whole.split("## 二")[0]
    text = _sectors_sentence(whole)
    assert "新能源产业营业收入利润率为1.10%，高于全市平均水平，利润总额同比增长10.0%。" in text, text
    assert "全市工业战新产业" not in text and "个百分点" not in text, text


def test_a_category_of_no_size_is_not_among_the_leading(tmp_path):
    """从产业结构看 names the leading categories: one whose size is 0.00亿元 (0.0%, "不足一成") is not one of
    them, while its other figures are still described."""
    rows = [[f"A{i}", f"甲{i}", "新材料", 100000, 90000, 90000, 3000, 2500, 250000, 200000] for i in range(3)]
    rows += [[f"B{i}", f"乙{i}", "新能源", 100000, 90000, 90000, 3000, 2500, 0, 0] for i in range(3)]
    rows += [[f"C{i}", f"丙{i}", "", 100000, 90000, 90000, 3000, 2500, 90000, 100000] for i in range(3)]
    text = text_for(tmp_path, rows)
    structure = re.search(r"从产业结构看，[^。]*。", text).group(0)
    # One category is the whole of the SEI: said plainly, no "100.0%（全部）" and no ranking.
    assert structure == "从产业结构看，战新产业工业总产值全部来自新材料产业，为7.50亿元。", structure
    assert "新能源产业工业总产值0.00亿元" not in text and "0.0%（不足一成）" not in text
    assert "新能源产业营业收入利润率为3.00%" in text
    # Nor among the leading categories whose structure 四、产业结构 describes.
    conduct = text.split("## 四、产业结构")[1].split("##")[0]
    assert "新材料产业赫芬达尔" in conduct and "新能源产业" not in conduct, conduct
