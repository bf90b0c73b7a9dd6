"""The same store contract on a live Neo4j server (NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE).

Runs only when NEO4J_URI is set, e.g. against `docker run -p7687:7687 -e NEO4J_AUTH=neo4j/budget-kb-secret neo4j:5`.
It replaces the budget-kb graph in that database: point it at a scratch database.
"""

from __future__ import annotations

import os

import pytest

from kb.ingest import ingest_paths
from kb.store import open_store
from store_contract import (CORPUS, assert_changed_file_replaces_its_facts, assert_corpus_ingested,
                            assert_graph_round_trip, assert_query_errors_carry_name_and_params,
                            assert_reingest_changes_nothing, corpus_copy)

pytestmark = [pytest.mark.neo4j,
              pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason="NEO4J_URI is not set (no Neo4j server)")]


@pytest.fixture
def neo4j_store(tmp_path):
    with open_store(tmp_path / "kb-data", "neo4j") as opened:
        yield opened


def test_a_written_graph_reads_back_identical(neo4j_store):
    assert_graph_round_trip(neo4j_store)


def test_query_errors_name_the_query_and_params(neo4j_store):
    assert_query_errors_carry_name_and_params(neo4j_store)


def test_the_corpus_ingests_and_reingests_identically(neo4j_store):
    ingest_paths([CORPUS], neo4j_store)
    assert_corpus_ingested(neo4j_store)
    assert_reingest_changes_nothing(neo4j_store)


def test_a_changed_file_replaces_that_documents_facts(neo4j_store, tmp_path):
    copies = corpus_copy(tmp_path)
    ingest_paths([copies], neo4j_store)
    assert_changed_file_replaces_its_facts(neo4j_store, copies)


def test_every_key_has_a_uniqueness_constraint(neo4j_store):
    rows = neo4j_store.read("SHOW CONSTRAINTS YIELD name, labelsOrTypes, properties, type "
                            "RETURN labelsOrTypes[0] AS label, properties[0] AS key, type", {})
    keys = {(row["label"], row["key"]) for row in rows if row["type"] == "UNIQUENESS"}
    from kb.core.schema import NODE_TABLES
    assert {(table.label, table.key) for table in NODE_TABLES.values()} <= keys
