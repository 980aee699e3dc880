"""The `xltools` command: a thin click layer over the library.

Heavy imports (pandas, pyarrow, fastexcel) happen inside the commands, so
`xltools --help` answers at once.
"""
from __future__ import annotations

import functools
import os
import sys

import click

from . import __version__
from .clickzh import CONTEXT, Date, Group, OutputFile, require_suffix


def sample_path() -> str:
    """The sample bureau export that ships with the package (the default input)."""
    from importlib import resources

    return str(resources.files("xltools.samples").joinpath("bureau_2022.xlsx"))


def guarded(fn):
    """Input errors -> Chinese report on stderr, exit 2; anything else -> exit 1, no traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from .errors import InputError, OutputError

        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            click.echo(exc.report(), err=True)
            sys.exit(2)
        except OutputError as exc:
            click.echo(f"无法写出结果：{exc}", err=True)
            sys.exit(1)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:  # a bug of ours: say so plainly
            if os.environ.get("XLTOOLS_DEBUG"):
                raise
            click.echo(f"xltools 内部错误：{type(exc).__name__}: {exc}\n"
                       "（设置环境变量 XLTOOLS_DEBUG=1 可显示详细信息，请把它附在问题报告中）", err=True)
            sys.exit(1)

    return wrapper


@click.group(cls=Group, context_settings=CONTEXT)
@click.version_option(__version__, prog_name="xltools", message="%(prog)s %(version)s", help="显示版本并退出")
def main():
    """xltools：从规模以上工业企业数据计算战略性新兴产业指标，生成汇总表、项目进度表和分析报告。

    \b
    不给输入文件时各命令使用随包附带的样例数据。示例：
      xltools validate 2022年1-12月.xlsx          # 检查一份局里导出的企业数据
      xltools summary 2022年1-12月.xlsx           # 标准汇总表（表1—表3、图表、说明）
      xltools tracker 重点项目台账.xlsx            # 项目进度表
      xltools trend 2022年1-*月.xlsx              # 各月累计数据：逐期指标、当月数、趋势图
      xltools report 2022年1-12月.xlsx --ledger 重点项目台账.xlsx -o 发展现状.docx
      xltools addin install                       # Excel 加载项：“战新产业”功能区和 SEI_ 函数
    退出码：0 成功，1 程序内部错误或无法写出，2 输入或用法有误。
    """


def reading(path: str) -> None:
    """Say what is being read when a person watches (big exports take seconds); quiet in pipes."""
    if sys.stderr.isatty():
        size = os.path.getsize(path) if os.path.exists(path) else 0
        if size > 2_000_000:
            click.echo(f"正在读取 {os.path.basename(path)}（{size / 1e6:.0f} MB）…", err=True)


def input_argument(fn):
    return click.argument("input_path", metavar="INPUT", required=False,
                          type=click.Path(dir_okay=False))(fn)


def _no_cache(ctx, param, value):
    """--no-cache: this command neither reads nor writes the parse cache (nor do the processes it starts,
    which inherit the environment); the setting is put back when the command ends."""
    if value:
        from .readcache import ENV_OFF

        before = os.environ.get(ENV_OFF)
        os.environ[ENV_OFF] = "1"
        ctx.call_on_close(lambda: os.environ.__setitem__(ENV_OFF, before) if before is not None
                          else os.environ.pop(ENV_OFF, None))


def read_options(fn):
    fn = click.option("--no-cache", "no_cache", is_flag=True, expose_value=False, callback=_no_cache,
                      help="不使用解析缓存：重新读取整个文件，也不写入缓存（见 xltools cache）。")(fn)
    fn = click.option("--period", "period", metavar="P",
                      help="报告期，如 2022、2022-10、2022年1-10月；默认从标题行或文件名识别。")(fn)
    fn = click.option("--sheet", metavar="S", help="数据所在的工作表名；默认自动查找表头所在的工作表。")(fn)
    fn = click.option("--sei-list", "sei_list", metavar="F", type=click.Path(dir_okay=False, exists=True),
                      help="战新企业名录（统一社会信用代码或单位名称 + 战新产业类别）；数据中没有类别列时使用。")(fn)
    return fn


@main.command(context_settings=CONTEXT)
@input_argument
@read_options
@guarded
def validate(input_path, period, sheet, sei_list):
    """检查一份企业数据或项目台账：列出所有输入错误和可疑数据，有错误时退出码为 2。

    \b
    按表头自动识别是规上工业企业数据还是重点项目台账。不给 INPUT 时检查随包附带的样例数据。
    示例：
      xltools validate 2022年1-12月规上工业.xlsx
      xltools validate 企业.csv --period 2022-10
      xltools validate 重点项目台账.xlsx
    """
    from .ledger import is_ledger
    from .sources import open_source

    path = input_path or sample_path()
    reading(path)
    source = open_source(path)  # opened once, whichever kind of file it turns out to be
    if is_ledger(source):
        from .ledger import read_ledger
        from .tracker import render_validation as render_ledger

        for note in source.notes:  # e.g. a CSV saved under an .xls name: read as what it is
            click.echo(f"注意：{note}", err=True)
        click.echo(render_ledger(read_ledger(source)))
        return
    from .reader import read_bureau
    from .report_validate import render_validation

    data = read_bureau(source, sheet=sheet, period=period, sei_list=sei_list)
    click.echo(render_validation(data))


def compute_options(fn):
    fn = click.option("--calendar-days", is_flag=True, help="周转天数按日历天数计算（默认按国家统计局每月30天）。")(fn)
    fn = click.option("--by", "by", type=click.Choice(["county"]),
                      help="另按县区分组计算（县区及其战新产业；汇总表中为表3，分析报告中为“分县区看”一段）。")(fn)
    fn = click.option("--opening", metavar="F", type=click.Path(dir_okay=False),
                      help="上年1-12月的企业数据：其期末余额作为本年年初数（按统一社会信用代码匹配）。")(fn)
    fn = click.option("--sei-map", "sei_map", metavar="F", type=click.Path(dir_okay=False, exists=True),
                      help="行业代码—战新产业对照表（CSV 文件，列同随包附带的 xltools/data/sei_industry_map.csv）；"
                           "没有类别列和名录时使用。")(fn)
    return fn


def output_format(fmt: str | None, output: str | None, default: str) -> str:
    """--format, else -o's extension, else `default`; the two must agree when both are given."""
    written = os.path.splitext(output)[1].lower()[1:] if output else None
    if fmt and written and fmt != written:
        raise click.UsageError(f"--format {fmt} 与 -o {output} 的扩展名不一致")
    return fmt or written or default


