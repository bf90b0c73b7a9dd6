"""The files an ingest reads and what it reports: folders expanded into disclosure files, a file's content hash
and the path it is known by, and the summary ``kb ingest`` / ``kb remove`` print (``IngestSummary``).
Used by ``kb.ingest``; split from it so the ingest steps read on their own.
"""

from __future__ import annotations

import gc
import hashlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kb.core.messages import MAX_MESSAGE_CHARS, display, shorten


@dataclass
class SkippedFile:
    """A file that was not ingested, and why (one Chinese line), with the error code (``kb.core.messages``)."""

    path: str
    reason: str
    code: str = "E_UNREADABLE"


@dataclass
class IngestSummary:
    """What one ingest (or removal) did.

    Attributes:
        ingested: files parsed and stored by this run (new documents and new versions).
        unchanged: files whose bytes were already stored (not parsed again).
        replaced: (path, doc_id of the earlier version) of files whose new version replaced an earlier one.
        removed: paths of documents taken away (``kb remove``).
        skipped: files reported and left out, each with its reason.
        documents: documents in the store after the run (earlier ingests included).
        nodes / relationships: counts of the stored graph after the run.
        written: what the graph write did: {"added_nodes": n, …} or {"whole graph": nodes + relationships}.
        seconds: wall time of the run.
        stages: seconds per step: parse, archive, link, build, diff, write.
        cpu_stages: CPU seconds of this process per step (the parse workers' not counted).
    """

    ingested: int = 0
    unchanged: int = 0
    replaced: list[tuple[str, str]] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    documents: int = 0
    nodes: int = 0
    relationships: int = 0
    written: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    stages: dict[str, float] = field(default_factory=dict)
    cpu_stages: dict[str, float] = field(default_factory=dict)

    def describe(self) -> str:
        """Lines for the terminal: one per skipped, replaced or removed file, then the totals."""
        lines = [f"跳过 {display(item.path)}：错误[{item.code}] {shorten(item.reason, MAX_MESSAGE_CHARS)}"
                 for item in self.skipped]
        lines += [f"已替换 {path} 的旧版本（{old[:12]}…）" for path, old in self.replaced]
        lines += [f"已移除 {path}" for path in self.removed]
        if self.unchanged:
            lines.append(f"{self.unchanged} 个文件内容未变（已入库，未重新解析）")
        lines.append(f"导入 {self.ingested} 个文件，跳过 {len(self.skipped)} 个；库中现有 {self.documents} 份文件、"
                     f"{self.nodes} 个节点、{self.relationships} 条关系（{self.seconds:.1f} 秒" +
                     "".join(f"，{_STAGE_NAMES.get(stage, stage)} {seconds:.1f}" for stage, seconds
                             in self.stages.items()) + "）")
        return "\n".join(lines)


_STAGE_NAMES = {"parse": "解析", "archive": "存档", "link": "关联", "build": "建图", "diff": "比对", "write": "写入"}


def _supported_suffixes() -> tuple[str, ...]:
    from loaders.read import SUPPORTED_SUFFIXES

    return SUPPORTED_SUFFIXES


def collect_files(paths: Iterable[Path]) -> tuple[list[Path], list[SkippedFile]]:
    """Expand files and folders into the files to parse.

    Args:
        paths: files (taken whatever their extension: the parser reports a wrong one) and folders (searched
            recursively for the extensions loaders read, hidden files left out).

    Returns:
        (files in a stable order without duplicates, paths that do not exist or are not regular files, such
        as a named pipe whose read could block ingest for ever, as SkippedFile).
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
        elif path.exists():
            missing.append(SkippedFile(str(path), "不是普通文件（命名管道或设备），未读取"))
        else:
            missing.append(SkippedFile(str(path), "文件或文件夹不存在"))
    return list(files), missing


def file_digest(path: Path) -> str:
    """The sha256 of the file's bytes (hex): a document's ``doc_id``. Raises OSError when it cannot be read."""
    hasher = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            hasher.update(block)
    return hasher.hexdigest()


def source_path(path: Path) -> str:
    """The absolute path a document is known by, displayable (an undecodable name's bytes shown as U+FFFD)."""
    return display(str(Path(path).resolve()))


@contextmanager
def no_cyclic_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector: reading and merging many small parts (no cycles among them)
    otherwise triggers full collections that rescan every object already made, super-linearly."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
