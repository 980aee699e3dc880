"""The report's sentence grammar: every clause optional, never an empty clause, every number a table figure.

Inputs are the sample export flattened to one header row (工业总产值本期, 工业总产值上年同期 …) and written
back as real .xlsx files with a subset of its columns, read by the real reader through the real CLI.
"""
from __future__ import annotations

import os
import re

import openpyxl
import pytest
import xlsxwriter

from helpers import run_cli, write_csv

HERE = os.path.dirname(os.path.abspath(__file__))
SAMPLE = os.path.join(HERE, "..", "workbooks", "samples", "bureau_2022.xlsx")
ID_COLUMNS = ("统一社会信用代码", "单位详细名称", "行业代码", "县(区)", "战略性新兴产业类别")
# What a broken sentence looks like: a clause emptied with its punctuation left behind.
EMPTY_CLAUSES = ("，；", "，。", "；。", "为；", "为。", "、，", "，，", "；；", "。。", "，、", "（）")


def sample_table() -> tuple[list[str], list[list]]:
    """The sample's header flattened (top + sub label) and its enterprise rows (total row left out)."""
    ws = openpyxl.load_workbook(SAMPLE, read_only=True).active
    rows = list(ws.iter_rows(values_only=True))
    head, top = [], None
    for t, s in zip(rows[2], rows[3]):
        top = t or top
        head.append((top or "") + (s or ""))
    return head, [list(r) for r in rows[5:] if r[1]]


def write_export(path, head, body, keep=None, blank=(), period="2022年1-12月") -> str:
    """A real .xlsx export with the columns `keep` (all when None); cells in `blank` ((row, column)) left empty."""
    cols = [i for i, h in enumerate(head) if keep is None or h in keep or h in ID_COLUMNS]
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("企业")
    ws.write_row(0, 0, [f"{period}规模以上工业企业主要经济指标"])
    ws.write_row(1, 0, ["单位：千元"])
    ws.write_row(2, 0, [head[i] for i in cols])
    for r, row in enumerate(body):
        for c, i in enumerate(cols):
            if row[i] is not None and (r, head[i]) not in blank:
                ws.write(3 + r, c, row[i])
    wb.close()
    return str(path)


def assert_no_broken_sentence(text: str) -> None:
    body = text.split("## 说明")[0]
    for bad in EMPTY_CLAUSES:
        assert bad not in body, (bad, body)
    for line in body.splitlines():
        if line and not line.startswith("#"):
            assert line.endswith(("。", "）")), line
            assert not re.search(r"[，；、]$", line), line


def test_an_export_without_last_year_has_no_empty_clause(tmp_path):
    head, body = sample_table()
    src = write_export(tmp_path / "2022年1-12月.xlsx", head, body, [h for h in head if "上年同期" not in h])
    proc = run_cli("report", src)
    assert proc.returncode == 0, proc.stderr
    assert "实现工业总产值667.64亿元；实现工业增加值200.29亿元，占全市规模以上工业的26.1%；实现营业收入664.39亿元；" \
           "实现利润总额49.49亿元。" in proc.stdout
    assert_no_broken_sentence(proc.stdout)


def test_an_export_without_output_and_value_added(tmp_path):
    head, body = sample_table()
    src = write_export(tmp_path / "2022年1-12月.xlsx", head, body,
                       [h for h in head if not h.startswith(("工业总产值", "工业增加值"))])
    proc = run_cli("report", src)
    assert proc.returncode == 0, proc.stderr
    assert "工业总产值" not in proc.stdout.split("## 说明")[0] and "增加值" not in proc.stdout.split("## 说明")[0]
    assert "营业收入" in proc.stdout  # categories weighed by revenue
    assert_no_broken_sentence(proc.stdout)


def test_no_sei_enterprise_is_an_input_error_before_any_text(tmp_path):
    head, body = sample_table()
    cat = head.index("战略性新兴产业类别")
    for row in body:
        row[cat] = None
    src = write_export(tmp_path / "2022年1-12月.xlsx", head, body)
    out = tmp_path / "发展现状.md"
    proc = run_cli("report", src, "-o", out)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "没有战略性新兴产业企业" in proc.stderr and not out.exists()
    proc = run_cli("report", src)
    assert proc.returncode == 2 and proc.stdout == ""


