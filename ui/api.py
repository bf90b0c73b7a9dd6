"""The app's view-model layer: one cached store, and every kb call the pages make.

The pages never build Cypher or parse documents; they call the functions here, which call the kb
API (``kb.store``, ``kb.ingest``, ``kb.query``, ``linking``, ``kb.checks``, ``kb.export``) and turn
results into pandas frames. The store is opened once per (database folder, backend) and cached with
``st.cache_resource``: LadybugDB allows one read-write Database object per folder per process, so
every page and every session share it.

Settings come from the environment: ``KB_DB`` (database folder, default ``./kb-data``),
``KB_BACKEND`` (``embedded`` or ``neo4j``, default ``embedded``) and ``KB_READ_ONLY`` ("1": no uploads,
no link decisions), as ``kb ui`` sets them.

The app sees changes made elsewhere (``kb ingest``, ``kb links accept`` in a terminal): what is cached
from the store's content is keyed by ``store_generation()``, which each page run reads again. Uploads are
parsed in worker processes (``kb.ingest`` -> ``kb.isolation.parse_files``), never in the server process,
so a hostile upload costs one error line, not the app.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import streamlit as st

from kb.core.errors import KBError, ReadOnly
from kb.core.messages import error_line, render
from kb.query.labels import LABEL_NAMES
from ui.frames import rows_frame

DEFAULT_DB = "kb-data"
DEFAULT_BACKEND = "embedded"


def store_settings() -> tuple[str, str]:
    """The database folder and backend the app serves, from ``KB_DB`` and ``KB_BACKEND``.

    Returns:
        ``(db, backend)``; db is made absolute so the cache key does not depend on the working folder.
    """
    db = os.environ.get("KB_DB") or DEFAULT_DB
    backend = os.environ.get("KB_BACKEND") or DEFAULT_BACKEND
    return str(Path(db).expanduser().resolve()), backend


@st.cache_resource(show_spinner="正在打开图数据库…")
def _open_cached_store(db: str, backend: str) -> Any:
    """Open the store once per (db, backend) for the whole process (see the module docstring)."""
    from kb.store import open_store

    return open_store(db=Path(db), backend=backend)


def get_store() -> Any:
    """The cached ``kb.store`` Store for the configured database folder and backend, reconnected first when
    another process has changed the store since this one last looked (see ``store_generation``).

    Raises:
        StoreUnavailable: the folder cannot be opened (e.g. another process holds its lock).
    """
    db, backend = store_settings()
    store = _open_cached_store(db, backend)
    generation = _generation_of(store)
    seen = getattr(store, "ui_generation", None)
    if seen is not None and seen != generation:
        # an embedded store's read-only connection keeps the view it opened with: a decision written in
        # place by `kb links accept` elsewhere would stay unseen. The next read reconnects.
        refresh = getattr(store, "refresh", None) or getattr(store, "_disconnect", None)
        if callable(refresh):
            refresh()
    store.ui_generation = generation
    return store


def read_only() -> bool:
    """True when the app serves without uploads and link decisions (``kb ui --read-only``, ``KB_READ_ONLY=1``)."""
    return os.environ.get("KB_READ_ONLY", "").strip().lower() in ("1", "true", "yes")


_GENERATION_FILES = ("generation", "graph.lbdb", "link_decisions.json", "documents")


def store_generation() -> str:
    """A token that changes whenever the stored content changes, in this process or any other.

    The store's own ``generation()`` when it has one; otherwise the inode, mtime (ns) and size of what a
    publish or a review decision rewrites in the database folder: ``generation`` (if the store writes
    one), ``graph.lbdb`` (replaced by rename on each ingest, rewritten by a decision),
    ``link_decisions.json`` and the ``documents/`` folder (both engines). A few ``stat`` calls: cheap
    enough to run on every page run.

    Returns:
        An opaque string; equal strings mean nothing changed.
    """
    return _generation_of(get_store())


def _generation_of(store: Any) -> str:
    generation = getattr(store, "generation", None)
    if generation is not None:  # the store's own counter (a method or a value)
        return str(generation() if callable(generation) else generation)
    folder = Path(getattr(store, "folder", store_settings()[0]))
    parts = []
    for name in _GENERATION_FILES:
        try:
            info = (folder / name).stat()
            parts.append(f"{info.st_ino}:{info.st_mtime_ns}:{info.st_size}")
        except OSError:
            parts.append("-")
    return "|".join(parts)


def data_changed() -> None:
    """Forget everything derived from the store's content (after an ingest or a review decision)."""
    full_graph.clear()
    store_counts.clear()


