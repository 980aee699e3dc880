"""Row roles: every row under the header is an enterprise, or says what else it is and why.

A row is counted as an enterprise only when it has proven it is one: an identifier that looks like
one (a code of letters and digits, or a name of at least two characters that is not a label), and no
sign of being something else. The other roles, each listed by `xltools validate`:

- total:     a label that says so — 合计, 小计, 总计, 其中…, 镍都区合计;
- sum:       a row equal, in every number column, to the sum of a run of two or more rows directly
             above or below it (a total or subtotal without a label);
- header:    the header repeated inside the data (a page break in a printed export);
- numbers:   a 栏次 row (甲乙丙丁…, A B C…, or 1, 2, 3… running across the columns);
- note:      注：…, 说明：…, 数据来源：…, or a sentence alone in a row with no figures;
- heading:   a label with no code and no figure (一、镍都区, 以下为新入库企业);
- empty:     nothing in it.

A row that is none of these and yet lacks a proper identifier is an input error: when unsure,
stop and say where, never guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from . import columns as colmod


def _spaced(words: str) -> str:
    """A regex alternation whose words may have spaces between their characters (合 计)."""
    return "|".join(r"\s*".join(w) for w in words.split("|"))


# 合计 / 总计 / 小计 at the end of a label (全市合计, 镍都区合计, 合 计), or 其中 at its start.
TOTAL = re.compile(rf"(^\s*({_spaced('其中')})\s*[:：]?)|(({_spaced('合计|总计|小计|共计|总数')})\s*数?\s*[:：]?\s*$)"
                   rf"|(^\s*({_spaced('合计|总计|小计')})\s*[:：])")
# A label that is only a place: 全市, 全县, 本市规模以上工业, 全市规上工业企业 (a total without the word 合计).
PLACE_TOTAL = re.compile(r"^\s*(全市|全县|全区|全州|全省|全部|本市|本县|本区|总体)\s*(规模以上工业|规上工业|规上|工业)?\s*(企业)?\s*$")
FOOTNOTE = re.compile(rf"^\s*({_spaced('注|附注|说明|备注|数据来源|资料来源|填表说明|注释')})\s*\d*\s*[:：]")
# 栏次 labels: 甲乙丙丁…癸 (and the earthly branches some forms go on with), single capital letters.
_STEMS = set("甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥")
_SENTENCE = re.compile(r"[，。；！？]")
# An enterprise code: letters and digits (a dash in old 组织机构代码), at least two characters.
_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z\-]+$")

_WORD_NEEDLES = "计|其中|总数|:|："  # every TOTAL and FOOTNOTE match holds one of these
_FEW_VALUES = ("county", "sei_category")  # labels with a handful of distinct values
ROLE_NAMES = {"total": "合计/小计行", "sum": "无标注的合计行", "header": "重复的表头行", "numbers": "栏次行",
              "note": "注释行", "heading": "分组标题行", "empty": "空行"}


@dataclass
class Decision:
    row: int  # Excel row number
    role: str  # a key of ROLE_NAMES
    reason: str  # why, in Chinese


@dataclass
class RowRoles:
    """enterprise[i]: data row i is an enterprise. decisions: every other row, with its reason."""

    enterprise: np.ndarray
    decisions: list[Decision] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (data index, message)

    def rows(self, role: str) -> list[int]:
        return [d.row for d in self.decisions if d.role == role]


@dataclass
class RowCells:
    """What row roles look at: the label texts and the parsed figures of every data row."""

    first_row: int  # Excel row number of data index 0
    labels: dict[str, pa.Array]  # ent_id, ent_name, county, sei_category, industry_code, lead: cleaned text
    raw_numbers: dict[str, pa.Array]  # number columns as the text calamine gave (for 栏次 and headers)
    numbers: dict[str, np.ndarray]  # number columns in 千元, NaN where bad
    blank: dict[str, np.ndarray]
    bad: dict[str, np.ndarray]
    header_texts: dict[str, str]  # column key -> header label as in the file
    positions: dict[str, int] = field(default_factory=dict)  # column key (and "lead") -> column index
    _coded: np.ndarray | None = field(default=None, repr=False)  # has_code, once
    _ascii: dict[str, np.ndarray] = field(default_factory=dict, repr=False)  # _ascii, once per label

    @property
    def n(self) -> int:
        for arr in self.numbers.values():
            return len(arr)
        for arr in self.labels.values():
            return len(arr)
        return 0


def _mask(arr) -> np.ndarray:
    return pc.fill_null(arr, False).to_numpy(zero_copy_only=False)


def _matches(arr: pa.Array, pattern: re.Pattern, needles: tuple[str, ...]) -> np.ndarray:
    """Regex over the rows that a plain substring says could match: 470 000 names in milliseconds."""
    maybe = _mask(pc.match_substring_regex(arr, "|".join(re.escape(n) for n in needles)))
    out = np.zeros(len(arr), dtype=bool)
    where = np.flatnonzero(maybe)
    if len(where):
        out[where] = _mask(pc.match_substring_regex(arr.take(pa.array(where)), pattern.pattern))
    return out


def text_is_total(arr: pa.Array) -> np.ndarray:
    return _matches(arr, TOTAL, ("计", "其中", "总数"))


def text_is_footnote(arr: pa.Array) -> np.ndarray:
    return _matches(arr, FOOTNOTE, (":", "："))


def identified(cells: RowCells) -> np.ndarray:
    """Rows whose identifier looks like one: a code of ≥2 letters/digits with a digit, or a name of ≥2 characters
    that is not a 栏次 label nor a number."""
    ok = has_code(cells).copy()
    name = cells.labels.get("ent_name")
    if name is not None:
        long_enough = _mask(pc.greater_equal(pc.utf8_length(name), 2))
        # A number is ASCII (digits, spaces, . , - +): only ASCII names are looked at.
        numeric = _where(_ascii(cells, "ent_name"), name, r"^[\d\s.,\-+]+$")
        ok |= long_enough & ~numeric
    return ok


def _ascii(cells: RowCells, key: str) -> np.ndarray:
    """Rows whose label `key` is ASCII only (null: False), once per label."""
    if key not in cells._ascii:
        cells._ascii[key] = _mask(pc.string_is_ascii(cells.labels[key]))
    return cells._ascii[key]


def _where(rows: np.ndarray, arr, pattern: str) -> np.ndarray:
    """The regex over the rows marked in `rows` only (False elsewhere): the whole column when most are."""
    where = np.flatnonzero(rows)
    if len(where) > len(arr) // 2:
        return _mask(pc.match_substring_regex(arr, pattern)) & rows
    out = np.zeros(len(arr), dtype=bool)
    if len(where):
        out[where] = _mask(pc.match_substring_regex(arr.take(pa.array(where)), pattern))
    return out


def _row_values(cells: RowCells, i: int) -> tuple[list, list]:
    """(label texts, number cells) of one row, each in column order of the file."""
    def ordered(arrays: dict) -> list:
        keys = sorted(arrays, key=lambda k: cells.positions.get(k, 0))
        return [_shown(arrays[k][i].as_py()) for k in keys]
    return ordered(cells.labels), ordered(cells.raw_numbers)


def _shown(value):
    """A cell as a person reads it: 3.0 -> "3"."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, str):
        return value.strip() or None
    return value if value is None else str(value)


