"""The words of the analysis: from the sign and size of a figure, as the bureau writes them.

增长/下降 for growth, "增长X倍" from 100% on; 提高/下降…个百分点 for changes of a ratio;
高于/低于 (百分点) and 多于/少于 (元, 天) against a reference; 持平 when the rounded change is
zero; 扭亏为盈 / 由盈转亏 / 减亏 / 增亏 when last year's profit was not positive; 以上 when a
share is rounded down for prose. Numbers are the published displays (rounding.display): the
text never carries a figure the tables do not. These functions are the Jinja2 filters of
the report templates (xltools/templates/).
"""
from __future__ import annotations

import math

from .rounding import display, round_half_up

NUMERALS = "零一二三四五六七八九十"


class Figure:
    """A value with the decimals it is published with; `str()` is its display."""

    def __init__(self, value: float | None, decimals: int, unit: str = ""):
        self.value, self.decimals, self.unit = value, decimals, unit

    @property
    def display(self) -> str:
        return display(self.value, self.decimals)

    @property
    def shown(self) -> float | None:
        """The published number (rounded), the one words are chosen on."""
        return None if self.value is None else float(round_half_up(self.value, self.decimals))

    def __str__(self) -> str:
        return self.display

    def __bool__(self) -> bool:
        return self.value is not None


def _abs(f: Figure, decimals: int | None = None) -> str:
    return display(abs(f.value), f.decimals if decimals is None else decimals)


def _change(f: Figure, up: str, down: str, tail: str, prefix: str) -> str:
    if not f:
        return ""
    if f.shown == 0:
        return "与上年同期持平"
    return f"{prefix}{up if f.shown > 0 else down}{_abs(f)}{tail}"


def growth(f: Figure, prefix: str = "同比") -> str:
    """同比增长13.9% / 同比下降2.1% / 与上年同期持平 / 同比增长1.50倍; "" when undefined."""
    if f and f.shown >= 100:
        return f"{prefix}增长{display(f.value / 100, 2)}倍"
    return _change(f, "增长", "下降", "%", prefix)


def points(f: Figure, prefix: str = "同比") -> str:
    """A change of a ratio: 同比提高0.6个百分点 / 同比下降1.0个百分点 / 与上年同期持平."""
    return _change(f, "提高", "下降", "个百分点", prefix)


def change(f: Figure, unit: str, prefix: str = "同比") -> str:
    """A year-on-year change in 元 or 天: 同比增加0.35元 / 同比减少2.0天 / 与上年同期持平."""
    return _change(f, "增加", "减少", unit, prefix)


def compare(f: Figure, reference: str, unit: str = "百分点") -> str:
    """A difference against a reference scope: 高于全市规模以上工业0.90个百分点, 少于…5.0天, 持平."""
    if not f:
        return ""
    shown = f.shown
    if shown == 0:
        return f"与{reference}持平"
    if unit == "百分点":
        return f"{'高于' if shown > 0 else '低于'}{reference}{_abs(f)}个百分点"
    return f"{'多于' if shown > 0 else '少于'}{reference}{_abs(f)}{unit}"


def profit_change(cur: float | None, ly: float | None, rate: Figure) -> str:
    """Profit against last year: a growth rate when last year's profit was positive, else the words."""
    if cur is None or ly is None:
        return ""
    if ly > 0 and cur < 0:
        return "由盈转亏"
    if ly <= 0:
        if cur > 0:
            return "扭亏为盈"
        if cur == ly:
            return "与上年同期持平"
        if ly == 0:
            return "由持平转亏" if cur < 0 else ""
        return "减亏" if cur > ly else "增亏"
    return growth(rate)


def tenths(f: Figure) -> str:
    """A share for prose, rounded down to 成: 53.8% -> 五成以上, 50.0% -> 五成, 8.2% -> 不足一成."""
    if not f:
        return ""
    v = f.shown
    whole = math.floor(v / 10 + 1e-9)
    if whole <= 0:
        return "不足一成"
    if whole >= 10:
        return "全部"
    exact = abs(v - whole * 10) < 1e-9
    return f"{NUMERALS[whole]}成" + ("" if exact else "以上")


def magnitude(f: Figure) -> str:
    """The size without its sign, for a sentence whose words carry the sign (亏损0.01亿元)."""
    return _abs(f) if f else ""


FILTERS = {"growth": growth, "points": points, "change": change, "compare": compare, "tenths": tenths, "magnitude": magnitude}
