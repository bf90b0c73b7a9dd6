"""Policy documents across districts: one node per canonical 文号, issuers, title variants, possible links.

Input: the hand-checked gold extractions of 000 (荣昌), 001 (綦江), 002 (万盛) plus real parses of 003 (苍溪)
and 004 (广元); and the five real parses. Labelled pairs: linking/data/labelled_pairs.csv (read from the corpus).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.core.records import Extraction, stable_id
from linking import link
from linking.policy import title_key, title_only_references
from linking.vocabulary import issuer_registry
from loaders.notes import note
from kb.core.doc_no import find_doc_nos, split_doc_no
from kb.core.normalize import normalize_text
from corpus_units import QIJIANG, RONGCHANG

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SHARED_BY_BOTH = ("渝国资发〔2011〕9号", "渝委办发〔2019〕66号", "渝府办发〔2017〕84号", "渝教人〔2013〕13号")


@pytest.fixture(scope="module")
def result(gold_and_parsed):
    return link(gold_and_parsed)


def _citing_units(extractions: list[Extraction], doc_no: str) -> set[str]:
    return {extraction.unit.name for extraction in extractions for project in extraction.projects
            if doc_no in project.all_refs or doc_no in project.basis_refs}


def test_documents_cited_by_both_districts_are_one_node_each(gold_and_parsed, result):
    doc_nos = [node.doc_no for node in result.policy_documents]
    assert len(doc_nos) == len(set(doc_nos))
    for doc_no in SHARED_BY_BOTH:
        assert doc_nos.count(doc_no) == 1
        assert _citing_units(gold_and_parsed, doc_no) == {RONGCHANG, QIJIANG}
    node = next(node for node in result.policy_documents if node.doc_no == "渝教人〔2013〕13号")
    assert (node.issuer_code, node.year, node.number) == ("渝教人", 2013, 13)


def test_every_title_variant_is_kept_on_its_node(result):
    titles = {node.doc_no: node.titles for node in result.policy_documents}
    assert titles["渝府办发〔2017〕84号"] == [
        "重庆市人民政府办公厅关于印发重庆市市属国有重点企业退休人员社会化管理试点工作实施方案的通知",
        "关于印发重庆市市属国有重点企业退休人员社会化管理试点工作实施方案的通知"]
    assert titles["渝委办发〔2019〕66号"] == [
        "中共重庆市委办公厅重庆市人民政府办公厅关于印发重庆市国有企业退休人员社会化管理实施方案的通知",
        "关于印发〈重庆市国有企业退休人员社会化管理实施方案〉的通知"]
    # printed identically by both documents: kept once
    assert titles["渝国资发〔2011〕9号"] == ["关于妥善解决国有企业职教幼教退休教师待遇问题的通知"]


def test_issuer_registry_names_every_issuer_code_in_the_corpus(result):
    printed = {match.issuer_code for path in (SHARED / "corpus").glob("*.txt")
               for line in path.read_text(encoding="utf-8").splitlines() for match in find_doc_nos(normalize_text(line))}
    assert len(printed) == 32
    registry = issuer_registry()
    assert printed <= set(registry), printed - set(registry)
    issuers = {issuer.issuer_code: issuer for issuer in result.issuers}
    assert set(issuers) == printed
    assert issuers["渝人社发"].name == "重庆市人力资源和社会保障局"
    assert issuers["渝委办发"].name == "中共重庆市委办公厅"
    assert (issuers["綦委组"].name, issuers["綦委组"].level) == ("中共綦江区委组织部", "区县级")
    assert (issuers["渝府办发"].name, issuers["渝府办发"].level) == ("重庆市人民政府办公厅", "市级")
    assert {issuer.level for issuer in result.issuers} == {"市级", "区县级"}


def test_misprinted_issuer_code_becomes_a_possible_link_never_a_merge(result):
    doc_nos = {node.doc_no for node in result.policy_documents}
    assert {"渝教人〔2013〕13号", "渝教文〔2013〕13号"} <= doc_nos
    [misprint] = [link for link in result.policy_links if {link.a, link.b} == {"渝教人〔2013〕13号", "渝教文〔2013〕13号"}]
    assert misprint.status == "possible"
    assert 0.7 <= misprint.score <= 0.8
    assert "issuer_code_one_character_apart" in misprint.method and "cited_by_one_project" in misprint.method
    assert misprint.id == stable_id("policy_link", "渝教人〔2013〕13号", "渝教文〔2013〕13号")


@pytest.mark.parametrize("a, b", [("渝委办发〔2003〕167号", "渝委办发〔2003〕168号"),
                                  ("渝财农〔2021〕121号", "渝财农〔2021〕123号"),
                                  ("渝社险发〔2013〕43号", "渝社险发〔2013〕38号"),
                                  ("渝财采购〔2024〕3号", "荣财库〔2024〕3号")])
def test_different_year_number_or_distant_issuer_is_never_linked(result, a, b):
    doc_nos = {node.doc_no for node in result.policy_documents}
    assert {a, b} <= doc_nos
    assert not [link for link in result.policy_links if {link.a, link.b} == {a, b}]


def test_title_only_references_become_title_nodes_cited_by_their_projects(gold_and_parsed, result):
    nodes = {node.doc_no: node for node in result.policy_documents}
    assert nodes["《社会保险业务档案管理规范》"].titles == ["社会保险业务档案管理规范"]
    assert nodes["《社会保险业务档案管理规范》"].issuer_code is None
    names = {project_id: project.name for extraction in gold_and_parsed
             for project, project_id in zip(extraction.projects, extraction.project_ids())}
    citing = sorted(names[citation.project_id] for citation in result.citations
                    if citation.doc_no == "《社会保险业务档案管理规范》")
    assert citing == ["社会保险档案管理服务专项", "社保管理和服务专项"]
    # 广元 (parsed 004) cites a provincial notice by title only
    assert "《四川省人民政府办公厅关于做好社会保险费和非税收入征管职责划转工作的实施意见》" in nodes


def test_title_cited_alone_joins_the_numbered_document_with_that_title(parsed):
    """A real 001 block prints a title whose 文号 is inside the 《》: the citation joins 綦文委发〔2018〕70号."""
    extraction = parsed[1].model_copy(deep=True)
    project = next(project for project in extraction.projects if project.name == "代发广播员养老和医疗补助资金")
    title = "关于印发解决原乡镇（公社）广播员养老和医疗补助实施方案的通知"
    project.notes = [*project.notes, note("references.title_only", references=f"《{title}》")]
    linked = link([parsed[0], extraction])
    joined = [citation for citation in linked.citations if citation.project_id in extraction.project_ids()]
    assert [citation.doc_no for citation in joined] == ["綦文委发〔2018〕70号"]
    assert f"《{title}》" not in {node.doc_no for node in linked.policy_documents}


def test_title_key_drops_issuing_bodies_but_keeps_forwarding_notices():
    assert title_key("重庆市人力资源和社会保障局重庆市财政局关于完善机关事业单位工作人员遗属生活困难补助政策的通知") == \
        title_key("关于完善机关事业单位工作人员遗属生活困难补助政策的通知")
    forwarding = "重庆市綦江区人力资源和社会保障局重庆市綦江区财政局转发〈关于完善机关事业单位工作人员遗属生活困难补助政策的通知〉及其条文解读的通知"
    assert title_key(forwarding).startswith("重庆市綦江区")
    assert title_only_references([note("references.title_only", references="《社会保险业务档案管理规范》；17号文")]) == \
        ["社会保险业务档案管理规范"]
    # matched by the note's code, not by its wording: another note citing a 《title》 gives none
    assert title_only_references([note("projects.category_from_title", title="《社会保险业务档案管理规范》"),
                                  "非文号引用（仅记入备注）：《社会保险业务档案管理规范》。"]) == []


def test_link_ids_and_nodes_do_not_depend_on_input_order(gold_and_parsed, result):
    again = link(list(reversed(gold_and_parsed)))
    assert [node.doc_no for node in again.policy_documents] == [node.doc_no for node in result.policy_documents]
    assert again.policy_links == result.policy_links


def test_decisions_set_the_status_of_policy_links(gold_and_parsed, result):
    [misprint] = [link for link in result.policy_links if link.a == "渝教人〔2013〕13号"]
    decided = link(gold_and_parsed, {misprint.id: "rejected"})
    assert [link.status for link in decided.policy_links if link.id == misprint.id] == ["rejected"]
    assert len(decided.policy_documents) == len(result.policy_documents)


def test_every_node_key_is_a_canonical_doc_no_or_a_title(result):
    for node in result.policy_documents:
        assert split_doc_no(node.doc_no) is not None or (node.doc_no.startswith("《") and node.doc_no.endswith("》"))


@pytest.mark.parametrize("corpus", ["gold_and_parsed", "parsed"])
def test_labelled_policy_pairs_precision_recall_and_no_false_merge(labelled_metrics, corpus):
    metrics = labelled_metrics(corpus, "policy")
    assert metrics.unresolved == []
    assert metrics.false_merges == 0
    assert metrics.errors == []
    assert (metrics.precision, metrics.recall) == (1.0, 1.0)


def test_title_cited_alone_inside_a_numbered_title_is_a_possible_link(parsed):
    """《X》 cited alone while 渝委办发〔2019〕66号 is printed as 关于印发〈X〉的通知: reviewable, not merged."""
    extraction = parsed[1].model_copy(deep=True)
    project = extraction.projects[-1]
    project.notes = [*project.notes, note("references.title_only", references="《重庆市国有企业退休人员社会化管理实施方案》")]
    linked = link([parsed[0], extraction])
    [inside] = [item for item in linked.policy_links if item.method == "title_inside_title"]
    assert {inside.a, inside.b} == {"《重庆市国有企业退休人员社会化管理实施方案》", "渝委办发〔2019〕66号"}
    assert (inside.score, inside.status) == (0.722, "possible")


def test_one_title_under_two_doc_nos_is_a_possible_link(parsed):
    """A 文号 misprinted in one document (9号 -> 19号) with the title both print: a possible link, two nodes."""
    extraction = parsed[1].model_copy(deep=True)
    reference = next(ref for ref in extraction.policy_docs if ref.doc_no == "渝国资发〔2011〕9号")
    reference.doc_no = "渝国资发〔2011〕19号"
    linked = link([parsed[0], extraction])
    [same_title] = [item for item in linked.policy_links if item.method == "same_title"]
    assert (same_title.a, same_title.b) == ("渝国资发〔2011〕19号", "渝国资发〔2011〕9号")
    assert same_title.status == "possible" and 0.9 <= same_title.score <= 1.0
    assert {"渝国资发〔2011〕19号", "渝国资发〔2011〕9号"} <= {node.doc_no for node in linked.policy_documents}
