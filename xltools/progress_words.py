"""A project's or sub-project's 形象进度 and 状态 as a clause of the report: "正在进行设备安装", "已建成".

The ledger's 形象进度 is free text an office writes ("设备安装中", "主体完工，内部装修", "设备招标完成").
The report keeps its words and changes only their grammatical frame, part by part, so that each reads as
a finished clause after the item's name.

Parts: the text is split at "，" "；" "。" "、", line breaks and spaces between Chinese words (not inside
"Equipment installation" or "2023.6"), and at list numbers, which are dropped ("1." "2、" "（1）" "1）" "①"
"一、": "1.土建完成，2.设备安装中" is two parts). A part joined to the next by "、" that says nothing of its
own aspect shares the next one's ("土建、安装完成" → "已完成土建、安装"; "设备安装、调试中" → "正在进行设备
安装、调试"), an aspect written first governs the list after it ("已完成立项、环评、能评", "完成土建、设备
安装"), and pieces that each say their own stay parts of their own ("钢结构安装完成、屋面施工"). A placeholder ("/",
"—", "-", "无", "暂无", "N/A") says nothing and is dropped. "一期：已投产" is the label "一期" and its clause.

Each part:
- a part that already carries an aspect, a negation or a plan (已, 正在, 未, 不, 将, 拟, 计划, 预计, 进入…)
  is kept as written ("正在进行办理…" loses the doubled 进行: "正在办理…"); so is a state (停工, 达产…);
- "完成…" (a share or a task): "已完成…" ("完成60%" → "已完成60%"); "X完成N%": "X已完成N%";
- a part with any other date, share, duration or amount is kept as written: "已2023年6月完工" would be
  false (a number in a name is not one: "1号厂房封顶" → "1号厂房已封顶");
- "X办理中" / "X编制中" / "X办理" (an object before its verb): "正在办理X" ("前期手续办理中" → "正在办理前期手续");
- "X中" (work under way): "正在进行X" — "正在X" when X is a bare verb ("施工中" → "正在施工") or starts
  with a verb of its own ("办理施工许可证中" → "正在办理施工许可证", "开展设备安装" → "正在开展设备安装");
- "X完成": "已完成X" ("设备招标完成" → "已完成设备招标"); "完成" alone: "已完成";
- "X建成投产" / "X竣工投产" / "X开工建设" / "X完工" / "X建成" / "X竣工" / "X投产" / "X封顶" / "X开工" / "X批复": "X已…"
  ("主体车间封顶" → "主体车间已封顶"); an adverb stays after 已 ("土建工程基本完工" → "土建工程已基本完工",
  "土建基本完成" → "土建已基本完成"), 均/都 before it ("各车间均完工" → "各车间均已完工");
- a part that ends in a construction activity (施工, 安装, 调试, 装修, 改造, 招标, 采购…) and says nothing else
  about its aspect: the work under way, as a ledger's 形象进度 means it ("内部装修" → "正在进行内部装修",
  "土建施工" → "正在进行土建施工", "试生产" → "正在试生产");
- "X阶段": "处于X阶段";
- anything else is kept as written.
- "X进行中": "正在进行X" (never "正在进行X进行"); "X进场(施工)": "X已进场(施工)";
- "X部分已投产": "X已部分投产"; the ledger's state labels as prose: "X停缓建" → "X暂停建设", "X在建" → "X正在建设";
- a part that is not Chinese prose ("Equipment installation", "80%", a lone "中") is left out.
Before the parts: a bracketed whole ("（已完成）") is its inside, and a text that starts with the item's or its
project's name, or with 项目/该项目/本项目, does not say it again ("熔铸车间主体完工" after "熔铸车间").
Clauses are joined by "，"; neighbours that begin alike ("正在进行", "正在办理", "已完成"…) share the words
once: "土建施工中，设备采购中" → "正在进行土建施工和设备采购".
With no 形象进度 (or only a placeholder) the 状态 speaks (STATE_WORDS); with neither the item has nothing
to say (""), and the report leaves it out rather than write a name with an empty clause.
"""
from __future__ import annotations

import re

from .wording import words

# Words that already frame a part (an aspect, a negation, a plan): kept as written.
FRAMED = ("已", "正在", "正", "未", "不", "没", "将", "拟", "尚", "暂", "因", "待", "计划", "预计", "力争", "确保",
          "处于", "进入", "转入")
