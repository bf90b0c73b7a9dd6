"""The store interface: one abstract class, two engines (kb/store/embedded.py, kb/store/neo4j_store.py).

The base class owns what both engines share: error wrapping (every engine failure becomes
``StoreQueryFailed`` carrying the query name and parameters), logging, counts, reading the whole graph
back into networkx, and the archive of parsed documents in the database folder. An engine implements
four private methods: ``_read``, ``_write``, ``_replace_graph`` and ``_close``. Queries are Cypher both
engines accept; values always travel as ``$parameters``.
"""

from __future__ import annotations

import logging
import time
from abc import ABC, abstractmethod
from pathlib import Path

import networkx as nx

from kb.core.errors import KBError, StoreQueryFailed
from kb.core.records import Extraction
from kb.store.archive import DocumentArchive
from kb.core.schema import (NODE_TABLES, REL_TABLES, count_cypher, node_export_cypher,
                             relationship_export_cypher)

log = logging.getLogger("kb.store")


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

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.archive = DocumentArchive(self.folder)

    # ---- what an engine implements ---------------------------------------------------------------
    @abstractmethod
    def _read(self, cypher: str, params: dict) -> list[dict]:
        """Run a read query; rows as dicts keyed by the RETURN aliases."""

    @abstractmethod
    def _write(self, cypher: str, params: dict) -> list[dict]:
        """Run a write query; rows as dicts keyed by the RETURN aliases."""

    @abstractmethod
    def _replace_graph(self, graph: nx.MultiDiGraph) -> None:
        """Replace everything stored by ``graph``, atomically: a reader sees the old graph or the new one."""

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
        """Run a write query (e.g. a link decision's status); same arguments and errors as ``read``."""
        return self._run("write", self._write, cypher, params, name)

    def write_graph(self, graph: nx.MultiDiGraph) -> None:
        """Replace the stored graph by ``graph`` (``kb.graph.build_graph`` output), atomically.

        Raises:
            StoreQueryFailed: the engine failed; the previously stored graph is still there.
        """
        started = time.perf_counter()
        self._run("write", lambda _cypher, _params: self._replace_graph(graph) or [], "", {}, "write graph")
        log.info("wrote %d nodes, %d relationships to %s in %.2f s", graph.number_of_nodes(),
                 graph.number_of_edges(), self.location, time.perf_counter() - started)

    def replace_documents(self, extractions: list[Extraction]) -> list[Extraction]:
        """Keep these parsed documents, replacing earlier versions of the same file names.

        Args:
            extractions: newly parsed records (``loaders.parse_file`` output).

        Returns:
            Every stored document after the replacement, ordered by file name: the corpus to link and build.

        Raises:
            StoreUnavailable: the database folder cannot be written.
        """
        latest = {extraction.file: extraction for extraction in extractions}  # one record per file name
        self.archive.upsert(list(latest.values()))
        corpus = [*latest.values(), *self.archive.load(skip=set(latest))]
        return sorted(corpus, key=lambda record: record.file)

    def documents(self) -> list[Extraction]:
        """Every stored parsed document, ordered by file name."""
        return self.archive.load()

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


def _clean(row: dict, properties: dict[str, str]) -> dict:
    """Values as the schema types them: a missing list property (Neo4j stores none for []) reads as []."""
    from kb.core.schema import coerce

    return {name: coerce(row.get(name), type_name) for name, type_name in properties.items()}
