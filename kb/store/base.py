"""The store interface: one abstract class, two engines (kb/store/embedded.py, kb/store/neo4j_store.py).

The base class owns what both engines share: error wrapping (every engine failure becomes
``StoreQueryFailed`` carrying the query name and parameters), logging, counts, reading the whole graph
back into networkx, the archive of parsed documents in the database folder, the one-writer lock and
the store's metadata (schema version, generation). An engine implements six private methods: ``_read``,
``_write``, ``_replace_graph``, ``_apply_delta``, ``_read_meta`` and ``_close``. Queries are Cypher both
engines accept; values always travel as ``$parameters``.

Writing. One writer at a time per database folder, across processes, threads and app sessions: every
write takes ``Store.writer()`` (a ``filelock`` lock file ``<folder>/.kb-writer.lock``, re-entrant for
the holder); a second writer waits up to ``wait_seconds`` and then gets ``StoreLocked`` with a Chinese
message. Readers never take the lock and always see a whole graph: each change (``write_graph``,
``apply_delta``, ``write``) is atomic. A change is written as a ``GraphDelta``: nodes and relationships
added, changed and removed by key, with the metadata, in one transaction.

Versions. The graph carries ``meta``: ``schema_version`` (``SCHEMA_VERSION``) and ``generation`` (a new
random id per change). ``open_store`` refuses a store built by another schema version with
``StoreOutdated`` ("请重新入库 (kb ingest)"); ``kb ingest`` rebuilds it.
"""

from __future__ import annotations

import logging
import os
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from typing import TYPE_CHECKING

from filelock import FileLock, Timeout

from kb.core.errors import KBError, StoreLocked, StoreOutdated, StoreQueryFailed
from kb.store.archive import DocumentArchive, new_generation
from kb.store.delta import GraphDelta
from kb.core.schema import (NODE_TABLES, REL_TABLES, count_cypher, node_export_cypher,
                             relationship_export_cypher)

if TYPE_CHECKING:  # networkx and the pydantic records load only where a graph is written or exported
    import networkx as nx

    from kb.core.records import Extraction

log = logging.getLogger("kb.store")

SCHEMA_VERSION = "2"
"""Version of the graph as stored (kb.core.schema + metadata). Raise it when a stored graph of the previous
version can no longer be read as it is; such a store then says "请重新入库 (kb ingest)"."""

LOCK_FILE = ".kb-writer.lock"
WAIT_ENV = "KB_WRITER_WAIT"
"""Environment default of ``Store.wait_seconds`` (seconds a writer waits for another; 0 = refuse at once)."""