def _dominance(ctx, param, value):
    if value is None:
        return None
    from .dominance import parse_rule

    try:
        return parse_rule(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def dominance_option(fn):
    return click.option("--dominance", metavar="N,K", callback=_dominance,
                        help="支配性规则：最大N家企业占某总量（总产值、增加值、营业收入、利润总额绝对值）超过K%的范围不公布，"
                             "如 1,85；加 ,all 时全市和战新合计也按此规则（如 1,85,all）。不给出时只提示哪些范围超过 1,85，照常公布。")(fn)


def disclosure_options(suppress_help: str, threshold_help: str):
    """--no-suppress, --threshold and --dominance: the disclosure control every publishing command shares,
    each command saying in its own words what they do there."""
    def apply(fn):
        fn = dominance_option(fn)
        fn = click.option("--threshold", metavar="N", type=click.IntRange(1, 1000), default=3, show_default=True,
                          help=threshold_help)(fn)
        return click.option("--no-suppress", "no_suppress", is_flag=True, help=suppress_help)(fn)
    return apply


def paper_and_jobs_options(paper_help: str, jobs_help: str):
    """--paper and --jobs: the workbook commands over several exports (summary, trend), in each one's words."""
    def apply(fn):
        fn = click.option("--jobs", metavar="N", type=click.IntRange(1, 256), default=None, help=jobs_help)(fn)
        return click.option("--paper", type=click.Choice(["A4", "A3"]), default="A4", show_default=True,
                            help=paper_help)(fn)
    return apply


def va_growth_option(fn):
    return click.option("--va-growth", "va_growth", metavar="F", type=click.Path(dir_okay=False),
                        help="官方可比价工业增加值增速表：CSV（UTF-8 或 GBK）、.xlsx 或 .xls，第一行为列名“范围”“增速”（%），"
                             "可选“来源”；范围写 全市、战新（或 战略性新兴产业）或产业全称（如 新材料产业）。"
                             "表1、表2和报告中列出的范围用它代替现价增速，未列出的范围仍为现价增速，注中逐一说明。")(fn)


@main.command(context_settings=CONTEXT)
@input_argument
@read_options
@compute_options
@disclosure_options("按规定不公布的数也显示其数值（仍标为不公布，仅供内部使用）。",
                    "数据保密阈值，与 summary 相同：企业数少于此数的范围标为不公布。")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "table"]),
              help="输出格式：json（机器读取）、csv、table（终端表格）；默认 table，给 -o 时按其扩展名。")
