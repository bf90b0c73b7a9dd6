"""The document layer of the stored graph, kept by key with its provenance: ``<db>/graph.layer`` (SQLite).

The graph ``kb.graph.build_graph`` makes is two layers: the documents' parts merged in (file, doc_id) order
(a shared node keeps, per property, the first non-empty value in that order, a policy document every title
in order of first appearance; a relationship the values of the last part naming it), and linking's nodes
and relationships on top. This module keeps the first layer as merged, one row per node and relationship,
with the order of the document each value came from (its provenance). Adding a document is then exact
without merging the corpus again: a value changes only where the new document comes earlier in the order
than the one the value came from (or fills a value no document gave); ``add_part`` reads and rewrites only
the rows the new document names.

The file holds the ``generation`` of the graph it describes; an ingest trusts it only when that is the
stored graph's generation (else it merges the corpus and rewrites the layer, ``write_layer``).
"""

from __future__ import annotations

import os
import marshal
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

LAYER_FILE = "graph.layer"
LAYER_VERSION = "2"
Order = tuple[str, str]
"""A document's place in the merge: (file, doc_id)."""
EdgeId = tuple[str, str, str]


def _empty(value: object) -> bool:
    return value is None or value == []


@dataclass
class LayerNode:
    """A merged node of the document layer.

    Attributes:
        data: ``label`` and the schema properties, as the merge left them.
        orders: property -> order of the document its value came from (the first non-empty one; for a value
            no document gave, the first document's); for a policy document also ``"titles"`` ->
            {title: (order, position in that document's list)} of each title's first appearance.
    """

    data: dict
    orders: dict


@dataclass
class LayerEdge:
    """A merged relationship of the document layer: its data (``type`` and properties) and the order of the
    last document that gave it (the one whose values it holds)."""

    data: dict
    order: Order


def merge_node(current: LayerNode | None, data: dict, order: Order) -> LayerNode:
    """``current`` with one more document's data for the node merged in, exactly as merging every part in
    order would have left it (``kb.graph._merge``).

    Args:
        current: the merged node so far (None: the document is the node's first).
        data: the document's node data (``label`` and schema properties); not modified.
        order: the document's (file, doc_id).

    Returns:
        The merged node (``current`` updated in place, or a new one).
    """
    if current is None:
        node = LayerNode(dict(data), {name: order for name in data})
        if data.get("label") == "PolicyDocument":
            node.orders["titles"] = {}
            _merge_titles(node, data.get("titles") or [], order)
        return node
    values, orders = current.data, current.orders
    for name, value in data.items():
        if name == "titles" and data.get("label") == "PolicyDocument":
            continue
        if name not in values:  # a property the first document lacked (not in schema order: never for parts)
            values[name], orders[name] = value, order
            continue
        earlier = order < orders[name]
        if _empty(values[name]):
            if not _empty(value) or earlier:
                values[name], orders[name] = value, order
        elif not _empty(value) and earlier:
            values[name], orders[name] = value, order
    if values.get("label") == "PolicyDocument":
        _merge_titles(current, data.get("titles") or [], order)
    return current


def _merge_titles(node: LayerNode, titles: list[str], order: Order) -> None:
    first = node.orders["titles"]
    for position, title in enumerate(titles):
        here = (order, position)
        if title not in first or here < first[title]:
            first[title] = here
    node.data["titles"] = sorted(first, key=first.__getitem__)
    node.data["title"] = node.data["titles"][0] if node.data["titles"] else ""


def merge_edge(current: LayerEdge | None, data: dict, order: Order) -> LayerEdge:
    """The merged relationship with one more document's data: the latest document in order wins (``data`` is
    kept, not copied: a relationship's data is never changed in place)."""
    if current is None or order > current.order:
        return LayerEdge(data, order)
    return current


@dataclass
class LayerChange:
    """Rows of the layer to write: merged nodes and relationships read or made by ``add_part``."""

    nodes: dict[str, LayerNode] = field(default_factory=dict)
    edges: dict[EdgeId, LayerEdge] = field(default_factory=dict)


