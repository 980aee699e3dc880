"""Reporting periods: `2022`, `2022-10`, `2022年1-10月`, found in options, titles or file names."""
from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass

_DASH = r"[-—–~～至到]"
# 2022年1-10月, 2022年1—10月, 2022年10月, 2022年1至10月
_YEAR_MONTHS = re.compile(rf"((?:19|20)\d\d)\s*年\s*(?:(\d{{1,2}})\s*{_DASH}+\s*)?(\d{{1,2}})\s*月")
_YEAR_ONLY = re.compile(r"((?:19|20)\d\d)\s*年(?:度)?")
_OPTION = re.compile(r"^\s*((?:19|20)\d\d)(?:\s*[-./]\s*(\d{1,2}))?\s*$")


@dataclass(frozen=True)
class Period:
    """A cumulative period of one year, e.g. 2022年1-10月."""

    year: int
    start_month: int
    end_month: int
    calendar_days: bool = False  # NBS counts 30 days a month; a setting may switch

    def __post_init__(self):
        if not (1 <= self.start_month <= self.end_month <= 12):
            raise ValueError(f"月份范围无效：{self.start_month}-{self.end_month}月")

    @property
    def months(self) -> int:
        return self.end_month - self.start_month + 1

    @property
    def days(self) -> int:
        if self.calendar_days:
            return sum(calendar.monthrange(self.year, m)[1]
                       for m in range(self.start_month, self.end_month + 1))
        return 30 * self.months

    @property
    def label(self) -> str:
        if self.start_month == self.end_month:
            return f"{self.year}年{self.end_month}月"
        return f"{self.year}年{self.start_month}-{self.end_month}月"

    def as_dict(self) -> dict:
        return {"label": self.label, "year": self.year, "start_month": self.start_month,
                "end_month": self.end_month, "months": self.months, "days": self.days}


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", str(text))


def contradiction(title: Period, text: str) -> Period | None:
    """The period a file name names when it contradicts the title's: another year, or (when the name
    names months) other months. A name that names no period, or the same one, contradicts nothing."""
    named = find_period(text)
    if named is None:
        return None
    months = bool(_YEAR_MONTHS.search(_normal(text)))
    if named.year != title.year or (months and (named.start_month, named.end_month)
                                    != (title.start_month, title.end_month)):
        return named
    return None


def parse_period(text: str) -> Period:
    """Parse what a user types for --period; ValueError (Chinese) when it is not a period."""
    s = _normal(text).strip()
    m = _OPTION.match(s)
    if m:
        year, end = int(m.group(1)), m.group(2)
        return Period(year, 1, int(end) if end else 12)
    found = find_period(s)
    if found is None:
        raise ValueError(f"无法识别的报告期 {text!r}，可写作 2022、2022-10 或 2022年1-10月")
    return found


def find_period(text: str) -> Period | None:
    """The first period named in a title or file name, or None."""
    s = _normal(text)
    m = _YEAR_MONTHS.search(s)
    if m:
        year, start, end = int(m.group(1)), m.group(2), int(m.group(3))
        start_m = int(start) if start else 1
        if 1 <= start_m <= end <= 12:
            return Period(year, start_m, end)
    m = _YEAR_ONLY.search(s)
    if m:
        return Period(int(m.group(1)), 1, 12)
    return None
