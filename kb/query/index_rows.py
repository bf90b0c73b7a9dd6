"""The graph rows the question vocabulary is made of, kept beside the store and updated per changed document.

The vocabulary (``kb.query.vocabulary``) is a function of a few properties of eight node labels and of the
RUNS relationships (which unit runs which project). ``VocabularyRows`` holds exactly those rows, by node key,
plus which vocabulary nodes each published document contributes (from its kept graph part,
``<db>/derived/<doc_id>.pickle``, ``kb.store.derived``). After an ingest, ``update_rows`` compares the
published documents with the ones the rows were read at and reads back from the store only:

- the nodes of the added, changed and removed documents' parts (their keys, ``WHERE key IN $keys``) and the
  RUNS relationships of their projects: a node no changed document touches keeps its stored properties (the
  merge of parts is the same for it, ``kb.store.delta.patched_index`` relies on the same fact);
- every node linking or the subject hierarchy may change whatever document changed (``WHOLE_LABELS``:
  PolicyDocument, Issuer, Program, and Subject, whose parents no part holds): a few thousand small rows.

So the rows after an update equal the rows a from-scratch read gives (``read_rows``), and so does the
vocabulary built from them (tests/test_query_index_incremental.py compares them after every add, change and
removal). Rows are kept in ``<db>/query-rows.pkl`` (temporary file + rename) with the code version and the
documents they describe; a missing, foreign or damaged file, or a document whose part is not kept, means a full
read.

Example:
    >>> rows = update_rows(store)  # doctest: +SKIP
    >>> sorted(rows.nodes)[:2]  # doctest: +SKIP
    ['Document', 'Indicator']
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kb.core.errors import StoreQueryFailed
from kb.core.schema import NODE_TABLES
from kb.store.base import SCHEMA_VERSION

ROWS_FILE = "query-rows.pkl"
ROW_PROPERTIES: dict[str, tuple[str, ...]] = {
    "Unit": ("name", "region", "aliases"),
    "Project": ("name", "year"),
    "Document": ("file", "path"),
    "Indicator": ("name", "level1", "level2"),
    "PolicyDocument": ("doc_no", "issuer_code", "title", "titles"),
    "Issuer": ("issuer_code", "name"),
    "Subject": ("scheme", "code", "name"),
    "Program": ("name", "keywords"),
}
"""Label -> the properties the vocabulary reads (``kb.query.vocabulary.vocabulary_from_rows``)."""
WHOLE_LABELS = frozenset({"PolicyDocument", "Issuer", "Program", "Subject"})
"""Labels read whole on every update: linking (文件 titles, issuers, programs) or the subject hierarchy may
change their nodes whatever documents changed."""
PART_LABELS = frozenset(ROW_PROPERTIES) - WHOLE_LABELS
"""Labels read by key: only the documents whose parts hold a node can change it."""
_KEY_BATCH = 2000


@dataclass
class VocabularyRows:
    """The rows of the vocabulary labels, by node key, and what each published document contributes.

    Attributes:
        version: the code version the rows were read with (``_version``).
        documents: doc_id -> node ids (``"<Label>:<key>"``) of ``PART_LABELS`` its kept part holds.
        nodes: label -> node key -> {property: value} (``ROW_PROPERTIES``, typed as stored).
        runs: project key -> keys of the units that run it (RUNS).
        part_version: the ``kb.graph.PART_VERSION`` of the parts ``documents`` was read from (a graph rewritten
            whole from parts of another version, same documents, is read again).
        memo: results of the pure steps of building the vocabulary and its gazetteer, kept so the next
            build recomputes only new names' (``kb.query.gazetteer.Gazetteer.build``); never part of a result.
    """

    version: str = ""
    documents: dict[str, tuple[str, ...]] = field(default_factory=dict)
    nodes: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)
    runs: dict[str, list[str]] = field(default_factory=dict)
    memo: dict = field(default_factory=dict, repr=False)
    part_version: int = -1

    def project_rows(self) -> list[dict[str, Any]]:
        """One row per RUNS relationship, as ``cypher/internal/vocabulary_projects`` returns them:
        {"name": project name, "unit": unit name, "year": int or None}, unordered."""
        units, projects = self.nodes.get("Unit", {}), self.nodes.get("Project", {})
        rows = []
        for project_key, unit_keys in self.runs.items():
            project = projects.get(project_key)
            if project is None:
                continue
            for unit_key in unit_keys:
                unit = units.get(unit_key)
                if unit is not None:
                    rows.append({"name": project["name"], "unit": unit["name"], "year": project["year"]})
        return rows


def _version() -> str:
    """A hash of this module and the store schema version: rows read by another version are read again."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(SCHEMA_VERSION.encode())
    return digest.hexdigest()[:16]