@click.option("-o", "--output", metavar="OUT", type=OutputFile(".csv", ".json"),
              help="写入文件：.csv（中文列名，UTF-8 编码并带签名，在 Excel 中双击即可打开）或 .json。")
@guarded
def indicators(input_path, period, sheet, sei_list, sei_map, opening, by, calendar_days, no_suppress, threshold,
               dominance, fmt, output):
    """计算全市规上工业、战略性新兴产业及九大领域的全部指标。

    \b
    不给 INPUT 时使用随包附带的样例数据。
    示例：
      xltools indicators 2022年1-12月规上工业.xlsx
      xltools indicators 企业.xlsx --format json > 指标.json
      xltools indicators 2022年1-10月.xlsx --opening 2021年1-12月.xlsx --by county -o 指标.csv
    """
    import xltools

    from .render import render_indicators, write_indicators

    fmt = output_format(fmt, output, "table")
    path = input_path or sample_path()
    reading(path)
    data = xltools.load(path, sheet=sheet, period=period, sei_list=sei_list, calendar_days=calendar_days)
    opening_data = xltools.load(opening) if opening else None
    results = xltools.compute(data, by_county=by == "county", sei_map=sei_map, opening=opening_data)
    from .disclosure import plan

    # The same withholding as the summary's, marked; the values of withheld scopes only with --no-suppress.
    disclosure = plan(results, threshold=threshold, dominance=dominance)
    if output:
        write_indicators(output, results, fmt, [path, opening, sei_list, sei_map], disclosure, no_suppress)
        click.echo(f"已写入 {output}")
    else:
        click.echo(render_indicators(results, fmt, disclosure, keep_values=no_suppress), nl=fmt != "csv")


@main.command(context_settings=CONTEXT)
@click.argument("inputs", metavar="[INPUT]...", nargs=-1, type=click.Path(dir_okay=False))
@read_options
@compute_options
@click.option("-o", "--output", metavar="OUT", type=click.Path(),
              help="输出的工作簿；默认为当前文件夹下的“战新产业汇总表_报告期.xlsx”。用 --split 时为输出文件夹。")
@click.option("--split", is_flag=True, help="多份数据时每个报告期写一个工作簿（默认写在同一个工作簿中）。")
@disclosure_options("不做数据保密处理（仅供内部使用，不得对外公布）。",
                    "数据保密阈值：企业数少于此数的范围不公布，并做次级保护。")
