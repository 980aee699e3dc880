"""Disclosure control (统计法): which scopes a publication must withhold.

Primary suppression: a scope with 1 to threshold−1 enterprises. Secondary
suppression: the published scopes form additive relations (a total = the sum of
its parts + a remainder that is not published as a scope, e.g. all = sei + the
rest), and in any relation a single unknown term is recoverable by subtraction.
So every relation whose hidden terms include a withheld scope or a small
remainder must hide at least two terms holding at least `threshold` enterprises
together; while one does not, the smallest published part is withheld too.
A scope without enterprises reveals nothing and is never withheld.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .indicators import ALL, SEI, Results

DEFAULT_THRESHOLD = 3


@dataclass
class Term:
    name: str              # a scope id, or "rest:<relation>" for the unpublished remainder
    enterprises: int
    is_scope: bool
    is_parent: bool = False


@dataclass
class Disclosure:
    enabled: bool
    threshold: int
    withheld: set[str] = field(default_factory=set)     # scope ids
    primary: set[str] = field(default_factory=set)

    def is_withheld(self, scope: str) -> bool:
        return scope in self.withheld

    def note(self, labels: dict[str, str]) -> str | None:
        """labels: scope id -> label, in table order. The line under a table. Primary and secondary cells are not told apart: saying which
        scope has fewer enterprises than the threshold would itself reveal something."""
        if not self.enabled:
            return None
        text = (f"“…”表示按《中华人民共和国统计法》对单个企业资料保密不予公布：企业数少于{self.threshold}家的范围，"
                "以及可由合计数推算出这些范围的范围。")
        if self.withheld:
            names = [label for scope, label in labels.items() if scope in self.withheld]
            text += "本期不公布：" + "、".join(names) + "。"
        return text


def relations(results: Results) -> list[list[Term]]:
    """The additive relations among the published scopes: parent first, then parts, then the remainder."""
    n = {s.scope: s.enterprises for s in results.scopes}
    out = []

    def relation(parent: str, parts: list[str]) -> None:
        rest = n[parent] - sum(n[p] for p in parts)
        terms = [Term(parent, n[parent], True, True)] + [Term(p, n[p], True) for p in parts]
        terms.append(Term(f"rest:{parent}", rest, False))
        out.append(terms)

    sectors = [s for s in n if s.startswith("sector:")]
    counties = [s for s in n if s.startswith("county:") and not s.endswith("/sei")]
    relation(ALL, [SEI])
    relation(SEI, sectors)
    if counties:
        relation(ALL, counties)
        relation(SEI, [f"{c}/sei" for c in counties])
        for c in counties:
            relation(c, [f"{c}/sei"])
    return out


def plan(results: Results, *, enabled: bool = True, threshold: int = DEFAULT_THRESHOLD) -> Disclosure:
    d = Disclosure(enabled, threshold)
    if not enabled:
        return d
    d.primary = {s.scope for s in results.scopes if 0 < s.enterprises < threshold}
    d.withheld = set(d.primary)
    rels = relations(results)
    changed = True
    while changed:
        changed = False
        for terms in rels:
            hidden = [t for t in terms if t.enterprises > 0 and (not t.is_scope or t.name in d.withheld)]
            sensitive = [t for t in hidden if t.is_scope or t.enterprises < threshold]
            if not sensitive:
                continue
            if len(hidden) >= 2 and sum(t.enterprises for t in hidden) >= threshold:
                continue
            # Withhold one more published term: parts before the total, the smallest first.
            candidates = [t for t in terms if t.is_scope and t.enterprises > 0 and t.name not in d.withheld
                          and t.name != ALL]
            if not candidates:
                continue
            pick = min(candidates, key=lambda t: (t.is_parent, t.enterprises, t.name))
            d.withheld.add(pick.name)
            changed = True
    return d
