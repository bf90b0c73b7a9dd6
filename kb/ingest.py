"""Parse, link and store disclosures incrementally: ``kb ingest PATH...`` and ``kb remove FILE...``.

Documents are known by content: a document's identity is the sha256 of its bytes (``doc_id``) and the
path it was read from. Re-ingesting the same bytes from anywhere is a no-op (the file is not even
parsed); a file with new bytes at a path already stored replaces that earlier version (and the summary
says so); two files with the same name and different bytes are two documents.

One run, holding the store's writer lock (``Store.writer``) from start to end:

1. hash each file; parse only the new or changed ones (``_parse_paths``); for each, once: its consistency
   findings (``kb.checks.check_extraction``), its record staged in the archive, and its graph part and
   linking input (``kb.graph.document_part``, ``linking.inputs.document_input``) kept in ``<db>/derived``
   (``kb.store.derived.DerivedCache``) by content hash;
2. link the whole corpus from the kept inputs (``linking.link_inputs`` with the review decisions: programs
   and 文号 links are corpus wide; no stored record is loaded or normalised again) and build the whole new
   graph by merging the kept parts (``kb.graph.build_graph(parts=…)``);
3. diff it by key against the stored graph's index, digesting only what the changed documents and linking
   touch (``kb.store.delta.patched_index``), and write only what was added, changed or removed
   (``Store.apply_delta``, one atomic change), or the whole graph when most of it changed or the store is
   empty or outdated (``Store.write_graph``);
4. publish: the graph now names the documents; the archive and ``derived/`` drop what no graph holds.

An ingest that only adds documents to a store whose document layer (``<db>/graph.layer``,
``kb.store.layer``) is current skips the merge and the whole diff: ``kb.ingest_delta.publish_added`` reads only linking's
inputs of the stored documents, links the corpus, and computes the delta from what the new documents
touch (``kb.ingest_delta``); one or two small texts are parsed in this process
(``kb.isolation.parse_in_process``).

A process killed at any point leaves the store as it was before (step 3 is atomic) or after; a later
open clears its staged records (``Store.recover``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from kb.core.errors import KBError, StoreUnavailable
from kb.core.messages import os_error_reason
from kb.isolation import in_process_allowed, parse_files, parse_files_in_background, parse_in_process
from kb.core.records import Extraction, LinkResult
from kb.ingest_files import (IngestSummary, SkippedFile, collect_files, file_digest, no_cyclic_gc as _no_cyclic_gc,
                             source_path)
from kb.store import Store, open_store
from kb.store.base import new_meta
from kb.store.delta import GraphIndex, graph_delta, index_graph, patched_index, save_index
from kb.store.layer import DocumentLayer, LayerChange, merge_parts, write_layer
from loaders.limits import Limits

if TYPE_CHECKING:  # imported where used: an ingest of known files (a no-op) needs neither networkx nor numpy
    from kb.graph import DocumentPart
    from linking.inputs import DocumentInput

log = logging.getLogger("kb.ingest")

ProgressCallback = Callable[[int, int, str], None]
"""``on_progress(done, total, what)``: files parsed so far, files in all, and the file or step at hand."""

FULL_REWRITE_SHARE = 0.5
"""A delta touching more than this share of the new graph's nodes and relationships is written as a whole
new graph (one bulk COPY is cheaper than many small changes)."""


def _parse_paths(paths: list[Path], limits: Limits | None = None) -> Iterator[tuple[Path, Extraction | KBError]]:
    """Parse files: ``(path, Extraction)`` or ``(path, KBError)`` per path, in the order given, as each is
    parsed (so a large corpus is never held in memory with its text lines).

    The one parse step of ingest: ``kb.isolation.parse_files`` parses in worker processes with the size,
    zip, row, time and memory ``limits``, never in this process.
    """
    return parse_files(paths, limits)


PREFETCH_FILES = 50
"""An ingest of at most this many files reads the stored documents' kept parts while the parse workers start
and parse (the fork server's start, about a second, then overlaps work this process needs anyway)."""


def link_corpus(extractions: list[Extraction], folder: Path) -> LinkResult:
    """Link the whole corpus with ``linking.link`` and the review decisions kept in ``folder``."""
    from linking import link
    from linking.decisions import load_decisions

    return link(extractions, load_decisions(folder))


class _Run:
    """One ingest or removal: the stage clock and the progress callback."""

    def __init__(self, on_progress: ProgressCallback | None):
        self.started = self.clock = time.perf_counter()
        self.cpu_clock = time.process_time()
        self.report = on_progress or (lambda done, total, what: None)
        self.summary = IngestSummary()

    def lap(self, stage: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.summary.stages[stage] = round(self.summary.stages.get(stage, 0.0) + now - self.clock, 2)
        self.summary.cpu_stages[stage] = round(self.summary.cpu_stages.get(stage, 0.0) + cpu - self.cpu_clock, 2)
        self.clock, self.cpu_clock = now, cpu

    def finish(self, store: Store, graph=None, counted: bool = False) -> IngestSummary:
        """Fill the counts (from the graph just written, else read from the store, unless ``counted``: already
        filled) and the wall time."""
        if counted:
            pass
        elif graph is not None:
            self.summary.documents = sum(1 for _, label in graph.nodes(data="label") if label == "Document")
            self.summary.nodes, self.summary.relationships = graph.number_of_nodes(), graph.number_of_edges()
        else:
            counts = store.stats()
            self.summary.documents = counts["nodes"].get("Document", 0)
            self.summary.nodes = sum(counts["nodes"].values())
            self.summary.relationships = sum(counts["relationships"].values())
        self.summary.seconds = time.perf_counter() - self.started
        return self.summary


Derived = "tuple[DocumentPart, DocumentInput]"


def _derive(store: Store, record: Extraction, findings: list | None) -> Derived:
    """One document's graph part and linking input, kept in the store's ``DerivedCache``."""
    from kb.graph import document_part
    from kb.store.derived import DerivedCache
    from linking.inputs import document_input

    derived = document_part(record, findings), document_input(record)
    try:
        DerivedCache(store.folder).put(*derived)
    except OSError as error:
        raise StoreUnavailable(f"无法在 {store.folder} 写入文档的图缓存：{error}") from error
    return derived


def _corpus_parts(store: Store, keep: list[str], staged: dict[str, Derived],
                  prefetched: dict[str, Derived] | None = None) -> tuple[list[Derived], list[DocumentPart]]:
    """Every kept document's graph part and linking input: those of this run's documents as computed when
    parsed, the others read from the ``DerivedCache`` (or taken from ``prefetched``, read from it while the
    files were parsed; or, when an entry is missing or outdated, computed again from the archived record).

    Returns:
        (part and input of each kept document, the parts computed by this run: staged or rebuilt).
    """
    from kb.store.derived import DerivedCache

    cache = DerivedCache(store.folder)
    derived: list[Derived] = []
    missing = []
    prefetched = prefetched or {}
    for doc_id in keep:
        kept = staged.get(doc_id) or prefetched.pop(doc_id, None) or cache.get(doc_id)
        if kept is None:
            missing.append(doc_id)
        else:
            derived.append(kept)
    findings = store.archive.findings(missing)
    rebuilt = [_derive(store, record, findings.get(record.doc_id)) for record in store.archive.load(missing)]
    return derived + rebuilt, [part for part, _ in [*staged.values(), *rebuilt]]


def _published_before(store: Store, keep: list[str]) -> list[str]:
    """doc_ids of the stored graph that the change takes away (replaced or removed documents)."""
    kept = set(keep)
    return [doc_id for doc_id in store.published_documents() if doc_id not in kept]


def _drain(derived: list[Derived]) -> Iterator[DocumentPart]:
    """The parts of ``derived``, each taken out of the list as it is yielded (so merged parts can be freed)."""
    derived.reverse()
    while derived:
        yield derived.pop()[0]


def _publish(store: Store, keep: list[str], staged: dict[str, Derived], run: _Run, rebuild: bool,
             prefetched: dict[str, Derived] | None = None):
    """Link and build the corpus ``keep`` (doc_ids) and write it as a delta (or whole), then publish.

    Args:
        keep: doc_ids of the corpus after the change.
        staged: doc_id -> (graph part, linking input) of the documents parsed by this run (their records
            already staged in the archive).
        rebuild: write the whole graph (empty or outdated store).
        prefetched: kept (part, input) of stored documents already read from ``derived/`` (see
            ``PREFETCH_FILES``).

    Returns:
        The graph now stored (networkx, ``kb.graph.build_graph`` output).
    """
    with _no_cyclic_gc():
        return _publish_corpus(store, keep, staged, run, rebuild, prefetched)


def _publish_corpus(store: Store, keep: list[str], staged: dict[str, Derived], run: _Run, rebuild: bool,
                    prefetched: dict[str, Derived] | None = None):
    """``_publish`` itself (same arguments and result)."""
    from kb.graph import build_graph, node_id
    from kb.store.derived import DerivedCache
    from linking import link_inputs
    from linking.decisions import load_decisions

    removed = [] if rebuild else [DerivedCache(store.folder).get(doc_id) for doc_id in _published_before(store, keep)]
    patchable = None not in removed  # every removed document's part known: only their keys can lose a value
    removed = [entry[0] for entry in removed if entry is not None]
    derived, changed = _corpus_parts(store, keep, staged, prefetched)
    touched_nodes = {node for part in [*changed, *removed] for node in part.nodes}
    touched_edges = {edge for part in [*changed, *removed] for edge in part.edges}
    del removed, changed
    staged.clear()  # held by ``derived`` now; each part is let go once merged into the graph
    published = {part.doc_id: {"file": part.file,
                               "path": part.nodes.get(node_id("Document", part.doc_id), {}).get("path") or ""}
                 for part, _ in derived}
    run.lap("archive")
    run.report(0, 0, "linking")
    links = link_inputs([document for _, document in derived], load_decisions(store.folder))
    run.lap("link")
    write_layer(store.folder, merge_parts(part for part, _ in derived), "")  # its generation once written
    graph = build_graph([], links, parts=_drain(derived))
    run.lap("build")
    run.report(0, 0, "writing")
    old_index = GraphIndex() if rebuild else store.graph_index()
    if old_index.nodes and patchable:  # digest only what can have changed
        new_index = patched_index(old_index, graph, touched_nodes, touched_edges)
    else:
        new_index = index_graph(graph)
    delta = graph_delta(old_index, graph, new_index) if old_index.nodes else None  # an empty store: write whole
    run.lap("diff")
    whole = delta is None or delta.size() > FULL_REWRITE_SHARE * (len(new_index.nodes) + len(new_index.edges))
    meta = new_meta()
    if whole:
        store.write_graph(graph, meta)
        run.summary.written = {"whole graph": graph.number_of_nodes() + graph.number_of_edges()}
    elif not delta.is_empty():
        delta.meta = meta
        store.apply_delta(delta)
        run.summary.written = delta.counts()
    else:
        meta["generation"] = old_index.generation  # nothing written: the stored graph is as it was
    new_index.generation = meta["generation"]
    save_index(store.folder, new_index)
    _stamp_layer(store, meta["generation"])
    store.archive.publish(published)
    DerivedCache(store.folder).keep_only(set(keep))
    run.lap("write")
    return graph


def _stamp_layer(store: Store, generation: str, change: LayerChange | None = None) -> None:
    """Write the document layer's changed rows (if any) and the generation of the graph just written."""
    layer = DocumentLayer(store.folder)
    try:
        layer.update(change or LayerChange(), generation)
    finally:
        layer.close()


def _layer_current(store: Store) -> bool:
    """True when the kept document layer (``kb.store.layer``) describes the stored graph."""
    layer = DocumentLayer(store.folder)
    try:
        generation = layer.generation()
    finally:
        layer.close()
    return bool(generation) and generation == store.meta().get("generation", "")


def _rebuildable(store: Store) -> dict[str, dict[str, str]]:
    """The published documents whose records this folder keeps (a Neo4j graph written from another folder
    holds documents this one cannot rebuild: the next change takes them away)."""
    return {doc_id: entry for doc_id, entry in store.published_documents().items() if store.archive.has(doc_id)}


def _migrate(store: Store) -> list[str]:
    """Stage the records of a schema-1 store in the content layout; their doc_ids (published next)."""
    from kb.checks import check_extraction

    legacy = store.archive.legacy_records()
    for record in legacy:
        store.archive.stage(record, check_extraction(record))
    return [record.doc_id for record in legacy if record.doc_id]


def _take_parsed(parsed: Iterator[tuple[Path, Extraction | KBError]], store: Store, digests: dict[Path, str],
                 by_path: dict[str, str], staged: dict[str, Derived], replaced: dict[str, str], run: _Run,
                 total: int) -> None:
    """Take each parse result as it comes: a failure into ``run.summary.skipped``; a parsed document gets its
    findings (once per content), its record staged in the archive and its part and input kept (``staged``,
    doc_id -> (part, input)); an earlier version at the same path goes into ``replaced`` (old doc_id -> path)."""
    from kb.checks import check_extraction

    for done, (path, result) in enumerate(parsed, start=1):
        if isinstance(result, KBError):
            reason = getattr(result, "reason", "") or str(result)
            run.summary.skipped.append(SkippedFile(str(path), reason, result.code))
        else:
            result.doc_id, result.path = digests[path], source_path(path)
            findings = check_extraction(result)  # findings once per content
            store.archive.stage(result, findings)
            staged[result.doc_id] = _derive(store, result, findings)  # the record itself is not kept
            earlier = by_path.get(result.path)
            if earlier and earlier != result.doc_id:
                replaced[earlier] = result.path
        run.report(done, total, path.name)


def ingest_paths(paths: Iterable[Path], store: Store, on_progress: ProgressCallback | None = None,
                 limits: Limits | None = None) -> IngestSummary:
    """Ingest files and folders incrementally: new or changed documents in, nothing else rewritten.

    Args:
        paths: disclosure files (.txt .pdf .docx .xlsx) and folders holding them.
        store: an open store (``kb.store.open_store``); its folder keeps the parsed documents.
        on_progress: called as ``on_progress(done, total, what)`` after each file and before each later step.
        limits: size, zip, row, time and memory limits of parsing one file (default ``Limits.from_env()``);
            files are parsed in worker processes (``kb.isolation.parse_files``), never in this process.

    Returns:
        An ``IngestSummary``. Files that cannot be parsed are listed in ``skipped`` (file and reason); the
        store is left as it was when nothing new could be parsed.

    Raises:
        StoreLocked: another writer holds the store beyond its ``wait_seconds``.
        StoreUnavailable / StoreQueryFailed: the store could not be written (the previous graph stays).

    Example:
        >>> with open_store(Path("kb-data")) as store:  # doctest: +SKIP
        ...     print(ingest_paths([Path("../shared/corpus")], store).describe())
        导入 5 个文件，跳过 0 个；库中现有 5 份文件、455 个节点、940 条关系（…
    """
    run = _Run(on_progress)
    with store.writer():
        outdated = store.is_outdated()
        published = {} if outdated else _rebuildable(store)
        by_path = {entry["path"]: doc_id for doc_id, entry in published.items()}
        files, run.summary.skipped = collect_files(paths)
        wanted: list[Path] = []
        digests: dict[Path, str] = {}
        for path in files:
            try:
                digest = file_digest(path)
            except OSError as error:
                run.summary.skipped.append(SkippedFile(str(path), f"无法读取：{os_error_reason(error)}"))
                continue
            if digest in published or digest in digests.values():
                run.summary.unchanged += 1
            else:
                digests[path] = digest
                wanted.append(path)
        staged: dict[str, Derived] = {}
        replaced: dict[str, str] = {}
        prefetched: dict[str, Derived] = {}
        if in_process_allowed(wanted):  # one or two small texts: no worker to start (about 1 s of CPU)
            parsed, finish = parse_in_process(wanted, limits), lambda: None
        elif wanted:
            parsed, finish = parse_files_in_background(wanted, limits)
        else:
            parsed, finish = iter(()), lambda: None
        inputs: dict[str, DocumentInput] = {}
        adding = bool(wanted) and not outdated and not any(source_path(path) in by_path for path in wanted) \
            and _layer_current(store)  # only new documents, onto a current layer: ``publish_added``
        try:
            if wanted and len(wanted) <= PREFETCH_FILES and not outdated:
                from kb.store.derived import DerivedCache

                with _no_cyclic_gc():  # read while the workers start: the add needs them anyway
                    cache = DerivedCache(store.folder)
                    for doc_id in published:
                        if adding:  # linking's inputs alone
                            document = cache.get_input(doc_id)
                            if document is not None:
                                inputs[doc_id] = document
                        else:
                            entry = cache.get(doc_id)
                            if entry is not None:
                                prefetched[doc_id] = entry
            _take_parsed(parsed, store, digests, by_path, staged, replaced, run, len(wanted))
        finally:
            finish()  # the feeder and the workers end with this step, whatever happened in it
        run.lap("parse")
        run.summary.ingested = len(staged)
        run.summary.replaced = [(path, old) for old, path in replaced.items()]
        if adding and staged and not replaced:
            from kb.ingest_delta import publish_added

            def rebuilt_input(doc_id: str) -> DocumentInput:
                return _corpus_parts(store, [doc_id], {})[0][0][1]

            if publish_added(store, published, staged, run, inputs, rebuilt_input, FULL_REWRITE_SHARE):
                return run.finish(store, counted=True)
        if staged or outdated:
            keep = [doc_id for doc_id in published if doc_id not in replaced] + list(staged)
            if outdated:
                keep = list(dict.fromkeys(_migrate(store) + keep))
            graph = _publish(store, keep, staged, run, rebuild=outdated, prefetched=prefetched)
            if outdated:
                store.archive.drop_legacy()
            return run.finish(store, graph)
        return run.finish(store)


def remove_paths(paths: Iterable[Path], store: Store) -> IngestSummary:
    """``kb remove FILE...``: take documents away, with everything only they said.

    A path names the stored document read from that path, else the stored document with the same bytes
    (the file still exists), else the one stored document of that file name.

    Args:
        paths: files as given to ``kb ingest`` (or their names).
        store: an open store.

    Returns:
        An ``IngestSummary`` whose ``removed`` lists the stored paths taken away; ``skipped`` the paths
        that name no stored document.

    Raises:
        StoreLocked: another writer holds the store beyond its ``wait_seconds``.
    """
    run = _Run(None)
    with store.writer():
        published = _rebuildable(store)
        gone: dict[str, str] = {}
        for path in map(Path, paths):
            doc_id = next((doc_id for doc_id, entry in published.items() if entry["path"] == source_path(path)),
                          None)
            if doc_id is None and path.is_file():
                digest = file_digest(path)
                doc_id = digest if digest in published else None
            if doc_id is None:
                named = [doc_id for doc_id, entry in published.items() if entry["file"] == path.name]
                doc_id = named[0] if len(named) == 1 else None
            if doc_id is None:
                run.summary.skipped.append(SkippedFile(str(path), "库中没有这个文件（kb stats 可查看已入库的文档数）"))
            else:
                gone[doc_id] = published[doc_id]["path"]
        if gone:
            run.summary.removed = list(gone.values())
            graph = _publish(store, [doc_id for doc_id in published if doc_id not in gone], {}, run, rebuild=False)
            return run.finish(store, graph)
        return run.finish(store)


def ingest_with_progress(paths: Iterable[Path], db: Path, backend: str = "embedded",
                         wait_seconds: float | None = None, limits: Limits | None = None,
                         after: Callable[[Store], object] | None = None) -> IngestSummary:
    """``kb ingest``: ``ingest_paths`` with a rich progress bar on stderr.

    Args:
        paths: files and folders.
        db: the database folder (``--db``).
        backend: "embedded" or "neo4j".
        wait_seconds: how long to wait for another writer (``--wait``) before ``StoreLocked``.
        limits: see ``ingest_paths``.
        after: called with the open store once the ingest is written (the CLI builds the question index,
            ``kb.query.index.build_query_index``, a layer above this one).

    Returns:
        The ``IngestSummary`` (the CLI prints ``describe()``).

    Raises:
        StoreLocked / StoreUnavailable / StoreQueryFailed: see ``ingest_paths``.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.fields[what]}"))
    with open_store(db, backend, wait_seconds=wait_seconds, check_version=False) as store, \
            Progress(*columns, console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("ingest", total=None, what="")

        def on_progress(done: int, total: int, what: str) -> None:
            if total:
                progress.update(task, completed=done, total=total, what=what)
            else:
                progress.update(task, what=what)

        summary = ingest_paths(paths, store, on_progress, limits)
        if after is not None:
            progress.update(task, what="index")
            after(store)
        return summary
