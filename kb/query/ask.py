"""``kb ask``: a Chinese question in, an answer with its figures and their sources out.

Steps: read the names the question holds against the graph's vocabulary (``mentions``), route to a
cypher/ template (``router``), run it with the names as parameters, and state the rows in one Chinese
sentence (``sentences``) with the file and line of every figure. When no template fits, semantic search
over project texts answers instead and says so. When a named thing is not in the graph the answer says
which words did not resolve and the closest known names — an empty result never reads as "no such entity".

Example:
    >>> answer = ask(store, "渝委办发〔2019〕66号支持了哪些项目？")  # doctest: +SKIP
    >>> answer.template, answer.rows[0]["amount"]
    ('projects_by_policy', 207.0)
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import fuzz, process

from kb.core.errors import UnanswerableQuestion
from kb.query import semantic
from kb.query.mentions import Mentions, content_words
from kb.query.router import route
from kb.query.sentences import FIELD_LABELS, figure_sources, money, printed_forms, sentence, short_unit
from kb.query.templates import run_template
from kb.query.vocabulary import Vocabulary, source_line, vocabulary

@dataclass
class Answer:
    """One answered question (``to_dict`` is what ``kb ask --json`` prints).

    Attributes:
        question: as asked. template: the template that answered, or None (semantic search / unresolved).
        params: the template's parameters. cypher: the Cypher that ran ("" when none).
        columns, rows: the result table (amounts in 万元).
        answer: the Chinese sentence with the figures.
        sources: {file, line, text} for every figure (text = that line of the source document).
        method: "template", "follow-up", "semantic" or "unresolved".
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

    def to_dict(self) -> dict:
        """question, template, params, cypher, columns, rows, answer, sources (+ method, unresolved, suggestions)."""
        return {"question": self.question, "template": self.template, "params": self.params, "cypher": self.cypher,
                "columns": self.columns, "rows": self.rows, "answer": self.answer, "sources": self.sources,
                "method": self.method, "unresolved": self.unresolved, "suggestions": self.suggestions}

    def to_text(self) -> str:
        """The sentence, the table (tab-separated) and the sources, for a terminal."""
        lines = [self.answer]
        if self.rows:
            shown = [c for c in self.columns if c != "sources"]
            lines += ["", "\t".join(shown)]
            lines += ["\t".join(_cell(row.get(c)) for c in shown) for row in self.rows[:50]]
            if len(self.rows) > 50:
                lines.append(f"… {len(self.rows) - 50} more rows")
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


def ask(store: Any, question: str, previous: Answer | None = None) -> Answer:
    """Answer ``question`` from ``store``.

    Args:
        store: an open kb.store Store.
        question: Chinese, traditional or simplified; 文号 in any bracket style.
        previous: the previous answer, for follow-ups ("那綦江呢？", "按年份呢？") that reuse its template.

    Returns:
        An ``Answer`` (see its attributes).

    Raises:
        UnanswerableQuestion: the question or the store is empty, or neither a template nor semantic search
            finds anything; the message names the words that did not resolve and the closest known names.
        StoreQueryFailed: from the store.
    """
    if not question or not question.strip():
        raise UnanswerableQuestion("the question is empty")
    vocab = vocabulary(store)
    if not vocab.units:
        raise UnanswerableQuestion("the knowledge base is empty: run `kb ingest PATH` first")
    chosen = route(question, vocab, previous)
    content = content_words(chosen.mentions)
    unknown_unit = _unknown_unit(chosen.mentions, content, vocab)
    if unknown_unit:
        near = closest_names(vocab, [unknown_unit], 3)
        known = "、".join(short_unit(name) for name in sorted(vocab.units))
        text = (f"知识库里没有单位“{unknown_unit}”：已入库的单位是 {known}。"
                + (f"最接近的已知名称：{'、'.join(near)}。" if near else ""))
        return Answer(question, None, {}, "", [], [], text, [], "unresolved", [unknown_unit], near)
    if chosen.template is not None:
        focus = chosen.mentions.budget_field or (getattr(previous, "focus", None) if chosen.follow_up else None)
        return _template_answer(store, vocab, question, chosen, content, focus)
    if chosen.mentions.unknown_doc_nos:
        return _unknown_doc_no_answer(vocab, question, chosen.mentions, content)
    return _semantic_answer(store, vocab, question, chosen, content)


