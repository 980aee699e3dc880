"""What the ribbon's buttons run (RunPython targets of udfs/addin/callbacks.bas).

Each macro works on the workbook the button was pressed in (xw.Book.caller()), or on a
Book-like object passed in (tests, other callers). The tables are the ones `xltools summary`
writes — the same descriptions (xltools/tables.py), written through udfs/sheets.py. Every
problem ends in a Chinese message box, never in a Python traceback dialog.
"""
from __future__ import annotations

import functools
import os

from udfs import engine
from udfs.engine import CONFIG_SHEETS, UdfError

TITLE = "xltools 战新产业"
SUMMARY_SHEETS = ("表1", "表2", "表3", "结构", "说明", "合计数据")
CHECK_SHEET = "校验结果"
REPORT_SHEET = "分析报告"


def _caller():
    import xlwings as xw

    return xw.Book.caller()


def alert(book, message: str) -> None:
    try:
        book.app.alert(message, title=TITLE)
    except Exception:  # no Excel to show it (a script): print instead
        print(message)


def macro(fn):
    """The calling workbook when none is given; every error becomes a message box."""

    @functools.wraps(fn)
    def wrapper(book=None, *args, **kwargs):
        book = book if book is not None else _caller()
        try:
            return fn(book, *args, **kwargs)
        except UdfError as exc:
            alert(book, str(exc).lstrip("#"))
        except Exception as exc:
            from xltools.errors import InputError

            if isinstance(exc, InputError):
                alert(book, exc.report())
            else:
                alert(book, f"xltools 内部错误：{type(exc).__name__}: {exc}")
        return None

    return wrapper


def _recalculate(book) -> None:
    """Recalculate every formula, the SEI_ functions included (they are not volatile)."""
    try:
        book.app.api.CalculateFull()
    except Exception:
        book.app.calculate()


@macro
def refresh_indicators(book):
    """刷新指标: read the source again, empty the cache, recalculate."""
    engine.CACHE.clear()
    e = engine.entry(book=book)
    _recalculate(book)
    return e


@macro
def write_summary(book):
    """生成汇总表: 表1, 表2, 表3 (with counties), 结构, 说明 and 合计数据 into this workbook."""
    from xltools.disclosure import plan
    from xltools.tables import sheet_set

    from udfs.sheets import write_table

    e = engine.entry(book=book)
    sheets = sheet_set(e.results, plan(e.results), e.info)
    written = []
    for t in sheets.tables:
        if t.sheet in SUMMARY_SHEETS:
            write_table(book, t)
            written.append(t.sheet)
    return written


@macro
def validate_data(book):
    """校验数据: every input error, or every plausibility warning, with its location, in 校验结果."""
    import xltools
    from xltools.errors import InputError
    from xltools.validate import plausibility

    from udfs.sheets import write_rows

    s = engine.settings(book=book)
    header = ["类型", "文件", "工作表", "行", "列", "值", "说明"]
    rows: list[list] = []
    try:
        data = xltools.load(s.source, period=s.period, sheet=s.sheet, sei_list=s.sei_list)
    except InputError as exc:
        for i in exc.issues:
            column = i.column or ""
            if i.col_index is not None:
                from xltools.errors import column_letter

                column = f"{column}[{column_letter(i.col_index)}列]" if column else f"{column_letter(i.col_index)}列"
            rows.append(["错误", i.file or "", i.sheet or "", i.row or "", column,
                         "" if not i.has_value else str(i.value), i.message])
    else:
        for note in data.notes:
            rows.append(["说明", data.source, data.sheet, "", "", "", note])
        for finding in plausibility(data):
            for r, name in zip(finding.rows, finding.names):
                rows.append(["警告", data.source, data.sheet, r, "", name, finding.title])
        if not rows:
            rows.append(["通过", data.source, data.sheet, "", "", "", f"读取 {len(data.frame)} 家企业，没有发现问题"])
    write_rows(book, CHECK_SHEET, header, rows, [8, 24, 14, 7, 22, 24, 60])
    errors = sum(1 for r in rows if r[0] == "错误")
    alert(book, f"发现 {errors} 处输入错误，详见“{CHECK_SHEET}”表" if errors
          else f"没有输入错误；可疑数据 {sum(1 for r in rows if r[0] == '警告')} 处，详见“{CHECK_SHEET}”表")
    return rows


