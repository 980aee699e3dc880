"""The text `xltools validate` prints for a file that could be read."""
from __future__ import annotations

from .reader import BureauData
from .validate import plausibility

_PERIOD_FROM = {"option": "来自 --period", "title": "来自标题行", "file name": "来自文件名"}
_CLASSIFICATION = {"column": "数据中的战新产业类别列", "list": "企业名录（--sei-list）", None: "无（未提供类别列或名录）"}


def render_validation(data: BureauData) -> str:
    f = data.frame
    lines = [f"{data.source} › {data.sheet}：读取 {len(f)} 家企业，没有发现输入错误。",
             f"报告期：{data.period.label}（{_PERIOD_FROM[data.period_from]}）"]
    money = sorted({(i.label, i.unit) for i in data.columns.values() if i.spec.kind == "money"})
    units = sorted({u for _, u in money if u})
    lines.append(f"识别的列（{len(data.columns)}）：" + "、".join(i.label for i in data.columns.values()))
    if units:
        lines.append("金额单位：" + "、".join(units) + "（统一换算为千元）")
    if data.unknown_columns:
        lines.append("未使用的列：" + "、".join(data.unknown_columns))
    lines.append("战新产业类别：" + _CLASSIFICATION.get(data.classification, str(data.classification)))
    skipped = data.skipped
    for key, what in (("total", "合计行"), ("footnote", "注释行"), ("column_numbers", "栏次行")):
        if skipped.get(key):
            lines.append(f"已跳过{what}：第" + "、".join(map(str, skipped[key][:10])) + "行"
                         + (f" 等 {len(skipped[key])} 行" if len(skipped[key]) > 10 else ""))
    for note in data.notes:
        lines.append("说明：" + note)
    findings = plausibility(data)
    if findings:
        lines.append(f"可疑数据（{len(findings)} 类，请核实，不影响计算）：")
        lines.extend("  ⚠ " + x.render() for x in findings)
    else:
        lines.append("可疑数据：无")
    return "\n".join(lines)
