"""--va-growth: read like every input (CSV in UTF-8, with a BOM or GBK; .xlsx), Chinese errors with exit 2,
and tables that say, scope by scope, which value-added growth rates are comparable-price."""
from __future__ import annotations

from helpers import run_cli, write_xlsx
from workbook_reading import values

TEXT = "范围,增速,来源\n全市,6.5,市统计局\n战略性新兴产业,9.8,市统计局\n"


def _t1_va(out):
    return next(r for r in values(out)["表1"] if str(r[0]).startswith("工业增加值("))


def test_gbk_csv_and_xlsx(tmp_path):
    gbk = tmp_path / "va_gbk.csv"
    gbk.write_bytes(TEXT.encode("gbk"))
    xlsx = write_xlsx(tmp_path / "va.xlsx", [["范围", "增速", "来源"], ["全市", 6.5, "市统计局"],
                                             ["战略性新兴产业", 9.8, "市统计局"]])
    bom = tmp_path / "va_bom.csv"
    bom.write_bytes(TEXT.encode("utf-8-sig"))
    for k, va in enumerate((gbk, xlsx, bom)):
        out = tmp_path / f"out{k}.xlsx"
        proc = run_cli("summary", "-o", out, "--va-growth", va)
        assert proc.returncode == 0, proc.stderr
        row = _t1_va(out)
        assert row[0] == "工业增加值(增速为可比价)" and row[3] == 6.5 and row[5] == 9.8


def test_input_errors_in_chinese(tmp_path):
    proc = run_cli("summary", "-o", tmp_path / "x.xlsx", "--va-growth", tmp_path / "none.csv")
    assert proc.returncode == 2 and "不存在" in proc.stderr and "No such file" not in proc.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("范围,增速\n全市,\n战新,abc\n", encoding="utf-8")
    proc = run_cli("report", "--va-growth", bad)
    assert proc.returncode == 2
    assert "增速为空" in proc.stderr and "'abc' 不是数字" in proc.stderr and "增速不是数字" not in proc.stderr
    assert "Traceback" not in proc.stderr


def test_partial_file_labels_each_basis(tmp_path):
    va = tmp_path / "va.csv"
    va.write_text("范围,增速\n全市,6.5\n", encoding="utf-8")
    out = tmp_path / "p.xlsx"
    assert run_cli("summary", "-o", out, "--va-growth", va).returncode == 0
    row = _t1_va(out)
    assert row[0] == "工业增加值(增速口径见注)" and row[3] == 6.5  # 战新's rate is at current prices
    t1 = " ".join(str(c) for r in values(out)["表1"] for c in r if c)
    assert "全市规模以上工业为可比价增速（来源：va.csv（未注明来源））" in t1
    assert "战略性新兴产业没有可比价增速，为按企业现价数据计算的现价增速" in t1
    t2 = values(out)["表2"]
    assert "工业增加值(增速为现价)" in t2[2]  # no category and not 战新: all current-price
    report = run_cli("report", "--va-growth", va).stdout
    # The report speaks of 战新 only: at current prices, in the text and in its note alike.
    assert "按现价计算" in report and "工业增加值增速按企业现价数据计算（现价）" in report
    assert "为可比价增速" not in report