# States a ledger writes as they are (kept as written, never "正在进行停工").
STATES = ("停工", "停产", "停建", "缓建", "停工待料", "达产", "达效", "达产达效")
# A part that says nothing: no description at all.
PLACEHOLDERS = {"无", "暂无", "没有", "空", "不详", "无进度", "暂无进度", "n/a", "na", "null", "none", "nan"}
_PLACEHOLDER_MARKS = re.compile(r"[\s/／\\\-－—–―_·・…*＊~～.。．]*")
# Ending in 中 without meaning "under way" (集中, 其中…).
NOT_PROGRESSIVE = ("集中", "其中", "适中", "之中", "空中", "心中", "当中")
# Verbs that take 正在 directly: "施工中" → "正在施工", not "正在进行施工".
BARE_VERBS = {"施工", "建设", "安装", "调试", "试生产", "试运行", "生产", "装修", "改造", "设计", "验收"}
# Verbs written after their object in a ledger ("前期手续办理中"), said verb first ("正在办理前期手续").
OBJECT_FIRST = ("办理", "编制", "报批")
# Verbs a part starts with: 正在 takes them directly ("办理施工许可证中" → "正在办理施工许可证", never
# "正在进行办理…").
VERB_FIRST = ("办理", "编制", "报批", "开展", "进行", "推进", "实施", "组织", "申报", "申请", "协调", "落实", "筹备",
              "洽谈", "加快", "完善")
# Endings that name construction work: a part ending in one (and saying nothing of its aspect) is under way.
ACTIVITY = ("施工", "安装", "调试", "装修", "改造", "招标", "采购", "订购", "验收", "建设", "试运行", "试生产", "设计",
            "平整", "浇筑", "吊装", "砌筑", "装饰", "铺设", "准备")
# Completion endings and how they are said: X完成 → 已完成X; X完工 → X已完工 … (longest first).
COMPLETED_BEFORE = ("完成",)
COMPLETED_AFTER = ("建成投产", "竣工投产", "开工建设", "完工", "建成", "竣工", "投产", "封顶", "开工", "批复")
# Adverbs of a completion: after 已 ("已基本完工"), or before it ("均已完工").
ADVERBS_AFTER = ("基本", "全部", "全面", "顺利", "如期", "提前", "陆续", "整体", "大部分", "部分")
ADVERBS_BEFORE = ("均", "都")
# Aspect words that open a list after a subject ("厂房已完成备案、环评" is one list).
OPENING_AFTER_SUBJECT = ("已完成", "正在进行", "正在办理", "正在开展", "未完成")
# Clauses that begin alike and are said once for neighbours: "正在进行A和B".
SHARED_HEADS = ("正在进行", "正在办理", "正在编制", "正在开展", "已完成")
# The ledger's 状态 (ledger.STATES) when 形象进度 is empty.
STATE_WORDS = {"前期": "处于前期工作阶段", "在建": "正在建设", "已建成": "已建成", "停缓建": "暂停建设"}
# The ledger's state labels written in 形象进度 ("公辅工程停缓建", "三期在建"): said as a statistician writes them.
STATE_LABELS = (("停缓建", "暂停建设"), ("在建", "正在建设"))
# Subjects that name the project itself ("项目已于2024年8月竣工投产"): the report has just named it.
SELF_SUBJECTS = ("该项目", "本项目", "项目")
_CJK = re.compile(r"[\u4e00-\u9fff]")
# List numbers ("1." "2、" "（1）" "1）" "①" "一、"), not decimals, dates or "1、2号炉".
_NUMBERING = re.compile(r"(?<![\d.．])\d{1,2}[.．、](?![\d%％])|[（(](?:\d{1,2}|[一二三四五六七八九十]{1,3})[）)]|[①-⑳]"
                        r"|(?:^|(?<=[，,；;。\s]))(?:[一二三四五六七八九十]{1,3}、|\d{1,2}[）)])")
_BREAK = "\x00"
# Separators (captured: a "、" joins differently): punctuation, line breaks and spaces (not between Latin
# letters or digits), a "、" not between digits ("1、2号炉"), a full stop that is not a decimal point, and the list numbers.
_SEPARATORS = re.compile(r"([，,；;。\x00]|、(?!\d)|(?<!\d)、"
                         r"|(?<![A-Za-z0-9])\s+|\s+(?![A-Za-z0-9])|(?<!\d)[.．]|[.．](?!\d))")
_REMARK = re.compile(r"(.+?)[（(]([^（）()]+)[）)]")
_LABEL = re.compile(r"(.+?)[：:](?!\d)(.*)")
# A date, a share, a duration or an amount: a part holding one is kept as written ("已2023年6月完工" would be
# false); a number in a name ("1号厂房", "年产5万吨") is not one of them.
_DATED = re.compile(r"\d\s*(?:[%％年月日天周]|季度|个月|亿|万元|元)|\d[.．/-]\d")
_DONE_SHARE = re.compile(r"(.*?)完成(\d+(?:\.\d+)?[%％])")


