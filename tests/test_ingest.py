"""Ingest of the real corpus: counts, upsert, changed files, bad files, and a process killed mid-way."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from kb.ingest import ingest_paths
from kb.store import open_store
from crash_points import kb_killed_before_swap
from store_contract import (CORPUS, assert_changed_file_replaces_its_facts, assert_corpus_ingested,
                            assert_reingest_changes_nothing, corpus_copy)


def _kb(*args: str) -> list[str]:
    return [sys.executable, "-m", "kb.cli", *args]


def _kb_stats(db: Path) -> dict:
    done = subprocess.run(_kb("stats", "--db", str(db), "--json"), capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_the_corpus_gives_five_units_every_project_and_shared_policies(corpus_store):
    assert_corpus_ingested(corpus_store)


def test_ingesting_twice_gives_identical_kb_stats(tmp_path):
    db = tmp_path / "kb-data"
    first = subprocess.run(_kb("ingest", str(CORPUS), "--db", str(db)), capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    assert "导入 5 个文件，跳过 0 个" in first.stdout
    counts = _kb_stats(db)
    subprocess.run(_kb("ingest", str(CORPUS), "--db", str(db)), capture_output=True, text=True, check=True)
    assert _kb_stats(db) == counts
    assert counts["nodes"]["Unit"] == 5


def test_reingest_in_process_changes_no_count(make_corpus_folder):
    with open_store(make_corpus_folder("reingest")) as store:  # ingest_paths([CORPUS]) once in this session
        assert_reingest_changes_nothing(store)


def test_a_changed_file_replaces_that_documents_facts(store, tmp_path):
    copies = corpus_copy(tmp_path)
    ingest_paths([copies], store)
    assert_changed_file_replaces_its_facts(store, copies)


def test_bad_files_are_reported_and_skipped(store, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    shutil.copy(CORPUS / "002_e9a684c38e2f8a64.txt", folder)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "table.xlsx").write_bytes(b"PK\x03\x04 truncated zip")
    progress = []

    summary = ingest_paths([folder, tmp_path / "missing.txt"], store,
                           on_progress=lambda done, total, what: progress.append((done, total, what)))

    assert summary.ingested == 1
    assert {Path(item.path).name for item in summary.skipped} == {"empty.txt", "table.xlsx", "missing.txt"}
    assert all(item.reason and "\n" not in item.reason for item in summary.skipped)
    assert (3, 3, "table.xlsx") in progress
    units = store.read("MATCH (u:Unit) RETURN u.name AS name", {})
    assert units == [{"name": "重庆市万盛经济技术开发区社会保险事务中心"}]


def test_a_bad_file_alone_loses_nothing_stored_and_exits_non_zero(tmp_path):
    db = tmp_path / "kb-data"
    subprocess.run(_kb("ingest", str(CORPUS / "001_f91b7b473888f42b.txt"), "--db", str(db)), check=True,
                   capture_output=True)
    counts = _kb_stats(db)
    bad = tmp_path / "binary.txt"
    bad.write_bytes(bytes(range(256)) * 8)
    done = subprocess.run(_kb("ingest", str(bad), "--db", str(db)), capture_output=True, text=True)
    assert done.returncode == 1
    assert f"跳过 {bad}：" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr
    assert _kb_stats(db) == counts


def _kill_during_ingest(db: Path, trigger) -> None:
    """Start `kb ingest CORPUS`, SIGKILL it when ``trigger()`` becomes true (or when it ends on its own)."""
    process = subprocess.Popen(_kb("ingest", str(CORPUS), "--db", str(db)), stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    while process.poll() is None and not trigger():
        time.sleep(0.001)
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()


def test_a_killed_ingest_leaves_a_consistent_store_and_a_rerun_completes(tmp_path, make_corpus_folder):
    with open_store(make_corpus_folder("clean")) as store:  # the corpus ingested once in this session
        full = store.stats()

    db = tmp_path / "kb-data"
    first = tmp_path / "first"
    first.mkdir()
    for name in ("000_7c3d463bfeea7d61.txt", "001_f91b7b473888f42b.txt"):
        shutil.copy(CORPUS / name, first)
    with open_store(db) as store:
        ingest_paths([first], store)
        partial = store.stats()
    assert partial != full

    # the new graph written in full and not yet swapped in: a kill there on any machine, however fast
    killed = kb_killed_before_swap("ingest", str(CORPUS), "--db", str(db))
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert list(db.glob("graph.lbdb.building-*"))
    with open_store(db) as store:
        assert store.stats() == partial
    started = time.monotonic()
    _kill_during_ingest(db, lambda: time.monotonic() - started > 1.0)  # somewhere in parsing or loading
    with open_store(db) as store:
        assert store.stats() in (partial, full)

    with open_store(db) as store:
        assert not list(db.glob("graph.lbdb.building-*"))  # the killed run's half-built database is cleared
        ingest_paths([CORPUS], store)
        assert store.stats() == full


def test_the_archived_documents_rebuild_the_stored_graph(corpus_store):
    from kb.graph import build_graph
    from kb.ingest import link_corpus

    documents = corpus_store.documents()
    assert [document.file for document in documents] == sorted(path.name for path in CORPUS.glob("*.txt"))
    assert all(document.lines for document in documents)  # kb check re-reads the text from the archive
    rebuilt = build_graph(documents, link_corpus(documents, corpus_store.folder))
    stored = corpus_store.to_networkx()
    assert sorted(rebuilt.nodes) == sorted(stored.nodes)
    assert sorted(rebuilt.edges(keys=True)) == sorted(stored.edges(keys=True))
    assert all(stored.nodes[node] == data for node, data in rebuilt.nodes(data=True))
