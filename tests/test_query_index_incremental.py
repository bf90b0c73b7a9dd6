"""The question index updated per changed document equals the one built from scratch: documents added, changed
and removed one at a time on the embedded store; after each change the kept vocabulary rows are brought up to
date from the changed documents' kept parts (``kb.query.index_rows``) and the vocabulary and gazetteer built
from them (with the memo of earlier builds) are compared with a from-scratch read and build."""

from __future__ import annotations

import dataclasses
import shutil

from kb.ingest import ingest_paths, remove_paths
from kb.query.gazetteer import Gazetteer
from kb.query.index_rows import _updated, load_rows, read_rows
from kb.query.vocabulary import fingerprint, vocabulary, vocabulary_from_rows
from kb.store import open_store
from store_contract import CORPUS

FILES = sorted(path.name for path in CORPUS.glob("*.txt"))
CHANGED = "004_db523993c574d7b7.txt"


def _vocabulary_fields(vocab) -> dict:
    return {item.name: getattr(vocab, item.name) for item in dataclasses.fields(vocab) if item.name != "cache"}


def _gazetteer_fields(gazetteer: Gazetteer) -> tuple:
    return (gazetteer.entries, gazetteer.project_texts, gazetteer.places, gazetteer.syllables,
            gazetteer.second_syllables, gazetteer._pinyin_surfaces)


def _assert_updated_equals_scratch(store, kept) -> None:
    """The rows kept before the change, updated by key, equal a from-scratch read; so do vocabulary and
    gazetteer (the real path: ``vocabulary(store, incremental=True)`` with its memo, against a build with no memo)."""
    published = list(store.published_documents())
    updated = _updated(store, kept, published)
    assert updated is not None, "the change was applied per document, not read again whole"
    scratch = read_rows(store)
    assert updated.nodes == scratch.nodes and updated.runs == scratch.runs
    assert updated.documents == scratch.documents and set(updated.documents) == set(published)
    incremental = vocabulary(store, incremental=True)
    rebuilt = vocabulary_from_rows(scratch)
    rebuilt.fingerprint = fingerprint(store)
    assert _vocabulary_fields(incremental) == _vocabulary_fields(rebuilt)
    assert _gazetteer_fields(incremental.cache["gazetteer"]) == _gazetteer_fields(Gazetteer.build(rebuilt))


def test_index_updated_one_document_at_a_time_equals_from_scratch(tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    with open_store(tmp_path / "db") as store:
        shutil.copy(CORPUS / FILES[0], folder)
        ingest_paths([folder], store)
        first = vocabulary(store, incremental=True)  # no rows kept yet: read whole, then kept
        assert list(first.units) == ["重庆市荣昌区社会保险事务中心"]
        for name in FILES[1:]:  # added one at a time
            kept = load_rows(store)
            shutil.copy(CORPUS / name, folder)
            assert ingest_paths([folder], store).ingested == 1
            _assert_updated_equals_scratch(store, kept)
        assert "苍溪县社会保险事务中心" in vocabulary(store, incremental=True).units

        kept = load_rows(store)  # one changed in place: its project renamed
        path = folder / CHANGED
        text = path.read_text(encoding="utf-8")
        assert text.count("\t年金征缴工作经费\t2.50") == 2
        path.write_text(text.replace("\t年金征缴工作经费\t", "\t职业年金征缴工作经费\t"), encoding="utf-8")
        assert ingest_paths([path], store).replaced
        _assert_updated_equals_scratch(store, kept)
        names = set(vocabulary(store, incremental=True).project_names())
        assert "职业年金征缴工作经费" in names and "年金征缴工作经费" not in names

        kept = load_rows(store)  # one removed: its unit's names leave the index
        removed = vocabulary(store, incremental=True).documents.keys() - {FILES[0]}
        gone = sorted(removed)[0]
        unit_before = set(vocabulary(store, incremental=True).units)
        assert remove_paths([folder / gone], store).removed
        _assert_updated_equals_scratch(store, kept)
        after = vocabulary(store, incremental=True)
        assert gone not in after.documents and len(after.documents) == len(FILES) - 1
        assert set(after.units) <= unit_before