class DocumentLayer:
    """The document layer kept in ``<db>/graph.layer``.

    Args:
        folder: the database folder (``--db``).
    """

    def __init__(self, folder: Path):
        self.path = Path(folder) / LAYER_FILE
        self._connection: sqlite3.Connection | None = None

    # ---- reading ---------------------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            self._connection = sqlite3.connect(self.path)
        return self._connection

    def close(self) -> None:
        """Close the file (a no-op when it was never opened)."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    def generation(self) -> str:
        """The generation of the graph the kept layer describes ("" when missing, damaged or of another version)."""
        if not self.path.is_file():
            return ""
        try:
            rows = dict(self._connect().execute("SELECT name, value FROM meta").fetchall())
        except sqlite3.DatabaseError:
            self.close()
            return ""
        return rows.get("generation", "") if rows.get("version") == LAYER_VERSION else ""

    def nodes(self, ids: Iterable[str]) -> dict[str, LayerNode]:
        """The kept nodes among ``ids`` (node id -> ``LayerNode``)."""
        found = {}
        ids = list(dict.fromkeys(ids))
        connection = self._connect()
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for identifier, blob in connection.execute(f"SELECT id, row FROM nodes WHERE id IN ({marks})", chunk):
                found[identifier] = LayerNode(*marshal.loads(blob))
        return found

    def nodes_of(self, labels: Iterable[str]) -> dict[str, LayerNode]:
        """Every kept node of the given labels."""
        labels = list(labels)
        marks = ",".join("?" * len(labels))
        return {identifier: LayerNode(*marshal.loads(blob)) for identifier, blob in
                self._connect().execute(f"SELECT id, row FROM nodes WHERE label IN ({marks})", labels)}

    def ids_of(self, label: str) -> set[str]:
        """The ids of every kept node of ``label``."""
        return {identifier for (identifier,) in
                self._connect().execute("SELECT id FROM nodes WHERE label = ?", (label,))}

    def edges(self, ids: Iterable[EdgeId]) -> dict[EdgeId, LayerEdge]:
        """The kept relationships among ``ids`` ((source, target, type) -> ``LayerEdge``)."""
        found = {}
        connection = self._connect()
        for source, target, rel_type in dict.fromkeys(ids):
            row = connection.execute("SELECT row FROM edges WHERE source = ? AND target = ? AND type = ?",
                                     (source, target, rel_type)).fetchone()
            if row is not None:
                found[(source, target, rel_type)] = LayerEdge(*marshal.loads(row[0]))
        return found

    def edges_of(self, types: Iterable[str]) -> dict[EdgeId, LayerEdge]:
        """Every kept relationship of the given types."""
        types = list(types)
        marks = ",".join("?" * len(types))
        return {(source, target, rel_type): LayerEdge(*marshal.loads(blob)) for source, target, rel_type, blob in
                self._connect().execute(f"SELECT source, target, type, row FROM edges WHERE type IN ({marks})",
                                        types)}

    # ---- writing ---------------------------------------------------------------------------------------
    def update(self, change: LayerChange, generation: str) -> None:
        """Write the rows of ``change`` and the new ``generation`` in one transaction."""
        connection = self._connect()
        with connection:
            connection.executemany("INSERT OR REPLACE INTO nodes (id, label, row) VALUES (?, ?, ?)",
                                   _node_rows(change.nodes))
            connection.executemany("INSERT OR REPLACE INTO edges (source, target, type, row) VALUES (?, ?, ?, ?)",
                                   _edge_rows(change.edges))
            connection.execute("INSERT OR REPLACE INTO meta (name, value) VALUES ('generation', ?)", (generation,))


def _node_rows(nodes: dict[str, LayerNode]):
    for identifier, node in nodes.items():
        yield identifier, node.data["label"], marshal.dumps((node.data, node.orders))


def _edge_rows(edges: dict[EdgeId, LayerEdge]):
    for (source, target, rel_type), edge in edges.items():
        yield source, target, rel_type, marshal.dumps((edge.data, edge.order))


_SCHEMA = ("CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT)",
           "CREATE TABLE nodes (id TEXT PRIMARY KEY, label TEXT, row BLOB)",
           "CREATE INDEX nodes_label ON nodes (label)",
           "CREATE TABLE edges (source TEXT, target TEXT, type TEXT, row BLOB, PRIMARY KEY (source, target, type))",
           "CREATE INDEX edges_type ON edges (type)")


def merge_parts(parts: Iterable) -> LayerChange:
    """The whole document layer of parts (``kb.graph.DocumentPart``, any order): every part merged in
    (file, doc_id) order. The parts are not modified."""
    layer = LayerChange()
    for part in sorted(parts, key=lambda part: part.order):
        add_part(layer, part)
    return layer


def add_part(layer: LayerChange, part) -> None:
    """Merge one ``kb.graph.DocumentPart`` into ``layer`` (whose rows must hold every node and relationship
    the part names that the kept layer has: ``DocumentLayer.nodes`` / ``edges`` of them)."""
    order = part.order
    for identifier, data in part.nodes.items():
        layer.nodes[identifier] = merge_node(layer.nodes.get(identifier), data, order)
    for edge, data in part.edges.items():
        layer.edges[edge] = merge_edge(layer.edges.get(edge), data, order)


def write_layer(folder: Path, layer: LayerChange, generation: str) -> None:
    """Write the whole layer (a new file, renamed over the kept one)."""
    target = Path(folder) / LAYER_FILE
    temporary = target.with_name(f".{LAYER_FILE}.tmp-{os.getpid()}")
    temporary.unlink(missing_ok=True)
    connection = sqlite3.connect(temporary)
    try:
        connection.execute("PRAGMA journal_mode = OFF")  # a new file, renamed in only once whole
        connection.execute("PRAGMA synchronous = OFF")
        with connection:
            for statement in _SCHEMA[:2] + _SCHEMA[3:4]:
                connection.execute(statement)
            connection.executemany("INSERT INTO meta (name, value) VALUES (?, ?)",
                                   [("version", LAYER_VERSION), ("generation", generation)])
            # in key order (B-tree appends), the secondary indexes made after
            connection.executemany("INSERT INTO nodes (id, label, row) VALUES (?, ?, ?)",
                                   sorted(_node_rows(layer.nodes)))
            connection.executemany("INSERT INTO edges (source, target, type, row) VALUES (?, ?, ?, ?)",
                                   sorted(_edge_rows(layer.edges)))
            connection.execute(_SCHEMA[2])
            connection.execute(_SCHEMA[4])
    finally:
        connection.close()
    os.replace(temporary, target)
