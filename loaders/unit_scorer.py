"""A learned choice of a disclosure's unit name among every candidate the text gives.

The readers (titles, labelled fields, body sentences, signatures, bylines, table titles, the file name) each
propose values with a hand-set confidence; ``loaders.unit_mentions`` adds every place-prefixed organisation name the
text mentions. Instead of taking the most confident reader, each distinct value is described by binary features
(which reader rules proposed it and with what confidence, whether it is the readers' own first choice, how often
and where the text prints it, whether it starts with a known administrative place, its last one and two
characters, its length, whether it sits inside a longer candidate) and scored by a logistic regression fitted on
the training documents (``tools/fit_unit_model.py``: tests/data/real splits dev, fresh and unseen3). The value of
highest probability wins; below the fitted ``threshold`` the document is taken to name no unit. (The kind chosen the
same way, among 预算/决算/通知/none with the wording model's posterior as features, was measured by cross-validation
and gained nothing over the readers' ranking: 185 of 185 either way; the readers' ranking is kept.)

The weights live in ``loaders/data/unit_model.json`` ("name_scorer") and are scored in pure Python
(``loaders.project_filter.ProjectFilter``: sigmoid of the intercept plus the weights of the features present).
"""

from __future__ import annotations

import re
from collections import Counter

from kb.core.places import known_place_at
from loaders.project_filter import ProjectFilter
from loaders.source_weights import rule_key, source_key
from loaders.unit_names import HEAD, PLACE_START, Candidate, first_unit, good_name

_HEAD_AT_END = re.compile("(" + HEAD + r")(?:（[^）]{1,8}）|\([^)]{1,8}\))?$")
MENTION = "mention"
_TAIL_TEXTS = 15


def _bucket(value: int, edges: tuple[int, ...]) -> str:
    """The label of the first edge ``value`` is below ("<5"), else ">=last"."""
    for edge in edges:
        if value < edge:
            return f"<{edge}"
    return f">={edges[-1]}"


def name_pool(candidates: list[Candidate], texts: list[str], mentioned: Counter,
              lines: list[int] | None = None) -> dict[str, list[Candidate]]:
    """The distinct name values to choose among, each with the reader candidates proposing it.

    Args:
        candidates: the readers' name candidates (``loaders.unit.unit_candidates(...)["name"]``);
        texts: the document's rows (cells joined by spaces); mentioned: ``loaders.unit_mentions.mentions(texts)``;
        lines: the source line of each text (default: its index + 1).

    Returns:
        {value: [Candidate ...]}; a value only mentioned holds one Candidate of source ``MENTION`` (confidence 0,
        the line of its first mention).
    """
    pool: dict[str, list[Candidate]] = {}
    for candidate in candidates:
        if candidate.value:
            pool.setdefault(candidate.value, []).append(candidate)
    for name in mentioned:
        if name not in pool:
            first = next((index for index, text in enumerate(texts) if name in text), None)
            line = None if first is None else (lines[first] if lines else first + 1)
            pool[name] = [Candidate(name, 0.0, line, MENTION)]
    return pool


_JOINED: dict[int, tuple[list[str], tuple[str, str]]] = {}


def _joined(texts: list[str]) -> tuple[str, str]:
    """(the texts joined by newlines, the last ``_TAIL_TEXTS`` joined), computed once per list of texts."""
    cached = _JOINED.get(id(texts))
    if cached is None or cached[0] is not texts:
        _JOINED.clear()
        cached = (texts, ("\n".join(texts), "\n".join(texts[-_TAIL_TEXTS:])))
        _JOINED[id(texts)] = cached
    return cached[1]


_TOP: dict[int, tuple[Counter, str]] = {}


def _most_mentioned(mentioned: Counter) -> str:
    """The most mentioned name (the first among equals), computed once per counter."""
    cached = _TOP.get(id(mentioned))
    if cached is None or cached[0] is not mentioned:
        _TOP.clear()
        cached = (mentioned, mentioned.most_common(1)[0][0])
        _TOP[id(mentioned)] = cached
    return cached[1]


