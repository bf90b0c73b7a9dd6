"""Diff two versions of the graph by key: what an incremental ingest writes (``Store.apply_delta``).

``GraphDelta`` (re-exported by ``kb.store.base``) is the change every engine writes in one transaction.

The stored graph is summarised by a ``GraphIndex``: one 8-byte digest of the properties per node
(``"<Label>:<key>"``) and per relationship (source id, target id, type). A new graph
(``kb.graph.build_graph``) is compared with it: nodes and relationships that are new, whose digest
differs, or that are gone become a ``GraphDelta``; everything else is left alone. The index of the
graph as written is kept in ``<db>/graph.index`` (pickle) with the store's ``generation``, so the next
ingest need not read the whole graph back; when the file is missing or belongs to another generation
(a crash between the two writes), it is rebuilt from ``Store.to_networkx()``.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

from kb.core.schema import NODE_TABLES, REL_TABLES

if TYPE_CHECKING:
    import networkx as nx

INDEX_FILE = "graph.index"
EdgeId = tuple[str, str, str]

NodeRow = dict[str, object]
RelKey = tuple[str, str, str]
"""(relationship type, source label, target label), e.g. ("SOURCE", "Project", "Document")."""


@dataclass
class GraphDelta:
    """What turns the stored graph into a new one, by key; ``Store.apply_delta`` writes it in one transaction.

    Node identity is (label, key property value); relationship identity is (type, source key, target key)
    with the endpoint labels (one relationship of a type per pair, docs/CONTRACTS.md). Property maps hold
    every schema property of the label or type (``kb.core.schema``), typed as stored (amounts in 万元 as
    float, lines as int, lists as list[str]), None for a missing value.

    Attributes:
        added_nodes: label -> property maps (the key included) of nodes that do not exist yet.
        changed_nodes: label -> property maps of existing nodes; every property is overwritten.
        removed_nodes: label -> keys of nodes to delete, with every relationship touching them.
        added_relationships: (type, source label, target label) -> [(source key, target key, properties)]
            of relationships that do not exist yet (both endpoints exist once the nodes are written).
        changed_relationships: same shape; existing relationships whose properties are overwritten.
        removed_relationships: (type, source label, target label) -> [(source key, target key)] to delete.
        replaced_relationships: same shape as ``added_relationships``: groups written whole, because most of
            the group changed (the PART_OF memberships, rescored whenever the program model is refitted):
            every stored relationship of the group is deleted and these, all of the group in the new graph,
            are created (a bulk load instead of thousands of keyed updates). A replaced group has no entry in
            the three other relationship attributes.
        meta: store metadata written in the same transaction (``schema_version``, ``generation``).

    Example:
        >>> delta = GraphDelta(removed_nodes={"Finding": ["finding:1"]}, meta={"generation": "g2"})
        >>> delta.size(), delta.is_empty()
        (1, False)
    """

    added_nodes: dict[str, list[NodeRow]] = field(default_factory=dict)
    changed_nodes: dict[str, list[NodeRow]] = field(default_factory=dict)
    removed_nodes: dict[str, list[str]] = field(default_factory=dict)
    added_relationships: dict[RelKey, list[tuple[str, str, dict]]] = field(default_factory=dict)
    changed_relationships: dict[RelKey, list[tuple[str, str, dict]]] = field(default_factory=dict)
    removed_relationships: dict[RelKey, list[tuple[str, str]]] = field(default_factory=dict)
    replaced_relationships: dict[RelKey, list[tuple[str, str, dict]]] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)

    def size(self) -> int:
        """Nodes and relationships added, changed or removed (the metadata not counted)."""
        groups = (self.added_nodes, self.changed_nodes, self.removed_nodes, self.added_relationships,
                  self.changed_relationships, self.removed_relationships, self.replaced_relationships)
        return sum(len(rows) for group in groups for rows in group.values())

    def is_empty(self) -> bool:
        """True when the delta changes no node and no relationship."""
        return self.size() == 0

    def counts(self) -> dict[str, int]:
        """``{"added_nodes": n, …}`` per attribute, for logs and the ingest summary."""
        return {name: sum(len(rows) for rows in getattr(self, name).values())
                for name in ("added_nodes", "changed_nodes", "removed_nodes", "added_relationships",
                             "changed_relationships", "removed_relationships", "replaced_relationships")
                if name != "replaced_relationships" or self.replaced_relationships}


@dataclass
class GraphIndex:
    """Digests of a graph's nodes and relationships, and the ``generation`` of the store they describe.

    Attributes:
        generation: the store's ``meta()["generation"]`` when the index was made ("" if none).
        nodes: node id ``"<Label>:<key>"`` -> 8-byte digest of its schema properties.
        edges: (source id, target id, type) -> 8-byte digest of its schema properties.
    """

    generation: str = ""
    nodes: dict[str, bytes] = field(default_factory=dict)
    edges: dict[EdgeId, bytes] = field(default_factory=dict)


def _digest(values: tuple) -> bytes:
    return hashlib.blake2b(repr(values).encode("utf-8"), digest_size=8).digest()


def node_values(data: dict) -> tuple:
    """A node's schema properties, in schema order (the digest's input)."""
    return tuple(data.get(name) for name in NODE_TABLES[data["label"]].properties)


def edge_values(data: dict) -> tuple:
    """A relationship's schema properties, in schema order."""
    return tuple(data.get(name) for name in REL_TABLES[data["type"]].properties)


