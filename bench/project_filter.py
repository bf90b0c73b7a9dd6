"""Train the learned project filter (loaders/data/project_filter.json) on tests/data/real and print its figures.

``python bench/project_filter.py --write loaders/data/project_filter.json`` retrains the shipped weights;
``python bench/project_filter.py`` prints, without writing, the cross-validated projects F1 per group;
``--tune`` prints the cross-validated F1 of every C and threshold of ``TUNE_C`` x ``TUNE_THRESHOLDS`` (``C`` and
``THRESHOLD`` are set to its best cell); ``--batch r421 r436`` scores the shipped weights on a batch of new training
documents before they are trained on (the out-of-sample figure of that batch).

Training data: the documents of tests/data/real in the splits ``TRAINING_SPLITS`` (dev, fresh, unseen3; never
holdout or unseen4, the groups kept to measure it) and the
loader development examples of tests/data/loaders_dev (labels in its expected_projects.json). Each is
parsed by ``loaders.parse_file``; every fallback reader (``loaders.project_filter.READERS``) proposes its
candidates on it, and a candidate is labelled a project when its name (``match_key``) and amount (within 0.01
万元) match an expected project of the document not matched yet (an expected amount of null matches any amount).
Features that occur in fewer than ``MIN_COUNT`` candidates are dropped. The model is scikit-learn's
``LogisticRegression`` (L2, liblinear, balanced class weights, C below), deterministic; the weights are written
rounded to 8 decimals, with the list of training documents.

Cross-validation: ``GroupKFold`` over documents (a document's candidates are never split across folds). For
each held-out document the parse is simulated: a document with project structures keeps its parsed projects,
the others take the first reader whose candidates pass the fold's filter (as ``fallback_entries`` does). Projects
F1 is micro-averaged per group, next to the rules alone (the first reader that proposes anything, hand
exclusions applied: the loaders before this filter). Only funding notices (kind 通知) are judged by the filter
and only their candidates train it; other documents keep the rules, except the readers judged in every document
(``JUDGED_EVERYWHERE``: the sentence reader pairing a name with an amount printed apart), consulted after the rules
found nothing; those readers train the filter only on documents where they speak for it (no project structure, no
other reader's proposal in a notice, nothing kept by the rules elsewhere). Holdout is never read here; ``bench/real_documents.py`` scores it with the shipped weights.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FILTERED_KIND = "通知"  # as loaders.project_filter.FILTERED_KIND: the filter judges funding notices only
LOADERS_DEV = ROOT / "tests" / "data" / "loaders_dev"  # hand-made examples modelled on dev pages, with expected_projects.json
C = 0.3  # inverse L2 strength (best 5-fold projects F1 of 0.3, 1, 3)
THRESHOLD = 0.4  # least probability at which a candidate is kept (best of 0.4, 0.5)
TUNE_C = (0.1, 0.3, 1.0, 3.0)  # the grid ``--tune`` cross-validates; C and THRESHOLD are its best cell
TUNE_THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
MIN_COUNT = 2  # a feature seen in fewer candidates is dropped
FOLDS = 5
TRAINING_SPLITS = ("dev", "fresh", "unseen3")  # holdout, unseen4 and unseen5 are never read here


def _group(record: dict) -> str:
    """The group a document is reported in: its split, with dev's r181 on (the rows branch's batch) apart."""
    if record["split"] == "dev" and int(record["id"][1:]) >= 401:
        return "dev r401+"  # gathered while the recall2 branch worked (gather5a)
    if record["split"] == "dev" and int(record["id"][1:]) >= 181:
        return "dev r181+"
    return record["split"]


def collect(ids: set[str] | None = None) -> list[dict]:
    """The training documents (only ``ids`` when given): id, group, expected projects, parsed projects, structured
    flag and proposals."""
    from loaders import parse_file
    from loaders.project_filter import propose
    from loaders.projects import structured_entries
    from tests.real_scoring import documents

    labelled = json.loads((LOADERS_DEV / "expected_projects.json").read_text(encoding="utf-8"))
    examples_records = [{"id": f"loaders_dev/{name}", "split": "loaders_dev", "path": LOADERS_DEV / name,
                         "expected": {"projects": projects}} for name, projects in labelled.items() if name != "_about"]
    collected = []
    for record in documents() + examples_records:
        if record["split"] not in TRAINING_SPLITS + ("loaders_dev",) or (ids is not None and record["id"] not in ids):
            continue
        extraction = parse_file(record["path"])
        parsed = [{"name": project.name, "amount": project.amount} for project in extraction.projects]
        budget_lines, performance, _ = structured_entries(extraction, extraction.stream)
        collected.append({"id": record["id"], "group": _group(record), "record": record, "kind": extraction.unit.kind,
                          "structured": bool(budget_lines or performance), "parsed": parsed,
                          "proposals": propose(extraction.stream.rows, extraction.lines, extraction.unit.kind)})
    return collected


def _labels(candidates: list, expected: list[dict]) -> list[int]:
    """1 for each candidate that matches a not yet matched expected project, else 0."""
    from kb.core.normalize import match_key

    unmatched, labels = list(expected), []
    for candidate in candidates:
        key, amount = match_key(candidate.entry.name), candidate.entry.amount
        hit = next((project for project in unmatched if match_key(project["name"]) == key and (
            project["amount"] is None or (amount is not None and abs(project["amount"] - amount) <= 0.01 + 1e-9))), None)
        if hit is not None:
            unmatched.remove(hit)
        labels.append(int(hit is not None))
    return labels


def name_heads(min_count: int = 2) -> list[str]:
    """The endings (last two characters, a trailing bracket such as (一) left off) of at least ``min_count`` expected
    project names of the training documents (tests/data/real, ``TRAINING_SPLITS``), most frequent first: the head
    words ``loaders.project_sentences.NAME_HEADS`` starts from."""
    import re

    from tests.real_scoring import documents

    counts = Counter(re.sub(r"[（(][^（()）]{1,8}[)）]$", "", project["name"])[-2:]
                     for record in documents() if record["split"] in TRAINING_SPLITS
                     for project in record["expected"].get("projects") or [])
    return [ending for ending, count in counts.most_common() if count >= min_count]


def examples(collected: list[dict]) -> tuple[list[tuple[str, ...]], list[int], list[str]]:
    """(features, labels, document ids) of every candidate of every reader of the collected funding notices, and
    of the readers the filter judges in every document (``JUDGED_EVERYWHERE``) in the others."""
    from loaders.project_filter import JUDGED_EVERYWHERE, READERS

    features, labels, groups = [], [], []
    for document in collected:
        expected = document["record"]["expected"]["projects"]
        notice = document["kind"] == FILTERED_KIND
        # a judged-everywhere reader is trained only where it speaks for the document: no project structure and
        # nothing proposed by the other readers (in a notice) or kept by their rules (elsewhere); otherwise its
        # candidates repeat theirs and pull the shared weights
        answered = document["structured"] or any(
            notice or "excluded_by_rules" not in candidate.features
            for (reader, _), candidates in zip(READERS, document["proposals"]) if reader not in JUDGED_EVERYWHERE
            for candidate in candidates)
        for (reader, _), candidates in zip(READERS, document["proposals"]):
            if (reader in JUDGED_EVERYWHERE and answered) or (not notice and reader not in JUDGED_EVERYWHERE):
                continue
            features += [candidate.features for candidate in candidates]
            labels += _labels(candidates, expected)
            groups += [document["id"]] * len(candidates)
    return features, labels, groups


def fit(features: list[tuple[str, ...]], labels: list[int], c: float = C):
    """The fitted (DictVectorizer, LogisticRegression) pair; features seen fewer than ``MIN_COUNT`` times dropped."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    counts = Counter(feature for row in features for feature in row)
    kept = [{feature: 1 for feature in row if counts[feature] >= MIN_COUNT} for row in features]
    vectorizer = DictVectorizer(sort=True)
    matrix = vectorizer.fit_transform(kept).toarray()  # a few hundred rows: dense is small (liblinear wants 32-bit sparse)
    model = LogisticRegression(C=c, solver="liblinear", class_weight="balanced", random_state=0, max_iter=1000)
    model.fit(matrix, labels)
    return vectorizer, model


