"""Scoring of ``loaders.parse_file`` on the real-disclosure test set (tests/data/real/, issue 12).

Every document is a pair ``<id>.txt`` (the text as published) and ``<id>.json`` (source, split and the
figures expected from reading the text; see tests/data/real/README.md). This module is an importable
helper with no test functions: tests/test_real_documents.py asserts on it and bench/real_documents.py
prints it.

Scores, over all documents of one split:

- fields: right / expected over unit (names compared by ``kb.core.normalize.match_key``; a document may
  list ``unit_alternatives``, other printed forms of the same name), year, kind, and each totals field
  (equal within 0.01 万元). An expected field that is null or absent is not scored.
- projects F1: a predicted project is right when its ``match_key(name)`` equals an expected one still
  unmatched and the amounts agree within 0.01 万元. An expected amount of null means the text's amount is
  ambiguous (e.g. 年初预算 vs 调整后预算 of a 自评表): the name alone is scored.
- 文号 F1: the document's distinct ``policy_docs[].doc_no`` against the expected canonical ``doc_nos``.
- refused: documents for which ``parse_file`` raised ``UnreadableDocument``; all their expected
  fields, projects and 文号 count as missed.

Precision, recall and F1 are micro-averaged over the split (counts summed over documents).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from kb.core.errors import UnreadableDocument
from kb.core.normalize import match_key

DATA = Path(__file__).resolve().parent / "data" / "real"
TOTAL_FIELDS = ("income_total", "expense_total", "general_public_budget", "basic_expense", "project_expense",
                "carryover", "three_public")
TOLERANCE = 0.01 + 1e-9  # 万元


def documents(split: str | None = None) -> list[dict]:
    """The test documents, sorted by id.

    Args:
        split: "dev", "holdout", "fresh", "unseen3", "unseen4", "unseen5" or None for all.

    Returns:
        The ``<id>.json`` records, each with ``path`` (the ``<id>.txt`` file) added.
    """
    records = []
    for path in sorted(DATA.glob("*.json")):
        record = json.loads(path.read_text(encoding="utf-8"))
        if split is None or record["split"] == split:
            record["path"] = path.with_suffix(".txt")
            records.append(record)
    return records


def predicted_kind(parsed: dict) -> str | None:
    """The document kind a parse record states: a document-level ``kind`` if the loaders give one, else ``unit.kind``."""
    for holder in (parsed, parsed.get("document") or {}):
        if isinstance(holder, dict) and holder.get("kind"):
            return holder["kind"]
    return (parsed.get("unit") or {}).get("kind")


def _close(expected: float | None, got: float | None) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    return abs(float(expected) - float(got)) <= TOLERANCE


def _field_results(expected: dict, parsed: dict | None) -> dict[str, bool]:
    """{field name: right?} for every field this document is scored on."""
    unit = (parsed or {}).get("unit") or {}
    totals = (parsed or {}).get("totals") or {}
    results: dict[str, bool] = {}
    if expected.get("unit"):
        names = {match_key(name) for name in [expected["unit"], *expected.get("unit_alternatives", [])]}
        results["unit"] = parsed is not None and match_key(unit.get("name")) in names
    if expected.get("year") is not None:
        results["year"] = parsed is not None and unit.get("year") == expected["year"]
    if expected.get("kind"):
        results["kind"] = parsed is not None and predicted_kind(parsed) == expected["kind"]
    for field in TOTAL_FIELDS:
        if (expected.get("totals") or {}).get(field) is not None:
            results[field] = parsed is not None and _close(expected["totals"][field], totals.get(field))
    return results


def _project_counts(expected: list[dict], predicted: list[dict]) -> tuple[int, int, int]:
    """(true positives, predicted, expected) for one document's projects."""
    unmatched = list(expected)
    true_positive = 0
    for project in predicted:
        key = match_key(project.get("name"))
        for candidate in unmatched:
            amount_ok = candidate.get("amount") is None or _close(candidate["amount"], project.get("amount"))
            if match_key(candidate["name"]) == key and amount_ok:
                unmatched.remove(candidate)
                true_positive += 1
                break
    return true_positive, len(predicted), len(expected)