@va_growth_option
@paper_and_jobs_options("打印用纸（横向）：A3 可把宽表印在一页上。", "多份数据时同时读取的进程数；默认为本机的处理器核数。")
@guarded
def summary(inputs, period, sheet, sei_list, sei_map, opening, by, calendar_days, output, split, no_suppress,
            threshold, dominance, va_growth, paper, jobs):
    """生成战略性新兴产业汇总表工作簿：表1、表2、（表3）、图表、说明和合计数据。

    \b
    表中每个数都是对“合计数据”表的 Excel 公式（已存计算结果），可在 Excel、WPS、LibreOffice 中核对；
    企业数少于阈值的范围及可由合计推算的范围以“…”表示，其数据不写入文件。
    不给 INPUT 时使用随包附带的样例数据。
    示例：
      xltools summary 2022年1-12月规上工业.xlsx
      xltools summary 2022年1-12月.xlsx --by county -o 汇总表.xlsx
      xltools summary 2022年*月.xlsx                 # 一年的月度数据写在一个工作簿中
      xltools summary 2022年*月.xlsx --split -o 汇总表/
    """
    from . import summary as sm
    from .errors import InputError
    from .output import output_folder, refuse_overwriting_inputs

    paths = list(inputs) or [sample_path()]
    if period and len(paths) > 1:
        raise click.UsageError("多份数据时不能用 --period 指定报告期：每份数据的报告期从其标题或文件名识别")
    if split and output and (output.lower().endswith(".xlsx") or os.path.exists(output) and not os.path.isdir(output)):
        raise click.UsageError("--split 时 -o 应为文件夹，每个报告期写一个工作簿"
                               + (f"；{output} 已存在且不是文件夹" if os.path.exists(output) else ""))
    if output and not split and not os.path.isdir(output):
        require_suffix(output, (".xlsx",), hint="选项 --output")
        refuse_overwriting_inputs([output], paths + [opening, sei_list, sei_map])
    options = sm.Options(period=period, sheet=sheet, sei_list=sei_list, sei_map=sei_map, by_county=by == "county",
                         calendar_days=calendar_days, suppress=not no_suppress, threshold=threshold,
                         dominance=dominance, va_growth=va_growth)
    import xltools

    opening_data = xltools.load(opening) if opening else None
    prepared, failed = [], []
    with progress(len(paths), "正在读取") as bar:
        outcomes = sm.prepare_all(paths, options, opening_data, jobs=jobs or os.cpu_count() or 1,
                                  tick=lambda: bar.update(1))
    for path, p in zip(paths, outcomes):
        if isinstance(p, InputError):
            failed.append((path, p))
            continue
        dup = sm.duplicate_period(prepared, p)
        if dup:
            failed.append((path, dup))
        else:
            prepared.append(p)
    for path, exc in failed:
        click.echo(f"{os.path.basename(path)} 未写入汇总表：\n{exc.report()}", err=True)
    if not prepared:
        sys.exit(2)
    all_inputs = paths + [opening, sei_list, sei_map, va_growth]
    if split:
        folder = output_folder(output or ".")
        for p, sheets in zip(prepared, sm.build(prepared, prefixed=False)):
            target = os.path.join(folder, sm.default_name([p.label]))
            sm.write(target, [sheets], all_inputs, paper)
            said_written(target, [p])
    else:
        target = output or sm.default_name([p.label for p in prepared])
        if os.path.isdir(target):
            target = os.path.join(target, sm.default_name([p.label for p in prepared]))
        sm.write(target, sm.build(prepared, prefixed=len(paths) > 1), all_inputs, paper)
        said_written(target, prepared)
    if failed:
        click.echo(f"{len(failed)} 份数据有错误未写入，其余 {len(prepared)} 份已写入。", err=True)
        sys.exit(2)


def _city(value: str) -> str:
    from .report import city_name

    try:
        return city_name(value)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@main.command(context_settings=CONTEXT)
@input_argument
@read_options
@compute_options
@click.option("--ledger", metavar="LEDGER", type=click.Path(dir_okay=False),
              help="重点项目台账：写出“工业投资项目进展”一段。")
