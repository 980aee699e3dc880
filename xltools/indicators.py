"""Every indicator of every scope, as ratios of scope sums. No other module does arithmetic.

The indicator definitions are data (data/indicators.csv): id, name, unit, decimals, a
formula kind and its arguments. Scope sums are exact (math.fsum), so no result depends
on the order of the rows.
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .reader import BureauData
from .rounding import NULL_DISPLAY, display
from .sei import category_names
from .structure import group_aggregates, scope_structure

YI = 100_000.0  # 千元 per 亿元
ALL, SEI = "all", "sei"
SCOPE_LABELS = {ALL: "全市规模以上工业", SEI: "战略性新兴产业"}
# Difference units by indicator unit: a % indicator differs in percentage points.
DIFF_UNITS = {"%": "百分点", "百分点": "百分点"}
ADDITIVE = {"count", "loss_count", "loss_amount", "sum", "new_count"}
COUNTS = ("count", "loss_count", "new_count")  # whole numbers of enterprises


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    unit: str
    decimals: int
    formula: str
    args: tuple[str, ...]
    needs: tuple[str, ...]
    excel: str          # the Excel function's name (udfs.functions)
    definition: str

    @property
    def additive(self) -> bool:
        return self.formula in ADDITIVE


@lru_cache(maxsize=1)
def indicators() -> tuple[Indicator, ...]:
    with resources.files("xltools.data").joinpath("indicators.csv").open(encoding="utf-8") as fh:
        return tuple(Indicator(r["id"], r["name"], r["unit"], int(r["decimals"]), r["formula"],
                               tuple(a for a in r["args"].split("|") if a),
                               tuple(a for a in r["needs"].split("|") if a), r["excel"], r["definition"])
                     for r in csv.DictReader(fh))


def indicator(key: str) -> Indicator:
    """By id or Chinese name."""
    for ind in indicators():
        if key in (ind.id, ind.name):
            return ind
    raise KeyError(key)


@dataclass
class ScopeSums:
    scope: str
    label: str
    enterprises: int
    loss_enterprises: int
    loss_amount: float  # 千元, positive
    sums: dict[str, float]  # column key -> Σ in 千元 (persons for employees)
    # Per-enterprise aggregates of the structure indicators (structure.py): structure.SUM_LABELS' keys,
    # and `top`, the largest positive revenues, largest first.
    structure: dict[str, float] = field(default_factory=dict)
    top: list[float] = field(default_factory=list)

    def get(self, key: str) -> float:
        return self.sums.get(key, 0.0)


@dataclass
class Result:
    scope: str
    scope_label: str
    indicator: str
    name: str
    unit: str
    value: float | int | None
    display: str
    decimals: int

    def as_dict(self) -> dict:
        return {"scope": self.scope, "scope_label": self.scope_label, "indicator": self.indicator,
                "name": self.name, "unit": self.unit, "value": self.value, "display": self.display}


@dataclass
class Derived:
    """A difference against a reference scope, or a share of another scope."""

    value: float | None
    unit: str
    decimals: int

    @property
    def display(self) -> str:
        return display(self.value, self.decimals)


@dataclass
class Results:
    source: str
    period: object
    classification: str | None
    warnings: list[str]
    scopes: list[ScopeSums]
    results: list[Result]
    computed: tuple[Indicator, ...]  # the indicators present (inputs available)
    has_boy: dict[str, bool] = field(default_factory=dict)  # averages of (年初 + 期末) / 2 or 期末 only
    # Enterprises by (category, county): the finest groups the scopes are unions of (county None
    # unless by county). Disclosure control needs them to see what subtraction could reveal.
    groups: dict[tuple[str | None, str | None], int] = field(default_factory=dict)
    # Per group: the largest enterprises of each additive magnitude (absolute values, largest first)
    # and the magnitude's total of absolute values — what the dominance rule needs (dominance.py).
    largest: dict[tuple[str | None, str | None], dict[str, list[float]]] = field(default_factory=dict)
    magnitude: dict[tuple[str | None, str | None], dict[str, float]] = field(default_factory=dict)
    # Enterprises without any 上年同期 figure, by scope (only scopes that have some).
    new: dict[str, "NewEnterprises"] = field(default_factory=dict)
    _index: dict = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self._index = {(r.scope, r.indicator): r for r in self.results}

    def get(self, scope: str, indicator_id: str) -> Result:
        return self._index[(scope, indicator_id)]

    def value(self, scope: str, indicator_id: str) -> float | None:
        return self._index[(scope, indicator_id)].value

    def scope_ids(self) -> list[str]:
        return [s.scope for s in self.scopes]

    def sums_of(self, scope: str) -> ScopeSums:
        return next(s for s in self.scopes if s.scope == scope)

    def diff(self, indicator_id: str, scope: str, reference: str) -> Derived:
        """scope − reference: 百分点 for % indicators, the indicator's own unit otherwise."""
        ind = indicator(indicator_id)
        a, b = self.value(scope, ind.id), self.value(reference, ind.id)
        value = None if a is None or b is None else a - b
        return Derived(value, DIFF_UNITS.get(ind.unit, ind.unit), ind.decimals)

    def share(self, indicator_id: str, scope: str, of: str = SEI) -> Derived:
        """scope's part of `of` for an additive indicator, in %; null when `of` is not positive.

        A share of all industry that the registry defines (value_added_share…) is that
        indicator, so every output prints the same figure.
        """
        ind = indicator(indicator_id)
        registered = share_indicator(ind) if of == ALL else None
        if registered is not None and (scope, registered.id) in self._index:
            return Derived(self.value(scope, registered.id), "%", registered.decimals)
        a, b = self.value(scope, ind.id), self.value(of, ind.id)
        value = None if a is None or b is None or b <= 0 else a / b * 100
        return Derived(value, "%", 1)

    def pull(self, indicator_id: str, scope: str, of: str = SEI) -> Derived:
        """拉动 (百分点): the scope's increase of an additive indicator over `of`'s last-year figure × 100."""
        return self._increase("pull", indicator_id, scope, of)

    def contribution(self, indicator_id: str, scope: str, of: str = SEI) -> Derived:
        """贡献率 (%): the scope's increase over `of`'s increase × 100; null when `of` did not increase."""
        return self._increase("contribution", indicator_id, scope, of)

    def _increase(self, kind: str, indicator_id: str, scope: str, of: str) -> Derived:
        ind = indicator(indicator_id)
        registered = related_indicator(ind, kind)
        unit = "百分点" if kind == "pull" else "%"
        if of == ALL and registered is not None and (scope, registered.id) in self._index:
            return Derived(self.value(scope, registered.id), registered.unit, registered.decimals)
        key = ind.args[0]
        s, o = self.sums_of(scope), self.sums_of(of)
        base = o.get(f"{key}_ly") if kind == "pull" else o.get(f"{key}_cur") - o.get(f"{key}_ly")
        value = None if s.enterprises == 0 or base <= 0 else (s.get(f"{key}_cur") - s.get(f"{key}_ly")) / base * 100
        return Derived(value, unit, 1)

    def to_json(self) -> dict:
        return {"source": self.source, "period": self.period.as_dict(), "classification": self.classification,
                "warnings": self.warnings, "results": [r.as_dict() for r in self.results]}


