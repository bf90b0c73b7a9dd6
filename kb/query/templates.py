"""The cypher/ registry: one ``.cypher`` file per named query, loaded into small records.

Like datasette's stored queries, a template is data: a header of ``// key: value`` lines, then the
Cypher body. The header grammar::

    // name: subject_across_units
    // description: 某个科目在各单位、各年度的预算数
    // params: subject (code or name); unit = "" (full unit name; "" = every unit); year: int = 0 (0 = every year)
    // examples: 各单位的住房公积金支出是多少？ | 荣昌区2026年行政运行支出是多少？ | …
    // keywords: 各单位 | 比较            (optional: words that point a question at this template)
    // precompute: yes                    (optional: a whole-graph aggregation computed at ingest, see kb.query.index)

A parameter is ``name[: str|int|float][ = default] (meaning)`` (``kb.query.template_parameters``); parameters are separated by ``;``;
``(none)`` declares none. A parameter without a default is required. The registry rejects a file
whose header and body disagree (a ``$param`` used but not declared, or declared but never used).

Values reach the store only as parameters (``store.read(cypher, params)``), never by formatting.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from kb.core.errors import InvalidParameter, InvalidTemplate, MissingParameter, TemplateNotFound
from kb.core.messages import shorten
from kb.query.labels import column_label, parameter_label
from kb.query.template_parameters import Parameter, parse_parameters, split_top_level

CYPHER_DIR = Path(__file__).resolve().parents[2] / "cypher"
_HEADER_LINE = re.compile(r"^//\s*(?P<key>[a-z_]+)\s*:\s*(?P<value>.*)$")
_PARAM_USE = re.compile(r"\$(?P<name>[A-Za-z_][A-Za-z0-9_]*)")
_STRING_LITERAL = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
@dataclass(frozen=True)
class Template:
    """A named Cypher query read from ``cypher/<name>.cypher``.

    Attributes:
        name: template name (equals the file stem).
        description: one Chinese sentence saying what it answers.
        parameters: declared parameters, in header order.
        examples: example questions (at least three) that the router routes back to this template.
        keywords: words that point a question at this template (may be empty).
        cypher: the body (header comment lines removed).
        path: the file it was read from.
        precompute: ``// precompute: yes``: its result with every parameter at its default is computed at ingest
            and kept with the question index (``kb.query.index``), for whole-graph aggregations.
    """

    name: str
    description: str
    parameters: tuple[Parameter, ...]
    examples: tuple[str, ...]
    keywords: tuple[str, ...]
    cypher: str
    path: Path
    precompute: bool = False

    @property
    def params(self) -> list[str]:
        """Parameter names in header order (what ``kb templates`` lists)."""
        return [parameter.name for parameter in self.parameters]

    @property
    def required_params(self) -> list[str]:
        """Names of the parameters that have no default."""
        return [parameter.name for parameter in self.parameters if parameter.required]

    def bind(self, params: dict[str, Any]) -> dict[str, Any]:
        """Check and convert the caller's parameters; fill defaults.

        Args:
            params: name -> value (text or already typed); every required parameter must be present.

        Returns:
            name -> typed value for exactly the declared parameters.

        Raises:
            MissingParameter: a required parameter is absent, a name is not declared, or a value has the wrong type.
            InvalidParameter (a MissingParameter): a value outside the ones the header allows (``choices``).
        """
        declared = {parameter.name for parameter in self.parameters}
        unknown = sorted(set(params) - declared)
        if unknown:
            raise MissingParameter(
                f"模板 {self.name} 没有参数 {'、'.join(unknown)}（它的参数：{'、'.join(self.params) or '无'}）")
        bound: dict[str, Any] = {}
        for parameter in self.parameters:
            value = params.get(parameter.name)
            if value is None or (isinstance(value, str) and not value.strip()):
                if parameter.required:
                    allowed = f"；可选：{'、'.join(parameter.choices)}" if parameter.choices else ""
                    raise MissingParameter(
                        f"模板 {self.name} 缺少参数 {parameter.name}（{parameter_label(parameter.name)}{allowed}）")
                value = parameter.default
            bound[parameter.name] = parameter.convert(value, self.name)
            if parameter.choices and bound[parameter.name] != parameter.default \
                    and bound[parameter.name] not in parameter.choices:
                raise InvalidParameter(template=self.name, parameter=parameter.name, value=shorten(value),
                                       allowed="、".join(parameter.choices))
        return bound

    def to_dict(self) -> dict:
        """JSON-ready description: name, description, params (with meaning/kind/default), examples, file."""
        return {
            "name": self.name,
            "description": self.description,
            "params": [
                {"name": p.name, "kind": p.kind, "meaning": p.meaning, "required": p.required, "default": p.default}
                for p in self.parameters
            ],
            "examples": list(self.examples),
            "keywords": list(self.keywords),
            "file": self.path.name,
        }


def _body_parameters(cypher: str) -> set[str]:
    """``$names`` used in the body, ignoring string literals and ``//`` comments."""
    text = re.sub(r"//[^\n]*", "", _STRING_LITERAL.sub("''", cypher))
    return set(_PARAM_USE.findall(text))


