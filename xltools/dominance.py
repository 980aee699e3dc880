"""The (n, k) dominance rule: a scope whose n largest enterprises hold more than k% of an additive
magnitude publishes those enterprises, whatever the number of enterprises.

Magnitudes: 工业总产值, 工业增加值, 营业收入 and 利润总额 (absolute values: a large loss reveals as
much as a large profit). Shares are computed from each group's largest enterprises (indicators.py
keeps them), so the share of any union of groups — a scope, or what a relation leaves hidden — is
exact. By default the rule only informs (validate, the summary's 说明, the report's notes, the
indicators' notes); `--dominance N,K` withholds the dominated scopes, and `--dominance N,K,all` the
全市 and 战新 totals too.
"""
from __future__ import annotations

from dataclasses import dataclass

from .indicators import ALL, DOMINANCE_MAGNITUDES, LARGEST_KEPT, SEI, Results

MAGNITUDE_NAMES = {"output_value": "工业总产值", "value_added": "工业增加值", "revenue": "营业收入",
                   "total_profit": "利润总额(绝对值)"}
TOTALS = (ALL, SEI)


@dataclass(frozen=True)
class Rule:
    n: int = 1
    k: float = 85.0
    totals: bool = False   # the 全市 and 战新 totals are tested too

    @property
    def option(self) -> str:
        return f"--dominance {self.n},{self.k:g}" + (",all" if self.totals else "")

    @property
    def words(self) -> str:
        return f"最大{'一' if self.n == 1 else self.n}家企业占比超过{self.k:g}%"


DEFAULT = Rule()


def parse_rule(text: str) -> Rule:
    """'1,85' or '2,90,all' -> Rule; ValueError with a Chinese message otherwise."""
    parts = [p.strip() for p in str(text).replace("，", ",").split(",")]
    totals = len(parts) == 3 and parts[2].lower() == "all"
    if len(parts) not in (2, 3) or (len(parts) == 3 and not totals):
        raise ValueError(f"“{text}”应为 N,K 或 N,K,all，如 1,85")
    try:
        n, k = int(parts[0]), float(parts[1])
    except ValueError:
        raise ValueError(f"“{text}”中的 N 应为整数、K 应为百分数，如 1,85") from None
    if not 1 <= n <= LARGEST_KEPT or not 0 < k < 100:
        raise ValueError(f"N 应为 1 到 {LARGEST_KEPT}，K 应在 0 到 100 之间（“{text}”）")
    return Rule(n, k, totals)


def members(results: Results, scope: str) -> set:
    """The groups (category, county) a scope is the union of."""
    from .disclosure import _members

    return {g for g, n in results.groups.items() if n > 0 and _members(scope, g)}


def share_of_largest(results: Results, groups: set, magnitude: str, n: int) -> float | None:
    """% of the magnitude (absolute values) held by the n largest enterprises of these groups."""
    total = sum(results.magnitude.get(g, {}).get(magnitude, 0.0) for g in groups)
    if total <= 0:
        return None
    values = sorted((x for g in groups for x in results.largest.get(g, {}).get(magnitude, [])), reverse=True)
    return sum(values[:n]) / total * 100


def dominated(results: Results, groups: set, rule: Rule) -> list[tuple[str, float]]:
    """(magnitude, share) of every magnitude over the rule, for a union of groups."""
    out = []
    for m in DOMINANCE_MAGNITUDES:
        share = share_of_largest(results, groups, m, rule.n)
        if share is not None and share > rule.k:
            out.append((m, share))
    return out


def tested(scope: str, rule: Rule) -> bool:
    return rule.totals or scope not in TOTALS


def sensitive_scopes(results: Results, rule: Rule) -> set[str]:
    """Scopes the rule withholds (the totals only when the rule names them)."""
    return {s.scope for s in results.scopes
            if s.enterprises > 0 and tested(s.scope, rule) and dominated(results, members(results, s.scope), rule)}