@dataclass
class NewEnterprises:
    """Enterprises of a scope that report no 上年同期 figure: on the comparable basis their last year
    is 0, so they raise every growth rate; `growth` holds each rate with them and without them."""

    count: int
    revenue_share: float | None                      # % of the scope's revenue this period
    growth: dict[str, tuple[float | None, float | None]]  # indicator id -> (with, without)


def related_indicator(ind: Indicator, formula: str) -> Indicator | None:
    """The registry's indicator of a formula kind (growth, share_all, pull…) over an additive indicator's column."""
    return next((i for i in indicators() if i.formula == formula and ind.formula == "sum"
                 and i.args == ind.args), None)


def share_indicator(ind: Indicator) -> Indicator | None:
    """The registry's share-of-all-industry indicator of an additive indicator, if any."""
    return related_indicator(ind, "share_all")


# ---------------------------------------------------------------- sums

def carried(x: float) -> float:
    """A sum as a workbook carries it: 16 significant digits (what xlsxwriter writes).

    Every face computes from these same doubles, so a figure recalculated by Excel
    or LibreOffice from the sums sheet is the engine's figure to the last bit.
    """
    return float(f"{x:.16g}")


def _category_codes(column: pa.Array, names: list[str]) -> np.ndarray:
    """Each enterprise's category as its index in `names`; len(names) for none (or not one of them)."""
    codes = pc.index_in(column, value_set=pa.array(names, pa.string()))
    return pc.fill_null(codes, len(names)).to_numpy(zero_copy_only=False).astype(np.int64)


def _county_codes(column: pa.Array) -> tuple[np.ndarray, list[str]]:
    """Each enterprise's county as its index in the sorted county names (未分县区, the blank ones, last: it is a
    remainder, not a county); len(names) for a missing one."""
    from .reader import UNKNOWN_COUNTY

    names = sorted((v for v in pc.unique(column).to_pylist() if v is not None), key=lambda v: (v == UNKNOWN_COUNTY, v))
    codes = pc.index_in(column, value_set=pa.array(names, pa.string()))
    return pc.fill_null(codes, len(names)).to_numpy(zero_copy_only=False).astype(np.int64), names


