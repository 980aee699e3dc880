"""Excel functions over the xltools engine: `=SEI_PROFIT_MARGIN()`, `=SEI_GAP("营业收入利润率")` …

UDF MODULES = udfs.functions. One function per indicator, generated from the indicator
registry (xltools/data/indicators.csv: the `excel` column is the function's name), plus
SEI_INDICATOR, SEI_GAP, SEI_SHARE, SEI_TABLE, SEI_CATEGORY and SEI_SOURCE. They do no
arithmetic of their own: values are the engine's, rounded as published; `—` where the
engine gives null; short Chinese messages (#无数据：…, #参数错误：…) instead of errors.

Each function takes what Excel passes by default — numbers, text, None for an empty
cell, 2-D lists for ranges — and an argument named `caller`, which xlwings fills with
the calling cell (it is not shown in Excel) so that the workbook's own config is found.
"""
from __future__ import annotations

import functools

import xlwings as xw

from udfs import engine
from udfs.engine import BAD_ARG, UdfError
from xltools.indicators import ALL, SEI, indicators
from xltools.indicators import indicator as registered
from xltools.rounding import NULL_DISPLAY, rounded

CATEGORY = "战新产业"
SCOPE_DOC = ("范围，可省略：省略为战略性新兴产业；全市 = 全市规模以上工业；九大领域名称、简称（新材料）或代码（3）；"
             "县区名；县区名加“战新”为该县区的战新产业")
DATA_DOC = "数据区域，可省略：选中一张企业数据表（含标题行和表头）；省略时用设置的数据文件（SEI_SOURCE）"


