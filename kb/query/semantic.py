"""Semantic search over project names, overviews, goals, bases and policy titles: the fallback of ``kb ask``.

Each project becomes one passage (name, overview, 立项依据, goal and the titles of the 文件 it cites),
with common abbreviations spelled out (民师 -> 民办教师 ...), so "民办教师补助" finds 荣昌区民师生活医疗补助.
A passage's score is the character n-gram cosine (0..1) with the question's content words, plus — when a
sentence-transformers model is named (``KB_EMBEDDING_MODEL``, e.g. a Chinese model such as bge-small-zh) and loads —
0.3 × (the model's cosine of the question with the project's name − 0.5).

The passages and their vectors (lexical, and the named model's) are computed at ingest (``build_index``, called
by ``kb.query.index.build_query_index``) and kept in ``<db>/semantic-index.npz``; a question reads them from there
(``load_index``) only when the fallback runs, and the model itself is loaded only then, to embed the question.

Example:
    >>> hits = search(store, vocab, "民办教师补助", top_k=3)  # doctest: +SKIP
    >>> hits[0].project  # doctest: +SKIP
    '代发民办教师养老和医疗补助资金'
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kb import embeddings
from kb.query.templates import run_internal
from kb.query.sparse_rows import WIDTH, SparseRows, gather
from kb.query.vocabulary import Vocabulary
from kb.core.normalize import match_key

# Short forms the beneficiary-group vocabulary (linking/data/beneficiary_groups.csv) does not list as aliases.
# Its groups (民师 = 民办教师, 军转干 = 军转干部 …) are spelled out from that file by ``expand``.
ABBREVIATIONS = {"社保": "社会保险", "职教幼教": "职业教育 幼儿教育 教师", "离休": "离休干部", "退捕": "退捕渔民"}
MODEL_WEIGHT = 0.3
MODEL_MAX_PASSAGES = 20000  # above this, projects are compared lexically only (encoding would take many minutes)
MIN_SCORE = 0.2  # below this (lexical cosine scale) a passage is not an answer



@dataclass(frozen=True)
class Hit:
    """One project found by semantic search; ``score`` as described in the module docstring."""

    unit: str
    year: int | None
    project: str
    amount: float | None
    file: str | None
    line: int | None
    score: float
    programs: tuple[str, ...] = ()
    doc_nos: tuple[str, ...] = ()

    def to_row(self) -> dict:
        """The row shape of a semantic answer: unit, year, project, amount (万元), score, the project's
        programs and cited 文号 (its graph context), file, line."""
        return {"unit": self.unit, "year": self.year, "project": self.project, "amount": self.amount,
                "score": round(self.score, 3), "programs": list(self.programs), "doc_nos": list(self.doc_nos),
                "file": self.file, "line": self.line}


COLUMNS = ["unit", "year", "project", "amount", "score", "programs", "doc_nos", "file", "line"]


Groups = tuple[tuple[str, tuple[str, ...]], ...]  # (group name, its aliases as match keys), in vocabulary order


@functools.lru_cache(maxsize=1)
def beneficiary_group_terms() -> Groups:
    """linking's beneficiary groups (linking/data/beneficiary_groups.csv) as (name, aliases): read when the index
    is built (at ingest) and stored with it, so a question's fallback does not import the linking package
    (its records and models: ≈ 0.7 s CPU)."""
    from linking.vocabulary import beneficiary_groups

    return tuple((term.name, tuple(term.aliases)) for term in beneficiary_groups())


@functools.lru_cache(maxsize=65536)
def expand(text: str, groups: Groups | None = None) -> str:
    """``text`` followed by the full name of each beneficiary group it names only by a short form (``groups``,
    default linking's vocabulary, linking/data/beneficiary_groups.csv: 民师 -> 民办教师, 军转干 -> 军转干部), then by
    the full form of each other abbreviation (``ABBREVIATIONS``: 社保 -> 社会保险).

    Example:
        >>> expand("荣昌区民师生活医疗补助"), expand("代发民办教师养老和医疗补助资金")
        ('荣昌区民师生活医疗补助 民办教师', '代发民办教师养老和医疗补助资金')
    """
    expanded, key = text, match_key(text)
    for name, aliases in beneficiary_group_terms() if groups is None else groups:
        if key and any(alias in key for alias in aliases) and match_key(name) not in key:
            expanded = f"{expanded} {name}"
    for short, full in ABBREVIATIONS.items():
        if short in text:
            expanded = f"{expanded} {full}"
    return expanded


INDEX_FILE = "semantic-index.npz"  # beside the graph in the --db folder, written at ingest (``build_index``)


@dataclass
class SemanticIndex:
    """The passages of semantic search and their vectors, as written at ingest.

    Attributes:
        rows: one dict per project passage (``cypher/internal/semantic_passages``: unit, year, project,
            amount 万元, titles, doc_nos, programs, file, line), ordered by project_id.
        names / passages: lexical vectors (``kb.embeddings.lexical_embed``) of the expanded names and of the
            whole passages, float32 of shape (n, 2048).
        model_vectors: the named model's vectors of the expanded names, float32 (n, d), or None.
        model: the ``KB_EMBEDDING_MODEL`` the model vectors were computed with ("" when none).
        fingerprint: the graph generation (``kb.query.vocabulary.fingerprint``) the index was built at.
        groups: the beneficiary groups a question is expanded with (``beneficiary_group_terms``, as built).
    """

    rows: list[dict]
    names: np.ndarray
    passages: np.ndarray
    model_vectors: np.ndarray | None
    model: str
    fingerprint: tuple[int, int]
    groups: Groups = ()


def _version() -> str:
    """A hash of the code that builds the passages and their vectors: a changed builder rebuilds the file."""
    digest = hashlib.sha256()
    for module in (__file__, embeddings.__file__):
        digest.update(Path(module).read_bytes())
    return digest.hexdigest()[:16]


def _index_path(store: Any) -> Path | None:
    folder = getattr(store, "folder", None)
    return Path(folder) / INDEX_FILE if folder else None


def _sparse(matrix: "SparseRows", prefix: str) -> dict[str, np.ndarray]:
    """A mostly-zero (n, 2048) matrix (the lexical vectors hold ~150 non-zeros of 2,048) as the coordinate
    arrays kept in the file: row, column and value of each non-zero, row by row, and the shape."""
    lengths = np.diff(matrix.pointer)
    return {f"{prefix}_rows": np.repeat(np.arange(len(lengths), dtype=np.int32), lengths),
            f"{prefix}_columns": matrix.columns, f"{prefix}_values": matrix.values,
            f"{prefix}_shape": np.array((len(lengths), WIDTH), dtype=np.int64)}


def _dense(arrays: Any, prefix: str) -> np.ndarray:
    matrix = np.zeros(tuple(arrays[f"{prefix}_shape"]), dtype=np.float32)
    matrix[arrays[f"{prefix}_rows"], arrays[f"{prefix}_columns"].astype(np.int64)] = arrays[f"{prefix}_values"]
    return matrix


def _model_vectors(names: list[str], model: str) -> np.ndarray | None:
    """The named model's vectors of ``names``, or None when no model is named, none loads, or there are more
    than ``MODEL_MAX_PASSAGES`` passages."""
    if not model or not names or len(names) > MODEL_MAX_PASSAGES or not embeddings.uses_model():
        return None
    return embeddings.embed(names)


def _passage_key(row: dict) -> str:
    """What a passage's lexical vectors depend on: its project name and texts (one row of semantic_passages)."""
    return json.dumps([row["project"], row["overview"], row["basis_text"], row["goal"],
                       sorted(title for title in row["titles"] if title)], ensure_ascii=False, default=str)


def _previous_vectors(store: Any) -> tuple[dict[str, int], SparseRows, SparseRows] | None:
    """The lexical (name, passage) vectors of the index written before, with the row of each passage key
    (``_passage_key``): an ingest that adds one document embeds only its passages. None when there is no
    readable index of the same builder. The rows themselves are not read back (their keys are kept)."""
    path = _index_path(store)
    if path is None or not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as arrays:
            if str(arrays["version"]) != _version():
                return None
            keys = json.loads(str(arrays["keys"]))
            return ({key: number for number, key in enumerate(keys)}, SparseRows.stored(arrays, "names"),
                    SparseRows.stored(arrays, "passages"))
    except (OSError, ValueError, KeyError):
        return None


_EMBED_CHUNK = 4096  # texts embedded at a time: a dense (4096, 2048) float32 block is 32 MB


def _embedded(texts: list[str]) -> SparseRows:
    """Lexical vectors of ``texts`` (``kb.embeddings.lexical_embed``) as sparse rows, embedded a chunk at a
    time so that no dense matrix of every text is made."""
    if len(texts) <= _EMBED_CHUNK:
        return SparseRows.of(embeddings.lexical_embed(texts))
    chunks = [SparseRows.of(embeddings.lexical_embed(texts[at:at + _EMBED_CHUNK]))
              for at in range(0, len(texts), _EMBED_CHUNK)]
    return gather([(chunk, row) for chunk in chunks for row in range(len(chunk.pointer) - 1)])


def _lexical_vectors(rows: list[dict], keys: list[str],
                     previous: tuple[dict[str, int], SparseRows, SparseRows] | None) -> tuple[SparseRows, SparseRows]:
    """Lexical vectors of the expanded names and whole passages of ``rows`` (sparse rows); rows whose texts
    are unchanged (same ``keys``) take their vectors from ``previous``, the others are expanded and embedded.
    Never a dense (n, 2048) matrix of the whole corpus (655 MB each at 10,000 documents)."""
    known = previous[0] if previous else {}
    missing = [number for number, key in enumerate(keys) if key not in known]
    names = _embedded([expand(rows[number]["project"] or "") for number in missing])
    passages = _embedded([expand(" ".join(filter(None, [
        rows[number]["project"], rows[number]["overview"], rows[number]["basis_text"], rows[number]["goal"],
        *sorted(title for title in rows[number]["titles"] if title)]))) for number in missing])
    fresh = {number: position for position, number in enumerate(missing)}
    name_picks, passage_picks = [], []
    for number, key in enumerate(keys):
        if number in fresh:
            name_picks.append((names, fresh[number]))
            passage_picks.append((passages, fresh[number]))
        else:
            name_picks.append((previous[1], known[key]))
            passage_picks.append((previous[2], known[key]))
    return gather(name_picks), gather(passage_picks)


def write_index(store: Any, vocab: Vocabulary) -> tuple[list[dict], SparseRows, SparseRows, np.ndarray | None, str]:
    """Compute the passages and their vectors from ``store`` and write them to ``<db>/semantic-index.npz``.

    Lexical vectors of passages whose texts are unchanged are taken from the file written before
    (``_previous_vectors``), so adding one document embeds only its passages; the matrices stay sparse
    throughout. A read-only folder (or a Neo4j store without one) keeps nothing.

    Returns:
        (rows, name vectors, passage vectors, the named model's vectors or None, the model's name or "").

    Raises:
        StoreQueryFailed: from the store.
    """
    rows = run_internal(store, "semantic_passages")
    keys = [_passage_key(row) for row in rows]
    model = embeddings.model_named()
    names, passages = _lexical_vectors(rows, keys, _previous_vectors(store))
    model_vectors = _model_vectors([expand(row["project"] or "") for row in rows], model) if model else None
    model = model if model_vectors is not None else ""
    path = _index_path(store)
    if path is not None:
        arrays = {"version": np.array(_version()), "fingerprint": np.array(tuple(vocab.fingerprint), dtype=np.int64),
                  "rows": np.array(json.dumps(rows, ensure_ascii=False, default=str)), "model": np.array(model),
                  "keys": np.array(json.dumps(keys, ensure_ascii=False)),
                  "groups": np.array(json.dumps(beneficiary_group_terms(), ensure_ascii=False)),
                  **_sparse(names, "names"), **_sparse(passages, "passages")}
        if model_vectors is not None:
            arrays["model_vectors"] = model_vectors
        try:
            temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp.npz")
            np.savez(temporary, **arrays)
            os.replace(temporary, path)
        except OSError:  # a read-only folder: the index lives in memory only
            pass
    return rows, names, passages, model_vectors, model


def build_index(store: Any, vocab: Vocabulary) -> SemanticIndex:
    """``write_index``, then the index in memory (dense matrices, as ``search`` uses them).

    Called when a question finds no current index (``kb.query.index.build_query_index`` writes it after every
    ingest, so a question never computes it); the model vectors are computed only when ``KB_EMBEDDING_MODEL``
    names a model.

    Raises:
        StoreQueryFailed: from the store.
    """
    rows, names, passages, model_vectors, model = write_index(store, vocab)
    return SemanticIndex(rows, names.dense(), passages.dense(), model_vectors, model, tuple(vocab.fingerprint),
                         beneficiary_group_terms())


def index_is_current(store: Any, vocab: Vocabulary) -> bool:
    """True when ``<db>/semantic-index.npz`` is of this builder and graph generation and holds the vectors of
    the model ``KB_EMBEDDING_MODEL`` names (its matrices are not read)."""
    path = _index_path(store)
    if path is None or not path.exists():
        return False
    try:
        with np.load(path, allow_pickle=False) as arrays:
            stored_model = str(arrays["model"])
            return (str(arrays["version"]) == _version() and tuple(arrays["fingerprint"]) == tuple(vocab.fingerprint)
                    and (not embeddings.model_named() or embeddings.model_named() == stored_model))
    except (OSError, ValueError, KeyError):
        return False


def load_index(store: Any, vocab: Vocabulary) -> SemanticIndex | None:
    """The index written at ingest, or None when it is missing, damaged, of another graph generation or
    builder, or lacks the vectors of the model ``KB_EMBEDDING_MODEL`` now names (its vectors are then
    computed again)."""
    path = _index_path(store)
    if path is None or not path.exists():
        return None
    try:
        with np.load(path, allow_pickle=False) as arrays:
            if str(arrays["version"]) != _version() or tuple(arrays["fingerprint"]) != tuple(vocab.fingerprint):
                return None
            stored_model = str(arrays["model"])
            if embeddings.model_named() != stored_model and embeddings.model_named():
                return None
            vectors = arrays["model_vectors"] if stored_model and embeddings.model_named() else None
            return SemanticIndex(json.loads(str(arrays["rows"])), _dense(arrays, "names"),
                                 _dense(arrays, "passages"), vectors, stored_model if vectors is not None else "",
                                 tuple(vocab.fingerprint), tuple((name, tuple(aliases)) for name, aliases
                                                                 in json.loads(str(arrays["groups"]))))
    except (OSError, ValueError, KeyError):  # damaged or foreign: rebuilt, never trusted
        return None


def _index(store: Any, vocab: Vocabulary) -> SemanticIndex:
    """The index of this store generation: in memory, else from disk, else built (and written)."""
    cached = vocab.cache.get("semantic index")
    if cached is None:
        cached = load_index(store, vocab) or build_index(store, vocab)
        vocab.cache["semantic index"] = cached
    return cached


def search(store: Any, vocab: Vocabulary, text: str, top_k: int = 8) -> list[Hit]:
    """The projects nearest to ``text`` (content words of a question), best first, above ``MIN_SCORE``.

    Args:
        store: the graph store. vocab: its vocabulary (holds the cached index). text: what to look for.
        top_k: how many hits at most.

    Returns:
        Up to ``top_k`` ``Hit``s with score ≥ ``MIN_SCORE``.
    """
    index = _index(store, vocab)
    rows, name_vectors, passage_vectors, model_vectors = index.rows, index.names, index.passages, index.model_vectors
    vocab.cache["semantic with model"] = model_vectors is not None
    if not rows or not text.strip():
        return []
    query = embeddings.lexical_embed([expand(text, index.groups or None)])[0]
    lexical = np.maximum(name_vectors @ query, 0.8 * (passage_vectors @ query))
    scores = lexical.copy()
    if model_vectors is not None:
        scores = scores + MODEL_WEIGHT * (model_vectors @ embeddings.embed([text])[0] - 0.5)
    order = np.argsort(-scores, kind="stable")  # ties keep the passages' order (by project_id)
    hits = []
    for index in order[:top_k]:
        if lexical[index] < MIN_SCORE:
            continue
        row = rows[int(index)]
        hits.append(Hit(row["unit"], row["year"], row["project"], row["amount"], row["file"], row["line"],
                        float(scores[index]), tuple(sorted({g for g in row["programs"] if g})),
                        tuple(sorted({d for d in row["doc_nos"] if d}))))
    return hits


def method_name(vocab: Vocabulary | None = None) -> str:
    """How the last search compared texts, for the answer sentence ("字符 n-gram + all-MiniLM-L6-v2")."""
    with_model = bool(embeddings.model_named()) if vocab is None else vocab.cache.get("semantic with model", False)
    return "字符 n-gram" + (f" + {embeddings.embedder_name()}" if with_model else "（词法检索，未用嵌入模型）")


__all__ = ["ABBREVIATIONS", "COLUMNS", "Hit", "expand", "method_name", "search"]