def error_message(error: Exception) -> str:
    """The one line a user sees for ``error``: a KBError's own message, else its type and message.

    Raises:
        Exception: ``error`` itself when ``KB_DEBUG`` is set and it is not a KBError (to see the traceback).
    """
    if isinstance(error, KBError):
        return error.line()
    if os.environ.get("KB_DEBUG"):
        raise error
    return error_line("E_UNEXPECTED", render("E_UNEXPECTED", kind=type(error).__name__, message=error))


@contextmanager
def shown_errors(context: str = "") -> Iterator[None]:
    """Show a ``KBError`` (or any other failure) as one ``st.error`` line instead of a traceback.

    Args:
        context: a few words saying what was being done, prefixed to the message.

    Example:
        >>> with shown_errors("导出"):
        ...     name, content = export_bytes("graphml")
    """
    try:
        yield
    except Exception as error:  # never a traceback in the app (KB_DEBUG=1 re-raises what is not a KBError)
        st.error(f"{context}：{error_message(error)}" if context else error_message(error))


# --- status line -----------------------------------------------------------------------------


@st.cache_data(show_spinner=False, max_entries=4)
def store_counts(db: str, backend: str, generation: str = "") -> dict[str, dict[str, int]]:
    """``Store.stats()`` of the cached store: ``{"nodes": {label: n}, "relationships": {type: n}}``, cached
    per ``store_generation()``."""
    return get_store().stats()


@st.cache_resource(show_spinner="正在加载向量模型…")
def embedding_status() -> str:
    """Which embedding model semantic search and linking use (``kb.embeddings``), or the lexical fallback.

    They use a model only when ``KB_EMBEDDING_MODEL`` names one (``kb.embeddings.model_named``); then it is
    loaded once per process (questions need it anyway). Without one nothing is loaded: the status says lexical
    (loading the shipped model only to print its name cost about 15 s of CPU at every app start).
    """
    from kb import embeddings

    if not embeddings.model_named() or embeddings.embedder_name() == embeddings.LEXICAL:
        return "词法回退（字符 n-gram，未加载句向量模型）"
    return embeddings.embedder_name()


def status_line() -> str:
    """One line: backend, location, node and relationship counts, embedding model."""
    db, backend = store_settings()
    store = get_store()
    counts = store_counts(db, backend, store_generation())
    nodes = counts.get("nodes", {})
    relationships = counts.get("relationships", {})
    shown = "、".join(f"{LABEL_NAMES.get(label, label)} {count}" for label, count in sorted(nodes.items()) if count)
    location = getattr(store, "location", db)
    mode = " · 只读" if read_only() else ""
    return (f"后端 {backend}{mode} · 位置 {location} · 节点 {sum(nodes.values())}（{shown or '空'}）"
            f" · 关系 {sum(relationships.values())} · 向量模型：{embedding_status()}")


# --- questions -------------------------------------------------------------------------------


def ask_question(question: str, previous: Any = None) -> Any:
    """Answer a Chinese question through ``kb.query.ask.ask``; ``previous`` makes it a follow-up.

    Args:
        question: e.g. "綦江区代发企业退休军转干解困补助资金是多少？" or a follow-up "那綦江呢？".
        previous: the previous ``Answer`` of this chat, so a follow-up reuses its template.

    Returns:
        The ``Answer`` (``to_dict()`` keys: question, template, params, cypher, columns, rows, answer, sources).

    Raises:
        UnanswerableQuestion: nothing in the question resolved.
        QuestionTooLong: more than 500 characters.
    """
    from kb.core.errors import QuestionTooLong
    from kb.query.ask import ask

    QuestionTooLong.check(question)
    return ask(get_store(), question, previous=previous)


# --- templates (tracer, comparison) -----------------------------------------------------------


@dataclass(frozen=True)
class TemplateTable:
    """One template run for a page: its name, parameters, Cypher and result table."""

    name: str
    params: dict[str, Any]
    cypher: str
    frame: pd.DataFrame


def template_names() -> list[str]:
    """The names of the templates in cypher/ (``kb templates``)."""
    from kb.query.templates import load_registry

    return [template.name for template in load_registry()]


def example_questions(limit: int = 6) -> list[str]:
    """The first example question of each template in cypher/ (``kb templates``), at most ``limit``."""
    from kb.query.templates import load_registry

    return [template.examples[0] for template in load_registry() if template.examples][:limit]


def run_table(name: str, params: dict[str, Any]) -> TemplateTable:
    """Run one cypher/ template by name on the cached store.

    Raises:
        TemplateNotFound, MissingParameter, StoreQueryFailed: as ``kb query`` does.
    """
    from kb.query.templates import run_template

    result = run_template(get_store(), name, params)
    return TemplateTable(name, dict(params), result.cypher, rows_frame(list(result.columns), list(result.rows)))


# --- the whole graph ------------------------------------------------------------------------


