"""What the Neo4j tests share: the server they talk to, and a store emptied before each test.

The server is the one NEO4J_URI names (``make test`` starts a local Neo4j 5.26 for them: tools/neo4j,
on free loopback ports, and sets KB_REQUIRE_NEO4J=1). Without NEO4J_URI the tests skip, unless KB_REQUIRE_NEO4J or CI
is set: then they fail, so a CI run cannot pass with its Neo4j tests unrun. Community Edition has one
user database, so the tests of one process run serially and each starts from an empty budget-kb graph;
under pytest-xdist each worker has a server of its own (conftest.py).

``make test`` starts the servers in the background while pytest begins (they take 20-100 s to accept a
login) and sets ``KB_NEO4J_WAIT``: the first Neo4j test of a process waits up to that many seconds for a login.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import networkx as nx
import pytest

REPO = Path(__file__).resolve().parents[1]
REQUIRED = bool(os.environ.get("KB_REQUIRE_NEO4J") or os.environ.get("CI"))
MARKS = [pytest.mark.neo4j,
         pytest.mark.skipif(not os.environ.get("NEO4J_URI") and not REQUIRED,
                            reason="NEO4J_URI is not set (no Neo4j server; `make test` starts one)")]


_WAITED: dict[str, str] = {}  # the outcome of this process's one wait: {"ok": ""} or {"failed": message}


def wait_for_neo4j() -> None:
    """Block until the server NEO4J_URI names accepts a login, for at most ``KB_NEO4J_WAIT`` seconds (default 0:
    one try). The wait happens once per process; a failed wait fails every later call at once.

    Raises:
        pytest.fail: NEO4J_URI is unset, or no login succeeded in time (with the last error).
    """
    if "ok" in _WAITED:
        return
    if "failed" in _WAITED:
        pytest.fail(_WAITED["failed"])
    import neo4j

    uri = os.environ.get("NEO4J_URI")
    if not uri:
        pytest.fail("NEO4J_URI is not set although KB_REQUIRE_NEO4J/CI asks for the Neo4j tests: run `make test`")
    auth = (os.environ.get("NEO4J_USER", "neo4j"), os.environ.get("NEO4J_PASSWORD", ""))
    started = time.monotonic()
    deadline = started + float(os.environ.get("KB_NEO4J_WAIT") or 0)
    while True:
        try:
            with neo4j.GraphDatabase.driver(uri, auth=auth) as driver:
                driver.verify_connectivity()
                driver.execute_query("RETURN 1", database_=os.environ.get("NEO4J_DATABASE") or None)
            _WAITED["ok"] = ""
            return
        except Exception as error:  # noqa: BLE001 - not up yet: refused, unavailable, database starting
            if time.monotonic() >= deadline:
                _WAITED["failed"] = f"Neo4j at {uri} accepted no login within {time.monotonic() - started:.0f} s: {error}"
                pytest.fail(_WAITED["failed"])
            time.sleep(0.5)


def open_empty_neo4j_store(folder: Path):
    """Open the Neo4j store with its local folder ``folder`` and remove every budget-kb node from the server.

    Raises:
        pytest.fail: NEO4J_URI is unset although a server is required.
    """
    from kb.store import open_store

    wait_for_neo4j()
    store = open_store(folder, "neo4j")
    store.write_graph(nx.MultiDiGraph())
    return store