@dataclass
class Finding:
    scope: str
    label: str
    shares: list[tuple[str, float, float | None]]   # (magnitude, largest 1 %, largest 2 %) over the rule

    def text(self, rule: Rule, exact: bool = True) -> str:
        """Exact shares (validate, internal) or only that the scope is over the rule (anything published:
        the largest 2's share minus the largest 1's, times a published total, is the second enterprise)."""
        if not exact:
            what = "、".join(MAGNITUDE_NAMES[m].replace("(绝对值)", "") for m, _, _ in self.shares)
            return f"{self.label}{what}最大{rule.n}家企业占比超过{rule.k:g}%"
        parts = "、".join(f"{MAGNITUDE_NAMES[m]}最大1家占{one:.1f}%" + (f"、最大2家占{two:.1f}%" if two is not None else "")
                         for m, one, two in self.shares)
        return f"{self.label}：{parts}"


def findings(results: Results, rule: Rule = DEFAULT, withheld: set[str] = frozenset(),
             counties: bool = True) -> list[Finding]:
    """Every published scope (totals included) over the rule, with the shares of its largest 1 and 2."""
    out = []
    for s in results.scopes:
        if s.enterprises == 0 or s.scope in withheld or (not counties and s.scope.startswith("county:")):
            continue
        groups = members(results, s.scope)
        over = dominated(results, groups, rule)
        if over:
            out.append(Finding(s.scope, s.label, [(m, share_of_largest(results, groups, m, 1),
                                                   share_of_largest(results, groups, m, 2) if s.enterprises > 1
                                                   else None) for m, _ in over]))
    return out


def notes(results: Results, rule: Rule | None, withheld: set[str], counties: bool = True, *,
          exact: bool = False, options: bool = False, suppressed: bool = True, fewest: int = 0) -> list[str]:
    """What every output says about dominance, as one note: the scopes over the rule that are published,
    and what that means (without a rule in force: their figures are their largest enterprises', and how to
    withhold them; with one, only the totals it did not test can remain: published as the rule says).
    `exact`: the shares themselves (validate only: internal); `options`: name the command-line options
    (terminal notes). Not `suppressed` (--no-suppress: nothing is withheld, scopes of one or two
    enterprises included, and the output is for internal use): only what the figures are, never why or
    how they would be withheld; a scope of fewer than `fewest` enterprises (the threshold) is not listed: it is
    trivially its few enterprises' data, and the internal-use line already says nothing is protected)."""
    shown = rule or DEFAULT
    found = [f for f in findings(results, shown, withheld, counties)
             if suppressed or results.sums_of(f.scope).enterprises >= fewest]
    if not found:
        return []
    if exact:
        what = f"支配性检查（{shown.words}）：" + "；".join(f.text(shown) for f in found)
    else:
        what = "支配性检查：" + "；".join(f.text(shown, exact=False) for f in found)
    if not suppressed:
        return [f"{what}，其数据实际上就是最大企业的数据。" if len(found) == 1 and not exact
                else f"{what}。这些范围的数据实际上就是其最大企业的数据。"]
    if rule is None:
        how = (f"如需不公布，使用 {DEFAULT.option}（全市和战新合计也不公布时用 {Rule(DEFAULT.n, DEFAULT.k, True).option}）"
               if options else "对外公布前请按数据保密规定审核")
        # One finding: one sentence; several (or the exact shares): the consequence said once for all.
        joint = ("，虽企业数不少，" if not exact else "。这个范围虽企业数不少，") if len(found) == 1 \
            else "。这些范围虽企业数不少，"
        return [f"{what}{joint}公布其数据实际上就是公布最大企业的数据；{how}。"]
    how = f"；如也不公布，使用 {Rule(rule.n, rule.k, True).option}" if options else ""
    return [f"{what}；全市和战新合计按规定照常公布{how}。"]
