"""What every output says beside its figures: the code-based classification is an estimate, the scopes
one or two enterprises dominate, enterprises without 上年同期 that move a growth rate, and the basis of
value-added growth. One text for the indicators, the summary's 说明, the report and validate."""
from __future__ import annotations

from . import dominance
from .disclosure import DEFAULT_THRESHOLD
from .indicators import ALL, SEI, Results, indicator
from .rounding import display

NEW_ENTERPRISE_MOVE = 0.1   # percentage points of a growth rate
ESTIMATE = ("战新产业按行业代码估算：对照表不完整，部分只有一部分属于战新产业的行业已全部计入，结果为估算；"
            "正式口径应按战新企业名录划分")
ESTIMATE_OPTION = "（可用 --sei-list 提供名录）"
VA_CURRENT = "工业增加值增速按企业现价数据计算（现价），不是国家统计局公布的可比价增速"
VA_CURRENT_OPTION = "；可用 --va-growth 提供官方可比价增速"


def sentence(text: str) -> str:
    """A note ends with 。 (once)."""
    text = text.rstrip()
    return text if text.endswith(("。", "）。")) else text.rstrip("；，") + "。"


def new_enterprise_notes(results: Results, withheld: set[str] = frozenset(), threshold: int = 3,
                         counties: bool = True) -> list[str]:
    """Per published scope whose growth rates the enterprises without 上年同期 move by 0.1 point or more.
    Figures (their share of revenue, the rates without them) only for 全市 and 战新, and only while the new
    enterprises of each, and those of 全市 outside 战新, are at least the disclosure threshold: otherwise
    one note minus another would give a few enterprises' own revenue. Elsewhere the count alone.
    `threshold` 0: no disclosure control (--no-suppress): the figures of every scope."""
    out = []
    counts = {k: results.new[k].count if k in results.new else 0 for k in (ALL, SEI)}
    rest = counts[ALL] - counts[SEI]
    with_figures = {k for k in (ALL, SEI) if counts[k] >= threshold and (rest == 0 or rest >= threshold)}
    if threshold <= 0:  # no disclosure control (--no-suppress): every scope's figures, nothing kept back
        with_figures = {s.scope for s in results.scopes}
    for s in results.scopes:
        new = results.new.get(s.scope)
        if new is None or s.scope in withheld or (not counties and s.scope.startswith("county:")):
            continue
        moved = [(iid, a, b) for iid, (a, b) in new.growth.items()
                 if a is not None and b is not None and abs(a - b) >= NEW_ENTERPRISE_MOVE]
        if not moved:
            continue
        if s.scope not in with_figures:
            out.append(f"{s.label}有{new.count}家企业没有上年同期数（新投产或新纳入统计），按可比口径其上年同期计为0，"
                       f"使{'、'.join(indicator(iid).name for iid, _, _ in moved)}变动{NEW_ENTERPRISE_MOVE}个百分点以上"
                       "（为对单个企业资料保密，不列其数字）")
            continue
        share = f"，占本期营业收入的{display(new.revenue_share, 1)}%" if new.revenue_share is not None else ""
        rates = "、".join(f"{indicator(iid).name}{display(a, 1)}%（不计入时{display(b, 1)}%）" for iid, a, b in moved)
        out.append(f"{s.label}有{new.count}家企业没有上年同期数（新投产或新纳入统计）{share}；按可比口径其上年同期计为0，"
                   f"计入这些企业的增速为：{rates}")
    return out


def publication_notes(results: Results, disclosure, official=None, counties: bool = True, *,
                      exact: bool = False, options: bool = False) -> list[str]:
    """Every note, in order; `disclosure` the plan in force (its rule, what it withholds). Without
    `counties` the notes are of 全市, 战新 and the categories only (the report's subjects).
    `exact`: dominance shares as numbers — validate only, never in anything that can be published.
    Value added's growth: the summary (with `counties`) shows it for 全市, 战新 and the categories; the
    report for 战新 only. `options`: name command-line options (terminal notes, the summary's 发布前须知), never in the report
    or a table's footnotes."""
    out = []
    if results.classification == "industry-code":
        out.append(ESTIMATE + (ESTIMATE_OPTION if options else ""))
    if any(i.id == "value_added_growth" for i in results.computed):
        if official is None:
            out.append(VA_CURRENT + (VA_CURRENT_OPTION if options else ""))
        else:  # the scopes this output gives value added's growth for, each with its basis
            hidden = disclosure.withheld if disclosure is not None and disclosure.enabled else set()
            shown = [ALL, SEI] + [s.scope for s in results.scopes if s.scope.startswith("sector:")] \
                if counties else [SEI]
            labels = {s.scope: s.label for s in results.scopes}
            out.append(official.note({s: labels[s] for s in shown if s in labels and s not in hidden
                                      and results.sums_of(s).enterprises > 0}))
    suppressed = disclosure is None or disclosure.enabled
    rule = disclosure.rule if suppressed and disclosure is not None else None
    withheld = disclosure.withheld if suppressed and disclosure is not None else set()
    fewest = disclosure.threshold if disclosure is not None else DEFAULT_THRESHOLD
    out += dominance.notes(results, rule, withheld, counties, exact=exact, options=options, suppressed=suppressed,
                           fewest=fewest)
    threshold = fewest if suppressed else 0
    out += new_enterprise_notes(results, withheld, threshold, counties)
    return [sentence(n) for n in out]
