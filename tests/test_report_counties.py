"""`xltools report --by county`: the 分县区 paragraph, every number equal to `indicators --by county`'s."""
from __future__ import annotations

import json
import re

from helpers import run_cli, write_csv
from xltools.wording import Figure, growth

HEAD = ["统一社会信用代码", "单位名称", "县(区)", "战新产业类别", "营业收入本期", "营业收入上年同期", "营业成本本期",
        "利润总额本期", "利润总额上年同期", "工业总产值本期", "工业总产值上年同期", "工业增加值本期", "工业增加值上年同期"]
# county, category, enterprises, revenue (千元) of the first; value added falls in 乙区 and grows elsewhere.
SPEC = [("甲县", "新材料", 5, 90000, 1.10), ("甲县", "", 4, 120000, 1.05),
        ("乙区", "新能源", 4, 60000, 0.95), ("乙区", "", 3, 30000, 1.02),
        ("丙县", "新材料", 2, 40000, 1.20), ("丙县", "", 3, 50000, 1.01),
        ("丁县", "", 4, 20000, 1.03),
        ("", "新材料", 1, 10000, 1.00), ("", "", 2, 15000, 1.00)]


def rows(spec=SPEC):
    out, i = [], 0
    for county, cat, n, revenue, ratio in spec:
        for _ in range(n):
            i += 1
            rev = revenue * (1 + i * 0.0173)
            va = rev * 0.3
            out.append([f"E{i:03d}", f"企业{i}", county, cat, rev, rev / ratio, rev * 0.85, rev * 0.06, rev * 0.05,
                        rev * 1.02, rev * 1.02 / ratio, va, va / ratio])
    return out