# ------------------------------------------------------------------ a second, constructed city

GOLDEN_CITY = os.path.join(HERE, "golden", "report_city.md")
CITY_HEAD = ["统一社会信用代码", "单位详细名称", "战略性新兴产业类别",
             "工业总产值本期", "工业总产值上年同期", "工业增加值本期", "工业增加值上年同期",
             "营业收入本期", "营业收入上年同期", "营业成本本期", "营业成本上年同期", "利润总额本期", "利润总额上年同期",
             "资产总计本期", "资产总计上年同期", "负债合计本期", "负债合计上年同期", "产成品存货本期", "产成品存货上年同期"]


def city_rows(profit_of_energy: float = 2000) -> list[list]:
    """新能源产业 leads value added (42.9%), 新材料产业 leads profit; the two hold 78.6% of value added.
    Every category has 3 or more enterprises and none dominates, so nothing is withheld. 千元."""
    spec = [("新能源", 4, 30000, profit_of_energy), ("新材料", 4, 25000, 5000), ("生物", 3, 20000, 1500),
            ("", 5, 60000, 3000)]
    rows = []
    for k, (category, count, va, profit) in enumerate(spec):
        for i in range(count):
            f = 1 + 0.05 * i  # unequal enterprises
            revenue = va * 3.2 * f
            rows.append([f"9162{k}{i:02d}", f"{category or '其他'}企业{i + 1}", category,
                         va * 3.3 * f, va * 3.0 * f, va * f, va * 0.92 * f, revenue, revenue * (0.9 + 0.02 * k),
                         revenue * (0.8 + 0.02 * k), revenue * 0.85, profit * f, profit * (0.8 + 0.1 * k) * f,
                         revenue * 1.5, revenue * 1.4, revenue * (0.8 + 0.04 * k), revenue * 0.85,
                         revenue * (0.03 + 0.01 * k), revenue * 0.04])
    return rows


def city_export(tmp_path, rows) -> str:
    return write_export(tmp_path / "2023年1-6月.xlsx", CITY_HEAD, rows, period="2023年1-6月")


def test_golden_text_of_a_city_where_the_leader_of_value_added_is_not_the_leader_of_profit(tmp_path):
    proc = run_cli("report", city_export(tmp_path, city_rows()), "--city", "河西市")
    assert proc.returncode == 0, proc.stderr
    with open(GOLDEN_CITY, encoding="utf-8") as fh:
        assert proc.stdout == fh.read()
    assert_no_broken_sentence(proc.stdout)
    assert "新能源产业增加值" in proc.stdout and "是全市工业战新产业占比最高的产业" in proc.stdout
    assert "利润总额占比最高的是新材料产业" in proc.stdout and "也是最高" not in proc.stdout
    assert "主要集中在新能源产业和新材料产业两大领域" in proc.stdout


def test_no_ranking_words_when_a_withheld_category_might_be_larger(tmp_path):
    """生物产业 (2 enterprises) is withheld and so is 新材料产业 to protect it; 新能源产业 is the largest
    published category but the two withheld together hold more: nobody may say it leads."""
    rows = [r for r in city_rows() if r[2] != "生物"]
    rows += [[f"B{i}", f"生物企业{i}", "生物"] + [v * 3 for v in r[3:]] for i, r in enumerate(rows[:2])]
    proc = run_cli("report", city_export(tmp_path, rows))
    assert proc.returncode == 0, proc.stderr
    assert "生物产业企业数较少" in proc.stdout and "新材料产业的数据按《统计法》规定不予公布" in proc.stdout
    assert "新能源产业增加值" in proc.stdout
    for words in ("占比最高", "也是最高", "两大领域", "三大领域"):
        assert words not in proc.stdout
    assert_no_broken_sentence(proc.stdout)


