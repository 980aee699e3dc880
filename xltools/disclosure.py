"""Disclosure control (统计法): which scopes a publication must withhold.

Primary suppression: a scope with 1 to threshold−1 enterprises. Secondary
suppression: the published scopes form additive relations (a total = the sum of
its parts + a remainder that is not published as a scope, e.g. all = sei + the
rest), and in any relation a single unknown term is recoverable by subtraction.
So every relation whose hidden terms include a withheld scope or a small
remainder must hide at least two terms holding at least `threshold` enterprises
together; while one does not, the smallest published part is withheld too.
Then an exact test: the published scopes are sums over groups of enterprises
(category × county); whatever lies in their linear span is computable by
addition and subtraction, so no withheld scope and no union of groups with
fewer than `threshold` enterprises may lie in it (this catches what relations
miss, e.g. a county's SEI minus a category that sits wholly inside that county).
A scope without enterprises reveals nothing and is never withheld.

Dominance (dominance.py): under `--dominance N,K` a scope whose N largest enterprises hold more than
K% of a magnitude is withheld as a primary cell too (the 全市 and 战新 totals only when the rule names
them), and a relation that hides such a scope must also hide enough beside it that the hidden terms
together are not dominated.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .dominance import TOTALS, Rule, dominated, members, sensitive_scopes
from .indicators import ALL, SEI, Results

DEFAULT_THRESHOLD = 3
LOSS_FIGURES = ("loss_amount",)   # figures of the loss-makers alone: withheld when they are too few
EXACT_TEST_CELLS = 200_000


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
    rule: Rule | None = None                             # the dominance rule in force, if any
    dominated: set[str] = field(default_factory=set)     # primary cells by the dominance rule
    loss_withheld: set[str] = field(default_factory=set)  # scopes whose 亏损企业亏损额 alone is withheld
    # Structure figures withheld in scopes that are published: indicator id -> scope ids (structure_plan).
    figures: dict[str, set[str]] = field(default_factory=dict)

    def is_withheld(self, scope: str) -> bool:
        return scope in self.withheld

    def is_figure_withheld(self, scope: str, indicator_id: str) -> bool:
        """A scope's figure: the whole scope withheld, or its loss amount held by too few loss-makers."""
        return scope in self.withheld or (indicator_id in LOSS_FIGURES and scope in self.loss_withheld) or \
            scope in self.figures.get(indicator_id, ())

    def reason(self, scope: str, enterprises: int) -> str:
        """Why a withheld scope is withheld, as a report may say it: too few enterprises, or (secondary
        protection, dominance) only that the law says so — saying why would itself reveal something."""
        return "企业数较少" if 0 < enterprises < self.threshold else "按统计法规定不予公布"

    def note(self, labels: dict[str, str], structure: bool = True, when: str = "本期",
             losses: bool = True) -> str | None:
        """labels: scope id -> label, in table order; structure / losses: say which structure figures / loss
        amounts are withheld (only under a table that shows them); when: the period word of the withheld
        list. The line under a table. Primary and secondary cells are not told apart: saying which
        scope has fewer enterprises than the threshold would itself reveal something."""
        if not self.enabled:
            return None
        dominance = f"、{self.rule.words}的范围" if self.rule else ""
        text = (f"“…”表示按《中华人民共和国统计法》对单个企业资料保密不予公布：企业数少于{self.threshold}家的范围{dominance}，"
                "以及可由合计数推算出这些范围的范围。")
        if self.withheld:
            names = [label for scope, label in labels.items() if scope in self.withheld]
            text += f"{when}不公布：" + "、".join(names) + "。"
        if losses and self.loss_withheld - self.withheld:
            text += (f"亏损企业少于{self.threshold}家的范围（以及可由合计数推算出其亏损额的范围）不公布亏损企业亏损额：" +
                     "、".join(label for scope, label in labels.items()
                              if scope in self.loss_withheld and scope not in self.withheld) + "。")
        if self.figures and structure:  # (not under tables without structure figures)
            text += STRUCTURE_NOTE.format(t=self.threshold)
            if self.figures.get("revenue_hhi"):
                text += NEGATIVE_NOTE.format(t=self.threshold) + "、".join(
                    label for scope, label in labels.items() if scope in self.figures["revenue_hhi"]) + "。"
        return text


def relations(results: Results, count=lambda s: s.enterprises) -> list[list[Term]]:
    """The additive relations among the published scopes: parent first, then parts, then the remainder.
    `count`: the enterprises a term holds (all of them, or the loss-makers for the loss amount)."""
    n = {s.scope: count(s) for s in results.scopes}
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


def _members(scope: str, group: tuple[str | None, str | None]) -> bool:
    """Whether the enterprises of (category, county) belong to a scope."""
    cat, county = group
    if scope == ALL:
        return True
    if scope == SEI:
        return cat is not None
    kind, _, name = scope.partition(":")
    if kind == "sector":
        return cat == name
    if kind == "county":
        c, _, sei = name.partition("/")
        return county == c and (not sei or cat is not None)
    return False


