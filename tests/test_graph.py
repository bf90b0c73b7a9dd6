"""kb.graph: the property graph built from the gold records of 000-002 (../shared/gold)."""

from __future__ import annotations

import networkx as nx
import pytest

from kb.graph import build_graph, node_id, unit_aliases, unit_level
from kb.core.records import LinkResult, PolicyLink, Program, ProgramMember
from kb.core.schema import NODE_TABLES, REL_TABLES
from store_contract import gold_extractions


@pytest.fixture(scope="module")
def gold_graph() -> nx.MultiDiGraph:
    return build_graph(gold_extractions())


def test_the_same_documents_always_give_the_same_graph(gold_graph):
    again = build_graph(list(reversed(gold_extractions())))
    assert sorted(again.nodes) == sorted(gold_graph.nodes)
    assert sorted(again.edges(keys=True)) == sorted(gold_graph.edges(keys=True))
    assert all(again.nodes[node] == data for node, data in gold_graph.nodes(data=True))


def test_nodes_and_edges_carry_exactly_the_schema(gold_graph):
    for node, data in gold_graph.nodes(data=True):
        table = NODE_TABLES[data["label"]]
        assert set(data) == {"label", *table.properties}
        assert node == node_id(data["label"], data[table.key])
    for source, target, key, data in gold_graph.edges(keys=True, data=True):
        table = REL_TABLES[data["type"]]
        assert key == data["type"]
        assert (gold_graph.nodes[source]["label"], gold_graph.nodes[target]["label"]) in table.endpoints
        assert set(data) == {"type", *table.properties}


def test_one_policy_document_per_doc_no_cited_from_two_units(gold_graph):
    policy = node_id("PolicyDocument", "渝委办发〔2019〕66号")
    assert [n for n in gold_graph if n.startswith("PolicyDocument:渝委办发〔2019〕66号")] == [policy]
    citing = [source for source, _, key in gold_graph.in_edges(policy, keys=True) if key == "CITES"]
    units = {gold_graph.nodes[unit]["name"] for project in citing
             for unit, _, key in gold_graph.in_edges(project, keys=True) if key == "RUNS"}
    assert units == {"重庆市荣昌区社会保险事务中心", "重庆市綦江区社会保险事务中心"}
    assert gold_graph.nodes[policy]["issuer_code"] == "渝委办发"
    assert gold_graph.has_edge(policy, node_id("Issuer", "渝委办发"), "ISSUED_BY")


def test_project_properties_and_citation_roles(gold_graph):
    rongchang = gold_extractions()[0]
    project = node_id("Project", rongchang.project_ids()[0])
    data = gold_graph.nodes[project]
    assert (data["name"], data["amount"], data["code"], data["year"]) == (
        "荣昌区企业军转干部生活补助及医疗补助", 540.0, "50015322T000000092262", 2026)
    roles = {target.split(":", 1)[1]: gold_graph.edges[project, target, "CITES"]["role"]
             for _, target, key in gold_graph.out_edges(project, keys=True) if key == "CITES"}
    assert roles == {"渝委办发〔2003〕167号": "basis", "渝人社〔2017〕225号": "mention"}
    targets = {gold_graph.nodes[t]["name"]: gold_graph.edges[project, t, "HAS_TARGET"]
               for _, t, key in gold_graph.out_edges(project, keys=True) if key == "HAS_TARGET"}
    assert targets["按时足额发放率"]["op"] == "≥" and targets["按时足额发放率"]["weight"] == 40.0
    assert targets["按时足额发放率"]["core"] is True


def test_budget_figures_and_subject_hierarchy(gold_graph):
    budgets = [data for _, data in gold_graph.nodes(data=True)
               if data["label"] == "Budget" and data["unit_name"] == "重庆市荣昌区社会保险事务中心"]
    assert [(b["year"], b["income_total"], b["three_public"], b["carryover"]) for b in budgets] == [
        (2026, 2235.58, 0.9, None)]
    leaf, middle, top = (node_id("Subject", f"function:{code}") for code in ("2080101", "20801", "208"))
    assert gold_graph.has_edge(leaf, middle, "CHILD_OF") and gold_graph.has_edge(middle, top, "CHILD_OF")
    assert gold_graph.nodes[top]["name"] == "社会保障和就业支出" and gold_graph.nodes[top]["level"] == 1
    budget = next(n for n, d in gold_graph.nodes(data=True) if d is budgets[0])
    assert gold_graph.edges[budget, top, "ALLOCATES"]["total"] == 1857.87


@pytest.mark.parametrize("name, region, aliases, level", [
    ("重庆市荣昌区社会保险事务中心", "重庆市荣昌区", {"荣昌", "荣昌区", "荣昌区社保中心"}, "区县级"),
    ("重庆市綦江区社会保险事务中心", "重庆市綦江区", {"綦江", "綦江区", "綦江区社保中心"}, "区县级"),
    ("重庆市万盛经济技术开发区社会保险事务中心", "重庆市万盛经济技术开发区", {"万盛", "万盛经开区", "万盛经开区社保中心"},
     "区县级"),
    ("苍溪县社会保险事务中心", "四川省广元市苍溪县", {"苍溪", "苍溪县", "苍溪县社保中心"}, "区县级"),
    ("广元市社会保险事务中心", "四川省广元市", {"广元", "广元市", "广元市社保中心"}, "市级"),
])
def test_unit_aliases_from_names(name, region, aliases, level):
    assert aliases <= set(unit_aliases(name, region))
    assert name not in unit_aliases(name, region)
    assert unit_level(name, region) == level


def test_a_municipal_body_gets_no_bare_place_alias():
    assert "重庆" not in unit_aliases("重庆市财政局") and "重庆市" not in unit_aliases("重庆市财政局")
    assert unit_aliases("重庆市荣昌区城市管理局")[:2] == ["荣昌", "荣昌区"]


def test_links_become_programs_and_possible_identities():
    extractions = gold_extractions()
    rongchang, qijiang = extractions[0], extractions[1]
    links = LinkResult(
        programs=[Program(program_id="program:soe-retirees", name="国有企业退休人员社会化管理", members=[
            ProgramMember(project_id=rongchang.project_ids()[8], unit=rongchang.unit.name,
                          project=rongchang.projects[8].name, score=1.0, method="exact"),
            ProgramMember(project_id=qijiang.project_ids()[15], unit=qijiang.unit.name,
                          project=qijiang.projects[15].name, score=0.83, method="fuzzy")])],
        policy_links=[PolicyLink(id="link:1", a="渝人社〔2017〕225号", b="渝人社发〔2017〕225号", score=0.9,
                                 method="issuer variant")])
    graph = build_graph(extractions, links)
    program = node_id("Program", "program:soe-retirees")
    members = {graph.nodes[source]["name"]: graph.edges[source, program, "PART_OF"]["score"]
               for source, _, key in graph.in_edges(program, keys=True) if key == "PART_OF"}
    assert members == {"国有企业退休人员社会化管理": 1.0, "2021年国有企业退休人员社会化管理补助资金": 0.83}
    same = graph.edges[node_id("PolicyDocument", "渝人社〔2017〕225号"),
                       node_id("PolicyDocument", "渝人社发〔2017〕225号"), "POSSIBLY_SAME_AS"]
    assert same == {"type": "POSSIBLY_SAME_AS", "link_id": "link:1", "score": 0.9, "method": "issuer variant",
                    "status": "possible"}
