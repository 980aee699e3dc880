"""Which enterprises are strategic emerging, when the export does not say.

In order: the export's own category column; an enterprise list (--sei-list, applied
by the reader); else the industry-code correspondence table shipped in
data/sei_industry_map.csv, or a user's own (--sei-map). The shipped table is an
estimate: the official correspondence marks many industries as only partly
strategic emerging (*), and every output says when it was used.
"""
from __future__ import annotations

import csv
import io
import os
import re

import pyarrow as pa
import pyarrow.compute as pc

from .errors import InputError, Issue
from .reader import BureauData, _industry_codes
from .sei import UnknownCategory, normalise_category
from .values import clean_text


def load_map(path: str | None = None) -> tuple[dict[str, str], set[str], str]:
    """{industry_code: category}, the partial codes, and the table's name."""
    if path is None:
        from importlib import resources

        text = resources.files("xltools.data").joinpath("sei_industry_map.csv").read_text(encoding="utf-8")
        name = "随包附带的行业代码对照表"
    else:
        path = os.fspath(path)
        name = os.path.basename(path)
        try:
            with open(path, "rb") as fh:
                blob = fh.read()
        except OSError as exc:
            raise InputError(Issue(f"无法读取对照表：{exc.strerror}", file=name)) from None
        try:
            text = blob.decode("utf-8-sig")
        except UnicodeDecodeError:  # saved by Chinese Excel or WPS
            try:
                text = blob.decode("gb18030")
            except UnicodeDecodeError:
                raise InputError(Issue("对照表不是 UTF-8 或 GBK 编码的 CSV 文件", file=name)) from None
    mapping: dict[str, str] = {}
    partial: set[str] = set()
    lines: dict[str, int] = {}
    reader = csv.DictReader(io.StringIO(text))
    fields = set(reader.fieldnames or [])
    if not {"industry_code", "sei_category"} <= fields:
        raise InputError(Issue("对照表需要 industry_code 和 sei_category 两列（可选 partial 列，部分属于时填 *）",
                               file=name))
    issues = []
    rows = list(reader)
    # The map's codes read exactly as the export's are (C3985, 3985.0, a lost leading 0), then checked as classes.
    codes = _industry_codes(clean_text(pa.array([r.get("industry_code") or "" for r in rows], pa.string()))).to_pylist()
    for line, row, code in zip(range(2, len(rows) + 2), rows, codes):
        raw = (row.get("industry_code") or "").strip()
        code = code if code is not None and re.fullmatch(r"\d{4}", code) else None
        try:
            cat = normalise_category(row.get("sei_category"))
        except UnknownCategory:
            issues.append(Issue("不是战略性新兴产业类别", file=name, row=line, column="sei_category",
                                value=row.get("sei_category"), has_value=True))
            continue
        if raw and code is None:
            issues.append(Issue("不是国民经济行业小类代码（应为4位数字，如 3985 或 C3985）", file=name, row=line,
                                column="industry_code", value=raw, has_value=True))
            continue
        if code and cat:
            if code in mapping and mapping[code] != cat:
                issues.append(Issue(f"行业代码 {code} 在第{lines[code]}行已对应{mapping[code]}，这里又对应{cat}",
                                    file=name, row=line, column="industry_code", value=raw, has_value=True))
                continue
            mapping[code], lines[code] = cat, lines.get(code, line)
            if (row.get("partial") or "").strip():
                partial.add(code)
    if issues:
        raise InputError(issues)
    return mapping, partial, name


def classify(data: BureauData, sei_map: str | None = None) -> list[str]:
    """Make sure the enterprise table has sei_category; return the warnings to show."""
    if data.classification in ("column", "list"):
        if sei_map is not None:
            return ["数据已有战新产业类别（类别列或企业名录），未使用 --sei-map 对照表"]
        return []
    table = data.table
    if "industry_code" not in table:
        # A published total, or an export without codes: all industry is still computed.
        table["sei_category"] = pa.nulls(len(table), pa.string())
        return ["数据中没有战新产业类别列和行业代码列，无法划分战略性新兴产业：只计算全市规上工业；"
                "如需战新产业指标，请用 --sei-list 提供战新企业名录"]
    mapping, partial, name = load_map(sei_map)
    codes = table.text("industry_code")
    keys = [k for k, v in mapping.items() if v is not None]
    where = pc.index_in(codes, value_set=pa.array(keys, pa.string()))
    table["sei_category"] = pc.take(pa.array([mapping[k] for k in keys], pa.string()), where)
    data.classification = "industry-code"
    matched = int(pc.is_valid(where).to_numpy(zero_copy_only=False).sum())
    ambiguous = int(pc.is_in(codes, value_set=pa.array(sorted(partial), pa.string())).to_numpy(
        zero_copy_only=False).sum())
    warnings = [f"战新产业按行业代码估算（{name}）：{matched} 家企业归入战新产业"
                + (f"，其中 {ambiguous} 家所属行业只有部分属于战新产业（对照表标 *），已全部计入，结果偏大" if ambiguous else "")
                + "；正式口径请用 --sei-list 提供战新企业名录"]
    return warnings
