"""The text `xltools validate` prints for a file that could be read."""
from __future__ import annotations

from .reader import BureauData
from .validate import plausibility

_PERIOD_FROM = {"option": "来自 --period", "title": "来自标题行", "file name": "来自文件名"}
_CLASSIFICATION = {"column": "数据中的战新产业类别列", "list": "企业名录（--sei-list）", None: "无（未提供类别列或名录）"}


def row_role_lines(data: BureauData, shown: int = 10) -> list[str]:
    """Every row under the header that was not read as an enterprise, by role, with its reason."""
    from .rows import ROLE_NAMES

    by_role: dict[str, list] = {}
    for d in data.decisions:
        if d.role != "empty":
            by_role.setdefault(d.role, []).append(d)
    if not by_role:
        return ["行的判定：表头下的每一行都是企业"]
    lines = ["行的判定（未作为企业计入）："]
    for role, name in ROLE_NAMES.items():
        found = by_role.get(role)
        if not found:
            continue
        listed = "、".join(f"第{d.row}行" + (f"（{d.reason}）" if d.reason else "") for d in found[:shown])
        more = f" 等 {len(found)} 行" if len(found) > shown else ""
        lines.append(f"  {name}：{listed}{more}")
    return lines


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
    lines.extend("工作表：" + note for note in data.sheet_notes[:1])
    lines.extend("  " + note for note in data.sheet_notes[1:])
    lines.extend(row_role_lines(data))
    for note in data.notes:
        lines.append("说明：" + note)
    findings = plausibility(data)
    if findings:
        lines.append(f"可疑数据（{len(findings)} 类，请核实，不影响计算）：")
        lines.extend("  ⚠ " + x.render() for x in findings)
    else:
        lines.append("可疑数据：无")
    lines += publication_lines(data)
    return "\n".join(lines)


def publication_lines(data: BureauData) -> list[str]:
    """What the publications will say about this export: dominated scopes (default rule, whatever the
    count), enterprises without 上年同期 that move growth rates, the classification's estimate."""
    import xltools

    from .disclosure import plan
    from .notes import publication_notes

    results = xltools.compute(data)
    notes = publication_notes(results, plan(results), exact=True, options=True)
    return ["发布前提示："] + ["  · " + n for n in notes] if notes else []
