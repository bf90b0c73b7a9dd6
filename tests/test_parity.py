"""Parity: the embedded store (LadybugDB) and Neo4j give the same answers on the same corpus.

The five corpus documents are ingested into both engines, and the two graphs read back are identical; then
every question of the question set
(tests/data/questions/questions.jsonl and its conversations when present, ../shared/questions.json and every
template's example questions) is asked of both, and ``kb links``, ``kb check``, ``kb stats`` and the four
exports are run on both through the CLI. Answers must match field for field (amounts compared to 1e-6
万元, since the engines add in different orders; the order of ``collect()`` lists, which Cypher leaves to
the engine, set aside); exports must hold the same nodes, relationships and
properties (the engines return rows in different orders, so files are compared as parsed sets).
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from kb.core.errors import KBError
from kb.ingest import ingest_paths
from kb.query.ask import ask
from kb.query.templates import load_registry
from kb.store import open_store
from neo4j_support import MARKS, REPO, open_empty_neo4j_store
from store_contract import CORPUS, SHARED

pytestmark = MARKS
QUESTION_SET = REPO / "tests" / "data" / "questions" / "questions.jsonl"
CONVERSATIONS = REPO / "tests" / "data" / "questions" / "conversations.jsonl"


def questions() -> list[str]:
    """Every question to compare: the question set when present, ../shared/questions.json, template examples."""
    asked = [entry["question"] for entry in json.loads((SHARED / "questions.json").read_text(encoding="utf-8"))]
    if QUESTION_SET.exists():
        asked += [json.loads(line)["question"] for line in QUESTION_SET.read_text(encoding="utf-8").splitlines()
                  if line.strip()]
    asked += [example for template in load_registry() for example in template.examples]
    return list(dict.fromkeys(asked))


def conversations() -> list[list[str]]:
    """The follow-up conversations of the question set (each a list of questions), when present."""
    if not CONVERSATIONS.exists():
        return []
    return [[turn["question"] for turn in json.loads(line)["turns"]]
            for line in CONVERSATIONS.read_text(encoding="utf-8").splitlines() if line.strip()]


def canonical(value):
    """``value`` with floats rounded to 6 decimals (sums differ in the last bits between engines)."""
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {key: canonical(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [canonical(item) for item in value]
    return value


def _sorted(values: list) -> list:
    return sorted(values, key=lambda item: json.dumps(item, ensure_ascii=False, sort_keys=True))


def comparable(answer: dict) -> dict:
    """``answer`` with the lists whose order Cypher leaves to the engine put in one order: the lists inside
    result cells (``collect()``, whose order neither engine defines) and the answer's sources (gathered from
    them). The rows keep their order: each template orders them."""
    if "rows" not in answer:
        return answer
    rows = [{column: _sorted(value) if isinstance(value, list) else value for column, value in row.items()}
            for row in answer["rows"]]
    return {**answer, "rows": rows, "sources": _sorted(answer["sources"])}


def answer_of(store, question: str, previous=None):
    """(canonical answer dict, Answer) — or the error's type and message when the question is refused."""
    try:
        answer = ask(store, question, previous)
    except KBError as error:
        return {"error": type(error).__name__, "message": str(error)}, None
    return canonical(answer.to_dict()), answer


@pytest.fixture(scope="module")
def stores(tmp_path_factory, make_corpus_folder):
    """The corpus ingested into a fresh embedded store (a copy of the session's ingested corpus, conftest) and
    into the emptied Neo4j database."""
    folder = tmp_path_factory.mktemp("parity")
    with open_store(make_corpus_folder("parity-embedded"), "embedded") as embedded, \
            open_empty_neo4j_store(folder / "neo4j") as neo4j_store:
        ingest_paths([CORPUS], neo4j_store)
        yield {"embedded": embedded, "neo4j": neo4j_store}


def test_both_stores_hold_the_same_graph(stores):
    graphs = {name: store.to_networkx() for name, store in stores.items()}
    assert _graph_content(graphs["embedded"]) == _graph_content(graphs["neo4j"])
    assert graphs["neo4j"].number_of_nodes() == sum(stores["neo4j"].stats()["nodes"].values()) > 52


