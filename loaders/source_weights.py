"""How far each unit reader's source is to be trusted, estimated from the training documents.

Every unit, year and kind candidate comes from one reader rule: a (field, source, reader confidence) triple such
as ("name", "signature", 0.7). On the training documents (tests/data/real dev, fresh and unseen3; never
holdout) each rule proposed ``seen`` distinct values, ``right`` of them the expected one. The confidence a
candidate is ranked by is the reader's confidence updated by those counts, as the mean of a Beta prior
centred on the reader's confidence with weight ``PRIOR_WEIGHT`` (in documents):

    estimated = (right + PRIOR_WEIGHT * confidence) / (seen + PRIOR_WEIGHT)

so a rule seen on few documents keeps about its reader confidence, and a rule seen often gets how often it was
right. ``loaders.unit.best_candidate`` breaks ties between equally confident candidates with it (ranking by it
first lost on the training documents, leave-one-out). The counts are written to ``loaders/data/unit_model.json``
(key "sources") by ``tools/fit_unit_model.py``.
"""

from __future__ import annotations

import functools
import re

from loaders.kind_model import load_model

PRIOR_WEIGHT = 4.0
_COUNTED = re.compile(r"\s*\((?:\d+ times|p=[\d.]+)\)$")


@functools.lru_cache(maxsize=4096)
def source_key(source: str) -> str:
    """A candidate's source without its per-document detail ("most mentioned name (3 times)" -> "most mentioned
    name"; a coded cell's code source "121003-重庆市…" -> "code of a coded cell")."""
    if re.match(r"^\d{3,9}-", source):
        return "code of a coded cell"
    return _COUNTED.sub("", source)


def rule_key(field: str, source: str, confidence: float) -> str:
    """The key of one reader rule in the fitted counts: "field|source|confidence"."""
    return f"{field}|{source_key(source)}|{confidence:.2f}"


def estimated_confidence(field: str, source: str, confidence: float, weights: dict | None = None) -> float:
    """The confidence to rank a candidate by (0..1), see the module docstring.

    Args:
        field: name, year, kind or code; source: the candidate's source; confidence: the reader's own;
        weights: {rule_key: [right, seen]}; default the stored model's "sources" ({} when none is stored).
    """
    if weights is None:
        model = load_model()
        weights = (model or {}).get("sources", {})
    right, seen = weights.get(rule_key(field, source, confidence), (0, 0))
    return (right + PRIOR_WEIGHT * confidence) / (seen + PRIOR_WEIGHT)


def count_rules(documents: list[tuple[dict[str, list], dict[str, object]]]) -> dict[str, list[int]]:
    """Fit the counts: for each reader rule, [values right, distinct values proposed] over the documents.

    Args:
        documents: (candidates by field as ``loaders.unit.unit_candidates`` gives them, {field: a predicate
            value -> bool saying whether the value is right, for the fields the document is scored on}).

    Returns:
        {rule_key: [right, seen]}, keys sorted.
    """
    counts: dict[str, list[int]] = {}
    for candidates, judges in documents:
        for field, judge in judges.items():
            proposed: dict[str, set] = {}
            for candidate in candidates.get(field, []):
                proposed.setdefault(rule_key(field, candidate.source, candidate.confidence), set()).add(candidate.value)
            for key, values in proposed.items():
                tally = counts.setdefault(key, [0, 0])
                tally[0] += sum(1 for value in values if judge(value))
                tally[1] += len(values)
    return {key: counts[key] for key in sorted(counts)}