@click.option("-o", "--output", metavar="OUT", type=OutputFile(".docx", ".md"),
              help="输出 .docx（公文格式）或 .md；不给时在终端显示 Markdown。")
@click.option("--city", metavar="地区", default="全市", show_default=True, callback=lambda ctx, param, value:
              _city(value), help="文中的地区称谓，如 金昌市。")
@click.option("--templates", metavar="DIR", type=click.Path(file_okay=False, exists=True),
              help="自己改写的模板所在文件夹（含 report.md.j2）；默认用随包附带的模板。")
@disclosure_options("不做数据保密处理（仅供内部使用）。",
                    "数据保密阈值：企业数少于此数的产业不写数字。")
@va_growth_option
@guarded
def report(input_path, period, sheet, sei_list, sei_map, opening, by, calendar_days, ledger, output, city,
           templates, no_suppress, threshold, dominance, va_growth):
    """写出“发展现状”分析：总体发展概况、发展特点、工业投资项目进展。

    \b
    句子在模板 xltools/templates/report.md.j2 中，局里可复制后改写（--templates）；
    数字与汇总表完全一致，用词按数字的正负和大小选定；不公布的产业只列名称，不写数字。
    不给 INPUT 时使用随包附带的样例数据。
    示例：
      xltools report 2022年1-12月规上工业.xlsx --ledger 重点项目台账.xlsx -o 发展现状.docx
      xltools report --ledger 台账.xlsx                     # 在终端显示 Markdown
    """
    import xltools

    from . import summary as sm
    from .report import render, write

    path = input_path or sample_path()
    reading(path)
    options = sm.Options(period=period, sheet=sheet, sei_list=sei_list, sei_map=sei_map, by_county=by == "county",
                         calendar_days=calendar_days, suppress=not no_suppress, threshold=threshold,
                         dominance=dominance, va_growth=va_growth)
    prepared = sm.prepare(path, options, xltools.load(opening) if opening else None)
    if options.by_county and not any(s.scope.startswith("county:") for s in prepared.results.scopes):
        click.echo("提示：数据中没有县(区)列，分析中没有“分县区看”一段。", err=True)
    for note in prepared.info.notes:  # the report's title names the period: a title or file name that differs is said
        if note.startswith("报告期按 --period"):
            click.echo(f"提示：{note}", err=True)
    ledger_data = None
    if ledger:
        from .ledger import read_ledger

        ledger_data = read_ledger(ledger)
    text = render(prepared.results, prepared.disclosure, ledger_data, city=city, templates=templates,
                  official=prepared.official, counties=options.by_county)
    if output:
        write(output, text, [path, ledger, opening, sei_list, sei_map, va_growth])
        click.echo(f"已写入 {output}")
    else:
        click.echo(text, nl=False)


@main.command(context_settings=CONTEXT)
@click.argument("inputs", metavar="INPUT...", nargs=-1, required=True, type=click.Path(dir_okay=False))
@read_options
@compute_options
@disclosure_options("不做数据保密处理（仅供内部使用，不得对外公布）。",
                    "数据保密阈值，与 summary 相同；某范围在任一期不公布，则各期均不公布。")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "json"]),
              help="输出格式：xlsx（趋势工作簿，默认）或 json（每期一个对象，在终端显示，或写入 -o 给出的 .json 文件）。")
@click.option("-o", "--output", metavar="OUT", type=OutputFile(".xlsx", ".json"),
              help="输出文件：.xlsx 或 .json；默认为当前文件夹下的“战新产业趋势_报告期.xlsx”。")
