"""``kb links``: the report read from the embedded store, and accept/reject kept across re-ingests.

Real components: the five corpus documents ingested with ``kb.ingest.ingest_paths`` into a LadybugDB store
on disk under tmp_path; the CLI run as a subprocess.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kb.core.errors import InvalidDecision, LinkNotFound
from kb.ingest import ingest_paths
from kb.core.records import stable_id
from kb.store import open_store
from linking.decisions import DECISIONS_FILE, load_decisions, record_decision
from linking.report import links_report, links_text
from corpus_units import QIJIANG, RONGCHANG

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
SHARED_BY_BOTH = ("渝国资发〔2011〕9号", "渝委办发〔2019〕66号", "渝府办发〔2017〕84号", "渝教人〔2013〕13号")
MISPRINT_ID = stable_id("policy_link", "渝教人〔2013〕13号", "渝教文〔2013〕13号")


@pytest.fixture(scope="module")
def ingested(make_corpus_folder) -> Path:
    """A database folder holding the ingested corpus; the review tests below record decisions in it, in order."""
    return make_corpus_folder("review")


@pytest.fixture(scope="module")
def report(ingested) -> dict:
    with open_store(ingested, "embedded") as store:
        return links_report(store)


def test_documents_cited_by_both_districts_are_one_stored_node_each(report):
    documents = {document["doc_no"]: document for document in report["policy_documents"]}
    assert len(documents) == len(report["policy_documents"])
    for doc_no in SHARED_BY_BOTH:
        assert {citation["unit"] for citation in documents[doc_no]["cited_by"]} == {RONGCHANG, QIJIANG}
    soe = documents["渝委办发〔2019〕66号"]
    assert soe["issuer"] == "中共重庆市委办公厅" and soe["issuer_code"] == "渝委办发"
    assert sorted((citation["unit"], citation["project"], citation["role"]) for citation in soe["cited_by"]) == sorted([
        (RONGCHANG, "国有企业退休人员社会化管理", "basis"),
        (RONGCHANG, "荣昌区国有企业退休人员社会管理服务", "mention"),
        (QIJIANG, "2021年国有企业退休人员社会化管理补助资金", "basis")])
    assert len(documents["渝府办发〔2017〕84号"]["titles"]) == 2
    assert {citation["project"] for citation in documents["《社会保险业务档案管理规范》"]["cited_by"]} == {
        "社会保险档案管理服务专项", "社保管理和服务专项"}


def test_report_lists_possible_links_and_programs_with_scores(report):
    [misprint] = report["policy_links"]
    assert (misprint["id"], misprint["a"], misprint["b"], misprint["status"]) == (
        MISPRINT_ID, "渝教人〔2013〕13号", "渝教文〔2013〕13号", "possible")
    assert misprint["score"] == pytest.approx(0.733)
    programs = {program["name"]: program for program in report["programs"]}
    veterans = programs["企业军转干部生活补助"]
    assert {(member["unit"], member["project"], member["status"]) for member in veterans["members"]
            if member["status"] == "accepted"} == {(RONGCHANG, "荣昌区企业军转干部生活补助及医疗补助", "accepted"),
                                                   (QIJIANG, "代发企业退休军转干解困补助资金", "accepted")}
    assert all(0 <= member["score"] <= 1 and member["method"] and member["id"].startswith("program_member:")
               for program in report["programs"] for member in program["members"])
    text = links_text(report)
    assert f"[待审核] 0.733  渝教人〔2013〕13号 ~ 渝教文〔2013〕13号" in text and MISPRINT_ID in text
    assert "企业军转干部生活补助" in text


def test_two_lines_of_one_project_name_are_members_told_apart(report):
    """003 prints 县社保事务中心档案整理工作经费 twice, under 2080107 (5 万元) and 2080109 (7.16 万元)."""
    archives = next(program for program in report["programs"] if program["name"] == "社会保险档案管理")
    twins = [member for member in archives["members"] if member["project"] == "县社保事务中心档案整理工作经费"]
    assert sorted((member["subject_code"], member["amount"]) for member in twins) == [("2080107", 5.0),
                                                                                     ("2080109", 7.16)]
    assert len({member["id"] for member in twins}) == 2 and all(member["file"].startswith("003_") for member in twins)
    text = links_text(report)
    assert "[2080107] 5 万元" in text and "[2080109] 7.16 万元" in text


def _status(folder: Path, link_id: str) -> str:
    with open_store(folder, "embedded") as store:
        report = links_report(store)
    statuses = {link["id"]: link["status"] for link in report["policy_links"]}
    statuses.update({member["id"]: member["status"] for program in report["programs"] for member in program["members"]})
    return statuses[link_id]


def test_accept_and_reject_persist_and_survive_a_reingest(ingested):
    with open_store(ingested, "embedded") as store:
        weak = next(member for program in links_report(store)["programs"] for member in program["members"]
                    if member["project"] == "荣昌区17号文、离休建工生活医疗补助")
        assert weak["status"] == "possible"
        message = record_decision(store, MISPRINT_ID, "rejected")
        assert message == f"已拒绝 {MISPRINT_ID}：渝教人〔2013〕13号 ~ 渝教文〔2013〕13号"
        record_decision(store, weak["id"], "accepted")
    assert load_decisions(ingested) == {MISPRINT_ID: "rejected", weak["id"]: "accepted"}
    assert _status(ingested, MISPRINT_ID) == "rejected"  # set in the store at once, before any re-ingest
    assert _status(ingested, weak["id"]) == "accepted"
    with open_store(ingested, "embedded") as store:
        ingest_paths([CORPUS], store)  # rebuilds the whole graph from the documents
    assert _status(ingested, MISPRINT_ID) == "rejected"
    assert _status(ingested, weak["id"]) == "accepted"
    with open_store(ingested, "embedded") as store:
        record_decision(store, MISPRINT_ID, "accepted")  # a decision can be changed
    assert _status(ingested, MISPRINT_ID) == "accepted"


def test_unknown_link_and_bad_status_are_clear_errors(ingested):
    with open_store(ingested, "embedded") as store:
        with pytest.raises(LinkNotFound, match="库中没有关联“policy_link:0000000000000000”"):
            record_decision(store, "policy_link:0000000000000000", "accepted")
        with pytest.raises(InvalidDecision, match="未知的审核决定“maybe”"):
            record_decision(store, MISPRINT_ID, "maybe")


def test_damaged_decisions_file_is_a_clear_error(tmp_path):
    (tmp_path / DECISIONS_FILE).write_text("{not json", encoding="utf-8")
    with pytest.raises(InvalidDecision, match="审核决定文件已损坏"):
        load_decisions(tmp_path)
    assert load_decisions(tmp_path / "absent") == {}


def test_cli_links_json_and_review(ingested):
    command = [sys.executable, "-m", "kb.cli", "links"]
    shown = subprocess.run([*command, "--json", "--db", str(ingested)], capture_output=True, text=True, check=True)
    report = json.loads(shown.stdout)
    assert {"policy_documents", "policy_links", "programs", "program_model"} == set(report)
    members = [member for program in report["programs"] for member in program["members"]]
    assert {member["kind"] for member in members} == {"member", "possible", "bundle"}
    wansheng = {program["name"]: member for program in report["programs"] for member in program["members"]
                if member["project"] == "社保惠民服务专项"}  # pays 复员军人, 建国初期参工人员, 军转干部 from 641.87 万元
    assert set(wansheng) == {"企业复员军人生活补助", "建国初期参加革命工作退休干部生活补助", "企业军转干部生活补助"}
    assert all(member["kind"] == "bundle" and member["amount"] is None and member["project_amount"] == 641.87
               for member in wansheng.values())
    veterans = next(member for member in members if member["project"] == "代发企业退休军转干解困补助资金")
    weights = veterans["weights"]  # the waterfall: prior + each comparison's log2(m/u) = total
    assert weights["partner"] == "企业军转干部生活补助及医疗补助"
    compared = {name: value for name, value in weights.items() if name not in ("prior", "total", "probability", "partner")}
    assert {"name", "vocabulary"} <= set(compared) <= {"name", "doc_no", "subject", "amount", "indicators", "vocabulary"}
    assert abs(weights["prior"] + sum(compared.values()) - weights["total"]) < 0.01
    levels = {comparison["name"]: comparison["levels"] for comparison in report["program_model"]["comparisons"]}
    assert levels["vocabulary"][1]["weight"] > 0 > levels["vocabulary"][0]["weight"]  # learned by EM on the corpus
    missing = subprocess.run([*command, "reject", "policy_link:ffff", "--db", str(ingested)], capture_output=True,
                             text=True)
    assert missing.returncode == 1
    assert missing.stderr.strip() == "错误[E_LINK_NOT_FOUND]: 库中没有关联“policy_link:ffff”（kb links 列出全部关联编号）"
    rejected = subprocess.run([*command, "reject", MISPRINT_ID, "--db", str(ingested)], capture_output=True, text=True)
    assert rejected.returncode == 0 and rejected.stdout.startswith(f"已拒绝 {MISPRINT_ID}")
    assert load_decisions(ingested)[MISPRINT_ID] == "rejected"


def test_bundle_is_in_no_program_sum_until_a_person_splits_it(ingested):
    """万盛's 社保惠民服务专项 (641.87 万元) pays 复员军人, 建国初期参工人员 and 军转干部: it is listed in each program
    with no amount, so 跨区对比 and program_across_units rank 荣昌's 540 above it; a split puts its parts back."""
    from kb.query.templates import run_template
    from linking.decisions import record_split
    from ui.graph_view import program_bundles, program_unit_matrix

    wansheng = "重庆市万盛经济技术开发区社会保险事务中心"
    with open_store(ingested, "embedded") as store:
        rows = run_template(store, "program_across_units", {"program": "企业军转干部生活补助"}).rows
        assert [(row["unit"], row["amount"]) for row in rows] == [
            (QIJIANG, 1000.3), (RONGCHANG, 540.0), (wansheng, None)]
        assert rows[-1]["note"].startswith("合并项目")
        graph = store.to_networkx()
        matrix = program_unit_matrix(graph)
        assert wansheng not in matrix.columns  # in no program's sum
        assert [(bundle["project"], bundle["amount"], len(bundle["programs"])) for bundle in program_bundles(graph)] == [
            ("社保惠民服务专项", 641.87, 3)]
        report = links_report(store)
        ids = {program["name"]: member["id"] for program in report["programs"] for member in program["members"]
               if member["project"] == "社保惠民服务专项"}
        with pytest.raises(InvalidDecision, match="超过项目金额"):
            record_split(store, {ids["企业军转干部生活补助"]: 600.0, ids["企业复员军人生活补助"]: 100.0})
        message = record_split(store, {ids["企业军转干部生活补助"]: 300.0, ids["企业复员军人生活补助"]: 40.0})
        assert message.startswith("拆分 社保惠民服务专项")
        rows = run_template(store, "program_across_units", {"program": "企业军转干部生活补助"}).rows
        assert (wansheng, 300.0) in [(row["unit"], row["amount"]) for row in rows]
    assert load_decisions(ingested)[ids["企业军转干部生活补助"]] == "split:300"
    with open_store(ingested, "embedded") as store:  # the split survives a re-ingest
        ingest_paths([CORPUS], store)
        members = {program["name"]: member for program in links_report(store)["programs"]
                   for member in program["members"] if member["project"] == "社保惠民服务专项"}
    veterans = members["企业军转干部生活补助"]
    assert (veterans["kind"], veterans["status"], veterans["share"], veterans["project_amount"]) == (
        "member", "accepted", 300.0, 641.87)
    assert members["建国初期参加革命工作退休干部生活补助"]["kind"] == "bundle"
