"""The answer of a question (``Answer``), the sources behind its figures, and the closest known names.

Example:
    >>> Answer("问", None, {}, "", [], [], "答").to_dict()["error"] is None
    True
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from kb.query.labels import column_label, value_label
from kb.query.sentences import figure_sources, money, printed_forms
from kb.query.vocabulary import Vocabulary, source_line


@dataclass
class Answer:
    """One answered question (``to_dict`` is what ``kb ask --json`` prints).

    Attributes:
        question: as asked. template: the template that answered, or None (semantic search / unresolved).
        params: the template's parameters. cypher: the Cypher that ran ("" when none).
        columns, rows: the result table (amounts in 万元).
        answer: the Chinese sentence with the figures.
        sources: {file, line, text} for every figure (text = that line of the source document).
        method: "template", "follow-up", "semantic", "unresolved" or "error".
        unresolved: words of the question no name in the graph matched.
        suggestions: the closest known names to those words.
    """

    question: str
    template: str | None
    params: dict[str, Any]
    cypher: str
    columns: list[str]
    rows: list[dict]
    answer: str
    sources: list[dict] = field(default_factory=list)
    method: str = "template"
    unresolved: list[str] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    focus: str | None = None  # the budget figure asked about (e.g. "project_expense"), kept for follow-ups
    error: dict | None = None  # {"code", "message"} when the question could not be answered
    operation: str = "list"  # list | sum | count | max | min | lookup
    fuzzy: list[dict] = field(default_factory=list)  # names read by pinyin or edit distance: {kind, typed, known, how}
    frame: Any = field(default=None, repr=False, compare=False)  # the question's Frame (kept for follow-ups)
    list_rows: list = field(default_factory=list, repr=False, compare=False)  # the listing an operation acted on

    def to_dict(self) -> dict:
        """question, template, params, cypher, columns, rows, answer, sources, method, unresolved, suggestions,
        operation, fuzzy and error (None, or {"code": str, "message": str} when it could not be answered)."""
        return {"question": self.question, "template": self.template, "params": self.params, "cypher": self.cypher,
                "columns": self.columns, "rows": self.rows, "answer": self.answer, "sources": self.sources,
                "method": self.method, "unresolved": self.unresolved, "suggestions": self.suggestions,
                "operation": self.operation, "fuzzy": self.fuzzy, "error": self.error}

    def to_text(self) -> str:
        """The sentence, the table (tab-separated) and the sources, for a terminal."""
        lines = [self.answer]
        if self.rows:
            shown = [c for c in self.columns if c != "sources"]
            lines += ["", "\t".join(column_label(c, self.template) for c in shown)]
            lines += ["\t".join(_cell(value_label(c, row.get(c))) for c in shown) for row in self.rows[:50]]
            if len(self.rows) > 50:
                lines.append(f"……另有 {len(self.rows) - 50} 行")
        if self.sources:
            lines += ["", "来源："] + [f"  {s['file']}:{s['line']}  {s['text']}" for s in self.sources[:30]]
        if self.template:
            lines += ["", f"模板：{self.template}  参数：{json.dumps(self.params, ensure_ascii=False)}"]
        return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return money(value)
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def closest_names(vocab: Vocabulary, words: list[str], limit: int = 5) -> list[str]:
    """Known names nearest to ``words`` (rapidfuzz WRatio 0–100, ≥ 50): units, projects, subjects, indicators, 文号."""
    names = (list(vocab.units) + vocab.project_names() + vocab.subject_names() + vocab.indicators
             + vocab.programs + sorted(vocab.doc_nos))
    found: list[str] = []
    for word in words:
        for name, score, _ in process.extract(word, names, scorer=fuzz.WRatio, limit=limit, score_cutoff=50):
            if name not in found:
                found.append(name)
    return found[:limit]


_FIGURE_WINDOW = 60  # lines after a record's first line where its figure may be printed (one cell per line)


def _sources(store: Any, vocab: Vocabulary, rows: list[dict]) -> list[dict]:
    """{file, line, text} for each figure of ``rows``. When the recorded line (e.g. the start of a project's
    block) does not show the figure itself, the first of the next ``_FIGURE_WINDOW`` lines that prints it
    is cited instead, so ``text`` shows the number."""
    sources: dict[tuple[str, int], dict] = {}
    for file, line, figure in figure_sources(rows)[:MAX_FIGURES]:
        line = _line_showing(store, vocab, file, line, figure)
        sources.setdefault((file, line), {"file": file, "line": line, "text": source_line(vocab, file, line, store)})
    return list(sources.values())


@functools.lru_cache(maxsize=8192)
def _figure_patterns(figure: float) -> list[re.Pattern]:
    """Patterns for the printed forms of an amount, not inside a longer number."""
    return [re.compile(rf"(?<![\d.,]){re.escape(form)}(?![\d])") for form in printed_forms(figure)]


@functools.lru_cache(maxsize=8192)
def _name_patterns(name: str) -> tuple[re.Pattern, re.Pattern]:
    """(a tab-separated cell holding exactly ``name``, a line containing it)."""
    return re.compile(rf"(?:^|\t){re.escape(name)}(?:\t|$)"), re.compile(re.escape(name))


def _line_showing(store: Any, vocab: Vocabulary, file: str, line: int, figure: float | str | None) -> int:
    if figure is None or figure == "":
        return line
    if isinstance(figure, str):  # a name: a cell holding exactly it, else a line containing it
        exact, contains = _name_patterns(figure)
        for candidate in range(line, line + _FIGURE_WINDOW):
            if exact.search(source_line(vocab, file, candidate, store)):
                return candidate
        patterns = [contains]
    else:
        patterns = _figure_patterns(figure)
    for candidate in range(line, line + _FIGURE_WINDOW):
        text = source_line(vocab, file, candidate, store)
        if any(pattern.search(text) for pattern in patterns):
            return candidate
    return line


MAX_FIGURES = 60  # figures cited per answer (an aggregate row may carry hundreds of citing projects)
SOURCE_ROWS = 30  # sources are given for the rows an answer shows first (a 文件 cited by 600 projects: the first 30)


def sources_of(store: Any, vocab: Vocabulary, rows: list[dict]) -> list[dict]:
    """{file, line, text} for each figure of the first ``SOURCE_ROWS`` rows (see ``_sources``)."""
    return _sources(store, vocab, rows[:SOURCE_ROWS])


__all__ = ["Answer", "closest_names", "sources_of"]