def indicators(src) -> dict:
    proc = run_cli("indicators", src, "--by", "county", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return {(r["scope"], r["indicator"]): r for r in json.loads(proc.stdout)["results"]}


def county_paragraph(text: str) -> str:
    part = text.split("## 二、发展特点")[1].split("## 三")[0]
    found = [p for p in part.split("\n\n") if "县" in p or "未分县区" in p]
    assert len(found) == 1, part
    return found[0].strip()


CLAUSE = re.compile(r"(?:分县区看，)?([^，；。]+?)战新产业实现(工业增加值|工业总产值|营业收入)([\d.]+)亿元"
                    r"(?:，占本县区规模以上工业的([\d.]+)%)?(?:，(按现价计算)?(同比[^；。]+))?[；。]")


def test_county_paragraph_numbers_are_the_indicators(tmp_path):
    src = write_csv(tmp_path / "2022年1-12月.csv", [HEAD, *rows()])
    figures = indicators(src)
    proc = run_cli("report", src, "--by", "county")
    assert proc.returncode == 0, proc.stderr
    para = county_paragraph(proc.stdout)
    described = CLAUSE.findall(para)
    assert [c[0] for c in described] == ["甲县", "乙区"]                       # largest first
    for county, what, level, share, basis, words in described:
        sei, whole = f"county:{county}/sei", f"county:{county}"
        assert what == "工业增加值" and basis == "按现价计算"
        assert level == figures[(sei, "value_added")]["display"]
        expected_share = figures[(sei, "value_added")]["value"] / figures[(whole, "value_added")]["value"] * 100
        assert share == f"{expected_share:.1f}"
        rate = figures[(sei, "value_added_growth")]
        assert words == growth(Figure(rate["value"], 1)) and rate["display"].lstrip("-") in words
    assert "乙区战新产业实现工业增加值" in para and re.search(r"乙区[^；]*同比下降", para)
    # 丙县 has 2 SEI enterprises: named only, as too few; 丁县 has none; the blank counties are set aside.
    assert "丙县战新产业企业数较少，按《统计法》规定不公布分县区数据。" in para
    assert figures[("county:丙县/sei", "value_added")]["withheld"]
    assert not re.search(r"丙县[^。]*\d", para)
    assert "丁县没有规模以上工业战新产业企业。" in para
    assert "企业的县(区)为空，单列为“未分县区”，未计入以上分县区情况。" in para
    # No county is described unless `indicators` publishes it.
    for county, *_ in described:
        assert not figures[(f"county:{county}/sei", "value_added")]["withheld"]
    for broken in ("，；", "，。", "；。", "、，"):
        assert broken not in para
    # Without --by county there is no such paragraph.
    assert "分县区看" not in run_cli("report", src).stdout


def test_secondary_protection_is_named_by_the_law_only(tmp_path):
    """Two counties' SEI: one below the threshold, so the other is withheld too (SEI − it = the small one)."""
    spec = [("甲县", "新材料", 5, 90000, 1.1), ("甲县", "", 4, 100000, 1.0),
            ("乙区", "新材料", 2, 30000, 1.1), ("乙区", "", 4, 50000, 1.0)]
    src = write_csv(tmp_path / "2022年1-12月.csv", [HEAD, *rows(spec)])
    figures = indicators(src)
    assert figures[("county:甲县/sei", "value_added")]["withheld"]
    para = county_paragraph(run_cli("report", src, "--by", "county").stdout)
    assert "乙区战新产业企业数较少，按《统计法》规定不公布分县区数据。" in para
    assert "甲县战新产业的数据按《统计法》规定不予公布。" in para
    assert "甲县战新产业企业数较少" not in para and not re.search(r"\d", para)
    assert "分县区看" not in para


def test_without_value_added_the_size_indicator_speaks(tmp_path):
    data = [r[:11] for r in rows()]
    src = write_csv(tmp_path / "2022年1-12月.csv", [HEAD[:11], *data])
    figures = indicators(src)
    para = county_paragraph(run_cli("report", src, "--by", "county").stdout)
    described = CLAUSE.findall(para)
    assert [c[1] for c in described] == ["工业总产值", "工业总产值"]
    for county, what, level, share, basis, words in described:
        sei = f"county:{county}/sei"
        assert level == figures[(sei, "output_value")]["display"] and basis == ""
        assert figures[(sei, "output_value_growth")]["display"].lstrip("-") in words


def test_by_county_without_a_county_column_says_so(tmp_path):
    data = [r[:2] + r[3:] for r in rows()]
    src = write_csv(tmp_path / "2022年1-12月.csv", [HEAD[:2] + HEAD[3:], *data])
    proc = run_cli("report", src, "--by", "county")
    assert proc.returncode == 0, proc.stderr
    assert "数据中没有县(区)列，分析中没有“分县区看”一段" in proc.stderr
    assert "分县区看" not in proc.stdout and "未分县区" not in proc.stdout


def test_a_withheld_sei_total_withholds_every_countys_sei(tmp_path):
    """战新 has 2 enterprises in all: withheld, and with it every county's SEI (named in 表3's order, never described)."""
    spec = [("甲县", "新材料", 1, 90000, 1.1), ("甲县", "", 4, 100000, 1.0),
            ("乙区", "新能源", 1, 30000, 1.1), ("乙区", "", 4, 50000, 1.0)]
    src = write_csv(tmp_path / "2022年1-12月.csv", [HEAD, *rows(spec)])
    assert indicators(src)[("sei", "value_added")]["withheld"]
    para = county_paragraph(run_cli("report", src, "--by", "county").stdout)
    assert para == "乙区、甲县战新产业企业数较少，按《统计法》规定不公布分县区数据。"


def test_a_county_share_or_growth_of_exactly_zero_is_said(tmp_path):
    """A figure that rounds to 0 is a figure: "占本县区规模以上工业的0.0%" and "与上年同期持平" are written,
    never dropped with their clause (only a missing figure drops its clause)."""
    spec = [("甲县", "新材料", 3, 1500, 1.0), ("甲县", "", 4, 3000000, 1.0),
            ("乙区", "新能源", 4, 60000, 1.1), ("乙区", "", 3, 30000, 1.0)]
    src = write_csv(tmp_path / "2022年1-12月.csv", [HEAD, *rows(spec)])
    figures = indicators(src)
    assert figures[("county:甲县/sei", "value_added_growth")]["display"] in ("0.0", "-0.0")
    proc = run_cli("report", src, "--by", "county")
    assert proc.returncode == 0, proc.stderr
    para = county_paragraph(proc.stdout)
    level = figures[("county:甲县/sei", "value_added")]["display"]
    assert f"甲县战新产业实现工业增加值{level}亿元，占本县区规模以上工业的0.0%，按现价计算与上年同期持平。" in para, para
    assert re.search(r"乙区战新产业实现工业增加值[\d.]+亿元，占本县区规模以上工业的[\d.]+%，按现价计算同比增长10\.0%；", para)


def test_a_county_without_last_year_keeps_its_share(tmp_path):
    """No 上年同期 columns: each county's growth clause drops alone, with its "按现价计算"."""
    keep = [i for i, h in enumerate(HEAD) if "上年同期" not in h]
    src = write_csv(tmp_path / "2022年1-12月.csv", [[HEAD[i] for i in keep], *[[r[i] for i in keep] for r in rows()]])
    para = county_paragraph(run_cli("report", src, "--by", "county").stdout)
    assert "按现价计算" not in para and "同比" not in para
    assert re.search(r"分县区看，甲县战新产业实现工业增加值[\d.]+亿元，占本县区规模以上工业的[\d.]+%；乙区战新产业实现"
                     r"工业增加值[\d.]+亿元，占本县区规模以上工业的[\d.]+%。", para), para


def test_every_county_blank_is_said_on_its_own(tmp_path):
    """Every enterprise without a 县(区): no county is described, so nothing is "above" to be left out of —
    the sentence says that no county can be described, with the count of enterprises."""
    spec = [(county and "", cat, n, revenue, ratio) for county, cat, n, revenue, ratio in SPEC]
    src = write_csv(tmp_path / "2022年1-12月.csv", [HEAD, *rows(spec)])
    proc = run_cli("report", src, "--by", "county")
    assert proc.returncode == 0, proc.stderr
    total = sum(n for _, _, n, _, _ in spec)
    para = county_paragraph(proc.stdout)
    assert para == f"全部{total}家企业的县(区)均为空，无法分县区描述战新产业情况。", para
    assert "另有" not in proc.stdout and "以上分县区" not in proc.stdout


def test_blank_counties_withheld_without_their_count(tmp_path):
    """未分县区 withheld (3 enterprises under --threshold 4): its count is not given, and the sentence still
    reads ("另有部分企业…", never "另有企业…"); with it published the count is there."""
    src = write_csv(tmp_path / "2022年1-12月.csv", [HEAD, *rows()])
    assert indicators(src)[("county:未分县区", "revenue")]["withheld"] is False
    para = county_paragraph(run_cli("report", src, "--by", "county").stdout)
    assert para.endswith("另有3家企业的县(区)为空，单列为“未分县区”，未计入以上分县区情况。"), para
    proc = run_cli("report", src, "--by", "county", "--threshold", "4")
    assert proc.returncode == 0, proc.stderr
    para = county_paragraph(proc.stdout)
    assert para.endswith("另有部分企业的县(区)为空，单列为“未分县区”，未计入以上分县区情况。"), para
    assert "另有企业" not in para
