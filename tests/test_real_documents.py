"""The real-disclosure test set (tests/data/real/, issue 12): its integrity, and the loaders' scores on it.

The thresholds below are the scores measured per group, floored to two decimals, so this test passes now
and fails on a regression (issue 12's goal: unit, year, kind and totals >= 95 % of fields right, projects
F1 >= 0.90, 文号 F1 >= 0.95, no document refused). Five groups: dev (tuned to), holdout (id divisible by
3, never tuned to), fresh (r118-r140, gathered later and scored untouched first; the real3 branch's tuning set with dev),
unseen3 (r154-r174, gathered by the real3 branch and scored before any loader change; since the rows branch it
trains the learned project filter, loaders/project_filter.py, with dev and fresh) and unseen4 (r301 on, written by
an engineer who never read the loaders; never tuned to, never trains the filter), and unseen5 (r501 on, the same way, in the
sixth session).
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

from kb.core.doc_no import split_doc_no
from kb.core.normalize import match_key
from tests.real_scoring import TOTAL_FIELDS, documents, score, summary_line

THRESHOLDS = {  # measured on 174 documents (issue 12, real3 branch), floored to two decimals; see the module docstring
    # dev holds r181-r208 since the rows branch (28 notices, 公示 and 绩效目标表 gathered for the learned project filter;
    # 8 of their 13 projects read): r001-r180 alone still score fields 285/287, projects 35/35, 文号 38/38
    # since the sixth session dev also holds r401-r440 (gather5a: approvals, 政府采购意向, 绩效目标申报表 rich in projects):
    # after the recall2 and fields2 branches: dev projects 75 right of 80 predicted, 97 expected (F1 0.85), 文号 F1 0.97
    "dev": {"field_accuracy": 0.96, "projects_f1": 0.84, "doc_nos_f1": 0.96, "max_refused": 0, "max_wrong_projects": 5},
    # holdout after the sixth session's branches: 151/156 (unit 40/42)
    "holdout": {"field_accuracy": 0.96, "projects_f1": 0.99, "doc_nos_f1": 1.0, "max_refused": 0,
                "max_wrong_projects": 0},
    # fresh (r118-r140) was the real3 branch's tuning set with dev (before it: projects F1 0.42, 文号 F1 0.93)
    "fresh": {"field_accuracy": 0.99, "projects_f1": 0.99, "doc_nos_f1": 1.0, "max_refused": 0, "max_wrong_projects": 0},
    # unseen3 (r154-r174): scored untouched before the real3 changes (fields 42/55, projects 0/21 predicted of 11,
    # 文号 29/32 of 33); never tuned to
    # since the rows branch unseen3 trains the learned project filter (5-fold cross-validated F1 0.34, in-sample 0.52)
    "unseen3": {"field_accuracy": 0.83, "projects_f1": 0.52, "doc_nos_f1": 0.92, "max_refused": 0, "max_wrong_projects": 3},
    # unseen4 (r301-r330): written by an engineer who never read the loaders, scored untouched on main at ebef300
    # (fields 81/86, projects 13 right of 33 predicted, 43 expected, 文号 27/28); never tuned to. After the rows and
    # fields branches: fields 80/86 (unit 21/24), projects F1 0.49. After the sixth session's recall2 and fields2:
    # fields 83/86 (unit 23/24), projects 17 right of 28 predicted (F1 0.48)
    "unseen4": {"field_accuracy": 0.96, "projects_f1": 0.47, "doc_nos_f1": 0.96, "max_refused": 0, "max_wrong_projects": 11},
    # unseen5 (r501-r561): written by an engineer who never read the loaders, scored untouched on main at 958f3d9
    # (fields 157/174, projects 9 right of 14 predicted, 39 expected, 文号 36/40 predicted, 41 expected); never tuned to.
    # After recall2 and fields2: fields 164/174 (unit 43/48), projects 10 right of 20 predicted (F1 0.34)
    "unseen5": {"field_accuracy": 0.94, "projects_f1": 0.33, "doc_nos_f1": 0.88, "max_refused": 0, "max_wrong_projects": 10},
}
KINDS = {"预算", "决算", "通知", None}
FRESH = range(118, 141)  # r118-r140: the fresh group, scored untouched first, then tuned to by the real3 branch
UNSEEN3 = range(154, 175)  # r154-r174: the unseen3 group, gathered and scored before the real3 changes (a filter training group)
LATER_DEV = range(175, 301)  # r175-r300: tuning documents gathered after unseen3 was scored
UNSEEN4 = range(301, 400)  # r301-r399: the unseen4 group, gathered by someone who never read the loaders (never tuned to)
DEV5 = range(401, 500)  # r401-r499: training documents gathered in the sixth session (project-bearing notices and tables)
UNSEEN5 = range(501, 600)  # r501-r599: the unseen5 group, gathered by someone who never read the loaders (never tuned to)
_NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?")


def _numbers(text: str) -> list[float]:
    return [float(token.replace(",", "")) for token in _NUMBER.findall(text)]


def test_set_covers_provinces_kinds_and_splits():
    records = documents()
    provinces = Counter(record["province"] for record in records)
    kinds = Counter(record["expected"]["kind"] for record in records)
    assert len(records) >= 30 and len(provinces) >= 8, (len(records), provinces)
    assert kinds["预算"] >= 5 and kinds["决算"] >= 5 and kinds["通知"] >= 3, kinds
    for record in records:
        number = int(record["id"][1:])
        rule = ("fresh" if number in FRESH else "unseen3" if number in UNSEEN3 else "unseen4" if number in UNSEEN4
                else "unseen5" if number in UNSEEN5 else "dev" if number in LATER_DEV or number in DEV5
                else ("holdout" if number % 3 == 0 else "dev"))
        assert record["split"] == rule, record["id"]
        assert record["source"].startswith("http"), record["id"]
        assert record["expected"]["kind"] in KINDS, record["id"]
        assert set(record["expected"]["totals"]) <= set(TOTAL_FIELDS), record["id"]
    first_batches = [record for record in records
                     if record["split"] in ("dev", "holdout") and int(record["id"][1:]) not in LATER_DEV and int(record["id"][1:]) not in DEV5]
    assert 0.25 <= sum(record["split"] == "holdout" for record in first_batches) / len(first_batches) <= 0.4
    assert sum(record["split"] == "fresh" for record in records) >= 20
    assert sum(record["split"] == "unseen3" for record in records) >= 15
    assert sum(record["split"] == "unseen4" for record in records) >= 25
    assert sum(record["split"] == "unseen5" for record in records) >= 60


@pytest.mark.parametrize("record", documents(), ids=lambda record: record["id"])
def test_expected_values_are_printed_in_the_text(record):
    """Every expected figure, name and 文号 can be found in the text itself (a typo in the JSON fails here)."""
    text = record["path"].read_text(encoding="utf-8")
    assert text.strip(), record["id"]
    compact, numbers, expected = re.sub(r"\s+", "", text), _numbers(text), record["expected"]
    if expected["unit"]:
        names = [expected["unit"], *expected.get("unit_alternatives", [])]
        assert any(match_key(name) in match_key(text) for name in names), names
    if expected["year"] is not None:
        assert str(expected["year"]) in compact
    for field, value in expected["totals"].items():  # printed in 万元, or in 元 (x 10000)
        assert any(abs(n - value) < 0.005 or abs(n - value * 10000) < 0.5 for n in numbers), (field, value)
    for project in expected["projects"]:
        assert match_key(project["name"]) in match_key(text), project["name"]
        if project["amount"] is not None:
            glued = str(project["amount"]) in compact  # OCR text glues figures together ("64.864.8")
            in_yuan = any(abs(n - project["amount"] * 10000) < 0.5 for n in numbers)  # printed in 元
            assert glued or in_yuan or any(abs(n - project["amount"]) < 0.00005 for n in numbers), project
    for doc_no in expected["doc_nos"]:
        parts = split_doc_no(doc_no)
        assert parts is not None, f"not canonical: {doc_no}"
        issuer, year, number = parts
        assert issuer in compact and str(year) in compact and f"{number}号" in compact, doc_no


@pytest.mark.parametrize("split", ["dev", "holdout", "fresh", "unseen3", "unseen4", "unseen5"])
def test_loader_scores_do_not_regress(split):
    result = score(split)
    print("\n" + summary_line(result))
    floor = THRESHOLDS[split]
    assert result["documents"] >= 15
    assert result["field_accuracy"] >= floor["field_accuracy"], result["by_field"]
    assert result["projects"]["f1"] >= floor["projects_f1"], result["projects"]
    wrong_projects = result["projects"]["predicted"] - result["projects"]["true_positive"]
    assert wrong_projects <= floor["max_wrong_projects"], result["projects"]
    assert result["doc_nos"]["f1"] >= floor["doc_nos_f1"], result["doc_nos"]
    assert result["refused"] <= floor["max_refused"], [d["id"] for d in result["per_document"] if d["refused"]]
