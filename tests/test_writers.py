"""One writer at a time, crash recovery and the schema version, on the embedded store with real processes.

Writers are real threads and real ``kb`` processes on one database folder; crashes are real SIGKILLs at
a few seeded points. The subprocesses use the lexical embedder (``KB_EMBEDDING_MODEL=lexical``) so that
each costs seconds, not a model load: the lock and the recovery are what these tests check.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kb.core.errors import StoreLocked, StoreOutdated
from kb.ingest import ingest_paths
from kb.store import open_store
from crash_points import kb_killed_before_swap
from store_contract import CORPUS

FILES = sorted(CORPUS.glob("*.txt"))
ENV = {**os.environ, "KB_EMBEDDING_MODEL": "lexical"}


def _kb(*args: str) -> list[str]:
    return [sys.executable, "-m", "kb.cli", *args]


def _state(db: Path) -> tuple[dict, set[str]]:
    """(kb stats counts, doc_ids published) of a store, opened as a new reader would."""
    with open_store(db) as store:
        return store.stats(), set(store.published_documents())


def _records(db: Path) -> set[str]:
    return {path.name.split(".")[0] for path in (db / "documents").glob("*.json") if path.name != "index.json"}


def test_a_second_writer_thread_is_refused_or_waits(tmp_path, monkeypatch):
    monkeypatch.setenv("KB_EMBEDDING_MODEL", "lexical")
    db = tmp_path / "kb-data"
    outcomes: dict[str, object] = {}

    def ingest(name: str, path: Path, wait: float) -> None:
        try:
            with open_store(db, wait_seconds=wait) as store:
                outcomes[name] = ingest_paths([path], store).ingested
        except StoreLocked as error:
            outcomes[name] = error

    with open_store(db) as holder, holder.writer():
        refused = threading.Thread(target=ingest, args=("refused", FILES[0], 0))
        refused.start()
        refused.join()
        waiting = threading.Thread(target=ingest, args=("waiting", FILES[1], 120))
        waiting.start()
        time.sleep(0.5)
        assert waiting.is_alive()  # blocked on the lock, not failed
    waiting.join()
    assert isinstance(outcomes["refused"], StoreLocked)
    assert "正由另一个写入进程更新" in str(outcomes["refused"]) and "--wait" in str(outcomes["refused"])
    assert outcomes["waiting"] == 1
    assert _state(db)[0]["nodes"]["Document"] == 1


def test_writer_processes_are_refused_or_take_turns(tmp_path):
    db = tmp_path / "kb-data"
    with open_store(db) as holder, holder.writer():  # a `kb ingest` meeting a writer at work, without --wait
        refused = subprocess.run(_kb("ingest", str(FILES[2]), "--db", str(db)), capture_output=True, text=True,
                                 env=ENV, timeout=300)
    assert refused.returncode == 1
    assert "正由另一个写入进程更新" in refused.stderr and "Traceback" not in refused.stderr + refused.stdout

    runs = [subprocess.Popen(_kb("ingest", str(path), "--db", str(db), "--wait", "600"), stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=ENV) for path in FILES[:2]]
    results = [(run.wait(timeout=900), run.stderr.read()) for run in runs]
    assert [code for code, _ in results] == [0, 0], results
    counts, published = _state(db)
    assert counts["nodes"]["Document"] == 2 and _records(db) == published


def _kill_when(command: list[str], trigger, deadline: float = 600) -> bool:
    """Run ``command``; SIGKILL it once ``trigger()`` holds. True when it was killed (not finished)."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    started = time.monotonic()
    while process.poll() is None and not trigger() and time.monotonic() - started < deadline:
        time.sleep(0.002)
    killed = process.poll() is None
    if killed:
        os.kill(process.pid, signal.SIGKILL)
    process.wait()
    return killed


