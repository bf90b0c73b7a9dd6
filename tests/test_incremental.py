"""Incremental ingest on the embedded store: documents added, changed and removed one at a time give the
same graph as a from-scratch ingest of the same files; documents are known by content and path."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import kb.ingest
from kb.ingest import ingest_paths, remove_paths
from kb.store import open_store
from linking.decisions import load_decisions, record_decision
from store_contract import CORPUS

FILES = sorted(path.name for path in CORPUS.glob("*.txt"))
CHANGED = "004_db523993c574d7b7.txt"


def _graph_sets(store) -> tuple[dict, dict]:
    graph = store.to_networkx()
    nodes = {node: data for node, data in graph.nodes(data=True)}
    edges = {(source, target, key): data for source, target, key, data in graph.edges(keys=True, data=True)}
    return nodes, edges


def _change(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count("\t年金征缴工作经费\t2.50") == 2
    path.write_text(text.replace("\t年金征缴工作经费\t", "\t职业年金征缴工作经费\t"), encoding="utf-8")


@pytest.fixture
def always_delta(monkeypatch):
    """Write every change as a delta, however large (the default writes a mostly-new graph whole)."""
    monkeypatch.setattr(kb.ingest, "FULL_REWRITE_SHARE", 10.0)


def test_one_at_a_time_equals_from_scratch_with_decisions_kept(tmp_path, always_delta):
    folder = tmp_path / "files"
    folder.mkdir()
    db = tmp_path / "incremental"
    with open_store(db) as store:
        for name in FILES[:3]:  # three documents added one at a time
            shutil.copy(CORPUS / name, folder)
            summary = ingest_paths([folder / name], store)
            assert summary.ingested == 1 and summary.documents == FILES.index(name) + 1
        first_graph = store.stats()["nodes"]
        assert summary.written["added_nodes"] < sum(first_graph.values())  # a delta, not the whole graph

        members = store.read("MATCH (p:Project)-[:PART_OF]->(g:Program)<-[:PART_OF]-(q:Project) WHERE p.file = $a "
                             "AND q.file = $b RETURN p.project_id AS project, g.program_id AS program "
                             "ORDER BY project, program", {"a": FILES[0], "b": FILES[2]})  # kept to the end
        from linking import member_link_id

        assert members, "the first three corpus documents share programs"
        decided = member_link_id(members[0]["program"], members[0]["project"])
        edge = (f"Project:{members[0]['project']}", f"Program:{members[0]['program']}", "PART_OF")
        record_decision(store, decided, "rejected")

        for name in FILES[3:]:  # the rest, one at a time
            shutil.copy(CORPUS / name, folder)
            assert ingest_paths([folder], store).ingested == 1
            assert _graph_sets(store)[1][edge]["status"] == "rejected"  # the decision holds through deltas
        _change(folder / CHANGED)  # one changed in place
        summary = ingest_paths([folder / CHANGED], store)
        assert summary.replaced and summary.replaced[0][0] == str((folder / CHANGED).resolve())
        removed = folder / FILES[1]
        summary = remove_paths([removed], store)  # one removed
        assert summary.removed == [str(removed.resolve())] and summary.documents == len(FILES) - 1
        removed.unlink()
        assert ingest_paths([folder], store).ingested == 0  # re-ingesting what is stored: a no-op
        incremental = _graph_sets(store)

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    shutil.copy(db / "link_decisions.json", scratch)  # the review decisions travel with the folder
    with open_store(scratch) as store:
        ingest_paths([folder], store)
        from_scratch = _graph_sets(store)
    assert incremental[0].keys() == from_scratch[0].keys()
    assert incremental[0] == from_scratch[0]
    assert incremental[1].keys() == from_scratch[1].keys()
    assert incremental[1] == from_scratch[1]
    projects = {data["name"] for data in incremental[0].values() if data["label"] == "Project"}
    assert "职业年金征缴工作经费" in projects and "年金征缴工作经费" not in projects
    assert load_decisions(db) == {decided: "rejected"}


def test_same_name_different_content_gives_two_documents(store, tmp_path):
    first, second = tmp_path / "a" / "预算公开.txt", tmp_path / "b" / "预算公开.txt"
    for target, source in ((first, FILES[0]), (second, FILES[3])):
        target.parent.mkdir()
        shutil.copy(CORPUS / source, target)

    summary = ingest_paths([first, second], store)

    assert summary.ingested == 2 and summary.documents == 2
    rows = store.read("MATCH (u:Unit)-[:PUBLISHED]->(d:Document {file: $file}) RETURN u.name AS unit, "
                      "d.path AS path ORDER BY unit", {"file": "预算公开.txt"})
    assert rows == [{"unit": "苍溪县社会保险事务中心", "path": str(second.resolve())},
                    {"unit": "重庆市荣昌区社会保险事务中心", "path": str(first.resolve())}]
    copy = tmp_path / "c" / "copy.txt"  # the same bytes from anywhere: nothing to do
    copy.parent.mkdir()
    shutil.copy(first, copy)
    again = ingest_paths([copy, first], store)
    assert (again.ingested, again.unchanged, again.documents) == (0, 2, 2)


def test_removing_what_is_not_stored_is_reported(store, tmp_path):
    ingest_paths([CORPUS / FILES[2]], store)
    summary = remove_paths([tmp_path / "nothing.txt"], store)
    assert summary.removed == [] and summary.skipped[0].path == str(tmp_path / "nothing.txt")
    assert summary.documents == 1


def test_stored_documents_are_linked_and_built_from_their_kept_parts(tmp_path):
    """Adding a document reads each stored document's kept graph part and linking input (``<db>/derived``),
    not its archived record: with the stored records hidden the add still gives the from-scratch graph."""
    from kb.graph import document_part
    from kb.store.derived import DerivedCache
    from linking.inputs import document_input

    folder = tmp_path / "files"
    folder.mkdir()
    db = tmp_path / "incremental"
    for name in FILES[:3]:
        shutil.copy(CORPUS / name, folder)
    with open_store(db) as store:
        ingest_paths([folder], store)
        published = store.published_documents()
        cache = DerivedCache(db)
        for record in store.documents(lines=False):  # each kept entry is what the record gives now
            part, document = cache.get(record.doc_id)
            fresh = document_part(record, store.archive.findings([record.doc_id])[record.doc_id])
            assert (part.nodes, part.edges) == (fresh.nodes, fresh.edges)
            assert document == document_input(record)
            assert [item.searchable for item in document.features] == \
                [item.searchable for item in document_input(record).features]
        hidden = tmp_path / "hidden"
        hidden.mkdir()
        for doc_id in published:  # the stored records unreadable: the next add must not need them
            shutil.copy(db / "documents" / f"{doc_id}.json", hidden)
            (db / "documents" / f"{doc_id}.json").write_text("not a record", encoding="utf-8")
        (db / "documents" / "corpus.pickle").unlink(missing_ok=True)
        shutil.copy(CORPUS / FILES[3], folder)
        summary = ingest_paths([folder / FILES[3]], store)
        assert (summary.ingested, summary.documents) == (1, 4)
        assert summary.written.get("added_nodes", 0) > 0  # written as a delta
        for path in hidden.iterdir():
            shutil.copy(path, db / "documents" / path.name)
        incremental = _graph_sets(store)
        kept = [path.name for path in (db / "derived").iterdir()]  # an entry and linking's input alone per document
        assert sorted({name.split(".")[0] for name in kept}) == sorted(store.published_documents())
        assert len(kept) == 2 * len(store.published_documents())
    with open_store(tmp_path / "scratch") as store:
        ingest_paths([folder], store)
        assert _graph_sets(store) == incremental
