"""Graph stores: one interface (``kb.store.base.Store``), two engines.

- ``embedded`` (default): LadybugDB on disk under the database folder (``kb.store.embedded``);
- ``neo4j``: a Neo4j server over Bolt, configured by NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD and the
  optional NEO4J_DATABASE (``kb.store.neo4j_store``; ``pip install 'budget-kb[neo4j]'``).
"""

from __future__ import annotations

from pathlib import Path

from kb.core.errors import StoreUnavailable
from kb.store.base import SCHEMA_VERSION, GraphDelta, Store

BACKENDS = ("embedded", "neo4j")


def open_store(db: Path, backend: str = "embedded", *, wait_seconds: float | None = None,
               check_version: bool = True) -> Store:
    """Open the graph store; use it as a context manager.

    Opening clears what a writer that died left behind (``Store.recover``: half-built databases, a WAL,
    unpublished records), with one Chinese notice per thing cleared (logged as a warning, kept in
    ``store.notices``), unless another writer is at work.

    Args:
        db: the database folder (default ``./kb-data``): the embedded graph file and, for both engines, the
            parsed documents and linking decisions.
        backend: "embedded" or "neo4j".
        wait_seconds: how long a write waits for another writer before ``StoreLocked`` (default: the
            environment's KB_WRITER_WAIT, else 0 = refuse at once).
        check_version: refuse a store built by an older budget-kb (``kb ingest`` passes False: it rebuilds).

    Returns:
        An open ``Store``.

    Raises:
        StoreUnavailable: an unknown backend, a folder that cannot be created, a damaged database file, an
            unreachable Neo4j server or missing NEO4J_* settings.
        StoreOutdated: the store was built under another schema version ("请重新入库 (kb ingest)").

    Example:
        >>> with open_store(Path("kb-data")) as store:  # doctest: +SKIP
        ...     store.stats()["nodes"]["Unit"]
        5
    """
    if backend == "embedded":
        from kb.store.embedded import EmbeddedStore

        store: Store = EmbeddedStore(Path(db), wait_seconds)
    elif backend == "neo4j":
        from kb.store.neo4j_store import Neo4jStore

        store = Neo4jStore(Path(db))
        if wait_seconds is not None:
            store.wait_seconds = wait_seconds
    else:
        raise StoreUnavailable(f"未知的后端“{backend}”，可选：{'、'.join(BACKENDS)}")
    try:
        store.recover()
        if check_version:
            store.check_version()
    except BaseException:
        store.close()
        raise
    return store


__all__ = ["BACKENDS", "SCHEMA_VERSION", "GraphDelta", "Store", "open_store"]
