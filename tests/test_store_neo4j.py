"""The store contract on a live Neo4j 5 server, and what only Neo4j does: constraints and the full-text
index, writes of the difference only (``kb export --format csv`` loaded by neo4j-admin: test_store_neo4j_csv.py).

``make test`` starts the server (tools/neo4j, on free ports) and sets NEO4J_URI; see tests/neo4j_support.py.
Every test starts from an empty budget-kb graph in that server's ``neo4j`` database.
"""

from __future__ import annotations

from kb.graph import build_graph
from kb.ingest import ingest_paths
from kb.core.schema import NODE_TABLES
from kb.store.delta import graph_delta, index_graph
from kb.store.neo4j_store import FULLTEXT_INDEX
from neo4j_support import MARKS, open_empty_neo4j_store
from store_contract import (CORPUS, assert_changed_file_replaces_its_facts, assert_corpus_ingested,
                            assert_graph_round_trip, assert_query_errors_carry_name_and_params,
                            assert_reingest_changes_nothing, corpus_copy, gold_extractions)

pytestmark = MARKS


def test_a_written_graph_reads_back_identical(neo4j_store):
    assert_graph_round_trip(neo4j_store)


def test_query_errors_name_the_query_and_params(neo4j_store):
    assert_query_errors_carry_name_and_params(neo4j_store)


def test_the_corpus_ingests_and_reingests_identically_and_the_fulltext_index_finds_names(neo4j_store):
    """One ingest of the corpus (each costs seconds of the server's CPU) for what reads it: the contract's
    counts, a re-ingest that changes nothing, and the full-text index finding units and projects by words."""
    ingest_paths([CORPUS], neo4j_store)
    assert_corpus_ingested(neo4j_store)
    assert_reingest_changes_nothing(neo4j_store)
    units = neo4j_store.search_names("荣昌 社会保险", label="Unit", limit=3)
    assert units[0] == {"label": "Unit", "name": "重庆市荣昌区社会保险事务中心", "score": units[0]["score"]}
    projects = {row["name"] for row in neo4j_store.search_names("退休人员社会化管理", label="Project", limit=10)}
    assert {"国有企业退休人员社会化管理", "2021年国有企业退休人员社会化管理补助资金"} <= projects
    assert neo4j_store.search_names('渝委办发〔2019〕66号 "(', label="PolicyDocument", limit=5) is not None


def test_every_key_has_a_uniqueness_constraint_and_names_a_fulltext_index(neo4j_store):
    rows = neo4j_store.read("SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties, type "
                            "RETURN labelsOrTypes[0] AS label, properties[0] AS key, type", {})
    keys = {(row["label"], row["key"]) for row in rows if row["type"] == "UNIQUENESS"}
    assert {(table.label, table.key) for table in NODE_TABLES.values()} <= keys
    index = neo4j_store.read("SHOW FULLTEXT INDEXES YIELD name, labelsOrTypes, properties, state "
                             "WHERE name = $name RETURN labelsOrTypes AS labels, properties, state",
                             {"name": FULLTEXT_INDEX})
    assert index and index[0]["state"] == "ONLINE"
    assert {"Unit", "Project", "PolicyDocument", "Program"} <= set(index[0]["labels"])
    assert set(index[0]["properties"]) == {"name", "title"}


def test_opening_again_creates_no_schema(neo4j_store, tmp_path):
    """Constraints and indexes are created once: a second open finds them and adds none."""
    before = neo4j_store.read("SHOW INDEXES YIELD name, createStatement RETURN name, createStatement ORDER BY name", {})
    with open_empty_neo4j_store(tmp_path / "again") as again:
        after = again.read("SHOW INDEXES YIELD name, createStatement RETURN name, createStatement ORDER BY name", {})
    assert after == before
    assert len([row for row in after if row["name"].endswith("_key")]) == len(NODE_TABLES)


def test_a_changed_document_replaces_its_facts_and_rewrites_only_its_own_nodes(neo4j_store, tmp_path):
    """One ingest of a corpus copy for both: the contract (a file changed in place replaces that document's
    facts, and back), then writes are the difference: the renamed project line of 004 is replaced, and the
    51 other project nodes keep their Neo4j element ids (nothing deleted and recreated)."""
    copies = corpus_copy(tmp_path)  # documents are known by content and path: change the file in place
    ingest_paths([copies], neo4j_store)
    assert_changed_file_replaces_its_facts(neo4j_store, copies)  # ends with 004 as it was
    identity = ("MATCH (u:Unit)-[:RUNS]->(p:Project) RETURN u.name AS unit, p.project_id AS project, "
                "p.name AS name, elementId(p) AS element ORDER BY project")
    before = {row["project"]: row for row in neo4j_store.read(identity, {})}
    changed = copies / "004_db523993c574d7b7.txt"  # 项目支出预算表 line 451: 年金征缴工作经费 2.50
    changed.write_text(changed.read_text(encoding="utf-8").replace("\t年金征缴工作经费\t", "\t职业年金征缴工作经费\t"),
                       encoding="utf-8")
    assert ingest_paths([changed], neo4j_store).ingested == 1
    after = {row["project"]: row for row in neo4j_store.read(identity, {})}
    gone, new = set(before) - set(after), set(after) - set(before)
    assert [before[p]["name"] for p in gone] == ["年金征缴工作经费"]
    assert [(after[p]["name"], after[p]["unit"]) for p in new] == [("职业年金征缴工作经费", "广元市社会保险事务中心")]
    kept = set(before) & set(after)
    assert len(kept) == 51
    assert {p: after[p]["element"] for p in kept} == {p: before[p]["element"] for p in kept}


def test_the_delta_of_an_unchanged_graph_is_empty_and_metadata_is_kept(neo4j_store):
    graph = build_graph(gold_extractions())
    neo4j_store._replace_graph(graph, {"schema_version": "2", "generation": "g-test"})
    assert graph_delta(index_graph(neo4j_store.to_networkx()), graph).size() == 0
    assert neo4j_store._read_meta() == {"schema_version": "2", "generation": "g-test"}
    counts = neo4j_store.stats()
    assert counts["nodes"]["Document"] == 3 and counts["nodes"]["Unit"] == 3


def test_adds_writing_whole_relationship_groups_give_the_from_scratch_graph(tmp_path, monkeypatch):
    from store_contract import assert_groups_written_whole_give_the_from_scratch_graph

    assert_groups_written_whole_give_the_from_scratch_graph(open_empty_neo4j_store, tmp_path, monkeypatch)
