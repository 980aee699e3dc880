"""`xltools summary`: the standardised sector summary workbook of one or several exports.

read → compute → disclosure plan → table descriptions → xlsxwriter, one sheet set per
period. Inputs are read first, all of them, so that a bad input is reported before
anything is written; each output is written to a temporary file and renamed.
"""
from __future__ import annotations

import os
from dataclasses import dataclass

from .disclosure import DEFAULT_THRESHOLD, plan
from .errors import InputError, Issue
from .output import atomic_path, refuse_overwriting_inputs
from .tables import SheetSet, SourceInfo, sheet_set

OUTPUT_STEM = "战新产业汇总表"


@dataclass
class Options:
    period: str | None = None
    sheet: str | None = None
    sei_list: str | None = None
    sei_map: str | None = None
    by_county: bool = False
    calendar_days: bool = False
    suppress: bool = True
    threshold: int = DEFAULT_THRESHOLD
    dominance: object = None        # dominance.Rule: withhold dominated scopes too
    va_growth: str | None = None    # official comparable-price value-added growth (official.py)


@dataclass
class Prepared:
    path: str
    results: object
    disclosure: object
    info: SourceInfo
    official: object = None

    @property
    def label(self) -> str:
        return self.results.period.label


def load_and_compute(path: str, options: Options, opening=None):
    """Read one export and compute every indicator with the reader's options: (BureauData, Results).
    The one place the commands that take many exports (summary, trend) read each of them."""
    import xltools

    data = xltools.load(path, sheet=options.sheet, period=options.period, sei_list=options.sei_list,
                        calendar_days=options.calendar_days)
    return data, xltools.compute(data, by_county=options.by_county, sei_map=options.sei_map, opening=opening)


def prepare(path: str, options: Options, opening=None) -> Prepared:
    """Read and compute one export; raises InputError for bad input."""
    data, results = load_and_compute(path, options, opening)
    if options.by_county and not data.has("county"):
        results.warnings.append("数据中没有县(区)列，未生成表3")
    disclosure = plan(results, enabled=options.suppress, threshold=options.threshold, dominance=options.dominance)
    official = None
    if options.va_growth:
        from .official import load as load_official

        official = load_official(options.va_growth)
    return Prepared(path, results, disclosure, SourceInfo.of(data), official)


def _prepare_one(path: str, options: Options, opening):
    try:
        return prepare(path, options, opening)
    except InputError as exc:
        return exc


def prepare_all(paths: list[str], options: Options, opening=None, *, jobs: int = 1, tick=lambda: None,
                worker=_prepare_one) -> list:
    """Prepared or InputError for each path, in input order; `jobs` processes read in parallel
    (each export is parsed and computed in its own process; only the scope sums come back).
    worker(path, options, opening): a module-level function returning a result or an InputError
    (trend.read_one keeps a few columns of each enterprise besides)."""
    jobs = max(1, min(jobs, len(paths)))
    if jobs == 1:
        out = []
        for path in paths:
            out.append(worker(path, options, opening))
            tick()
        return out
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    out: list = [None] * len(paths)
    # "spawn" everywhere: what Windows and macOS do anyway, so the path tested here is the one users run
    # (and no fork of a process that holds threads).
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(worker, path, options, opening): i for i, path in enumerate(paths)}
        for future in as_completed(futures):
            out[futures[future]] = future.result()
            tick()
    return out


def build(prepared: list[Prepared], *, prefixed: bool) -> list[SheetSet]:
    return [sheet_set(p.results, p.disclosure, p.info, prefix=p.label if prefixed else "", official=p.official)
            for p in prepared]


def write(path: str, sets: list[SheetSet], inputs: list[str], paper: str = "A4") -> None:
    """All sheet sets into one workbook at `path`, atomically; printed on `paper` (A4 or A3)."""
    from .xlsx import write_workbook

    refuse_overwriting_inputs([path], inputs)
    tables = [t for s in sets for t in s.tables]
    title = "战略性新兴产业主要经济指标 " + "、".join(s.period_label for s in sets)
    with atomic_path(path) as tmp:
        write_workbook(tmp, tables, title=title, paper=paper)


def default_name(labels: list[str]) -> str:
    if len(labels) == 1:
        return f"{OUTPUT_STEM}_{labels[0]}.xlsx"
    return f"{OUTPUT_STEM}_{labels[0]}至{labels[-1]}.xlsx"


def duplicate_period(prepared: list[Prepared], new: Prepared) -> InputError | None:
    for p in prepared:
        if p.label == new.label:
            return InputError(Issue(f"报告期 {new.label} 与 {os.path.basename(p.path)} 相同，"
                                    "同一工作簿中每个报告期只能有一份数据（可用 --split 分别写出）",
                                    file=os.path.basename(new.path)))
    return None