def test_the_leader_of_both_is_said_to_be_so(tmp_path):
    proc = run_cli("report", city_export(tmp_path, city_rows(profit_of_energy=9000)))
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"从效益看，新能源产业利润总额占战新产业的\d+\.\d%，占比也是最高；新材料产业利润总额", proc.stdout)
    assert "利润总额占比最高的是" not in proc.stdout


# ------------------------------------------------------------------ property: any columns, any nulls

def published_numbers(results, disclosure) -> set[str]:
    """Every number a report may print, from the engine: each published figure, each difference
    against all industry and SEI, each share of SEI, "X倍" growths, and floors of 2 or 3 categories'
    shares together ("…%以上", from the exact share or the sum of the published ones)."""
    from itertools import combinations

    from xltools.indicators import ALL, SEI
    from xltools.rounding import display

    out: set[str] = set()
    shown = [s for s in results.scope_ids() if not disclosure.is_withheld(s)]
    ids = [i.id for i in results.computed]
    for scope in shown:
        for iid in ids:
            value = results.value(scope, iid)
            if value is None:
                continue
            decimals = results.get(scope, iid).decimals
            out |= {display(value, decimals), display(abs(value), decimals), display(value / 100, 2)}
            for ref in (ALL, SEI):
                d = results.diff(iid, scope, ref)
                if d.value is not None:
                    out.add(display(abs(d.value), d.decimals))
            if results.get(scope, iid).unit == "亿元":
                for of in (ALL, SEI):
                    share = results.share(iid, scope, of)
                    if share.value is not None:
                        out.add(display(share.value, share.decimals))
    sectors = [s for s in shown if s.startswith("sector:")]
    for iid in ("value_added", "output_value", "revenue", "total_profit"):
        total = results.value(SEI, iid) if iid in ids else None
        if not total or total <= 0:
            continue
        for k in (2, 3):
            for combo in combinations(sectors, k):
                parts = [results.value(s, iid) for s in combo]
                if None not in parts:
                    v = float(display(sum(parts) / total * 100, 1))
                    out.add(str(int(v + 1e-9)))
                    # the report's floor is the sum of the published shares, as the reader adds them up
                    added = sum(float(display(p / total * 100, 1)) for p in parts)
                    out.add(str(int(round(added, 1) + 1e-9)))
    return out


OPTIONAL = ["工业总产值本期", "工业总产值上年同期", "工业增加值本期", "工业增加值上年同期", "营业收入上年同期",
            "营业成本本期", "营业成本上年同期", "利润总额本期", "利润总额上年同期", "资产总计本期", "资产总计上年同期",
            "资产总计年初", "负债合计本期", "负债合计上年同期", "产成品存货本期", "产成品存货年初", "应收账款本期",
            "应收账款年初", "平均用工人数(人)"]
NUMBER = re.compile(r"(?<![\d.])(\d+(?:\.\d+)?)(?![\d.])")


def check_text(text: str, results, disclosure) -> None:
    assert_no_broken_sentence(text)
    body = text.split("\n", 1)[1].split("## 说明")[0].replace(results.period.label, "")
    allowed = published_numbers(results, disclosure)
    for number in NUMBER.findall(body):
        assert number in allowed or number == str(results.period.year), (number, body)
    # 占比最高 is said only of the category that is the largest, withheld ones included.
    leader = re.search(r"从产业结构看，([^，；。]+产业)(增加值|工业总产值|营业收入)[\d.]+亿元，占战新产业的[\d.]+%（[^）]+）"
                       r"，是全市工业战新产业占比最高的产业", text)
    if leader:
        iid = {"增加值": "value_added", "工业总产值": "output_value", "营业收入": "revenue"}[leader.group(2)]
        values = {s: results.value(s, iid) or 0 for s in results.scope_ids() if s.startswith("sector:")}
        assert max(values, key=values.get) == "sector:" + leader.group(1)


@pytest.fixture(scope="module")
def sample():
    return sample_table()