class _Groups:
    """Every enterprise in one group: (category or none) × (county or none when by county).

    The scopes are unions of groups, so every column is summed once per group — exactly,
    with math.fsum over the group's rows in any order — and a scope's sum is the exact sum
    of its groups' sums. No result depends on the order of the rows.
    """

    def __init__(self, data: BureauData, by_county: bool):
        t = data.table
        n = len(t)
        names = category_names()
        if "sei_category" in t:
            cat = _category_codes(t.text("sei_category"), names)
        else:
            cat = np.full(n, len(names), dtype=np.int64)
        self.counties: list[str] = []
        county = np.zeros(n, dtype=np.int64)
        if by_county and "county" in t:
            county, self.counties = _county_codes(t.text("county"))
        self.names = names
        self.width = len(self.counties) + 1
        gid = cat * self.width + county
        small = gid.astype(np.int16) if self.width * (len(names) + 1) < 2 ** 15 else gid  # radix sort
        self.order = np.argsort(small, kind="stable")
        ordered = gid[self.order]
        self.ids, starts = np.unique(ordered, return_index=True)
        self.index = np.searchsorted(self.ids, gid)  # each row's group as 0…len(ids)−1
        self.bounds = list(zip(starts, list(starts[1:]) + [n]))
        self.sizes = {int(g): int(b - a) for g, (a, b) in zip(self.ids, self.bounds)}

    def category_of(self, g: int) -> str | None:
        k = g // self.width
        return self.names[k] if k < len(self.names) else None

    def county_of(self, g: int) -> str | None:
        k = g % self.width
        return self.counties[k] if k < len(self.counties) else None

    def partials(self, values: np.ndarray) -> dict[int, float]:
        """Each group's exact sum. Figures in 千元 almost always have at most three decimals (whole
        元): then they are summed as integers of 元, exactly and fast; otherwise with math.fsum."""
        if not len(values):
            return {}
        off = np.multiply(values, 1000.0)
        whole = np.rint(off)
        np.abs(np.subtract(off, whole, out=off), out=off)  # in place: one temporary, not three
        if off.max() <= 1e-6 or np.all(off <= 1e-6 * np.maximum(1.0, np.abs(whole))):
            magnitude = float(np.abs(whole).sum())
            if magnitude < 2.0 ** 52:
                # Whole 元 as doubles: every partial sum is an integer below 2**53 (a factor 2 of margin for the
                # rounding of `magnitude` itself), so exact in any order.
                sums = np.bincount(self.index, weights=whole, minlength=len(self.ids))
                return {int(g): int(v) / 1000 for g, v in zip(self.ids, sums)}
            if magnitude < 2.0 ** 62:
                sums = np.add.reduceat(whole.astype(np.int64)[self.order], [a for a, _ in self.bounds])
                return {int(g): int(v) / 1000 for g, v in zip(self.ids, sums)}
        ordered = values[self.order]
        return {int(g): math.fsum(ordered[a:b]) for g, (a, b) in zip(self.ids, self.bounds)}

    def largest(self, values: np.ndarray, k: int) -> dict[int, list[float]]:
        """Each group's k largest absolute values, largest first."""
        ordered = np.abs(values[self.order])
        out = {}
        for g, (a, b) in zip(self.ids, self.bounds):
            part = ordered[a:b]
            top = np.partition(part, len(part) - k)[len(part) - k:] if len(part) > k else part
            out[int(g)] = sorted((float(x) for x in top), reverse=True)
        return out

    def scopes(self) -> list[tuple[str, str, list[int]]]:
        ids = [int(g) for g in self.ids]
        sei = [g for g in ids if self.category_of(g) is not None]
        out = [(ALL, SCOPE_LABELS[ALL], ids), (SEI, SCOPE_LABELS[SEI], sei)]
        for name in self.names:
            out.append((f"sector:{name}", name, [g for g in ids if self.category_of(g) == name]))
        for c in self.counties:
            members = [g for g in ids if self.county_of(g) == c]
            out.append((f"county:{c}", c, members))
            out.append((f"county:{c}/sei", f"{c}战略性新兴产业", [g for g in members if g in sei]))
        return out

    def counts(self) -> dict[tuple[str | None, str | None], int]:
        return {(self.category_of(g), self.county_of(g)): n for g, n in self.sizes.items()}