def train(features: list[tuple[str, ...]], labels: list[int], c: float = C) -> dict:
    """Fit the logistic regression; returns {"intercept", "threshold", "weights": {feature: weight}, ...}."""
    vectorizer, model = fit(features, labels, c)
    weights = {name: round(float(weight), 8) for name, weight in zip(vectorizer.get_feature_names_out(), model.coef_[0])
               if round(float(weight), 8) != 0.0}
    return {"model": "logistic regression (scikit-learn liblinear, L2, balanced class weights)", "C": c,
            "min_count": MIN_COUNT, "threshold": THRESHOLD, "intercept": round(float(model.intercept_[0]), 8),
            "weights": dict(sorted(weights.items()))}


def predict(document: dict, project_filter) -> list[dict]:
    """The projects a parse with ``project_filter`` (None: the rules alone) gives the collected document."""
    from loaders.project_filter import JUDGED_EVERYWHERE, READERS

    if document["structured"]:
        return document["parsed"]
    notice = project_filter is not None and document["kind"] == FILTERED_KIND
    order = [(reader, candidates) for (reader, _), candidates in zip(READERS, document["proposals"])]
    if not notice:  # the rules first, then (with a filter) the readers it judges everywhere
        order = [pair for pair in order if pair[0] not in JUDGED_EVERYWHERE] + \
            ([pair for pair in order if pair[0] in JUDGED_EVERYWHERE] if project_filter is not None else [])
    for reader, candidates in order:
        judged = notice or reader in JUDGED_EVERYWHERE
        kept = [c for c in candidates if (project_filter.keeps(c) if judged else "excluded_by_rules" not in c.features)]
        if kept:
            return [{"name": c.entry.name, "amount": c.entry.amount} for c in kept]
    return []


