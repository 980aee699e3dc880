"""Indicator results as JSON, CSV or a Chinese table for the terminal. Formatting only."""
from __future__ import annotations

import csv
import io
import json
import unicodedata

from .disclosure import Disclosure
from .indicators import ALL, OVER_ALL, SEI, Results
from .notes import publication_notes
from .rounding import WITHHELD_DISPLAY

_CLASSIFICATION = {"column": "数据中的类别列", "list": "企业名录", "industry-code": "行业代码估算"}


# The CSV is read by people (Excel, WPS): Chinese column names. The JSON keeps the English keys of its contract.
CSV_COLUMNS = ["范围代码", "范围", "指标代码", "指标", "计量单位", "数值", "显示值", "不公布"]


def marked(results: Results, disclosure: Disclosure | None, keep_values: bool) -> list[dict]:
    """Each result as a dict with `withheld`; a withheld figure keeps its value only when asked to
    (--no-suppress), else its value is null and its display `…`."""
    out = []
    over_all = {i.id for i in results.computed if i.formula in OVER_ALL}
    for r in results.results:
        d = r.as_dict()
        d["withheld"] = disclosure is not None and (disclosure.is_figure_withheld(r.scope, r.indicator) or (
            r.indicator in over_all and disclosure.is_withheld(ALL)))
        if d["withheld"] and not keep_values:
            d["value"], d["display"] = None, WITHHELD_DISPLAY
        out.append(d)
    return out


def render_indicators(results: Results, fmt: str, disclosure: Disclosure | None = None,
                      keep_values: bool = False) -> str:
    if fmt == "json":
        return json.dumps(indicators_document(results, disclosure, keep_values), ensure_ascii=False, indent=2,
                          allow_nan=False)
    rows = marked(results, disclosure, keep_values)
    # The terminal table may name options; a JSON or CSV file may be passed on: no options there.
    notes = publication_notes(results, disclosure, options=fmt == "table")
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(CSV_COLUMNS)
        for d in rows:
            w.writerow([d["scope"], d["scope_label"], d["indicator"], d["name"], d["unit"],
                        "" if d["value"] is None else repr(d["value"]), d["display"], "是" if d["withheld"] else "否"])
        return buf.getvalue()
    return table(results, disclosure, keep_values, notes)


def indicators_document(results: Results, disclosure: Disclosure | None, keep_values: bool = False) -> dict:
    """The `indicators --format json` object (docs/json.md)."""
    doc = results.to_json()
    doc["results"] = marked(results, disclosure, keep_values)
    doc["notes"] = publication_notes(results, disclosure, options=False) + \
        ([disclosure.note(_labels(results))] if disclosure is not None else [])
    return doc


def _labels(results: Results) -> dict[str, str]:
    return {s.scope: s.label for s in results.scopes}


def write_indicators(path: str, results: Results, fmt: str, inputs: list[str], disclosure: Disclosure | None = None,
                     keep_values: bool = False) -> str:
    """The results as a .csv (UTF-8 with a BOM, so that Excel on a Chinese Windows opens it by a
    double-click; CRLF lines) or .json file, atomically, never over an input."""
    from .output import atomic_path, refuse_overwriting_inputs

    refuse_overwriting_inputs([path], inputs)
    text = render_indicators(results, fmt, disclosure, keep_values)
    with atomic_path(path) as tmp:
        with open(tmp, "w", encoding="utf-8-sig" if fmt == "csv" else "utf-8",
                  newline="\r\n" if fmt == "csv" else None) as fh:
            fh.write(text if fmt == "csv" else text + "\n")
    return path


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - _width(text))
    return gap + text if right else text + gap


def _grid(header: list[str], rows: list[list[str]], right_from: int = 1) -> list[str]:
    widths = [max(_width(r[i]) for r in [header, *rows]) for i in range(len(header))]
    line = lambda r: "  ".join(_pad(c, w, i >= right_from) for i, (c, w) in enumerate(zip(r, widths)))  # noqa: E731
    return [line(header), "  ".join("-" * w for w in widths), *map(line, rows)]


NO_DIFFERENCE = ("share_all", "pull", "contribution")  # parts of all industry: a difference means nothing
_SHARE_NAMES = {"value_added": "增加值", "output_value": "总产值", "revenue": "营业收入"}


def size_indicator(results: Results) -> str:
    """What a category's weight in SEI is measured by: value added, else output, else revenue
    (the one column every export has)."""
    computed = {c.id for c in results.computed}
    return next(i for i in ("value_added", "output_value", "revenue") if i in computed)


def table(results: Results, disclosure: Disclosure | None = None, keep_values: bool = False,
          notes: list[str] = ()) -> str:
    p = results.period
    hidden = disclosure.is_withheld if disclosure is not None else (lambda scope: False)

    def shown(scope: str, text: str, iid: str = "") -> str:
        if not hidden(scope) and not (iid and disclosure is not None and disclosure.is_figure_withheld(scope, iid)):
            return text
        return f"{text}*" if keep_values else WITHHELD_DISPLAY

    out = [f"{results.source}  {p.label}  战新产业划分：{_CLASSIFICATION.get(results.classification, '无')}", ""]
    rows = []
    for ind in results.computed:
        d = results.diff(ind.id, SEI, ALL)
        diff = "" if ind.additive or ind.formula in NO_DIFFERENCE else d.display
        if diff:  # a difference of a withheld figure is withheld too
            held = next((x for x in (SEI, ALL) if shown(x, "", ind.id) != ""), None)
            diff = shown(held, diff, ind.id) if held else diff
        rows.append([ind.name, ind.unit, shown(ALL, results.get(ALL, ind.id).display, ind.id),
                     shown(SEI, results.get(SEI, ind.id).display, ind.id), f"{diff} {d.unit}".strip() if diff else ""])
    out += _grid(["指标", "单位", "全市规上工业", "战略性新兴产业", "战新 − 全市"], rows, right_from=2)
    key = [i for i in ("enterprises", "output_value", "output_value_growth", "value_added", "revenue",
                       "total_profit", "total_profit_growth", "profit_margin") if any(c.id == i for c in results.computed)]
    names = {c.id: c.name for c in results.computed}
    size = size_indicator(results)
    sectors = [s for s in results.scopes if s.scope.startswith("sector:")]
    srows = []
    for s in sectors:
        row = [s.label] + [shown(s.scope, results.get(s.scope, i).display, i) for i in key]
        share = results.share(size, s.scope, SEI)
        srows.append(row + [shown(s.scope if hidden(s.scope) else SEI, share.display)])
    share_name = f"{_SHARE_NAMES[size]}占战新比重%"
    out += ["", "分领域："] + _grid(["领域"] + [names[i] for i in key] + [share_name], srows)
    counties = [s for s in results.scopes if s.scope.startswith("county:")]
    if counties:
        crow = [[s.label] + [shown(s.scope, results.get(s.scope, i).display, i) for i in key] for s in counties]
        out += ["", "分县区："] + _grid(["县区"] + [names[i] for i in key], crow)
    if results.warnings:
        out += ["", "说明："] + [f"  {w}" for w in results.warnings]
    if notes:
        out += ["", "提示："] + [f"  {n}" for n in notes]
    note = disclosure.note(_labels(results)) if disclosure is not None else None
    if note:
        out += ["", "数据保密：", "  " + note + ("“*”标记的数按规定不公布，这里显示（--no-suppress）仅供内部使用。"
                                               if keep_values else "加 --no-suppress 可显示其数值（仅供内部使用）。")]
    return "\n".join(out)