def test_killed_ingests_leave_the_before_or_the_after_store(tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    for path in FILES[:2]:
        shutil.copy(path, folder)
    db = tmp_path / "kb-data"
    subprocess.run(_kb("ingest", str(folder), "--db", str(db)), check=True, capture_output=True, env=ENV)
    before = _state(db)
    for path in FILES[2:]:
        shutil.copy(path, folder)
    after_db = tmp_path / "after"
    shutil.copytree(db, after_db)
    subprocess.run(_kb("ingest", str(folder), "--db", str(after_db)), check=True, capture_output=True, env=ENV)
    after = _state(after_db)
    assert before != after

    seeded = random.Random(15)
    points = []
    for delay in sorted(seeded.uniform(1.0, 6.0) for _ in range(2)):  # parsing, staging, linking
        points.append(lambda delay=delay, started=[]: (started.append(time.monotonic()) if not started else None)
                      or time.monotonic() - started[0] > delay)
    # the new graph written in full and not yet swapped in: a kill there on every machine, however fast
    killed = kb_killed_before_swap("ingest", str(folder), "--db", str(db), env=ENV)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert list(db.glob("graph.lbdb.building-*"))  # the dead writer's finished copy, for the opener to clear
    for trigger in [None, *points]:
        if trigger is not None:
            _kill_when(_kb("ingest", str(folder), "--db", str(db)), trigger)
        state = _state(db)  # opening recovers: the dead writer's building files and staged records go
        assert state in (before, after)
        assert not list(db.glob("graph.lbdb.building-*")) and not (db / "graph.lbdb.wal").exists()
        assert _records(db) == state[1]  # no record of the failed run is left to be published later
    subprocess.run(_kb("ingest", str(folder), "--db", str(db)), check=True, capture_output=True, env=ENV)
    assert _state(db) == after


def test_a_killed_link_decision_leaves_a_store_that_opens(make_corpus_folder):
    db = make_corpus_folder("killed-decision")  # the ingested corpus in a folder of its own
    listed = subprocess.run(_kb("links", "--db", str(db), "--json"), check=True, capture_output=True, text=True,
                            env=ENV)
    link_id = json.loads(listed.stdout)["policy_links"][0]["id"]
    before = _state(db)
    # killed with the changed graph written to its private copy and not yet swapped in (on any machine: a
    # kill timed by polling for the copy missed it when the write was quicker than a poll)
    killed = kb_killed_before_swap("links", "reject", link_id, "--db", str(db), env=ENV)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert list(db.glob("graph.lbdb.building-*"))
    with open_store(db) as store:
        assert (store.stats(), set(store.published_documents())) == before
        assert not list(db.glob("graph.lbdb.building-*"))
        status = store.read("MATCH ()-[r:POSSIBLY_SAME_AS]->() WHERE r.link_id = $id RETURN r.status AS s",
                            {"id": link_id})
        assert status and status[0]["s"] != "rejected"  # the killed change is not half there
    done = subprocess.run(_kb("links", "reject", link_id, "--db", str(db)), capture_output=True, text=True, env=ENV)
    assert done.returncode == 0, done.stderr
    assert subprocess.run(_kb("ingest", str(CORPUS), "--db", str(db)), capture_output=True, env=ENV).returncode == 0


def _ingested_with_ladybug_run(db: Path, path: Path, statements: str, check: bool = True) -> dict:
    """Ingest ``path`` into a new store at ``db`` and close it; then run ``statements`` (Python, with ``c`` a
    LadybugDB connection to its graph) in a child process, as another program would. Returns the counts
    the store had before."""
    with open_store(db) as store:
        ingest_paths([path], store)
        counts = store.stats()
    script = f"import os, signal, ladybug; d = ladybug.Database({str(db / 'graph.lbdb')!r}); c = ladybug.Connection(d); "
    subprocess.run([sys.executable, "-c", script + statements], env=ENV, check=check)
    return counts


def test_a_wal_left_by_a_killed_in_place_writer_is_recovered(tmp_path):
    db = tmp_path / "kb-data"
    counts = _ingested_with_ladybug_run(db, FILES[4], "c.execute(\"MATCH (u:Unit) SET u.code = 'X'\"); "
                                        "os.kill(os.getpid(), signal.SIGKILL)", check=False)
    assert (db / "graph.lbdb.wal").exists()  # what an older budget-kb's killed `kb links reject` left
    (db / ".link_decisions.k1ll3d.json").write_text('{"version": 1, "decis', encoding="utf-8")  # cut short
    with open_store(db) as store:
        assert any("预写日志" in notice for notice in store.notices)
        assert not list(db.glob(".link_decisions.*"))
        assert store.stats() == counts
        assert not (db / "graph.lbdb.wal").exists()
        ingest_paths([FILES[3]], store)
        assert store.stats()["nodes"]["Document"] == 2


def test_a_store_of_an_older_schema_says_reingest_and_ingest_rebuilds_it(tmp_path):
    db = tmp_path / "kb-data"  # as budget-kb before the version
    counts = _ingested_with_ladybug_run(db, FILES[0], "c.execute('DROP TABLE KbMeta'); c.execute('CHECKPOINT')")
    with pytest.raises(StoreOutdated, match="请重新入库"):
        open_store(db)
    stats = subprocess.run(_kb("stats", "--db", str(db)), capture_output=True, text=True, env=ENV)
    assert stats.returncode == 1 and "请重新入库 (kb ingest)" in stats.stderr
    rebuilt = subprocess.run(_kb("ingest", str(FILES[0]), "--db", str(db)), capture_output=True, text=True, env=ENV)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert _state(db)[0] == counts
