"""Typer's help and usage errors in Chinese, for ``kb.cli``: everything ``kb --help`` shows and every usage
mistake a user reads.

Typer draws help with rich: its panel titles and markers are module constants of ``typer.rich_utils``
(set by ``chinese_help_words``, which the commands call just before drawing a help page: ``typer.rich_utils``
pulls in rich's Markdown and traceback modules, ≈ 0.3 s CPU that a ``kb ask`` printing no help need not pay); "Usage:", "[OPTIONS]" and the ``--help`` line come from the command
classes (``ChineseTyper`` makes its commands and groups ``_ChineseCommand`` / ``_ChineseGroup``). A usage
error (``typer._click.exceptions``) becomes one Chinese clause (``usage_message``).

Speed (``kb ask`` from the shell): typer ≥ 0.2x coerces every parameter through a pydantic ``TypeAdapter``, which
imports pydantic and builds a schema per parameter (≈ 0.3 s CPU per call). A plain ``str`` or ``pathlib.Path``
parameter (no parser, callback or path check) needs none of it: ``_plain_parameters`` gives those a coercion
that is ``str(value)`` / ``Path(value)``; any other parameter keeps typer's own. On a typer without these
internals nothing is changed.
"""

from __future__ import annotations

import re
from pathlib import Path

import typer
from typer._click import exceptions
from typer.core import TyperCommand, TyperGroup

HELP_OPTION_TEXT = "显示本帮助并退出。"


def chinese_help_words() -> None:
    """Put typer's panel titles and markers in Chinese: 参数, 选项, 命令, [默认：…], [必填], [环境变量：…].

    Typer reads these ``typer.rich_utils`` module constants each time it draws a help page; imported here, when a
    help page is drawn, not when the command line is read.
    """
    from typer import rich_utils

    rich_utils.ARGUMENTS_PANEL_TITLE = "参数"
    rich_utils.OPTIONS_PANEL_TITLE = "选项"
    rich_utils.COMMANDS_PANEL_TITLE = "命令"
    rich_utils.ERRORS_PANEL_TITLE = "错误"
    rich_utils.DEFAULT_STRING = "[默认：{}]"
    rich_utils.ENVVAR_STRING = "[环境变量：{}]"
    rich_utils.REQUIRED_LONG_STRING = "[必填]"
    rich_utils.DEPRECATED_STRING = "（已弃用）"
    rich_utils.ABORTED_TEXT = "已中止。"


class _ChineseHelp:
    """What a command and a group share: "用法：" for "Usage:", [选项] for [OPTIONS], a Chinese --help line."""

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION_TEXT
        return option

    def parse_args(self, ctx, args):
        _plain_parameters(self.get_params(ctx))  # with the --help option
        return super().parse_args(ctx, args)

    def format_help(self, ctx, formatter) -> None:
        chinese_help_words()
        super().format_help(ctx, formatter)

    def format_usage(self, ctx, formatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="用法：")


class _ChineseCommand(_ChineseHelp, TyperCommand):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**kwargs, "options_metavar": "[选项]"})


class _ChineseGroup(_ChineseHelp, TyperGroup):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **{**kwargs, "options_metavar": "[选项]", "subcommand_metavar": "命令 [参数]..."})


_PATH_CHECKS = {"exists": False, "file_okay": True, "dir_okay": True, "writable": False, "readable": True,
                "resolve_path": False, "allow_dash": False, "path_type": None}


def _plain_parameters(params: list) -> None:
    """Give each plain ``str`` / ``Path`` / ``bool`` parameter a coercion without pydantic (see the module
    docstring); a flag's value that is not already a bool (from an environment variable) goes to typer's own."""
    try:
        from typer._coercion import RuntimeParam, build_runtime_param
    except ImportError:  # another typer: its own coercion stays
        return

    class _Plain(RuntimeParam):
        def _coerce_value(self, value, param, ctx):
            if isinstance(value, self.annotation):
                return value
            if self.annotation is bool:
                return build_runtime_param(param.type_descriptor).coerce(value, param=param, ctx=ctx)
            return self.annotation(value)

    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        info = getattr(descriptor, "parameter_info", None)
        if (descriptor is None or getattr(param, "_runtime_param", 0) is not None
                or descriptor.annotation not in (str, Path, bool) or getattr(descriptor, "file_annotation", None) is not None
                or info.parser is not None or info.callback is not None
                or any(getattr(info, name, default) != default for name, default in _PATH_CHECKS.items())):
            continue
        param._runtime_param = _Plain(parameter_info=info, annotation=descriptor.annotation)


class ChineseTyper(typer.Typer):
    """A typer app whose commands and groups print their help in Chinese."""

    def __init__(self, **kwargs):
        super().__init__(cls=_ChineseGroup, **kwargs)

    def command(self, *args, **kwargs):
        return super().command(*args, cls=_ChineseCommand, **kwargs)


PARAMETER_KINDS = {"option": "选项", "argument": "参数"}


def _parameter_hint(error) -> str:
    """The parameter a usage error is about, as typed (--docs, paths), without typer's quotes."""
    param = getattr(error, "param", None)
    hint = getattr(error, "param_hint", None) or (param.get_error_hint() if param is not None else "")
    hint = " / ".join(hint) if isinstance(hint, (list, tuple)) else str(hint or "")
    return hint.replace("'", "").replace('"', "")


def usage_message(error: exceptions.UsageError) -> str:
    """A typer usage error as a Chinese clause for ``E_USAGE``.

    Args:
        error: what typer raised for the command line (``NoSuchOption``, ``MissingParameter``,
            ``BadParameter``, ``BadOptionUsage``, or a plain ``UsageError`` for an unknown command or extra
            arguments).

    Returns:
        One clause, e.g. "没有选项 --foo，是否想用 --format", "缺少参数 paths", "选项 --docs 的取值无效（要求 x>=1）";
        a usage error of another kind keeps typer's own text.

    Example:
        >>> usage_message(exceptions.NoSuchOption("--foo"))
        '没有选项 --foo'
    """
    param = getattr(error, "param", None)
    kind = PARAMETER_KINDS.get(getattr(param, "param_type_name", ""), "参数")
    if isinstance(error, exceptions.NoSuchOption):
        maybe = "，是否想用 " + "、".join(sorted(error.possibilities)) if error.possibilities else ""
        return f"没有选项 {error.option_name}{maybe}"
    if isinstance(error, exceptions.MissingParameter):
        return f"缺少{kind} {_parameter_hint(error)}"
    if isinstance(error, exceptions.BadParameter):
        allowed = param._get_number_range_help_str() if param is not None else ""
        return f"{kind} {_parameter_hint(error)} 的取值无效" + (f"（要求 {allowed}）" if allowed else "")
    if isinstance(error, exceptions.BadOptionUsage):
        return f"选项 {error.option_name} 需要一个值"
    message = error.format_message()
    command = re.match(r"No such command '(.+?)'", message)
    extra = re.match(r"Got unexpected extra argument(?:\(s\)|s)? \((.*)\)", message)
    if command:
        return f"没有命令 {command.group(1)}"
    if extra:
        return f"多余的参数：{extra.group(1)}"
    return message