def _doing(work: str) -> str:
    """Work under way: 正在施工 / 正在办理前期手续 / 正在办理施工许可证 / 正在进行设备安装."""
    for verb in OBJECT_FIRST:
        if work.endswith(verb) and len(work) > len(verb):
            return f"正在{verb}{work[:-len(verb)]}"
    return f"正在{work}" if work in BARE_VERBS or work.startswith(VERB_FIRST) else f"正在进行{work}"


def _done(stem: str, word: str) -> str:
    """A completion with its adverb in place: 已完成土建 / 土建已基本完成 / 主体已完工 / 各车间均已完工."""
    before = next((a for a in ADVERBS_BEFORE if stem.endswith(a)), "")
    stem = stem[:len(stem) - len(before)]
    after = next((a for a in ADVERBS_AFTER if stem.endswith(a)), "")
    stem = stem[:len(stem) - len(after)]
    if word in COMPLETED_BEFORE and not (before or after):
        return f"已{word}{stem}"
    return f"{stem}{before}已{after}{word}"


def _prose(part: str) -> bool:
    """Whether a part is Chinese prose the report can say: not English ("Equipment installation"), not a
    figure alone, not a lone "中"."""
    return _CJK.search(part) is not None and part != "中"


def is_placeholder(part: str) -> bool:
    """"/", "—", "-", "无", "暂无", "N/A": a cell filled so as not to be empty, saying nothing."""
    part = part.strip()
    return _PLACEHOLDER_MARKS.fullmatch(part) is not None or part.lower() in PLACEHOLDERS


def _frame(part: str) -> tuple[str, bool]:
    """(the part in its frame, whether the part itself says its aspect). A part that does not (an activity
    under way by default, or words kept as written) can share the aspect of the part it is joined to by "、"."""
    part = part.strip().rstrip("。.．")
    if is_placeholder(part) or not _prose(part):
        return "", True
    remark = _REMARK.fullmatch(part)
    if remark and part_clause(remark.group(1)):
        return f"{part_clause(remark.group(1))}（{remark.group(2).strip()}）", True
    label = _LABEL.fullmatch(part)
    if label and label.group(1).strip() and not is_placeholder(label.group(2)):
        name, rest = label.group(1).strip(), label.group(2).strip()
        # "已完成：土建" is an aspect and its object, "一期：设备安装中" a name and its clause.
        return (name + rest if name.startswith(FRAMED + COMPLETED_BEFORE) else name + part_clause(rest)), True
    if "进场" in part and not part.startswith("未") and not _DATED.search(part):
        # "研发楼进场施工" / "正在进行进场施工": the work has started, never "正在进行进场施工"
        head, _, tail = part.partition("进场")
        head = head.removesuffix("正在进行").removesuffix("已")
        if not any(word in head for word in FRAMED) and (tail == "" or tail in ACTIVITY):
            return _done(head, "进场") + tail, True
    for label, said in STATE_LABELS:
        if part.endswith(label) and not part.endswith("未" + label):
            return part[:-len(label)] + said, True
    if part.endswith(STATES):
        return part, True
    if any(word in part for word in FRAMED):
        if "部分已" in part and "大部分已" not in part:  # "冷轧车间部分已投产" → "冷轧车间已部分投产"
            part = part.replace("部分已", "已部分", 1)
        if part.startswith("正在进行") and part[4:].startswith(VERB_FIRST):
            return "正在" + part[4:], True
        return part, True
    if part.startswith("完成"):
        return f"已{part}", True
    share = _DONE_SHARE.fullmatch(part)
    if share:
        return f"{share.group(1)}已完成{share.group(2)}", True
    if _DATED.search(part):
        return part, True  # a date or a share ("2023年6月完工", "一期工程90%施工中") is not reframed
    if part.endswith("中") and not part.endswith(NOT_PROGRESSIVE) and len(part) > 1:
        work = part[:-1]
        if work.endswith("进行") and len(work) > 2:  # "设备安装进行中": never "正在进行设备安装进行"
            work = work[:-2]
        return _doing(work), True
    for word in COMPLETED_BEFORE + COMPLETED_AFTER:
        if part.endswith(word):
            return _done(part[:-len(word)], word), True
    if part.endswith(OBJECT_FIRST) or part.endswith(ACTIVITY) or part.startswith(VERB_FIRST):
        return _doing(part), False
    if part.endswith("阶段"):
        return f"处于{part}", True
    return part, False


def part_clause(part: str) -> str:
    """One part of 形象进度 in its report frame (see the module's rules); "" for a placeholder."""
    return _frame(part)[0]