def _as_int(text) -> int | None:
    if text is None:
        return None
    s = str(text).strip()
    try:
        f = float(s)
    except ValueError:
        return None
    return int(f) if f.is_integer() and abs(f) < 10_000 else None


def _is_column_numbers(labels: list, figures: list) -> bool:
    """栏次: labels are 甲乙丙…/A B C…/栏次 (or numbered too), figures run 1, 2, 3… across the columns."""
    present = [v for v in labels + figures if v is not None]
    if len(present) < 2:
        return False
    if "栏次" in labels:
        return True
    seq = [_as_int(v) for v in figures if v is not None]
    if not seq or any(v is None for v in seq):
        return False
    running = all(b - a == 1 for a, b in zip(seq, seq[1:]))
    label_ok = all(v is None or v in _STEMS or (len(v) == 1 and v.isascii() and v.isalpha()) or _as_int(v) is not None
                   for v in labels)
    numbered = [_as_int(v) for v in labels if v is not None and _as_int(v) is not None]
    if numbered:  # labels numbered too: the whole row must run 1, 2, 3…
        whole = [_as_int(v) for v in labels + figures if v is not None]
        running = None not in whole and all(b - a == 1 for a, b in zip(whole, whole[1:]))
    return running and label_ok and (len(seq) >= 2 or len(present) >= 3)


def _is_header(cells: RowCells, labels: list, figures: list) -> bool:
    """The header again: at least two cells name a column (as the header does) or a period marker."""
    hits = 0
    for text in labels + figures:
        if text is None:
            continue
        if colmod.match_header(text) is not None or colmod.is_marker(text) or text in cells.header_texts.values():
            hits += 1
    return hits >= 2