def small_unions(groups: dict, threshold: int, limit: int = 20000) -> list[tuple]:
    """Every union of groups holding 1 to threshold−1 enterprises (at most `limit` of them)."""
    small = sorted((g for g, n in groups.items() if 0 < n < threshold), key=lambda g: (str(g[0]), str(g[1])))
    out: list[tuple] = []

    def walk(start: int, chosen: tuple, total: int) -> None:
        for i in range(start, len(small)):
            if len(out) >= limit:
                return
            n = total + groups[small[i]]
            if n < threshold:
                out.append(chosen + (small[i],))
                walk(i + 1, chosen + (small[i],), n)

    walk(0, (), 0)
    return out


class Span:
    """The linear span of the published scopes over the groups: what subtraction can compute."""

    def __init__(self, published: list[str], groups: list):
        import numpy as np

        self.np, self.groups = np, groups
        self.matrix = np.array([[1.0 if _members(s, g) else 0.0 for g in groups] for s in published]) \
            if published else np.zeros((0, len(groups)))
        self.rank = np.linalg.matrix_rank(self.matrix) if published else 0

    def contains(self, members: set) -> bool:
        np = self.np
        v = np.array([[1.0 if g in members else 0.0 for g in self.groups]])
        if not v.any():
            return False
        return np.linalg.matrix_rank(np.vstack([self.matrix, v])) == self.rank


def _scope_groups(scope: str, groups: list) -> set:
    return {g for g in groups if _members(scope, g)}


def recoverable(results: Results, withheld: set[str], threshold: int) -> list[tuple[str, set]]:
    """What subtraction among the published scopes would reveal: withheld scopes, and unions of
    groups with fewer than `threshold` enterprises. Empty when the publication is safe."""
    groups = [g for g, n in results.groups.items() if n > 0]
    published = [s.scope for s in results.scopes if s.scope not in withheld]
    span = Span(published, groups)
    found = []
    for s in results.scopes:
        if s.scope in withheld:
            members = _scope_groups(s.scope, groups)
            if span.contains(members):
                found.append((s.scope, members))
    for union in small_unions(results.groups, threshold):
        members = set(union)
        if span.contains(members):
            found.append(("", members))
    return found


def plan(results: Results, *, enabled: bool = True, threshold: int = DEFAULT_THRESHOLD,
         dominance: Rule | None = None) -> Disclosure:
    d = Disclosure(enabled, threshold, rule=dominance)
    if not enabled:
        return d
    d.primary = {s.scope for s in results.scopes if 0 < s.enterprises < threshold}
    if dominance is not None:
        d.dominated = sensitive_scopes(results, dominance) - d.primary
        d.primary |= d.dominated
    d.withheld = set(d.primary)
    d.loss_withheld = _loss_plan(results, d)
    rels = relations(results)
    n = {s.scope: s.enterprises for s in results.scopes}
    while True:
        _secondary_by_relations(d, rels, threshold, results)
        # Then the exact test: nothing the published scopes can compute by addition and
        # subtraction may be a withheld scope or a group smaller than the threshold.
        leaks = recoverable(results, d.withheld, threshold) if _exact_test_fits(results) else []
        if not leaks:
            d.figures = structure_plan(results, d)
            return d
        _, members = leaks[0]
        candidates = sorted((s for s in n if s not in d.withheld and s != ALL and n[s] > 0),
                            key=lambda s: (n[s], s))
        if not candidates:
            return d
        # Withhold the smallest published scope whose absence stops this computation.
        groups = [g for g, k in results.groups.items() if k > 0]
        published = [s for s in n if s not in d.withheld]
        breaking = [c for c in candidates
                    if not Span([s for s in published if s != c], groups).contains(members)]
        d.withheld.add(breaking[0] if breaking else candidates[0])


STRUCTURE_NOTE = ("最大1家企业营业收入占比一律不公布（与营业收入合计相乘即为该企业的营业收入）；最大N家企业营业收入占比在"
                  "这N家或其余企业少于{t}家时不公布，新企业营业收入占比在新企业或其余企业少于{t}家时"
                  "（以及可由合计数推算出这些企业的数时）不公布。")
NEGATIVE_NOTE = "有营业收入为负的企业、且这些企业少于{t}家的范围（以及可由合计数推算出其数的范围）不公布集中度指标："


