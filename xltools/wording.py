"""The words of the analysis: from the sign and size of a figure, as the bureau writes them.

增长/下降 for growth, "增长X倍" from 100% on; 提高/下降…个百分点 for changes of a ratio;
同比增加/减少 for changes in 元 and 天; against a reference 高于/低于 (百分点, 元 — the seed writes
"低于全市规模以上工业…元") and 多于/少于 (天); 持平 when the rounded change is zero; 扭亏为盈 /
由盈转亏 / 减亏 / 增亏 when last year's profit was negative (nothing on a base of 0); 以上 when a share is cut down
for prose. RULES is the table of them (the README's report section prints it). Numbers are
the published displays (rounding.display): the text never carries a figure the tables do not.

The sentence grammar (clause, group, sentence) makes every clause optional: a clause with an
empty part (a null, withheld or missing figure, a word that could not be chosen) is dropped
with its punctuation, a group whose subject clause is empty is dropped whole, and a sentence
with no group left is dropped. These functions are the Jinja2 filters and globals of the
report templates (xltools/templates/).
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

    @property
    def sign(self) -> int | None:
        """-1, 0 or 1 as published (a rounded 0 is 0); None when there is no figure."""
        shown = self.shown
        return None if shown is None else (shown > 0) - (shown < 0)


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


# The words against a reference scope, by the unit of the difference: (above, below).
COMPARE_WORDS = {"百分点": ("高于", "低于"), "元": ("高于", "低于"), "天": ("多于", "少于")}
COMPARE_TAIL = {"百分点": "个百分点"}


def compare(f: Figure, reference: str, unit: str = "百分点") -> str:
    """A difference against a reference scope: 高于全市规模以上工业0.90个百分点, 低于…5.52元, 少于…5.0天,
    与…持平."""
    if not f:
        return ""
    shown = f.shown
    if shown == 0:
        return f"与{reference}持平"
    above, below = COMPARE_WORDS[unit]
    return f"{above if shown > 0 else below}{reference}{_abs(f)}{COMPARE_TAIL.get(unit, unit)}"


def level(f: Figure, reference: str) -> str:
    """A difference told by its sign only: 高于全市平均水平 / 低于全市平均水平 / 与全市平均水平持平."""
    if not f:
        return ""
    return f"与{reference}持平" if f.shown == 0 else f"{'高于' if f.shown > 0 else '低于'}{reference}"


def pull(f: Figure, what: str) -> str:
    """拉动 (百分点): 拉动{what}增长3.0个百分点 / 拉低{what}增速0.5个百分点 / 对{what}增速基本没有影响."""
    if not f:
        return ""
    if f.shown == 0:
        return f"对{what}增速基本没有影响"
    return f"拉动{what}增长{_abs(f)}个百分点" if f.shown > 0 else f"拉低{what}增速{_abs(f)}个百分点"


def profit_change(cur: float | None, ly: float | None, rate: Figure) -> str:
    """Profit against last year: a growth rate when last year's profit was positive, else the words for a
    loss (扭亏为盈, 减亏, 增亏). A base of exactly 0 has no rate and no loss to speak of (often the
    enterprises had no 上年同期 figures at all): nothing is said ("" drops the clause), as NBS writes no
    rate on a zero base."""
    if cur is None or ly is None:
        return ""
    if ly > 0 and cur < 0:
        return "由盈转亏"
    if ly <= 0:
        if cur == ly:
            return "与上年同期持平"
        if ly == 0:
            return ""
        if cur > 0:
            return "扭亏为盈"
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


def at_least(f: Figure) -> str:
    """A share stated as a floor: the published share (its own decimals) cut to a whole percent,
    "以上" when something was cut: 60.3% -> 60%以上, 60.0% -> 60%, 0.4% -> 不足1%."""
    if not f:
        return ""
    v = f.shown
    whole = math.floor(v + 1e-9)
    if whole < 1:
        return "不足1%"
    return f"{whole}%" + ("" if abs(v - whole) < 1e-9 else "以上")


def magnitude(f: Figure) -> str:
    """The size without its sign, for a sentence whose words carry the sign (亏损0.01亿元)."""
    return _abs(f) if f else ""


def _empty(part) -> bool:
    return part is None or part == "" or (isinstance(part, Figure) and not part)


def clause(*parts) -> str:
    """The parts written one after another; "" when any part is empty: 实现工业总产值 + 667.64 + 亿元."""
    return "" if any(_empty(p) for p in parts) else "".join(str(p) for p in parts)


def group(head: str, *rest: str) -> str:
    """Clauses joined by "，", the empty ones left out; "" when the head (the clause that says what
    the rest is about) is empty."""
    return "，".join(c for c in (head, *rest) if c) if head else ""


def sentence(*groups: str, lead: str = "", subject: str = "") -> str:
    """Groups joined by "；" and ended with "。", the empty ones left out; `lead` comes first with "，"
    (a lead alone is a sentence), `subject` is written before the groups and dropped with them."""
    text = "；".join(g for g in groups if g)
    if text:
        text = subject + text
    if lead:
        text = f"{lead}，{text}" if text else lead
    return f"{text}。" if text else ""


def words(items: list[str], last: str = "和") -> str:
    """A、B和C."""
    items = [i for i in items if i]
    if len(items) < 2:
        return "".join(items)
    return "、".join(items[:-1]) + last + items[-1]


# The wording rules as a table (the README's report section prints it; tests/test_report_grammar.py
# checks every row both ways): kind, unit, positive, negative, zero.
RULES = (
    ("增速", "%", "同比增长13.9%（100%及以上：同比增长1.50倍）", "同比下降2.1%", "与上年同期持平"),
    ("利润增速，上年同期亏损或本期转亏（上年同期为0时不写）", "", "扭亏为盈 / 减亏", "由盈转亏 / 增亏", "与上年同期持平"),
    ("比率的同比变化", "百分点", "同比提高0.6个百分点", "同比下降1.0个百分点", "与上年同期持平"),
    ("元、天的同比变化", "元、天", "同比增加0.35元", "同比减少2.0天", "与上年同期持平"),
    ("与参照范围比", "百分点", "高于全市规模以上工业0.90个百分点", "低于全市规模以上工业0.66个百分点",
     "与全市规模以上工业持平"),
    ("与参照范围比", "元", "高于全市规模以上工业0.35元", "低于全市规模以上工业5.52元", "与全市规模以上工业持平"),
    ("与参照范围比", "天", "多于全市规模以上工业3.0天", "少于全市规模以上工业5.0天", "与全市规模以上工业持平"),
    ("与平均水平比（不写差值）", "", "高于全市平均水平", "低于全市平均水平", "与全市平均水平持平"),
    ("拉动", "百分点", "拉动全市规模以上工业总产值增长3.0个百分点", "拉低全市规模以上工业总产值增速0.5个百分点",
     "对全市规模以上工业总产值增速基本没有影响"),
    ("叙述中的占比（向下取整）", "%", "60.3% → 60%以上；53.8% → 五成以上", "—", "60.0% → 60%；50.0% → 五成"),
)

FILTERS = {"growth": growth, "points": points, "change": change, "compare": compare, "level": level, "pull": pull,
           "tenths": tenths, "at_least": at_least, "magnitude": magnitude}
GLOBALS = {"clause": clause, "group": group, "sentence": sentence, "words": words}
