"""A project's or sub-project's 形象进度 and 状态 as a clause of the report: "正在进行设备安装", "已建成".

The ledger's 形象进度 is free text an office writes ("设备安装中", "主体完工，内部装修", "设备招标完成").
The report keeps its words and changes only their grammatical frame, part by part (parts are split
at "，" and "；"), so that each reads as a finished clause after the item's name:

- a part that already carries an aspect, a negation or a plan (已, 正在, 未, 不, 将, 拟, 计划, 预计, 进入…)
  is kept as written;
- "完成…" (a share or a task): "已完成…" ("完成60%" → "已完成60%"); "X完成N%": "X已完成N%";
- a part with any other number (a date, a share) is kept as written: "已2023年6月完工" would be false;
- "X办理中" / "X编制中" / "X办理" (an object before its verb): "正在办理X" ("前期手续办理中" → "正在办理前期手续");
- "X中" (work under way): "正在进行X" — "正在X" when X is a bare verb ("施工中" → "正在施工");
- "X完成": "已完成X" ("设备招标完成" → "已完成设备招标"); "完成" alone: "已完成";
- "X建成投产" / "X竣工投产" / "X开工建设" / "X完工" / "X建成" / "X竣工" / "X投产" / "X封顶" / "X开工" / "X批复": "X已…"
  ("主体车间封顶" → "主体车间已封顶");
- a part that ends in a construction activity (施工, 安装, 调试, 装修, 改造, 招标…) and says nothing else
  about its aspect: the work under way, as a ledger's 形象进度 means it ("内部装修" → "正在进行内部装修",
  "土建施工" → "正在进行土建施工", "试生产" → "正在试生产");
- "X阶段": "处于X阶段";
- anything else is kept as written.
With no 形象进度 the 状态 speaks (STATE_WORDS); with neither the item has nothing to say (""), and
the report leaves it out rather than write a name with an empty clause.
"""
from __future__ import annotations

import re

# Words that already frame a part (an aspect, a negation, a plan): kept as written.
FRAMED = ("已", "正在", "正", "未", "不", "没", "将", "拟", "尚", "暂", "因", "待", "计划", "预计", "力争", "确保",
          "处于", "进入", "转入")
# Ending in 中 without meaning "under way" (集中, 其中…).
NOT_PROGRESSIVE = ("集中", "其中", "适中", "之中", "空中", "心中", "当中")
# Verbs that take 正在 directly: "施工中" → "正在施工", not "正在进行施工".
BARE_VERBS = {"施工", "建设", "安装", "调试", "试生产", "试运行", "生产", "装修", "改造", "设计", "验收"}
# Verbs written after their object in a ledger ("前期手续办理中"), said verb first ("正在办理前期手续").
OBJECT_FIRST = ("办理", "编制", "报批")
# Endings that name construction work: a part ending in one (and saying nothing of its aspect) is under way.
ACTIVITY = ("施工", "安装", "调试", "装修", "改造", "招标", "验收", "建设", "试运行", "试生产", "设计", "平整",
            "浇筑", "吊装", "砌筑", "装饰", "铺设")
# Completion endings and how they are said: X完成 → 已完成X; X完工 → X已完工 … (longest first).
COMPLETED_BEFORE = ("完成",)
COMPLETED_AFTER = ("建成投产", "竣工投产", "开工建设", "完工", "建成", "竣工", "投产", "封顶", "开工", "批复")
# The ledger's 状态 (ledger.STATES) when 形象进度 is empty.
STATE_WORDS = {"前期": "处于前期工作阶段", "在建": "在建", "已建成": "已建成", "停缓建": "停缓建"}
_PARTS = re.compile(r"[，,；;]")
_DONE_SHARE = re.compile(r"(.*?)完成(\d+(?:\.\d+)?[%％])")


def _doing(work: str) -> str:
    """Work under way: 正在施工 / 正在办理前期手续 / 正在进行设备安装."""
    for verb in OBJECT_FIRST:
        if work.endswith(verb) and len(work) > len(verb):
            return f"正在{verb}{work[:-len(verb)]}"
    return f"正在{work}" if work in BARE_VERBS else f"正在进行{work}"


def part_clause(part: str) -> str:
    """One part of 形象进度 in its report frame (see the module's rules)."""
    part = part.strip().rstrip("。.")
    if not part or any(word in part for word in FRAMED):
        return part
    if part.startswith("完成"):
        return f"已{part}"
    share = _DONE_SHARE.fullmatch(part)
    if share:
        return f"{share.group(1)}已完成{share.group(2)}"
    if any(ch.isdigit() for ch in part):
        return part  # a date or a share ("2023年6月完工", "一期工程90%施工中") is not reframed
    if part.endswith("中") and not part.endswith(NOT_PROGRESSIVE) and len(part) > 1:
        return _doing(part[:-1])
    for word in COMPLETED_BEFORE:
        if part.endswith(word):
            return f"已{word}{part[:-len(word)]}"
    for word in COMPLETED_AFTER:
        if part.endswith(word):
            return f"{part[:-len(word)]}已{word}"
    if part.endswith(OBJECT_FIRST) or part.endswith(ACTIVITY):
        return _doing(part)
    if part.endswith("阶段"):
        return f"处于{part}"
    return part


def progress_clause(progress_text: str | None, state: str | None) -> str:
    """The clause that follows the item's name: its 形象进度 part by part, else its 状态; "" when neither."""
    parts = [part_clause(p) for p in _PARTS.split(progress_text or "")]
    parts = [p for p in parts if p]
    if parts:
        return "，".join(parts)
    return STATE_WORDS.get(state or "", "")
