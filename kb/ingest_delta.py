"""Adding documents without merging the corpus again: the delta of an ingest that only adds.

``kb.ingest`` builds the whole new graph and diffs it when documents are replaced or removed, the store is
empty or outdated, or the kept document layer (``kb.store.layer``) is not of the stored generation. When an
ingest only adds documents to a store whose layer is current, ``publish_added`` computes the same delta from
what the new documents touch:

- the document layer: the rows of every node and relationship the new parts name, read from
  ``<db>/graph.layer``, with the parts merged in by provenance (``kb.store.layer.add_part``), so a shared
  node (文件, issuer, subject, indicator, unit) gets exactly the values merging every part in order gives;
- linking's layer: the corpus is linked again from the kept inputs (``linking.link_inputs``: exact, the
  program model refitted on every project), and linking's nodes and relationships are rebuilt on the part
  of the graph linking reads (policy documents, issuers, subjects, project ids, CITES and ISSUED_BY:
  ``kb.graph.add_link_layer``) and compared whole with the stored ones;
- the diff: digests (``kb.store.delta``) of what the two steps produced, against the kept ``graph.index``.

Nothing else of the graph is read, merged or digested.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import networkx as nx

from kb.core.schema import NODE_TABLES, REL_TABLES
from kb.graph import DocumentPart, add_link_layer, node_id
from kb.ingest_files import no_cyclic_gc
from kb.store.base import new_meta
from kb.store import delta as store_delta
from kb.store.delta import (GraphDelta, GraphIndex, LINKED_LABELS, LINKED_TYPES, _digest, edge_values, load_index,
                            node_values, save_index)
from kb.store.derived import DerivedCache
from kb.store.layer import DocumentLayer, LayerChange, add_part
from linking import link_inputs
from linking.decisions import load_decisions

LINK_READ_LABELS = ("PolicyDocument", "Issuer", "Subject")
"""Labels of the document layer that linking and the subject hierarchy read or extend."""
LINK_READ_TYPES = ("CITES", "ISSUED_BY")
"""Relationship types of the document layer that linking reads (a citation never doubles a CITES)."""


@dataclass
class AddedDelta:
    """What ``added_delta`` computed: the delta to write, the index after it, the layer rows to keep."""

    delta: GraphDelta
    index: GraphIndex
    layer: LayerChange


def _node_row(data: dict) -> dict:
    return {name: data.get(name) for name in NODE_TABLES[data["label"]].properties}


def _edge_row(edge: tuple[str, str, str], data: dict) -> tuple[str, str, dict]:
    source, target, rel_type = edge
    return (source.split(":", 1)[1], target.split(":", 1)[1],
            {name: data.get(name) for name in REL_TABLES[rel_type].properties})


def _group(edge: tuple[str, str, str]) -> tuple[str, str, str]:
    source, target, rel_type = edge
    return rel_type, source.split(":", 1)[0], target.split(":", 1)[0]


def _link_view(layer: DocumentLayer, change: LayerChange) -> nx.MultiDiGraph:
    """The part of the merged document layer linking reads, with the new parts merged in: policy documents,
    issuers and subjects (copies of their data), every project (its id and label), CITES and ISSUED_BY."""
    graph = nx.MultiDiGraph()
    nodes = layer.nodes_of(LINK_READ_LABELS)
    nodes.update({identifier: node for identifier, node in change.nodes.items()
                  if node.data["label"] in LINK_READ_LABELS})
    for identifier, node in nodes.items():
        graph.add_node(identifier, **dict(node.data))
    projects = layer.ids_of("Project") | {identifier for identifier, node in change.nodes.items()
                                          if node.data["label"] == "Project"}
    for identifier in projects:
        graph.add_node(identifier, label="Project")
    edges = layer.edges_of(LINK_READ_TYPES)
    edges.update({edge: row for edge, row in change.edges.items() if edge[2] in LINK_READ_TYPES})
    for (source, target, rel_type), row in edges.items():
        graph.add_edge(source, target, key=rel_type, **dict(row.data))
    return graph


def added_delta(layer: DocumentLayer, old: GraphIndex, parts: list[DocumentPart], links) -> AddedDelta:
    """The delta that adds ``parts`` (documents new to the store) with the corpus linked as ``links``.

    Args:
        layer: the kept document layer, of the generation ``old`` describes.
        old: the index of the stored graph.
        parts: the new documents' parts (none of them stored).
        links: ``linking.link_inputs`` of the whole new corpus (``LinkResult``).

    Returns:
        An ``AddedDelta`` whose delta and index equal ``graph_delta`` / ``index_graph`` of the graph
        ``build_graph`` would make of the whole new corpus.
    """
    node_ids = {identifier for part in parts for identifier in part.nodes}
    edge_ids = {edge for part in parts for edge in part.edges}
    change = LayerChange(layer.nodes(node_ids), layer.edges(edge_ids))
    for part in sorted(parts, key=lambda part: part.order):
        add_part(change, part)
    view = _link_view(layer, change)
    add_link_layer(view, links)

    index = GraphIndex(old.generation, dict(old.nodes), dict(old.edges))
    delta = GraphDelta()
    new_nodes: dict[str, dict] = {}
    for identifier, data in view.nodes(data=True):
        if data["label"] in LINKED_LABELS:
            new_nodes[identifier] = data
    for identifier, node in change.nodes.items():
        if node.data["label"] not in LINKED_LABELS:
            new_nodes[identifier] = node.data
    for identifier, data in new_nodes.items():
        digest = _digest(node_values(data))
        before = old.nodes.get(identifier)
        if before != digest:
            target = delta.added_nodes if before is None else delta.changed_nodes
            target.setdefault(data["label"], []).append(_node_row(data))
            index.nodes[identifier] = digest
    removed_nodes = {identifier for identifier in old.nodes
                     if identifier.split(":", 1)[0] in LINKED_LABELS and identifier not in new_nodes}
    for identifier in removed_nodes:
        label, key = identifier.split(":", 1)
        delta.removed_nodes.setdefault(label, []).append(key)
        del index.nodes[identifier]

    new_edges: dict[tuple[str, str, str], dict] = {}
    for source, target, data in view.edges(data=True):
        if data["type"] in LINKED_TYPES:
            new_edges[(source, target, data["type"])] = data
    for edge, row in change.edges.items():
        if edge[2] not in LINKED_TYPES:
            new_edges[edge] = row.data
    for edge, data in new_edges.items():
        digest = _digest(edge_values(data))
        before = old.edges.get(edge)
        if before != digest:
            group = delta.added_relationships if before is None else delta.changed_relationships
            group.setdefault(_group(edge), []).append(_edge_row(edge, data))
            index.edges[edge] = digest
    for edge in [edge for edge in old.edges if edge[2] in LINKED_TYPES and edge not in new_edges]:
        del index.edges[edge]
        if edge[0] in removed_nodes or edge[1] in removed_nodes:
            continue  # goes with its node
        delta.removed_relationships.setdefault(_group(edge), []).append(
            (edge[0].split(":", 1)[1], edge[1].split(":", 1)[1]))
    _replace_linked_groups(delta, index, new_edges)
    return AddedDelta(delta, index, change)


def _replace_linked_groups(delta: GraphDelta, index: GraphIndex, new_edges: dict) -> None:
    """``kb.store.delta._replace_large_groups`` for linking's groups (the PART_OF memberships rescored by a
    refit): a group of at least ``REPLACE_MINIMUM`` relationships, more than ``REPLACE_SHARE`` of which
    changed, is written whole. Linking's layer holds every relationship of its types, so the group is at hand."""
    touched: dict[tuple[str, str, str], int] = {}
    for group in (delta.added_relationships, delta.changed_relationships, delta.removed_relationships):
        for key, rows in group.items():
            if key[0] in LINKED_TYPES:
                touched[key] = touched.get(key, 0) + len(rows)
    share, minimum = store_delta.REPLACE_SHARE, store_delta.REPLACE_MINIMUM  # read now: tests lower them
    for key, count in touched.items():
        if count < share * minimum:
            continue
        members = [edge for edge in new_edges if edge[2] == key[0] and _group(edge) == key]
        if len(members) < minimum or count <= share * len(members):
            continue
        delta.replaced_relationships[key] = [_edge_row(edge, new_edges[edge]) for edge in members]
        for group in (delta.added_relationships, delta.changed_relationships, delta.removed_relationships):
            group.pop(key, None)


