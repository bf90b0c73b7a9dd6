"""A document's kind (预算, 决算 or 通知) scored from its wording by a count-based model estimated from data.

The model is a Bernoulli naive Bayes over the pairs of adjacent Han characters (bigrams) of the document's head
(its first ``HEAD_ROWS`` rows, tables included, at most ``HEAD_CHARACTERS`` characters): for each kind, the share of training documents of that kind
whose head holds each selected bigram (Laplace-smoothed), and the kinds' prior shares. The bigrams are those
that separate the kinds best (chi-square over document counts), chosen when fitting. Everything is read from
``loaders/data/unit_model.json``, written by ``tools/fit_unit_model.py`` from the training documents of
tests/data/real (splits dev, fresh and unseen3; never holdout) and checked against a fresh fit by
tests/test_unit_model.py.

``loaders.unit`` adds the best kind as one more candidate (source "wording model"), below every place a text
states its kind (titles, form titles, notice wording) and above the bare count of 预算/决算 words.
"""

from __future__ import annotations

import functools
import json
import math
import re
from pathlib import Path

MODEL_PATH = Path(__file__).resolve().parent / "data" / "unit_model.json"
HEAD_ROWS = 120
HEAD_CHARACTERS = 4000
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]+")


def head_text(rows_cells: list[list[str]]) -> str:
    """The head of a document as the model reads it: the cells of its first ``HEAD_ROWS`` rows joined, at most
    ``HEAD_CHARACTERS`` characters."""
    return " ".join(" ".join(cells) for cells in rows_cells[:HEAD_ROWS])[:HEAD_CHARACTERS]


def bigrams(text: str) -> set[str]:
    """The distinct pairs of adjacent Han characters of ``text`` (runs split at anything else).

    Example:
        >>> sorted(bigrams("现下达你局2022年资金"))
        ['下达', '你局', '年资', '现下', '资金', '达你']
    """
    found: set[str] = set()
    for run in _HAN_RUN.findall(text):
        found.update(run[index:index + 2] for index in range(len(run) - 1))
    return found


@functools.lru_cache(maxsize=1)
def load_model(path: Path = MODEL_PATH) -> dict | None:
    """The fitted model: {"kind": {"priors": {kind: p}, "features": {bigram: {kind: p(present | kind)}}}, …};
    None when the file is missing (the kind then comes from the other sources alone)."""
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def kind_posterior(text: str, model: dict | None = None) -> dict[str, float]:
    """P(kind | the head's bigrams) for 预算, 决算 and 通知.

    Args:
        text: the document's head (``head_text``); model: the fitted model, default ``load_model()``.

    Returns:
        {kind: probability} summing to 1, or {} when no model is stored or the head is shorter than the
        shortest training head (``shortest_head``: the model has not seen so little text).
    """
    model = model if model is not None else load_model()
    if not model:
        return {}
    kind_model = model["kind"]
    if len(text) < kind_model.get("shortest_head", 0):  # shorter than every training head: too little wording
        return {}
    absent_scores, present_gains = _log_weights(id(kind_model), kind_model)
    scores = dict(absent_scores)
    for bigram, gains in present_gains.items():
        if bigram in text:  # a two-Han-character feature is a substring of the text exactly when it is a bigram
            for kind, gain in gains.items():
                scores[kind] += gain
    top = max(scores.values())
    weights = {kind: math.exp(score - top) for kind, score in scores.items()}
    total = sum(weights.values())
    return {kind: weight / total for kind, weight in weights.items()}


_LOG_WEIGHTS: dict[int, tuple[dict, tuple[dict, dict]]] = {}


def _log_weights(key: int, kind_model: dict) -> tuple[dict[str, float], dict[str, dict[str, float]]]:
    """(log prior + the log of every feature absent, per kind; per feature and kind, what its presence adds),
    computed once per model object."""
    cached = _LOG_WEIGHTS.get(key)
    if cached is not None and cached[0] is kind_model:
        return cached[1]
    absent = {kind: math.log(prior) for kind, prior in kind_model["priors"].items()}
    gains: dict[str, dict[str, float]] = {}
    for bigram, by_kind in kind_model["features"].items():
        gains[bigram] = {}
        for kind, probability in by_kind.items():
            absent[kind] += math.log(1.0 - probability)
            gains[bigram][kind] = math.log(probability) - math.log(1.0 - probability)
    _LOG_WEIGHTS[key] = (kind_model, (absent, gains))
    return absent, gains


def fit_kind(documents: list[tuple[str, str]], feature_count: int = 40, minimum_documents: int = 3) -> dict:
    """Estimate the kind model from labelled heads.

    Args:
        documents: (head text, kind) pairs, kind one of 预算/决算/通知; feature_count: bigrams kept (highest
            chi-square first); minimum_documents: bigrams in fewer training documents are left out.

    Returns:
        {"priors": {kind: share}, "features": {bigram: {kind: smoothed share of that kind's documents holding
        it}}, "documents": {kind: count}, "shortest_head": characters of the shortest training head}.
    """
    kinds = sorted({kind for _, kind in documents})
    per_kind = {kind: sum(1 for _, k in documents if k == kind) for kind in kinds}
    holding: dict[str, dict[str, int]] = {}
    for text, kind in documents:
        for bigram in bigrams(text):
            holding.setdefault(bigram, dict.fromkeys(kinds, 0))[kind] += 1
    total = len(documents)
    scored = []
    for bigram, counts in holding.items():
        seen = sum(counts.values())
        if seen < minimum_documents:
            continue
        chi = 0.0
        for kind in kinds:
            for observed, expected in ((counts[kind], seen * per_kind[kind] / total),
                                       (per_kind[kind] - counts[kind], (total - seen) * per_kind[kind] / total)):
                chi += (observed - expected) ** 2 / expected if expected else 0.0
        scored.append((-chi, bigram))
    chosen = [bigram for _, bigram in sorted(scored)[:feature_count]]
    return {"priors": {kind: round(per_kind[kind] / total, 6) for kind in kinds},
            "features": {bigram: {kind: round((holding[bigram][kind] + 1) / (per_kind[kind] + 2), 6) for kind in kinds}
                         for bigram in sorted(chosen)},
            "documents": per_kind, "shortest_head": min(len(text) for text, _ in documents)}
