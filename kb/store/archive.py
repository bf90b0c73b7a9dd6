"""The parsed documents of a store, kept as JSON in the database folder (``<db>/documents/``).

Records are known by content: each is stored under its ``doc_id`` (the sha256 of the file's bytes), as
``<doc_id>.json`` (the ``Extraction`` without its text lines, and the consistency findings computed once
for that content) and ``<doc_id>.lines.json`` (the normalised text lines, which ``kb check`` and source
quotes read). A record is *staged* when written and *published* when the stored graph holds its
``Document`` node: the graph is the list of published documents, so a record written by a run that died
before its graph was stored is never served, and ``drop_unpublished`` (run on open by
``Store.recover``) deletes it. Every file is written to a temporary name and renamed into place, so a
killed process leaves every record whole.

``index.json`` maps doc_id -> file name for ``lines(file)``, and ``corpus.pickle`` holds the published
records and findings in one file (one read instead of a JSON parse per document when the next ingest
links the corpus); both are caches rewritten after each published change, and since records are known by
content a cached entry is never stale (the graph stays the truth of what is published).
"""

from __future__ import annotations

import json
import os
import pickle
import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from kb.core.errors import StoreUnavailable

if TYPE_CHECKING:  # the pydantic records load only when a record is read (not to answer a question)
    from kb.checks.findings import Finding
    from kb.core.records import Extraction

_DOC_ID = re.compile(r"^[0-9a-f]{64}$")
_LEGACY = re.compile(r"^[0-9a-f]{20}\.json$")  # schema 1: one file per file name, lines inside
INDEX = "index.json"
CORPUS_CACHE = "corpus.pickle"


def new_generation() -> str:
    """A fresh random id for a new version of the stored graph."""
    return uuid.uuid4().hex


def _write_atomically(target: Path, text: str) -> None:
    temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, target)


