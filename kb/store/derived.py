"""What each stored document contributes, kept per content hash: ``<db>/derived/<doc_id>.pickle``.

An ingest needs, for every document of the corpus, its part of the graph (``kb.graph.document_part``)
and linking's view of it (``linking.inputs.document_input``). Both are pure functions of the document's
content (its ``doc_id``), so they are computed once, when the document is parsed, and kept here; the next
ingest reads these small plain-data pickles instead of loading and normalising every parsed record
(``kb.store.archive``) again. A kept entry of another ``PART_VERSION`` / ``INPUT_VERSION`` (an older
budget-kb) or an unreadable one counts as missing and is rebuilt from the archived record.

Entries are written to a temporary name and renamed (a killed process leaves each whole); those of
documents no longer published are deleted after each published change (``keep_only``).
"""

from __future__ import annotations

import os
import pickle
import re
from pathlib import Path

from kb.graph import PART_VERSION, DocumentPart
from linking.inputs import INPUT_VERSION, DocumentInput

FOLDER = "derived"
_DOC_ID = re.compile(r"^[0-9a-f]{64}$")


class DerivedCache:
    """Per-document graph parts and linking inputs of a store folder.

    Args:
        folder: the database folder (``--db``); entries live in ``folder/derived``.

    Example:
        >>> cache = DerivedCache(Path("kb-data"))  # doctest: +SKIP
        >>> cache.put(part, document_input(extraction)); cache.get(part.doc_id)[0].file  # doctest: +SKIP
        '000_7c3d463bfeea7d61.txt'
    """

    def __init__(self, folder: Path):
        self.folder = Path(folder) / FOLDER

    def _path(self, doc_id: str) -> Path:
        return self.folder / f"{doc_id}.pickle"

    def get(self, doc_id: str) -> tuple[DocumentPart, DocumentInput] | None:
        """The kept (part, input) of ``doc_id``; None when missing, unreadable or of another version."""
        try:
            with open(self._path(doc_id), "rb") as stream:
                part, document = pickle.load(stream)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError, ImportError):
            return None
        if not isinstance(part, DocumentPart) or not isinstance(document, DocumentInput):
            return None
        if part.version != PART_VERSION or document.version != INPUT_VERSION or not document.vocabulary:
            return None
        return part, document

    def get_input(self, doc_id: str) -> DocumentInput | None:
        """The kept linking input of ``doc_id`` alone (``<doc_id>.input.pickle``, a fifth of the entry: what an
        ingest that only adds documents reads of every stored one); taken from the whole entry, and kept
        apart for next time, when an older budget-kb wrote only that. None when missing or outdated."""
        try:
            with open(self._input_path(doc_id), "rb") as stream:
                document = pickle.load(stream)
            if isinstance(document, DocumentInput) and document.version == INPUT_VERSION and document.vocabulary:
                return document
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError, ImportError):
            pass
        entry = self.get(doc_id)
        if entry is None:
            return None
        try:
            self._write(self._input_path(doc_id), entry[1])
        except OSError:
            pass  # read from the whole entry again next time
        return entry[1]

    def _input_path(self, doc_id: str) -> Path:
        return self.folder / f"{doc_id}.input.pickle"

    def put(self, part: DocumentPart, document: DocumentInput) -> None:
        """Keep one document's part and input, and the input alone (temporary files + rename).

        Raises:
            OSError: the folder cannot be written (the caller reports it as ``StoreUnavailable``).
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        self._write(self._path(part.doc_id), (part, document))
        self._write(self._input_path(part.doc_id), document)

    @staticmethod
    def _write(target: Path, value: object) -> None:
        temporary = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        with open(temporary, "wb") as stream:
            pickle.dump(value, stream, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, target)

    def keep_only(self, doc_ids: set[str]) -> int:
        """Delete the entries (and temporary files) of documents not in ``doc_ids``; how many were deleted."""
        if not self.folder.is_dir():
            return 0
        dropped = 0
        for path in self.folder.iterdir():
            doc_id = path.name.split(".", 1)[0]
            if path.name.startswith(".") or (_DOC_ID.match(doc_id) and doc_id not in doc_ids):
                path.unlink(missing_ok=True)
                dropped += not path.name.startswith(".")
        return dropped
