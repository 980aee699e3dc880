"""click in Chinese: the help layout, parameter types and usage errors of the `xltools` command.

click writes its own words in English (`[OPTIONS]`, `INTEGER RANGE`, `'town' is not 'county'`). Here
each of them has a Chinese counterpart built from click's structured objects, not from its text: the
parameter types below name themselves and fail in Chinese, the command classes write the usage line,
the option list and the command list, and `usage_message` words each click exception from its type
and attributes. A command written with click's own types (`click.IntRange`, `click.Choice`,
`click.Path`) gets the Chinese types when it is made, so a new option needs nothing from this module.
"""
from __future__ import annotations

import os
import re
import unicodedata

import click
from click.formatting import join_options

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# ---------------------------------------------------------------- parameter types

class Number(click.ParamType):
    """An integer or a number, optionally within [low, high]."""

    def __init__(self, kind: type = int, low: float | None = None, high: float | None = None):
        self.kind, self.low, self.high = kind, low, high
        self.name = "整数" if kind is int else "数"

    def range_text(self) -> str:
        if self.low is not None and self.high is not None:
            return f"{self.low:g} 至 {self.high:g}"
        if self.low is not None:
            return f"不小于 {self.low:g}"
        return f"不大于 {self.high:g}" if self.high is not None else ""

    def convert(self, value, param, ctx):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            number = value
        else:
            try:
                number = self.kind(str(value).strip())
            except ValueError:
                self.fail(f"“{value}”不是{self.name}", param, ctx)
        if (self.low is not None and number < self.low) or (self.high is not None and number > self.high):
            self.fail(f"{number:g} 不在 {self.range_text()} 之间", param, ctx)
        return number


class Choice(click.ParamType):
    """One of a few words (format names, grouping names), shown as `json|csv|table`."""

    name = "可选值"

    def __init__(self, choices):
        self.choices = [str(c) for c in choices]

    def get_metavar(self, param, ctx=None):
        return "|".join(self.choices)

    def convert(self, value, param, ctx):
        if value in self.choices:
            return value
        self.fail(f"“{value}”不是可选的值；可选：{'、'.join(self.choices)}", param, ctx)


class FilePath(click.ParamType):
    """A path: a file (dir_okay=False), a folder (file_okay=False) or either; must exist if exists=True."""

    def __init__(self, file_okay: bool = True, dir_okay: bool = True, exists: bool = False):
        self.file_okay, self.dir_okay, self.exists = file_okay, dir_okay, exists
        self.name = "文件夹" if not file_okay else "文件"

    def convert(self, value, param, ctx):
        value = os.fspath(value)
        if self.exists and not os.path.exists(value):
            self.fail(f"{value} 不存在", param, ctx)
        if not self.dir_okay and os.path.isdir(value):
            self.fail(f"{value} 是文件夹，应为文件", param, ctx)
        if not self.file_okay and os.path.exists(value) and not os.path.isdir(value):
            self.fail(f"{value} 不是文件夹", param, ctx)
        return value


def require_suffix(path: str, suffixes: tuple[str, ...], param=None, ctx=None, hint: str | None = None) -> str:
    """The output file's extension must be one this command writes: a usage error (exit 2) otherwise."""
    if not path.lower().endswith(tuple(s.lower() for s in suffixes)):
        allowed = "、".join(suffixes)
        raise click.BadParameter(f"{path} 的扩展名应为 {allowed}（这个命令写出 {allowed} 文件）", ctx, param, hint)
    return path


class OutputFile(FilePath):
    """An output file whose extension is one of `suffixes` (never a folder)."""

    def __init__(self, *suffixes: str):
        super().__init__(dir_okay=False)
        self.suffixes = suffixes

    def convert(self, value, param, ctx):
        return require_suffix(super().convert(value, param, ctx), self.suffixes, param, ctx)


class Text(click.ParamType):
    name = "文本"

    def convert(self, value, param, ctx):
        return value if isinstance(value, str) else str(value)


class Date(click.ParamType):
    """A date as the ledger writes them: 2023-12-31, 2023/12/31, 2023年12月31日."""

    name = "日期"

    def convert(self, value, param, ctx):
        import datetime as dt

        if isinstance(value, dt.date):
            return value
        from .ledger import parse_date

        try:
            return parse_date(value)
        except ValueError:
            self.fail(f"“{value}”不是日期，应为 2023-12-31 这样的日期", param, ctx)


