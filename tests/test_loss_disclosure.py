"""亏损企业亏损额 is the loss-makers' own figure: withheld for a scope with fewer loss-makers than the
threshold (and where subtraction would give it), in the summary, indicators and the sums sheet."""
from __future__ import annotations

import json

import xltools
from helpers import run_cli, write_csv
from test_dominance import HEAD, row_of, rows, text_of
from workbook_reading import parts, values
from xltools.disclosure import plan

SPEC = [("新材料产业", [1000, 1100, 1200, 900]), ("新能源产业", [700, 650, 600, 720]),
        ("", [2000, 2100, 1900, 2200])]


def source(tmp_path, losers):
    """`losers`: indexes of enterprises made loss-makers (利润总额 −123.456 × (k + 1))."""
    data = rows(SPEC)
    for k, i in enumerate(losers):
        data[i][8] = -123.456 * (k + 1)
    return write_csv(tmp_path / "2022年1-12月.csv", [HEAD, *data]), data


def test_a_single_loss_maker_loss_is_withheld(tmp_path):
    src, data = source(tmp_path, [0])  # one loss-maker, in 新材料产业: 全市, 战新 and 新材料 have 1
    results = xltools.compute(xltools.load(src))
    d = plan(results)
    assert {"all", "sei", "sector:新材料产业"} <= d.loss_withheld and not d.withheld
    out = tmp_path / "s.xlsx"
    proc = run_cli("summary", src, "-o", out)
    assert proc.returncode == 0, proc.stderr
    t1 = values(out)["表1"]
    assert row_of(t1, "亏损企业数")[2] == 1  # the count is published
    assert row_of(t1, "亏损企业亏损额")[2] == "…" and row_of(t1, "亏损企业亏损额")[4] == "…"
    assert row_of(t1, "亏损企业亏损额")[6] == "…"
    assert "不公布亏损企业亏损额" in text_of(t1)
    text = "\n".join(parts(out).values())
    assert "123.456" not in text and "0.00123456" not in text
    doc = json.loads(run_cli("indicators", src, "--format", "json").stdout)
    losses = {r["scope"]: r for r in doc["results"] if r["indicator"] == "loss_amount"}
    assert losses["all"]["withheld"] is True and losses["all"]["value"] is None
    assert losses["sei"]["withheld"] is True
    assert losses["sector:新能源产业"]["withheld"] is False  # no loss-maker: 0 reveals nothing
    assert all(r["withheld"] is False for r in doc["results"] if r["indicator"] == "revenue")
    assert "亏损企业亏损额" in run_cli("indicators", src).stdout


def test_secondary_protection_of_the_loss_amount(tmp_path):
    # 战新 has 4 loss-makers (3 in 新材料, 1 in 新能源): 新能源's loss is withheld, and 新材料's too, else
    # 战新 − 新材料 would give it; 全市 (4) and 战新 (4) are published.
    src, data = source(tmp_path, [0, 1, 2, 4])
    d = plan(xltools.compute(xltools.load(src)))
    assert d.loss_withheld == {"sector:新能源产业", "sector:新材料产业"}
    out = tmp_path / "s.xlsx"
    assert run_cli("summary", src, "-o", out).returncode == 0
    t1 = values(out)["表1"]
    assert isinstance(row_of(t1, "亏损企业亏损额")[4], float)