def _derived_cache(folder: Any) -> tuple[Any, int]:
    """The store folder's ``kb.store.derived.DerivedCache`` and ``kb.graph.PART_VERSION``, imported here: a
    question that reads the vocabulary from scratch (``read_rows(store, published=[])``) loads neither
    networkx nor linking."""
    from kb.graph import PART_VERSION
    from kb.store.derived import DerivedCache

    return DerivedCache(folder), PART_VERSION


def _node_cypher(label: str, by_key: bool, properties: tuple[str, ...]) -> str:
    key = NODE_TABLES[label].key
    columns = ", ".join(f"n.{name} AS {name}" for name in properties if name != key)
    where = f" WHERE n.{key} IN $keys" if by_key else ""
    return f"MATCH (n:{label}){where} RETURN n.{key} AS key__{', ' + columns if columns else ''}"


def _read_nodes(store: Any, label: str, keys: list[str] | None) -> dict[str, dict[str, Any]]:
    """Rows of ``label`` (all, or those whose key is in ``keys``), by key. A store built before
    Program.keywords existed gives its programs' names with no keywords."""
    if label == "Program":
        try:
            return _read_label(store, label, keys, ROW_PROPERTIES[label])
        except StoreQueryFailed:
            found = _read_label(store, label, keys, ("name",))
            return {key: dict(row, keywords=[]) for key, row in found.items()}
    return _read_label(store, label, keys, ROW_PROPERTIES[label])


def _read_label(store: Any, label: str, keys: list[str] | None, properties: tuple[str, ...]
                ) -> dict[str, dict[str, Any]]:
    key_name = NODE_TABLES[label].key
    batches = [None] if keys is None else [keys[at:at + _KEY_BATCH] for at in range(0, len(keys), _KEY_BATCH)]
    found: dict[str, dict[str, Any]] = {}
    for batch in batches:
        rows = store.read(_node_cypher(label, batch is not None, properties), {"keys": batch} if batch is not None else {},
                          f"index rows {label}")
        for row in rows:
            key = row.pop("key__")
            if key_name in properties:
                row[key_name] = key
            found[key] = row
    return found


def _read_runs(store: Any, projects: list[str] | None) -> dict[str, list[str]]:
    """RUNS relationships (all, or those of ``projects``): project key -> unit keys, sorted."""
    runs: dict[str, list[str]] = {}
    batches = [None] if projects is None else [projects[at:at + _KEY_BATCH]
                                               for at in range(0, len(projects), _KEY_BATCH)]
    for batch in batches:
        where = " WHERE p.project_id IN $keys" if batch is not None else ""
        rows = store.read(f"MATCH (u:Unit)-[:RUNS]->(p:Project){where} RETURN u.unit_id AS unit, "
                          "p.project_id AS project", {"keys": batch} if batch is not None else {}, "index rows RUNS")
        for row in rows:
            runs.setdefault(row["project"], []).append(row["unit"])
    return {project: sorted(units) for project, units in runs.items()}


def _part_nodes(cache: Any, doc_id: str) -> tuple[str, ...] | None:
    """Node ids of ``PART_LABELS`` in the kept part of ``doc_id``; None when it is not kept."""
    kept = cache.get(doc_id)
    if kept is None:
        return None
    return tuple(sorted(node for node in kept[0].nodes if node.split(":", 1)[0] in PART_LABELS))