@macro
def set_source(book, path: str | None = None, period: str | None = None, ledger: str | None = None):
    """设置数据源: the bureau file (and period) of this workbook, kept in its 'xltools配置' sheet."""
    if path is None:
        path, period = _ask(book)
        if not path:
            return None
    if not os.path.exists(path):
        raise UdfError(engine.NO_DATA + f"找不到数据文件 {path}")
    names = [s.name for s in book.sheets]
    conf = book.sheets[CONFIG_SHEETS[0]] if CONFIG_SHEETS[0] in names else \
        book.sheets.add(CONFIG_SHEETS[0], after=book.sheets[len(names) - 1])
    kept = engine.settings_from_book(book)
    ledger = ledger or (kept.ledger if kept is not None else None) or ""
    conf.range((1, 1)).value = [["数据文件", path], ["报告期", period or ""], ["项目台账", ledger],
                                ["说明", "本表由“设置数据源”按钮写入；SEI_ 函数和功能区按钮从这里取数；"
                                         "“项目台账”供“生成项目进度表”使用"]]
    engine.CACHE.clear()
    e = engine.entry(book=book)
    alert(book, f"数据源：{e.info.source}，{e.info.period_label}，{e.info.enterprises} 家企业")
    _recalculate(book)
    return e


def _ask(book) -> tuple[str | None, str | None]:
    """Excel's own file dialog and an input box for the period (Windows and macOS Excel)."""
    api = book.app.api
    chosen = api.GetOpenFilename("Excel 或 CSV 文件 (*.xlsx;*.xlsm;*.xls;*.csv),*.xlsx;*.xlsm;*.xls;*.csv",
                                 1, "选择局里导出的规上工业企业数据")
    if not chosen or chosen is False:
        return None, None
    period = api.InputBox("报告期（如 2022 或 2022-10；不填则从文件标题识别）", "设置数据源", "")
    return str(chosen), (str(period).strip() or None) if period not in (False, None) else None


@macro
def write_tracker(book, as_of=None):
    """生成项目进度表: the tracker of the workbook's 项目台账 (xltools配置), as of today, into its sheets."""
    import datetime as dt

    from xltools.ledger import read_ledger
    from xltools.tracker import tracker_tables

    from udfs.sheets import write_table

    path = engine.ledger_path(book)
    if not os.path.exists(path):
        raise UdfError(engine.NO_DATA + f"找不到项目台账 {path}")
    ledger = read_ledger(path)
    written = []
    for t in tracker_tables(ledger, as_of or dt.date.today()):
        write_table(book, t)
        written.append(t.sheet)
    warn = f"；台账有 {len(ledger.warnings)} 处需要核实，见“校验”表" if ledger.warnings else ""
    alert(book, f"已写入项目进度表：{len(ledger.projects)} 个项目{warn}")
    return written


@macro
def write_report(book):
    """生成分析报告: the 发展现状 text in a sheet 分析报告 (one paragraph a row), with the workbook's
    项目台账 when one is configured."""
    from xltools.disclosure import plan
    from xltools.report import blocks, render

    from udfs.sheets import write_rows

    e = engine.entry(book=book)
    ledger = None
    try:
        path = engine.ledger_path(book)
    except UdfError:
        path = None
    if path and os.path.exists(path):
        from xltools.ledger import read_ledger

        ledger = read_ledger(path)
    text = render(e.results, plan(e.results), ledger)
    rows = [[line] for _, line in blocks(text)]
    ws = write_rows(book, REPORT_SHEET, [rows[0][0]], rows[1:], [120])
    ws.range((2, 1), (len(rows), 1)).wrap_text = True
    return text