def test_every_question_gets_the_same_answer_on_both_stores(stores):
    asked = questions()
    assert len(asked) >= 20 + 3 * len(load_registry())
    differences = []
    answered = 0
    for question in asked:
        embedded, answer = answer_of(stores["embedded"], question)
        neo4j, _ = answer_of(stores["neo4j"], question)
        answered += answer is not None and bool(answer.rows)
        if comparable(embedded) != comparable(neo4j):
            differences.append((question, embedded, neo4j))
    print(f"\n{len(asked)} questions, {answered} answered with rows on the embedded store, "
          f"{len(differences)} differ on Neo4j")
    assert not differences, json.dumps(differences[:3], ensure_ascii=False, indent=1)
    assert answered >= len(asked) // 2


def test_every_conversation_gets_the_same_answers_on_both_stores(stores):
    differences = []
    for turns in conversations():
        previous = {"embedded": None, "neo4j": None}
        for question in turns:
            results = {}
            for name, store in stores.items():
                results[name], previous[name] = answer_of(store, question, previous[name])
            if comparable(results["embedded"]) != comparable(results["neo4j"]):
                differences.append((question, results["embedded"], results["neo4j"]))
    assert not differences, json.dumps(differences[:3], ensure_ascii=False, indent=1)


def kb(store, *args: str) -> subprocess.CompletedProcess:
    """Run the ``kb`` CLI on ``store``'s folder and engine."""
    command = [sys.executable, "-m", "kb.cli", *args, "--db", str(store.folder), "--backend", store.backend]
    result = subprocess.run(command, env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.parametrize("command", [["links", "--json"], ["check", "--json"], ["stats", "--json"]])
def test_links_check_and_stats_are_the_same_on_both_stores(stores, command):
    outputs = {name: canonical(json.loads(kb(store, *command).stdout)) for name, store in stores.items()}
    assert outputs["embedded"] == outputs["neo4j"]
    if command[0] == "links":
        cited = {entry["doc_no"]: {row["unit"] for row in entry["cited_by"]}
                 for entry in outputs["neo4j"]["policy_documents"]}
        assert cited["渝委办发〔2019〕66号"] == {"重庆市荣昌区社会保险事务中心", "重庆市綦江区社会保险事务中心"}
    if command[0] == "stats":
        assert outputs["neo4j"]["nodes"]["Project"] == 52


def _graph_content(graph: nx.MultiDiGraph) -> tuple:
    nodes = sorted(json.dumps([node, canonical(data)], ensure_ascii=False, sort_keys=True)
                   for node, data in graph.nodes(data=True))
    triples = graph.edges(keys=True, data=True) if graph.is_multigraph() else \
        ((source, target, None, data) for source, target, data in graph.edges(data=True))  # GEXF reads as DiGraph
    edges = sorted(json.dumps([source, target, key, canonical(data)], ensure_ascii=False, sort_keys=True)
                   for source, target, key, data in triples)
    return nodes, edges


def _read_export(fmt: str, path: Path):
    if fmt == "graphml":
        return _graph_content(nx.read_graphml(path, force_multigraph=True))
    if fmt == "gexf":
        graph = nx.read_gexf(path)
        for _, _, data in graph.edges(data=True):
            data.pop("id", None)  # GEXF numbers edges in the order they were written
        return _graph_content(graph)
    if fmt == "json":
        return _graph_content(nx.node_link_graph(json.loads(path.read_text(encoding="utf-8")), edges="edges"))
    tables = {}
    for table in sorted(path.glob("*.csv")):
        with table.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        tables[table.name] = (rows[0], sorted(rows[1:]))
    return tables, (path / "import.sh").read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "csv"])
def test_exports_hold_the_same_graph_on_both_stores(stores, tmp_path, fmt):
    contents = {}
    for name, store in stores.items():
        out = tmp_path / f"{name}.{fmt}" if fmt != "csv" else tmp_path / f"{name}-csv"
        kb(store, "export", "--format", fmt, "--out", str(out))
        contents[name] = _read_export(fmt, out)
    assert contents["embedded"] == contents["neo4j"]
    if fmt == "csv":
        assert len(contents["neo4j"][0]["nodes_Project.csv"][1]) == 52
