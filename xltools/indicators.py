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

from .reader import BureauData
from .rounding import display
from .sei import category_names

YI = 100_000.0  # 千元 per 亿元
ALL, SEI = "all", "sei"
SCOPE_LABELS = {ALL: "全市规模以上工业", SEI: "战略性新兴产业"}
# Difference units by indicator unit: a % indicator differs in percentage points.
DIFF_UNITS = {"%": "百分点", "百分点": "百分点"}
ADDITIVE = {"count", "loss_count", "loss_amount", "sum"}


@dataclass(frozen=True)
class Indicator:
    id: str
    name: str
    unit: str
    decimals: int
    formula: str
    args: tuple[str, ...]
    needs: tuple[str, ...]
    definition: str

    @property
    def additive(self) -> bool:
        return self.formula in ADDITIVE


@lru_cache(maxsize=1)
def indicators() -> tuple[Indicator, ...]:
    with resources.files("xltools.data").joinpath("indicators.csv").open(encoding="utf-8") as fh:
        return tuple(Indicator(r["id"], r["name"], r["unit"], int(r["decimals"]), r["formula"],
                               tuple(a for a in r["args"].split("|") if a),
                               tuple(a for a in r["needs"].split("|") if a), r["definition"])
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
        """scope's part of `of` for an additive indicator, in %; null when `of` is not positive."""
        ind = indicator(indicator_id)
        a, b = self.value(scope, ind.id), self.value(of, ind.id)
        value = None if a is None or b is None or b <= 0 else a / b * 100
        return Derived(value, "%", 1)

    def to_json(self) -> dict:
        return {"source": self.source, "period": self.period.as_dict(), "classification": self.classification,
                "warnings": self.warnings, "results": [r.as_dict() for r in self.results]}


# ---------------------------------------------------------------- sums

def _scopes(data: BureauData, by_county: bool) -> list[tuple[str, str, np.ndarray]]:
    f = data.frame
    n = len(f)
    cats = f["sei_category"].to_numpy(dtype=object, na_value=None) if "sei_category" in f.columns \
        else np.full(n, None, dtype=object)
    is_sei = np.array([c is not None for c in cats], dtype=bool)
    out = [(ALL, SCOPE_LABELS[ALL], np.ones(n, dtype=bool)), (SEI, SCOPE_LABELS[SEI], is_sei)]
    for name in category_names():
        out.append((f"sector:{name}", name, cats == name))
    if by_county:
        counties = f["county"].to_numpy(dtype=object, na_value=None) if "county" in f.columns else None
        if counties is not None:
            names = sorted({c for c in counties if c is not None})
            for c in names:
                mask = counties == c
                out.append((f"county:{c}", c, mask))
                out.append((f"county:{c}/sei", f"{c}战略性新兴产业", mask & is_sei))
    return out


def scope_sums(data: BureauData, by_county: bool = False) -> list[ScopeSums]:
    f = data.frame
    keys = [c for c in f.columns if c.endswith(("_cur", "_ly", "_boy"))]
    arrays = {k: f[k].to_numpy(dtype="float64") for k in keys}
    profit = arrays.get("total_profit_cur")
    out = []
    for scope, label, mask in _scopes(data, by_county):
        sums = {k: math.fsum(a[mask]) for k, a in arrays.items()}
        if profit is not None:
            p = profit[mask]
            loss = p < 0
            loss_n, loss_amt = int(loss.sum()), -math.fsum(p[loss])
        else:
            loss_n, loss_amt = 0, 0.0
        out.append(ScopeSums(scope, label, int(mask.sum()), loss_n, loss_amt, sums))
    return out


# ---------------------------------------------------------------- formulas

def _ratio(num: float, den: float) -> float | None:
    return None if den == 0 else num / den * 100


def _average(s: ScopeSums, balance: str, has_boy: bool) -> float:
    eop = s.get(f"{balance}_cur")
    return (s.get(f"{balance}_boy") + eop) / 2 if has_boy else eop


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
        cur = _ratio(s.get(f"{a[0]}_cur"), s.get(f"{a[1]}_cur"))
        ly = _ratio(s.get(f"{a[0]}_ly"), s.get(f"{a[1]}_ly"))
        return None if cur is None or ly is None else cur - ly
    if f == "days":
        flow = s.get(f"{a[1]}_cur")
        return None if flow == 0 else period.days * _average(s, a[0], has_boy[a[0]]) / flow
    if f == "per_100_assets":
        assets = _average(s, a[1], has_boy[a[1]])
        return None if assets == 0 else s.get(f"{a[0]}_cur") / assets / period.months * 12 * 100
    if f == "per_employee":
        people = s.get(f"{a[1]}_cur")
        return None if people == 0 else s.get(f"{a[0]}_cur") / 10 / people / period.months * 12
    if f == "share_all":
        total = all_sums.get(f"{a[0]}_cur")
        return None if total == 0 else s.get(f"{a[0]}_cur") / total * 100
    raise ValueError(f"unknown formula {f!r} of {ind.id}")


# ---------------------------------------------------------------- compute

def compute(data: BureauData, *, by_county: bool = False, warnings: list[str] | None = None) -> Results:
    """Every indicator whose inputs are present, for every scope."""
    warnings = list(warnings or [])
    present = set(data.frame.columns)
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
        warnings.append(f"缺少{_column_name(key, specs)}列，未计算：{'、'.join(names)}")
    has_boy = {b: f"{b}_boy" in present for b in ("finished_goods", "receivables", "total_assets")}
    averaged = [ind.name for ind in computed if ind.formula in ("days", "per_100_assets")]
    if averaged:
        with_boy = [b for b, v in has_boy.items() if v]
        without = [b for b, v in has_boy.items() if not v and f"{b}_cur" in present]
        if without:
            warnings.append("平均余额按期末数计算（文件中没有年初数；可用 --opening 提供上年1-12月数据）："
                            + "、".join(_column_name(f"{b}_cur", specs).replace("(本期)", "") for b in without))
        if with_boy:
            warnings.append("平均余额按（年初数 + 期末数）÷ 2 计算："
                            + "、".join(_column_name(f"{b}_cur", specs).replace("(本期)", "") for b in with_boy))
    if data.period.calendar_days:
        warnings.append(f"天数按日历天数计算（{data.period.days} 天），不是国家统计局的每月30天口径")
    scopes = scope_sums(data, by_county)
    all_sums = scopes[0]
    results = []
    for s in scopes:
        for ind in computed:
            value = evaluate(ind, s, all_sums, data.period, has_boy)
            if value is not None and not math.isfinite(value):
                value = None
            if value is not None and ind.formula in ("count", "loss_count"):
                value = int(value)
            results.append(Result(s.scope, s.label, ind.id, ind.name, ind.unit, value,
                                  display(value, ind.decimals), ind.decimals))
    return Results(data.source, data.period, data.classification, warnings, scopes, results, tuple(computed))


def _column_name(key: str, specs) -> str:
    cid, _, per = key.rpartition("_")
    spec = specs.get(cid)
    label = spec.label if spec else key
    return label + {"cur": "(本期)", "ly": "(上年同期)", "boy": "(年初)"}.get(per, "")


def apply_opening(data: BureauData, opening: BureauData) -> str:
    """Last December's end-of-year balances become this year's 年初, matched on ent_id."""
    f, o = data.frame, opening.frame
    if "ent_id" not in f.columns or "ent_id" not in o.columns:
        from .errors import InputError, Issue

        raise InputError(Issue("--opening 需要两份数据都有统一社会信用代码列，按代码匹配企业", file=opening.source))
    used = []
    matched = 0
    for b in ("finished_goods", "receivables", "total_assets"):
        if f"{b}_cur" in f.columns and f"{b}_cur" in o.columns:
            mapping = o.drop_duplicates("ent_id").set_index("ent_id")[f"{b}_cur"]
            boy = f["ent_id"].map(mapping)
            matched = int(boy.notna().sum())
            # An enterprise new this year has no opening balance: its own closing balance stands in.
            f[f"{b}_boy"] = boy.fillna(f[f"{b}_cur"]).astype("float64")
            used.append(b)
    return (f"年初余额取自 {opening.source}（{opening.period.label}期末数），按统一社会信用代码匹配 {matched} 家企业；"
            f"未匹配的企业以期末数代替")
