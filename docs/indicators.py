"""Write docs/indicators.md — every indicator's definition — from the registry (xltools/data/indicators.csv):
`python docs/indicators.py --write` (without --write: print it). tests/test_docs.py checks it is current."""
from __future__ import annotations

import os
import sys

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "indicators.md")


def text() -> str:
    from xltools.indicators import indicators

    lines = ["# 指标定义", "",
             "由 `xltools/data/indicators.csv`（指标登记表：引擎、Excel 函数、汇总表和本页都读它）生成：",
             "`python docs/indicators.py --write`。范围内的指标一律是“范围内合计之比”，不是企业比率的平均；增速按可比口径",
             "（同一批企业的上年同期数）；天数按国家统计局每月 30 天（`--calendar-days` 改为日历天数）；显示值按十进制",
             "四舍五入到所列小数位数，差值由未舍入的值相减后再舍入。", "",
             "| 代码 | 指标 | 单位 | 小数位数 | Excel 函数 | 定义 |", "|---|---|---|---|---|---|"]
    for ind in indicators():
        lines.append(f"| `{ind.id}` | {ind.name} | {ind.unit} | {ind.decimals} | `{ind.excel}` | {ind.definition} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if "--write" in sys.argv:
        with open(PATH, "w", encoding="utf-8") as fh:
            fh.write(text())
    else:
        print(text(), end="")
