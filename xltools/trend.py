"""`xltools trend`: a year of cumulative exports (1–N月) as one series, period by period.

Each export is read and computed exactly as `indicators` does (xltools.load, xltools.compute).
Two consecutive periods give the 当月 figures of the flows: for the enterprises present in both
exports (matched on 统一社会信用代码, else on 单位详细名称), this cumulative figure minus the previous
one, and last year's cumulative minus last year's previous cumulative. The month's indicators are
then the registry's own (sum, growth) computed by the same engine over a table of those
differences, so a month's growth is the growth formula over the month's sums and nothing is
computed twice.

Why over the matched enterprises: an enterprise that enters 规上 in June brings its whole 1–6月
cumulative into June; the difference of all-enterprise totals would call that June's output.

Disclosure (disclosure.py): each period's plan as the summary's, and a scope withheld in any
period is withheld in the whole series. A month's figures are withheld besides by the month's own
plan (the matched enterprises, the dominance rule on the month's figures) and by one more plan
counting the enterprises that entered, left or changed category or county: a scope's month
figure beside its two published cumulative figures gives, by subtraction, the figures of exactly
those enterprises, so they must be none or at least `threshold`.
"""
from __future__ import annotations

import dataclasses
import itertools
import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .disclosure import Disclosure, plan
from .errors import InputError, Issue
from .indicators import Results
from .summary import Options

OUTPUT_STEM = "战新产业趋势"
FLOWS = ("output_value", "value_added", "revenue", "operating_cost", "total_profit")
MONTH_FORMULAS = ("count", "sum", "growth")
MATCH_KEYS = (("ent_id", "统一社会信用代码"), ("ent_name", "单位详细名称"))


@dataclass
class Changes:
    """Enterprises between two consecutive exports."""

    matched: int
    entered: int
    left: int
    moved: int            # in both, but in another category or county
    key: str              # the column they were matched on (its Chinese label)

    def as_dict(self) -> dict:
        return {"matched": self.matched, "entered": self.entered, "left": self.left, "moved": self.moved,
                "matched_on": self.key}


@dataclass
class Point:
    """One period of the series."""

    path: str
    results: Results
    info: object                                  # tables.SourceInfo
    disclosure: Disclosure                        # this period's own plan
    frame: pd.DataFrame | None = None             # key, category, county and the flows; dropped once used
    key: str | None = None                        # the column the enterprises are matched on
    keys: np.ndarray | None = None                # its values, row by row of `frame`
    blank_keys: list[int] = field(default_factory=list)  # Excel rows of enterprises without one (the first few)
    month: Results | None = None                  # 当月 results (absent for the first period)
    month_disclosure: Disclosure | None = None
    churn_disclosure: Disclosure | None = None
    changes: Changes | None = None
    month_published: Disclosure | None = None     # what the month figures withhold (series_disclosure)
    month_note: str | None = None                 # why a month has no figures

    @property
    def period(self):
        return self.results.period

    @property
    def label(self) -> str:
        return self.results.period.label


@dataclass
class Series:
    points: list[Point]
    disclosure: Disclosure                        # the series' plan: every period's withholding, united
    warnings: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        first, last = self.points[0].period, self.points[-1].period
        return first.label if len(self.points) == 1 else f"{first.label}至{last.start_month}-{last.end_month}月"


# ---------------------------------------------------------------- reading

def read_point(path: str, options: Options, opening=None) -> Point:
    """Read and compute one export, as `indicators` does; keep what the month figures need."""
    from .summary import load_and_compute
    from .tables import SourceInfo

    data, results = load_and_compute(path, options, opening)
    disclosure = plan(results, enabled=options.suppress, threshold=options.threshold, dominance=options.dominance)
    key = next((k for k, _ in MATCH_KEYS if k in data.frame.columns), None)
    keep = [c for c in ("sei_category", "county") if c in data.frame.columns] + \
        [f"{f}_{per}" for f in FLOWS for per in ("cur", "ly") if f"{f}_{per}" in data.frame.columns]
    frame = data.frame[keep].copy()
    for label in ("sei_category", "county"):  # twelve national exports are kept at once: small codes, not texts
        if label in frame.columns:
            frame[label] = frame[label].astype("category")
    keys, blank = None, []
    if key is not None:
        texts = data.frame[key].astype(object).where(data.frame[key].notna(), "").astype(str).str.strip()
        keys = texts.to_numpy(dtype=object)
        blank = data.frame.loc[(texts == "").to_numpy(), "row"].tolist()[:5]
    return Point(path, results, SourceInfo.of(data), disclosure, frame, key, keys, blank)


