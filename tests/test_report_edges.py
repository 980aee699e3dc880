"""`xltools report` on inputs a new user gives it: a ledger without the city totals, categories level as
published, a zero profit base, a bureau's own template with mistakes in it, an empty --city, a value-added
column of zeros. Exports and ledgers are written with openpyxl and read through the real CLI."""
from __future__ import annotations

import os
import re
import shutil

import openpyxl
import pytest
from helpers import run_cli
from test_report_grammar import assert_no_broken_sentence
from test_tracker import P1, P2, SUBS, write_ledger

from xltools.wording import Figure, profit_change

HERE = os.path.dirname(os.path.abspath(__file__))
HEAD = ["统一社会信用代码", "单位详细名称", "战略性新兴产业类别",
        "工业总产值本期", "工业总产值上年同期", "工业增加值本期", "工业增加值上年同期",
        "营业收入本期", "营业收入上年同期", "营业成本本期", "营业成本上年同期", "利润总额本期", "利润总额上年同期"]


def export(path, spec, *, period="2023年1-12月") -> str:
    """An export (千元) from (category, value added, profit this year, profit last year) per category, three
    equal enterprises each (none withheld, none dominant); "" is outside SEI."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "企业"
    ws.append([f"{period}规模以上工业企业主要经济指标"])
    ws.append(["单位：千元"])
    ws.append(HEAD)
    for k, (category, va, profit, profit_ly) in enumerate(spec):
        for i in range(3):
            v, revenue = va / 3, 10000.0 + 100 * k
            ws.append([f"91620{k:02d}{i:02d}", f"{category or '其他'}企业{i + 1}", category,
                       revenue * 1.1, revenue, v, v / 1.1, revenue, revenue / 1.1, revenue * 0.85, revenue * 0.8,
                       profit / 3, profit_ly / 3])
    wb.save(path)
    return str(path)


def report(*args) -> str:
    proc = run_cli("report", *args)
    assert proc.returncode == 0, proc.stderr
    assert_no_broken_sentence(proc.stdout)
    return proc.stdout


def features(text: str) -> str:
    return text.split("## 二、发展特点")[1].split("##")[0]


# ------------------------------------------------------------------ 2. a ledger without the totals sheet

def test_a_ledger_without_city_totals_still_describes_its_projects(tmp_path):
    src = write_ledger(tmp_path / "台账.xlsx", projects=(P1, P2), subs=SUBS, totals=None)
    para = report("--ledger", src).split("## 三、工业投资项目进展")[1].split("##")[0]
    assert "未提供项目台账" not in para and "待补充" not in para
    assert "甲项目总投资1.00亿元，累计完成投资0.25亿元，投资完成率25.0%，正在施工，其中一期正在施工" in para
    assert "工业固定资产投资" not in para  # only the totals sentence is left out


# ------------------------------------------------------------------ 5. a tie is not a lead

def test_categories_level_as_published_are_not_ranked(tmp_path):
    """新材料 25.04% and 新能源 24.96% of value added are both published as 25.0%: neither is 占比最高; the
    two are not "两大领域" (together 50.0%, not more than half) but the three with 生物 20.0% are."""
    spec = [("新材料", 2504, 3000, 2800), ("新能源", 2496, 2000, 1800), ("生物", 2000, 1000, 900),
            ("节能环保", 1500, 800, 700), ("高端装备制造", 1500, 700, 600), ("", 5000, 3000, 2900)]
    text = features(report(export(tmp_path / "2023年1-12月.xlsx", spec)))
    assert "新材料产业增加值0.03亿元，占战新产业的25.0%" in text and "新能源产业增加值0.02亿元，占战新产业的25.0%" in text
    assert "最高" not in text
    assert "主要集中在新材料产业、新能源产业和生物产业三大领域，三者增加值占战新产业的70%" in text


def test_a_profit_tie_is_not_called_highest(tmp_path):
    """新材料 leads value added (40.0%) but its profit share and 新能源's are both published as 30.0%."""
    spec = [("新材料", 4000, 3002, 2800), ("新能源", 2000, 2998, 2800), ("生物", 2000, 2000, 1800),
            ("节能环保", 2000, 2000, 1800), ("", 5000, 3000, 2900)]
    text = features(report(export(tmp_path / "2023年1-12月.xlsx", spec)))
    assert "新材料产业增加值0.04亿元，占战新产业的40.0%（四成），是全市工业战新产业占比最高的产业" in text
    assert "新材料产业利润总额占战新产业的30.0%" in text and "新能源产业利润总额占战新产业的30.0%" in text
    assert "也是最高" not in text and "利润总额占比最高" not in text


