"""The question index of a store, built right after ingest so that no question pays for it.

Three files beside the graph in the ``--db`` folder, each keyed by the graph's generation (node count and
graph file size, ``kb.query.vocabulary.fingerprint``) and by a hash of the code that builds it:
- ``query-index.pkl``: the vocabulary and its gazetteer (``kb.query.vocabulary.vocabulary``), which every
  question loads (milliseconds) instead of reading the graph and building the automata (seconds);
- ``query-aggregates.pkl``: the results of the whole-graph aggregations (templates whose header says
  ``// precompute: yes``: most_cited_policies, policies_cited_by_several_units) with their default
  parameters, which otherwise collect every citation of the graph per question (≈ 100 ms CPU on 1,000
  documents); ``precomputed_result`` serves them;
- ``semantic-index.npz``: the passages of semantic search and their vectors (``kb.query.semantic.build_index``),
  read only when the fallback runs.
A question finding one missing or stale builds it and writes it (so a store ingested by an older version
still works); ``kb ingest``, ``kb remove`` and the app's upload call ``build_query_index`` after writing.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import time
from pathlib import Path
from typing import Any

from kb.query.templates import QueryResult, load_registry, run_template

AGGREGATES_FILE = "query-aggregates.pkl"


def build_query_index(store: Any) -> dict[str, float]:
    """Build (or confirm current) both index files of ``store``.

    Args:
        store: an open kb.store Store (embedded: files go to its folder; Neo4j: to the ``--db`` folder it was
            opened with).

    Returns:
        Seconds spent per part: {"vocabulary": s, "semantic": s}.

    Raises:
        StoreQueryFailed: from the store.
    """
    from kb.query import semantic
    from kb.query.vocabulary import Vocabulary, fingerprint, index_is_current, vocabulary

    began = time.perf_counter()
    count = fingerprint(store)
    probe = Vocabulary(fingerprint=count)  # what the checks below read: the generation
    if index_is_current(store, count) and _aggregates_current(store, probe) and semantic.index_is_current(store, probe):
        return {"vocabulary": round(time.perf_counter() - began, 2)}  # nothing changed (an ingest of known files)
    vocab = vocabulary(store, incremental=True)
    laps = {"vocabulary": time.perf_counter()}
    if vocab.units:
        _aggregates(store, vocab)
        laps["aggregates"] = time.perf_counter()
        if not semantic.index_is_current(store, vocab):
            semantic.write_index(store, vocab)  # read by a question when its fallback runs
        laps["semantic"] = time.perf_counter()
    seconds, previous = {}, began
    for part, now in laps.items():
        seconds[part], previous = round(now - previous, 2), now
    return seconds


def precomputed_result(store: Any, vocab: Any, name: str, params: dict[str, Any]) -> QueryResult | None:
    """The result of template ``name`` kept with the question index, when the template is precomputed
    (``// precompute: yes``) and every parameter is at its default; else None (run the template).

    Args:
        store: the open store. vocab: its ``kb.query.vocabulary.Vocabulary`` (holds the loaded results).
        name: a template name. params: the parameters the question gives.

    Returns:
        A fresh ``QueryResult`` (its list and row dicts are copies: callers may filter and extend them).

    Raises:
        TemplateNotFound / MissingParameter: as ``run_template``. StoreQueryFailed: from the store.
    """
    template = load_registry().get(name)
    if not template.precompute:
        return None
    bound = template.bind(dict(params))
    if any(bound.get(parameter.name) != parameter.default for parameter in template.parameters):
        return None
    stored = _aggregates(store, vocab).get(name)
    if stored is None:
        return None
    return QueryResult(stored.template, dict(stored.params), stored.cypher, list(stored.columns),
                       [dict(row) for row in stored.rows])


def _version() -> str:
    """A hash of this builder and of the precomputed templates' Cypher: either changed rebuilds the file."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for template in load_registry():
        if template.precompute:
            digest.update(template.cypher.encode("utf-8"))
    return digest.hexdigest()[:16]


def _aggregates_current(store: Any, vocab: Any) -> bool:
    """True when the kept precomputed results are of this builder and of ``vocab.fingerprint``."""
    folder = getattr(store, "folder", None)
    path = Path(folder) / AGGREGATES_FILE if folder else None
    if path is None or not path.exists():
        return False
    try:
        with path.open("rb") as handle:
            stored_version, stored_fingerprint, _ = pickle.load(handle)
    except Exception:  # damaged or foreign: not current
        return False
    return stored_version == _version() and tuple(stored_fingerprint) == tuple(vocab.fingerprint)


def _aggregates(store: Any, vocab: Any) -> dict[str, QueryResult]:
    """The precomputed results of this graph generation: in memory, else from the file, else run and written."""
    cached = vocab.cache.get("aggregates")
    if cached is not None:
        return cached
    folder = getattr(store, "folder", None)
    path = Path(folder) / AGGREGATES_FILE if folder else None
    version = _version()
    if path is not None and path.exists():
        try:
            with path.open("rb") as handle:
                stored_version, fingerprint, results = pickle.load(handle)
            if stored_version == version and tuple(fingerprint) == tuple(vocab.fingerprint):
                cached = results
        except Exception:  # a damaged or foreign file is rebuilt, never trusted
            cached = None
    if cached is None:
        cached = {template.name: run_template(store, template.name, {}) for template in load_registry()
                  if template.precompute}
        if path is not None:
            try:
                temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
                with temporary.open("wb") as handle:
                    pickle.dump((version, tuple(vocab.fingerprint), cached), handle)
                os.replace(temporary, path)
            except OSError:  # a read-only folder: kept in memory only
                pass
    vocab.cache["aggregates"] = cached
    return cached


__all__ = ["AGGREGATES_FILE", "build_query_index", "precomputed_result"]
