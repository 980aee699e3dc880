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
    """A scope's published figures by indicator id: `sei.profit_margin` -> Figure."""

    def __init__(self, results: Results, scope: str, withheld: bool):
        self._r, self._scope, self.withheld = results, scope, withheld
        self._computed = {i.id for i in results.computed}

    def __getattr__(self, iid: str) -> Figure:
        if iid.startswith("_") or self.withheld or iid not in self._computed:
            return Figure(None, 0)
        res = self._r.get(self._scope, iid)
        return Figure(res.value, res.decimals, res.unit)


class Gaps:
    """Differences of the SEI against all industry: `gap.profit_margin` (百分点, 元, 天)."""

    def __init__(self, results: Results, scope: str, reference: str, hidden: bool):
        self._r, self._s, self._ref, self._hidden = results, scope, reference, hidden
        self._computed = {i.id for i in results.computed}

    def __getattr__(self, iid: str) -> Figure:
        if iid.startswith("_") or self._hidden or iid not in self._computed:
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


def context(results: Results, disclosure: Disclosure, ledger=None, city: str = "全市", official=None) -> dict:
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
        fig = Scope(results, scope, False)
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
        "sei": Scope(results, SEI, sei_hidden), "all": Scope(results, ALL, hidden(ALL)),
        "gap": Gaps(results, SEI, ALL, sei_hidden), "profit_words": "" if sei_hidden else _profit_words(results, SEI),
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
    if ledger is not None:
        ctx.update(_investment(ledger))
    return ctx


def _investment(ledger) -> dict:
    from .projects import industrial_investment, rate, yi

    inv = industrial_investment(ledger)
    key = []
    for k, p in enumerate(ledger.projects):
        if p.level != "省列重大":
            continue
        subs = [{"name": s.name, "words": s.progress_text or s.state or ""}
                for s in ledger.subprojects if s.project == k]
        key.append({"name": p.name, "total": Figure(yi(p.total), 2), "done": Figure(yi(p.done_total), 2),
                    "rate": Figure(rate(yi(p.done_total), yi(p.total)), 1), "subs": subs,
                    "progress": p.progress_text})
    investment = {"growth": Figure(inv["growth"], 1), "share": Figure(inv["share"], 1)} if ledger.totals else None
    return {"investment": investment or ({} if key else None), "key_projects": key}


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
           templates: str | None = None, official=None) -> str:
    """The analysis as Markdown: `# title`, `## 一、…` headings, one paragraph per block."""
    text = environment(templates).get_template(TEMPLATE).render(**context(results, disclosure, ledger, city,
                                                                          official))
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


def write_docx(path: str, markdown: str) -> None:
    """An official-document look: 方正小标宋-like title (宋体 bold 22pt), 黑体 headings, 仿宋 16pt body
    with a two-character first-line indent and 28-point lines, A4."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = docx.Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)

    def run_font(run, name, size, bold=False):
        run.font.name, run.font.size, run.font.bold = name, Pt(size), bold
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)

    for kind, text in blocks(markdown):
        p = document.add_paragraph()
        fmt = p.paragraph_format
        fmt.line_spacing = Pt(28)
        if kind == "title":
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            run_font(p.add_run(text), "宋体", 22, bold=True)
            fmt.space_after = Pt(16)
        elif kind == "heading":
            fmt.first_line_indent = Pt(32)
            run_font(p.add_run(text), "黑体", 16)
        else:
            fmt.first_line_indent = Pt(32)
            p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            run_font(p.add_run(text), "仿宋", 16)
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