def read_one(path: str, options: Options, opening):
    """A Point, or the InputError of the file (summary.prepare_all's worker)."""
    try:
        return read_point(path, options, opening)
    except InputError as exc:
        return exc


def read_all(paths: list[str], options: Options, opening=None, *, jobs: int = 1, tick=lambda: None) -> list[Point]:
    """Every export (`jobs` processes in parallel, as summary reads), then the checks of the series;
    one InputError naming every bad file."""
    from .summary import prepare_all

    outcomes = prepare_all(paths, options, opening, jobs=jobs, tick=tick, worker=read_one)
    issues = [issue for outcome in outcomes if isinstance(outcome, InputError) for issue in outcome.issues]
    if issues:
        raise InputError(issues)
    return order(outcomes)


def _name(point: Point) -> str:
    return os.path.basename(point.path)


def order(points: list[Point]) -> list[Point]:
    """The points in time order; a file not cumulative from 1月, two years, two files of one period
    or a missing month between the first and the last period is an input error naming the files."""
    issues = []
    for p in points:
        if p.period.start_month != 1:
            issues.append(Issue(f"报告期为 {p.label}，不是从1月起的累计数据：趋势需要各月的1-N月累计数据"
                                "（文件标题或文件名中的报告期有误时可改正后重试）", file=_name(p)))
    years = sorted({p.period.year for p in points})
    if len(years) > 1:
        by_year = "；".join(f"{y}年：" + "、".join(_name(p) for p in points if p.period.year == y) for y in years)
        issues.append(Issue(f"数据属于不同年份（{by_year}）：一个趋势只能是同一年的各期累计数据"))
    if issues:
        raise InputError(issues)
    points = sorted(points, key=lambda p: p.period.end_month)
    for a, b in itertools.pairwise(points):
        if a.period.end_month == b.period.end_month:
            issues.append(Issue(f"{_name(a)} 与 {_name(b)} 的报告期都是 {a.label}：每个报告期只能有一份数据"))
        elif b.period.end_month - a.period.end_month > 1:
            missing = "、".join(f"1-{m}月" for m in range(a.period.end_month + 1, b.period.end_month))
            issues.append(Issue(f"{_name(a)}（{a.label}）与 {_name(b)}（{b.label}）之间缺少 {missing} 的数据："
                                "趋势的各期应逐月相连，请补上缺少的月份"))
    if issues:
        raise InputError(issues)
    return points


# ---------------------------------------------------------------- the month figures

def _groups_of(frame: pd.DataFrame, by_county: bool) -> pd.Series:
    """Each enterprise's group (category, and county when the scopes are by county) as one text."""
    def text(column):
        if column not in frame.columns:
            return pd.Series("", index=frame.index)
        return frame[column].astype(object).where(frame[column].notna(), "").astype(str)

    return text("sei_category") + ("\t" + text("county") if by_county else "")


def _table(frame: pd.DataFrame, like, period, source: str):
    """A BureauData over an enterprise table made here (month differences, or the churned enterprises)."""
    from .frame import Table
    from .reader import BureauData

    return BureauData(Table.from_pandas(frame.reset_index(drop=True)), source, like.path, "", period, "trend", {}, {}, {}, [],
                      like.results.classification, [])


def _positions(prev: Point, cur: Point, label: str) -> np.ndarray:
    """For each enterprise of `cur`, its row in `prev`, or −1 when it was not there (matched by hash table)."""
    for point in (prev, cur):
        if point.blank_keys:
            raise InputError(Issue(f"企业没有{label}，无法与另一期的数据逐家对应计算当月数（第"
                                   + "、".join(str(r) for r in point.blank_keys) + "行等）", file=_name(point)))
        index = pd.Index(point.keys)
        if not index.is_unique:
            first = index[index.duplicated()][0]
            raise InputError(Issue(f"{label}“{first}”出现不止一次，无法逐家计算当月数", file=_name(point)))
    return pd.Index(prev.keys).get_indexer(cur.keys)


