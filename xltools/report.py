"""`xltools report`: the 发展现状 part of the analysis, written from the figures.

The sentences are Jinja2 templates (xltools/templates/report.md.j2, or a bureau's own copy
with --templates); this module only hands them the engine's figures (rounded as published)
and the words chosen from their signs (wording.py). Every clause is optional (wording.clause,
group, sentence): a missing, null or withheld figure takes its clause and punctuation with it.
Categories withheld by disclosure control are named, never described with numbers, and
ranking words are written only when no category is withheld. Output: Markdown, or a .docx in the
usual official-document look (title, 黑体 headings, 仿宋 body, first-line indent).
"""
from __future__ import annotations

import functools
import math
import os

from .disclosure import Disclosure
from .indicators import ALL, SEI, Results
from .notes import publication_notes
from .render import size_indicator
from .sei import category_names
from .wording import FILTERS, GLOBALS, Figure, profit_change

TEMPLATE = "report.md.j2"
ALL_LABEL = "全市规模以上工业"
SEI_LABEL = "全市工业战新产业"
# What a category's weight is told in (size_indicator): never another indicator's name.
STRUCTURE_WORDS = {"value_added": "增加值", "output_value": "工业总产值", "revenue": "营业收入"}


@functools.cache
def _registry() -> frozenset[str]:
    from .indicators import indicators

    return frozenset(i.id for i in indicators())


def _known(iid: str) -> None:
    """An indicator the registry defines (its figure may still be missing: then it is empty, and its clause
    is dropped); anything else is a misspelt name in a template: AttributeError, which Jinja2's
    StrictUndefined turns into an error naming it, never a silent "—"."""
    if iid.startswith("_") or iid not in _registry():
        raise AttributeError(iid)


class Scope:
    """A scope's published figures by indicator id: `sei.profit_margin` -> Figure. A figure withheld on its
    own in a published scope (a loss amount of too few loss-makers, the largest enterprise's share…) is
    empty, as the whole scope's are when it is withheld."""

    def __init__(self, results: Results, scope: str, withheld: bool, disclosure: Disclosure | None = None):
        self._r, self._scope, self.withheld, self._d = results, scope, withheld, disclosure
        self._computed = {i.id for i in results.computed}

    def __getattr__(self, iid: str) -> Figure:
        _known(iid)
        if self.withheld or iid not in self._computed or \
                (self._d is not None and self._d.is_figure_withheld(self._scope, iid)):
            return Figure(None, 0)
        res = self._r.get(self._scope, iid)
        return Figure(res.value, res.decimals, res.unit)


class Gaps:
    """Differences of the SEI against all industry: `gap.profit_margin` (百分点, 元, 天)."""

    def __init__(self, results: Results, scope: str, reference: str, hidden: bool,
                 disclosure: Disclosure | None = None):
        self._r, self._s, self._ref, self._hidden, self._d = results, scope, reference, hidden, disclosure
        self._computed = {i.id for i in results.computed}

    def __getattr__(self, iid: str) -> Figure:
        _known(iid)
        # A difference with a figure withheld on its own (either side) would give that figure back.
        if self._hidden or iid not in self._computed or (self._d is not None and (
                self._d.is_figure_withheld(self._s, iid) or self._d.is_figure_withheld(self._ref, iid))):
            return Figure(None, 0)
        d = self._r.diff(iid, self._s, self._ref)
        return Figure(d.value, d.decimals, d.unit)


def _profit_words(results: Results, scope: str) -> str:
    if "total_profit_growth" not in {i.id for i in results.computed}:
        return ""
    s = results.sums_of(scope)
    growth = results.get(scope, "total_profit_growth")
    return profit_change(s.get("total_profit_cur"), s.get("total_profit_ly"), Figure(growth.value, growth.decimals))


def city_name(text: str) -> str:
    """The place as the text names it: without spaces (a space is never part of a Chinese place name, and
    would stand in the text); ValueError when nothing is left (the text would start "实现营业收入…")."""
    name = "".join(str(text).split())
    if not name:
        raise ValueError("地区称谓不能为空，如 金昌市；不给 --city 时写“全市”")
    return name


def when(results: Results) -> str:
    p = results.period
    return f"{p.year}年" if (p.start_month, p.end_month) == (1, 12) else p.label


def _figure(derived) -> Figure:
    return Figure(None, 1) if derived is None else Figure(derived.value, derived.decimals, derived.unit)