class DocumentArchive:
    """The parsed records of the ingested documents, one JSON file (and one lines file) per content hash.

    Args:
        folder: the database folder (``--db``); records live in ``folder/documents``.

    Example:
        >>> archive = DocumentArchive(Path(tmp) / "kb-data")  # doctest: +SKIP
        >>> archive.stage(extraction, findings); archive.load([extraction.doc_id])[0].file  # doctest: +SKIP
        '000_7c3d463bfeea7d61.txt'
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder) / "documents"
        self._names: dict[str, str] | None = None
        self._cached: dict[str, tuple[Extraction, list[Finding]]] | None = None

    def _record(self, doc_id: str) -> Path:
        return self.folder / f"{doc_id}.json"

    def _lines(self, doc_id: str) -> Path:
        return self.folder / f"{doc_id}.lines.json"

    def stage(self, extraction: Extraction, findings: list[Finding]) -> None:
        """Write one parsed document and its findings under its doc_id (not yet published).

        Args:
            extraction: a parsed record with ``doc_id`` (sha256 of the bytes) and ``lines``.
            findings: ``kb.checks.check_extraction(extraction)``, kept so they are computed once per content.

        Raises:
            StoreUnavailable: the folder cannot be written.
        """
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _write_atomically(self._lines(extraction.doc_id), json.dumps(extraction.lines, ensure_ascii=False))
            record = {"extraction": extraction.model_dump(mode="json"),
                      "findings": [finding.model_dump(mode="json") for finding in findings]}
            _write_atomically(self._record(extraction.doc_id), json.dumps(record, ensure_ascii=False))
        except OSError as error:
            raise StoreUnavailable(f"无法在 {self.folder} 写入解析结果：{error}") from error

    def has(self, doc_id: str) -> bool:
        """True when a record of this content is staged or published."""
        return self._record(doc_id).is_file()

    def load(self, doc_ids: list[str], lines: bool = False) -> list[Extraction]:
        """The records of these documents, ordered by file name then doc_id (so a rebuilt graph is stable).

        Args:
            doc_ids: content hashes (``Document.doc_id``).
            lines: also read the text lines (``Extraction.lines``).

        Raises:
            StoreUnavailable: a record is missing or cannot be read (the folder was edited by hand).
        """
        return sorted((self._load(doc_id, lines)[0] for doc_id in doc_ids),
                      key=lambda record: (record.file, record.doc_id or ""))

    def findings(self, doc_ids: list[str]) -> dict[str, list[Finding]]:
        """doc_id -> the consistency findings stored with each record."""
        return {doc_id: self._load(doc_id, False)[1] for doc_id in doc_ids}

    def _cache(self) -> dict[str, tuple[Extraction, list[Finding]]]:
        if self._cached is None:
            try:
                with open(self.folder / CORPUS_CACHE, "rb") as stream:
                    self._cached = pickle.load(stream)
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
                self._cached = {}
        return self._cached

    def _load(self, doc_id: str, lines: bool) -> tuple[Extraction, list[Finding]]:
        cached = None if lines else self._cache().get(doc_id)
        if cached is not None:
            return cached[0].model_copy(), cached[1]
        from kb.checks.findings import Finding
        from kb.core.records import Extraction

        path = self._record(doc_id)
        try:
            content = json.loads(path.read_text(encoding="utf-8"))
            extraction = Extraction.model_validate(content["extraction"])
            findings = [Finding.model_validate(finding) for finding in content["findings"]]
            if lines:
                extraction.lines = json.loads(self._lines(doc_id).read_text(encoding="utf-8"))
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise StoreUnavailable(f"无法读取解析结果 {path}：{error}（请重新入库 (kb ingest)）") from error
        return extraction, findings

    def lines(self, file: str) -> list[str]:
        """The stored text lines of one document, by doc_id or file name; [] when unknown.

        A file name shared by several documents gives the lines of the first of them (by doc_id).
        """
        doc_id = file if _DOC_ID.match(file or "") else next(
            (doc_id for doc_id, name in sorted(self._index().items()) if name == file), None)
        if doc_id is None:
            return []
        try:
            return list(json.loads(self._lines(doc_id).read_text(encoding="utf-8")))
        except (OSError, ValueError):
            return []

    def _index(self) -> dict[str, str]:
        if self._names is None:
            try:
                self._names = json.loads((self.folder / INDEX).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                self._names = {}
        return self._names

    def publish(self, documents: dict[str, dict[str, str]], records: list[Extraction] | None = None,
                findings: dict[str, list[Finding]] | None = None) -> None:
        """After a graph change: rewrite the caches (file name index, corpus) and delete unpublished records.

        Args:
            documents: the published documents, doc_id -> {"file", "path"} (``Store.published_documents``).
            records / findings: the published records (without lines) and their findings, when the caller
                holds them: they become ``corpus.pickle``.
        """
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            names = {doc_id: entry["file"] for doc_id, entry in sorted(documents.items())}
            _write_atomically(self.folder / INDEX, json.dumps(names, ensure_ascii=False))
            self._names = names
            if records is not None and findings is not None:
                cache = {record.doc_id: (record.model_copy(update={"lines": []}), findings.get(record.doc_id, []))
                         for record in records if record.doc_id in documents}
                temporary = self.folder / f".{CORPUS_CACHE}.tmp-{os.getpid()}"
                with open(temporary, "wb") as stream:
                    pickle.dump(cache, stream, protocol=pickle.HIGHEST_PROTOCOL)
                os.replace(temporary, self.folder / CORPUS_CACHE)
                self._cached = cache
        except OSError as error:
            raise StoreUnavailable(f"无法在 {self.folder} 写入文档索引：{error}") from error
        self.drop_unpublished(set(documents))

    def drop_unpublished(self, published: set[str]) -> int:
        """Delete records (and temporary files) of documents no stored graph holds.

        Returns:
            How many records were deleted.
        """
        if not self.folder.is_dir():
            return 0
        dropped = 0
        for path in self.folder.iterdir():
            name = path.name
            if ".tmp-" in name:
                path.unlink(missing_ok=True)
                continue
            doc_id = name.split(".", 1)[0]
            if _DOC_ID.match(doc_id) and doc_id not in published:
                dropped += name.endswith(".json") and not name.endswith(".lines.json")
                path.unlink(missing_ok=True)
        return dropped

    def legacy_records(self) -> list[Extraction]:
        """Records of a store written before schema version 2 (one file per file name, lines inside).

        Returns:
            The records with their lines, ordered by file name; [] when there are none.
        """
        if not self.folder.is_dir():
            return []
        from kb.core.records import Extraction

        records = []
        for path in sorted(self.folder.iterdir()):
            if _LEGACY.match(path.name):
                try:
                    content = json.loads(path.read_text(encoding="utf-8"))
                    lines = content.pop("lines", None) or []
                    record = Extraction.model_validate(content)
                    record.lines = lines
                    records.append(record)
                except (OSError, ValueError) as error:
                    raise StoreUnavailable(f"无法读取旧版本的解析结果 {path}：{error}") from error
        return sorted(records, key=lambda record: (record.file, record.doc_id or ""))

    def drop_legacy(self) -> None:
        """Delete the schema-1 records (after they were staged again in this layout)."""
        if self.folder.is_dir():
            for path in self.folder.iterdir():
                if _LEGACY.match(path.name):
                    path.unlink(missing_ok=True)
