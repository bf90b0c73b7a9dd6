"""The learned program model: EM estimates, programs outside the vocabulary, bundles and running costs.

Input: pairs drawn from known m/u probabilities (EM must recover them); a ``kb synth`` corpus linked with
the vocabulary emptied (every family outside it, near-miss groups sharing 渝农发〔2016〕88号, bundles,
running costs; truth.json says which is which); the five real corpus parses.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from itertools import combinations

import numpy as np
import pytest

from kb.core.records import Extraction
from kb.synth import generate_corpus
from linking import link
from linking.bundles import is_running_cost
from linking.fellegi_sunter import Comparison, FellegiSunter
from linking.features import project_features
from linking.policy import link_policies


def test_em_recovers_the_m_probabilities_it_was_drawn_from():
    rng = np.random.default_rng(7)
    comparisons = (Comparison("a", ("不同", "相近", "相同")), Comparison("b", ("不同", "相同")))
    m = [np.array([0.1, 0.2, 0.7]), np.array([0.2, 0.8])]
    u = [np.array([0.8, 0.15, 0.05]), np.array([0.9, 0.1])]
    matches = rng.random(20000) < 0.2
    levels = np.column_stack([np.where(matches, rng.choice(3, 20000, p=m[0]), rng.choice(3, 20000, p=u[0])),
                              np.where(matches, rng.choice(2, 20000, p=m[1]), rng.choice(2, 20000, p=u[1]))])
    randoms = np.column_stack([rng.choice(3, 50000, p=u[0]), rng.choice(2, 50000, p=u[1])])
    model = FellegiSunter(comparisons)
    model.estimate_u(randoms)
    model.fit(levels)
    assert model.prior == pytest.approx(0.2, abs=0.03)
    assert np.allclose(model.m[0], m[0], atol=0.05) and np.allclose(model.m[1], m[1], atol=0.05)
    weights = model.to_dict()["comparisons"][0]["levels"]
    assert weights[2]["weight"] == pytest.approx(np.log2(0.7 / 0.05), abs=0.3)  # 相同: log2(m/u) ≈ 3.8
    assert model.probabilities(np.array([[2, 1], [0, 0]])).tolist()[0] > 0.95 > 0.05 > model.probabilities(
        np.array([[0, 0]]))[0]


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """150 synthetic documents linked with the vocabulary emptied: (result, project_id -> family key)."""
    folder = tmp_path_factory.mktemp("synth-model")
    truth = json.loads(generate_corpus(150, folder, seed=5).read_text(encoding="utf-8"))
    extractions, family = [], {}
    for document in truth["documents"]:
        extraction = Extraction.model_validate({**document["record"], "file": document["file"]})
        extractions.append(extraction)
        family.update(zip(extraction.project_ids(), document["programs"]))
    return link(extractions, vocabulary=False), family


def test_programs_outside_the_vocabulary_are_found_from_the_data(synthetic):
    result, family = synthetic
    predicted = {pair for program in result.programs for pair in combinations(sorted(
        m.project_id for m in program.members if m.kind != "bundle" and not family[m.project_id].startswith("bundle:")), 2)}
    members = defaultdict(list)
    for project_id, key in family.items():
        if not key.startswith("bundle:"):
            members[key].append(project_id)
    expected = {pair for ids in members.values() for pair in combinations(sorted(ids), 2)}
    precision = len(predicted & expected) / len(predicted)
    recall = len(predicted & expected) / len(expected)
    print(f"\nsynthetic (vocabulary emptied): precision {precision:.3f} recall {recall:.3f}")
    assert precision >= 0.98 and recall >= 0.95
    near_miss = {"water_staff_allowance", "veterinary_staff_allowance", "culture_staff_allowance"}
    for program in result.programs:  # 水利员, 畜牧兽医员, 文化专干 all cite 渝农发〔2016〕88号 and stay apart
        keys = {family[m.project_id] for m in program.members if m.kind != "bundle"}
        assert len(keys & near_miss) <= 1, program.name
    methods = Counter(m.method.split(":")[0] for p in result.programs for m in p.members if m.kind != "bundle")
    assert set(methods) <= {"model", "keyword"} and methods["model"] > 20 * methods["keyword"]  # no vocabulary used


def test_bundles_are_bundle_members_of_the_programs_they_pay_and_running_costs_are_their_own(synthetic):
    result, family = synthetic
    majority = {}
    for program in result.programs:
        keys = Counter(family[m.project_id] for m in program.members if m.kind != "bundle")
        majority[program.program_id] = keys.most_common(1)[0][0]
    found = defaultdict(set)
    for program in result.programs:
        for member in program.members:
            found[member.project_id].add((member.kind, majority[program.program_id]))
    bundles = {project_id: key for project_id, key in family.items() if key.startswith("bundle:")}
    exact = sum(found[project_id] == {("bundle", paid) for paid in key.removeprefix("bundle:").split("+")}
                for project_id, key in bundles.items())
    assert len(bundles) >= 10 and exact >= 0.8 * len(bundles)
    running = {project_id for project_id, key in family.items() if key == "payment_administration"}
    assert running and all(found[project_id] <= {("member", "payment_administration")} for project_id in running)


def test_running_costs_are_read_from_names_and_indicators(parsed):
    features = {item.name: item for item in project_features(parsed, link_policies(parsed).project_refs)}
    assert is_running_cost(features["企保、机保代财政管理工作经费（原代管工作经费）"])  # 广元: administers payments
    assert not is_running_cost(features["代发企业复员军人生活补助资金"])  # 代发 is how the benefit itself is paid
    assert not is_running_cost(features["县社保事务中心档案整理工作经费"])  # the unit's own work, no one paid
    assert not is_running_cost(features["国有企业退休人员社会化管理"])


def test_weights_are_learned_from_the_corpus_and_explain_each_member(parsed):
    result = link(parsed)
    levels = {c["name"]: [level["weight"] for level in c["levels"]] for c in result.program_model["comparisons"]}
    assert levels["name"][0] < 0 < levels["name"][-1]  # different names count against, the same name for
    assert levels["doc_no"][0] < 0 < levels["doc_no"][-1]  # no shared 文号 against, most shared for
    assert levels["vocabulary"][0] < 0 < levels["vocabulary"][1]
    for program in result.programs:
        for member in program.members:
            if "total" in member.weights:
                parts = [value for name, value in member.weights.items() if name in levels]
                assert member.weights["total"] == pytest.approx(member.weights["prior"] + sum(parts), abs=0.01)


def test_each_pair_is_explained_as_the_fitted_model_scores_it(parsed):
    """``ProgramModel.pair`` (each pair and level vector explained once, level weights kept per fit) gives, for
    every blocked pair of the corpus, what the fitted model's own matrix arithmetic gives for that row."""
    from linking.features import with_refs
    from linking.inputs import document_input
    from linking.learned import ProgramModel
    from linking.policy import link_policy_inputs

    inputs = sorted((document_input(extraction) for extraction in parsed), key=lambda document: document.order)
    policies = link_policy_inputs(inputs, {})
    model = ProgramModel(with_refs([item for document in inputs for item in document.features], policies.project_refs))
    assert len(model.pairs) > 50
    for (first, second), row in zip(model.pairs, model.levels):
        explained = model.pair(first, second)
        matrix = np.asarray([row])
        assert explained["total"] == round(float(model.model.match_weight(matrix)[0]), 3)
        assert explained["probability"] == round(float(model.model.probabilities(matrix)[0]), 3)
        weights = model.model.weights(matrix)[0]
        for comparison, weight, level in zip(model.model.comparisons, weights, row):
            assert explained.get(comparison.name) == (round(float(weight), 3) if level >= 0 else None)
        assert explained["partner"] == model.groups[second].core
        explained["total"] = None  # a caller changing its copy leaves the next answer whole
        assert model.pair(first, second)["total"] is not None