def _combined_share(results: Results, indicator_id: str, names: list[str], published: list[Figure]) -> Figure:
    """The named categories' part of the SEI total together, in %, as the reader can add it up: the sum of
    their published shares (two shares of 30.0% are 60%, never "59%以上" beside them, though the exact
    59.94% would say so). "以上" is kept only where the exact part is above the whole percent too, so the
    floor never claims more than the figures hold."""
    total = results.value(SEI, indicator_id)
    parts = [results.value(f"sector:{n}", indicator_id) for n in names]
    if total is None or total <= 0 or any(p is None for p in parts) or not all(published):
        return Figure(None, 1)
    exact = sum(parts) / total * 100
    added = round(sum(f.shown for f in published), 1)
    whole = math.floor(added + 1e-9)
    return Figure(added if exact >= whole else float(whole), 1)


def _above_withheld(results: Results, iid: str, value: float | None, published: list[str],
                    withheld: list[str], strict: bool = False) -> bool:
    """Whether `value` is at least (`strict`: more than) every withheld category's, provably from published
    figures: the withheld categories together (SEI minus the published ones, which anyone can subtract)
    hold no more. Each withheld figure is checked too, so a negative one can never make the claim false."""
    if not withheld:
        return True
    total = results.value(SEI, iid)
    parts = [results.value(f"sector:{n}", iid) for n in published]
    if value is None or total is None or None in parts:
        return False
    hidden = [results.value(f"sector:{n}", iid) for n in withheld]
    rest = total - sum(parts)
    if strict:
        return value > rest and all(h is not None and h < value for h in hidden)
    return value >= rest and all(h is not None and h <= value for h in hidden)


def ahead(ranked: list[dict], key: str, k: int = 1) -> bool:
    """Whether the first `k` of `ranked` (largest first) are strictly ahead of the next one as published:
    two categories shown with 25.0% each are level, and neither is "占比最高"."""
    if len(ranked) <= k:
        return True
    last, following = ranked[k - 1][key], ranked[k][key]
    return not following or (bool(last) and last.shown > following.shown)


def _concentration(results: Results, sectors: list[dict], size: str, computed: set[str],
                   withheld: list[str]) -> dict | None:
    """"主要集中在A和B两大领域": the two or three leading categories that together (as published, each
    share rounded) hold more than half of SEI; None when the leader alone does, or three do not, or a
    withheld category might be larger than the last one named, or the last one named is level with the
    next (as published) — naming one of two equals would be arbitrary."""
    shares = [s["share"].shown for s in sectors[:3] if s["share"]]
    if not shares or shares[0] > 50:
        return None
    for k in (2, 3):
        if len(shares) >= k and sum(shares[:k]) > 50:
            if not ahead(sectors, "share", k):
                continue
            names = [s["name"] for s in sectors[:k]]
            if not _above_withheld(results, size, sectors[k - 1]["level"].value, [s["name"] for s in sectors],
                                   withheld):
                return None
            profit = (_combined_share(results, "total_profit", names, [s["profit_share"] for s in sectors[:k]])
                      if "total_profit" in computed else Figure(None, 1))
            return {"names": names, "count": {2: "两大", 3: "三大"}[k], "who": {2: "两者", 3: "三者"}[k],
                    "share": _combined_share(results, size, names, [s["share"] for s in sectors[:k]]),
                    # A floor of a share only means something between 0 and 100 (others may lose money).
                    "profit_share": profit if profit and 0 < profit.shown <= 100 else Figure(None, 1)}
    return None


def _no_enterprises(results: Results) -> None:
    """A report on no SEI enterprise would be a page of empty sentences: refuse it before any text."""
    from .errors import InputError, Issue

    if results.sums_of(ALL).enterprises == 0:
        raise InputError(Issue("数据中没有企业，无法写分析报告", file=os.path.basename(results.source)))
    if results.sums_of(SEI).enterprises == 0:
        raise InputError(Issue("没有战略性新兴产业企业，无法写分析报告：请检查战略性新兴产业类别列，"
                               "或用 --sei-list/--sei-map 给出战新企业名录或行业对照表",
                               file=os.path.basename(results.source)))