DOMINANCE_MAGNITUDES = ("output_value", "value_added", "revenue", "total_profit")
OVER_ALL = ("share_all", "pull", "contribution")  # formulas over the whole industry: withheld with it
LARGEST_KEPT = 5  # the dominance rule's N may be 1 to 5


def _concentration(data: BureauData, groups: _Groups):
    """Per group key: the largest enterprises of each magnitude, and its total of absolute values."""
    t = data.table
    largest: dict = {}
    totals: dict = {}
    for m in DOMINANCE_MAGNITUDES:
        if f"{m}_cur" not in t:
            continue
        values = t.numbers(f"{m}_cur")
        tops = groups.largest(values, LARGEST_KEPT)
        sums = groups.partials(np.abs(values))
        for g in tops:
            key = (groups.category_of(g), groups.county_of(g))
            largest.setdefault(key, {})[m] = tops[g]
            totals.setdefault(key, {})[m] = sums[g]
    return largest, totals


def _new_enterprises(data: BureauData, groups: _Groups, scopes: list, computed, all_sums, has_boy):
    """NewEnterprises of every scope that has some."""
    t = data.table
    if "no_last_year" not in t or not np.any(t["no_last_year"]):
        return {}
    new = np.asarray(t["no_last_year"], dtype=bool)
    growths = [i for i in computed if i.formula == "growth"]
    keys = sorted({f"{i.args[0]}_cur" for i in growths} | ({"revenue_cur"} & set(t.columns)))
    parts = {k: groups.partials(np.where(new, t.numbers(k), 0.0)) for k in keys}
    counts = groups.partials(new.astype("float64"))
    out = {}
    for s, (_, _, members) in zip(scopes, groups.scopes()):
        n = int(round(sum(counts.get(g, 0.0) for g in members)))
        if not n:
            continue
        old = ScopeSums(s.scope, s.label, s.enterprises - n, 0, 0.0, dict(s.sums))
        for k in keys:
            old.sums[k] = s.get(k) - math.fsum(parts[k].get(g, 0.0) for g in members)
        revenue = s.get("revenue_cur")
        share = None if "revenue_cur" not in keys or revenue == 0 else \
            (revenue - old.get("revenue_cur")) / revenue * 100
        out[s.scope] = NewEnterprises(n, share, {i.id: (evaluate(i, s, all_sums, data.period, has_boy),
                                                        evaluate(i, old, all_sums, data.period, has_boy))
                                                 for i in growths})
    return out


def scope_sums(data: BureauData, by_county: bool = False, groups: _Groups | None = None) -> list[ScopeSums]:
    t = data.table
    groups = groups or _Groups(data, by_county)
    keys = [c for c in t.columns if c.endswith(("_cur", "_ly", "_boy", "_lyboy"))]
    partials = {k: groups.partials(t.numbers(k)) for k in keys}
    structure = group_aggregates(t, groups, data.period.year)
    loss_n: dict[int, int] = {}
    loss_amt: dict[int, float] = {}
    if "total_profit_cur" in t:
        profit = t.numbers("total_profit_cur")
        loss = profit < 0
        loss_amt = groups.partials(np.where(loss, profit, 0.0))
        loss_n = {g: int(v) for g, v in groups.partials(loss.astype("float64")).items()}
    out = []
    for scope, label, members in groups.scopes():
        sums = {k: carried(math.fsum(p[g] for g in members)) for k, p in partials.items()}
        n = sum(groups.sizes[g] for g in members)
        losses = sum(loss_n.get(g, 0) for g in members)
        amount = carried(0.0 - math.fsum(loss_amt.get(g, 0.0) for g in members))  # never -0.0
        out.append(ScopeSums(scope, label, n, losses, amount, sums, *scope_structure(structure, members, carried)))
    return out


# ---------------------------------------------------------------- formulas

def _ratio(num: float, den: float) -> float | None:
    return None if den == 0 else num / den * 100


BALANCES = ("finished_goods", "receivables", "total_assets")
# A balance's average this period and in the same period last year: (opening + closing) / 2 when
# the opening balance is known (年初 / 上年年初), else the closing balance (期末 / 上年同期).
OPENING = {"cur": "boy", "ly": "lyboy"}


def opening_key(balance: str, per: str = "cur") -> str:
    """The key of has_boy saying whether the balance's opening is known: finished_goods, finished_goods_ly."""
    return balance if per == "cur" else f"{balance}_{per}"


def _average(s: ScopeSums, balance: str, has_boy: dict[str, bool], per: str = "cur") -> float:
    eop = s.get(f"{balance}_{per}")
    return (s.get(f"{balance}_{OPENING[per]}") + eop) / 2 if has_boy.get(opening_key(balance, per)) else eop


