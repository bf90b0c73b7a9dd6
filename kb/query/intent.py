"""The question classifier: intent (which cypher/ template) and operation (list, sum, count, max, min, lookup).

Trained on the paraphrases of ``kb.query.paraphrases`` (scikit-learn: TF-IDF over character 1–3-grams of the
masked question, whose markers carry the kinds of names found, then logistic regression, one model per
head). Training runs once (``python -m kb.query.intent``) and writes ``kb/query/data/question_model.json``
(n-gram vocabulary, idf, coefficients); answering a question only reads that file and scores in Python,
so ``kb ask`` imports no scikit-learn and loads no neural model. After editing the patterns, retrain
(a test checks that the shipped model's ``fingerprint`` matches the patterns).

Example:
    >>> classify("Ⓤ有几个项目？").intent, classify("Ⓤ有几个项目？").operation  # doctest: +SKIP
    ('unit_projects', 'count')
"""

from __future__ import annotations

import base64
import functools
import json
import math
import re
from array import array
from dataclasses import dataclass
from pathlib import Path

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

    from kb.query import paraphrases

    data = paraphrases.generate()
    texts = [text for text, _, _ in data]
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), lowercase=False, sublinear_tf=True)
    matrix = vectorizer.fit_transform(texts)
    heads = {}
    for head, labels in (("intent", [intent for _, intent, _ in data]), ("operation", [op for _, _, op in data])):
        classifier = LogisticRegression(C=20.0, max_iter=3000)
        classifier.fit(matrix, labels)
        heads[head] = classifier
    # per n-gram (in ``grams`` order): idf, intent weights…, operation weights… as float32, base64
    grams = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.get)
    weights = array("f")
    for index in range(len(grams)):
        weights.append(float(vectorizer.idf_[index]))
        for head in ("intent", "operation"):
            weights.extend(float(row[index]) for row in heads[head].coef_)
    return {"fingerprint": paraphrases.fingerprint(), "examples": len(texts), "grams": grams,
            "weights": base64.b64encode(weights.tobytes()).decode("ascii"),
            **{head: {"classes": [str(c) for c in heads[head].classes_],
                      "intercept": [round(float(v), 6) for v in heads[head].intercept_]} for head in heads}}


@functools.lru_cache(maxsize=1)
def _model() -> tuple:
    """(n-gram -> weight row, heads) from the shipped model (trained now when the file is missing).

    The shipped file is kept in step with the patterns by a test (its ``fingerprint`` equals
    ``paraphrases.fingerprint()``), so loading it needs neither scikit-learn nor the patterns.
    """
    if MODEL_FILE.exists():
        model = json.loads(MODEL_FILE.read_text(encoding="utf-8"))
    else:
        model = train()
    sizes = {head: len(model[head]["classes"]) for head in ("intent", "operation")}
    width = 1 + sizes["intent"] + sizes["operation"]
    weights = array("f")
    weights.frombytes(base64.b64decode(model["weights"]))
    starts = dict(zip(model["grams"], range(0, len(model["grams"]) * width, width)))
    offsets = {"intent": 1, "operation": 1 + sizes["intent"]}
    heads = {head: (model[head]["classes"], offsets[head], model[head]["intercept"]) for head in sizes}
    return starts, weights, heads


def _probabilities(masked: str, head: str) -> list[tuple[str, float]]:
    """Class probabilities of one head, scored in pure Python (a few dozen n-grams: no numpy needed)."""
    starts, table, heads = _model()
    counts: dict[int, int] = {}
    for gram in ngrams(masked):
        start = starts.get(gram)
        if start is not None:
            counts[start] = counts.get(start, 0) + 1
    classes, offset, intercept = heads[head]
    weights = {start: (1 + math.log(count)) * table[start] for start, count in counts.items()}
    norm = math.sqrt(sum(value * value for value in weights.values())) or 1.0
    scores = list(intercept)
    for start, weight in weights.items():
        base = start + offset
        for k in range(len(scores)):
            scores[k] += table[base + k] * weight / norm
    if len(classes) == 2 and len(scores) == 1:  # a binary head: one row of coefficients
        p = 1 / (1 + math.exp(-scores[0]))
        return sorted([(classes[1], p), (classes[0], 1 - p)], key=lambda item: -item[1])
    top = max(scores)
    exp = [math.exp(score - top) for score in scores]
    total = sum(exp)
    return sorted(zip(classes, (value / total for value in exp)), key=lambda item: -item[1])


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
    print(f"wrote {MODEL_FILE} ({model['examples']} paraphrases, {len(model['grams'])} n-grams)")


if __name__ == "__main__":
    main()


__all__ = ["MODEL_FILE", "Prediction", "classify", "ngrams", "train"]
