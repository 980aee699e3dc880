"""Make the sample analysis workbook that uses the Excel functions: `python workbooks/make_analysis.py`.

战新产业分析示例.xlsx: a sheet of figures as `=SEI_…()` formulas, the overview sentence of the
report assembled from them with TEXT(), 表2 spilled by `=SEI_TABLE("表2")`, and the config
sheet `xltools配置` that points at the sample export (a path relative to this folder). Every
formula carries the value the engine computes for it, so the file shows the figures even
before Excel recalculates; with the add-in loaded Excel recalculates them from the source.
The file is deterministic: the same script makes the same bytes.
"""
from __future__ import annotations

import datetime
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join("samples", "bureau_2022.xlsx")   # relative to this folder
OUT = os.path.join(HERE, "战新产业分析示例.xlsx")

# (label, function, arguments as Excel text, number format)
FIGURES = [
    ("数据来源", "SEI_SOURCE", "", None),
    ("战新产业企业单位数（个）", "SEI_ENTERPRISES", "", "0"),
    ("战新产业工业总产值（亿元）", "SEI_OUTPUT", "", "0.00"),
    ("　同比增长（%）", "SEI_OUTPUT_GROWTH", "", "0.0"),
    ("战新产业工业增加值（亿元）", "SEI_VALUE_ADDED", "", "0.00"),
    ("　占全市规上工业比重（%）", "SEI_VALUE_ADDED_SHARE", "", "0.0"),
    ("战新产业营业收入利润率（%）", "SEI_PROFIT_MARGIN", "", "0.00"),
    ("　比全市规上工业高（百分点）", "SEI_GAP", '"营业收入利润率"', "0.00"),
    ("每百元营业收入中的成本（元）", "SEI_COST_PER_100", "", "0.00"),
    ("资产负债率（%）", "SEI_DEBT_RATIO", "", "0.0"),
    ("　同比变化（百分点）", "SEI_DEBT_RATIO_CHANGE", "", "0.0"),
    ("产成品存货周转天数（天）", "SEI_INVENTORY_DAYS", "", "0.0"),
    ("　比全市规上工业（天）", "SEI_GAP", '"产成品存货周转天数"', "0.0"),
    ("新材料产业增加值占战新产业比重（%）", "SEI_SHARE", '"工业增加值","新材料"', "0.0"),
    ("新材料产业营业收入利润率（%）", "SEI_PROFIT_MARGIN", '"新材料"', "0.00"),
    ("全市规上工业营业收入利润率（%）", "SEI_PROFIT_MARGIN", '"全市"', "0.00"),
]


def excel_args(text: str) -> list:
    """The literal arguments of a formula as Python values (only string literals are used here)."""
    return [a.strip().strip('"') for a in text.split(",")] if text else []


def evaluate(function: str, args: str):
    import udfs.functions as f

    return getattr(f, function)(*excel_args(args))


def main(out: str = OUT) -> str:
    import xlsxwriter

    sys.path.insert(0, os.path.dirname(HERE))
    os.environ["XLTOOLS_SOURCE"] = os.path.join(HERE, SOURCE)
    wb = xlsxwriter.Workbook(out, {"strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"title": "战略性新兴产业分析示例", "author": "xltools",
                       "created": datetime.datetime(2023, 1, 20, 9, 0, 0)})
    font = {"font_name": "宋体", "font_size": 11}
    bold = wb.add_format(dict(font, bold=True, font_size=14))
    label = wb.add_format(font)
    wrap = wb.add_format(dict(font, text_wrap=True, valign="top"))
    ws = wb.add_worksheet("分析")
    ws.set_column(0, 0, 40)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 2, 44)
    ws.write_string(0, 0, "战略性新兴产业主要指标（公式由 xltools 加载项计算）", bold)
    ws.write_string(1, 2, "单元格中的公式", label)
    rows = {}
    for i, (text, function, args, fmt) in enumerate(FIGURES, start=2):
        value = evaluate(function, args)
        formula = f"={function}({args})"
        ws.write_string(i, 0, text, label)
        ws.write_formula(i, 1, formula, wb.add_format(dict(font, num_format=fmt)) if fmt else label, value)
        ws.write_string(i, 2, formula, label)
        rows[(function, args)] = (f"B{i + 1}", value, fmt)
    # The overview sentence of the report, from the cells above.
    parts = [("2022年，全市规模以上工业战略性新兴产业实现总产值", ("SEI_OUTPUT", "")), ("亿元，同比增长", ("SEI_OUTPUT_GROWTH", "")),
             ("%；实现工业增加值", ("SEI_VALUE_ADDED", "")), ("亿元，占全市规模以上工业的", ("SEI_VALUE_ADDED_SHARE", "")),
             ("%；营业收入利润率为", ("SEI_PROFIT_MARGIN", "")),
             ("%，高于全市规模以上工业", ("SEI_GAP", '"营业收入利润率"')), ("个百分点；每百元营业收入中的成本为", ("SEI_COST_PER_100", "")),
             ("元；资产负债率", ("SEI_DEBT_RATIO", "")), ("%；产成品存货周转天数为", ("SEI_INVENTORY_DAYS", ""))]
    formula, text = [], ""
    for words, key in parts:
        cell, value, fmt = rows[key]
        formula.append(f'"{words}"&TEXT({cell},"{fmt}")')
        text += words + f"{value:.{len(fmt.split('.')[1]) if '.' in fmt else 0}f}"
    formula.append('"天。"')
    text += "天。"
    r = len(FIGURES) + 3
    ws.write_string(r, 0, "“总体发展概况”一句（由上面的单元格拼成）：", label)
    ws.merge_range(r + 1, 0, r + 4, 2, "", wrap)
    ws.write_formula(r + 1, 0, "=" + "&".join(formula), wrap, text)
    # 表2 as one array formula that spills (Excel 365) — the same table `xltools summary` writes.
    t2 = wb.add_worksheet("表2")
    import udfs.functions as f

    grid = f.SEI_TABLE("表2")
    t2.set_column(0, 0, 22)
    t2.write_dynamic_array_formula(0, 0, len(grid) - 1, len(grid[0]) - 1, '=SEI_TABLE("表2")', label, grid[0][0])
    for r, row in enumerate(grid):
        for c, v in enumerate(row):
            if (r, c) != (0, 0):
                if isinstance(v, str):
                    t2.write_string(r, c, v, label)
                else:
                    t2.write_number(r, c, v, label)
    conf = wb.add_worksheet("xltools配置")
    conf.set_column(0, 1, 30)
    conf.write_string(0, 0, "数据文件", label)
    conf.write_string(0, 1, SOURCE.replace(os.sep, "\\") if os.sep != "/" else SOURCE, label)
    conf.write_string(1, 0, "报告期", label)
    conf.write_string(3, 0, "数据文件可写完整路径，或相对于本工作簿所在文件夹的路径；报告期不填时从数据文件的标题识别。", label)
    wb.close()
    return out


if __name__ == "__main__":
    print(main())