# A word shaped like a unit or place name (北碚区社保中心, 北京市): a unit the graph does not hold.
_UNIT_LIKE = re.compile(r"[\u4e00-\u9fff]{1,8}?(?:经开区|开发区|区|县|市)(?:[\u4e00-\u9fff]{0,10}?(?:中心|局|委员会|办公室|所|站))?")


def _unknown_unit(mentions: Mentions, content: list[str], vocab: Vocabulary) -> str | None:
    """A unit- or place-like word (≥ 3 characters, e.g. 北碚区社保中心, 北京市) in a question naming no known unit,
    project, program or 文号, and not part of any name the graph holds; None when there is none."""
    if mentions.units or mentions.projects or mentions.programs or mentions.doc_nos or mentions.unknown_doc_nos:
        return None
    for word in content:
        for match in _UNIT_LIKE.finditer(word):
            found = match.group()
            if len(found) >= 3 and not _in_known_names(found, vocab):
                return found
    return None


def _in_known_names(word: str, vocab: Vocabulary) -> bool:
    names = vocab.project_names() + vocab.subject_names() + vocab.indicators + vocab.programs
    return any(word in name for name in names)


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
    for file, line, figure in figure_sources(rows):
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


def _template_answer(store: Any, vocab: Vocabulary, question: str, chosen, content: list[str],
                     focus: str | None) -> Answer:
    result = run_template(store, chosen.template, chosen.params)
    units = chosen.mentions.units
    if len(units) > 1 and chosen.params.get("unit") in units and not chosen.mentions.projects:
        for unit in units:  # "荣昌和綦江的住房公积金": the same template for each unit named
            if unit != chosen.params["unit"]:
                result.rows += run_template(store, chosen.template, {**chosen.params, "unit": unit}).rows
        result.params = {**result.params, "unit": " | ".join(units)}
    method = "follow-up" if chosen.follow_up else "template"
    if result.rows:
        text = sentence(result.template, result.rows, result.params, focus=focus)
        return Answer(question, result.template, result.params, result.cypher, result.columns, result.rows, text,
                      _sources(store, vocab, result.rows), method, content, focus=focus)
    text, suggestions = explain_empty(store, vocab, result.template, result.params)
    return Answer(question, result.template, result.params, result.cypher, result.columns, [], text, [], method,
                  content, suggestions, focus)