def _is_sentence(labels: list, figures: list) -> bool:
    texts = [v for v in labels if v is not None]
    return len(texts) == 1 and all(v is None for v in figures) and len(texts[0]) >= 12 \
        and bool(_SENTENCE.search(texts[0]))


def row_roles(cells: RowCells) -> RowRoles:
    """The role of every data row (see the module docstring), by words, by structure, by arithmetic."""
    n = cells.n
    first = cells.first_row
    role = np.full(n, "", dtype=object)
    reason: dict[int, str] = {}
    errors: list[tuple[int, str]] = []
    coded = has_code(cells)

    def unsure(i: int, why: str) -> None:
        code = cells.labels["ent_id"][i].as_py()
        errors.append((i, f"{why}，像是合计行，但有企业代码“{code}”：请核对这一行是企业还是合计"))
        role[i] = "error"

    # Words: one substring pass a column finds the few rows that could say 合计 or 注：; a label that
    # is only a place (全市, 全县规上工业) or one of the file's own counties is a total too.
    for i, text, kind in _worded(cells):
        if role[i] != "":
            continue
        if kind == "total" and coded[i]:
            unsure(i, f"标注为“{text}”")
        else:
            role[i], reason[i] = kind, f"“{_short(text)}”"

    # Empty rows.
    empty = np.ones(n, dtype=bool)
    for arr in cells.labels.values():
        empty &= ~pc.is_valid(arr).to_numpy(zero_copy_only=False)
    for key in cells.numbers:
        empty &= cells.blank[key] & ~cells.bad[key]
    role[empty & (role == "")] = "empty"

    # Structure: only rows without a proper identifier, with text in number columns, or without any
    # figure can be a 栏次 row, a repeated header, a note or a heading; each is looked at alone.
    ident = identified(cells)
    any_bad = np.zeros(n, dtype=bool)
    no_figures = np.ones(n, dtype=bool)
    for key in cells.bad:
        any_bad |= cells.bad[key]
        no_figures &= cells.blank[key]
    for i in np.flatnonzero((role == "") & (~ident | any_bad | no_figures)):
        i = int(i)
        labels, figures = _row_values(cells, i)
        shown = "、".join(str(v) for v in labels + figures if v is not None)[:40]
        if _is_column_numbers(labels, figures):
            role[i], reason[i] = "numbers", shown
        elif _is_header(cells, labels, figures):
            role[i], reason[i] = "header", shown
        elif _is_sentence(labels, figures):
            role[i], reason[i] = "note", f"“{_short(next(v for v in labels if v is not None))}”"
        elif no_figures[i] and not coded[i]:  # 一、镍都区 / 以下为新入库企业: a label, no code, no figure
            role[i], reason[i] = "heading", f"“{_short(shown)}”"

    # Arithmetic: a row equal to the sum of a run of rows above or below it.
    for i, (a, b) in _sums(cells, role).items():
        if coded[i]:
            unsure(i, f"各项数字都等于第{first + a}—{first + b}行之和")
        else:
            role[i], reason[i] = "sum", f"等于第{first + a}—{first + b}行之和"

    enterprise = role == ""
    for i in np.flatnonzero(enterprise & ~ident):
        i = int(i)
        labels, _ = _row_values(cells, i)
        shown = "、".join(f"“{v}”" for v in labels if v is not None) or "（空）"
        errors.append((i, f"有数据但没有可以认定的企业标识（这一行的文字：{shown}）：企业行需要统一社会信用代码等代码，"
                          "或至少两个字的单位名称；如是合计、栏次或注释行，请按常见写法标注"))
        enterprise[i] = False
    # In a file whose enterprises carry codes, a row without one has not shown it is an enterprise
    # (a total labelled with a place name whose figures are rounded, say): stop and ask.
    if "ent_id" in cells.labels and enterprise.any() and coded[enterprise].mean() >= 0.5:
        for i in np.flatnonzero(enterprise & ~coded):
            i = int(i)
            labels, _ = _row_values(cells, i)
            shown = "、".join(f"“{v}”" for v in labels if v is not None)
            errors.append((i, f"没有统一社会信用代码（这一行的文字：{shown}），而其他企业行都有：请补上代码；"
                              "如是合计或小计行，请在名称中写明“合计”或“小计”"))
            enterprise[i] = False
    errors.extend(duplicate_codes(cells, enterprise))
    decisions = [Decision(first + int(i), str(role[i]), reason.get(int(i), ""))
                 for i in np.flatnonzero((role != "") & (role != "error"))]
    return RowRoles(enterprise, decisions, errors)


