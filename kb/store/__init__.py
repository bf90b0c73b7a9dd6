"""Graph stores: one interface (``kb.store.base.Store``), two engines.

- ``embedded`` (default): LadybugDB on disk under the database folder (``kb.store.embedded``);
- ``neo4j``: a Neo4j server over Bolt, configured by NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and the
  optional NEO4J_DATABASE (``kb.store.neo4j_store``; ``pip install 'budget-kb[neo4j]'``).
"""

from __future__ import annotations

from pathlib import Path

from kb.core.errors import StoreUnavailable
from kb.store.base import Store

BACKENDS = ("embedded", "neo4j")


def open_store(db: Path, backend: str = "embedded") -> Store:
    """Open the graph store; use it as a context manager.

    Args:
        db: the database folder (default ``./kb-data``): the embedded graph file and, for both engines, the
            parsed documents and linking decisions.
        backend: "embedded" or "neo4j".

    Returns:
        An open ``Store``.

    Raises:
        StoreUnavailable: an unknown backend, a folder that cannot be created, a damaged database file, an
            unreachable Neo4j server or missing NEO4J_* settings.

    Example:
        >>> with open_store(Path("kb-data")) as store:  # doctest: +SKIP
        ...     store.stats()["nodes"]["Unit"]
        5
    """
    if backend == "embedded":
        from kb.store.embedded import EmbeddedStore

        return EmbeddedStore(Path(db))
    if backend == "neo4j":
        from kb.store.neo4j_store import Neo4jStore

        return Neo4jStore(Path(db))
    raise StoreUnavailable(f"未知的后端“{backend}”，可选：{'、'.join(BACKENDS)}")


__all__ = ["BACKENDS", "Store", "open_store"]
