"""Diff two versions of the graph by key: what an incremental ingest writes (``Store.apply_delta``).

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

import networkx as nx

from kb.core.schema import NODE_TABLES, REL_TABLES
from kb.store.base import GraphDelta

INDEX_FILE = "graph.index"
EdgeId = tuple[str, str, str]


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
    return delta


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
