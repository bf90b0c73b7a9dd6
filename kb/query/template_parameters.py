"""A Cypher template's parameters: the ``// params:`` header grammar and the conversion of callers' values.

A parameter is ``name[: str|int|float][ = default] (meaning)``; parameters are separated by ``;`` outside
brackets. Read by ``kb.query.templates.parse_template``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kb.core.errors import InvalidTemplate, MissingParameter

_PARAM_DECL = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?::\s*(?P<type>str|int|float))?\s*"
    r"(?:=\s*(?P<default>\"[^\"]*\"|-?\d+(?:\.\d+)?))?\s*(?:\((?P<meaning>.*)\))?$"
)
_CASTS = {"str": str, "int": int, "float": float}
_KIND_NAMES = {"str": "文字", "int": "整数", "float": "数字"}
_ONE_OF = re.compile(r"one of ([A-Za-z0-9_]+(?:\s*,\s*[A-Za-z0-9_]+)+)")
_ALTERNATIVES = re.compile(r"^\s*([A-Za-z0-9_]+(?:\s*\|\s*[A-Za-z0-9_]+)+)")
_NAMED_VALUES = re.compile(r"(?:^|[,;]\s*)([A-Za-z0-9_]+) = ")


@dataclass(frozen=True)
class Parameter:
    """One declared template parameter.

    Attributes:
        name: the ``$name`` used in the body.
        kind: "str", "int" or "float"; values given as text are converted to it.
        meaning: the header's explanation (shown by ``kb templates``).
        default: the value used when the caller gives none; None means the parameter is required.
    """

    name: str
    kind: str = "str"
    meaning: str = ""
    default: Any = None

    @property
    def required(self) -> bool:
        """True when the template cannot run without this parameter."""
        return self.default is None

    @property
    def choices(self) -> tuple[str, ...]:
        """The values the header allows, read from its meaning: "one of a, b, c", "a | b | c" or
        "a = …, b = …"; () when any value is allowed (the default, e.g. "", is always accepted).

        Example:
            >>> Parameter("scheme", meaning='function | economic | gov_economic; "" = any').choices
            ('function', 'economic', 'gov_economic')
        """
        if self.kind != "str":
            return ()
        listed = _ONE_OF.search(self.meaning) or _ALTERNATIVES.match(self.meaning)
        if listed:
            return tuple(value.strip() for value in re.split(r"[,|]", listed.group(1)) if value.strip())
        named = _NAMED_VALUES.findall(self.meaning)
        return tuple(named) if len(named) >= 2 else ()

    def convert(self, value: Any, template: str) -> Any:
        """Convert a caller's value (often text from the CLI) to this parameter's kind.

        Raises:
            MissingParameter: the value cannot be read as an int/float (the message names template and value).
        """
        if isinstance(value, str):
            value = value.strip()
        try:
            return _CASTS[self.kind](value)
        except (TypeError, ValueError):
            raise MissingParameter(
                f"模板 {template} 的参数 {self.name} 应为 {_KIND_NAMES[self.kind]}（{self.kind}），收到“{value}”") from None


def parse_parameters(text: str, path: Path) -> tuple[Parameter, ...]:
    """The parameters a template header's ``// params:`` line declares, in order; () for ``(none)``.

    Raises:
        InvalidTemplate: a declaration does not follow ``name[: str|int|float][ = default] (meaning)``.
    """
    text = text.strip()
    if not text or text == "(none)":
        return ()
    parameters = []
    for part in [part for part in split_top_level(text) if part.strip()]:
        match = _PARAM_DECL.match(part.strip())
        if not match:
            raise InvalidTemplate(f"模板文件 {path.name}：读不懂参数声明“{part.strip()}”")
        kind = match.group("type") or "str"
        default = match.group("default")
        if default is not None:
            number = float(default) if kind == "float" else default
            default = default[1:-1] if default.startswith('"') else _CASTS[kind](number)
        parameters.append(Parameter(match.group("name"), kind, (match.group("meaning") or "").strip(), default))
    return tuple(parameters)


def split_top_level(text: str, separator: str = ";", opening: str = "(（", closing: str = ")）") -> list[str]:
    """Split ``text`` on ``separator`` outside brackets (a parameter's meaning may hold ';' inside its
    parentheses; a RETURN item may hold ',' inside a call, list or map). Every part is kept, empty ones too."""
    parts, depth, current = [], 0, []
    for char in text:
        depth += char in opening
        depth -= char in closing
        if char == separator and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


__all__ = ["Parameter", "parse_parameters", "split_top_level"]