@paper_and_jobs_options("打印用纸（横向）。", "同时读取的进程数；默认为本机的处理器核数。")
@guarded
def trend(inputs, period, sheet, sei_list, sei_map, opening, by, calendar_days, no_suppress, threshold, dominance,
          fmt, output, paper, jobs):
    """一年中各月的累计数据：逐期指标、当月数和趋势图。

    \b
    INPUT 为同一年各期的1-N月累计数据（顺序不限，报告期从标题或文件名识别），各期应逐月相连：
    缺少中间的月份、同一报告期有两份数据、不同年份或不是从1月起的累计数据都是输入错误。
    第一期可以是1月、1-2月或任何1-N月（1-2月常为一年的第一次发布）；从第二期起有当月数：
    本期累计减上期累计，只计两期都有的企业（按统一社会信用代码对应），进入和退出的企业数写在注中。
    工作簿中每个数都是对“合计数据”表的 Excel 公式（已存计算结果）；数据保密与 summary 相同，
    某范围在任一期不公布，则各期都不公布；当月数另按进入、退出的企业数保护（少于阈值时该月不公布）。
    示例：
      xltools trend 2022年1-2月.xlsx 2022年1-3月.xlsx 2022年1-4月.xlsx
      xltools trend 2022年*.xlsx -o 趋势.xlsx
      xltools trend 2022年*.xlsx --format json > 趋势.json
    """
    from . import summary as sm
    from . import trend as tr
    from .output import refuse_overwriting_inputs

    paths = list(inputs)
    if period and len(paths) > 1:
        raise click.UsageError("多份数据时不能用 --period 指定报告期：每份数据的报告期从其标题或文件名识别")
    fmt = output_format(fmt, output, "xlsx")
    all_inputs = paths + [opening, sei_list, sei_map]
    if output:
        refuse_overwriting_inputs([output], all_inputs)
    # JSON marks what is withheld even with --no-suppress (then keeping the values), as `indicators` does.
    options = sm.Options(period=period, sheet=sheet, sei_list=sei_list, sei_map=sei_map, by_county=by == "county",
                         calendar_days=calendar_days, suppress=fmt == "json" or not no_suppress, threshold=threshold,
                         dominance=dominance)
    import xltools

    opening_data = xltools.load(opening) if opening else None
    with progress(len(paths), "正在读取") as bar:
        series = tr.run(paths, options, opening_data, jobs=jobs or os.cpu_count() or 1, tick=lambda: bar.update(1))
    if fmt == "json" and not output:
        click.echo(tr.json_text(series, keep_values=no_suppress))
        return
    target = tr.write(output or tr.default_name(series), series, fmt, all_inputs, paper=paper, keep_values=no_suppress)
    click.echo(f"已写入 {target}（{tr.summary_line(series, fmt)}）")


def ledger_sample_path() -> str:
    from importlib import resources

    return str(resources.files("xltools.samples").joinpath("ledger_2022.xlsx"))


@main.command(context_settings=CONTEXT)
@click.argument("ledger_path", metavar="LEDGER", required=False, type=click.Path(dir_okay=False))
@click.option("-o", "--output", metavar="OUT", type=OutputFile(".xlsx"),
              help="输出的工作簿；默认为当前文件夹下的“项目进度表_截止日期.xlsx”。")
@click.option("--as-of", "as_of", metavar="DATE", type=Date(),
              help="统计截止日期，如 2023-12-31；默认为台账自己的日期（截止日期单元格或标题中的日期，标题只写年份时为"
                   "该年年末），台账没有日期时为今天。")
@click.option("--amber", metavar="百分点", type=click.FloatRange(0, 100), default=10, show_default=True,
              help="黄色预警：进度偏差（投资完成率 − 时间进度）低于负多少个百分点。")
@click.option("--red", metavar="百分点", type=click.FloatRange(0, 100), default=20, show_default=True,
              help="红色预警：进度偏差低于负多少个百分点。")
@click.option("--paper", type=click.Choice(["A4", "A3"]), default="A4", show_default=True,
              help="打印用纸（横向）：A3 可把项目总览印在更少的页上。")
