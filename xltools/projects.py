"""The project tracker's figures, and the same figures as Excel formulas.

As indicators.py is for the enterprise figures, this is the one place of the projects'
arithmetic: completion rates, time progress at a date, the deviation between them and its
red/amber/green flag, roll-ups by level, state and category, industrial investment growth
and share. Money is taken in 亿元 (万元 / 10 000) before any ratio, exactly as the tracker
carries it in its cells, so that a workbook recalculating the formulas arrives at the same
numbers; ratios are rounded for display only, and differences come from unrounded values.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .ledger import Ledger, Project

WAN_PER_YI = 10000.0
DEFAULT_AMBER, DEFAULT_RED = 10.0, 20.0   # 进度偏差 below −10 百分点: amber; below −20: red
FLAGS = {"red": "红", "amber": "黄", "green": "绿"}


def yi(wan: float | None) -> float | None:
    return None if wan is None else wan / WAN_PER_YI


def rate(part: float | None, whole: float | None) -> float | None:
    """part / whole × 100; null when whole is missing or not positive."""
    if part is None or whole is None or whole <= 0:
        return None
    return part / whole * 100


def time_progress(start: dt.date | None, end: dt.date | None, as_of: dt.date) -> float | None:
    """Share of the planned construction period elapsed at `as_of`, in %: 0 before the start,
    100 after the planned end; null without both dates or with an end not after the start."""
    if start is None or end is None or end <= start:
        return None
    share = (as_of - start).days / (end - start).days
    return max(0, min(1, share)) * 100


def deviation(completion: float | None, progress: float | None) -> float | None:
    return None if completion is None or progress is None else completion - progress


def flag(shown_deviation: float | None, amber: float = DEFAULT_AMBER, red: float = DEFAULT_RED) -> str:
    """On the deviation as displayed (1 decimal): below −red red, below −amber amber, else green."""
    if shown_deviation is None:
        return ""
    if shown_deviation < -red:
        return FLAGS["red"]
    if shown_deviation < -amber:
        return FLAGS["amber"]
    return FLAGS["green"]


def growth(cur: float | None, ly: float | None) -> float | None:
    if cur is None or ly is None or ly <= 0:
        return None
    return (cur / ly - 1) * 100


@dataclass
class ProjectFigures:
    total: float | None     # 亿元; None when the ledger leaves it blank
    done_total: float | None
    plan_year: float | None
    done_year: float | None
    completion: float | None
    annual: float | None
    progress: float | None
    deviation: float | None
    flag: str


def figures(p: Project, as_of: dt.date, amber: float = DEFAULT_AMBER, red: float = DEFAULT_RED) -> ProjectFigures:
    from .rounding import rounded

    total, done = yi(p.total), yi(p.done_total)
    completion = rate(done, total)
    progress = time_progress(p.start, p.planned_end, as_of)
    dev = deviation(completion, progress)
    return ProjectFigures(total, done, yi(p.plan_year), yi(p.done_year), completion,
                          rate(yi(p.done_year), yi(p.plan_year)), progress, dev, flag(rounded(dev, 1), amber, red))


def state_counts(ledger: Ledger, index: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for s in ledger.subprojects:
        if s.project == index:
            counts[s.state or "未填"] = counts.get(s.state or "未填", 0) + 1
    return counts


def stated_or_growth(totals: dict, kind: str) -> float | None:
    """The growth of fai_all or fai_industry: as the ledger states it (checked on reading to agree with
    the two amounts to its rounding), else computed from them."""
    if totals.get(f"{kind}_growth") is not None:
        return totals[f"{kind}_growth"]
    return growth(yi(totals.get(f"{kind}_cur")), yi(totals.get(f"{kind}_ly")))


def industrial_investment(ledger: Ledger) -> dict[str, float | None]:
    t = ledger.totals or {}
    cur, all_cur = yi(t.get("fai_industry_cur")), yi(t.get("fai_all_cur"))
    return {"growth": stated_or_growth(t, "fai_industry"), "share": rate(cur, all_cur)}


# ---------------------------------------------------------------- the same in Excel
# Cell addresses in; formulas out, operation for operation as above. The LibreOffice
# recalculation test of the tracker holds the two together.

def xl_rate(part: str, whole: str, decimals: int = 1) -> str:
    return f'=IF(OR({whole}="",{part}="",N({whole})<=0),"—",ROUND({part}/{whole}*100,{decimals}))'


def _xl_progress(start: str, end: str, as_of: str) -> str:
    return f"MAX(0,MIN(1,({as_of}-{start})/({end}-{start})))*100"


def _no_progress(start: str, end: str) -> str:
    return f'OR({start}="",{end}="",N({end})<=N({start}))'


def xl_time_progress(start: str, end: str, as_of: str) -> str:
    return f'=IF({_no_progress(start, end)},"—",ROUND({_xl_progress(start, end, as_of)},1))'


def xl_deviation(done: str, total: str, start: str, end: str, as_of: str) -> str:
    return (f'=IF(OR({_no_progress(start, end)},{total}="",{done}="",N({total})<=0),"—",'
            f"ROUND(({done}/{total}*100)-({_xl_progress(start, end, as_of)}),1))")


def xl_flag(dev: str, amber: str, red: str) -> str:
    return (f'=IF(ISNUMBER({dev}),IF({dev}<-{red},"{FLAGS["red"]}",IF({dev}<-{amber},"{FLAGS["amber"]}",'
            f'"{FLAGS["green"]}")),"")')


def xl_growth(cur: str, ly: str) -> str:
    return f'=IF(OR({ly}="",{cur}="",N({ly})<=0),"—",ROUND(({cur}/{ly}-1)*100,1))'
