"""Fit the models ``loaders.unit`` reads from loaders/data/unit_model.json, from the training documents of
tests/data/real (splits dev, fresh and unseen3: never holdout or unseen4, the groups kept to measure it).

    python tools/fit_unit_model.py            # fit, print the leave-one-out accuracy, write the model
    python tools/fit_unit_model.py --check    # exit 1 when the stored model differs from a fresh fit

What is fitted: the kind model (``loaders.kind_model.fit_kind``: bigram shares per kind of the documents' heads
as the loaders read them, expected kinds 预算/决算/通知 from the documents' ``expected.kind``), the source
counts (``loaders.source_weights.count_rules``: how often each unit reader rule proposed the expected unit name,
year and kind), and the learned name choice (``loaders.unit_scorer``, trained by ``unit_scorer_training.py``; its
5-fold and leave-one-batch-out cross-validation are printed).
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRAINING_SPLITS = ("dev", "fresh", "unseen3")


@functools.lru_cache(maxsize=1)
def training_documents() -> tuple[tuple[dict, object, str], ...]:
    """(record, stream, head text) of every training document (splits ``TRAINING_SPLITS``), sorted by id; the stream
    is ``loaders.stream.Stream`` of the text as the loaders read it, the head ``loaders.kind_model.head_text``."""
    from loaders.kind_model import head_text
    from loaders.read import read_source
    from loaders.stream import Stream
    from tests.real_scoring import documents

    result = []
    for record in documents():
        if record["split"] in TRAINING_SPLITS:
            source = read_source(record["path"])
            stream = Stream.from_lines(source.lines, source.layout)
            result.append((record, stream, head_text([row.cells for row in stream.rows])))
    return tuple(result)


def training_candidates(model: dict | None = None) -> list[tuple[str, dict, dict]]:
    """(id, candidates by field, {field: judge}) of every training document, the candidates as
    ``loaders.unit.unit_candidates`` gives them on the document's rows (``kb.core.records.Extraction.file`` as
    the file name) and the judges from its expected unit (``match_key``, with ``unit_alternatives``), year and
    kind (a null expected kind judges "no kind" right: the scorer skips such documents, the counts do not)."""
    from kb.core.normalize import match_key
    from loaders.unit import unit_candidates
    from unit_scorer_training import expected_names

    result = []
    for record, stream, _ in training_documents():
        expected = record["expected"]
        candidates = unit_candidates(stream.rows, stream.sections, record["path"].name, model)
        judges = {}
        if expected.get("unit"):
            judges["name"] = lambda value, names=expected_names(record): match_key(value) in names
        if expected.get("year") is not None:  # a null year is ambiguous: not judged
            judges["year"] = lambda value, wanted=expected["year"]: value == wanted
        # a null kind (a 自评表, a fragment) means the text states none: a reader proposing one was wrong
        judges["kind"] = lambda value, wanted=expected.get("kind"): value == wanted
        result.append((record["id"], candidates, judges))
    return result


def source_leave_one_out(documents: list[tuple[str, dict, dict]]) -> dict[str, list[int]]:
    """{field: [right ranked by the readers' confidences (``loaders.unit.best_candidate``), right ranked by the
    confidences updated with counts fitted without the document, documents judged]} over the training documents."""
    from collections import Counter

    from loaders.source_weights import count_rules, estimated_confidence
    from loaders.unit import best_candidate

    totals = count_rules([(candidates, judges) for _, candidates, judges in documents])
    result: dict[str, list[int]] = {}
    for _, candidates, judges in documents:
        own = count_rules([(candidates, judges)])
        without = {key: [right - own.get(key, [0, 0])[0], seen - own.get(key, [0, 0])[1]]
                   for key, (right, seen) in totals.items()}
        for field, judge in judges.items():
            tally = result.setdefault(field, [0, 0, 0])
            votes = Counter(c.value for c in candidates[field])
            plain = best_candidate(candidates[field])
            fitted = max(candidates[field], default=None, key=lambda c: (
                round(estimated_confidence(field, c.source, c.confidence, without), 2), round(c.confidence, 2),
                votes[c.value], -(c.line or 0)))
            tally[0] += plain is not None and judge(plain.value)
            tally[1] += fitted is not None and judge(fitted.value)
            tally[2] += 1
    return result


def training_heads() -> list[tuple[str, str, str]]:
    """(id, head text, expected kind) of every training document whose expected kind is not null."""
    return [(record["id"], head, record["expected"]["kind"]) for record, _, head in training_documents()
            if record["expected"].get("kind")]


def fit(cross_validated: dict | None = None) -> dict:
    """The model file's content: {"kind": fit_kind(...), "sources": rule counts, "name_scorer"
    (``unit_scorer_training.train``), "training": {split names, document ids}}.

    Args:
        cross_validated: when a dict, filled with {"name": (cross-validation results
            (``unit_scorer_training.cross_validate``), the threshold chosen)} for the report.
    """
    from loaders.kind_model import fit_kind
    from loaders.source_weights import count_rules
    from unit_scorer_training import NAME_C, best_threshold, cross_validate, name_examples, train

    heads = training_heads()
    kind = fit_kind([(text, kind) for _, text, kind in heads])
    documents = training_candidates({"kind": kind})  # with the kind model just fitted (it gives a candidate)
    names = name_examples(training_documents())
    name_results = cross_validate(names, NAME_C)
    threshold = best_threshold(name_results)
    if cross_validated is not None:
        cross_validated.update(name=(name_results, threshold))
    return {"kind": kind, "sources": count_rules([(candidates, judges) for _, candidates, judges in documents]),
            "name_scorer": train(names, NAME_C, threshold),
            "training": {"splits": list(TRAINING_SPLITS), "documents": [identifier for identifier, _, _ in heads]}}


def leave_one_out(notice_threshold: float = 0.99) -> dict[str, int]:
    """Each training document scored by a model fitted without it.

    Returns:
        {"documents", "right" (most probable kind = expected), "notice_said" (P(通知) >= ``notice_threshold``,
        the only use ``loaders.unit`` makes of the model), "notice_right" (of those, expected 通知),
        "notices" (documents expected 通知)}.
    """
    from loaders.kind_model import fit_kind, kind_posterior

    heads = training_heads()
    counts = dict.fromkeys(("documents", "right", "notice_said", "notice_right", "notices"), 0)
    for index, (_, text, kind) in enumerate(heads):
        model = {"kind": fit_kind([(t, k) for j, (_, t, k) in enumerate(heads) if j != index])}
        posterior = kind_posterior(text, model)
        counts["documents"] += 1
        counts["notices"] += kind == "通知"
        counts["right"] += bool(posterior) and max(posterior, key=posterior.get) == kind
        if posterior.get("通知", 0.0) >= notice_threshold:
            counts["notice_said"] += 1
            counts["notice_right"] += kind == "通知"
    return counts


def main() -> int:
    """Command line: [--check]."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare the stored model with a fresh fit")
    arguments = parser.parse_args()
    from loaders.kind_model import MODEL_PATH

    cross_validated: dict = {}
    model = fit(cross_validated)
    text = json.dumps(model, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if arguments.check:
        same = MODEL_PATH.exists() and MODEL_PATH.read_text(encoding="utf-8") == text
        print("模型与重新拟合的结果一致" if same else "模型已过期：请运行 python tools/fit_unit_model.py")
        return 0 if same else 1
    for field, (plain, fitted, total) in source_leave_one_out(training_candidates()).items():
        print(f"unit {field}: ranked by the readers' confidences {plain}/{total}, by the confidences updated with "
              f"source counts fitted without the document {fitted}/{total}")
    from unit_scorer_training import FOLDS, NAME_C, cross_validate, name_examples, report

    results, threshold = cross_validated["name"]
    print(f"learned name choice (threshold {threshold}), {FOLDS}-fold cross-validation grouped by document:")
    print(report("name", results, threshold))
    print("learned name choice, each gathering batch left out in turn:")
    print(report("name", cross_validate(name_examples(training_documents()), NAME_C, by_batch=True), threshold))
    loo = leave_one_out()
    print(f"kind model: {len(model['kind']['features'])} bigrams, {loo['documents']} training documents "
          f"{model['kind']['documents']}; leave-one-out: most probable kind right {loo['right']}/{loo['documents']}, "
          f"P(通知) >= 0.99 said {loo['notice_said']} times, right {loo['notice_right']} "
          f"(of {loo['notices']} notices)")
    MODEL_PATH.parent.mkdir(exist_ok=True)
    MODEL_PATH.write_text(text, encoding="utf-8")
    print(f"written to {MODEL_PATH.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