def context(results: Results, disclosure: Disclosure, ledger=None, city: str = "全市", official=None,
            counties: bool = False) -> dict:
    _no_enterprises(results)
    hidden = disclosure.is_withheld
    sei_hidden = hidden(SEI) or hidden(ALL)
    computed = {i.id for i in results.computed}
    size = report_size(results)
    sectors = []
    for name in category_names():
        scope = f"sector:{name}"
        if hidden(scope) or results.sums_of(scope).enterprises == 0 or sei_hidden:
            continue
        fig = Scope(results, scope, False, disclosure)
        sectors.append({
            "name": name, "level": getattr(fig, size), "share": _figure(results.share(size, scope, SEI)),
            "profit_share": _figure(results.share("total_profit", scope, SEI) if "total_profit" in computed else None),
            "profit_margin": fig.profit_margin,
            # Against all industry (the seed: "高于全市平均水平"), and the profit growth against SEI's.
            "margin_vs_all": _figure(results.diff("profit_margin", scope, ALL) if "profit_margin" in computed else None),
            # Against SEI: no longer in the shipped sentences, kept for bureaus' own templates that use it.
            "margin_gap": _figure(results.diff("profit_margin", scope, SEI) if "profit_margin" in computed else None),
            "profit_growth_gap": _figure(results.diff("total_profit_growth", scope, SEI)
                                         if "total_profit_growth" in computed else None),
            "profit_words": _profit_words(results, scope)})
    sectors.sort(key=lambda s: -(s["level"].value or 0))
    structure = [s for s in sectors if s["share"]][:3]
    profit_leaders = sorted([s for s in sectors if s["profit_share"].value and s["profit_share"].value > 0],
                            key=lambda s: -s["profit_share"].value)[:2]
    # Withheld categories by the reason a report may give: too few enterprises, or only that the law says so
    # (secondary protection, dominance: why would itself reveal something). 战新 withheld hides them all.
    withheld = [n for n in category_names()
                if (hidden(f"sector:{n}") or sei_hidden) and results.sums_of(f"sector:{n}").enterprises > 0]
    reason = {n: disclosure.reason(f"sector:{n}", results.sums_of(f"sector:{n}").enterprises) for n in withheld}
    # Ranking words by size (占比最高, 两大领域) only when no withheld category can be larger, as anyone
    # can see from the published figures (_above_withheld); by profit (也是最高, 利润总额占比最高的是) only
    # when every category is published: profits may be negative, so no published bound holds.
    published = [s["name"] for s in sectors]
    leader_value = structure[0]["level"].value if structure else None
    ranked = (bool(structure) and structure[0]["share"].shown > 0
              and _above_withheld(results, size, leader_value, published, withheld))
    # A leader is strictly ahead as published: of the next category's displayed share, and of the withheld.
    leads = ranked and ahead(structure, "share") and _above_withheld(results, size, leader_value, published,
                                                                    withheld, strict=True)
    ctx = {
        "when": when(results), "city": city, "all_label": ALL_LABEL, "sei_label": SEI_LABEL,
        "suppressed": disclosure.enabled,  # False (--no-suppress): the report says it is for internal use
        "sei": Scope(results, SEI, sei_hidden, disclosure), "all": Scope(results, ALL, hidden(ALL), disclosure),
        "gap": Gaps(results, SEI, ALL, sei_hidden, disclosure), "profit_words": "" if sei_hidden else _profit_words(results, SEI),
        "sectors": sectors, "structure": structure, "profit_leaders": profit_leaders, "withheld": withheld,
        "size_leader": structure[0] if leads else None,
        "profit_leader": profit_leaders[0] if leads and not withheld and profit_leaders
        and ahead(profit_leaders, "profit_share") else None,
        "concentration": _concentration(results, sectors, size, computed, withheld) if ranked else None,
        "withheld_few": [n for n in withheld if reason[n] == "企业数较少"],
        "withheld_law": [n for n in withheld if reason[n] != "企业数较少"],
        "sei_reason": disclosure.reason(SEI, results.sums_of(SEI).enterprises)
        if hidden(SEI) else disclosure.reason(ALL, results.sums_of(ALL).enterprises),
        "structure_what": STRUCTURE_WORDS[size],
        "investment": None, "key_projects": [],
        # Value added's growth: the bureau's comparable-price rate when given, else computed at current prices.
        "va_official": Figure(official.get(SEI) if official and not sei_hidden else None, 1),
        "va_source": official.sources.get(SEI, "") if official else "",
        "notes": publication_notes(results, disclosure, official, counties=False),
    }
    ctx.update(_counties(results, disclosure, size, sei_hidden, counties))
    if ctx["by_county"]:  # the counties are described: their notes (dominance, new enterprises) apply too
        ctx["notes"] = publication_notes(results, disclosure, official, counties=True)
    if ledger is not None:
        from .errors import InputError
        from .ledger import totals_period_issue

        period = results.period
        wrong = totals_period_issue(ledger, period.year, period.end_month, f"报告期{period.label}")
        if wrong is not None:  # a 2023年 column read as 本期 beside a 2024 report: a wrong figure, stop
            raise InputError(wrong)
        ctx.update(_investment(ledger))
    ctx["industry_structure"] = structure_context(results, disclosure, [s["name"] for s in structure])
    return ctx


