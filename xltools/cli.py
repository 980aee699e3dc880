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


def sample_path() -> str:
    """The sample bureau export that ships with the package (the default input)."""
    from importlib import resources

    return str(resources.files("xltools.samples").joinpath("bureau_2022.xlsx"))


def guarded(fn):
    """Input errors -> Chinese report on stderr, exit 2; anything else -> exit 1, no traceback."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        from .errors import InputError

        try:
            return fn(*args, **kwargs)
        except InputError as exc:
            click.echo(exc.report(), err=True)
            sys.exit(2)
        except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:  # a bug of ours: say so plainly
            if os.environ.get("XLTOOLS_DEBUG"):
                raise
            click.echo(f"xltools 内部错误：{type(exc).__name__}: {exc}\n"
                       "（设置环境变量 XLTOOLS_DEBUG=1 可显示详细信息，请把它附在问题报告中）", err=True)
            sys.exit(1)

    return wrapper


CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, prog_name="xltools", message="%(prog)s %(version)s")
def main():
    """xltools：从规模以上工业企业数据计算战略性新兴产业指标。

    \b
    示例：
      xltools validate                      # 检查随包附带的样例数据
      xltools validate 2022年1-12月.xlsx     # 检查一份局里导出的企业数据
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


def read_options(fn):
    fn = click.option("--period", "period", metavar="P",
                      help="报告期，如 2022、2022-10、2022年1-10月；默认从标题行或文件名识别。")(fn)
    fn = click.option("--sheet", metavar="S", help="数据所在的工作表名；默认自动查找表头所在的工作表。")(fn)
    fn = click.option("--sei-list", "sei_list", metavar="F", type=click.Path(dir_okay=False),
                      help="战新企业名录（统一社会信用代码或单位名称 + 战新产业类别）；数据中没有类别列时使用。")(fn)
    return fn


@main.command(context_settings=CONTEXT)
@input_argument
@read_options
@guarded
def validate(input_path, period, sheet, sei_list):
    """检查一份企业数据：列出所有输入错误和可疑数据，有错误时退出码为 2。

    \b
    不给 INPUT 时检查随包附带的样例数据。
    示例：
      xltools validate 2022年1-12月规上工业.xlsx
      xltools validate 企业.csv --period 2022-10
    """
    from .report_validate import render_validation
    from .reader import read_bureau

    path = input_path or sample_path()
    reading(path)
    data = read_bureau(path, sheet=sheet, period=period, sei_list=sei_list)
    click.echo(render_validation(data))


@main.command(context_settings=CONTEXT)
@input_argument
@read_options
@click.option("--sei-map", "sei_map", metavar="F", type=click.Path(dir_okay=False),
              help="行业代码—战新产业对照表（CSV：industry_code, sei_category, partial）；没有类别列和名录时使用。")
@click.option("--opening", metavar="F", type=click.Path(dir_okay=False),
              help="上年1-12月的企业数据：其期末余额作为本年年初数（按统一社会信用代码匹配）。")
@click.option("--by", "by", type=click.Choice(["county"]), help="另按县区分组计算（县区及其战新产业）。")
@click.option("--calendar-days", is_flag=True, help="周转天数按日历天数计算（默认按国家统计局每月30天）。")
@click.option("--format", "fmt", type=click.Choice(["json", "csv", "table"]), default="table", show_default=True,
              help="输出格式：json（机器读取）、csv、table（终端表格）。")
@guarded
def indicators(input_path, period, sheet, sei_list, sei_map, opening, by, calendar_days, fmt):
    """计算全市规上工业、战略性新兴产业及九大领域的全部指标。

    \b
    不给 INPUT 时使用随包附带的样例数据。
    示例：
      xltools indicators 2022年1-12月规上工业.xlsx
      xltools indicators 企业.xlsx --format json > 指标.json
      xltools indicators 2022年1-10月.xlsx --opening 2021年1-12月.xlsx --by county --format csv
    """
    import xltools

    from .render import render_indicators

    path = input_path or sample_path()
    reading(path)
    data = xltools.load(path, sheet=sheet, period=period, sei_list=sei_list, calendar_days=calendar_days)
    opening_data = xltools.load(opening) if opening else None
    results = xltools.compute(data, by_county=by == "county", sei_map=sei_map, opening=opening_data)
    click.echo(render_indicators(results, fmt), nl=fmt != "csv")


if __name__ == "__main__":  # pragma: no cover
    main()