def month_figures(prev: Point, cur: Point, options: Options) -> None:
    """The 当月 results of `cur` over the enterprises present in both exports, and their disclosure."""
    from .periods import Period

    if prev.key is None or prev.key != cur.key:
        cur.month_note = (f"{_name(prev)} 与 {_name(cur)} 没有共同的统一社会信用代码或单位详细名称列，无法逐家对应，"
                          "未计算当月数")
        return
    label = dict(MATCH_KEYS)[cur.key]
    a, b = prev.frame, cur.frame
    pos = _positions(prev, cur, label)
    both = pos >= 0
    earlier = pos[both]                       # rows of `a` in the order of b's matched rows
    labels = [c for c in ("sei_category", "county") if c in b.columns]
    month = b.loc[both, labels].reset_index(drop=True)
    for f in FLOWS:
        for per in ("cur", "ly"):
            col = f"{f}_{per}"
            if col in a.columns and col in b.columns:
                month[col] = b[col].to_numpy()[both] - a[col].to_numpy()[earlier]
    period = Period(cur.period.year, cur.period.end_month, cur.period.end_month, cur.period.calendar_days)
    full = compute_month(_table(month, cur, period, cur.results.source), options)
    cur.month = full
    cur.month_disclosure = plan(full, enabled=options.suppress, threshold=options.threshold,
                                dominance=options.dominance)
    # Who entered, left or moved: their figures are what subtraction across the two periods reveals.
    stayed = np.zeros(len(a), dtype=bool)
    stayed[earlier] = True
    moved = _groups_of(b, options.by_county).to_numpy()[both] != _groups_of(a, options.by_county).to_numpy()[earlier]
    gone = ~stayed
    gone[earlier[moved]] = True               # a mover leaves its old group …
    came = ~both
    came[np.flatnonzero(both)[moved]] = True  # … and enters its new one
    churn = pd.concat([a.loc[gone, labels], b.loc[came, labels]])
    counted = _counted(_table(churn, cur, period, cur.results.source), options)
    # A scope counts the enterprises whose figures the subtraction leaves in it: one that moved between two
    # groups of the same scope cancels there (+ its 1-(N−1)月 figure in the new group, − in the old one).
    contributors = _contributors(_group_keys(a.loc[~stayed], options), _group_keys(b.loc[~both], options),
                                 list(zip(_group_keys(a.iloc[earlier[moved]], options),
                                          _group_keys(b.loc[both].iloc[np.flatnonzero(moved)], options))),
                                 counted.scope_ids())
    for scope in counted.scopes:
        scope.enterprises = contributors[scope.scope]
    cur.churn_disclosure = plan(counted, enabled=options.suppress, threshold=options.threshold)
    cur.changes = Changes(int(both.sum()), int((~both).sum()), int((~stayed).sum()), int(moved.sum()), label)


def _group_keys(frame: pd.DataFrame, options: Options) -> list[tuple]:
    """Each enterprise's (category, county) as disclosure counts groups: None outside the categories, and
    for the county when the scopes are not by county."""
    from .sei import category_names

    names = set(category_names())
    cats = frame["sei_category"].tolist() if "sei_category" in frame.columns else [None] * len(frame)
    counties = frame["county"].tolist() if options.by_county and "county" in frame.columns else [None] * len(frame)
    return [(c if c in names else None, k if isinstance(k, str) else None) for c, k in zip(cats, counties)]


def _contributors(left: list[tuple], entered: list[tuple], moved: list[tuple], scopes: list[str]) -> dict[str, int]:
    """Per scope: the enterprises that left or entered it, and those that moved into or out of it (not within)."""
    from collections import Counter

    from .disclosure import _members

    singles, pairs = Counter(left + entered), Counter(moved)
    return {scope: sum(n for g, n in singles.items() if _members(scope, g))
            + sum(n for (old, new), n in pairs.items() if _members(scope, old) != _members(scope, new))
            for scope in scopes}


def compute_month(data, options: Options) -> Results:
    """The registry's counts, sums and growth rates of the flows over a table of month differences."""
    from .indicators import compute

    full = compute(data, by_county=options.by_county)
    kept = tuple(i for i in full.computed if i.formula in MONTH_FORMULAS and (i.formula == "count" or i.args[0] in FLOWS))
    ids = {i.id for i in kept}
    return dataclasses.replace(full, results=[r for r in full.results if r.indicator in ids], computed=kept,
                               warnings=[], new={})


