"""The parsed documents of a store, kept as JSON in the database folder (``<db>/documents/``).

Ingest rebuilds the whole graph from these records each time (linking needs the whole corpus anyway), so
the graph can always be rebuilt, and a document is replaced, never appended twice. A document is
identified by its file name (``Extraction.file``): re-ingesting a changed copy of ``000_x.txt`` from any
folder replaces what the earlier ``000_x.txt`` said. Each record is written to a temporary file and
renamed into place, so a process killed while writing leaves every record whole.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from kb.core.errors import StoreUnavailable
from kb.core.records import Extraction


class DocumentArchive:
    """The parsed records of every ingested document, one JSON file each.

    Args:
        folder: the database folder (``--db``); records live in ``folder/documents``.

    Raises:
        StoreUnavailable: the folder cannot be created or read.

    Example:
        >>> archive = DocumentArchive(Path(tmp) / "kb-data")  # doctest: +SKIP
        >>> archive.upsert([extraction]); [e.file for e in archive.load()]  # doctest: +SKIP
        ['000_7c3d463bfeea7d61.txt']
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder) / "documents"

    def _path(self, file: str) -> Path:
        return self.folder / f"{hashlib.sha1(file.encode('utf-8')).hexdigest()[:20]}.json"

    def upsert(self, extractions: list[Extraction]) -> None:
        """Store each record, replacing the record of the same file name if there is one."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            for extraction in extractions:
                target = self._path(extraction.file)
                temporary = target.with_suffix(f".tmp-{os.getpid()}")
                # the text lines are kept too (excluded from `kb parse --json`): kb check re-reads them
                record = {**extraction.model_dump(mode="json"), "lines": extraction.lines}
                temporary.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
                os.replace(temporary, target)
        except OSError as error:
            raise StoreUnavailable(f"无法在 {self.folder} 下写入已解析的文件：{error}") from error

    def remove(self, files: list[str]) -> None:
        """Forget the records of these file names (missing ones are ignored)."""
        for file in files:
            self._path(file).unlink(missing_ok=True)

    def lines(self, file: str) -> list[str]:
        """The stored text lines of one document (by file name); [] when it has no record or lines."""
        try:
            return list(json.loads(self._path(file).read_text(encoding="utf-8")).get("lines") or [])
        except (OSError, ValueError):
            return []

    def load(self, skip: frozenset[str] | set[str] = frozenset()) -> list[Extraction]:
        """Every stored record, ordered by file name (so a rebuilt graph is always the same).

        Args:
            skip: file names whose records the caller already holds (they are not read back).

        Raises:
            StoreUnavailable: a record cannot be read back (the folder was edited by hand).
        """
        if not self.folder.is_dir():
            return []
        skipped = {self._path(file) for file in skip}
        records = []
        for path in self.folder.glob("*.json"):
            if path in skipped:
                continue
            try:
                records.append(Extraction.model_validate_json(path.read_text(encoding="utf-8")))
            except (OSError, ValueError) as error:
                raise StoreUnavailable(f"无法读取已解析的文件 {path}：{error}") from error
        return sorted(records, key=lambda record: record.file)
