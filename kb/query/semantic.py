"""Semantic search over project names, overviews, goals, bases and policy titles: the fallback of ``kb ask``.

Each project becomes one passage (name, overview, 立项依据, goal and the titles of the 文件 it cites),
with common abbreviations spelled out (民师 -> 民办教师 ...), so "民办教师补助" finds 荣昌区民师生活医疗补助.
A passage's score is the character n-gram cosine (0..1) with the question's content words, plus — when a
sentence-transformers model is loaded and the store holds ≤ 2,000 projects — 0.3 × (the model's cosine of the
question with the project's name − 0.5).
The index is built once per store vocabulary (see ``kb.query.vocabulary``).

Example:
    >>> hits = search(store, vocab, "民办教师补助", top_k=3)  # doctest: +SKIP
    >>> hits[0].project  # doctest: +SKIP
    '代发民办教师养老和医疗补助资金'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from kb.embeddings import embed, embedder_name, lexical_embed, uses_model
from kb.query.templates import run_internal
from kb.query.vocabulary import Vocabulary
from linking.vocabulary import beneficiary_groups, find_terms
from kb.core.normalize import match_key

# Short forms the beneficiary-group vocabulary (linking/data/beneficiary_groups.csv) does not list as aliases.
# Its groups (民师 = 民办教师, 军转干 = 军转干部 …) are spelled out from that file by ``expand``.
ABBREVIATIONS = {"社保": "社会保险", "职教幼教": "职业教育 幼儿教育 教师", "离休": "离休干部", "退捕": "退捕渔民"}
MODEL_WEIGHT = 0.3
MODEL_MAX_PASSAGES = 2000  # above this, projects are compared lexically only (model encoding would take minutes)
MIN_SCORE = 0.2  # below this (lexical cosine scale) a passage is not an answer



@dataclass(frozen=True)
class Hit:
    """One project found by semantic search; ``score`` as described in the module docstring."""

    unit: str
    year: int | None
    project: str
    amount: float | None
    file: str | None
    line: int | None
    score: float
    programs: tuple[str, ...] = ()
    doc_nos: tuple[str, ...] = ()

    def to_row(self) -> dict:
        """The row shape of a semantic answer: unit, year, project, amount (万元), score, the project's
        programs and cited 文号 (its graph context), file, line."""
        return {"unit": self.unit, "year": self.year, "project": self.project, "amount": self.amount,
                "score": round(self.score, 3), "programs": list(self.programs), "doc_nos": list(self.doc_nos),
                "file": self.file, "line": self.line}


COLUMNS = ["unit", "year", "project", "amount", "score", "programs", "doc_nos", "file", "line"]


def expand(text: str) -> str:
    """``text`` followed by the full name of each beneficiary group it names only by a short form (linking's
    vocabulary, linking/data/beneficiary_groups.csv: 民师 -> 民办教师, 军转干 -> 军转干部), then by the full form of
    each other abbreviation (``ABBREVIATIONS``: 社保 -> 社会保险).

    Example:
        >>> expand("荣昌区民师生活医疗补助"), expand("代发民办教师养老和医疗补助资金")
        ('荣昌区民师生活医疗补助 民办教师', '代发民办教师养老和医疗补助资金')
    """
    expanded, key = text, match_key(text)
    for term in find_terms(text, beneficiary_groups()):
        if match_key(term.name) not in key:
            expanded = f"{expanded} {term.name}"
    for short, full in ABBREVIATIONS.items():
        if short in text:
            expanded = f"{expanded} {full}"
    return expanded


def _index(store: Any, vocab: Vocabulary) -> tuple[list[dict], np.ndarray, np.ndarray, np.ndarray | None]:
    cached = vocab.cache.get("semantic index")
    if cached is None:
        rows = run_internal(store, "semantic_passages")
        names = [expand(row["project"] or "") for row in rows]
        passages = [expand(" ".join(filter(None, [row["project"], row["overview"], row["basis_text"], row["goal"],
                                                  *sorted(title for title in row["titles"] if title)])))
                    for row in rows]
        # the model reads names only (short texts encode fast); the lexical side reads whole passages
        model_vectors = embed(names) if uses_model() and len(names) <= MODEL_MAX_PASSAGES else None
        cached = (rows, lexical_embed(names), lexical_embed(passages), model_vectors)
        vocab.cache["semantic index"] = cached
    return cached


def search(store: Any, vocab: Vocabulary, text: str, top_k: int = 8) -> list[Hit]:
    """The projects nearest to ``text`` (content words of a question), best first, above ``MIN_SCORE``.

    Args:
        store: the graph store. vocab: its vocabulary (holds the cached index). text: what to look for.
        top_k: how many hits at most.

    Returns:
        Up to ``top_k`` ``Hit``s with score ≥ ``MIN_SCORE``.
    """
    rows, name_vectors, passage_vectors, model_vectors = _index(store, vocab)
    vocab.cache["semantic with model"] = model_vectors is not None
    if not rows or not text.strip():
        return []
    query = lexical_embed([expand(text)])[0]
    lexical = np.maximum(name_vectors @ query, 0.8 * (passage_vectors @ query))
    scores = lexical.copy()
    if model_vectors is not None:
        scores = scores + MODEL_WEIGHT * (model_vectors @ embed([text])[0] - 0.5)
    order = np.argsort(-scores, kind="stable")  # ties keep the passages' order (by project_id)
    hits = []
    for index in order[:top_k]:
        if lexical[index] < MIN_SCORE:
            continue
        row = rows[int(index)]
        hits.append(Hit(row["unit"], row["year"], row["project"], row["amount"], row["file"], row["line"],
                        float(scores[index]), tuple(sorted({g for g in row["programs"] if g})),
                        tuple(sorted({d for d in row["doc_nos"] if d}))))
    return hits


def method_name(vocab: Vocabulary | None = None) -> str:
    """How the last search compared texts, for the answer sentence ("字符 n-gram + all-MiniLM-L6-v2")."""
    with_model = uses_model() if vocab is None else vocab.cache.get("semantic with model", uses_model())
    return "字符 n-gram" + (f" + {embedder_name()}" if with_model else "（词法检索，未用嵌入模型）")


__all__ = ["ABBREVIATIONS", "COLUMNS", "Hit", "expand", "method_name", "search"]