def report_size(results: Results) -> str:
    """What the categories are weighed by in the prose: size_indicator's choice (value added, else output,
    else revenue), passing over one whose SEI total is not positive (a 增加值 column of zeros weighs
    nothing: its shares cannot be computed, and 从产业结构看 would vanish)."""
    computed = {i.id for i in results.computed}
    for iid in ("value_added", "output_value", "revenue"):
        if iid in computed and (results.value(SEI, iid) or 0) > 0:
            return iid
    return size_indicator(results)


SIZE_WORDS = {"value_added": "工业增加值", "output_value": "工业总产值", "revenue": "营业收入"}


def _counties(results: Results, disclosure: Disclosure, size: str, sei_hidden: bool, wanted: bool) -> dict:
    """The 分县区 paragraph (--by county): each county's SEI by the size indicator, its share of the county's
    industry and its growth, largest first; withheld counties named only, with the reason class; counties
    without SEI enterprises named. 未分县区 (blank counties, the reader's own scope) is a remainder, not a
    place: it is not described, only said to be left out (with its count when published). As with the
    categories, a withheld 战新 or 全市 total withholds every county's SEI."""
    from .reader import UNKNOWN_COUNTY

    hidden = disclosure.is_withheld
    # Only when asked for (--by county): results computed by county for other reasons (the Excel side's
    # engine always is) do not add a paragraph.
    names = [s.scope.split(":", 1)[1] for s in results.scopes
             if wanted and s.scope.startswith("county:") and not s.scope.endswith("/sei")]
    computed = {i.id for i in results.computed}
    growth_id = f"{size}_growth" if f"{size}_growth" in computed else None
    described, withheld, empty = [], [], []
    for name in names:
        scope, sei = f"county:{name}", f"county:{name}/sei"
        if name == UNKNOWN_COUNTY:
            continue
        enterprises = results.sums_of(sei).enterprises
        if enterprises == 0:
            empty.append(name)
        elif hidden(sei) or sei_hidden:
            withheld.append((name, disclosure.reason(sei, enterprises)))
        else:
            level = results.get(sei, size)
            share = results.share(size, sei, scope) if not hidden(scope) else None
            rate = results.get(sei, growth_id) if growth_id else None
            described.append({"name": name, "level": Figure(level.value, level.decimals),
                              "share": Figure(share.value, share.decimals) if share else Figure(None, 1),
                              "growth": Figure(rate.value, rate.decimals) if rate else Figure(None, 1)})
    described.sort(key=lambda c: -(c["level"].value or 0))
    unknown = None
    if UNKNOWN_COUNTY in names:
        scope = f"county:{UNKNOWN_COUNTY}"
        unknown = {"enterprises": None if hidden(scope) else results.sums_of(scope).enterprises}
    return {"counties": described, "counties_few": [n for n, why in withheld if why == "企业数较少"],
            "counties_law": [n for n, why in withheld if why != "企业数较少"], "counties_without_sei": empty,
            "county_unknown": unknown, "by_county": bool(names), "county_what": SIZE_WORDS[size],
            "county_basis": "按现价计算" if size == "value_added" else ""}