def _f1(counts: list[int]) -> dict:
    true_positive, predicted, expected = counts
    precision = true_positive / predicted if predicted else 1.0
    recall = true_positive / expected if expected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": round(f1, 4), "true_positive": true_positive, "predicted": predicted, "expected": expected}


def cross_validate(collected: list[dict], c: float = C, threshold: float = THRESHOLD) -> dict:
    """Projects F1 per group and overall: {"rules": {group: f1 dict}, "filter": {group: f1 dict}}."""
    from sklearn.model_selection import GroupKFold

    from loaders.project_filter import ProjectFilter
    from tests.real_scoring import score_document

    ids = [document["id"] for document in collected]
    totals = {"rules": {}, "filter": {}}
    for train_index, test_index in GroupKFold(n_splits=FOLDS).split(ids, groups=ids):
        fold = examples([collected[i] for i in train_index])
        project_filter = ProjectFilter.from_dict({**train(fold[0], fold[1], c), "threshold": threshold})
        for index in test_index:
            document = collected[index]
            for name, chosen in (("rules", None), ("filter", project_filter)):
                counts = score_document(document["record"], {"projects": predict(document, chosen)})["projects"]
                for group in (document["group"], "all"):
                    old = totals[name].get(group, [0, 0, 0])
                    totals[name][group] = [a + b for a, b in zip(old, counts)]
    return {name: {group: _f1(counts) for group, counts in sorted(groups.items())} for name, groups in totals.items()}


def score_batch(first: str, last: str) -> dict:
    """Projects F1 of the shipped weights (``loaders/data/project_filter.json``) and of the rules alone on the training
    documents ``first``..``last`` (ids such as r401, r408): the out-of-sample figure of a new batch, taken before the
    weights are retrained on it."""
    from loaders.project_filter import shipped_filter
    from tests.real_scoring import documents, score_document

    low, high = int(first[1:]), int(last[1:])
    batch = collect({record["id"] for record in documents() if record["id"][0] == "r" and low <= int(record["id"][1:]) <= high})
    totals = {"rules": [0, 0, 0], "filter": [0, 0, 0]}
    for document in batch:
        for name, chosen in (("rules", None), ("filter", shipped_filter())):
            counts = score_document(document["record"], {"projects": predict(document, chosen)})["projects"]
            totals[name] = [a + b for a, b in zip(totals[name], counts)]
    return {"documents": len(batch), **{name: _f1(counts) for name, counts in totals.items()}}


def main() -> int:
    """Command line: [--write PATH] [--json] [--no-cv]; prints cross-validated F1 per group, writes the weights."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", type=Path, help="write the trained weights (JSON) to this path")
    parser.add_argument("--no-cv", action="store_true", help="skip the cross-validation")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.add_argument("--heads", action="store_true", help="print the project name endings (name_heads) and stop")
    parser.add_argument("--batch", nargs=2, metavar=("FIRST", "LAST"),
                        help="score the shipped weights on documents FIRST..LAST (before retraining on them) and stop")
    parser.add_argument("--tune", action="store_true", help="print the 5-fold F1 of every C and threshold tried and stop")
    arguments = parser.parse_args()
    if arguments.tune:
        collected = collect()
        for c in TUNE_C:
            print(f"C {c}: " + "  ".join(
                f"t {threshold} F1 {cross_validate(collected, c, threshold)['filter']['all']['f1']:.3f}"
                for threshold in TUNE_THRESHOLDS))
        return 0
    if arguments.batch:
        print(json.dumps(score_batch(*arguments.batch), ensure_ascii=False))
        return 0
    if arguments.heads:
        print(" ".join(name_heads()))
        return 0
    collected = collect()
    features, labels, _ = examples(collected)
    trained = train(features, labels)
    trained["training"] = {"documents": [document["id"] for document in collected], "candidates": len(labels),
                           "projects": sum(labels)}
    if arguments.write:
        arguments.write.write_text(json.dumps(trained, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    result = {"documents": len(collected), "candidates": len(labels), "projects": sum(labels),
              "features": len(trained["weights"])}
    if not arguments.no_cv:
        result["cross_validated"] = cross_validate(collected)
    if arguments.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    print(f"{result['documents']} documents, {result['candidates']} candidates ({result['projects']} projects), "
          f"{result['features']} features")
    for name, groups in result.get("cross_validated", {}).items():
        for group, figures in groups.items():
            print(f"{FOLDS}-fold by document, {name:6} {group:10} F1 {figures['f1']:.2f} ({figures['true_positive']}/"
                  f"{figures['predicted']} predicted, {figures['expected']} expected)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
