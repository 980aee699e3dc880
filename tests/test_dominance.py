"""The dominance rule: informs by default, withholds under --dominance (with secondary protection), never
the 全市 and 战新 totals unless the rule names them; `indicators` marks what `summary` withholds."""
from __future__ import annotations

import json

import xltools
from helpers import run_cli, write_csv
from workbook_reading import parts, values
from xltools.disclosure import plan
from xltools.dominance import Rule

HEAD = ["统一社会信用代码", "单位名称", "战新产业类别", "工业总产值本期", "工业总产值上年同期", "营业收入本期", "营业收入上年同期",
        "营业成本本期", "利润总额本期", "利润总额上年同期"]


def rows(spec):
    """spec: (category, [revenues]); other magnitudes follow the revenue."""
    out, i = [], 0
    for cat, revenues in spec:
        for rev in revenues:
            i += 1
            rev = round(rev * (1 + i * 0.00731), 3)  # no row the sum of others (a 合计 look-alike)
            out.append([f"E{i:03d}", f"企业{i}", cat, rev * 1.01, rev * 0.9, rev, rev * 0.9, rev * 0.85, rev * 0.05,
                        rev * 0.04])
    return out


# 新能源汽车: 5 enterprises, one holds 9000 of 9400 (95.7%); the others are balanced.
SPEC = [("新材料产业", [1000, 1100, 1200, 900, 800, 950]), ("新能源产业", [700, 650, 600, 720]),
        ("节能环保产业", [300, 320, 340, 310]), ("新能源汽车产业", [9000, 100, 100, 100, 100]),
        ("", [2000, 2100, 1900, 2200, 2050, 1800, 1990])]


def nev_share(spec=SPEC) -> str:
    revenues = [r[3] for r in rows(spec) if r[2] == "新能源汽车产业"]
    return f"{max(revenues) / sum(revenues) * 100:.1f}"


def source(tmp_path, spec=SPEC, name="2022年1-12月.csv"):
    return write_csv(tmp_path / name, [HEAD, *rows(spec)])


def row_of(grid, label):
    return next(r for r in grid if r[0] == label)


def text_of(grid):
    return " ".join(str(c) for r in grid for c in r if c)


def test_listed_but_published_without_the_option(tmp_path):
    src = source(tmp_path)
    out = tmp_path / "s.xlsx"
    assert run_cli("summary", src, "-o", out).returncode == 0
    grid = values(out)["表2"]
    assert isinstance(row_of(grid, "新能源汽车产业")[1], (int, float))  # published
    notes = text_of(values(out)["说明"])
    # Published: over the rule, never a share (the largest 2's minus the largest 1's, times the published
    # total, would be the second enterprise's figure).
    assert "新能源汽车产业工业总产值、营业收入、利润总额最大1家企业占比超过85%" in notes
    assert "最大2家" not in notes and f"{nev_share()}%" not in notes
    assert "--dominance 1,85" in notes  # 发布前须知: addressed to the statistician
    proc = run_cli("validate", src)  # internal: the exact shares
    assert proc.returncode == 0 and f"新能源汽车产业：工业总产值最大1家占{nev_share()}%" in proc.stdout
    proc = run_cli("report", src)
    assert proc.returncode == 0 and "新能源汽车产业工业总产值、营业收入、利润总额最大1家企业占比超过85%，" in proc.stdout
    assert "最大2家" not in proc.stdout and nev_share() not in proc.stdout and "--" not in proc.stdout
    table = run_cli("indicators", src).stdout
    assert "最大2家" not in table and nev_share() not in table and "--dominance 1,85" in table
    doc = json.loads(run_cli("indicators", src, "--format", "json").stdout)
    assert not any("最大2家" in n or "--" in n for n in doc["notes"])