def _days(s: ScopeSums, a: tuple[str, ...], period, has_boy, per: str = "cur") -> float | None:
    flow = s.get(f"{a[1]}_{per}")
    return None if flow == 0 else period.days * _average(s, a[0], has_boy, per) / flow


def _per_100_assets(s: ScopeSums, a: tuple[str, ...], period, has_boy, per: str = "cur") -> float | None:
    assets = _average(s, a[1], has_boy, per)
    return None if assets == 0 else s.get(f"{a[0]}_{per}") / assets / period.months * 12 * 100


def _minus(cur: float | None, ly: float | None) -> float | None:
    return None if cur is None or ly is None else cur - ly


def evaluate(ind: Indicator, s: ScopeSums, all_sums: ScopeSums, period, has_boy: dict[str, bool]) -> float | None:
    """One indicator of one scope, unrounded; None where undefined."""
    f, a = ind.formula, ind.args
    if f == "count":
        return float(s.enterprises)
    if s.enterprises == 0:
        return None
    if f == "loss_count":
        return float(s.loss_enterprises)
    if f == "loss_ratio":
        return s.loss_enterprises / s.enterprises * 100
    if f == "loss_amount":
        return s.loss_amount / YI
    if f == "sum":
        return s.get(f"{a[0]}_cur") / YI
    if f == "growth":
        cur, ly = s.get(f"{a[0]}_cur"), s.get(f"{a[0]}_ly")
        return None if ly <= 0 else (cur - ly) / ly * 100
    if f == "ratio":
        return _ratio(s.get(f"{a[0]}_cur"), s.get(f"{a[1]}_cur"))
    if f == "ratio_ly":
        return _ratio(s.get(f"{a[0]}_ly"), s.get(f"{a[1]}_ly"))
    if f == "ratio_change":
        return _minus(_ratio(s.get(f"{a[0]}_cur"), s.get(f"{a[1]}_cur")),
                      _ratio(s.get(f"{a[0]}_ly"), s.get(f"{a[1]}_ly")))
    if f == "days":
        return _days(s, a, period, has_boy)
    if f == "days_change":
        return _minus(_days(s, a, period, has_boy), _days(s, a, period, has_boy, "ly"))
    if f == "per_100_assets":
        return _per_100_assets(s, a, period, has_boy)
    if f == "per_100_assets_change":
        return _minus(_per_100_assets(s, a, period, has_boy), _per_100_assets(s, a, period, has_boy, "ly"))
    if f == "pull":
        base = all_sums.get(f"{a[0]}_ly")
        return None if base <= 0 else (s.get(f"{a[0]}_cur") - s.get(f"{a[0]}_ly")) / base * 100
    if f == "contribution":
        increase = all_sums.get(f"{a[0]}_cur") - all_sums.get(f"{a[0]}_ly")
        return None if increase <= 0 else (s.get(f"{a[0]}_cur") - s.get(f"{a[0]}_ly")) / increase * 100
    if f == "per_employee":
        people = s.get(f"{a[1]}_cur")
        return None if people == 0 else s.get(f"{a[0]}_cur") / 10 / people / period.months * 12
    if f == "share_all":
        total = all_sums.get(f"{a[0]}_cur")
        return None if total == 0 else s.get(f"{a[0]}_cur") / total * 100
    return _structure(f, a, s)


def _structure(f: str, a: tuple[str, ...], s: ScopeSums) -> float | None:
    """The structure indicators: shares of the largest enterprises' positive revenue, the HHI of the
    revenue shares (0–10 000), the share of 中小微型 enterprises, the new enterprises and their revenue share."""
    st = s.structure
    base = st.get("revenue_positive", 0.0)
    if f == "top_share":
        return None if base <= 0 else st[f"revenue_top{a[1]}"] / base * 100
    if f == "hhi":
        return None if base <= 0 else st["revenue_squares"] / (base * base) * 10000
    if f == "sme_share":
        return st["sme"] / s.enterprises * 100
    if f == "new_count":
        return st["new"]
    if f == "new_share":
        revenue = s.get("revenue_cur")
        return None if revenue <= 0 else st["new_revenue"] / revenue * 100
    raise ValueError(f"unknown formula {f!r} of {ind.id}")


# ---------------------------------------------------------------- the same formulas in Excel
# Each indicator once more, as an Excel formula over the cells of a sheet of scope sums,
# operation for operation in the order evaluate() computes it, so that Excel, WPS and
# LibreOffice arrive at the engine's doubles. The LibreOffice recalculation test holds
# the two together for every indicator and scope.

