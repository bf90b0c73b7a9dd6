"""Training and cross-validation of the learned unit-name choice (``loaders.unit_scorer``), used by
tools/fit_unit_model.py.

Examples: one per distinct candidate value of a training document (every reader candidate and every mentioned
place-prefixed organisation name), labelled right when it is the expected unit (or one of its alternatives).
Model: scikit-learn ``LogisticRegression`` (liblinear, L2, C below, no class weights), deterministic; features seen
in fewer than ``MIN_COUNT`` training documents are dropped. The name threshold (below it: no unit) is chosen by the
same 5-fold cross-validation, grouped by document, among ``THRESHOLDS`` (``best_threshold``).
"""

from __future__ import annotations

from collections import Counter

NAME_C = 0.1
MIN_COUNT = 2
FOLDS = 5
THRESHOLDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5)


def expected_names(record: dict) -> set[str]:
    """The ``match_key`` forms of a document's expected unit and its ``unit_alternatives`` (empty when null)."""
    from kb.core.normalize import match_key

    expected = record["expected"]
    if not expected.get("unit"):
        return set()
    return {match_key(name) for name in [expected["unit"], *expected.get("unit_alternatives", [])]}


def name_examples(documents) -> list[dict]:
    """One dict per training document: {"id", "split", "named" (the expected unit is printed), "reader" (the readers'
    choice right?), "values": [(value, features, right?)], "reader_choice", "reader_sure" (taken without the scorer,
    ``loaders.unit.reader_is_sure``)}.

    Args:
        documents: ``training_documents()`` of tools/fit_unit_model.py (record, stream, head).
    """
    from kb.core.normalize import match_key
    from loaders.unit import MENTION_ROWS, best_candidate, reader_is_sure, unit_candidates
    from loaders.unit_mentions import mentions
    from loaders.unit_scorer import name_features, name_pool

    result = []
    for record, stream, _ in documents:
        names = expected_names(record)
        candidates = unit_candidates(stream.rows, stream.sections, record["path"].name)["name"]
        texts = [" ".join(row.cells) for row in stream.rows[:MENTION_ROWS]]
        mentioned = mentions(texts)
        best = best_candidate(candidates)
        choice = best.value if best else None
        pool = name_pool(candidates, texts, mentioned)
        values = [(value, name_features(value, proposals, pool, texts, mentioned, choice), match_key(value) in names)
                  for value, proposals in pool.items()]
        result.append({"id": record["id"], "split": record["split"], "named": bool(names),
                       "reader": choice is not None and match_key(choice) in names, "values": values,
                       "reader_choice": choice, "reader_sure": reader_is_sure(best)})
    return result


def train(examples: list[dict], c: float, threshold: float = 0.0) -> dict:
    """Fit the logistic regression on every value of ``examples``.

    Returns:
        {"model", "C", "min_count", "threshold", "intercept", "weights": {feature: weight}} (weights rounded to 8
        decimals, zeros left out): what ``loaders.project_filter.ProjectFilter.from_dict`` reads.
    """
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    documents_holding = Counter(feature for example in examples
                                for feature in {f for _, features, _ in example["values"] for f in features})
    rows = [{feature: 1 for feature in features if documents_holding[feature] >= MIN_COUNT}
            for example in examples for _, features, _ in example["values"]]
    labels = [int(right) for example in examples for _, _, right in example["values"]]
    vectorizer = DictVectorizer(sort=True)
    matrix = vectorizer.fit_transform(rows).toarray()
    model = LogisticRegression(C=c, solver="liblinear", random_state=0, max_iter=1000).fit(matrix, labels)
    weights = {name: round(float(weight), 8) for name, weight in zip(vectorizer.get_feature_names_out(), model.coef_[0])
               if round(float(weight), 8) != 0.0}
    return {"model": "logistic regression (scikit-learn liblinear, L2)", "C": c, "min_count": MIN_COUNT,
            "threshold": threshold, "intercept": round(float(model.intercept_[0]), 8),
            "weights": dict(sorted(weights.items()))}


# the gathering batches of tests/data/real (README.md): texts found together share sites, kinds and wording
BATCHES = ((1, 117, "r001-r117"), (118, 140, "fresh"), (141, 153, "r141-r153"), (154, 174, "unseen3"),
           (175, 208, "r175-r208"), (401, 499, "r401-r499"))


def batch_of(identifier: str) -> str:
    """The gathering batch of a document id ("r185" -> "r175-r208")."""
    number = int(identifier[1:])
    return next((label for low, high, label in BATCHES if low <= number <= high), "other")


def cross_validate(examples: list[dict], c: float, by_batch: bool = False) -> list[tuple[dict, float, object]]:
    """(example, probability of the chosen value, chosen value) of every document, its scorer fitted on the other
    folds: ``FOLDS`` folds by position, or (``by_batch``) each gathering batch left out in turn (``BATCHES``)."""
    from loaders.project_filter import ProjectFilter
    from loaders.unit_scorer import pick

    folds = sorted({batch_of(e["id"]) for e in examples}) if by_batch else list(range(FOLDS))
    fold_of = [batch_of(e["id"]) if by_batch else index % FOLDS for index, e in enumerate(examples)]
    result = []
    for fold in folds:
        scorer = ProjectFilter.from_dict(train([e for i, e in enumerate(examples) if fold_of[i] != fold], c))
        for index, example in enumerate(examples):
            if fold_of[index] == fold and example["reader_sure"]:  # taken without the scorer (loaders.unit)
                result.append((example, 1.0, example["reader_choice"]))
            elif fold_of[index] == fold:
                value, probability = pick([(scorer.probability(features), value, "only_mentioned" not in features)
                                           for value, features, _ in example["values"]], 0.0)
                result.append((example, probability, value))
    return result


def right(example: dict, probability: float, value: object, threshold: float) -> bool:
    """Whether a choice is right: the expected value when the document names one, no value (below the
    threshold) when it names none."""
    chosen = value if probability >= threshold else None
    if not example["named"]:
        return chosen is None
    return any(v == chosen and ok for v, _, ok in example["values"])


def best_threshold(results: list[tuple[dict, float, object]]) -> float:
    """The threshold of ``THRESHOLDS`` with the most documents that print a unit right (the only ones scored: a
    wrong "none" costs a field), then the most documents printing none said to print none, then the highest."""
    return max(THRESHOLDS, key=lambda t: (sum(right(e, p, v, t) for e, p, v in results if e["named"]),
                                          sum(right(e, p, v, t) for e, p, v in results if not e["named"]), t))


def report(field: str, results: list[tuple[dict, float, object]], threshold: float) -> str:
    """One line per gathering batch and for all: the readers' choice right vs the cross-validated learned choice."""
    lines = []
    for label in ("all", *sorted({batch_of(e["id"]) for e, _, _ in results})):
        chosen = [(e, p, v) for e, p, v in results if label == "all" or batch_of(e["id"]) == label]
        named = [(e, p, v) for e, p, v in chosen if e["named"]]
        unnamed = [(e, p, v) for e, p, v in chosen if not e["named"]]
        lines.append(f"  {field} {label}: readers {sum(e['reader'] for e, _, _ in named)}/{len(named)}, learned "
                     f"{sum(right(e, p, v, threshold) for e, p, v in named)}/{len(named)} (cross-validated); "
                     f"documents expected without one, learned says none: "
                     f"{sum(right(e, p, v, threshold) for e, p, v in unnamed)}/{len(unnamed)}")
    return "\n".join(lines)