@guarded
def tracker(ledger_path, output, as_of, amber, red, paper):
    """由重点项目台账生成项目进度表：项目总览、子项明细、汇总、图表、校验。

    \b
    投资完成率、年度计划完成率、时间进度、进度偏差和预警都是工作簿中的公式（已存计算结果），
    改动截止日期或预警线即自动重算。不给 LEDGER 时使用随包附带的样例台账。
    示例：
      xltools tracker 2023年重点项目台账.xlsx --as-of 2023-12-31
      xltools tracker 台账.xlsx -o 项目进度表.xlsx --amber 5 --red 15
    """
    from .ledger import read_ledger
    from .tracker import default_as_of, write_tracker

    if red < amber:
        raise click.UsageError("--red 应不小于 --amber：红色预警线比黄色预警线更低")
    path = ledger_path or ledger_sample_path()
    ledger = read_ledger(path)
    said = ""
    if as_of is None:
        as_of, warning = default_as_of(ledger)
        said = f"，{ledger.as_of_from}" if ledger.as_of else "，台账中没有截止日期，按今天计算"
        if warning:
            click.echo(f"注意：{warning}", err=True)
    target = output or f"项目进度表_{as_of:%Y-%m-%d}.xlsx"
    write_tracker(target, ledger, as_of, amber, red, paper=paper)
    warn = f"；台账有 {len(ledger.warnings)} 处需要核实（见“校验”表）" if ledger.warnings else ""
    click.echo(f"已写入 {target}（{len(ledger.projects)} 个项目，截至 {as_of:%Y-%m-%d}{said}{warn}）")


@main.group(context_settings=CONTEXT)
def addin():
    """Excel 加载项 xltools.xlam：“战新产业”功能区和全部 SEI_ 函数。

    \b
    示例：
      xltools addin install      # 构建并安装到 Excel 启动文件夹，写入配置（Python 解释器、函数模块）
      xltools addin check        # 列出本机还缺什么
      xltools addin build -o xltools.xlam
      xltools addin uninstall
    """


@addin.command("build", context_settings=CONTEXT)
@click.option("-o", "--output", metavar="FILE", default="xltools.xlam", show_default=True, help="输出的加载项文件。")
@guarded
def addin_build(output):
    """构建加载项文件，不安装（在任何操作系统上都可以构建）。"""
    from .addin import build, is_a_folder

    if os.path.isdir(output):  # a usage problem (exit 2), as -o naming a folder is for every command
        raise click.BadParameter(is_a_folder(output), param_hint="选项 --output")
    require_suffix(output, (".xlam",), hint="选项 --output")
    click.echo(f"已构建 {build(output)}")


@addin.command("install", context_settings=CONTEXT)
@click.option("--dir", "folder", metavar="DIR", help="安装到这个文件夹（默认：Excel 的用户启动文件夹 XLSTART）。")
@click.option("--interpreter", metavar="PYTHON", help="Excel 调用的 Python（默认：运行本命令的 Python）。")
@guarded
def addin_install(folder, interpreter):
    """构建并安装加载项，写入配置文件（Python 解释器、函数模块）。

    \b
    配置文件：Windows 为 %USERPROFILE%\\.xltools\\xltools.conf，按本机的代码页（中文系统为 GBK）保存；
    macOS 为 ~/Library/Containers/com.microsoft.Excel/Data/xltools.conf。"""
    from .addin import NO_STARTUP_FOLDER, install, not_a_folder, startup_folder

    if folder is None and startup_folder() is None:  # usage problems: exit 2
        raise click.UsageError(NO_STARTUP_FOLDER)
    if folder is not None and os.path.exists(folder) and not os.path.isdir(folder):
        raise click.BadParameter(not_a_folder(folder), param_hint="选项 --dir")
    target, conf = install(folder, interpreter)
    click.echo(f"已安装 {target}\n已写入配置 {conf}\n请重新启动 Excel，功能区中会出现“战新产业”选项卡。")


