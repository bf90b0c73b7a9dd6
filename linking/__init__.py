"""Entity resolution across documents: policy documents (文件) by 文号, issuers, programs, review decisions.

``link(extractions, decisions)`` is the one entry point the ingest calls (docs/CONTRACTS.md); review
decisions live in ``linking.decisions`` and ``kb links`` reads ``linking.report``.
"""

from __future__ import annotations

from kb.core.records import Extraction, LinkResult, PolicyCitation
from linking.features import with_refs
from linking.inputs import DocumentInput, document_input
from linking.learned import ProgramModel
from linking.policy import link_policy_inputs
from linking.programs import cluster_programs, member_link_id


def link(extractions: list[Extraction], decisions: dict[str, str] | None = None, vocabulary: bool = True) -> LinkResult:
    """Link a corpus: one policy document per canonical 文号, issuers, possible 文号 links and programs.

    Args:
        extractions: every parsed document of the store (``loaders.parse_file`` output or gold JSON).
        decisions: review decisions, link id -> "accepted" | "rejected" (``linking.decisions.load_decisions``);
            they set the status of the POSSIBLY_SAME_AS links and PART_OF memberships they name.
        vocabulary: False links programs with the beneficiary-group and topic vocabulary emptied (what a
            corpus from a province whose programs are not in ``linking/data`` meets); the learned model
            alone then decides.

    Returns:
        ``LinkResult`` with ``policy_documents`` (sorted by doc_no, every title printed with each),
        ``issuers`` (registry name and level), ``policy_links`` (score 0..1, method, status) and
        ``programs`` (members with project_id from ``Extraction.project_ids()``, score 0..1, method, status)
        and ``citations`` (projects citing a 《title》 alone, resolved to a 文号 whose title matches), and
        ``program_model`` (the fitted Fellegi–Sunter model: prior, m, u and match weight of every level).

    Example:
        >>> result = link([extraction_000, extraction_001])  # doctest: +SKIP
        >>> [d.doc_no for d in result.policy_documents if d.doc_no.startswith("渝府办发")]  # doctest: +SKIP
        ['渝府办发〔2017〕84号']
    """
    ordered = sorted(extractions, key=lambda extraction: (extraction.file, extraction.doc_id or ""))
    return link_inputs([document_input(extraction, vocabulary) for extraction in ordered], decisions)


def link_inputs(inputs: list[DocumentInput], decisions: dict[str, str] | None = None) -> LinkResult:
    """``link`` of documents already read by ``linking.inputs.document_input`` (what an ingest keeps per content).

    Args:
        inputs: one ``DocumentInput`` per document of the corpus, in any order (sorted here by (file, doc_id)).
        decisions: review decisions, as for ``link``.

    Returns:
        The same ``LinkResult`` as ``link`` of the documents the inputs were computed from.
    """
    decisions = decisions or {}
    ordered = sorted(inputs, key=lambda document: document.order)
    policies = link_policy_inputs(ordered, decisions)
    features = with_refs([item for document in ordered for item in document.features], policies.project_refs)
    model = ProgramModel(features)
    programs = cluster_programs(features, decisions, model)
    citations = [PolicyCitation(project_id=citation.project_id, doc_no=citation.doc_no, role=citation.role,
                                line=citation.line) for citation in policies.title_citations]
    return LinkResult(policy_documents=list(policies.documents.values()), issuers=list(policies.issuers.values()),
                      policy_links=policies.links, programs=programs, citations=citations,
                      program_model=model.model.to_dict())


__all__ = ["DocumentInput", "document_input", "link", "link_inputs", "member_link_id"]
