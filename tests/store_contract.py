"""What every store engine must do, as functions over an open store (run on LadybugDB by test_store.py and
test_ingest.py, on Neo4j by test_store_neo4j.py). The expected figures are read off the corpus files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from kb.core.errors import StoreQueryFailed
from kb.graph import build_graph
from kb.ingest import ingest_paths
from kb.core.records import Extraction

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus"

# Project lines per unit: gold files for 000-002; for 003 and 004 the rows of the 项目支出预算表
# (003 lines 322-342, 合计 7,925.93 on line 320; 004 lines 448-455, 合计 92.94 on line 444).
PROJECTS_PER_UNIT = {
    "重庆市荣昌区社会保险事务中心": 10,
    "重庆市綦江区社会保险事务中心": 17,
    "重庆市万盛经济技术开发区社会保险事务中心": 2,
    "苍溪县社会保险事务中心": 16,
    "广元市社会保险事务中心": 7,
}
PROJECT_TOTALS = {"苍溪县社会保险事务中心": 7925.93, "广元市社会保险事务中心": 92.94}

UNIT_PROJECTS = """
MATCH (u:Unit)-[:RUNS]->(p:Project)
RETURN u.name AS unit, count(p) AS projects, sum(p.amount) AS amount ORDER BY unit
"""
CITING = """
MATCH (u:Unit)-[:RUNS]->(p:Project)-[c:CITES]->(d:PolicyDocument {doc_no: $doc_no})
RETURN u.name AS unit, p.name AS project, p.amount AS amount, c.role AS role ORDER BY unit, project
"""


def gold_extractions() -> list[Extraction]:
    """The hand-checked records of 000, 001 and 002 (../shared/gold)."""
    return [Extraction.model_validate(json.loads(path.read_text(encoding="utf-8")))
            for path in sorted((SHARED / "gold").glob("*.json"))]


def assert_graph_round_trip(store) -> None:
    """A graph written and read back is the same graph: nodes, properties, relationships."""
    graph = build_graph(gold_extractions())
    store.write_graph(graph)
    stored = store.to_networkx()
    assert sorted(stored.nodes) == sorted(graph.nodes)
    for node, data in graph.nodes(data=True):
        assert stored.nodes[node] == data, node
    assert sorted(stored.edges(keys=True)) == sorted(graph.edges(keys=True))
    for source, target, key, data in graph.edges(keys=True, data=True):
        assert stored.edges[source, target, key] == data
    rongchang = stored.nodes["Unit:" + gold_extractions()[0].unit_id()]
    assert rongchang["name"] == "重庆市荣昌区社会保险事务中心"
    assert {"荣昌", "荣昌区", "荣昌区社保中心"} <= set(rongchang["aliases"])


def assert_corpus_ingested(store) -> None:
    """Five units, every project line, and one PolicyDocument per 文号 shared across units."""
    rows = {row["unit"]: row for row in store.read(UNIT_PROJECTS, {})}
    assert {unit: row["projects"] for unit, row in rows.items()} == PROJECTS_PER_UNIT
    for unit, total in PROJECT_TOTALS.items():
        assert rows[unit]["amount"] == pytest.approx(total, abs=0.005)
    counts = store.stats()
    assert counts["nodes"]["Unit"] == 5 and counts["nodes"]["Document"] == 5
    assert counts["nodes"]["Project"] == sum(PROJECTS_PER_UNIT.values())

    policy = store.read("MATCH (d:PolicyDocument {doc_no: $doc_no}) RETURN d.doc_no AS doc_no, d.issuer_code AS "
                        "issuer, d.year AS year, d.number AS number", {"doc_no": "渝委办发〔2019〕66号"})
    assert policy == [{"doc_no": "渝委办发〔2019〕66号", "issuer": "渝委办发", "year": 2019, "number": 66}]
    citing = store.read(CITING, {"doc_no": "渝委办发〔2019〕66号"})
    assert {row["unit"] for row in citing} == {"重庆市荣昌区社会保险事务中心", "重庆市綦江区社会保险事务中心"}
    assert {(row["project"], row["amount"]) for row in citing} >= {
        ("国有企业退休人员社会化管理", 130.0), ("2021年国有企业退休人员社会化管理补助资金", 207.0)}

    # gold project lines of 000-002 are stored with their amounts (万元)
    stored = {(row["unit"], row["name"], row["amount"]) for row in store.read(
        "MATCH (u:Unit)-[:RUNS]->(p:Project) RETURN u.name AS unit, p.name AS name, p.amount AS amount", {})}
    for extraction in gold_extractions():
        for project in extraction.projects:
            assert (extraction.unit.name, project.name, project.amount) in stored


def assert_reingest_changes_nothing(store) -> None:
    """Ingesting the same files again leaves every count as it was."""
    before = store.stats()
    ingest_paths([CORPUS], store)
    assert store.stats() == before


def corpus_copy(tmp_path: Path) -> Path:
    """A copy of the corpus folder under ``tmp_path`` (its files can be changed in place)."""
    return Path(shutil.copytree(CORPUS, tmp_path / "corpus-copy"))


def assert_changed_file_replaces_its_facts(store, copies: Path) -> None:
    """A file changed in place replaces that document's projects (no stale rows), and back.

    ``store`` holds the corpus ingested from ``copies`` (``corpus_copy``)."""
    original = CORPUS / "004_db523993c574d7b7.txt"
    changed = copies / original.name
    text = original.read_text(encoding="utf-8")
    assert text.count("\t年金征缴工作经费\t2.50") == 2  # 项目支出预算表 line 451 and 绩效目标表 line 569
    changed.write_text(text.replace("\t年金征缴工作经费\t", "\t职业年金征缴工作经费\t"), encoding="utf-8")
    before = store.stats()

    summary = ingest_paths([changed], store)

    assert summary.ingested == 1 and not summary.skipped
    assert [path for path, _ in summary.replaced] == [str(changed.resolve())]
    projects = {row["name"]: row["amount"] for row in store.read(
        "MATCH (u:Unit {name: $unit})-[:RUNS]->(p:Project) RETURN p.name AS name, p.amount AS amount",
        {"unit": "广元市社会保险事务中心"})}
    assert "年金征缴工作经费" not in projects
    assert projects["职业年金征缴工作经费"] == 2.5
    assert len(projects) == PROJECTS_PER_UNIT["广元市社会保险事务中心"]
    assert store.stats()["nodes"] == before["nodes"]
    files = store.read("MATCH (d:Document {file: $file}) RETURN d.path AS path", {"file": original.name})
    assert files == [{"path": str(changed.resolve())}]

    shutil.copy(original, changed)  # and back: the original facts return
    ingest_paths([changed], store)
    assert store.stats() == before


def assert_query_errors_carry_name_and_params(store) -> None:
    """An engine error becomes StoreQueryFailed naming the query and its parameters."""
    with pytest.raises(StoreQueryFailed) as caught:
        store.read("MATCH (u:Unit) WHERE u.name = $name RETURN u.name AS name ORDER BY", {"name": "荣昌"},
                   name="broken_template")
    assert caught.value.query_name == "broken_template"
    assert caught.value.params == {"name": "荣昌"}
    assert "broken_template" in str(caught.value)


def graph_sets(store) -> tuple[dict, dict]:
    """The stored graph as (node id -> properties, (source, target, type) -> properties), for comparisons."""
    graph = store.to_networkx()
    return ({node: data for node, data in graph.nodes(data=True)},
            {(source, target, key): data for source, target, key, data in graph.edges(keys=True, data=True)})


def assert_groups_written_whole_give_the_from_scratch_graph(open_fresh, tmp_path: Path, monkeypatch) -> None:
    """Adds written with whole relationship groups replaced (``GraphDelta.replaced_relationships``; the size
    threshold lowered so the corpus' rescored PART_OF memberships qualify) leave the graph a from-scratch
    ingest of the same files makes.

    Args:
        open_fresh: ``folder -> store`` context manager opening an empty store of the engine under test.
    """
    import kb.ingest
    import kb.store.delta

    monkeypatch.setattr(kb.store.delta, "REPLACE_MINIMUM", 1)
    monkeypatch.setattr(kb.ingest, "FULL_REWRITE_SHARE", 10.0)  # every add as a delta
    files = sorted(CORPUS.glob("*.txt"))
    replaced = {}
    with open_fresh(tmp_path / "incremental") as store:
        for file in files:
            replaced[file.name] = ingest_paths([file], store).written.get("replaced_relationships", 0)
        incremental = graph_sets(store)
    with open_fresh(tmp_path / "scratch") as store:
        ingest_paths(files, store)
        scratch = graph_sets(store)
    assert sum(replaced.values()) > 0, replaced  # the adds did write groups whole
    assert incremental[0] == scratch[0]
    assert incremental[1].keys() == scratch[1].keys()
    assert incremental[1] == scratch[1]
    parts_of = [key for key in incremental[1] if key[2] == "PART_OF"]
    assert len(parts_of) > 20  # the corpus' programs: the replaced group is there, whole