def structure_context(results: Results, disclosure: Disclosure, leading: list[str]) -> dict | None:
    """The 产业结构 paragraph: concentration, 中小微型 share and new enterprises of the SEI and of the
    leading categories (the report's own 产业结构 leaders), each figure only where it is published, with
    the words data/structure_words.csv gives its displayed value."""
    from .structure import words_for

    computed = {i.id for i in results.computed}
    if "revenue_hhi" not in computed:
        return None

    def scope(sid: str, name: str) -> dict | None:
        if disclosure.is_withheld(sid) or results.sums_of(sid).enterprises == 0:
            return None
        out = {"name": name}
        for iid in ("revenue_top3_share", "revenue_hhi", "sme_share", "new_enterprises",
                    "new_enterprises_revenue_share"):
            held = iid not in computed or disclosure.is_figure_withheld(sid, iid)
            res = None if held else results.get(sid, iid)
            out[iid] = Figure(None, 1) if res is None else Figure(res.value, res.decimals, res.unit)
            out[f"{iid}_words"] = "" if res is None else words_for(iid, out[iid].shown)
        return out

    sei = scope(SEI, "战新产业")
    sectors = [x for x in (scope(f"sector:{n}", n) for n in leading) if x is not None]
    return {"sei": sei, "sectors": sectors} if sei or sectors else None


def _investment(ledger) -> dict:
    """The projects paragraph's figures. Given a ledger, `investment` is always there (its growth and share
    empty without the city totals: the projects are still described); a blank 总投资 or 累计完成投资 is an
    empty Figure (unknown, its clause dropped), never 0, and so is a rate without a positive 总投资."""
    from .progress_words import progress_clause
    from .projects import industrial_investment, rate, yi

    inv = industrial_investment(ledger)
    key = []
    for k, p in enumerate(ledger.projects):
        if p.level != "省列重大":
            continue
        # Each sub-project in the ledger's order, said by its 形象进度 (else 状态); one with neither is left out.
        own_subs = [s for s in ledger.subprojects if s.project == k]
        subs = [{"name": s.name, "words": words, "text": s.name + words}
                for s in own_subs
                for words in [progress_clause(s.progress_text, s.state, (s.name, p.name))] if words]
        # The project's own 形象进度 first (its 状态 alone only without sub-projects: "在建，其中…") — unless it
        # sums up the sub-projects said one by one after it (it names one of them: 熔炼系统改造已建成…).
        sums_up = subs and any(len(s.name) >= 2 and s.name[:4] in (p.progress_text or "") for s in own_subs)
        progress = progress_clause(p.progress_text, p.state, (p.name,)) if (p.progress_text or not subs) \
            and not sums_up else ""
        key.append({"name": p.name, "total": Figure(yi(p.total), 2), "done": Figure(yi(p.done_total), 2),
                    "rate": Figure(rate(yi(p.done_total), yi(p.total)), 1), "subs": subs, "progress": progress})
    return {"investment": {"growth": Figure(inv["growth"], 1), "share": Figure(inv["share"], 1)},
            "key_projects": key}


def environment(templates: str | None = None):
    import jinja2

    loaders = []
    if templates:
        loaders.append(jinja2.FileSystemLoader(templates))
    loaders.append(jinja2.PackageLoader("xltools", "templates"))
    env = jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)
    env.filters.update(FILTERS)
    env.globals.update(GLOBALS)
    return env


def render(results: Results, disclosure: Disclosure, ledger=None, *, city: str = "全市",
           templates: str | None = None, official=None, counties: bool = False) -> str:
    """The analysis as Markdown: `# title`, `## 一、…` headings, one paragraph per block.
    `counties`: add the 分县区 paragraph (results computed by county)."""
    from .errors import InputError

    try:
        city = city_name(city)
    except ValueError as error:
        raise InputError(str(error)) from None
    ctx = context(results, disclosure, ledger, city, official, counties)
    try:
        text = environment(templates).get_template(TEMPLATE).render(**ctx)
    except Exception as error:  # only a bureau's own template's errors become input errors
        own = template_error(error, templates)
        if own is None:
            raise
        raise own from None
    out = []
    for kind, line in blocks(text):
        out.append({"title": "# ", "heading": "## ", "paragraph": ""}[kind] + line)
    return "\n\n".join(out) + "\n"


# Jinja2's syntax messages, in words a template's editor can act on.
_SYNTAX = ((r"Unexpected end of template.*innermost block that needs to be closed is '(\w+)'",
            lambda m: f"{{% {m[1]} %}} 没有对应的 {{% end{m[1]} %}}，模板就结束了"),
           (r"Encountered unknown tag '(\w+)'.*looking for the following tags: '(\w+)'",
            lambda m: f"遇到 {{% {m[1]} %}}，此处应为 {{% {m[2]} %}}"),
           (r"Encountered unknown tag '(\w+)'", lambda m: f"不认识的标签 {{% {m[1]} %}}"),
           (r"unexpected end of template", lambda m: "模板在 {{ 或 {% 未闭合处结束"),
           (r"unexpected '(.+)'", lambda m: f"此处不应有“{m[1]}”"),
           (r"expected token '(.+)', got '(.+)'", lambda m: f"此处应为“{m[1]}”，却是“{m[2]}”"))


