"""The nine categories of 战略性新兴产业分类(2018) and what users write for them."""
from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from importlib import resources

BLANKS = {"", "-", "—", "--", "——", "－", "nan", "none"}


@lru_cache(maxsize=1)
def categories() -> list[tuple[str, str]]:
    """[(code, name)] in the classification's order."""
    with resources.files("xltools.data").joinpath("sei_categories.csv").open(encoding="utf-8") as fh:
        return [(r["code"], r["name"]) for r in csv.DictReader(fh)]


def category_names() -> list[str]:
    return [name for _, name in categories()]


def _key(text: str) -> str:
    s = unicodedata.normalize("NFKC", text)
    return re.sub(r"\s+", "", s)


@lru_cache(maxsize=1)
def _lookup() -> dict[str, str]:
    table: dict[str, str] = {}
    for code, name in categories():
        table[code] = name
        table[f"{code}.0"] = name
        table[name] = name
        for suffix in ("产业", "业"):
            if name.endswith(suffix):
                table[name[: -len(suffix)]] = name
                break
    # Second-level names of the 2018 classification map to their domain.
    with resources.files("xltools.data").joinpath("sei2018_structure.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    top = {r["sei_code"]: r["sei_name"] for r in rows if r["level"] == "1"}
    for r in rows:
        if r["level"] == "2":
            table.setdefault(_key(r["sei_name"]), top[r["parent_code"]])
            table.setdefault(r["sei_code"], top[r["parent_code"]])
    return {_key(k): v for k, v in table.items()}


class UnknownCategory(ValueError):
    pass


def normalise_category(value: object) -> str | None:
    """Canonical category name, None for blank (not SEI); UnknownCategory for anything else."""
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        value = f"{value:g}"
    text = _key(str(value))
    if text.lower() in BLANKS:
        return None
    found = _lookup().get(text)
    if found is None:
        raise UnknownCategory(text)
    return found
