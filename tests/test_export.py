"""Exports of the ingested corpus read back with networkx (and csv) give the store's counts."""

from __future__ import annotations

import csv
import json

import networkx as nx
import pytest

from kb.export import UnknownExportFormat, export_graph


def _totals(store) -> tuple[int, int]:
    counts = store.stats()
    return sum(counts["nodes"].values()), sum(counts["relationships"].values())


def _unit_named(graph, name):
    return next(data for _, data in graph.nodes(data=True) if data.get("label") == "Unit" and data["name"] == name)


def test_graphml_reads_back_with_the_stores_counts(corpus_store, tmp_path):
    path = export_graph(corpus_store, "graphml", tmp_path / "kb.graphml")
    graph = nx.read_graphml(path, force_multigraph=True)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == _totals(corpus_store)
    rongchang = _unit_named(graph, "重庆市荣昌区社会保险事务中心")
    assert {"荣昌", "荣昌区"} <= set(json.loads(rongchang["aliases"]))  # lists travel as JSON text
    amounts = {data["name"]: data.get("amount") for _, data in graph.nodes(data=True) if data["label"] == "Project"}
    assert amounts["社会保险信息网络建设维护费"] == 7.0


def test_gexf_reads_back_with_the_stores_counts(corpus_store, tmp_path):
    path = export_graph(corpus_store, "gexf", tmp_path / "kb.gexf")
    graph = nx.read_gexf(path)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == _totals(corpus_store)
    assert _unit_named(graph, "苍溪县社会保险事务中心")["level"] == "区县级"


def test_json_node_link_reads_back_with_lists_and_nulls(corpus_store, tmp_path):
    path = export_graph(corpus_store, "json", tmp_path / "kb.json")
    graph = nx.node_link_graph(json.loads(path.read_text(encoding="utf-8")), edges="edges")
    assert (graph.number_of_nodes(), graph.number_of_edges()) == _totals(corpus_store)
    assert "綦江" in _unit_named(graph, "重庆市綦江区社会保险事务中心")["aliases"]
    policy = graph.nodes["PolicyDocument:渝委办发〔2019〕66号"]
    assert policy["year"] == 2019 and policy["titles"]


def test_csv_is_in_the_neo4j_admin_import_format(corpus_store, tmp_path):
    folder = export_graph(corpus_store, "csv", tmp_path / "csv")
    counts = corpus_store.stats()
    with (folder / "nodes_Project.csv").open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    assert header[:2] == ["project_id:ID(Project)", ":LABEL"]
    assert "amount:double" in header and "year:long" in header and "notes:string[]" in header
    assert len(rows) - 1 == counts["nodes"]["Project"]
    for label, expected in counts["nodes"].items():
        path = folder / f"nodes_{label}.csv"
        assert (path.exists() and sum(1 for _ in csv.reader(path.open(encoding="utf-8"))) - 1 == expected) or \
            (expected == 0 and not path.exists())
    with (folder / "relationships_CITES.csv").open(encoding="utf-8") as handle:
        cites = list(csv.reader(handle))
    assert cites[0] == [":START_ID(Project)", ":END_ID(PolicyDocument)", ":TYPE", "role", "line:long"]
    assert len(cites) - 1 == counts["relationships"]["CITES"]
    written = sum(sum(1 for _ in csv.reader(path.open(encoding="utf-8"))) - 1
                  for path in folder.glob("relationships_*.csv"))
    assert written == sum(counts["relationships"].values())
    script = (folder / "import.sh").read_text(encoding="utf-8")
    assert "neo4j-admin database import full" in script and "--nodes=nodes_Unit.csv" in script


def test_an_unknown_format_is_a_clear_error(corpus_store, tmp_path):
    with pytest.raises(UnknownExportFormat, match="未知的导出格式“xlsx”"):
        export_graph(corpus_store, "xlsx", tmp_path / "kb.xlsx")