def template_error(error: Exception, templates: str | None):
    """The InputError for an error in a bureau's own template (--templates): the file, the line, what is
    wrong in Chinese (a syntax error, a name that is neither a figure nor a variable, a filter called
    wrongly); None for an error elsewhere (the bundled template, the code: an internal error)."""
    import difflib
    import re
    import traceback

    import jinja2

    from .errors import InputError, Issue

    if not templates:
        return None
    folder = os.path.realpath(templates)

    def own(path: str | None) -> bool:
        return bool(path) and os.path.realpath(path).startswith(folder + os.sep)

    if isinstance(error, jinja2.TemplateSyntaxError):
        if not own(error.filename):
            return None
        path, line = error.filename, error.lineno
        said = next((say(m) for rx, say in _SYNTAX for m in [re.search(rx, error.message or "", re.DOTALL)] if m),
                    f"语法错误（Jinja2：{error.message}）")
        what = f"模板语法错误：{said}"
    else:
        frames = [f for f in traceback.extract_tb(error.__traceback__) if own(f.filename)]
        if not frames or not isinstance(error, (jinja2.TemplateError, TypeError, ValueError, ArithmeticError,
                                                LookupError, AttributeError)):
            return None
        path, line = frames[-1].filename, frames[-1].lineno
        found = re.search(r"has no attribute '([^']+)'|'([^']+)' is undefined", str(error))
        if isinstance(error, jinja2.UndefinedError) and found:
            name = found[1] or found[2]
            close = difflib.get_close_matches(name, sorted(_registry()), n=1)
            hint = f"，是否应为 {close[0]}" if close else ""
            what = f"模板中的“{name}”既不是指标也不是模板变量{hint}（指标名见 docs/indicators.md）"
        elif isinstance(error, TypeError):
            what = f"过滤器或函数的参数不对（{error}）"
        else:
            what = f"模板运行出错（{type(error).__name__}：{error}）"
    try:
        with open(path, encoding="utf-8") as fh:
            source = fh.read().splitlines()[line - 1].strip()
    except (OSError, IndexError, UnicodeDecodeError):
        source = ""
    shown = f"；该行为：{source[:80]}" if source else ""
    return InputError(Issue(f"{what}{shown}", file=path, row=line))


def blocks(markdown: str) -> list[tuple[str, str]]:
    """(kind, text): title, heading or paragraph."""
    out = []
    for line in markdown.splitlines():
        if line.startswith("# "):
            out.append(("title", line[2:].strip()))
        elif line.startswith("## "):
            out.append(("heading", line[3:].strip()))
        elif line.strip():
            out.append(("paragraph", line.strip()))
    return out


# The official-document fonts, and what Word falls back to by name (w:altName) where the Chinese name is
# unknown. Where neither is installed a viewer substitutes one CJK font for all three (on Linux often
# WenQuanYi Zen Hei): then only weight and size set headings apart, so headings are bold as well as 黑体.
DOCX_FONTS = {  # name: (altName, panose, family, pitch)
    "黑体": ("SimHei", "02010609060101010101", "modern", "fixed"),
    "仿宋": ("FangSong", "02010609060101010101", "modern", "fixed"),
    "宋体": ("SimSun", "02010600030101010101", "auto", "variable"),
}
LATIN_FONT = "Times New Roman"  # digits and Latin letters in the body, as official documents print them
DOCX_LOOK = {  # kind: (East Asian font, Latin font, size in points, bold)
    "title": ("宋体", LATIN_FONT, 22, True),
    "heading": ("黑体", "黑体", 16, True),
    "paragraph": ("仿宋", LATIN_FONT, 16, False),
}