def _opens(piece: str) -> bool:
    """Whether a piece's aspect word comes first and governs what follows it ("已完成立项", "完成土建",
    "正在进行设备安装", "办理环评"), rather than closing what precedes it ("设备安装中", "主体已完工")."""
    head = piece.startswith(FRAMED) or piece.startswith(COMPLETED_BEFORE) or piece.startswith(VERB_FIRST) or \
        any(word in piece for word in OPENING_AFTER_SUBJECT)
    closed = (piece.endswith("中") and not piece.endswith(NOT_PROGRESSIVE)) or \
        piece.endswith(COMPLETED_BEFORE + COMPLETED_AFTER + STATES) or piece.endswith("阶段")
    return head and not closed


def _one_list(left: str, right: str) -> bool:
    """Whether two pieces joined by "、" are one list sharing one aspect: the left says none of its own and
    the right does not open its own ("土建、安装完成", "设备安装、调试中", "土建施工、设备采购"), or the left's
    comes first and the right says none ("已完成立项、环评、能评", "完成土建、设备安装"). Otherwise each has
    its own ("设备基础施工中、钢结构吊装", "钢结构安装完成、屋面施工")."""
    if not _frame(left)[1]:
        return not _opens(right)
    return _opens(left) and not _frame(right)[1]


# A remark is not progress: (备注：资金到位), 【备注】, 注：… — left out of the report (the ledger keeps it).
_REMARK_BRACKETED = re.compile(r"[（(【\[]\s*(?:备注|注)\s*[:：][^（()）【】\[\]]*[）)】\]]")
_REMARK_LABEL = re.compile(r"^\s*(?:[（(【\[]\s*(?:备注|注)\s*[）)】\]]\s*[:：]?|(?:备注|注)\s*[:：])\s*")


def _without_remarks(text: str) -> str:
    text = _REMARK_BRACKETED.sub("", text)
    return _REMARK_LABEL.sub("", text)


def parts(progress_text: str | None) -> list[str]:
    """The parts of a 形象进度 text, list numbers and placeholders dropped; pieces joined by "、" that share
    one aspect stay one part (_one_list)."""
    pieces = _SEPARATORS.split(_NUMBERING.sub(_BREAK, _without_remarks(progress_text or "")))
    out: list[str] = []
    soft = False  # the pieces since the last part are joined to it by "、" only
    for k in range(0, len(pieces), 2):
        piece = pieces[k].strip()
        if piece and not is_placeholder(piece):
            if out and soft and _one_list(out[-1], piece):
                out[-1] += "、" + piece
            else:
                out.append(piece)
            soft = True
        if k + 1 < len(pieces) and pieces[k + 1] != "、":
            soft = False
    return out


def _share_heads(clauses: list[str]) -> list[str]:
    """Neighbours that begin with the same words say them once: 正在进行A、正在进行B → 正在进行A和B
    (never a share or a date: "已完成土建，已完成投资的75%" stays two)."""
    out: list[tuple[str, list[str]]] = []
    for text in clauses:
        head = next((h for h in SHARED_HEADS if text.startswith(h) and len(text) > len(h)), None)
        rest = text[len(head):] if head else ""
        shared = head and not _DATED.search(rest)
        if shared and out and out[-1][0] == head:
            out[-1][1].append(rest)
        else:
            out.append((head, [rest]) if shared else (None, [text]))
    return [(head or "") + words(rests) for head, rests in out]


def _own_words(progress_text: str | None, names: tuple[str, ...]) -> str:
    """The text without what the report has just said: a bracketed whole ("（已完成）") is its inside, and a
    text that starts with the item's or its project's name, or with 项目/该项目/本项目 (the project itself),
    does not say it again ("熔铸车间主体完工" after "熔铸车间" → "主体完工")."""
    text = (progress_text or "").strip()
    whole = re.fullmatch(r"[（(]([^（）()]*)[）)]", text)
    if whole:
        text = whole.group(1).strip()
    subjects = sorted((n for n in names if n), key=len, reverse=True) + list(SELF_SUBJECTS)
    said = True
    while said:  # "甲项目一期已投产" after "一期" of 甲项目: both names go
        said = False
        for name in subjects:
            rest = text[len(name):].lstrip("，,：: ")
            first = parts(rest) if text.startswith(name) else []
            if first and _frame(first[0])[0] and (name in names or _frame(first[0])[1]):
                text, said = rest, True
                break
    return text


def progress_clause(progress_text: str | None, state: str | None, names: tuple[str, ...] = ()) -> str:
    """The clause that follows the item's name: its 形象进度 part by part, else its 状态; "" when neither.
    `names`: the item's name and its project's, not said twice (_own_words)."""
    clauses = [c for c in (part_clause(p) for p in parts(_own_words(progress_text, names))) if c]
    if clauses:
        return "，".join(_share_heads(clauses))
    return STATE_WORDS.get(state or "", "")
