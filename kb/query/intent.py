"""The question classifier: intent (which cypher/ template) and operation (list, sum, count, max, min, lookup).

Trained on the paraphrases of ``kb.query.paraphrases`` (scikit-learn: TF-IDF over character 1–3-grams of the
masked question, whose markers carry the kinds of names found, then logistic regression, one model per
head). Training runs once (``python -m kb.query.intent``) and writes ``kb/query/data/question_model.json``
(n-gram vocabulary, idf, coefficients); answering a question only reads that file and scores with numpy,
so ``kb ask`` imports no scikit-learn and loads no neural model. When the patterns change the model is
stale (its ``fingerprint`` differs) and is retrained into the user's cache on first use.

Example:
    >>> classify("Ⓤ有几个项目？").intent, classify("Ⓤ有几个项目？").operation  # doctest: +SKIP
    ('unit_projects', 'count')
"""

from __future__ import annotations

import functools
import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path

from kb.query import paraphrases

MODEL_FILE = Path(__file__).resolve().parent / "data" / "question_model.json"
_SPACES = re.compile(r"\s\s+")


@dataclass(frozen=True)
class Prediction:
    """What the classifier read.

    Attributes:
        intent: the best intent (a template name, or "follow_up" for a question acting on the last rows).
        operation: list | sum | count | max | min | lookup.
        intents: every intent with its probability (0..1), best first.
        confidence: the best intent's probability.
    """

    intent: str
    operation: str
    intents: tuple[tuple[str, float], ...]
    confidence: float


def ngrams(text: str) -> list[str]:
    """Character 1–3-grams of ``text``, as scikit-learn's ``analyzer="char"`` makes them."""
    text = _SPACES.sub(" ", text)
    return [text[i:i + n] for n in (1, 2, 3) for i in range(len(text) - n + 1)]


def train() -> dict:
    """Fit both heads on ``paraphrases.generate()`` (imports scikit-learn); returns the JSON-ready model."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    data = paraphrases.generate()
    texts = [text for text, _, _ in data]
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), lowercase=False, sublinear_tf=True)
    matrix = vectorizer.fit_transform(texts)
    model = {"fingerprint": paraphrases.fingerprint(), "examples": len(texts),
             "vocabulary": {gram: int(index) for gram, index in vectorizer.vocabulary_.items()},
             "idf": [round(float(value), 6) for value in vectorizer.idf_]}
    for head, labels in (("intent", [intent for _, intent, _ in data]), ("operation", [op for _, _, op in data])):
        classifier = LogisticRegression(C=20.0, max_iter=3000)
        classifier.fit(matrix, labels)
        model[head] = {"classes": [str(c) for c in classifier.classes_],
                       "coef": [[round(float(v), 5) for v in row] for row in classifier.coef_],
                       "intercept": [round(float(v), 5) for v in classifier.intercept_]}
    return model


def _cache_file() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "budget-kb" / f"question_model-{paraphrases.fingerprint()}.json"


@functools.lru_cache(maxsize=1)
def _model() -> tuple:
    """(vocabulary, idf, heads) from the shipped model, or a retrained one when the patterns changed."""
    model = None
    for path in (MODEL_FILE, _cache_file()):
        if path.exists():
            loaded = json.loads(path.read_text(encoding="utf-8"))
            if loaded.get("fingerprint") == paraphrases.fingerprint():
                model = loaded
                break
    if model is None:
        model = train()
        try:
            _cache_file().parent.mkdir(parents=True, exist_ok=True)
            _cache_file().write_text(json.dumps(model, ensure_ascii=False), encoding="utf-8")
        except OSError:
            pass
    import numpy as np

    heads = {head: (model[head]["classes"], np.asarray(model[head]["coef"]), np.asarray(model[head]["intercept"]))
             for head in ("intent", "operation")}
    return model["vocabulary"], model["idf"], heads


def _probabilities(masked: str, head: str) -> list[tuple[str, float]]:
    import numpy as np

    vocabulary, idf, heads = _model()
    counts: dict[int, int] = {}
    for gram in ngrams(masked):
        index = vocabulary.get(gram)
        if index is not None:
            counts[index] = counts.get(index, 0) + 1
    classes, coef, intercept = heads[head]
    if not counts:
        scores = intercept.copy()
    else:
        indices = np.fromiter(counts, dtype=int)
        weights = np.array([(1 + math.log(counts[i])) * idf[i] for i in counts])
        weights /= np.linalg.norm(weights)
        scores = coef[:, indices] @ weights + intercept
    if len(classes) == 2 and coef.shape[0] == 1:  # a binary head: one row of coefficients
        p = 1 / (1 + math.exp(-float(scores[0])))
        return sorted([(classes[1], p), (classes[0], 1 - p)], key=lambda item: -item[1])
    exp = np.exp(scores - scores.max())
    probabilities = exp / exp.sum()
    return sorted(zip(classes, (float(p) for p in probabilities)), key=lambda item: -item[1])


def classify(masked: str) -> Prediction:
    """Classify a masked question (names replaced by markers, see ``kb.query.mentions``).

    Returns:
        A ``Prediction``.
    """
    intents = _probabilities(masked, "intent")
    operation = _probabilities(masked, "operation")[0][0]
    return Prediction(intents[0][0], operation, tuple(intents), intents[0][1])


def main() -> None:
    """Retrain and write ``kb/query/data/question_model.json`` (run after editing kb/query/paraphrases.py)."""
    model = train()
    MODEL_FILE.parent.mkdir(parents=True, exist_ok=True)
    MODEL_FILE.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    print(f"wrote {MODEL_FILE} ({model['examples']} paraphrases, {len(model['vocabulary'])} n-grams)")


if __name__ == "__main__":
    main()


__all__ = ["MODEL_FILE", "Prediction", "classify", "ngrams", "train"]
