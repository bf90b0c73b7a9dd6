"""The learned project filter (loaders/project_filter.py, weights in loaders/data/project_filter.json).

The shipped weights must be what ``bench/project_filter.py`` trains (its ``collect``/``examples``/``train``, the
functions its ``--write`` runs) from tests/data/real and tests/data/loaders_dev (deterministic liblinear); the pure-Python score must equal scikit-learn's; holdout, unseen4 and unseen5 are
never a training document; on real funding notices the filter drops allocation categories and keeps projects.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from loaders import parse_file
from loaders.project_filter import WEIGHTS, ProjectFilter, shipped_filter
from tests.real_scoring import DATA, documents

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "bench" / "project_filter.py"


@pytest.fixture(scope="module")
def trainer():
    """bench/project_filter.py loaded as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("bench_project_filter", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def training(trainer):
    """The script's training examples: (features, labels, document ids), from parsing every training document."""
    return trainer.examples(trainer.collect())


def test_shipped_weights_are_what_the_script_trains(trainer, training):
    features, labels, groups = training
    trained, shipped = trainer.train(features, labels), json.loads(WEIGHTS.read_text(encoding="utf-8"))
    assert trained["weights"].keys() == shipped["weights"].keys()
    assert all(abs(trained["weights"][key] - shipped["weights"][key]) < 1e-6 for key in shipped["weights"])
    assert abs(trained["intercept"] - shipped["intercept"]) < 1e-6 and trained["threshold"] == shipped["threshold"]
    assert len(labels) == shipped["training"]["candidates"] and sum(labels) == shipped["training"]["projects"]
    holdout = {record["id"] for record in documents("holdout") + documents("unseen4") + documents("unseen5")}
    assert len(holdout) == 135 and not holdout & set(shipped["training"]["documents"]) and not holdout & set(groups)
    assert "r184" in shipped["training"]["documents"] and shipped["training"]["projects"] >= 40


def test_the_pure_python_score_is_scikit_learns(trainer, training):
    features, labels, _ = training
    vectorizer, model = trainer.fit(features, labels)
    project_filter = ProjectFilter.from_dict(trainer.train(features, labels))
    known = set(vectorizer.feature_names_)
    matrix = vectorizer.transform([{name: 1 for name in row if name in known} for row in features]).toarray()
    expected = model.predict_proba(matrix)[:, 1]
    assert len(features) >= 90 and 0 < sum(labels) < len(labels)
    assert max(abs(project_filter.probability(row) - p) for row, p in zip(features, expected)) < 1e-6


def test_allocation_categories_of_a_notice_are_dropped_and_reported():
    # r184 金寨县: 安排产业发展项目资金14343.83万元 … 安排以工代赈项目资金689万元 are categories, not projects
    extraction = parse_file(DATA / "r184.txt")
    assert extraction.unit.kind == "通知" and extraction.projects == []
    note = next(note for note in extraction.notes if note.startswith("[projects.filter_rejected]"))
    assert "“产业发展项目”（14343.83万元" in note and "“以工代赈项目”（689.0万元" in note
    assert shipped_filter().threshold == 0.4


def test_projects_of_notices_are_kept():
    listed = parse_file(DATA / "r143.txt")  # 泽库县: six projects in a numbered list, each with 投资:
    assert [(p.name, p.amount) for p in listed.projects][:2] == [
        ("西卜沙乡三个村游牧民定居点人饮巩固提升工程", 500.0), ("泽库县和日镇司玛村人畜饮水安全工程", 230.0)]
    assert len(listed.projects) == 6
    table = parse_file(DATA / "r181.txt")  # 濮阳经开区: a pipe table one cell per line, rows numbered 1、 2、
    assert [(p.name, p.amount) for p in table.projects] == [
        ("2022年王助镇崔寨村道路及排水建设项目", 248.0), ("2022年王助镇东李庄村道路及排水建设项目", 48.0)]


def test_a_budget_narrative_keeps_the_rules(tmp_path):
    """Outside funding notices the filter does not judge: a 预算 情况说明's projects are the sentence reader's."""
    narrative = tmp_path / "narrative.txt"
    narrative.write_text("某区文化馆2025年部门预算情况说明\n（一）非遗保护传承专项预算35.00万元，主要用于非遗项目传承。\n"
                         "（二）其中：中央资金20.00万元。\n", encoding="utf-8")
    extraction = parse_file(narrative)
    assert extraction.unit.kind == "预算"
    assert [(p.name, p.amount) for p in extraction.projects] == [("非遗保护传承专项", 35.0)]