def duplicate_codes(cells: RowCells, enterprise: np.ndarray) -> list[tuple[int, str]]:
    """Enterprise rows whose code stands on an earlier enterprise row: one enterprise counted twice."""
    ent_id = cells.labels.get("ent_id")
    if ent_id is None or not enterprise.any():
        return []
    nulls = ent_id.null_count  # the usual case: no code twice in the whole column, one hash pass, no copy
    if len(pc.unique(ent_id)) - (1 if nulls else 0) == len(ent_id) - nulls:
        return []
    rows = np.flatnonzero(enterprise)
    codes = ent_id.take(pa.array(rows))
    counts = pc.value_counts(codes)
    twice = [v for v, c in zip(counts.field("values").to_pylist(), counts.field("counts").to_pylist())
             if c > 1 and v is not None]
    if not twice:
        return []
    hit = _mask(pc.is_in(codes, value_set=pa.array(twice, pa.string())))
    seen: dict[str, int] = {}
    out = []
    for i, code in zip(rows[hit].tolist(), codes.filter(pa.array(hit)).to_pylist()):
        if code in seen:
            out.append((i, f"统一社会信用代码“{code}”与第{cells.first_row + seen[code]}行重复：同一家企业不能计入两次，"
                           "请删除或更正重复的行"))
        else:
            seen[code] = i
    return out


def has_code(cells: RowCells) -> np.ndarray:
    """Rows whose ent_id looks like an enterprise code (letters and digits, a digit among them)."""
    if cells._coded is None:
        ent_id = cells.labels.get("ent_id")
        if ent_id is None:
            cells._coded = np.zeros(cells.n, dtype=bool)
            return cells._coded
        # Letters and digits only (the usual code): at least two, not all letters. The rest (a dash,
        # anything else) go through the two regexes.
        alnum = _mask(pc.ascii_is_alnum(ent_id))
        coded = alnum & ~_mask(pc.ascii_is_alpha(ent_id)) & _mask(pc.greater_equal(pc.binary_length(ent_id), 2))
        rest = ~alnum & pc.is_valid(ent_id).to_numpy(zero_copy_only=False)
        coded |= _where(rest, ent_id, _CODE.pattern) & _where(rest, ent_id, r"[0-9]")
        cells._coded = coded
    return cells._coded


def _worded(cells: RowCells):
    """(row, text, "total" or "note") for every label that says so."""
    counties = set()
    if "county" in cells.labels:
        counties = {c for c in pc.unique(cells.labels["county"]).to_pylist() if c}
    # A place alone (全市, 全县规上工业, a county of this file) is looked for only where no code stands:
    # with a code it could not be a total anyway, and a national export has codes on every row.
    uncoded = np.flatnonzero(~has_code(cells))
    for key, arr in cells.labels.items():
        # Every word of TOTAL, FOOTNOTE and PLACE_TOTAL is Chinese: ASCII labels (codes, 序号) cannot say
        # so. A label of a few values (county, category) is looked at value by value.
        if key in _FEW_VALUES:
            values = pc.unique(arr)
            said = values.filter(pc.fill_null(pc.match_substring_regex(values, _WORD_NEEDLES), False))
            maybe = _mask(pc.is_in(arr, value_set=said)) if len(said) else np.zeros(len(arr), dtype=bool)
        else:
            maybe = _where(~_ascii(cells, key) & pc.is_valid(arr).to_numpy(zero_copy_only=False), arr,
                           _WORD_NEEDLES)
            latin = sorted(c for c in counties if c.isascii())  # a county's own name, written in ASCII
            if latin and key in ("ent_name", "lead"):
                maybe |= _mask(pc.is_in(arr, value_set=pa.array(latin, pa.string()))) & _mask(
                    pc.match_substring_regex(arr, _WORD_NEEDLES))
        if key in ("ent_name", "lead") and len(uncoded):
            few = arr.take(pa.array(uncoded))
            place = _mask(pc.match_substring_regex(few, PLACE_TOTAL.pattern))
            if counties:
                place |= _mask(pc.is_in(few, value_set=pa.array(sorted(counties), pa.string())))
            maybe[uncoded[place]] = True
        where = np.flatnonzero(maybe)
        if not len(where):
            continue
        few = arr.take(pa.array(where))
        total = _mask(pc.match_substring_regex(few, TOTAL.pattern)) | _mask(
            pc.match_substring_regex(few, PLACE_TOTAL.pattern))
        if counties and key in ("ent_name", "lead"):
            total |= _mask(pc.is_in(few, value_set=pa.array(sorted(counties), pa.string())))
        note = _mask(pc.match_substring_regex(few, FOOTNOTE.pattern)) & ~total
        for i, text, is_total, is_note in zip(where.tolist(), few.to_pylist(), total.tolist(), note.tolist()):
            if is_total or is_note:
                yield i, text, "total" if is_total else "note"


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _sums(cells: RowCells, role: np.ndarray) -> dict[int, tuple[int, int]]:
    """Rows equal, in every number column, to the sum of ≥ 2 rows directly above or below them.

    Figures are compared exactly as whole 元 (int64). Rows already given a role count as 0; a found
    sum row is taken out and the search runs again, so a grand total over subtotals is found too.
    Candidates come from one column (the one with most figures) through sorted prefix sums; each
    candidate is then checked against every number column. At least two columns must be nonzero.
    """
    keys = [k for k in cells.numbers if (~cells.blank[k]).any()]
    if not keys:
        return {}
    ints = _Ints(cells, keys)
    lead = max(keys, key=lambda k: int((~cells.blank[k]).sum()))
    nonzero = sum((~cells.blank[k] & (cells.numbers[k] != 0)).astype(np.int8) for k in keys)
    found: dict[int, tuple[int, int]] = {}
    for _ in range(3):
        active = (role == "")
        for i in found:
            active[i] = False
        eligible = active & (nonzero >= min(2, len(keys))) & (ints[lead] != 0)
        new = {}
        for direction in (1, -1):
            new.update(_runs(ints, lead, keys, active, eligible, direction))
        new = {i: r for i, r in new.items() if i not in found}
        if not new:
            break
        found.update(new)
    return found