def cell_safe(fn):
    """Whatever goes wrong becomes a short Chinese message in the cell, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except UdfError as exc:
            return str(exc)
        except Exception as exc:  # a bug of ours: still a message, not a COM error dialog
            return f"#内部错误：{type(exc).__name__}: {exc}"[:250]

    return wrapper


def excel_function(**arg_docs):
    """Register a function for Excel: xlwings' decorators (which attach its metadata on Windows and
    do nothing elsewhere), cell_safe errors, and our own record of the arguments shown in Excel
    (`excel_args`), from which the add-in declares the functions and the tests check them."""

    def deco(fn):
        safe = cell_safe(fn)
        safe.excel_args = dict(arg_docs)
        for name, doc in reversed(list(arg_docs.items())):
            safe = xw.arg(name, doc=doc)(safe)
        return xw.func(category=CATEGORY)(safe)

    return deco


def _number(value, decimals: int, unrounded: bool = False):
    if value is None:
        return NULL_DISPLAY
    if unrounded:
        return float(value)
    shown = rounded(value, decimals)
    return int(shown) if decimals == 0 else shown


def value(indicator_text, scope=None, data=None, unrounded=False, caller=None):
    e = engine.entry(data, caller)
    iid = engine.indicator_id(indicator_text)
    engine.require(e, iid)
    res = e.results.get(engine.scope_id(e, scope), iid)
    return _number(res.value, res.decimals, bool(unrounded))


def _indicator_function(ind):
    def fn(scope=None, data=None, caller=None):
        return value(ind.id, scope, data, caller=caller)

    fn.__name__ = fn.__qualname__ = ind.excel
    unit = f"（{ind.unit}）" if ind.unit else ""
    fn.__doc__ = f"{ind.name}{unit}：{ind.definition}。显示位数与公布一致（{ind.decimals} 位小数）。"
    return excel_function(scope=SCOPE_DOC, data=DATA_DOC)(fn)


for _ind in indicators():
    globals()[_ind.excel] = _indicator_function(_ind)


def _default_reference(scope: str) -> str:
    if scope.startswith("sector:"):
        return SEI
    if scope.startswith("county:") and scope.endswith("/sei"):
        return scope[: -len("/sei")]
    return ALL


@excel_function(indicator="指标名称或代码，如 营业收入利润率、profit_margin", scope=SCOPE_DOC, data=DATA_DOC,
                unrounded="可省略：TRUE 返回未舍入的值；省略时按公布的小数位数舍入")
def SEI_INDICATOR(indicator, scope=None, data=None, unrounded=False, caller=None):
    """任一指标的值：指标可写中文名称或代码。例：=SEI_INDICATOR("营业收入利润率","新材料")"""
    return value(indicator, scope, data, unrounded, caller)


@excel_function(indicator="指标名称或代码", scope=SCOPE_DOC,
                reference="比较的范围，可省略：领域与战新产业比，县区战新与该县区比，其余与全市比", data=DATA_DOC)
def SEI_GAP(indicator, scope=None, reference=None, data=None, caller=None):
    """范围比参照范围高(+)低(−)多少：百分比指标为百分点，元、天指标为元、天。
    例：=SEI_GAP("营业收入利润率") 为战新产业比全市高多少个百分点。"""
    e = engine.entry(data, caller)
    iid = engine.indicator_id(indicator)
    engine.require(e, iid)
    s = engine.scope_id(e, scope)
    ref = engine.scope_id(e, reference) if reference not in (None, "") else _default_reference(s)
    d = e.results.diff(iid, s, ref)
    return _number(d.value, d.decimals)


@excel_function(indicator="总量指标名称或代码，如 工业增加值、利润总额", scope=SCOPE_DOC,
                whole="占哪个范围的比重，可省略：领域占战新产业，战新占全市，县区战新占该县区", data=DATA_DOC)
def SEI_SHARE(indicator, scope=None, whole=None, data=None, caller=None):
    """范围的总量占另一范围的比重（%）。例：=SEI_SHARE("工业增加值","新材料") 为新材料产业增加值占战新产业的比重。"""
    e = engine.entry(data, caller)
    iid = engine.indicator_id(indicator)
    engine.require(e, iid)
    if not registered(iid).additive:
        raise UdfError(BAD_ARG + f"“{registered(iid).name}”不是总量指标，不能计算比重")
    s = engine.scope_id(e, scope)
    of_id = engine.scope_id(e, whole) if whole not in (None, "") else (ALL if s == SEI else _default_reference(s))
    d = e.results.share(iid, s, of_id)
    return _number(d.value, d.decimals)


TABLES = {"表1": "表1", "1": "表1", "表2": "表2", "2": "表2", "表3": "表3", "3": "表3", "结构": "结构"}


@excel_function(table="表1（全市与战新产业）、表2（九大领域）、表3（分县区）或 结构（集中度、中小微型企业、新企业）；可省略，默认表1",
                data=DATA_DOC,
                suppress="可省略：默认 TRUE，按数据保密规定以“…”代替企业数少于3家的范围；FALSE 全部显示（仅供内部使用）",
                dominance="可省略：支配性规则，如 \"1,85\"（最大1家企业占比超过85%的范围也不公布），\"1,85,all\" 时全市和战新合计也按此规则")
def SEI_TABLE(table="表1", data=None, suppress=True, dominance=None, caller=None):
    """汇总表（含两行表头）作为数组返回，在新版 Excel 中自动溢出到相邻单元格。例：=SEI_TABLE("表2")"""
    e = engine.entry(data, caller)
    key = str(table if table not in (None, "") else "表1").strip()
    if isinstance(table, float) and table.is_integer():
        key = str(int(table))
    name = TABLES.get(key)
    if name is None:
        raise UdfError(BAD_ARG + f"未知的表“{table}”：可用 表1、表2、表3、结构")
    suppress = suppress is None or bool(suppress)
    rule = None
    if dominance not in (None, ""):
        from xltools.dominance import parse_rule

        try:
            rule = parse_rule(dominance)
        except ValueError as exc:
            raise UdfError(BAD_ARG + str(exc)) from None
    key = (suppress, rule)
    if (name, key) not in e.tables:
        from xltools.disclosure import plan
        from xltools.tables import sheet_set

        sheets = sheet_set(e.results, plan(e.results, enabled=suppress, dominance=rule), e.info)
        for t in sheets.tables:
            if t.sheet in set(TABLES.values()):
                e.tables[(t.sheet, key)] = t.grid()
    if (name, key) not in e.tables:
        raise UdfError(engine.NO_DATA + "数据中没有县区列，没有表3")
    return e.tables[(name, key)]


@excel_function(code_or_name="国民经济行业代码（如 3216）或战新产业名称、简称、代码")
def SEI_CATEGORY(code_or_name, caller=None):
    """战略性新兴产业类别：由行业代码按随包附带的对照表估算（部分属于战新的行业也归入），或把名称、简称、代码规范为全称。"""
    from xltools.classify import load_map
    from xltools.sei import UnknownCategory, normalise_category

    if code_or_name is None or str(code_or_name).strip() == "":
        raise UdfError(BAD_ARG + "请给出行业代码或产业名称")
    text = code_or_name
    if isinstance(text, float) and text.is_integer():
        text = str(int(text))
    text = str(text).strip()
    digits = text.lstrip("ABCDEFGHIJKLMNOPQRST")
    if digits.isdigit() and len(digits) == 4:
        mapping, _, _ = _industry_map(load_map)
        return mapping.get(digits, "非战略性新兴产业")
    try:
        found = normalise_category(text)
    except UnknownCategory:
        raise UdfError(BAD_ARG + f"“{text}”不是行业代码，也不是战略性新兴产业类别") from None
    return found or "非战略性新兴产业"


@functools.lru_cache(maxsize=1)
def _industry_map(load_map):
    return load_map()


@excel_function(data=DATA_DOC)
def SEI_SOURCE(data=None, caller=None):
    """正在使用的数据：文件、工作表、报告期、企业数、战新产业划分方式。"""
    from xltools.tables import CLASSIFICATION

    e = engine.entry(data, caller)
    i = e.info
    where = f"（{e.settings.origin}）" if e.settings.origin else ""
    return (f"{i.source} › {i.sheet}{where}；{i.period_label}；{i.enterprises} 家企业；"
            f"战新产业划分：{CLASSIFICATION.get(e.results.classification)}")


# Every function Excel sees, in the order of the docs and of the add-in's declarations.
EXCEL_FUNCTIONS = [i.excel for i in indicators()] + ["SEI_INDICATOR", "SEI_GAP", "SEI_SHARE", "SEI_TABLE",
                                                     "SEI_CATEGORY", "SEI_SOURCE"]
