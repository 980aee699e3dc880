"""Sheet choice: which sheet of a workbook is the export, said aloud.

Every sheet's first rows are looked at. One visible sheet with an export header is chosen; a
hidden sheet is never chosen silently (a stale copy hidden before the visible one is common); two
visible candidates stop the read with a message that lists them and asks for --sheet.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .errors import InputError, Issue
from .header import HeaderLayout, closest_header, locate_header
from .sources import PEEK_ROWS, Source


@dataclass
class SheetChoice:
    layout: HeaderLayout
    notes: list[str] = field(default_factory=list)  # what was decided about the other sheets


def choose_sheet(source: Source, sheet: str | None, accept: Callable[[dict], bool], what: str) -> SheetChoice:
    names = source.sheet_names()
    if not names:
        raise source.fail("工作簿中没有工作表")
    if sheet is not None:
        if sheet not in names:
            raise source.fail(f"没有名为“{sheet}”的工作表；工作表有：{'、'.join(names)}")
        layout = locate_header(source.peek(sheet), sheet, accept)
        if layout is None:
            raise _no_header(source, [sheet], what)
        notes = [f"按 --sheet 读取工作表“{sheet}”" + ("（隐藏的工作表）" if not source.sheet_visible(sheet) else "")]
        return SheetChoice(layout, notes)
    found: list[tuple[HeaderLayout, bool]] = []
    for name in names:
        layout = locate_header(source.peek(name), name, accept)
        if layout is not None:
            found.append((layout, source.sheet_visible(name)))
    if not found:
        raise _no_header(source, names, what)
    visible = [lay for lay, shown in found if shown]
    hidden = [lay for lay, shown in found if not shown]
    if len(visible) > 1:
        raise source.fail("有多个工作表像是" + what + "：" + "、".join(f"“{lay.sheet}”" for lay in visible)
                          + "。请用 --sheet 指定要读取的工作表，例如 --sheet " + _quoted(visible[0].sheet))
    if not visible:
        raise source.fail("像是" + what + "的工作表只有隐藏的：" + "、".join(f"“{lay.sheet}”" for lay in hidden)
                          + "。隐藏的工作表可能是旧数据；确需读取时请用 --sheet 指定，例如 --sheet " + _quoted(hidden[0].sheet))
    chosen = visible[0]
    notes = [f"读取工作表“{chosen.sheet}”" + (f"（共 {len(names)} 个工作表）" if len(names) > 1 else "")]
    if hidden:
        notes.append("隐藏的工作表" + "、".join(f"“{lay.sheet}”" for lay in hidden) + "也像是" + what + "，未读取")
    return SheetChoice(chosen, notes)


def _quoted(name: str) -> str:
    return f'"{name}"' if any(ch.isspace() for ch in name) else name


def _no_header(source: Source, candidates: list[str], what: str) -> InputError:
    best: tuple[int, str, dict] | None = None
    for name in candidates:
        r, found = closest_header(source.peek(name))
        if best is None or len(found) > len(best[2]):
            best = (r, name, found)
    if best is None or not best[2]:
        where = "、".join(f"“{n}”" for n in candidates)
        return source.fail(f"在工作表 {where} 的前{PEEK_ROWS}行中找不到{what}的表头行")
    r, name, found = best
    ids = {m.spec.id for m in found.values()}
    missing = []
    if not ids & {"ent_id", "ent_name"}:
        missing.append("企业标识（统一社会信用代码 或 单位详细名称）")
    return InputError(Issue(
        f"找不到{what}的表头行（第{r + 1}行最接近，只认出了：{'、'.join(m.spec.label for m in found.values())}）"
        + (f"；缺少必需的列：{'、'.join(missing)}" if missing else "；至少需要企业标识列和2个指标列"),
        file=source.name, sheet=name))