def explain_empty(store: Any, vocab: Vocabulary, template: str, params: dict) -> tuple[str, list[str]]:
    """Say why a template returned nothing: a name the graph lacks (with the closest known), or no record
    for the given combination (with what the graph does hold). Returns (sentence, closest names)."""
    doc_no = params.get("doc_no")
    if doc_no and doc_no not in vocab.doc_nos:
        near = [name for name, _, _ in process.extract(doc_no, sorted(vocab.doc_nos), scorer=fuzz.ratio, limit=3)]
        return (f"知识库里没有文号 {doc_no}：已入库的文件都没有引用它。最接近的已知文号：{'、'.join(near)}。", near)
    if doc_no and params.get("role") == "basis":
        return (f"{doc_no} 在知识库中，但没有项目把它作为立项依据（它只在项目文字中被提及）；"
                f"去掉“立项依据”再问可看到提及它的项目。", [])
    unit = params.get("unit")
    if unit and unit not in vocab.units:
        near = closest_names(vocab, [unit], 3)
        return f"知识库里没有单位“{unit}”。最接近的已知名称：{'、'.join(near)}。", near
    year = params.get("year")
    if unit and year:
        years = sorted({row["year"] for row in store.read(
            "MATCH (u:Unit)-[:HAS_BUDGET]->(b:Budget) WHERE u.name = $unit RETURN b.year AS year",
            {"unit": unit}, name="years of a unit")})
        if year not in years:
            shown = "、".join(str(y) for y in years) or "无"
            return f"{short_unit(unit)} 在知识库中，但没有 {year} 年的数据（已有年度：{shown}）。", []
    project = params.get("project")
    if project:
        what = {"policies_of_project": "引用任何文号", "project_indicators": "列出绩效指标"}.get(template, "符合条件的记录")
        return f"项目“{project}”在知识库中，但文档没有为它{what}。", []
    for name, noun in (("indicator", "指标"), ("keyword", "主题词"), ("program", "项目群"), ("subject", "科目")):
        if params.get(name):
            return f"没有项目或预算行与{noun}“{params[name]}”匹配（名称已识别，但没有符合条件的记录）。", []
    shown = "，".join(f"{key}={value}" for key, value in params.items())
    return f"查询 {template}（{shown or '无参数'}）没有返回记录：所涉名称都在知识库中，但没有符合条件的记录。", []


def _unknown_doc_no_answer(vocab: Vocabulary, question: str, mentions: Mentions, content: list[str]) -> Answer:
    doc_no = mentions.unknown_doc_nos[0]
    near = [name for name, _, _ in process.extract(doc_no, sorted(vocab.doc_nos), scorer=fuzz.ratio, limit=3)]
    text = f"知识库里没有文号 {doc_no}：已入库的文件都没有引用它。最接近的已知文号：{'、'.join(near)}。"
    return Answer(question, None, {"doc_no": doc_no}, "", [], [], text, [], "unresolved", [doc_no], near)


def _shared_context(hits: list) -> str:
    """A sentence on the program and 文号 the nearest projects share (their graph context), or ""."""
    counts: dict[tuple[str, str], int] = {}
    for hit in hits[:5]:
        for program in hit.programs:
            counts[("项目群", program)] = counts.get(("项目群", program), 0) + 1
        for doc_no in hit.doc_nos:
            counts[("文件", doc_no)] = counts.get(("文件", doc_no), 0) + 1
    shared = [f"{kind}“{name}”（{count} 个项目）" for (kind, name), count in
              sorted(counts.items(), key=lambda item: -item[1]) if count > 1]
    return f"其中共同的关联：{'、'.join(shared[:4])}。" if shared else ""


def _semantic_answer(store: Any, vocab: Vocabulary, question: str, chosen, content: list[str]) -> Answer:
    query = " ".join(content) or chosen.mentions.text
    hits = semantic.search(store, vocab, query)
    if not hits:
        near = closest_names(vocab, content or [chosen.mentions.text])
        unresolved = "、".join(content) or chosen.mentions.text
        raise UnanswerableQuestion(
            f"cannot answer: no template fits and semantic search found nothing for “{unresolved}”; "
            f"closest known names: {'、'.join(near) or 'none'}")
    rows = [hit.to_row() for hit in hits]
    items = [f"{short_unit(h.unit)} {h.year} 年 {h.project} {money(h.amount)} 万元（相似度 {h.score:.2f}）" for h in hits]
    units = "、".join(dict.fromkeys(short_unit(h.unit) for h in hits))
    text = (f"没有合适的查询模板，改用语义检索（{semantic.method_name(vocab)}）查“{query}”。最接近的 {len(hits)} 个项目分布在 "
            f"{units}：{'；'.join(items)}。{_shared_context(hits)}")
    return Answer(question, None, {"query": query}, "", list(semantic.COLUMNS), rows, text, _sources(store, vocab, rows),
                  "semantic", content, [])


__all__ = ["Answer", "FIELD_LABELS", "ask", "closest_names", "explain_empty"]