def structure_plan(results: Results, d: Disclosure) -> dict[str, set[str]]:
    """Structure figures of published scopes that would reveal fewer than `threshold` enterprises:
    - a share of the N largest enterprises' revenue times the published revenue is their revenue: published
      only when N ≥ threshold, the other enterprises are none or at least threshold, and (with a dominance
      rule in force) the N largest are not dominated by their own largest;
    - the concentration figures rest on the revenue of the enterprises with positive revenue: where some
      have negative revenue, that base minus the published revenue is theirs, so like the loss amount they
      are withheld where the negative ones are 1 to threshold−1 (or subtraction leaves so few);
    - a new enterprises' revenue share: the same with the new enterprises and the others.
    The HHI otherwise, the share of 中小微型 enterprises and the count of new ones follow the scope: a sum of
    squares is additive over the same groups as the scope sums, so the scopes' secondary protection covers it."""
    negative = _subset_plan(results, d, (_negative_count, lambda s: s.enterprises - _negative_count(s))) \
        if any(_negative_count(s) for s in results.scopes) else set()
    out: dict[str, set[str]] = {}
    for ind in results.computed:
        if ind.formula == "top_share":
            top = int(ind.args[1])
            held = negative | {s.scope for s in results.scopes if s.enterprises > top and s.scope not in d.withheld and (
                top < d.threshold or 0 < s.enterprises - top < d.threshold or _top_dominated(s.top[:top], d.rule))}
        elif ind.formula == "hhi":
            held = negative
        elif ind.formula == "new_share":
            held = _subset_plan(results, d, (_new_count, lambda s: s.enterprises - _new_count(s)))
        else:
            continue
        if held:
            out[ind.id] = held
    return out


def _new_count(s) -> int:
    return int(round(s.structure.get("new", 0)))


def _negative_count(s) -> int:
    return int(round(s.structure.get("negative", 0)))


def _subset_plan(results: Results, d: Disclosure, counts) -> set[str]:
    """Published scopes where a figure of a subset of their enterprises (its count and its complement's: the
    scope's published total minus the subset's figure is the complement's) holds 1 to threshold−1 of them,
    then by the relations counted in each whatever would give such a group by subtraction, as for the loss
    amount."""
    held = Disclosure(True, d.threshold)
    held.withheld = {s.scope for s in results.scopes if any(0 < c(s) < d.threshold for c in counts)} | d.withheld
    while True:
        before = len(held.withheld)
        for count in counts:
            _secondary_by_relations(held, relations(results, count), d.threshold, results)
        if len(held.withheld) == before:
            return {s for s in held.withheld - d.withheld if results.sums_of(s).enterprises > 0}


def _top_dominated(top: list[float], rule: Rule | None) -> bool:
    """Whether the n largest of these enterprises hold more than k% of their revenue (the rule in force)."""
    if rule is None or not top:
        return False
    total = sum(top)
    return total > 0 and sum(top[:rule.n]) / total * 100 > rule.k


def _loss_plan(results: Results, d: Disclosure) -> set[str]:
    """Scopes whose 亏损企业亏损额 is withheld: 1 to threshold−1 loss-makers, then by the relations (counted in
    loss-makers) whatever would give such a scope's loss by subtraction. Scopes withheld whole are hidden
    terms too (the final plan only adds to them, which hides more)."""
    loss = Disclosure(True, d.threshold)
    loss.withheld = {s.scope for s in results.scopes if 0 < s.loss_enterprises < d.threshold}
    if not loss.withheld:
        return set()
    loss.withheld |= d.primary
    _secondary_by_relations(loss, relations(results, lambda s: s.loss_enterprises), d.threshold, results)
    return loss.withheld - d.primary


def _exact_test_fits(results: Results) -> bool:
    """The exact test is linear algebra over scopes × groups: for a city or a province by county it is
    milliseconds; at national scale by county it would take minutes, and the relations alone decide."""
    return 0 < len(results.scopes) * len(results.groups) <= EXACT_TEST_CELLS


def _hidden_dominated(d: Disclosure, terms: list[Term], hidden: list[Term], results: Results) -> bool:
    """Whether the terms a relation hides, taken together, still fall under the dominance rule while one
    of them is withheld for dominance (the rest term: the parent's groups outside the published parts)."""
    if d.rule is None or not any(t.name in d.dominated for t in hidden):
        return False
    groups: set = set()
    for t in hidden:
        if t.is_scope:
            groups |= members(results, t.name)
        else:
            groups |= members(results, terms[0].name) - set().union(*(members(results, p.name) for p in terms[1:-1]))
    return bool(dominated(results, groups, d.rule))


def _secondary_by_relations(d: Disclosure, rels: list[list[Term]], threshold: int, results: Results) -> None:
    changed = True
    while changed:
        changed = False
        for terms in rels:
            hidden = [t for t in terms if t.enterprises > 0 and (not t.is_scope or t.name in d.withheld)]
            sensitive = [t for t in hidden if t.is_scope or t.enterprises < threshold]
            if not sensitive:
                continue
            by_count = len(hidden) < 2 or sum(t.enterprises for t in hidden) < threshold
            if not by_count and not _hidden_dominated(d, terms, hidden, results):
                continue
            # Withhold one more published term: parts before the total, the smallest first. The totals are
            # never withheld to protect a dominated scope unless the rule names them.
            keep = {ALL} | (set(TOTALS) if not by_count and not d.rule.totals else set())
            candidates = [t for t in terms if t.is_scope and t.enterprises > 0 and t.name not in d.withheld
                          and t.name not in keep]
            if not candidates:
                continue
            pick = min(candidates, key=lambda t: (t.is_parent, t.enterprises, t.name))
            d.withheld.add(pick.name)
            changed = True
