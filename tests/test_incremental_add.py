"""Adding documents by the kept document layer (``kb.store.layer``, ``kb.ingest_delta``): the delta computed
from what the new documents touch gives the graph a from-scratch ingest gives, whatever the new document's
place in the merge order; a small text is parsed in this process, under the same limits."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import kb.ingest
from kb.core.errors import ParseTimeout
from kb.ingest import ingest_paths
from kb.isolation import in_process_allowed, parse_files, parse_in_process
from kb.store import open_store
from kb.store.derived import DerivedCache
from kb.store.layer import LAYER_FILE, DocumentLayer
from loaders.limits import Limits
from store_contract import CORPUS

FILES = sorted(path.name for path in CORPUS.glob("*.txt"))


def _graph_sets(store) -> tuple[dict, dict]:
    graph = store.to_networkx()
    return ({node: data for node, data in graph.nodes(data=True)},
            {(source, target, key): data for source, target, key, data in graph.edges(keys=True, data=True)})


@pytest.fixture
def always_delta(monkeypatch):
    """Write every change as a delta (a small store's add otherwise rewrites the graph whole)."""
    monkeypatch.setattr(kb.ingest, "FULL_REWRITE_SHARE", 10.0)


def test_adds_by_the_layer_equal_a_from_scratch_ingest(tmp_path, always_delta):
    """The last two files first, then the first three one at a time: each of those sorts before the stored ones,
    so shared subjects, units and 文件 take their values from the new document (its provenance is earlier)."""
    folder = tmp_path / "files"
    folder.mkdir()
    for name in FILES:
        shutil.copy(CORPUS / name, folder)
    db = tmp_path / "incremental"
    with open_store(db) as store:
        first = ingest_paths([folder / name for name in FILES[3:]], store)
        assert "build" in first.stages  # the whole corpus merged: the layer written beside the graph
        layer = DocumentLayer(db)
        assert layer.generation() == store.meta()["generation"]
        layer.close()
        for name in reversed(FILES[:3]):
            summary = ingest_paths([folder / name], store)
            assert summary.ingested == 1 and "build" not in summary.stages  # added by the layer
            assert summary.documents == len(FILES) - FILES.index(name)
            assert summary.nodes == sum(store.stats()["nodes"].values())
        incremental = _graph_sets(store)

    with open_store(tmp_path / "scratch") as store:
        ingest_paths([folder], store)
        from_scratch = _graph_sets(store)
    assert incremental[0].keys() == from_scratch[0].keys()
    assert incremental[0] == from_scratch[0]
    assert incremental[1].keys() == from_scratch[1].keys()
    assert incremental[1] == from_scratch[1]
    subject = incremental[0]["Subject:function:20801"]  # named by several documents: the first in order wins
    assert subject["name"] == from_scratch[0]["Subject:function:20801"]["name"]


def test_a_stale_layer_is_not_trusted(tmp_path, always_delta):
    """A layer of another generation (a crash between the graph write and the layer's) makes the add merge
    the whole corpus again, and the layer is written anew."""
    db = tmp_path / "db"
    with open_store(db) as store:
        ingest_paths([CORPUS / FILES[0]], store)
        layer = DocumentLayer(db)
        layer._connect().execute("UPDATE meta SET value = 'elsewhere' WHERE name = 'generation'")
        layer._connect().commit()
        layer.close()
        summary = ingest_paths([CORPUS / FILES[1]], store)
        assert "build" in summary.stages
        layer = DocumentLayer(db)
        assert layer.generation() == store.meta()["generation"]
        assert len(layer.ids_of("Document")) == 2
        layer.close()
    (db / LAYER_FILE).write_bytes(b"not a database")
    assert DocumentLayer(db).generation() == ""


def test_linking_input_is_kept_apart_and_rebuilt_from_an_older_entry(tmp_path):
    db = tmp_path / "db"
    with open_store(db) as store:
        ingest_paths([CORPUS / FILES[2]], store)
        (doc_id,) = store.published_documents()
    cache = DerivedCache(db)
    alone = cache.get_input(doc_id)
    assert alone == cache.get(doc_id)[1] and alone.file == FILES[2]
    (db / "derived" / f"{doc_id}.input.pickle").unlink()  # as an older budget-kb left it
    assert cache.get_input(doc_id) == alone
    assert (db / "derived" / f"{doc_id}.input.pickle").is_file()


def test_a_small_text_is_parsed_in_process_like_a_worker_does():
    path = CORPUS / FILES[0]
    assert in_process_allowed([path])
    assert not in_process_allowed([CORPUS / name for name in FILES[:3]])  # more files: workers
    [(_, here)] = list(parse_in_process([path]))
    [(_, there)] = list(parse_files([path]))
    assert here.unit.name == there.unit.name == "重庆市荣昌区社会保险事务中心"
    assert [project.name for project in here.projects] == [project.name for project in there.projects]
    assert here.totals.income_total == there.totals.income_total


def test_the_time_limit_holds_in_process():
    path = CORPUS / FILES[0]
    [(_, result)] = list(parse_in_process([path], Limits(timeout_seconds=0.001)))
    assert isinstance(result, ParseTimeout)
    assert "解析超时" in str(result)


def test_an_unreadable_path_is_not_parsed_in_process(tmp_path):
    assert not in_process_allowed([tmp_path / "missing.txt"])
    big = tmp_path / "big.txt"
    big.write_bytes(Path(CORPUS / FILES[0]).read_bytes() * 20)  # over IN_PROCESS_MAX_BYTES
    assert not in_process_allowed([big])
