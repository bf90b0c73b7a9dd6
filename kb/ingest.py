"""Parse, link and store disclosures: ``kb ingest PATH...``.

Ingest is an upsert over the whole corpus: each file is parsed (``loaders.parse_file``), the parsed
records replace earlier versions of the same file names in the store's document archive, the whole
archive is linked (``linking.link``, when the linking package provides it) and built into one graph
(``kb.graph.build_graph``), and that graph replaces the stored one atomically. So re-ingesting the same
files changes nothing, re-ingesting a changed file replaces its facts (no stale projects), a bad file is
reported and skipped without losing anything stored, and a process killed half-way leaves the previous
graph, which a re-run completes.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from kb.core.errors import KBError
from kb.core.messages import MAX_MESSAGE_CHARS, display, shorten
from kb.graph import build_graph
from kb.isolation import parse_files
from kb.core.records import Extraction, LinkResult
from kb.store import Store, open_store
from linking import link
from linking.decisions import load_decisions
from loaders.limits import Limits

log = logging.getLogger("kb.ingest")

ProgressCallback = Callable[[int, int, str], None]
"""``on_progress(done, total, what)``: files parsed so far, files in all, and the file or step at hand."""


@dataclass
class SkippedFile:
    """A file that was not ingested, and why (one Chinese line), with the error code (``kb.core.messages``)."""

    path: str
    reason: str
    code: str = "E_UNREADABLE"


@dataclass
class IngestSummary:
    """What one ingest did.

    Attributes:
        ingested: files parsed and stored by this run.
        skipped: files reported and left out, each with its reason.
        documents: documents in the store after the run (earlier ingests included).
        nodes / relationships: counts of the stored graph after the run.
        seconds: wall time of the run.
        stages: seconds per step: parse, archive, link, build (graph and findings), write.
    """

    ingested: int = 0
    skipped: list[SkippedFile] = field(default_factory=list)
    documents: int = 0
    nodes: int = 0
    relationships: int = 0
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)

    def describe(self) -> str:
        """Lines for the terminal: one per skipped file (``跳过 PATH：错误[CODE] reason``), then the totals."""
        lines = [f"跳过 {display(item.path)}：错误[{item.code}] {shorten(item.reason, MAX_MESSAGE_CHARS)}"
                 for item in self.skipped]
        lines.append(f"导入 {self.ingested} 个文件，跳过 {len(self.skipped)} 个；库中现有 {self.documents} 份文件、"
                     f"{self.nodes} 个节点、{self.relationships} 条关系（{self.seconds:.1f} 秒" +
                     "".join(f"，{_STAGE_NAMES.get(stage, stage)} {seconds:.1f}" for stage, seconds
                             in self.stages.items()) + "）")
        return "\n".join(lines)


_STAGE_NAMES = {"parse": "解析", "archive": "存档", "link": "关联", "build": "建图", "write": "写入"}


def _supported_suffixes() -> tuple[str, ...]:
    from loaders.read import SUPPORTED_SUFFIXES

    return SUPPORTED_SUFFIXES


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[SkippedFile]]:
    """Expand files and folders into the files to parse.

    Args:
        paths: files (taken whatever their extension: the parser reports a wrong one) and folders (searched
            recursively for the extensions loaders read, hidden files left out).

    Returns:
        (files in a stable order without duplicates, paths that do not exist as SkippedFile).
    """
    files: dict[Path, None] = {}
    missing = []
    suffixes = _supported_suffixes()
    for path in map(Path, paths):
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in file.relative_to(path).parts)
                if file.is_file() and not hidden and file.suffix.lower() in suffixes:
                    files[file] = None
        elif path.is_file():
            files[path] = None
        else:
            missing.append(SkippedFile(str(path), "文件或文件夹不存在"))
    return list(files), missing


def link_corpus(extractions: list[Extraction], folder: Path) -> LinkResult:
    """Link the whole corpus with ``linking.link`` and the review decisions kept in ``folder``."""
    return link(extractions, load_decisions(folder))


def ingest_paths(paths: Iterable[Path], store: Store, on_progress: ProgressCallback | None = None,
                 limits: Limits | None = None) -> IngestSummary:
    """Parse files and folders, link the corpus and replace the stored graph.

    Args:
        paths: disclosure files (.txt .pdf .docx .xlsx) and folders holding them.
        store: an open store (``kb.store.open_store``); its folder keeps the parsed documents.
        on_progress: called as ``on_progress(done, total, what)`` after each file and before each later step.
        limits: size, zip, row, time and memory limits of parsing one file (default ``Limits.from_env()``);
            files are parsed in worker processes (``kb.isolation.parse_files``), never in this process.

    Returns:
        An ``IngestSummary``. Files that cannot be parsed are listed in ``skipped`` (file and reason) and the
        store is left as it was when none could be parsed.

    Raises:
        StoreUnavailable / StoreQueryFailed: the store could not be written (the previous graph stays).

    Example:
        >>> with open_store(Path("kb-data")) as store:  # doctest: +SKIP
        ...     print(ingest_paths([Path("../shared/corpus")], store).describe())
        ingested 5 file(s), skipped 0; the store holds 5 document(s): …
    """
    started = time.perf_counter()
    report = on_progress or (lambda done, total, what: None)
    files, skipped = collect_files(paths)
    parsed: list[Extraction] = []
    stages: dict[str, float] = {}
    clock = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal clock
        stages[stage] = round(time.perf_counter() - clock, 2)
        clock = time.perf_counter()

    for done, (path, result) in enumerate(parse_files(files, limits), start=1):  # worker processes, limits
        if isinstance(result, KBError):
            skipped.append(SkippedFile(str(path), getattr(result, "reason", str(result)), result.code))
        else:
            parsed.append(result)
        report(done, len(files), path.name)
    lap("parse")
    summary = IngestSummary(ingested=len(parsed), skipped=skipped, stages=stages)
    if parsed:
        corpus = store.replace_documents(parsed)
        lap("archive")
        report(len(files), len(files), "linking")
        links = link_corpus(corpus, store.folder)
        lap("link")
        graph: nx.MultiDiGraph = build_graph(corpus, links)
        lap("build")
        report(len(files), len(files), "writing")
        store.write_graph(graph)
        lap("write")
    counts = store.stats()
    summary.documents = counts["nodes"].get("Document", 0)
    summary.nodes = sum(counts["nodes"].values())
    summary.relationships = sum(counts["relationships"].values())
    summary.seconds = time.perf_counter() - started
    return summary


def ingest_with_progress(paths: Iterable[Path], db: Path, backend: str = "embedded",
                         limits: Limits | None = None) -> IngestSummary:
    """``kb ingest``: ``ingest_paths`` with a rich progress bar on stderr.

    Args:
        paths: files and folders.
        db: the database folder (``--db``).
        backend: "embedded" or "neo4j".
        limits: see ``ingest_paths``.

    Returns:
        The ``IngestSummary`` (the CLI prints ``describe()``).

    Raises:
        StoreUnavailable / StoreQueryFailed: see ``ingest_paths``.
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
               TextColumn("{task.fields[what]}"))
    with open_store(db, backend) as store, Progress(*columns, console=Console(stderr=True),
                                                    transient=True) as progress:
        task = progress.add_task("ingest", total=None, what="")

        def on_progress(done: int, total: int, what: str) -> None:
            progress.update(task, completed=done, total=total, what=what)

        return ingest_paths(paths, store, on_progress, limits)
