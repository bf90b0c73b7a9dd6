"""What linking reads of one document, computed once per content: ``DocumentInput``.

Linking is corpus wide (one 文号 node per canonical 文号 across documents, a program model fitted on every
project), but almost all of its work is per document: normalising titles, finding title-only citations,
reading each project's core name, vocabulary terms and searchable text. ``document_input`` does that work
for one parsed document; the result is plain data (tuples, strings, frozen dataclasses), small and quick
to pickle, so an ingest keeps it beside the store keyed by the document's content hash (``doc_id``) and
the next ingest links the whole corpus without loading or normalising the documents it did not change
(``linking.link_inputs``). ``linking.link(extractions)`` is ``link_inputs`` of freshly computed inputs, so
both paths give the same result.
"""

from __future__ import annotations

from dataclasses import dataclass

from kb.core.normalize import match_key, normalize_text
from kb.core.records import Extraction
from linking.features import ProjectFeatures, document_features
from linking.policy import _BRACKETS, title_only_references

INPUT_VERSION = 1
"""Bumped whenever what ``document_input`` computes changes: a kept input of another version is recomputed."""


@dataclass(frozen=True)
class TitledReference:
    """A 文号 printed in a document, with its titles normalised: ((title, match key of the title), …)."""

    doc_no: str
    titles: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ProjectReferences:
    """What one project cites: 文号 (basis first, then mentions, as printed) and 《titles》 cited alone.

    Attributes:
        project_id: ``Extraction.project_ids()`` entry.
        doc_nos: canonical 文号 it cites.
        titles: (title as printed, role "basis" | "mention", source line) of each title cited without a 文号.
    """

    project_id: str
    doc_nos: tuple[str, ...]
    titles: tuple[tuple[str, str, int | None], ...]


@dataclass(frozen=True)
class DocumentInput:
    """Linking's view of one document (see the module docstring).

    Attributes:
        doc_id / file: the document's content hash and file name (the corpus is linked in (file, doc_id) order).
        references: the 文号 the document prints with their titles (``Extraction.policy_docs``).
        projects: per project, what it cites.
        features: per project, ``ProjectFeatures`` with ``refs`` empty (refs are corpus wide: a title cited
            alone resolves to whichever 文号 prints that title anywhere) and ``searchable`` filled.
        vocabulary: whether beneficiary groups and topics were read (``linking.link(vocabulary=…)``).
        version: ``INPUT_VERSION`` when computed.
    """

    doc_id: str
    file: str
    references: tuple[TitledReference, ...]
    projects: tuple[ProjectReferences, ...]
    features: tuple[ProjectFeatures, ...]
    vocabulary: bool = True
    version: int = INPUT_VERSION

    @property
    def order(self) -> tuple[str, str]:
        """The sort key of the document in a corpus: (file, doc_id)."""
        return self.file, self.doc_id


def _titled(title: str) -> tuple[str, str]:
    normalised = normalize_text(title).strip()
    return normalised, match_key(normalised)


def document_input(extraction: Extraction, vocabulary: bool = True) -> DocumentInput:
    """Compute linking's view of one parsed document.

    Args:
        extraction: a parsed record (``loaders.parse_file`` output, ``doc_id`` set, ``lines`` not needed).
        vocabulary: read beneficiary groups and topics (False: see ``linking.link``).

    Returns:
        A ``DocumentInput``.

    Example:
        >>> document_input(Extraction(file="a.txt", doc_id="0" * 64)).features
        ()
    """
    references = tuple(TitledReference(reference.doc_no, tuple(_titled(title) for title in reference.titles))
                       for reference in extraction.policy_docs)
    projects = []
    for project, project_id in zip(extraction.projects, extraction.project_ids()):
        basis = match_key(project.basis_text)
        titles = tuple((title, "basis" if basis and _BRACKETS.sub("", match_key(title)) in basis else "mention",
                        project.line) for title in title_only_references(project.notes))
        projects.append(ProjectReferences(project_id, tuple(dict.fromkeys([*project.basis_refs, *project.all_refs])),
                                          titles))
    return DocumentInput(doc_id=extraction.doc_id or "", file=extraction.file, references=references,
                         projects=tuple(projects), features=tuple(document_features(extraction, vocabulary)),
                         vocabulary=vocabulary)
