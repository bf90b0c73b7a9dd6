"""The embedded store (LadybugDB on disk): schema, round trip, errors, persistence, Chinese text and amounts."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.core.errors import StoreUnavailable
from kb.graph import build_graph
from kb.core.records import Extraction, Project, UnitInfo
from kb.store import open_store
from kb.core.schema import NODE_TABLES, REL_TABLES
from store_contract import assert_graph_round_trip, assert_query_errors_carry_name_and_params, gold_extractions


def test_a_new_store_has_the_whole_schema_and_no_data(store):
    counts = store.stats()
    assert counts == {"nodes": {label: 0 for label in NODE_TABLES},
                      "relationships": {rel_type: 0 for rel_type in REL_TABLES}}
    assert (store.folder / "graph.lbdb").is_file()
    assert store.location.endswith("graph.lbdb")


def test_a_written_graph_reads_back_identical(store):
    assert_graph_round_trip(store)


def test_query_errors_name_the_query_and_params(store):
    assert_query_errors_carry_name_and_params(store)


def test_rows_are_keyed_by_return_aliases(store):
    store.write_graph(build_graph(gold_extractions()))
    rows = store.read("MATCH (u:Unit)-[:HAS_BUDGET]->(b:Budget) WHERE u.name = $unit "
                      "RETURN b.income_total AS income, b.three_public AS three_public, b.carryover AS carryover",
                      {"unit": "重庆市荣昌区社会保险事务中心"})
    assert rows == [{"income": 2235.58, "three_public": 0.9, "carryover": None}]


def test_the_graph_survives_closing_and_reopening(tmp_path):
    with open_store(tmp_path / "db") as first:
        first.write_graph(build_graph(gold_extractions()))
        counts = first.stats()
    with open_store(tmp_path / "db") as again:
        assert again.stats() == counts
        assert counts["nodes"]["Project"] == sum(len(e.projects) for e in gold_extractions())


def test_writes_go_through_parameters(store):
    store.write_graph(build_graph(gold_extractions()))
    store.write("MATCH (d:PolicyDocument {doc_no: $doc_no}) SET d.title = $title",
                {"doc_no": "渝委办发〔2019〕66号", "title": "关于印发《实施方案》的通知"}, name="retitle")
    rows = store.read("MATCH (d:PolicyDocument {doc_no: $doc_no}) RETURN d.title AS title",
                      {"doc_no": "渝委办发〔2019〕66号"})
    assert rows == [{"title": "关于印发《实施方案》的通知"}]


def test_a_reader_sees_a_graph_written_by_another_store(tmp_path):
    with open_store(tmp_path / "db") as reader, open_store(tmp_path / "db") as writer:
        assert reader.stats()["nodes"]["Unit"] == 0
        writer.write_graph(build_graph(gold_extractions()))
        assert reader.stats() == writer.stats()
        assert reader.stats()["nodes"]["Unit"] == 3


def test_a_folder_that_is_a_file_is_unavailable(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(StoreUnavailable, match="not-a-folder"):
        open_store(blocker)


def test_a_damaged_database_file_is_unavailable(tmp_path):
    (tmp_path / "db").mkdir()
    (tmp_path / "db" / "graph.lbdb").write_bytes(b"this is not a LadybugDB database" * 100)
    with pytest.raises(StoreUnavailable, match="graph.lbdb"):
        open_store(tmp_path / "db")


def test_unknown_backend_and_unconfigured_neo4j_are_clear_errors(tmp_path, monkeypatch):
    with pytest.raises(StoreUnavailable, match="未知的后端“sqlite”"):
        open_store(tmp_path / "db", "sqlite")
    monkeypatch.delenv("NEO4J_URI", raising=False)
    with pytest.raises(StoreUnavailable, match="NEO4J_URI"):
        open_store(tmp_path / "db", "neo4j")


CHINESE = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF) | st.sampled_from(list("（）《》〔〕、，“”0123456789 ·")),
                  min_size=1, max_size=30).map(str.strip).filter(bool)
AMOUNTS = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False).map(float)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(unit=CHINESE, projects=st.lists(st.tuples(CHINESE, AMOUNTS | st.none()), min_size=1, max_size=6,
                                        unique_by=lambda pair: pair[0]))
def test_chinese_names_and_amounts_round_trip(store, unit, projects):
    extraction = Extraction(file="文件.txt", unit=UnitInfo(name=unit, year=2026),
                            projects=[Project(name=name, amount=amount) for name, amount in projects])
    store.write_graph(build_graph([extraction]))
    rows = store.read("MATCH (u:Unit)-[:RUNS]->(p:Project) WHERE u.name = $unit "
                      "RETURN p.name AS name, p.amount AS amount", {"unit": unit})
    assert sorted(rows, key=lambda row: row["name"]) == sorted(
        ({"name": name, "amount": amount} for name, amount in projects), key=lambda row: row["name"])


def test_adds_writing_whole_relationship_groups_give_the_from_scratch_graph(tmp_path, monkeypatch):
    from store_contract import assert_groups_written_whole_give_the_from_scratch_graph

    assert_groups_written_whole_give_the_from_scratch_graph(open_store, tmp_path, monkeypatch)