def index_graph(graph: nx.MultiDiGraph, generation: str = "") -> GraphIndex:
    """The ``GraphIndex`` of a networkx graph shaped like ``kb.graph.build_graph`` output."""
    nodes = {node: _digest(node_values(data)) for node, data in graph.nodes(data=True)}
    edges = {(source, target, data["type"]): _digest(edge_values(data))
             for source, target, data in graph.edges(data=True)}
    return GraphIndex(generation, nodes, edges)


REPLACE_SHARE = 0.5
"""A relationship group (type, source label, target label) of at least ``REPLACE_MINIMUM`` relationships more
than this share of which is added, changed or removed is written whole (``GraphDelta.replaced_relationships``)."""
REPLACE_MINIMUM = 200


def graph_delta(old: GraphIndex, new: nx.MultiDiGraph, new_index: GraphIndex | None = None) -> GraphDelta:
    """What turns the graph ``old`` describes into ``new``.

    Args:
        old: the index of the stored graph.
        new: the new whole graph (``kb.graph.build_graph`` output).
        new_index: ``index_graph(new)`` when the caller already has it.

    Returns:
        A ``GraphDelta`` (its ``meta`` empty): added/changed nodes carry every schema property; relationships
        are keyed by their endpoints' keys and labels.

    Example:
        >>> graph = nx.MultiDiGraph(); graph.add_node("Issuer:渝府办发", label="Issuer", issuer_code="渝府办发")
        >>> graph_delta(GraphIndex(), graph).counts()["added_nodes"]
        1
    """
    new_index = new_index or index_graph(new)
    delta = GraphDelta()
    for node, digest in new_index.nodes.items():
        before = old.nodes.get(node)
        if before == digest:
            continue
        data = new.nodes[node]
        row = {name: data.get(name) for name in NODE_TABLES[data["label"]].properties}
        target = delta.added_nodes if before is None else delta.changed_nodes
        target.setdefault(data["label"], []).append(row)
    for node in old.nodes.keys() - new_index.nodes.keys():
        label, key = node.split(":", 1)
        delta.removed_nodes.setdefault(label, []).append(key)
    for edge, digest in new_index.edges.items():
        before = old.edges.get(edge)
        if before == digest:
            continue
        source, target, rel_type = edge
        data = new.edges[source, target, rel_type]
        (source_label, source_key), (target_label, target_key) = source.split(":", 1), target.split(":", 1)
        row = (source_key, target_key, {name: data.get(name) for name in REL_TABLES[rel_type].properties})
        group = delta.added_relationships if before is None else delta.changed_relationships
        group.setdefault((rel_type, source_label, target_label), []).append(row)
    removed_nodes = old.nodes.keys() - new_index.nodes.keys()
    for source, target, rel_type in old.edges.keys() - new_index.edges.keys():
        if source in removed_nodes or target in removed_nodes:
            continue  # goes with its node
        (source_label, source_key), (target_label, target_key) = source.split(":", 1), target.split(":", 1)
        delta.removed_relationships.setdefault((rel_type, source_label, target_label), []).append(
            (source_key, target_key))
    _replace_large_groups(delta, new, new_index)
    return delta


