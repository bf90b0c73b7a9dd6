"""Cheap evidence computed once per document, so a reader that cannot find anything is not run.

Two kinds of gate, each declared next to the reader call it guards:

- ``Needs(words)``: the reader's output is empty unless the document holds one of ``words`` (a sentence reader
  of amounts needs 元, a form reader needs the label 项目名称). Which of the words every gate of the parse asks
  about (``GATE_WORDS``) a document holds is found once per document, when the first gate asks
  (``evidence_of``), by one substring test per word over its joined text lines (in C, each stopping at the first
  occurrence: measured faster than one pyahocorasick pass, which hands every occurrence of a frequent word
  such as 元 to Python). Rows are made of the lines' text, so a character of a row is in the lines; a word of
  several characters may be joined in a row by the removal of markup (``项目**名称**``), so in a document
  holding markup characters every such word counts as present. A gate is a necessary condition of its reader,
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

# Every word a gate of the parse asks about (a gate asking about another word raises KeyError).
GATE_WORDS = ("目", "名", "元", "万", "项目名称")
_MARKUP = "<*_#"  # what ``loaders.rows.clean_markup`` removes from within a cell (a tag, emphasis, a heading mark)


@dataclass(frozen=True, slots=True)
class Evidence:
    """The gate words one document holds.

    Attributes:
        words: the words of ``GATE_WORDS`` its text holds (or may hold once its rows are cleaned of markup).
    """

    words: frozenset[str]

    @classmethod
    def of_text(cls, text: str) -> "Evidence":
        """The evidence of a document's text (its lines joined by line breaks)."""
        markup = any(mark in text for mark in _MARKUP)
        return cls(frozenset(word for word in GATE_WORDS if word in text or (markup and len(word) > 1)))


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


_LAST = threading.local()  # per thread: the last document's lines and their evidence


def evidence_of(lines: list[str] | None) -> Evidence | None:
    """The evidence of one document's normalised text lines, computed once per document (kept for the last
    list asked about, by identity and length: every gate of one parse asks about the same ``Extraction.lines``).

    None (no evidence: every gate allows its reader) when no lines are given: a caller that hands a reader its
    rows without the lines they came from (an Extraction built by hand) has nothing to gate on."""
    if not lines:
        return None
    last = getattr(_LAST, "memo", None)
    if last is not None and last[0] is lines and last[1] == len(lines):
        return last[2]
    evidence = Evidence.of_text("\n".join(lines))
    _LAST.memo = (lines, len(lines), evidence)
    return evidence


def gated(needs: Needs, reader: Callable[[list, list[str]], list]) -> Callable[[list, list[str]], list]:
    """``reader(rows, lines)`` run only when the document's evidence allows it (else its empty output, [])."""

    def run(rows: list, lines: list[str]) -> list:
        return reader(rows, lines) if needs.allows(evidence_of(lines)) else []

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
