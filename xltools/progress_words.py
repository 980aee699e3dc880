"""A project's or sub-project's 形象进度 and 状态 as a clause of the report: "正在进行设备安装", "已建成".

The ledger's 形象进度 is free text an office writes ("设备安装中", "主体完工，内部装修", "设备招标完成").
The report keeps its words and changes only their grammatical frame, and only where the text itself
marks the aspect unambiguously, part by part (parts are split at "，" and "；"):

- a part that already carries an aspect, a negation or a plan (已, 正在, 未, 不, 将, 拟, 计划, 预计…) or a
  number (a date, a share) is kept as written;
- "X中" (work under way): "正在进行X" — "正在X" when X is a bare verb ("施工中" → "正在施工");
- "X完成": "已完成X" ("设备招标完成" → "已完成设备招标"); "完成" alone: "已完成";
- "X完工" / "X建成" / "X竣工": "X已完工" / "X已建成" / "X已竣工";
- anything else (a percentage, "主体车间封顶", "可研批复") is kept as written: the report never guesses
  whether bare words mean done or doing.
With no 形象进度 the 状态 speaks (STATE_WORDS); with neither the item has nothing to say (""), and
the report leaves it out rather than write a name with an empty clause.
"""
from __future__ import annotations

import re

# Words that already frame a part (an aspect, a negation, a plan): kept as written.
FRAMED = ("已", "正在", "正", "未", "不", "没", "将", "拟", "尚", "暂", "因", "待", "计划", "预计", "力争", "确保")
# Ending in 中 without meaning "under way" (集中, 其中…).
NOT_PROGRESSIVE = ("集中", "其中", "适中", "之中", "空中", "心中", "当中")
# Verbs that take 正在 directly: "施工中" → "正在施工", not "正在进行施工".
BARE_VERBS = {"施工", "建设", "安装", "调试", "试生产", "试运行", "生产", "装修", "改造"}
# Completion endings and how they are said: X完成 → 已完成X; X完工 → X已完工 …
COMPLETED_BEFORE = ("完成",)
COMPLETED_AFTER = ("完工", "建成", "竣工")
# The ledger's 状态 (ledger.STATES) when 形象进度 is empty.
STATE_WORDS = {"前期": "处于前期工作阶段", "在建": "在建", "已建成": "已建成", "停缓建": "停缓建"}
_PARTS = re.compile(r"[，,；;]")


def part_clause(part: str) -> str:
    """One part of 形象进度 in its report frame (see the module's rules)."""
    part = part.strip().rstrip("。.")
    if not part or any(word in part for word in FRAMED) or any(ch.isdigit() for ch in part):
        return part  # a date or a share ("2023年6月完工", "完成60%") is not reframed either
    if part.endswith("中") and not part.endswith(NOT_PROGRESSIVE) and len(part) > 1:
        doing = part[:-1]
        return f"正在{doing}" if doing in BARE_VERBS else f"正在进行{doing}"
    for word in COMPLETED_BEFORE:
        if part.endswith(word):
            done = part[:-len(word)]
            return f"已{word}{done}"
    for word in COMPLETED_AFTER:
        if part.endswith(word):
            return f"{part[:-len(word)]}已{word}"
    return part


def progress_clause(progress_text: str | None, state: str | None) -> str:
    """The clause that follows the item's name: its 形象进度 part by part, else its 状态; "" when neither."""
    parts = [part_clause(p) for p in _PARTS.split(progress_text or "")]
    parts = [p for p in parts if p]
    if parts:
        return "，".join(parts)
    return STATE_WORDS.get(state or "", "")