@dataclass(frozen=True)
class ExcelExpr:
    expr: str                    # the unrounded value
    null_if: tuple[str, ...]     # conditions under which the engine gives null


class ExcelFormulas:
    """ref(scope, key) -> cell address of a sum ("enterprises", "loss_enterprises",
    "loss_amount" or a column key such as "revenue_cur"); months and days: addresses
    of the period's parameters."""

    def __init__(self, ref, months: str, days: str, has_boy: dict[str, bool]):
        self.ref, self.months, self.days, self.has_boy = ref, months, days, has_boy

    def _avg(self, scope: str, balance: str, per: str = "cur") -> str:
        eop = self.ref(scope, f"{balance}_{per}")
        if not self.has_boy.get(opening_key(balance, per)):
            return eop
        return f"(({self.ref(scope, f'{balance}_{OPENING[per]}')}+{eop})/2)"

    def _days(self, scope: str, a: tuple[str, ...], per: str = "cur") -> ExcelExpr:
        flow = self.ref(scope, f"{a[1]}_{per}")
        return ExcelExpr(f"{self.days}*{self._avg(scope, a[0], per)}/{flow}", (f"{flow}=0",))

    def _per_100_assets(self, scope: str, a: tuple[str, ...], per: str = "cur") -> ExcelExpr:
        assets = self._avg(scope, a[1], per)
        return ExcelExpr(f"{self.ref(scope, f'{a[0]}_{per}')}/{assets}/{self.months}*12*100", (f"{assets}=0",))

    @staticmethod
    def _minus(empty: tuple[str, ...], cur: ExcelExpr, ly: ExcelExpr) -> ExcelExpr:
        return ExcelExpr(f"{cur.expr}-{ly.expr}", _union(empty, cur.null_if, ly.null_if))

    def value(self, scope: str, indicator_id: str) -> ExcelExpr:
        ind = indicator(indicator_id)
        f, a = ind.formula, ind.args
        r = lambda key: self.ref(scope, key)  # noqa: E731
        n = r("enterprises")
        if f == "count":
            return ExcelExpr(n, ())
        empty = (f"{n}=0",)
        if f == "loss_count":
            return ExcelExpr(r("loss_enterprises"), empty)
        if f == "loss_ratio":
            return ExcelExpr(f"{r('loss_enterprises')}/{n}*100", empty)
        if f == "loss_amount":
            return ExcelExpr(f"{r('loss_amount')}/{YI:.0f}", empty)
        if f == "sum":
            return ExcelExpr(f"{r(a[0] + '_cur')}/{YI:.0f}", empty)
        if f == "growth":
            cur, ly = r(f"{a[0]}_cur"), r(f"{a[0]}_ly")
            return ExcelExpr(f"({cur}-{ly})/{ly}*100", empty + (f"{ly}<=0",))
        if f in ("ratio", "ratio_ly"):
            per = "_cur" if f == "ratio" else "_ly"
            num, den = r(a[0] + per), r(a[1] + per)
            return ExcelExpr(f"{num}/{den}*100", empty + (f"{den}=0",))
        if f == "ratio_change":
            n1, d1, n2, d2 = r(a[0] + "_cur"), r(a[1] + "_cur"), r(a[0] + "_ly"), r(a[1] + "_ly")
            return ExcelExpr(f"{n1}/{d1}*100-{n2}/{d2}*100", empty + (f"{d1}=0", f"{d2}=0"))
        if f == "days":
            d = self._days(scope, a)
            return ExcelExpr(d.expr, empty + d.null_if)
        if f == "days_change":
            return self._minus(empty, self._days(scope, a), self._days(scope, a, "ly"))
        if f == "per_100_assets":
            p = self._per_100_assets(scope, a)
            return ExcelExpr(p.expr, empty + p.null_if)
        if f == "per_100_assets_change":
            return self._minus(empty, self._per_100_assets(scope, a), self._per_100_assets(scope, a, "ly"))
        if f == "pull":
            base = self.ref(ALL, f"{a[0]}_ly")
            return ExcelExpr(f"({r(a[0] + '_cur')}-{r(a[0] + '_ly')})/{base}*100", empty + (f"{base}<=0",))
        if f == "contribution":
            increase = f"({self.ref(ALL, a[0] + '_cur')}-{self.ref(ALL, a[0] + '_ly')})"
            return ExcelExpr(f"({r(a[0] + '_cur')}-{r(a[0] + '_ly')})/{increase}*100",
                             empty + (f"{increase}<=0",))
        if f == "per_employee":
            people = r(f"{a[1]}_cur")
            return ExcelExpr(f"{r(a[0] + '_cur')}/10/{people}/{self.months}*12", empty + (f"{people}=0",))
        if f == "share_all":
            total = self.ref(ALL, f"{a[0]}_cur")
            return ExcelExpr(f"{r(a[0] + '_cur')}/{total}*100", empty + (f"{total}=0",))
        base = r("revenue_positive")
        if f == "top_share":
            return ExcelExpr(f"{r('revenue_top' + a[1])}/{base}*100", empty + (f"{base}<=0",))
        if f == "hhi":
            return ExcelExpr(f"{r('revenue_squares')}/({base}*{base})*10000", empty + (f"{base}<=0",))
        if f == "sme_share":
            return ExcelExpr(f"{r('sme')}/{n}*100", empty)
        if f == "new_count":
            return ExcelExpr(r("new"), empty)
        if f == "new_share":
            revenue = r("revenue_cur")
            return ExcelExpr(f"{r('new_revenue')}/{revenue}*100", empty + (f"{revenue}<=0",))
        raise ValueError(f"unknown formula {f!r} of {ind.id}")

    def diff(self, indicator_id: str, scope: str, reference: str) -> ExcelExpr:
        """Results.diff in Excel."""
        a, b = self.value(scope, indicator_id), self.value(reference, indicator_id)
        return ExcelExpr(f"({a.expr})-({b.expr})", _union(a.null_if, b.null_if))

    def share(self, indicator_id: str, scope: str, of: str = SEI) -> ExcelExpr:
        """Results.share in Excel."""
        registered = share_indicator(indicator(indicator_id)) if of == ALL else None
        if registered is not None:
            return self.value(scope, registered.id)
        a, b = self.value(scope, indicator_id), self.value(of, indicator_id)
        return ExcelExpr(f"({a.expr})/({b.expr})*100", _union(a.null_if, b.null_if, (f"({b.expr})<=0",)))

    def pull(self, indicator_id: str, scope: str, of: str = SEI) -> ExcelExpr:
        """Results.pull in Excel."""
        return self._increase("pull", indicator_id, scope, of)

    def contribution(self, indicator_id: str, scope: str, of: str = SEI) -> ExcelExpr:
        """Results.contribution in Excel."""
        return self._increase("contribution", indicator_id, scope, of)

    def _increase(self, kind: str, indicator_id: str, scope: str, of: str) -> ExcelExpr:
        ind = indicator(indicator_id)
        registered = related_indicator(ind, kind)
        if of == ALL and registered is not None:
            return self.value(scope, registered.id)
        key = ind.args[0]
        r, o = (lambda k: self.ref(scope, k)), (lambda k: self.ref(of, k))  # noqa: E731
        base = o(f"{key}_ly") if kind == "pull" else f"({o(key + '_cur')}-{o(key + '_ly')})"
        return ExcelExpr(f"({r(key + '_cur')}-{r(key + '_ly')})/{base}*100",
                         (f"{r('enterprises')}=0", f"{base}<=0"))

    @staticmethod
    def cell(e: ExcelExpr, decimals: int) -> str:
        """The formula of a published cell: rounded as displayed, `—` where the engine gives null."""
        rounded = f"ROUND({e.expr},{decimals})"
        if not e.null_if:
            return "=" + rounded
        cond = e.null_if[0] if len(e.null_if) == 1 else f"OR({','.join(e.null_if)})"
        return f'=IF({cond},"{NULL_DISPLAY}",{rounded})'