def name_features(value: str, proposals: list[Candidate], pool: dict[str, list[Candidate]], texts: list[str],
                  mentioned: Counter, reader_choice: object) -> tuple[str, ...]:
    """The binary features of one name value (see the module docstring).

    Args:
        value: the name; proposals: the candidates proposing it; pool: every value's proposals (for containment);
        texts: the document's lines; mentioned: mention counts; reader_choice: the value the readers' confidences
        rank first (``loaders.unit.best_candidate``), or None.
    """
    features = set()
    readers = [c for c in proposals if c.source != MENTION]
    for candidate in readers:
        features.add("rule=" + rule_key("name", candidate.source, candidate.confidence))
        features.add("source=" + source_key(candidate.source))
    features.add(f"sources={min(len({source_key(c.source) for c in readers}), 3)}")
    if not readers:
        features.add("only_mentioned")
    if reader_choice is not None and value == reader_choice:
        features.add("reader_choice")
    if reader_choice is None:
        features.add("no_reader_candidate")
    best = max((c.confidence for c in readers), default=0.0)
    features.add(f"best_confidence={_bucket(int(best * 20), (9, 12, 14, 16, 18))}")
    joined, tail = _joined(texts)
    count = joined.count(value)
    features.add(f"printed={_bucket(count, (1, 2, 3, 5, 10))}")
    if mentioned and value == _most_mentioned(mentioned):
        features.add("most_mentioned")
    position = joined.find(value)
    first = None if position < 0 else joined.count("\n", 0, position)  # the index of the first line printing it
    features.add("first=" + ("never" if first is None else _bucket(first, (3, 10, 30, 100))))
    if value in tail:
        features.add("in_last_lines")
    if known_place_at(value, 0) > 0:
        features.add("known_place")
    elif PLACE_START.match(value):
        features.add("place_like")
    else:
        features.add("no_place")
    head = _HEAD_AT_END.search(value)
    features.add("head=" + (head.group(1) if head else "none"))
    features.add("end1=" + value[-1:])
    features.add("end2=" + value[-2:])
    features.add(f"length={_bucket(len(value), (5, 8, 12, 18, 25))}")
    for other, others in pool.items():
        if value != other and (value in other or other in value):
            proposed = "_proposed" if any(c.source != MENTION for c in others) else ""  # a reader's, not a mention
            features.add(("inside_longer" if value in other else "contains_shorter") + proposed)
    return tuple(sorted(features))


def choose_name(candidates: list[Candidate], texts: list[str], mentioned: Counter, reader_choice: object,
                scorer: ProjectFilter, lines: list[int] | None = None) -> tuple[Candidate | None, float]:
    """The most probable name and its probability; (None, probability) when below the scorer's threshold.

    Args:
        candidates, texts, mentioned, lines: as for ``name_pool``; reader_choice: the readers' first choice
        (``loaders.unit.best_candidate``) or None; scorer: the fitted name scorer.

    Returns:
        (the chosen value's most confident proposal, P(right) 0..1); (None, 0.0) when there is no candidate.
    """
    pool = name_pool(candidates, texts, mentioned, lines)
    scored = [(scorer.probability(name_features(value, proposals, pool, texts, mentioned, reader_choice)), value,
               any(c.source != MENTION for c in proposals)) for value, proposals in pool.items()]
    value, probability = pick(scored, scorer.threshold)
    if value is None:
        return None, probability
    return max(pool[value], key=lambda c: c.confidence), probability


def pick(scored: list[tuple[float, str, bool]], threshold: float) -> tuple[str | None, float]:
    """The value to take from (probability, value, proposed by a reader) triples, in the pool's order: the most
    probable (the first among equals), or a fuller printed form of it that a reader proposed, with a prefix of its own
    (a place), that is itself one unit name ("坝塘镇" -> "宁乡市坝塘镇人民政府": the full name is expected; an office
    after the name, "…局办公室", is another unit); None below ``threshold``.

    Returns:
        (value or None, its probability; 0.0 when there is no candidate).
    """
    if not scored:
        return None, 0.0
    probability, value, _ = max(scored, key=lambda item: (item[0], -scored.index(item)))
    if probability < threshold:
        return None, probability
    fuller = [(p, other) for p, other, proposed in scored if proposed and other.find(value) > 0 and p >= threshold and good_name(other, head_required=True) and first_unit(other) == other]
    return max(fuller) [::-1] if fuller else (value, probability)


_SCORERS: dict[int, tuple[dict, ProjectFilter | None]] = {}


def shipped_scorer(model: dict | None) -> ProjectFilter | None:
    """The name scorer of the fitted model (``loaders.kind_model.load_model()``), None when none is stored; built
    once per model object."""
    model = model or {}
    cached = _SCORERS.get(id(model))
    if cached is None or cached[0] is not model:
        cached = (model, ProjectFilter.from_dict(model["name_scorer"]) if "name_scorer" in model else None)
        _SCORERS[id(model)] = cached
    return cached[1]