def test_any_subset_of_columns_and_any_nulls_gives_whole_sentences(sample, tmp_path_factory):
    """Real .xlsx exports with a random subset of the optional columns and random empty cells, read by the
    real reader: no empty clause, and every number in the text is one of the engine's figures as published."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    import xltools
    from xltools.disclosure import plan
    from xltools.report import render

    head, body = sample
    rows = body[::3]  # 40 enterprises, every category still present
    cells = [(r, h) for r in range(len(rows)) for h in OPTIONAL + ["营业收入本期"]]

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(keep=st.sets(st.sampled_from(OPTIONAL), min_size=1), blank=st.sets(st.sampled_from(cells), max_size=60),
           threshold=st.integers(1, 8))
    def run(keep, blank, threshold):
        path = write_export(tmp_path_factory.mktemp("x") / "2022年1-12月.xlsx", head, rows,
                            keep | {"营业收入本期"}, blank)
        results = xltools.compute(xltools.load(path))
        disclosure = plan(results, threshold=threshold)
        check_text(render(results, disclosure), results, disclosure)

    run()


def test_a_category_of_six_withheld_to_protect_another_is_not_called_small(tmp_path):
    """新一代信息技术产业 (6 enterprises, the smallest other category) is withheld only so that 生物产业
    (2 enterprises) cannot be found by subtraction: named under the law, never as 企业数较少."""
    from test_report import HEAD

    from helpers import write_csv

    rows = [[f"A{i}", f"甲{i}", "新材料", 1000 + i, 800, 900, 30, 20, 2500, 1000] for i in range(10)]
    rows += [[f"B{i}", f"乙{i}", "生物", 1000, 900, 950, 10, 20, 500, 500] for i in range(2)]
    rows += [[f"D{i}", f"丁{i}", "新一代信息技术", 100 + i, 90, 65, 1, 2, 30, 50] for i in range(6)]
    rows += [[f"C{i}", f"丙{i}", "", 1000, 1100, 990, 5, 5, 900, 1000] for i in range(5)]
    proc = run_cli("report", write_csv(tmp_path / "2022年1-12月.csv", [HEAD, *rows]))
    assert proc.returncode == 0, proc.stderr
    assert "生物产业企业数较少，按《统计法》规定不公布分产业数据。" in proc.stdout
    assert "新一代信息技术产业的数据按《统计法》规定不予公布。" in proc.stdout
    assert "新一代信息技术产业企业数较少" not in proc.stdout and "新一代信息技术产业、" not in proc.stdout
    # 新材料产业 holds more than the withheld two together (SEI minus the published, which anyone can
    # subtract): it is the largest. Profits may be negative, so with categories withheld no profit ranking.
    assert "新材料产业工业总产值0.25亿元，占战新产业的95.5%（九成以上），是全市工业战新产业占比最高的产业。" in proc.stdout
    assert "也是最高" not in proc.stdout and "利润总额占比最高的是" not in proc.stdout
    assert_no_broken_sentence(proc.stdout)


def test_ranking_words_hold_for_any_profits_columns_and_nulls(tmp_path_factory):
    """The constructed city (nothing withheld, so ranking words are written) with random profits (losses
    too), a random subset of its columns and random empty cells: whole sentences, every number a figure,
    and 占比最高 said of the category that is the largest."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    import xltools
    from xltools.disclosure import plan
    from xltools.report import render

    optional = [h for h in CITY_HEAD[3:] if h != "营业收入本期"]

    @settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(keep=st.sets(st.sampled_from(optional), min_size=1), profit=st.integers(-12000, 12000),
           blank=st.sets(st.tuples(st.integers(0, 15), st.sampled_from(optional)), max_size=20))
    def run(keep, profit, blank):
        path = write_export(tmp_path_factory.mktemp("c") / "2023年1-6月.xlsx", CITY_HEAD, city_rows(profit),
                            keep | {"营业收入本期"}, blank, period="2023年1-6月")
        results = xltools.compute(xltools.load(path))
        disclosure = plan(results)
        text = render(results, disclosure)
        check_text(text, results, disclosure)

    run()