def parse_template(path: Path, internal: bool = False) -> Template:
    """Read one ``.cypher`` file into a ``Template``.

    Args:
        path: the file; its header must hold name (= file stem), description, params and ≥ 3 examples.
        internal: a query the code runs for itself (cypher/internal/: the gazetteer's reads); it needs no
            example questions and is never offered to the router.

    Raises:
        InvalidTemplate: a header key is missing, the name differs from the file stem, fewer than three
            examples, or the body uses a ``$param`` the header does not declare (or the reverse).
    """
    header: dict[str, str] = {}
    body: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        match = _HEADER_LINE.match(line.strip()) if not body else None
        if match:
            header[match.group("key")] = match.group("value").strip()
        elif line.strip() or body:
            body.append(line)
    for key in ("name", "description", "params") + (() if internal else ("examples",)):
        if key not in header:
            raise InvalidTemplate(f"模板文件 {path.name}：文件头缺少“// {key}:”一行")
    if header["name"] != path.stem:
        raise InvalidTemplate(f"模板文件 {path.name}：文件头的名称“{header['name']}”与文件名不同")
    cypher = "\n".join(body).strip()
    if not cypher:
        raise InvalidTemplate(f"模板文件 {path.name}：文件头之后没有 Cypher 查询")
    parameters = parse_parameters(header["params"], path)
    declared = {parameter.name for parameter in parameters}
    used = _body_parameters(cypher)
    if used - declared:
        raise InvalidTemplate(f"模板文件 {path.name}：查询用到 ${'、$'.join(sorted(used - declared))}，但 params 没有声明")
    if declared - used:
        raise InvalidTemplate(f"模板文件 {path.name}：params 声明了 {'、'.join(sorted(declared - used))}，查询却没有用到")
    examples = tuple(e.strip() for e in header.get("examples", "").split("|") if e.strip())
    if len(examples) < 3 and not internal:
        raise InvalidTemplate(f"模板文件 {path.name}：至少需要 3 个示例问题，现有 {len(examples)} 个")
    keywords = tuple(k.strip() for k in header.get("keywords", "").split("|") if k.strip())
    precompute = header.get("precompute", "no").strip().lower()
    if precompute not in ("yes", "no"):
        raise InvalidTemplate(f"模板文件 {path.name}：“// precompute:”只能是 yes 或 no，不是“{precompute}”")
    return Template(header["name"], header["description"], parameters, examples, keywords, cypher, path,
                    precompute == "yes")


class Registry:
    """The loaded templates, in name order; iterable, and indexable by name."""

    def __init__(self, templates: list[Template]):
        self._templates = {template.name: template for template in sorted(templates, key=lambda t: t.name)}

    def __iter__(self) -> Iterator[Template]:
        return iter(self._templates.values())

    def __len__(self) -> int:
        return len(self._templates)

    def __contains__(self, name: object) -> bool:
        return name in self._templates

    def get(self, name: str) -> Template:
        """Return the template called ``name``.

        Raises:
            TemplateNotFound: no such template (the message lists the known names).
        """
        try:
            return self._templates[name]
        except KeyError:
            raise TemplateNotFound(f"没有名为“{name}”的查询模板；已有：{'、'.join(self._templates)}") from None