def chinese_type(kind: click.ParamType) -> click.ParamType:
    """click's own type as its Chinese counterpart (the same checks, Chinese names and failures)."""
    if isinstance(kind, (click.IntRange, click.FloatRange)):
        return Number(int if isinstance(kind, click.IntRange) else float, kind.min, kind.max)
    if isinstance(kind, click.types.IntParamType):
        return Number(int)
    if isinstance(kind, click.types.FloatParamType):
        return Number(float)
    if isinstance(kind, click.Choice):
        return Choice(kind.choices)
    if isinstance(kind, click.Path):
        return FilePath(kind.file_okay, kind.dir_okay, kind.exists)
    if isinstance(kind, click.types.StringParamType):
        return Text()
    return kind


# ---------------------------------------------------------------- help

def help_record(option: click.Option, ctx: click.Context) -> tuple[str, str] | None:
    """`-o, --output OUT  text  [默认：3；1 至 1000]` for the option list."""
    if option.hidden:
        return None
    names = join_options(option.opts)[0]
    if not (option.is_flag or option.count):
        names += f" {option.make_metavar(ctx)}"
    extras = []
    default = option.default
    if option.show_default and default is not None and not callable(default) and default is not False:
        extras.append(f"默认：{default:g}" if isinstance(default, float) else f"默认：{default}")
    if isinstance(option.type, Number) and option.type.range_text():
        extras.append(option.type.range_text())
    if option.required:
        extras.append("必需")
    text = option.help or ""
    if extras:
        text = f"{text}  [{'；'.join(extras)}]" if text else f"[{'；'.join(extras)}]"
    return names, text


def short_help(command: click.Command) -> str:
    """The first sentence of a command's help, whole (click cuts Chinese text mid-sentence)."""
    if command.short_help:
        return command.short_help
    first = (command.help or "").strip().split("\n")[0]
    return first.split("。")[0] + "。" if "。" in first else first


