"""`xltools validate`: plausibility warnings in Chinese, with counts and rows."""
from __future__ import annotations

from helpers import TITLE, run_cli, sha256, write_xlsx


def test_plausibility_warnings(tmp_path):
    rows = [[TITLE],
            ["统一社会信用代码", "单位名称", "行业代码", "营业收入", "营业收入上年同期", "营业成本", "利润总额",
             "资产总计", "负债合计"],
            ["A1", "成本高", "3216", 100, 90, 120, 1, 100, 50],
            ["A2", "资不抵债", "3216", 100, 90, 80, 1, 100, 150],
            ["A3", "重复名称", "3985", 100, 90, 80, 1, 100, 50],
            ["A4", "新企业", "0610", 100, None, 80, 1, -5, 0],
            ["A5", "非工业", "5211", 100, 90, 80, 1, 100, 50],
            ["A6", "短代码", "39", 100, 90, 80, 1, 100, 50]]
    path = write_xlsx(tmp_path / "w.xlsx", rows)
    before = sha256(path)
    res = run_cli("validate", path)
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "读取 6 家企业，没有发现输入错误" in out
    assert "营业成本高于营业收入：1 家（第3行 成本高）" in out
    assert "负债合计高于资产总计：2 家（第4行 资不抵债；第6行 新企业）" in out
    assert "资产总计为负数：1 家（第6行 新企业）" in out
    assert "无上年同期数" in out and "1 家（第6行 新企业）" in out
    assert "行业代码不属于工业" in out and "第7行 非工业" in out
    assert "行业代码不是4位" in out and "第8行 短代码" in out
    assert sha256(path) == before


def test_validate_sample_by_default():
    res = run_cli("validate")
    assert res.returncode == 0, res.stderr
    assert "bureau_2022.xlsx" in res.stdout and "报告期：2022年1-12月（来自标题行）" in res.stdout
    assert "合计/小计行：第5行（“合计”）" in res.stdout and "工作表：读取工作表“规上工业企业”" in res.stdout


def test_help_has_examples():
    res = run_cli("validate", "--help")
    assert res.returncode == 0 and "示例" in res.stdout and "xltools validate" in res.stdout
    res = run_cli("--help")
    assert res.returncode == 0 and "validate" in res.stdout


def test_an_enterprise_code_twice_is_an_input_error(tmp_path):
    """Two rows of one enterprise would count it twice: stop and name both rows."""
    rows = [[TITLE], ["统一社会信用代码", "单位名称", "营业收入", "利润总额"],
            ["91620300000000001A", "甲冶炼有限公司", 100, 1], ["91620300000000002B", "乙化工有限公司", 50, 2],
            ["91620300000000001A", "甲冶炼有限公司", 100, 1]]
    res = run_cli("validate", write_xlsx(tmp_path / "dup.xlsx", rows))
    assert res.returncode == 2
    assert "第5行：统一社会信用代码“91620300000000001A”与第3行重复" in res.stderr