def test_a_header_only_export_is_an_input_error(tmp_path):
    head, _ = sample_table()
    out = tmp_path / "发展现状.docx"
    proc = run_cli("report", write_export(tmp_path / "2022年1-12月.xlsx", head, []), "-o", out)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "没有企业数据" in proc.stderr
    assert not out.exists()


def test_a_bureaus_older_template_still_renders(tmp_path):
    """Names the shipped template used before the grammar (s.margin_gap, profit_leaders) stay in the context."""
    own = tmp_path / "模板"
    own.mkdir()
    (own / "report.md.j2").write_text(
        "# {{ when }}{{ city }}\n\n{% for s in sectors %}{{ s.name }}{{ s.margin_gap | compare('战新产业') }}；{% endfor %}"
        "{% for s in profit_leaders %}{{ s.name }}{{ s.profit_share }}%{% endfor %}\n", encoding="utf-8")
    proc = run_cli("report", "--templates", own)
    assert proc.returncode == 0, proc.stderr
    assert "新材料产业低于战新产业0.66个百分点；" in proc.stdout


def test_every_share_in_the_structure_section_names_its_base():
    """产业结构: shares of revenue (前三位企业, 新企业) say "占…营业收入的", the share of 中小微型 enterprises
    (a count) says "占…企业数的"; never a bare "占…的" or "占X%"."""
    import json

    text = run_cli("report").stdout
    section = text.split("## 四、产业结构")[1].split("\n## ")[0]
    shares = re.findall(r"([^，；。]*?)占([^，；。\d]*?)(\d+\.\d)%", section)
    assert len(shares) >= 9, section
    bases = {"战新产业营业收入的", "该产业营业收入的", "战新产业企业数的", "该产业企业数的"}
    for who, base, _ in shares:
        assert base in bases, (who, base, section)
        assert ("企业数" in base) == who.endswith("中小微型企业"), (who, base)
    doc = json.loads(run_cli("indicators", "--format", "json").stdout)
    figure = {(r["scope"], r["indicator"]): r["display"] for r in doc["results"]}
    assert f"中小微型企业占战新产业企业数的{figure[('sei', 'sme_share')]}%" in section
    assert f"营业收入前三位企业占战新产业营业收入的{figure[('sei', 'revenue_top3_share')]}%" in section
    assert f"占战新产业营业收入的{figure[('sei', 'new_enterprises_revenue_share')]}%" in section
    assert f"新材料产业营业收入前三位企业占该产业营业收入的{figure[('sector:新材料产业', 'revenue_top3_share')]}%" in section


def test_the_notes_say_dominance_once_and_are_numbered_without_gaps(tmp_path):
    """说明: the dominance finding and what it means are one note (they were two that said the same thing);
    the notes are numbered 1, 2, 3… without a gap."""
    notes = run_cli("report").stdout.split("## 说明")[1].strip().split("\n\n")
    assert [int(n.split(".", 1)[0]) for n in notes] == list(range(1, len(notes) + 1))
    about = [n for n in notes if "最大1家企业" in n or "最大企业" in n]
    assert len(about) == 1, about
    assert about[0] == ("2. 支配性检查：新能源汽车产业工业总产值、工业增加值、营业收入、利润总额最大1家企业占比超过85%，"
                        "虽企业数不少，公布其数据实际上就是公布最大企业的数据；对外公布前请按数据保密规定审核。")
    # Several dominated scopes: one note still, the consequence said once for all of them.
    from test_dominance import HEAD as DHEAD, rows as drows

    spec = [("新材料产业", [90000, 100, 120, 130]), ("新能源产业", [80000, 210, 220]), ("", [300, 310, 320, 330])]
    text = run_cli("report", write_csv(tmp_path / "2022年1-12月.csv", [DHEAD, *drows(spec)])).stdout
    about = [n for n in text.split("## 说明")[1].strip().split("\n\n") if "最大" in n]
    assert len(about) == 1 and about[0].count("这些范围虽企业数不少") == 1, about
    assert "新材料产业" in about[0] and "新能源产业" in about[0]
