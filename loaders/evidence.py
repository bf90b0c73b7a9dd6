"""Cheap evidence computed once per document, so a reader that cannot find anything is not run.

Two kinds of gate, each declared next to the reader call it guards:

- ``Needs(words)``: the reader's output is empty unless the document holds one of ``words`` (a sentence reader
  of amounts needs 元, a form reader needs the label 项目名称). The words every gate of the parse asks about
  (``GATE_WORDS``) are found in one pass (``pyahocorasick``) over the document's text lines and its rows' cells,
  once per document, when the first gate asks (``evidence_of``); a gate is a necessary condition of its reader,
  never a guess, so gating changes no output. ``gated(needs, reader)`` wraps a reader of (rows, lines).
- ``settled(found, fields, above)``: the unit readers stop at the first confident source: a reader whose
  candidates are all below ``above`` cannot change a field already held by one value at a higher confidence
  (``loaders.unit.best_candidate`` ranks by confidence first; votes only break ties between values of equal
  confidence).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable

import ahocorasick

# Every word a gate of the parse asks about (a gate asking about another word raises KeyError at import).
GATE_WORDS = ("目", "名", "元", "万", "项目名称")


def _automaton(words: tuple[str, ...]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, word)
    automaton.make_automaton()
    return automaton


_AUTOMATON = _automaton(GATE_WORDS)


@dataclass(frozen=True, slots=True)
class Evidence:
    """The gate words one document's text holds.

    Attributes:
        words: the words of ``GATE_WORDS`` found at least once.
    """

    words: frozenset[str]

    @classmethod
    def of_text(cls, text: str) -> "Evidence":
        """The evidence of ``text`` (one Aho-Corasick pass; stops early once every gate word was seen)."""
        found: set[str] = set()
        for _end, word in _AUTOMATON.iter(text):
            found.add(word)
            if len(found) == len(GATE_WORDS):
                break
        return cls(frozenset(found))


@dataclass(frozen=True, slots=True)
class Needs:
    """A reader's gate: it can only find something in a document whose text holds one of ``words``.

    Example:
        >>> Needs("项目名称").allows(Evidence.of_text("项目\\t金额"))
        False
    """

    words: tuple[str, ...]

    def __init__(self, *words: str) -> None:
        unknown = [word for word in words if word not in GATE_WORDS]
        if unknown:
            raise KeyError(f"gate words not in GATE_WORDS: {unknown}")
        object.__setattr__(self, "words", words)

    def allows(self, evidence: Evidence | None) -> bool:
        """True when the reader may find something (always, without evidence)."""
        return evidence is None or any(word in evidence.words for word in self.words)


_LAST = threading.local()  # per thread: the last document's (rows, lines) and its evidence


def evidence_of(rows: list, lines: list[str] | None = None) -> Evidence:
    """The evidence of one document: its rows' cells (``loaders.rows.Row``) and its text lines, computed once per
    document (kept for the last (rows, lines) pair asked about, by identity: every gate of one parse asks about
    the same lists)."""
    last = getattr(_LAST, "memo", None)
    if last is not None and last[0] is rows and last[1] is lines:
        return last[2]
    text = "\n".join("\t".join(row.cells) for row in rows)
    evidence = Evidence.of_text(text + "\n" + "\n".join(lines) if lines else text)
    _LAST.memo = (rows, lines, evidence)
    return evidence


def gated(needs: Needs, reader: Callable[[list, list[str]], list]) -> Callable[[list, list[str]], list]:
    """``reader(rows, lines)`` run only when the document's evidence allows it (else its empty output, [])."""

    def run(rows: list, lines: list[str]) -> list:
        return reader(rows, lines) if needs.allows(evidence_of(rows, lines)) else []

    run.needs, run.__wrapped__ = needs, reader  # (the gate and the ungated reader, for the tests)
    return run


def settled(found: dict[str, list], fields: tuple[str, ...], above: float) -> bool:
    """True when each of ``fields`` is held by candidates of one value at a confidence (rounded to 2 places, as
    ``loaders.unit.best_candidate`` ranks them) above ``above``: a reader whose candidates never exceed ``above``
    cannot change the choice, so it need not run.

    Args:
        found: {field: [Candidate(value, confidence, line, source)]} as the unit readers fill it.
        fields: the fields the next reader may add candidates to.
        above: the highest confidence the next reader gives.
    """
    for name in fields:
        candidates = found.get(name)
        if not candidates:
            return False
        top = max(round(candidate.confidence, 2) for candidate in candidates)
        if top <= round(above, 2) or len({c.value for c in candidates if round(c.confidence, 2) == top}) > 1:
            return False
    return True