def width(text: str) -> int:
    """Columns a text takes on a terminal: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


NO_LINE_START = set("，。；：、）》」』”’！？,.;:)]%")


def wrap(text: str, columns: int) -> list[str]:
    """Chinese text in lines of at most `columns`: breaks between CJK characters or at spaces, never
    inside an ASCII word (an option, a file name) and never before closing punctuation."""
    # [默认：…] whole, ASCII words with their space, else one character
    tokens = re.findall(r"\[[^\]]*\] ?|[!-~]+ ?|[^ -~] ?| ", text)
    lines, line = [], ""
    for token in tokens:
        if line and width(line + token.rstrip()) > columns and token[0] not in NO_LINE_START:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    return lines + [line.rstrip()] if line.strip() else lines


class Formatter(click.HelpFormatter):
    def write_usage(self, prog, args="", prefix=None):
        super().write_usage(prog, args, prefix="用法：")

    def write_heading(self, heading):
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_text(self, text):
        """Paragraphs wrapped by display width; a paragraph that starts with \\b is kept line by line."""
        indent = " " * self.current_indent
        paragraphs = []
        for para in re.split(r"\n\s*\n", text.strip("\n")):
            lines = para.splitlines()
            if lines and lines[0].strip() == "\b":
                paragraphs.append("\n".join((indent + line).rstrip() for line in lines[1:]))
                continue
            joined = ""
            for line in (line.strip() for line in lines):
                space = " " if joined and joined[-1].isascii() and line[:1].isascii() else ""
                joined += space + line
            paragraphs.append("\n".join(indent + line for line in wrap(joined, self.width - self.current_indent)))
        self.write("\n\n".join(paragraphs) + "\n")

    def write_dl(self, rows, col_max=30, col_spacing=2):
        """Two columns aligned by display width (click counts a CJK character as one column)."""
        rows = list(rows)
        first = min(max((width(k) for k, _ in rows), default=0), col_max)
        indent = self.current_indent + first + col_spacing
        for key, text in rows:
            lines = wrap(text, max(self.width - indent, 20)) or [""]
            self.write(" " * self.current_indent + key)
            if width(key) <= first:
                self.write(" " * (first - width(key) + col_spacing))
            else:
                self.write("\n" + " " * indent)
            self.write(("\n" + " " * indent).join(lines).rstrip() + "\n")


class Context(click.Context):
    formatter_class = Formatter


class _Chinese:
    """What a command and a group share: Chinese types, bracketed optional arguments, Chinese help."""

    context_class = Context

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)
        for param in self.params:
            param.type = chinese_type(param.type)
            if isinstance(param, click.Argument) and not param.required and param.metavar \
                    and not param.metavar.startswith("["):
                param.metavar = f"[{param.metavar}]"

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = "显示本帮助并退出"
        return option

    def format_options(self, ctx, formatter):
        rows = [help_record(p, ctx) for p in self.get_params(ctx) if isinstance(p, click.Option)]
        rows = [r for r in rows if r]
        if rows:
            with formatter.section("选项"):
                formatter.write_dl(rows)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)

    def parse_args(self, ctx, args):
        """Arguments beyond those the command takes: a Chinese usage error. Every usage error knows its
        command (click's parser leaves some without), for the usage line and the option's kind."""
        strict = not (isinstance(self, click.Group) or ctx.allow_extra_args or ctx.resilient_parsing)
        ctx.allow_extra_args = ctx.allow_extra_args or strict
        try:
            rest = super().parse_args(ctx, args)
        except click.UsageError as exc:
            exc.ctx = exc.ctx or ctx
            raise
        finally:
            ctx.allow_extra_args = ctx.allow_extra_args and not strict
        if not strict:
            return rest
        if rest:
            raise click.UsageError(f"多余的参数：{' '.join(rest)}", ctx)
        return rest


class Command(_Chinese, click.Command):
    pass


class Group(_Chinese, click.Group):
    """Every command in Chinese, including click's usage errors (exit 2) and Ctrl-C (exit 1)."""

    command_class = Command
    group_class = type

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def format_commands(self, ctx, formatter):
        rows = [(name, short_help(cmd)) for name, cmd in sorted(self.commands.items()) if not cmd.hidden]
        if rows:
            with formatter.section("命令"):
                formatter.write_dl(rows)

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as exc:  # `xltools`, `xltools addin`: the help, once
            click.echo(exc.ctx.get_help())
            raise SystemExit(0) from None
        except click.UsageError as exc:
            ctx = exc.ctx
            if ctx is not None:
                click.echo(ctx.get_usage(), err=True)
            path = ctx.command_path if ctx is not None else (prog_name or "xltools")
            click.echo(f"运行“{path} -h”查看帮助和示例。", err=True)
            click.echo(f"\n错误：{usage_message(exc)}", err=True)
            raise SystemExit(2) from None
        except click.exceptions.Abort:
            click.echo("已中止。", err=True)
            raise SystemExit(1) from None
        except click.ClickException as exc:
            click.echo(f"错误：{exc.format_message()}", err=True)
            raise SystemExit(exc.exit_code) from None
        raise SystemExit(rv if isinstance(rv, int) else 0)


# ---------------------------------------------------------------- usage errors

def _maybe(possibilities) -> str:
    return f"，是不是 {'、'.join(sorted(possibilities))}？" if possibilities else ""


def _option_named(ctx: click.Context | None, name: str) -> click.Option | None:
    params = ctx.command.get_params(ctx) if ctx is not None else []
    return next((p for p in params if isinstance(p, click.Option) and name in p.opts + p.secondary_opts), None)


def _hint(exc: click.BadParameter) -> str:
    if exc.param_hint:
        return exc.param_hint if isinstance(exc.param_hint, str) else " / ".join(exc.param_hint)
    param = exc.param
    if isinstance(param, click.Option):
        return "选项 " + max(param.opts, key=len)
    if param is not None:
        return f"参数 {param.make_metavar(exc.ctx)}" if exc.ctx is not None else f"参数 {param.name}"
    return "参数"


def usage_message(exc: click.UsageError) -> str:
    """A usage error in Chinese, from the exception's type and attributes."""
    if isinstance(exc, click.NoSuchOption):
        return f"没有这个选项：{exc.option_name}{_maybe(exc.possibilities)}"
    if isinstance(exc, click.exceptions.NoSuchCommand):
        return f"没有这个命令：{exc.command_name}{_maybe(exc.possibilities)}"
    if isinstance(exc, click.BadOptionUsage):
        option = _option_named(exc.ctx, exc.option_name)
        if option is not None and (option.is_flag or option.count):
            return f"选项 {exc.option_name} 不带值"
        return f"选项 {exc.option_name} 需要一个值"
    if isinstance(exc, click.MissingParameter):
        return f"缺少{_hint(exc)}"
    if isinstance(exc, click.BadParameter):
        return f"{_hint(exc)} 的值无效：{exc.message}"
    return exc.message