def test_no_share_of_a_total_under_the_option(tmp_path):
    # 全市 dominated by one enterprise of 新能源汽车产业, which the rule withholds: a 全市 share times the
    # published 全市 total would give the withheld category's leading enterprise.
    spec = [("新材料产业", [100, 110, 120, 130]), ("新能源汽车产业", [90000, 100, 120]), ("", [300, 310, 320])]
    src = source(tmp_path, spec)
    out = tmp_path / "s.xlsx"
    assert run_cli("summary", src, "-o", out, "--dominance", "1,85").returncode == 0
    notes = text_of(values(out)["说明"])
    assert "全市规模以上工业" in notes and "最大1家企业占比超过85%" in notes
    assert "最大1家占" not in notes and "最大2家" not in notes
    report = run_cli("report", src, "--dominance", "1,85").stdout
    assert "最大1家占" not in report and "最大2家" not in report and "--" not in report
    for sheet in ("表1", "表2"):  # footnotes: no options, no shares
        assert "--" not in text_of(values(out)[sheet]) and "最大1家占" not in text_of(values(out)[sheet])


def test_withheld_under_the_option_with_secondary_protection(tmp_path):
    src = source(tmp_path)
    out = tmp_path / "d.xlsx"
    proc = run_cli("summary", src, "-o", out, "--dominance", "1,85")
    assert proc.returncode == 0, proc.stderr
    grid = values(out)["表2"]
    assert set(row_of(grid, "新能源汽车产业")[1:]) == {"…"}
    # 战新合计 minus the published categories would give it: a second category is withheld.
    withheld = [n for n in ("新材料产业", "新能源产业", "节能环保产业") if row_of(grid, n)[1] == "…"]
    assert len(withheld) == 1
    assert "最大一家企业占比超过85%的范围" in text_of(grid)
    rev = sum(rows([SPEC[3]])[k][5] for k in range(5))
    text = "\n".join(parts(out).values())
    assert f"{rev:.16G}" not in text and repr(float(rev)) not in text
    # The totals are published, and indicators marks exactly what the summary withholds.
    assert isinstance(row_of(values(out)["表1"], "营业收入")[4], float)
    results = xltools.compute(xltools.load(src))
    planned = plan(results, dominance=Rule())
    summary_withheld = planned.withheld
    assert summary_withheld == {"sector:新能源汽车产业", f"sector:{withheld[0]}"}
    doc = json.loads(run_cli("indicators", src, "--format", "json", "--dominance", "1,85").stdout)
    # (structure figures such as the largest enterprise's share are withheld on their own in published scopes)
    marked = {r["scope"] for r in doc["results"] if r["withheld"] and r["indicator"] not in planned.figures}
    assert marked == summary_withheld
    assert all(r["value"] is None and r["display"] == "…" for r in doc["results"] if r["withheld"])


def test_the_totals_only_when_the_rule_names_them(tmp_path):
    # One enterprise holds most of all industry (a one-group city), and of the SEI.
    spec = [("新材料产业", [90000, 100, 120, 130]), ("新能源产业", [200, 210, 220]), ("", [300, 310, 320])]
    src = source(tmp_path, spec)
    results = xltools.compute(xltools.load(src))
    d = plan(results, dominance=Rule())
    assert d.withheld.isdisjoint({"all", "sei"}) and "sector:新材料产业" in d.withheld
    out = tmp_path / "t.xlsx"
    assert run_cli("summary", src, "-o", out, "--dominance", "1,85").returncode == 0
    t1 = values(out)["表1"]
    assert isinstance(row_of(t1, "营业收入")[2], float) and isinstance(row_of(t1, "营业收入")[4], float)
    assert "全市和战新合计按规定照常公布" in text_of(values(out)["说明"])
    d = plan(results, dominance=Rule(1, 85, True))
    assert {"all", "sei"} <= d.withheld
    out = tmp_path / "all.xlsx"
    assert run_cli("summary", src, "-o", out, "--dominance", "1,85,all").returncode == 0
    assert row_of(values(out)["表1"], "营业收入")[2] == "…"


