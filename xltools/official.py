"""Official comparable-price value-added growth supplied by the bureau (--va-growth FILE).

An enterprise export carries current-price value added only; NBS publishes its growth at comparable
prices, from deflators the export does not have. A small CSV — 范围 (全市, 战新, a category), 增速 (%),
optionally 来源 — makes the summary and the report print the official rate instead, naming its source.
"""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass

from .errors import InputError, Issue
from .indicators import ALL, SEI
from .sei import UnknownCategory, normalise_category

SCOPE_WORDS = {"全市": ALL, "全市规模以上工业": ALL, "全市规上工业": ALL, "规模以上工业": ALL, "all": ALL,
               "战新": SEI, "战新产业": SEI, "战略性新兴产业": SEI, "sei": SEI}


@dataclass
class OfficialGrowth:
    rates: dict[str, float]   # scope id -> growth in %
    source: str

    def get(self, scope: str) -> float | None:
        return self.rates.get(scope)

    def note(self) -> str:
        return f"工业增加值增速为可比价增速，取自{self.source}；其他增速按企业数据计算"


def load(path: str) -> OfficialGrowth:
    name = os.path.basename(os.fspath(path))
    try:
        fh = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(Issue(f"无法读取可比价增速表：{exc.strerror}", file=name)) from None
    with fh:
        reader = csv.DictReader(fh)
        fields = reader.fieldnames or []
        scope_col = next((f for f in fields if f.strip() in ("范围", "scope")), None)
        rate_col = next((f for f in fields if f.strip() in ("增速", "growth", "可比价增速")), None)
        source_col = next((f for f in fields if f.strip() in ("来源", "source")), None)
        if scope_col is None or rate_col is None:
            raise InputError(Issue("可比价增速表需要“范围”和“增速”两列（可选“来源”列），如：范围,增速,来源 / 全市,6.5,市统计局", file=name))
        rates, sources, issues = {}, [], []
        for line, row in enumerate(reader, start=2):
            scope_text = (row.get(scope_col) or "").strip()
            if not scope_text:
                continue
            scope = SCOPE_WORDS.get(scope_text)
            if scope is None:
                try:
                    cat = normalise_category(scope_text)
                except UnknownCategory:
                    cat = None
                scope = f"sector:{cat}" if cat else None
            try:
                rate = float((row.get(rate_col) or "").strip().rstrip("%"))
            except ValueError:
                issues.append(Issue("增速不是数字", file=name, row=line, column=rate_col, value=row.get(rate_col),
                                    has_value=True))
                continue
            if scope is None:
                issues.append(Issue("不是全市、战新或战新产业类别", file=name, row=line, column=scope_col,
                                    value=scope_text, has_value=True))
                continue
            rates[scope] = rate
            if source_col and (row.get(source_col) or "").strip():
                sources.append(row[source_col].strip())
        if issues:
            raise InputError(issues)
    source = "、".join(dict.fromkeys(sources)) or name
    return OfficialGrowth(rates, source)