def _replace_large_groups(delta: GraphDelta, new: nx.MultiDiGraph, new_index: GraphIndex) -> None:
    """Move the relationship groups most of which changed into ``delta.replaced_relationships`` (whole)."""
    touched: dict[RelKey, int] = {}
    for group in (delta.added_relationships, delta.changed_relationships, delta.removed_relationships):
        for key, rows in group.items():
            touched[key] = touched.get(key, 0) + len(rows)
    if not any(count >= REPLACE_SHARE * REPLACE_MINIMUM for count in touched.values()):
        return
    types = {rel_type for rel_type, _, _ in touched}
    members: dict[RelKey, list[EdgeId]] = {}
    for edge in new_index.edges:
        if edge[2] in types:
            key = (edge[2], edge[0].split(":", 1)[0], edge[1].split(":", 1)[0])
            if key in touched:
                members.setdefault(key, []).append(edge)
    for key, count in touched.items():
        edges = members.get(key, [])
        if len(edges) < REPLACE_MINIMUM or count <= REPLACE_SHARE * len(edges):
            continue
        properties = REL_TABLES[key[0]].properties
        rows = []
        for source, target, rel_type in edges:
            data = new.edges[source, target, rel_type]
            rows.append((source.split(":", 1)[1], target.split(":", 1)[1],
                         {name: data.get(name) for name in properties}))
        delta.replaced_relationships[key] = rows
        for group in (delta.added_relationships, delta.changed_relationships, delta.removed_relationships):
            group.pop(key, None)


LINKED_LABELS = frozenset({"Issuer", "PolicyDocument", "Program", "LinkModel"})
"""Labels whose nodes linking (``kb.graph._add_links``) may change whatever documents changed."""
LINKED_TYPES = frozenset({"PART_OF", "POSSIBLY_SAME_AS", "CHILD_OF", "CITES", "ISSUED_BY"})
"""Relationship types linking or the subject hierarchy may add or change whatever documents changed."""


def patched_index(old: GraphIndex, new: nx.MultiDiGraph, nodes: set[str], edges: set[EdgeId]) -> GraphIndex:
    """The index of ``new`` computed only where it can differ from ``old``: the ``nodes`` and ``edges`` of the
    documents added, changed or removed (their ``kb.graph.DocumentPart``), every node and relationship
    linking makes (``LINKED_LABELS``, ``LINKED_TYPES``) and anything ``old`` lacks; every other digest is
    ``old``'s. A node or relationship only unchanged documents contribute is merged from the same parts in
    the same order, so its digest is the one stored.

    Args:
        old: the index of the stored graph (the one ``new`` was changed from).
        new: the new whole graph.
        nodes / edges: node ids and (source, target, type) of the changed documents' parts.

    Returns:
        A ``GraphIndex`` equal to ``index_graph(new)`` (generation "").
    """
    index = GraphIndex()
    old_nodes, old_edges = old.nodes, old.edges
    for node, data in new.nodes(data=True):
        digest = old_nodes.get(node)
        if digest is None or node in nodes or data["label"] in LINKED_LABELS:
            digest = _digest(node_values(data))
        index.nodes[node] = digest
    for source, target, data in new.edges(data=True):
        edge = (source, target, data["type"])
        digest = old_edges.get(edge)
        if digest is None or edge in edges or data["type"] in LINKED_TYPES:
            digest = _digest(edge_values(data))
        index.edges[edge] = digest
    return index


def load_index(folder: Path, generation: str) -> GraphIndex | None:
    """The index kept in ``folder`` if it describes ``generation``; None otherwise (missing, stale, damaged)."""
    try:
        with open(Path(folder) / INDEX_FILE, "rb") as stream:
            index = pickle.load(stream)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
        return None
    return index if isinstance(index, GraphIndex) and generation and index.generation == generation else None


def save_index(folder: Path, index: GraphIndex) -> None:
    """Keep ``index`` in ``folder/graph.index`` (temporary file + rename)."""
    target = Path(folder) / INDEX_FILE
    temporary = target.with_name(f".{INDEX_FILE}.tmp-{os.getpid()}")
    with open(temporary, "wb") as stream:
        pickle.dump(index, stream, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, target)