def publish_added(store, published: dict[str, dict[str, str]], staged: dict, run, inputs: dict,
                  rebuilt_input: Callable[[str], object], full_share: float) -> bool:
    """Publish documents new to the store as a delta computed from what they touch (``added_delta``).

    Args:
        store: the open store (its writer lock held). published: the stored documents, doc_id -> {"file", "path"}.
        staged: doc_id -> (``DocumentPart``, ``DocumentInput``) of the new documents (records archived).
        run: ``kb.ingest``'s stage clock (``lap``, ``report``, ``summary``: filled here).
        inputs: doc_id -> ``DocumentInput`` of stored documents already read (taken out as used).
        rebuilt_input: doc_id -> its input computed from the archived record (an entry missing in ``derived/``).
        full_share: a delta over this share of the graph is left to the caller (written whole).

    Returns:
        False, having written nothing, when the kept document layer or graph index is not of the stored
        generation, or the delta is most of the graph (the caller then merges the whole corpus).
    """
    layer = DocumentLayer(store.folder)
    try:
        generation = store.meta().get("generation", "")
        old = load_index(store.folder, generation) if generation and layer.generation() == generation else None
        if old is None:
            return False
        with no_cyclic_gc():
            cache = DerivedCache(store.folder)
            documents = [document for _, document in staged.values()]
            for doc_id in published:
                document = inputs.pop(doc_id, None) or cache.get_input(doc_id)
                if document is None:  # missing or outdated: rebuilt from the archived record
                    document = rebuilt_input(doc_id)
                documents.append(document)
            run.lap("archive")
            run.report(0, 0, "linking")
            links = link_inputs(documents, load_decisions(store.folder))
            del documents
            run.lap("link")
            added = added_delta(layer, old, [part for part, _ in staged.values()], links)
            run.lap("diff")
        delta, index = added.delta, added.index
        if delta.size() > full_share * (len(index.nodes) + len(index.edges)):
            return False
        run.report(0, 0, "writing")
        meta = new_meta()
        if delta.is_empty():
            meta["generation"] = old.generation
        else:
            delta.meta = meta
            store.apply_delta(delta)
            run.summary.written = delta.counts()
        index.generation = meta["generation"]
        save_index(store.folder, index)
        layer.update(added.layer, meta["generation"])
        everything = dict(published)
        for part, _ in staged.values():
            everything[part.doc_id] = {"file": part.file, "path": part.nodes.get(
                node_id("Document", part.doc_id), {}).get("path") or ""}
        store.archive.publish(everything)
        run.lap("write")
        run.summary.documents = sum(1 for node in index.nodes if node.startswith("Document:"))
        run.summary.nodes, run.summary.relationships = len(index.nodes), len(index.edges)
        return True
    finally:
        layer.close()
