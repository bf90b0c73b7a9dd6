"""The question index of a store, built right after ingest so that no question pays for it.

Two files beside the graph in the ``--db`` folder, both keyed by the graph's generation (node count and
graph file size, ``kb.query.vocabulary.fingerprint``) and by a hash of the code that builds them:
- ``query-index.pkl``: the vocabulary and its gazetteer (``kb.query.vocabulary.vocabulary``), which every
  question loads (milliseconds) instead of reading the graph and building the automata (seconds);
- ``semantic-index.npz``: the passages of semantic search and their vectors (``kb.query.semantic.build_index``),
  read only when the fallback runs.
A question finding either missing or stale builds it and writes it (so a store ingested by an older version
still works); ``kb ingest``, ``kb remove`` and the app's upload call ``build_query_index`` after writing.
"""

from __future__ import annotations

import time
from typing import Any


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
    from kb.query.vocabulary import vocabulary

    began = time.perf_counter()
    vocab = vocabulary(store)
    middle = time.perf_counter()
    if vocab.units:
        vocab.cache["semantic index"] = semantic.load_index(store, vocab) or semantic.build_index(store, vocab)
    return {"vocabulary": round(middle - began, 2), "semantic": round(time.perf_counter() - middle, 2)}


__all__ = ["build_query_index"]
