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
    return "\n".join(lines + [""] + STRUCTURE) + "\n"


STRUCTURE = [
    "## 结构指标",
    "",
    "最大1家、3家企业营业收入占比，赫芬达尔—赫希曼指数（HHI），中小微型企业占比，新企业数和新企业营业收入占比",
    "要用到每家企业的数据，不是合计之比；读取时逐企业汇总，汇总表的“合计数据”表写出它们的依据（营业收入为正的",
    "企业营业收入合计、营业收入平方和、最大1家和3家企业营业收入、中小微型企业数、新企业数及其营业收入），“结构”表的",
    "每个数仍是对这些单元格的公式。",
    "",
    "- **并列**：最大N家按营业收入的值取，营业收入相同的企业任取其一，占比不变。",
    "- **企业不足3家**：最大3家即全部企业（100%）；这样的范围按数据保密规定本来就不公布。",
    "- **营业收入为零或为负**：集中度指标中按0计（不占份额），占比和 HHI 的分母是营业收入为正的企业的合计；没有负数时",
    "  即本范围营业收入。`xltools validate` 列出营业收入为负数的企业，“结构”表的注释说明有几家。这个分母减去公布的营业收入",
    "  就是营业收入为负的企业的合计，所以像亏损企业亏损额一样：这些企业少于阈值（默认3家）的范围（以及可由合计数推算出",
    "  其数的范围）不公布最大N家企业占比和 HHI。",
    "- **企业规模**：`企业规模` / `规模代码` 等列（别名见 `xltools/data/columns.csv`），值为代码 1 大型、2 中型、3 小型、",
    "  4 微型或其名称（`xltools/data/enterprise_sizes.csv`）；空白或其他值是输入错误，逐格指出。没有这一列时不计算",
    "  中小微型企业占比，输出的说明写“缺少企业规模列”。",
    "- **新企业**：上年同期营业收入为空或为0的企业；有 `开业年份`（`开业(成立)时间`）列时，另加开业年份不早于报告年份",
    "  上一年（2022年报告期：2021、2022年开业）的企业。开业年份可为 2021、2021年、2021年5月、2021-05-01；晚于报告年份",
    "  或无法识别的是输入错误，空白表示不知道。",
    "- **数据保密**：最大1家企业营业收入占比乘以公布的营业收入就是该企业的营业收入，所以汇总表、报告、",
    "  `indicators` 的输出一律不公布（`--no-suppress` 时显示，仅供内部使用；Excel 函数按用户自己的数据计算，不做保密处理）。",
    "  最大N家企业营业收入占比在N小于阈值（默认3）、或其余企业为1至阈值−1家时不公布，使用 `--dominance` 时最大N家",
    "  本身被其最大企业支配的也不公布；新企业营业收入占比在新企业或其余企业为1至阈值−1家时不公布，并像亏损企业亏损额",
    "  一样按“合计 = 各部分之和”的关系（按新企业数和其余企业数计）补充不公布，使相减得不出少于阈值家企业的数。HHI、中小微型企业",
    "  占比和新企业数随其范围公布或不公布：范围的二级保护保证不能由合计数相减得出不公布的范围，平方和也一样。",
    "- **报告用词**：HHI 1500以下“产业集中度较低”、1500至2500“适中”、2500以上“较高，营业收入集中在少数企业”（美国司法部并购指南的分界）；",
    "  中小微型企业占比80%及以上“以中小微型企业为主”（100.0%写“企业全部为中小微型企业”），50%至80%“占多数”，",
    "  50%以下“大中型企业占比较高”；不写“规模小而散”：集中度高的产业不“散”，企业分散由赫芬达尔—赫希曼指数的用词说。",
    "  分界和用词是数据（`xltools/data/structure_words.csv`），按显示的数选定。",
]


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    if "--write" in sys.argv:
        with open(PATH, "w", encoding="utf-8") as fh:
            fh.write(text())
    else:
        print(text(), end="")