def _f1(true_positive: int, predicted: int, expected: int) -> dict:
    precision = true_positive / predicted if predicted else (1.0 if not expected else 0.0)
    recall = true_positive / expected if expected else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "true_positive": true_positive, "predicted": predicted, "expected": expected}


def parse_record(path: Path) -> dict | None:
    """``loaders.parse_file(path)`` as the ``kb parse --json`` dict, or None when the document is refused.

    Raises:
        Any error other than ``UnreadableDocument`` (a crash is a bug, not a refusal).
    """
    from loaders import parse_file

    try:
        return parse_file(path).schema_dict()
    except UnreadableDocument:
        return None


def score_document(record: dict, parsed: dict | None) -> dict:
    """One document's results: per-field right/wrong, project and 文号 counts, refused flag."""
    expected = record["expected"]
    fields = _field_results(expected, parsed)
    projects = _project_counts(expected.get("projects", []), (parsed or {}).get("projects") or [])
    got_doc_nos = {doc["doc_no"] for doc in (parsed or {}).get("policy_docs") or []}
    want_doc_nos = set(expected.get("doc_nos", []))
    return {"id": record["id"], "refused": parsed is None, "fields": fields, "projects": projects,
            "doc_nos": (len(got_doc_nos & want_doc_nos), len(got_doc_nos), len(want_doc_nos)),
            "missing_doc_nos": sorted(want_doc_nos - got_doc_nos), "extra_doc_nos": sorted(got_doc_nos - want_doc_nos)}


def score(split: str) -> dict:
    """Parse every document of ``split`` with ``loaders.parse_file`` and score it against its expected figures.

    Args:
        split: "dev", "holdout", "fresh", "unseen3", "unseen4" or "unseen5".

    Returns:
        {"split", "documents", "refused", "fields_right", "fields_expected", "field_accuracy" (0..1),
        "by_field": {field: [right, expected]}, "projects": {precision, recall, f1, counts},
        "doc_nos": {precision, recall, f1, counts}, "per_document": [score_document(...) ...]}.
    """
    per_document = [score_document(record, parse_record(record["path"])) for record in documents(split)]
    right, expected_counts = Counter(), Counter()
    for result in per_document:
        for field, ok in result["fields"].items():
            expected_counts[field] += 1
            right[field] += ok
    projects = [sum(result["projects"][i] for result in per_document) for i in range(3)]
    doc_nos = [sum(result["doc_nos"][i] for result in per_document) for i in range(3)]
    fields_right, fields_expected = sum(right.values()), sum(expected_counts.values())
    return {
        "split": split,
        "documents": len(per_document),
        "refused": sum(result["refused"] for result in per_document),
        "fields_right": fields_right,
        "fields_expected": fields_expected,
        "field_accuracy": round(fields_right / fields_expected, 4) if fields_expected else 1.0,
        "by_field": {field: [right[field], expected_counts[field]] for field in expected_counts},
        "projects": _f1(*projects),
        "doc_nos": _f1(*doc_nos),
        "per_document": per_document,
    }


def summary_line(result: dict) -> str:
    """One line: split, documents, field accuracy, projects F1, 文号 F1, refused."""
    return (f"{result['split']}: {result['documents']} documents, fields {result['fields_right']}/"
            f"{result['fields_expected']} = {result['field_accuracy']:.2%}, projects F1 {result['projects']['f1']:.2f} "
            f"({result['projects']['true_positive']}/{result['projects']['predicted']} predicted, "
            f"{result['projects']['expected']} expected), 文号 F1 {result['doc_nos']['f1']:.2f} "
            f"({result['doc_nos']['true_positive']}/{result['doc_nos']['predicted']} predicted, "
            f"{result['doc_nos']['expected']} expected), refused {result['refused']}")