def test_indicators_marks_withheld_figures_in_every_format(tmp_path):
    spec = SPEC + [("生物产业", [50, 60])]
    src = source(tmp_path, spec)
    results = xltools.compute(xltools.load(src))
    planned = plan(results)
    withheld = planned.withheld
    assert "sector:生物产业" in withheld
    doc = json.loads(run_cli("indicators", src, "--format", "json").stdout)
    assert {r["scope"] for r in doc["results"] if r["withheld"] and r["indicator"] not in planned.figures} == withheld
    assert {r["scope"] for r in doc["results"] if r["indicator"] == "revenue_top1_share" and r["withheld"]} == \
        {s.scope for s in results.scopes if s.enterprises}
    kept = json.loads(run_cli("indicators", src, "--format", "json", "--no-suppress").stdout)
    bio = [r for r in kept["results"] if r["scope"] == "sector:生物产业" and r["indicator"] == "revenue"][0]
    assert bio["withheld"] is True and bio["value"] == results.value("sector:生物产业", "revenue")
    csv_out = run_cli("indicators", src, "--format", "csv").stdout.splitlines()
    assert csv_out[0].endswith(",不公布")
    assert any(line.startswith("sector:生物产业,") and line.endswith(",…,是") for line in csv_out)
    assert all(line.endswith((",是", ",否")) for line in csv_out[1:])
    table = run_cli("indicators", src).stdout
    assert "生物产业" in table and "…" in table and "本期不公布" in table


def test_no_suppress_says_what_the_figures_are_never_why_they_would_be_withheld(tmp_path):
    """--no-suppress: nothing is withheld, so the notes give no reason for withholding ("虽企业数不少" of a
    category of one enterprise, "对外公布前请按数据保密规定审核", "为对单个企业资料保密，不列其数字", "如需不公布，
    使用 --dominance") — and the report says once, under its title, that it is for internal use."""
    data = rows(SPEC + [("数字创意产业", [500])])
    new = next(r for r in data if r[2] == "新材料产业")
    new[4] = new[6] = new[9] = None   # no 上年同期: a new enterprise, moving SEI's growth
    src = write_csv(tmp_path / "2022年1-12月.csv", [HEAD, *data])
    withholding = ("虽企业数不少", "对外公布前请按数据保密规定审核", "为对单个企业资料保密", "如需不公布", "--dominance")
    proc = run_cli("report", src, "--no-suppress")
    assert proc.returncode == 0, proc.stderr
    text = proc.stdout
    assert text.split("\n\n")[1] == "本报告未做数据保密处理（使用了 --no-suppress），不得对外公布。"
    assert text.count("未做数据保密处理") == 1 and text.count("不得对外公布") == 1
    assert "数字创意产业营业收入利润率为" in text   # a category of one enterprise: printed
    notes = text.split("## 说明")[1]
    for words in withholding:
        assert words not in notes, (words, notes)
    # A scope of fewer enterprises than the threshold (数字创意产业: one) is trivially its largest enterprise's
    # data: not listed as dominated (the internal-use line already says nothing is protected).
    assert ("支配性检查：新能源汽车产业工业总产值、营业收入、利润总额最大1家企业占比超过85%，"
            "其数据实际上就是最大企业的数据。") in notes, notes
    assert "数字创意产业" not in notes and "未分县区" not in notes, notes
    assert "战略性新兴产业有1家企业没有上年同期数（新投产或新纳入统计），占本期营业收入的" in notes
    # The summary under --no-suppress: the same notes in 发布前须知 (its own line says it is unprotected).
    out = tmp_path / "s.xlsx"
    assert run_cli("summary", src, "-o", out, "--no-suppress").returncode == 0
    said = text_of(values(out)["说明"])
    assert "本表未做数据保密处理（使用了 --no-suppress），不得对外公布。" in said
    for words in withholding[:-1]:
        assert words not in said, (words, said)
    # With disclosure control: no internal-use line; the reasons are given.
    text = run_cli("report", src).stdout
    assert "未做数据保密处理" not in text and "数字创意产业企业数较少" in text
    assert "虽企业数不少" in text and "为对单个企业资料保密" in text