def _union(*groups: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for g in groups for c in g))


# ---------------------------------------------------------------- compute

def compute(data: BureauData, *, by_county: bool = False, warnings: list[str] | None = None) -> Results:
    """Every indicator whose inputs are present, for every scope."""
    warnings = list(warnings or [])
    present = set(data.table.columns)
    computed = []
    from .columns import column_specs

    specs = column_specs()
    # One warning per missing input column, naming every indicator it takes away.
    missing: dict[str, list[str]] = {}
    for ind in indicators():
        lacking = [k for k in ind.needs if k not in present]
        if lacking:
            missing.setdefault(lacking[0], []).append(ind.name)
        else:
            computed.append(ind)
    for key, names in missing.items():
        warnings.append(f"缺少{column_label(key, specs)}列，未计算：{'、'.join(names)}")
    has_boy = {b: f"{b}_boy" in present for b in BALANCES}
    has_boy.update({opening_key(b, "ly"): f"{b}_lyboy" in present for b in BALANCES})
    warnings += _average_notes(computed, has_boy, present, specs)
    if data.period.calendar_days:
        warnings.append(f"天数按日历天数计算（{data.period.days} 天），不是国家统计局的每月30天口径")
    groups = _Groups(data, by_county)
    scopes = scope_sums(data, by_county, groups)
    all_sums = scopes[0]
    results = []
    for s in scopes:
        for ind in computed:
            value = evaluate(ind, s, all_sums, data.period, has_boy)
            if value is not None and not math.isfinite(value):
                value = None
            if value is not None and ind.formula in COUNTS:
                value = int(value)
            results.append(Result(s.scope, s.label, ind.id, ind.name, ind.unit, value,
                                  display(value, ind.decimals), ind.decimals))
    largest, magnitude = _concentration(data, groups)
    new = _new_enterprises(data, groups, scopes, computed, all_sums, has_boy)
    return Results(data.source, data.period, data.classification, warnings, scopes, results, tuple(computed),
                   has_boy, groups.counts(), largest, magnitude, new)


