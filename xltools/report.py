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


class Scope:
    """A scope's published figures by indicator id: `sei.profit_margin` -> Figure. A figure withheld on its
    own in a published scope (a loss amount of too few loss-makers, the largest enterprise's share…) is
    empty, as the whole scope's are when it is withheld."""

    def __init__(self, results: Results, scope: str, withheld: bool, disclosure: Disclosure | None = None):
        self._r, self._scope, self.withheld, self._d = results, scope, withheld, disclosure
        self._computed = {i.id for i in results.computed}

    def __getattr__(self, iid: str) -> Figure:
        if iid.startswith("_") or self.withheld or iid not in self._computed or \
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
        # A difference with a figure withheld on its own (either side) would give that figure back.
        if iid.startswith("_") or self._hidden or iid not in self._computed or (self._d is not None and (
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


def when(results: Results) -> str:
    p = results.period
    return f"{p.year}年" if (p.start_month, p.end_month) == (1, 12) else p.label


def _figure(derived) -> Figure:
    return Figure(None, 1) if derived is None else Figure(derived.value, derived.decimals, derived.unit)


def _combined_share(results: Results, indicator_id: str, names: list[str]) -> Figure:
    """The named categories' part of the SEI total together, in % (1 decimal as every share)."""
    total = results.value(SEI, indicator_id)
    parts = [results.value(f"sector:{n}", indicator_id) for n in names]
    if total is None or total <= 0 or any(p is None for p in parts):
        return Figure(None, 1)
    return Figure(sum(parts) / total * 100, 1)


def _above_withheld(results: Results, iid: str, value: float | None, published: list[str],
                    withheld: list[str]) -> bool:
    """Whether `value` is at least every withheld category's, provably from published figures: the
    withheld categories together (SEI minus the published ones, which anyone can subtract) hold no more.
    Each withheld figure is checked too, so a negative one can never make the claim false."""
    if not withheld:
        return True
    total = results.value(SEI, iid)
    parts = [results.value(f"sector:{n}", iid) for n in published]
    if value is None or total is None or None in parts:
        return False
    hidden = [results.value(f"sector:{n}", iid) for n in withheld]
    return value >= total - sum(parts) and all(h is not None and h <= value for h in hidden)


def _concentration(results: Results, sectors: list[dict], size: str, computed: set[str],
                   withheld: list[str]) -> dict | None:
    """"主要集中在A和B两大领域": the two or three leading categories that together (as published, each
    share rounded) hold more than half of SEI; None when the leader alone does, or three do not, or a
    withheld category might be larger than the last one named."""
    shares = [s["share"].shown for s in sectors[:3] if s["share"]]
    if not shares or shares[0] > 50:
        return None
    for k in (2, 3):
        if len(shares) >= k and sum(shares[:k]) > 50:
            names = [s["name"] for s in sectors[:k]]
            if not _above_withheld(results, size, sectors[k - 1]["level"].value, [s["name"] for s in sectors],
                                   withheld):
                return None
            profit = _combined_share(results, "total_profit", names) if "total_profit" in computed else Figure(None, 1)
            return {"names": names, "count": {2: "两大", 3: "三大"}[k], "who": {2: "两者", 3: "三者"}[k],
                    "share": _combined_share(results, size, names),
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
    size = size_indicator(results)
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
    ctx = {
        "when": when(results), "city": city, "all_label": ALL_LABEL, "sei_label": SEI_LABEL,
        "suppressed": disclosure.enabled,  # False (--no-suppress): the report says it is for internal use
        "sei": Scope(results, SEI, sei_hidden, disclosure), "all": Scope(results, ALL, hidden(ALL), disclosure),
        "gap": Gaps(results, SEI, ALL, sei_hidden, disclosure), "profit_words": "" if sei_hidden else _profit_words(results, SEI),
        "sectors": sectors, "structure": structure, "profit_leaders": profit_leaders, "withheld": withheld,
        "size_leader": structure[0] if ranked else None,
        "profit_leader": profit_leaders[0] if ranked and not withheld and profit_leaders else None,
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
        ctx.update(_investment(ledger))
    ctx["industry_structure"] = structure_context(results, disclosure, [s["name"] for s in structure])
    return ctx


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
    """The projects paragraph's figures. A blank 总投资 or 累计完成投资 is an empty Figure (its clause is
    dropped), never 0; the city totals' growth and share are empty without the totals table."""
    from .progress_words import progress_clause
    from .projects import industrial_investment, rate, yi

    inv = industrial_investment(ledger)
    key = []
    for k, p in enumerate(ledger.projects):
        if p.level != "省列重大":
            continue
        # Each sub-project in the ledger's order, said by its 形象进度 (else 状态); one with neither is left out.
        subs = [{"name": s.name, "words": words, "text": s.name + words}
                for s in ledger.subprojects if s.project == k
                for words in [progress_clause(s.progress_text, s.state)] if words]
        key.append({"name": p.name, "total": Figure(yi(p.total), 2), "done": Figure(yi(p.done_total), 2),
                    "rate": Figure(rate(yi(p.done_total), yi(p.total)), 1), "subs": subs,
                    "progress": progress_clause(p.progress_text, p.state)})
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
    text = environment(templates).get_template(TEMPLATE).render(**context(results, disclosure, ledger, city,
                                                                          official, counties))
    out = []
    for kind, line in blocks(text):
        out.append({"title": "# ", "heading": "## ", "paragraph": ""}[kind] + line)
    return "\n\n".join(out) + "\n"


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
    document.core_properties.title = blocks(markdown)[0][1] if markdown.startswith("# ") else "分析报告"
    document.core_properties.author = "xltools"
    document.save(path)


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