class _Ints(dict):
    """A number column as whole 元 (int64, bad cells 0), made when first asked for."""

    def __init__(self, cells: RowCells, keys):
        super().__init__()
        self._cells = cells

    def __missing__(self, key):
        values, bad = self._cells.numbers[key], self._cells.bad[key]
        with np.errstate(invalid="ignore", over="ignore"):
            scaled = values * 1000  # one temporary, rounded and cleared in place
            np.round(scaled, out=scaled)
            scaled[bad | ~np.isfinite(scaled)] = 0
            self[key] = scaled.astype(np.int64)
        return self[key]


class _Identity:
    """The sort of an array already in order: position i is i (no array of n positions made)."""

    def __getitem__(self, i):
        return np.arange(i.start, i.stop) if isinstance(i, slice) else i


def _runs(ints, lead, keys, active, eligible, direction) -> dict[int, tuple[int, int]]:
    n = len(active)
    v_lead = np.where(active, ints[lead], 0)[::direction]  # in search order (a view when reversed)
    p_lead = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(v_lead, out=p_lead[1:])  # p_lead[p] = sum of v_lead[:p]
    candidates = eligible[::direction]
    if (v_lead >= 0).all():  # prefix sums of figures that are never negative: already in order
        sort, sorted_p = _Identity(), p_lead
        # and a sum of two or more of them is at least its last two: only such rows can be one
        last_two = np.zeros(n, dtype=np.int64)
        last_two[2:] = v_lead[1:-1] + v_lead[:-2]
        candidates = candidates & (v_lead >= last_two)
    else:
        sort = np.argsort(p_lead, kind="stable")
        sorted_p = p_lead[sort]
    out: dict[int, tuple[int, int]] = {}
    pos_eligible = np.flatnonzero(candidates)
    if not len(pos_eligible):
        return out
    targets = p_lead[pos_eligible] - v_lead[pos_eligible]  # sum of v[j:p] == v[p]  <=>  P[j] == P[p] - v[p]
    left = np.searchsorted(sorted_p, targets, "left")
    # A candidate needs some j ≤ p − 2 with that prefix sum: the smallest such j is sort[left].
    some = sorted_p[np.minimum(left, len(sorted_p) - 1)] == targets
    some[some] = sort[left[some]] <= pos_eligible[some] - 2
    right = np.zeros_like(left)
    right[some] = np.searchsorted(sorted_p, targets[some], "right")
    if some.any():
        order = np.arange(n)[::direction]
    for p, lo, hi in zip(pos_eligible[some].tolist(), left[some].tolist(), right[some].tolist()):
        for j in sorted(sort[lo:hi].tolist(), reverse=True):
            if j > p - 2 or np.count_nonzero(v_lead[j:p]) < 2:
                continue
            rows = order[j:p]  # the run, in file order either way
            if all(int(ints[k][order[p]]) == int(ints[k][rows][active[rows]].sum()) for k in keys):
                out[int(order[p])] = (int(rows.min()), int(rows.max()))
                break
    return out