def load_registry(folder: Path | None = None) -> Registry:
    """Load every ``*.cypher`` file of ``folder`` (default: the repository's cypher/).

    Raises:
        InvalidTemplate: any file is malformed (see ``parse_template``); the folder holds no template.

    Example:
        >>> "projects_by_policy" in load_registry()
        True
    """
    if folder is None:
        return _default_registry()
    return _load(Path(folder))


@functools.lru_cache(maxsize=1)
def _default_registry() -> Registry:
    return _load(CYPHER_DIR)


@functools.lru_cache(maxsize=1)
def internal_registry() -> Registry:
    """The named queries the code runs for itself (cypher/internal/*.cypher: gazetteer and answer reads).

    Raises:
        InvalidTemplate: a file is malformed.
    """
    return _load(CYPHER_DIR / "internal", internal=True)


def _load(folder: Path, internal: bool = False) -> Registry:
    paths = sorted(folder.glob("*.cypher"))
    if not paths:
        raise InvalidTemplate(f"文件夹 {folder} 里没有 .cypher 查询模板")
    return Registry([parse_template(path, internal) for path in paths])


def run_internal(store: Any, name: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """Run the internal named query ``name`` (cypher/internal/) and return its rows.

    Raises:
        TemplateNotFound, MissingParameter: as ``run_template``. StoreQueryFailed: from the store.
    """
    template = internal_registry().get(name)
    return [dict(row) for row in store.read(template.cypher, template.bind(dict(params or {})), name=template.name)]


@dataclass
class QueryResult:
    """Rows of one template run.

    Attributes:
        template: the template name.
        params: the bound parameters (typed, defaults filled).
        cypher: the Cypher that ran (values were passed separately, as parameters).
        columns: column names in RETURN order.
        rows: one dict per row (amounts in 万元, lines 1-based).
    """

    template: str
    params: dict[str, Any]
    cypher: str
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready: template, params, cypher, columns, rows."""
        return {"template": self.template, "params": self.params, "cypher": self.cypher,
                "columns": self.columns, "rows": self.rows}

    def to_text(self) -> str:
        """A plain table: one tab-separated line per row under a header line; lists as JSON."""
        lines = ["\t".join(column_label(column, self.template) for column in self.columns)]
        for row in self.rows:
            lines.append("\t".join(_cell(row.get(column)) for column in self.columns))
        lines.append(f"（共 {len(self.rows)} 行）")
        return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else f"{value:.2f}"
    return str(value)


def _columns_of(cypher: str, rows: list[dict]) -> list[str]:
    if rows:
        return list(rows[0].keys())
    tail = cypher.rsplit("RETURN", 1)[-1].split("ORDER BY")[0].split("LIMIT")[0]
    items = split_top_level(tail, ",", "({[", ")}]")
    return [part.rsplit(" AS ", 1)[-1].strip() for part in items if part.strip()]


def run_template(store: Any, name: str, params: dict[str, Any] | None = None) -> QueryResult:
    """Run template ``name`` on ``store`` with ``params`` (values only as Cypher parameters).

    Args:
        store: a kb.store Store (``store.read(cypher, params, name=...) -> list[dict]``).
        name: template name, e.g. "projects_by_policy".
        params: name -> value; text values are converted to the declared kind (int years ...).

    Returns:
        A ``QueryResult``; its rows keep the template's column names.

    Raises:
        TemplateNotFound: unknown name. MissingParameter: a required parameter is absent or malformed.
        StoreQueryFailed: the store rejected the query (raised by the store, carrying name and params).

    Example:
        >>> run_template(store, "projects_by_policy", {"doc_no": "渝委办发〔2019〕66号"}).rows[0]["amount"]  # doctest: +SKIP
        207.0
    """
    template = load_registry().get(name)
    bound = template.bind(dict(params or {}))
    rows = store.read(template.cypher, bound, name=template.name)
    rows = [dict(row) for row in rows]
    return QueryResult(template.name, bound, template.cypher, _columns_of(template.cypher, rows), rows)


__all__ = ["Parameter", "QueryResult", "Registry", "Template", "internal_registry", "load_registry",
           "parse_template", "run_internal", "run_template"]