def _counted(data, options: Options) -> Results:
    """Scopes and groups of a table of enterprises with no figures: what disclosure.plan counts."""
    from .indicators import _Groups, scope_sums

    groups = _Groups(data, options.by_county)
    return Results(data.source, data.period, None, [], scope_sums(data, options.by_county, groups), [], (),
                   groups=groups.counts())


def build_series(points: list[Point], options: Options) -> Series:
    """Month figures between consecutive points, then the series' disclosure plan."""
    for prev, cur in itertools.pairwise(points):
        month_figures(prev, cur, options)
        prev.frame = prev.keys = None  # the enterprise table is no longer needed: free it before the next pair
    points[-1].frame = points[-1].keys = None
    return Series(points, series_disclosure(points))


def series_disclosure(points: list[Point]) -> Disclosure:
    """A scope withheld in any period is withheld in every period (cumulative and month figures alike).
    A month's figures are withheld besides where the month's own plan or the plan of the enterprises
    that entered, left or moved says so: those concern that month's figures only, since the
    cumulative figures alone reveal nothing about who entered."""
    series = united([p.disclosure for p in points])
    for p in points:
        if p.month is not None:
            p.month_published = united([series, p.month_disclosure, p.churn_disclosure])
    return series


def united(plans: list[Disclosure]) -> Disclosure:
    """One plan withholding whatever any of `plans` withholds (withholding more never reveals more)."""
    first = plans[0]
    return Disclosure(first.enabled, first.threshold, withheld=set().union(*(d.withheld for d in plans)),
                      primary=set().union(*(d.primary for d in plans)), rule=first.rule,
                      dominated=set().union(*(d.dominated for d in plans)),
                      loss_withheld=set().union(*(d.loss_withheld for d in plans)),
                      # the structure figures withheld on their own (top-1 share always): dropped, they leaked
                      figures={k: set().union(*(d.figures.get(k, set()) for d in plans))
                               for k in {k for d in plans for k in d.figures}})


def run(paths: list[str], options: Options, opening=None, *, jobs: int = 1, tick=lambda: None) -> Series:
    """Read every export, order them, compute the month figures and the series' disclosure."""
    return build_series(read_all(paths, options, opening, jobs=jobs, tick=tick), options)


# ---------------------------------------------------------------- JSON

def to_json(series: Series, keep_values: bool = False) -> list[dict]:
    """One `indicators --format json` object per period, in time order, plus `month_results` and
    `month_changes` where the previous period is there to subtract."""
    from .render import indicators_document, marked

    out = []
    for p in series.points:
        doc = indicators_document(p.results, series.disclosure, keep_values)
        if p.month is not None:
            doc["month_results"] = marked(p.month, p.month_published, keep_values)
            doc["month_changes"] = p.changes.as_dict()
        elif p.month_note:
            doc["warnings"] = doc["warnings"] + [p.month_note]
        out.append(doc)
    return out


def json_text(series: Series, keep_values: bool = False) -> str:
    import json

    return json.dumps(to_json(series, keep_values), ensure_ascii=False, indent=2, allow_nan=False)


def write(path: str, series: Series, fmt: str, inputs: list[str], *, paper: str = "A4",
          keep_values: bool = False) -> str:
    """The series as the trend workbook (fmt xlsx) or its JSON (fmt json) at `path`, atomically, never over
    an input; returns `path`."""
    from .output import atomic_path, refuse_overwriting_inputs

    if fmt == "xlsx":
        from .trend_sheets import write as write_workbook

        write_workbook(path, series, inputs, paper)
        return path
    refuse_overwriting_inputs([path], inputs)
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8") as fh:
        fh.write(json_text(series, keep_values) + "\n")
    return path


def summary_line(series: Series, fmt: str) -> str:
    """What was written, in a few words: the periods and what disclosure withheld."""
    periods = f"{len(series.points)} 期：" + "、".join(p.label for p in series.points)
    if not series.disclosure.enabled:
        return periods + "；未做数据保密处理，不得对外公布"
    withheld = len(series.disclosure.withheld)
    where = "见“说明”表" if fmt == "xlsx" else "其记录标为 withheld"
    return periods + (f"；按数据保密规定各期均不公布 {withheld} 个范围，{where}" if withheld else "")


def default_name(series: Series) -> str:
    return f"{OUTPUT_STEM}_{series.label}.xlsx"

