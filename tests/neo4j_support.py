"""What the Neo4j tests share: the server they talk to, and a store emptied before each test.

The server is the one NEO4J_URI names (``make test`` starts a local Neo4j 5.26 for them: tools/neo4j,
Bolt 7688, and sets KB_REQUIRE_NEO4J=1). Without NEO4J_URI the tests skip, unless KB_REQUIRE_NEO4J or CI
is set: then they fail, so a CI run cannot pass with its Neo4j tests unrun. Community Edition has one
user database, so the tests run serially and each starts from an empty budget-kb graph.
"""

from __future__ import annotations

import os
from pathlib import Path

import networkx as nx
import pytest

REPO = Path(__file__).resolve().parents[1]
REQUIRED = bool(os.environ.get("KB_REQUIRE_NEO4J") or os.environ.get("CI"))
MARKS = [pytest.mark.neo4j,
         pytest.mark.skipif(not os.environ.get("NEO4J_URI") and not REQUIRED,
                            reason="NEO4J_URI is not set (no Neo4j server; `make test` starts one)")]


def open_empty_neo4j_store(folder: Path):
    """Open the Neo4j store with its local folder ``folder`` and remove every budget-kb node from the server.

    Raises:
        pytest.fail: NEO4J_URI is unset although a server is required.
    """
    from kb.store import open_store

    if not os.environ.get("NEO4J_URI"):
        pytest.fail("NEO4J_URI is not set although KB_REQUIRE_NEO4J/CI asks for the Neo4j tests: run `make test`")
    store = open_store(folder, "neo4j")
    store.write_graph(nx.MultiDiGraph())
    return store