class Store(ABC):
    """A property-graph store holding the graph of docs/CONTRACTS.md. Use as a context manager.

    Attributes:
        backend: "embedded" or "neo4j".
        location: where the graph lives, for status lines (e.g. "LadybugDB kb-data/graph.lbdb").
        folder: the database folder (``--db``): parsed documents and linking decisions live there for
            both engines.
    """

    backend: str = ""
    location: str = ""

    def __init__(self, folder: Path, wait_seconds: float | None = None):
        self.folder = Path(folder)
        self.archive = DocumentArchive(self.folder)
        self.wait_seconds = float(os.environ.get(WAIT_ENV, "0") or 0) if wait_seconds is None else wait_seconds
        self.notices: list[str] = []  # one Chinese line per thing recovery did on open
        self._writer_lock: FileLock | None = None

    # ---- what an engine implements ---------------------------------------------------------------
    @abstractmethod
    def _read(self, cypher: str, params: dict) -> list[dict]:
        """Run a read query; rows as dicts keyed by the RETURN aliases."""

    @abstractmethod
    def _write(self, cypher: str, params: dict) -> list[dict]:
        """Run a write query; rows as dicts keyed by the RETURN aliases."""

    @abstractmethod
    def _replace_graph(self, graph: nx.MultiDiGraph, meta: dict[str, str]) -> None:
        """Replace everything stored by ``graph`` and set ``meta``, atomically: a reader sees the old graph or
        the new one."""

    @abstractmethod
    def _apply_delta(self, delta: GraphDelta) -> None:
        """Write ``delta`` (and ``delta.meta``) in one transaction: a reader sees the graph before or after.

        Order: remove relationships, remove nodes (with their relationships), change nodes, add nodes, add
        relationships, change relationships. Nothing outside the delta is rewritten."""

    @abstractmethod
    def _read_meta(self) -> dict[str, str]:
        """The stored metadata (``schema_version``, ``generation``); {} for a store written before it existed."""

    @abstractmethod
    def _close(self) -> None:
        """Release connections and files."""

    # ---- the public API --------------------------------------------------------------------------
    def _run(self, kind: str, method, cypher: str, params: dict | None, name: str) -> list[dict]:
        params = dict(params or {})
        started = time.perf_counter()
        try:
            rows = method(cypher, params)
        except KBError:
            raise
        except Exception as error:  # the engine's own error: keep its message, add the query name and params
            log.warning("%s %s failed on %s: %s", kind, name, self.backend, error)
            message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise StoreQueryFailed(message, query_name=name, params=params, cypher=cypher) from error
        log.debug("%s %s on %s: %d rows in %.1f ms", kind, name, self.backend, len(rows),
                  (time.perf_counter() - started) * 1000)
        return rows

    def read(self, cypher: str, params: dict | None = None, name: str = "ad hoc") -> list[dict]:
        """Run a read-only Cypher query.

        Args:
            cypher: Cypher both engines accept, with values as ``$parameters``.
            params: the parameter values (amounts in 万元, years as int).
            name: the template name, for errors and logs.

        Returns:
            One dict per row keyed by the RETURN aliases, e.g. ``[{"name": "…", "amount": 540.0}]``.

        Raises:
            StoreQueryFailed: the engine rejected or failed the query (message, name and params kept).

        Example:
            >>> store.read("MATCH (u:Unit) RETURN u.name AS name ORDER BY name", {})  # doctest: +SKIP
            [{'name': '广元市社会保险事务中心'}, …]
        """
        return self._run("read", self._read, cypher, params, name)

    def write(self, cypher: str, params: dict | None = None, name: str = "ad hoc") -> list[dict]:
        """Run a write query (e.g. a link decision's status) atomically, holding the writer lock; same
        arguments and errors as ``read``, and ``StoreLocked`` when another writer holds the store."""
        with self.writer():
            return self._run("write", self._write, cypher, params, name)

    def write_graph(self, graph: nx.MultiDiGraph, meta: dict[str, str] | None = None) -> None:
        """Replace the stored graph by ``graph`` (``kb.graph.build_graph`` output), atomically.

        Args:
            graph: the whole new graph.
            meta: metadata to store with it; ``schema_version`` and a new ``generation`` by default.

        Raises:
            StoreLocked: another writer holds the store beyond ``wait_seconds``.
            StoreQueryFailed: the engine failed; the previously stored graph is still there.
        """
        meta = {**new_meta(), **(meta or {})}
        started = time.perf_counter()
        with self.writer():
            self._run("write", lambda _cypher, _params: self._replace_graph(graph, meta) or [], "", {},
                      "write graph")
        log.info("wrote %d nodes, %d relationships to %s in %.2f s", graph.number_of_nodes(),
                 graph.number_of_edges(), self.location, time.perf_counter() - started)

    def apply_delta(self, delta: GraphDelta) -> None:
        """Write a change of the stored graph (``kb.store.delta.graph_delta`` output) in one transaction.

        Args:
            delta: nodes and relationships added, changed, removed by key; ``delta.meta`` gets
                ``schema_version`` and a new ``generation`` unless it names them.

        Raises:
            StoreLocked: another writer holds the store beyond ``wait_seconds``.
            StoreQueryFailed: the engine failed; the stored graph is as it was before the call.

        Example:
            >>> store.apply_delta(graph_delta(store.graph_index(), build_graph(corpus, links)))  # doctest: +SKIP
        """
        delta.meta = {**new_meta(), **delta.meta}
        started = time.perf_counter()
        with self.writer():
            self._run("write", lambda _cypher, _params: self._apply_delta(delta) or [], "", {}, "apply delta")
        log.info("applied %s to %s in %.2f s", delta.counts(), self.location, time.perf_counter() - started)

    def meta(self) -> dict[str, str]:
        """The stored metadata: ``{"schema_version": "2", "generation": "…"}`` ({} for an older store).

        Raises:
            StoreQueryFailed: the read failed.
        """
        return self._run("read", lambda _cypher, _params: [self._read_meta()], "", {}, "read meta")[0]

    def is_outdated(self) -> bool:
        """True when the store holds documents written under another ``SCHEMA_VERSION`` (or none at all)."""
        if self.meta().get("schema_version") == SCHEMA_VERSION:
            return False
        return self.read(count_cypher(label="Document"), {}, "count Document")[0]["n"] > 0

    def check_version(self) -> None:
        """Refuse a store built by an older budget-kb.

        Raises:
            StoreOutdated: "此库由旧版本 budget-kb 建立（…），请重新入库 (kb ingest)".
        """
        if self.is_outdated():
            found = self.meta().get("schema_version") or "1"
            raise StoreOutdated(f"此库 {self.folder} 由旧版本 budget-kb 建立（图结构版本 {found}，当前 "
                                f"{SCHEMA_VERSION}），请重新入库 (kb ingest)")

    # ---- one writer at a time --------------------------------------------------------------------
    @contextmanager
    def writer(self, wait_seconds: float | None = None) -> Iterator[Store]:
        """Hold the store's writer lock (``<folder>/.kb-writer.lock``) for the ``with`` block.

        Re-entrant for this store object (``ingest_paths`` holds it around ``apply_delta``); another store
        object, thread or process waits.

        Args:
            wait_seconds: how long to wait for another writer (default ``self.wait_seconds``; 0 = refuse
                at once).

        Raises:
            StoreLocked: another writer still holds the lock after ``wait_seconds`` (Chinese message saying
                so and how to wait: ``--wait`` or KB_WRITER_WAIT).
        """
        if self._writer_lock is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._writer_lock = FileLock(self.folder / LOCK_FILE)
        wait = self.wait_seconds if wait_seconds is None else wait_seconds
        try:
            self._writer_lock.acquire(timeout=max(wait, 0), poll_interval=0.05)
        except Timeout as error:
            waited = f"等待 {wait:g} 秒后" if wait > 0 else ""
            raise StoreLocked(f"库 {self.folder} 正由另一个写入进程更新，{waited}仍未结束：请稍后再试，"
                              f"或用 --wait 秒数（环境变量 {WAIT_ENV}）等待它完成") from error
        try:
            yield self
        finally:
            self._writer_lock.release()

    def writing_elsewhere(self) -> bool:
        """True when another store object or process holds the writer lock right now (never waits)."""
        try:
            with self.writer(wait_seconds=0):
                return False
        except StoreLocked:
            return True

    def recover(self) -> list[str]:
        """Clear what a writer that died left behind (nothing when another writer is at work).

        Engines clear their own leftovers (``_recover_files``); the archive drops staged records that no
        published graph contains. Each thing done is one Chinese line, logged as a warning and kept in
        ``self.notices``.

        Returns:
            The notices of this call (empty when there was nothing to clear).
        """
        try:
            with self.writer(wait_seconds=0):
                notices = self._recover_files()
                published = self.published_documents()
                dropped = self.archive.drop_unpublished(set(published))
                if dropped:
                    notices.append(f"已清除上次中断的入库留下的 {dropped} 份未发布文档记录")
        except StoreLocked:
            return []  # a live writer: its files are work in progress, not leftovers
        for notice in notices:
            log.warning("%s", notice)
        self.notices.extend(notices)
        return notices

    def _recover_files(self) -> list[str]:
        """Clear a dead writer's temporary files in the folder (a decisions file or graph index being
        written); engines add their own (half-built databases, WAL). One Chinese line per kind cleared."""
        temporary = [*self.folder.glob(".link_decisions.*.json"), *self.folder.glob(".graph.index.tmp-*"),
                     *self.folder.glob("derived/.*.tmp-*")]
        for path in temporary:
            path.unlink(missing_ok=True)
        return [f"已清除上次中断的写入留下的 {len(temporary)} 个临时文件"] if temporary else []

    def graph_index(self):
        """The ``kb.store.delta.GraphIndex`` of the stored graph: the kept ``graph.index`` when it is of the
        stored ``generation``, else built by reading the whole graph back (``to_networkx``)."""
        from kb.store.delta import index_graph, load_index

        generation = self.meta().get("generation", "")
        return load_index(self.folder, generation) or index_graph(self.to_networkx(), generation)

    def published_documents(self) -> dict[str, dict[str, str]]:
        """The documents of the stored graph: doc_id -> {"file", "path"} (read from the Document nodes).

        This is what is published: a parsed record in the archive counts only when its document is here.
        """
        rows = self.read("MATCH (d:Document) RETURN d.doc_id AS doc_id, d.file AS file, d.path AS path", {},
                         "published documents")
        return {row["doc_id"]: {"file": row["file"] or "", "path": row["path"] or ""} for row in rows}

    def documents(self, lines: bool = True) -> list[Extraction]:
        """Every published parsed document (those of the stored graph), ordered by file name and doc_id.

        Args:
            lines: also read each document's text lines (``Extraction.lines``, for kb check).

        Raises:
            StoreUnavailable: a record cannot be read back.
        """
        return self.archive.load(sorted(self.published_documents()), lines=lines)

    def stats(self) -> dict[str, dict[str, int]]:
        """Counts of the stored graph.

        Returns:
            ``{"nodes": {label: n}, "relationships": {type: n}}`` with every label and type of the schema.

        Raises:
            StoreQueryFailed: a count query failed.
        """
        nodes = {label: self.read(count_cypher(label=label), {}, f"count {label}")[0]["n"] for label in NODE_TABLES}
        relationships = {rel_type: self.read(count_cypher(rel_type=rel_type), {}, f"count {rel_type}")[0]["n"]
                         for rel_type in REL_TABLES}
        return {"nodes": nodes, "relationships": relationships}

    def to_networkx(self) -> nx.MultiDiGraph:
        """Read the whole stored graph back, in the shape ``kb.graph.build_graph`` produces.

        Returns:
            A MultiDiGraph with nodes ``"<Label>:<key>"`` carrying ``label`` and every schema property, and
            edges keyed by relationship type carrying ``type`` and its properties.

        Raises:
            StoreQueryFailed: a read failed.
        """
        from kb.graph import node_id

        import networkx as nx

        graph = nx.MultiDiGraph()
        for label, table in NODE_TABLES.items():
            for row in self.read(node_export_cypher(label), {}, f"export {label}"):
                graph.add_node(node_id(label, row[table.key]), label=label, **_clean(row, table.properties))
        for rel_type, table in REL_TABLES.items():
            for source_label, target_label in table.endpoints:
                cypher = relationship_export_cypher(rel_type, source_label, target_label)
                for row in self.read(cypher, {}, f"export {rel_type}"):
                    graph.add_edge(node_id(source_label, row.pop("source__")),
                                   node_id(target_label, row.pop("target__")), key=rel_type, type=rel_type,
                                   **_clean(row, table.properties))
        return graph

    # ---- context manager -------------------------------------------------------------------------
    def close(self) -> None:
        """Release the engine's connections (idempotent)."""
        self._close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def new_meta() -> dict[str, str]:
    """Metadata of a new version of the graph: the current ``SCHEMA_VERSION`` and a fresh ``generation``."""
    return {"schema_version": SCHEMA_VERSION, "generation": new_generation()}


def _clean(row: dict, properties: dict[str, str]) -> dict:
    """Values as the schema types them: a missing list property (Neo4j stores none for []) reads as []."""
    from kb.core.schema import coerce

    return {name: coerce(row.get(name), type_name) for name, type_name in properties.items()}