def _average_notes(computed, has_boy: dict[str, bool], present: set[str], specs) -> list[str]:
    """How the averages of balances were taken, this period and (for the changes) last year."""
    out = []

    def names(balances):
        return "、".join(column_label(f"{b}_cur", specs).replace("(本期)", "") for b in balances)

    if any(ind.formula in ("days", "per_100_assets") for ind in computed):
        with_boy = [b for b in BALANCES if has_boy[b]]
        without = [b for b in BALANCES if not has_boy[b] and f"{b}_cur" in present]
        if without:
            out.append("平均余额按期末数计算（文件中没有年初数；可用 --opening 提供上年1-12月数据）：" + names(without))
        if with_boy:
            out.append("平均余额按（年初数 + 期末数）÷ 2 计算：" + names(with_boy))
    if any(ind.formula in ("days_change", "per_100_assets_change") for ind in computed):
        used = [b for b in BALANCES if f"{b}_ly" in present]
        with_boy = [b for b in used if has_boy[opening_key(b, "ly")]]
        without = [b for b in used if not has_boy[opening_key(b, "ly")]]
        if without:
            out.append("同比变化中上年的平均余额按上年同期数计算（文件中没有上年年初数）：" + names(without))
        if with_boy:
            out.append("同比变化中上年的平均余额按（上年年初数 + 上年同期数）÷ 2 计算：" + names(with_boy))
    return out


def column_label(key: str, specs=None) -> str:
    """revenue_ly -> 营业收入(上年同期)."""
    if specs is None:
        from .columns import column_specs

        specs = column_specs()
    if key in specs:  # a column without periods: enterprise_size, opening_year
        return specs[key].label
    cid, _, per = key.rpartition("_")
    spec = specs.get(cid)
    label = spec.label if spec else key
    return label + {"cur": "(本期)", "ly": "(上年同期)", "boy": "(年初)", "lyboy": "(上年年初)"}.get(per, "")


def apply_opening(data: BureauData, opening: BureauData) -> str:
    """Last December's end-of-year balances become this year's 年初, matched on ent_id."""
    t, o = data.table, opening.table
    if "ent_id" not in t or "ent_id" not in o:
        from .errors import InputError, Issue

        raise InputError(Issue("--opening 需要两份数据都有统一社会信用代码列，按代码匹配企业", file=opening.source))
    used = []
    matched = 0
    ids, opening_ids = t.text("ent_id"), o.text("ent_id")
    # The first row of each code in the opening export (a code twice there: its first figures).
    where = pc.index_in(ids, value_set=opening_ids, skip_nulls=True)
    found = pc.is_valid(where).to_numpy(zero_copy_only=False)
    rows = pc.fill_null(where, 0).to_numpy(zero_copy_only=False)
    own = []
    for b in ("finished_goods", "receivables", "total_assets"):
        if f"{b}_cur" in t and f"{b}_cur" in o:
            matched = int(found.sum())
            # An enterprise not in last December's export keeps the 年初 this file gives it; without that column,
            # its own closing balance stands in (an enterprise new this year has no opening balance).
            if f"{b}_boy" in t:
                own.append(b)
            rest = t.numbers(f"{b}_boy") if f"{b}_boy" in t else t.numbers(f"{b}_cur")
            t[f"{b}_boy"] = np.where(found, o.numbers(f"{b}_cur")[rows], rest)
            used.append(b)
    unmatched = len(t) - matched
    if not unmatched:
        rest_words = ""
    elif own:
        rest_words = f"；未匹配的 {unmatched} 家企业用本文件自己的年初数（本文件的年初数只用于它们）"
    else:
        rest_words = f"；未匹配的 {unmatched} 家企业以期末数代替"
    return (f"年初余额取自 {opening.source}（{opening.period.label}期末数），按统一社会信用代码匹配 {matched} 家企业"
            + rest_words)
