"""Official comparable-price value-added growth supplied by the bureau (--va-growth FILE).

An enterprise export carries current-price value added only; NBS publishes its growth at comparable
prices, from deflators the export does not have. A small CSV — 范围 (全市, 战新, a category), 增速 (%),
optionally 来源 — makes the summary and the report print the official rate instead, naming its source.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from .errors import InputError, Issue
from .indicators import ALL, SEI
from .sei import UnknownCategory, normalise_category

SCOPE_WORDS = {"全市": ALL, "全市规模以上工业": ALL, "全市规上工业": ALL, "规模以上工业": ALL, "all": ALL,
               "战新": SEI, "战新产业": SEI, "战略性新兴产业": SEI, "sei": SEI}
MAX_ROWS = 200


@dataclass
class OfficialGrowth:
    rates: dict[str, float]   # scope id -> growth in %
    sources: dict[str, str]   # scope id -> where the rate comes from

    @property
    def source(self) -> str:
        return "、".join(dict.fromkeys(self.sources.values()))

    def get(self, scope: str) -> float | None:
        return self.rates.get(scope)

    def covers(self, scopes) -> bool | None:
        """True: every scope has an official rate; False: none has; None: some have."""
        given = [s in self.rates for s in scopes]
        return True if all(given) else (False if not any(given) else None)

    def note(self, labels: dict[str, str] | None = None) -> str:
        """What the value-added growth rates shown are. `labels`: the scopes an output shows value added's
        growth for (id -> label, in order); those without an official rate are said to be at current prices."""
        labels = labels if labels is not None else {s: s for s in self.rates}
        official = [s for s in labels if s in self.rates]
        current = [labels[s] for s in labels if s not in self.rates]
        if not official:
            return "工业增加值增速按企业现价数据计算（现价），不是国家统计局公布的可比价增速"
        by_source: dict[str, list[str]] = {}
        for s in official:
            by_source.setdefault(self.sources[s], []).append(labels[s])
        parts = "；".join(f"{'、'.join(names)}为可比价增速（来源：{src}）" for src, names in by_source.items())
        if not current:
            return f"工业增加值增速：{parts}；其他增速按企业数据计算"
        return (f"工业增加值增速：{parts}；{'、'.join(current)}没有可比价增速，为按企业现价数据计算的现价增速；"
                "其他增速按企业数据计算")


def _rows(path: str, name: str) -> list[list[str | None]]:
    """The table's rows by the readers every input goes through: .xlsx/.xls/.ods or CSV (UTF-8 with or
    without a BOM, GBK/GB18030, UTF-16), the first sheet."""
    from .sources import open_source

    if not os.path.exists(path):
        raise InputError(Issue("可比价增速表不存在", file=path))
    source = open_source(path)
    sheets = source.sheet_names()
    if not sheets:
        raise InputError(Issue("可比价增速表中没有工作表", file=name))
    return [[None if c is None else str(c).strip() or None for c in row] for row in source.peek(sheets[0], MAX_ROWS)]


def load(path: str) -> OfficialGrowth:
    path = os.fspath(path)
    name = os.path.basename(path)
    grid = [r for r in _rows(path, name) if any(c for c in r)]
    fields = [c or "" for c in grid[0]] if grid else []
    at = lambda words: next((i for i, f in enumerate(fields) if f in words), None)  # noqa: E731
    scope_col, rate_col, source_col = at(("范围", "scope")), at(("增速", "growth", "可比价增速")), at(("来源", "source"))
    if scope_col is None or rate_col is None:
        raise InputError(Issue("可比价增速表需要“范围”和“增速”两列（可选“来源”列），如：范围,增速,来源 / 全市,6.5,市统计局",
                               file=name))
    unnamed = f"{name}（未注明来源）"
    rates, sources, issues = {}, {}, []
    cell = lambda row, c: (row[c] or "").strip() if c is not None and c < len(row) and row[c] else ""  # noqa: E731
    for line, row in enumerate(grid[1:], start=2):
        scope_text = cell(row, scope_col)
        if not scope_text:
            continue
        scope = SCOPE_WORDS.get(scope_text)
        if scope is None:
            try:
                cat = normalise_category(scope_text)
            except UnknownCategory:
                cat = None
            scope = f"sector:{cat}" if cat else None
        text = cell(row, rate_col)
        try:
            rate = float(text.rstrip("%％"))
        except ValueError:
            issues.append(Issue("增速为空，应为百分数（如 6.5）" if not text else "不是数字", file=name, row=line,
                                column=fields[rate_col], value=text, has_value=bool(text)))
            continue
        if scope is None:
            issues.append(Issue("不是全市、战新或战新产业类别", file=name, row=line, column=fields[scope_col],
                                value=scope_text, has_value=True))
            continue
        rates[scope] = rate
        sources[scope] = cell(row, source_col) or unnamed
    if issues:
        raise InputError(issues)
    return OfficialGrowth(rates, sources)