@addin.command("uninstall", context_settings=CONTEXT)
@click.option("--dir", "folder", metavar="DIR", help="从这个文件夹删除（默认：Excel 的用户启动文件夹）。")
@guarded
def addin_uninstall(folder):
    """删除已安装的加载项（配置文件保留）。"""
    from .addin import config_path, uninstall
    from .errors import OutputError

    try:
        removed = uninstall(folder)
    except OutputError as exc:  # exit 1, as every file that cannot be written or replaced
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(f"已删除 {removed}（配置文件 {config_path()} 保留）" if removed else "没有找到已安装的加载项")


@addin.command("check", context_settings=CONTEXT)
@click.option("--dir", "folder", metavar="DIR", help="加载项所在的文件夹（默认：Excel 的用户启动文件夹）。")
@guarded
def addin_check(folder):
    """检查本机使用加载项还缺什么，逐项给出办法。

    全部具备时退出码为 0，有需要处理的项（✗）时为 2。以“·”开头的是提示，例如数据源未写在配置文件中（推荐在工作簿中用“设置数据源”按钮设置），不算缺少。"""
    from .addin import check

    results = check(folder)
    for c in results:
        click.echo(("· " if c.info else "✓ " if c.ok else "✗ ") + c.what + ("" if c.ok or not c.fix else f"\n    办法：{c.fix}"))
    sys.exit(0 if all(c.ok for c in results) else 2)


@main.group("cache", context_settings=CONTEXT)
def cache_group():
    """解析缓存：读过的企业数据文件没有改动时，再次读取直接取用上次的解析结果，用时不到首次的十分之一。

    \b
    缓存按文件的完整路径、大小、修改时间、全部内容的校验值、读取选项（--sheet、--period、
    --calendar-days）和 xltools 的版本区分，文件有任何改动都会重新读取；读取出错的文件不缓存。
    缓存中是企业数据的副本，只有本机当前用户可读；不再需要时用 xltools cache clear 清除。
    位置：本机用户的缓存文件夹（见 xltools cache info），可用环境变量 XLTOOLS_CACHE_DIR 指定；
    总大小上限默认 2048 MB（环境变量 XLTOOLS_CACHE_MB），超过时删除最久未用的；
    设置环境变量 XLTOOLS_NO_CACHE=1 或在命令中加 --no-cache 时不使用缓存。
    示例：
      xltools cache info         # 缓存在哪里、有多大
      xltools cache clear        # 清除全部缓存
    """


@cache_group.command("info", context_settings=CONTEXT)
def cache_info():
    """显示解析缓存的位置、条目数和大小。"""
    from .readcache import ENV_OFF, cap_bytes, enabled, entries, folder

    found = entries()
    size = sum(e[1] for e in found)
    click.echo(f"位置：{folder()}\n条目：{len(found)} 个，共 {size / 1e6:.1f} MB（上限 {cap_bytes() / 1e6:.0f} MB）")
    if not enabled():
        click.echo(f"注意：环境变量 {ENV_OFF} 已设置，当前不使用缓存")


@cache_group.command("clear", context_settings=CONTEXT)
def cache_clear():
    """清除全部解析缓存（只删除缓存文件，不动任何数据文件）。"""
    from .readcache import clear, folder

    count, size = clear()
    click.echo(f"已清除 {count} 个缓存条目（{size / 1e6:.1f} MB），位置：{folder()}")


def said_written(target: str, prepared: list) -> None:
    withheld = sum(len(p.disclosure.withheld) for p in prepared)
    periods = "、".join(p.label for p in prepared)
    extra = f"；按数据保密规定不公布 {withheld} 个范围，见“说明”表" if withheld else ""
    if prepared and not prepared[0].disclosure.enabled:
        extra = "；未做数据保密处理，不得对外公布"
    click.echo(f"已写入 {target}（{periods}{extra}）")


class _Silent:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n):
        pass


def progress(count: int, label: str):
    """A progress bar on a terminal when there is more than one item; silent in pipes."""
    if sys.stderr.isatty() and count > 1:
        return click.progressbar(length=count, label=label, file=sys.stderr, show_pos=True)
    return _Silent()


if __name__ == "__main__":  # pragma: no cover
    main()