@st.cache_resource(show_spinner="正在读取图谱…", max_entries=2)
def full_graph(db: str, backend: str, generation: str = "") -> nx.MultiDiGraph:
    """``Store.to_networkx()`` of the cached store, cached per ``store_generation()`` (and until ``data_changed()``)."""
    return get_store().to_networkx()


def graph() -> nx.MultiDiGraph:
    """The stored graph as networkx (node attributes carry ``label`` and the node's properties)."""
    db, backend = store_settings()
    return full_graph(db, backend, store_generation())


def graph_or_stop(context: str = "读取图谱") -> nx.MultiDiGraph:
    """``graph()`` for a page that needs it: when it cannot be read, one ``st.error`` line and the page stops.

    Args:
        context: what was being done, prefixed to the error line.

    Returns:
        The stored graph (``Store.to_networkx()``); never returns when reading failed (``st.stop()``).
    """
    with shown_errors(context):
        return graph()
    st.stop()
    raise AssertionError("st.stop() returned")  # pragma: no cover (st.stop raises)


# --- review, checks, import/export ------------------------------------------------------------


def links_report() -> dict[str, Any]:
    """``linking.report.links_report`` of the cached store (what ``kb links --json`` prints)."""
    from linking.report import links_report as report

    return report(get_store())


def record_decision(link_id: str, status: str) -> str:
    """Accept or reject one link exactly as ``kb links accept/reject`` does.

    Args:
        link_id: the id shown by ``kb links``.
        status: "accepted" or "rejected".

    Returns:
        The one-line message of ``linking.decisions.record_decision``.

    Raises:
        LinkNotFound: no current link has that id.
        ReadOnly: the app runs read-only.
    """
    from linking.decisions import record_decision as decide

    if read_only():
        raise ReadOnly(action="关联审核决定")

    message = decide(get_store(), link_id, status)
    data_changed()
    return str(message) if message is not None else f"{link_id}：{ {'accepted': '已接受', 'rejected': '已拒绝'}.get(status, status)}"


def check_report() -> Any | None:
    """``kb.checks.check_store`` of the cached store."""
    from kb.checks import check_store

    return check_store(get_store())


def ingest_uploads(files: list[tuple[str, bytes]], on_progress: Callable[..., Any] | None = None) -> Any:
    """Write uploaded files to a temporary folder and ingest them into the cached store.

    Each file is parsed in a worker process under ``loaders.limits.Limits.from_env()`` (size, zip, rows,
    time, memory): a hostile upload becomes one skipped file with its Chinese reason.

    Args:
        files: ``(file name, content)`` pairs as uploaded.
        on_progress: passed to ``kb.ingest.ingest_paths``.

    Returns:
        The ``IngestSummary`` (``describe()`` gives one line).

    Raises:
        ReadOnly: the app runs read-only.
    """
    from kb.ingest import ingest_paths

    if read_only():
        raise ReadOnly(action="导入文件")

    with tempfile.TemporaryDirectory(prefix="kb-upload-") as folder:
        paths = []
        for number, (name, content) in enumerate(files, start=1):
            path = Path(folder) / f"{number:03d}" / upload_name(name, number)  # one folder each: same names kept
            path.parent.mkdir()
            path.write_bytes(content)
            paths.append(path)
        summary = ingest_paths(paths, get_store(), on_progress)
    if summary.ingested:
        from kb.query.index import build_query_index

        build_query_index(get_store())
    data_changed()
    return summary


def upload_name(name: str, number: int) -> str:
    """A safe base name for an uploaded file: no folders, no NUL or control characters, not hidden.

    Example:
        >>> upload_name("../../etc/passwd.txt", 1), upload_name("..", 2)
        ('passwd.txt', 'upload-2')
    """
    base = "".join(ch for ch in Path(str(name).replace("\\", "/")).name if ch.isprintable()).lstrip(".").strip()
    return base[:200] or f"upload-{number}"


EXPORT_FORMATS = {"graphml": "graph.graphml", "gexf": "graph.gexf", "json": "graph.json", "csv": "graph-csv.zip"}


def export_bytes(fmt: str) -> tuple[str, bytes]:
    """Export the graph with ``kb.export.export_graph`` and return ``(file name, bytes)`` to download.

    CSV exports write a folder (one file per label and type); it is zipped for the download.
    """
    import shutil

    from kb.export import export_graph

    name = EXPORT_FORMATS[fmt]
    with tempfile.TemporaryDirectory(prefix="kb-export-") as folder:
        if fmt == "csv":
            written = Path(export_graph(get_store(), fmt, Path(folder) / "csv"))
            archive = shutil.make_archive(str(Path(folder) / "graph-csv"), "zip", root_dir=written)
            return name, Path(archive).read_bytes()
        written = Path(export_graph(get_store(), fmt, Path(folder) / name))
        return name, written.read_bytes()