def test_a_floor_never_contradicts_the_shares_it_adds(tmp_path):
    """29.98% and 29.96% are published as 30.0% each: together "60%", not "59%以上"."""
    spec = [("新材料", 2998, 3000, 2800), ("新能源", 2996, 2000, 1800), ("生物", 2003, 1000, 900),
            ("节能环保", 2003, 800, 700), ("", 5000, 3000, 2900)]
    text = features(report(export(tmp_path / "2023年1-12月.xlsx", spec)))
    assert "两者增加值占战新产业的60%，" in text and "59%以上" not in text
    assert "是全市工业战新产业占比最高的产业" not in text


# ------------------------------------------------------------------ 6. a zero profit base

@pytest.mark.parametrize("cur, ly, expected", [(5, 0, ""), (-5, 0, ""), (0, 0, "与上年同期持平"), (5, -1, "扭亏为盈")])
def test_profit_words_on_a_zero_base(cur, ly, expected):
    assert profit_change(cur, ly, Figure(None, 1)) == expected


def test_no_loss_turned_round_on_a_zero_base(tmp_path):
    spec = [("新材料", 3000, 3000, 2800), ("新能源", 2000, 2000, 1800), ("生物", 1000, 1200, 0), ("", 5000, 3000, 2900)]
    text = features(report(export(tmp_path / "2023年1-12月.xlsx", spec)))
    assert "扭亏为盈" not in text
    sentence = re.search(r"生物产业营业收入利润率为[^；。]*", text)[0]
    assert "利润总额" not in sentence  # no rate, no words: the clause is dropped


# ------------------------------------------------------------------ 7. a bureau's own template

@pytest.mark.parametrize("source, line, said", [
    ("第一行\n{% if sei.revenue %}\n未闭合\n", 3, "{% if %} 没有对应的 {% endif %}"),
    ("{% for s in sectors %}{{ s.name }}\n{% endif %}\n", 2, "{% endif %}"),
    ("标题\n利润率为{{ sei.profit_margn }}%。\n", 2, "“profit_margn”既不是指标也不是模板变量，是否应为 profit_margin"),
    ("{{ citty }}\n", 1, "“citty”既不是指标也不是模板变量"),
    ("{% for s in sectors %}{{ s.profit_margn }}{% endfor %}\n", 1, "“profit_margn”既不是指标也不是模板变量"),
    ("{{ gap.debt_ration | compare(all_label) }}\n", 1, "是否应为 debt_ratio"),
])
def test_template_mistakes_are_located_input_errors(tmp_path, source, line, said):
    folder = tmp_path / "模板"
    folder.mkdir()
    (folder / "report.md.j2").write_text(source, encoding="utf-8")
    out = tmp_path / "发展现状.docx"
    proc = run_cli("report", "--templates", folder, "-o", out)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr and "内部错误" not in proc.stderr
    assert f"report.md.j2 › 第{line}行：" in proc.stderr and said in proc.stderr
    assert not out.exists()


def test_the_bundled_template_as_a_bureaus_own_renders_the_golden_text(tmp_path):
    """StrictUndefined and the registry check pass every name the shipped template uses."""
    folder = tmp_path / "模板"
    folder.mkdir()
    shutil.copy(os.path.join(HERE, "..", "xltools", "templates", "report.md.j2"), folder)
    ledger = os.path.join(HERE, "..", "workbooks", "samples", "ledger_2022.xlsx")
    with open(os.path.join(HERE, "golden", "report_2022.md"), encoding="utf-8") as fh:
        assert report("--templates", folder, "--ledger", ledger) == fh.read()


# ------------------------------------------------------------------ 8. --city

@pytest.mark.parametrize("city", ["", "  ", "\u3000"])
def test_an_empty_city_is_an_input_error(city):
    proc = run_cli("report", "--city", city)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "地区称谓不能为空" in proc.stderr and "Traceback" not in proc.stderr


def test_spaces_around_the_city_are_not_written():
    text = report("--city", "  金昌 市 ")
    assert "# 2022年金昌市战略性新兴产业发展现状" in text and "2022年，金昌市规模以上工业战略性新兴产业" in text
    assert " 金昌" not in text and "金昌 " not in text


# ------------------------------------------------------------------ 9. value added of zero

def test_value_added_of_zero_falls_back_to_output(tmp_path):
    spec = [("新材料", 0, 3000, 2800), ("新能源", 0, 2000, 1800), ("生物", 0, 1000, 900), ("", 5000, 3000, 2900)]
    text = features(report(export(tmp_path / "2023年1-12月.xlsx", spec)))
    assert text.lstrip().startswith("从产业结构看，")
    assert re.search(r"从产业结构看，生物产业工业总产值\d+\.\d\d亿元，占战新产业的\d+\.\d%", text), text
    assert "增加值" not in text