def _declare_fonts(document) -> None:
    """Add the Chinese fonts to the document's font table with their English names as w:altName, the
    GB2312 charset and their panose, so a viewer without the Chinese name can still find the face."""
    from docx.oxml.ns import qn
    from lxml import etree

    part = next(p for p in document.part.package.parts if str(p.partname) == "/word/fontTable.xml")
    root = etree.fromstring(part.blob)
    for name, (alt, panose, family, pitch) in DOCX_FONTS.items():
        font = etree.SubElement(root, qn("w:font"), {qn("w:name"): name})
        for tag, value in (("altName", alt), ("panose1", panose), ("charset", "86"), ("family", family),
                           ("pitch", pitch)):
            etree.SubElement(font, qn(f"w:{tag}"), {qn("w:val"): value})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def write_docx(path: str, markdown: str) -> None:
    """An official-document look: 方正小标宋-like title (宋体 bold 22pt), 黑体 headings (bold, so that
    they stand out even where 黑体 is missing), 仿宋 16pt body with Times New Roman for digits, a
    two-character first-line indent and 28-point lines, A4."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    _declare_fonts(document)

    def run_font(run, kind):
        east, latin, size, bold = DOCX_LOOK[kind]
        run.font.name, run.font.size, run.font.bold = latin, Pt(size), bold
        fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
        fonts.set(qn("w:eastAsia"), east)
        fonts.set(qn("w:hint"), "eastAsia")
        # Chinese text marked as Chinese: a viewer without the named font then substitutes a Chinese face
        # of its own by language (and can embolden it), not a Latin font with borrowed glyphs.
        lang = run._element.rPr.makeelement(qn("w:lang"), {qn("w:eastAsia"): "zh-CN"})
        run._element.rPr.append(lang)

    for kind, text in blocks(markdown):
        p = document.add_paragraph()
        fmt = p.paragraph_format
        fmt.line_spacing = Pt(28)
        run_font(p.add_run(text), kind)
        if kind == "title":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            fmt.space_after = Pt(16)
        else:
            fmt.first_line_indent = Pt(32)
            if kind == "paragraph":
                p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            else:
                fmt.keep_with_next = True
    _page_numbers(section)
    _own_properties(document, blocks(markdown)[0][1] if markdown.startswith("# ") else "分析报告")
    document.save(path)


_APP_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="http://schemas.openxml'
            'formats.org/officeDocument/2006/extended-properties"><Application>xltools</Application></Properties>')


def _own_properties(document, title: str) -> None:
    """The document's own properties, none of python-docx's template: the report's title, xltools as
    author, created and modified now, language zh-CN; no description, no thumbnail, no 'Word' claim."""
    import datetime as dt

    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml.ns import qn

    props = document.core_properties
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None, microsecond=0)
    props.title, props.author, props.last_modified_by = title, "xltools", "xltools"
    props.created = props.modified = now
    props.language, props.revision = "zh-CN", 1
    for element in list(props._element):
        if element.tag == qn("dc:description") or (element.tag != qn("dc:title") and not (element.text or "").strip()
                                                   and element.tag not in (qn("dcterms:created"),
                                                                           qn("dcterms:modified"))):
            props._element.remove(element)
    package = document.part.package
    for rid, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[rid]
        elif rel.reltype == RT.EXTENDED_PROPERTIES:
            rel.target_part._blob = _APP_XML.encode("utf-8")


def _page_numbers(section) -> None:
    """The page number centred in the footer as official documents print it: — 1 — (a PAGE field),
    in 宋体 14pt (四号)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def run(text: str = ""):
        r = paragraph.add_run(text)
        r.font.size, r.font.name = Pt(14), "宋体"
        r._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
        return r

    def field_char(kind: str) -> None:
        element = OxmlElement("w:fldChar")
        element.set(qn("w:fldCharType"), kind)
        run()._element.append(element)

    run("— ")
    field_char("begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    run()._element.append(instruction)
    field_char("separate")
    run("1")
    field_char("end")
    run(" —")


def write(path: str, markdown: str, inputs: list[str]) -> str:
    """A .docx or .md by the extension, atomically, never over an input."""
    from .errors import InputError, Issue
    from .output import atomic_path, refuse_overwriting_inputs

    ext = os.path.splitext(path)[1].lower()
    if ext not in (".docx", ".md"):
        raise InputError(Issue(f"输出文件 {path} 的扩展名应为 .docx 或 .md"))
    refuse_overwriting_inputs([path], inputs)
    with atomic_path(path) as tmp:
        if ext == ".docx":
            write_docx(tmp, markdown)
        else:
            with open(tmp, "w", encoding="utf-8") as fh:
                fh.write(markdown)
    return path