def read_rows(store: Any, published: list[str] | None = None) -> VocabularyRows:
    """Every vocabulary row of ``store`` (a from-scratch read) and each published document's nodes.

    Args:
        store: an open store. published: its published doc_ids (read when None).

    Raises:
        StoreQueryFailed: from the store.
    """
    if published is None:
        published = list(store.published_documents())
    rows = VocabularyRows(_version())
    rows.nodes = {label: _read_nodes(store, label, None) for label in ROW_PROPERTIES}
    rows.runs = _read_runs(store, None)
    cache = None
    if published and getattr(store, "folder", None):
        cache, rows.part_version = _derived_cache(store.folder)
    for doc_id in published:
        nodes = _part_nodes(cache, doc_id) if cache is not None else None
        if nodes is not None:
            rows.documents[doc_id] = nodes
    return rows


def update_rows(store: Any, rows: VocabularyRows | None = None, save: bool = True) -> VocabularyRows:
    """The rows of the store as it is now: ``rows`` (else the kept file) updated from the changed documents'
    parts, or a full ``read_rows`` when nothing usable is kept (the memo is carried over either way).

    Args:
        store: an open store. rows: rows read before (default: ``load_rows``).
        save: write the result to ``<db>/query-rows.pkl`` (else the caller calls ``save_rows``).

    Returns:
        ``VocabularyRows`` equal to ``read_rows(store)``.

    Raises:
        StoreQueryFailed: from the store.
    """
    published = list(store.published_documents())
    rows = rows if rows is not None else load_rows(store)
    fresh = _updated(store, rows, published) if rows is not None else None
    if fresh is None:
        fresh = read_rows(store, published)
        if rows is not None:
            fresh.memo = rows.memo
    if save:
        save_rows(store, fresh)
    return fresh


def _updated(store: Any, rows: VocabularyRows, published: list[str]) -> VocabularyRows | None:
    """``rows`` brought to the store's published documents by key; None when a changed part is not kept."""
    if rows.version != _version():
        return None
    now, before = set(published), set(rows.documents)
    if not getattr(store, "folder", None):
        return None
    cache, part_version = _derived_cache(store.folder)
    if rows.part_version != part_version and rows.documents:
        return None
    documents = {doc_id: nodes for doc_id, nodes in rows.documents.items() if doc_id in now}
    touched = {node for doc_id in before - now for node in rows.documents[doc_id]}
    for doc_id in sorted(now - before):
        nodes = _part_nodes(cache, doc_id)
        if nodes is None:
            return None
        documents[doc_id] = nodes
        touched.update(nodes)
    if len(documents) != len(now):
        return None  # a published document without a kept part: its nodes are unknown
    fresh = VocabularyRows(rows.version, documents, dict(rows.nodes), dict(rows.runs), rows.memo, part_version)
    by_label: dict[str, list[str]] = {}
    for node in touched:
        label, key = node.split(":", 1)
        by_label.setdefault(label, []).append(key)
    for label in ROW_PROPERTIES:
        if label in WHOLE_LABELS:
            fresh.nodes[label] = _read_nodes(store, label, None)
            continue
        keys = sorted(by_label.get(label, ()))
        if not keys:
            continue
        nodes = dict(rows.nodes.get(label, {}))
        for key in keys:
            nodes.pop(key, None)
        nodes.update(_read_nodes(store, label, keys))
        fresh.nodes[label] = nodes
    projects = sorted(by_label.get("Project", ()))
    if projects:
        for key in projects:
            fresh.runs.pop(key, None)
        fresh.runs.update(_read_runs(store, projects))
    return fresh


def _path(store: Any) -> Path | None:
    folder = getattr(store, "folder", None)
    return Path(folder) / ROWS_FILE if folder else None


def load_rows(store: Any) -> VocabularyRows | None:
    """The rows kept in ``<db>/query-rows.pkl``; None when missing, damaged or of another version."""
    path = _path(store)
    if path is None or not path.exists():
        return None
    try:
        with path.open("rb") as handle:
            rows = pickle.load(handle)
    except Exception:  # a damaged or foreign file is read again, never trusted
        return None
    return rows if isinstance(rows, VocabularyRows) and rows.version == _version() else None


def save_rows(store: Any, rows: VocabularyRows) -> None:
    """Keep ``rows`` in ``<db>/query-rows.pkl`` (temporary file + rename; a read-only folder keeps nothing)."""
    path = _path(store)
    if path is None:
        return
    try:
        temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with temporary.open("wb") as handle:
            pickle.dump(rows, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        pass


__all__ = ["ROWS_FILE", "VocabularyRows", "load_rows", "read_rows", "save_rows", "update_rows"]
