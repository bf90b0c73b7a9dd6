"""Exports that content cannot break: a store holding NUL and other control characters (a text with them
after its first 64 KB, ingested) exports to GraphML, GEXF, JSON and CSV that read back with networkx / csv,
relationship types included (GEXF carries them as ``rel_type``); files are replaced atomically."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from collections import Counter
from pathlib import Path

import networkx as nx
import pytest

import hostile_files as hostile
from kb.export import ExportNotWritten, export_graph, xml_text

REPO = Path(__file__).resolve().parents[1]


def _cleaned(name: str) -> str:
    """The hostile project name as XML can hold it: NUL, SOH, VT and ESC gone, DEL (allowed in XML 1.0) kept."""
    return name[:2] + name[2:4] + "[31m" + name[4:] + "\x7f"


@pytest.fixture(scope="module")
def control_store(tmp_path_factory):
    """(db folder, original project name, name with control characters): 004 with NUL, SOH, VT, ESC and DEL
    in a project name after the first 64 KB, ingested by ``kb ingest`` (lexical embeddings: linking is not
    under test)."""
    folder = tmp_path_factory.mktemp("control")
    path, name, hostile_name = hostile.control_text(folder / "广元 control.txt")
    db = folder / "kb-data"
    run = subprocess.run([sys.executable, "-m", "kb.cli", "ingest", str(path), "--db", str(db)], capture_output=True,
                         text=True, timeout=300, cwd=REPO,
                         env={**os.environ, "HF_HUB_OFFLINE": "1", "KB_EMBEDDING_MODEL": "lexical"})
    assert run.returncode == 0 and "导入 1 个文件，跳过 0 个" in run.stdout, run.stdout + run.stderr
    from kb.store import open_store

    with open_store(db, "embedded") as store:
        stored = store.read("MATCH (p:Project) WHERE p.name = $name RETURN p.name AS name", {"name": hostile_name})
        assert stored == [{"name": hostile_name}]  # the control characters really are in the store
        yield store, name, hostile_name


def _expected(store) -> tuple[int, int, Counter]:
    counts = store.stats()
    types = Counter({rel_type: n for rel_type, n in counts["relationships"].items() if n})
    return sum(counts["nodes"].values()), sum(counts["relationships"].values()), types


def test_graphml_reads_back_without_the_control_characters(control_store, tmp_path):
    store, name, _hostile_name = control_store
    path = export_graph(store, "graphml", tmp_path / "kb.graphml")
    graph = nx.read_graphml(path, force_multigraph=True)
    nodes, edges, types = _expected(store)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (nodes, edges)
    assert Counter(data["type"] for _, _, data in graph.edges(data=True)) == types
    names = {data.get("name") for _, data in graph.nodes(data=True) if data.get("label") == "Project"}
    assert _cleaned(name) in names  # NUL, SOH, VT and ESC removed; the rest kept


def test_gexf_is_well_formed_and_keeps_relationship_types(control_store, tmp_path):
    store, name, _hostile_name = control_store
    path = export_graph(store, "gexf", tmp_path / "kb.gexf")
    ElementTree.parse(path)  # well-formed XML
    graph = nx.read_gexf(path)
    nodes, edges, types = _expected(store)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (nodes, edges)
    assert Counter(data["rel_type"] for _, _, data in graph.edges(data=True)) == types
    assert types["CITES"] > 0 and types["RUNS"] == 7


def test_json_keeps_the_text_exactly(control_store, tmp_path):
    store, _name, hostile_name = control_store
    path = export_graph(store, "json", tmp_path / "kb.json")
    graph = nx.node_link_graph(json.loads(path.read_text(encoding="utf-8")), edges="edges")
    nodes, edges, types = _expected(store)
    assert (graph.number_of_nodes(), graph.number_of_edges()) == (nodes, edges)
    assert Counter(data["type"] for _, _, data in graph.edges(data=True)) == types
    assert hostile_name in {data.get("name") for _, data in graph.nodes(data=True)}


def test_csv_reads_back_row_for_row(control_store, tmp_path):
    store, name, _hostile_name = control_store
    folder = export_graph(store, "csv", tmp_path / "csv")
    with (folder / "nodes_Project.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == store.stats()["nodes"]["Project"] == 7
    assert _cleaned(name) in {row["name"] for row in rows}
    assert not any(xml_text(value) != value for row in rows for value in row.values())


def test_a_failed_export_leaves_the_previous_file_and_no_partial_one(control_store, tmp_path):
    store, _name, _hostile_name = control_store
    out = tmp_path / "kb.gexf"
    export_graph(store, "gexf", out)
    before = out.read_bytes()
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(ExportNotWritten, match="无法写入导出文件"):
        export_graph(store, "gexf", blocker / "kb.gexf")
    export_graph(store, "graphml", tmp_path / "kb.graphml")
    assert out.read_bytes() == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["kb.gexf", "kb.graphml", "not-a-folder"]
