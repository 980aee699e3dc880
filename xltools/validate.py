"""Plausibility checks on a read enterprise table: warnings, not errors."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .reader import BureauData

# Industry divisions of 采矿业, 制造业 and 电力、热力、燃气及水生产和供应业 (GB/T 4754-2017): 06-46.
INDUSTRIAL_DIVISIONS = set(range(6, 47))


@dataclass
class Finding:
    title: str
    rows: list[int]  # Excel rows
    names: list[str]
    count: int

    def render(self, limit: int = 5) -> str:
        shown = "；".join(f"第{r}行 {n}" for r, n in zip(self.rows[:limit], self.names[:limit]))
        more = f" 等 {self.count} 家" if self.count > limit else ""
        return f"{self.title}：{self.count} 家（{shown}{more}）" if shown else f"{self.title}：{self.count} 家"


def _names(frame: pd.DataFrame) -> pd.Series:
    if "ent_name" in frame.columns:
        return frame["ent_name"].fillna(frame.get("ent_id", "")).astype(str)
    return frame["ent_id"].astype(str)


def _finding(frame, mask, title) -> Finding | None:
    mask = np.asarray(mask, dtype=bool)
    count = int(mask.sum())
    if not count:
        return None
    sub = frame[mask]
    return Finding(title, sub["row"].tolist(), _names(sub).tolist(), count)


def plausibility(data: BureauData) -> list[Finding]:
    f = data.frame
    out: list[Finding | None] = []

    def both(a, b):
        return a in f.columns and b in f.columns

    if both("operating_cost_cur", "revenue_cur"):
        out.append(_finding(f, f["operating_cost_cur"] > f["revenue_cur"], "营业成本高于营业收入"))
    if both("total_liabilities_cur", "total_assets_cur"):
        out.append(_finding(f, f["total_liabilities_cur"] > f["total_assets_cur"], "负债合计高于资产总计"))
    if "total_assets_cur" in f.columns:
        out.append(_finding(f, f["total_assets_cur"] < 0, "资产总计为负数"))
    if "revenue_cur" in f.columns:
        out.append(_finding(f, f["revenue_cur"] < 0, "营业收入为负数"))
    if "ent_id" in f.columns:
        ids = f["ent_id"]
        out.append(_finding(f, ids.notna() & ids.duplicated(keep=False), "统一社会信用代码重复"))
    if both("revenue_cur", "revenue_ly") and data.blanks.get("revenue_ly") is not None:
        out.append(_finding(f, (f["revenue_cur"] != 0) & (f["revenue_ly"] == 0),
                            "有本期营业收入而无上年同期数（新入库企业？增速按可比口径计入0）"))
    if "industry_code" in f.columns:
        codes = f["industry_code"]
        fmt_ok = codes.fillna("").str.fullmatch(r"\d{4}")
        division = pd.to_numeric(codes.where(fmt_ok).str[:2], errors="coerce")
        out.append(_finding(f, codes.notna() & ~fmt_ok, "行业代码不是4位国民经济行业小类代码"))
        out.append(_finding(f, fmt_ok & ~division.isin(list(INDUSTRIAL_DIVISIONS)),
                            "行业代码不属于工业（采矿业、制造业、电力热力燃气及水生产和供应业：06-46大类）"))
        out.append(_finding(f, codes.isna(), "缺少行业代码"))
    return [x for x in out if x is not None]
