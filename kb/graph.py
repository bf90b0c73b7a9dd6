"""Records + links -> the property graph of docs/CONTRACTS.md, as a networkx MultiDiGraph.

Node ids are ``"<Label>:<key>"`` (e.g. ``"PolicyDocument:渝委办发〔2019〕66号"``); every node carries
``label`` and the properties of ``kb.core.schema.NODE_TABLES[label]`` (key included). Every edge is
keyed by its relationship type (so a fact is stored once), carries ``type`` and the properties of
``REL_TABLES[type]``. Ids are stable: the same documents always give the same graph (``kb.core.records.stable_id``),
which makes re-ingesting an upsert. Exports, the stores and analysis all reuse this graph.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import networkx as nx

from kb.core.places import unit_aliases, unit_level
from kb.core.records import Extraction, Indicator, LinkResult, stable_id
from kb.core.schema import NODE_TABLES, REL_TABLES, coerce
from kb.core.doc_no import split_doc_no

PROGRAM_MODEL_ID = "program_model"  # the one LinkModel node: linking's fitted program model
_BUDGET_FIGURES = ("income_total", "expense_total", "general_public_budget", "basic_expense", "project_expense",
                   "carryover", "three_public")


def node_id(label: str, key: str) -> str:
    """The networkx node id of the ``label`` node whose key property is ``key``.

    Example:
        >>> node_id("Subject", "function:208")
        'Subject:function:208'
    """
    return f"{label}:{key}"


class _Builder:
    """Accumulates nodes and edges, keeping only schema properties coerced to their stored types."""

    def __init__(self) -> None:
        self.graph = nx.MultiDiGraph()

    def node(self, label: str, key: str, **properties: object) -> str:
        table = NODE_TABLES[label]
        identifier = node_id(label, key)
        values = {name: coerce(properties.get(name), type_name) for name, type_name in table.properties.items()}
        values[table.key] = key
        if identifier in self.graph:  # later documents fill what earlier ones left blank
            current = self.graph.nodes[identifier]
            for name, value in values.items():
                if current.get(name) in (None, []) and value not in (None, []):
                    current[name] = value
        else:
            self.graph.add_node(identifier, label=label, **values)
        return identifier

    def edge(self, rel_type: str, source: str, target: str, **properties: object) -> None:
        table = REL_TABLES[rel_type]
        values = {name: coerce(properties.get(name), type_name) for name, type_name in table.properties.items()}
        self.graph.add_edge(source, target, key=rel_type, type=rel_type, **values)

    def target(self, source: str, indicator: Indicator) -> None:
        key = stable_id("indicator", indicator.level1, indicator.level2, indicator.name)
        target = self.node("Indicator", key, name=indicator.name, level1=indicator.level1, level2=indicator.level2)
        self.edge("HAS_TARGET", source, target, **indicator.model_dump(include={"op", "value", "unit", "weight",
                                                                                "core", "direction", "line"}))


def _subject_level(code: str) -> int:
    return {3: 1, 5: 2}.get(len(code), 3)


def _add_document(builder: _Builder, extraction: Extraction, findings: list | None = None) -> None:
    unit, totals = extraction.unit, extraction.totals
    unit_name = unit.name or extraction.file
    unit_node = builder.node("Unit", extraction.unit_id(), name=unit_name, code=unit.code, region=unit.region,
                             province=unit.province, level=unit_level(unit.name, unit.region),
                             aliases=unit_aliases(unit.name, unit.region))
    title = f"{unit_name}{unit.year or ''}{'年' if unit.year else ''}{unit.kind or ''}"
    document = builder.node("Document", extraction.doc_id or stable_id("document", extraction.file),
                            file=extraction.file, path=extraction.path, title=title, year=unit.year, kind=unit.kind,
                            unit_name=unit_name, layout=extraction.layout, discrepancies=extraction.discrepancies)
    builder.edge("PUBLISHED", unit_node, document)

    figures = totals.model_dump(include=set(_BUDGET_FIGURES))
    lines = {f"{name}_line": totals.lines.get(name) for name in _BUDGET_FIGURES}
    budget = builder.node("Budget", stable_id("budget", unit_name, unit.year, unit.kind), year=unit.year,
                          kind=unit.kind, unit_name=unit_name, file=extraction.file, **figures, **lines)
    builder.edge("HAS_BUDGET", unit_node, budget)
    builder.edge("SOURCE", budget, document, line=unit.line)
    for line in extraction.function_subjects:
        subject = builder.node("Subject", f"function:{line.code}", scheme="function", code=line.code, name=line.name,
                               level=_subject_level(line.code))
        builder.edge("ALLOCATES", budget, subject, total=line.total, basic=line.basic, project=line.project,
                     line=line.line)
    for line in extraction.economic_subjects:
        subject = builder.node("Subject", f"{line.scheme}:{line.code}", scheme=line.scheme, code=line.code,
                               name=line.name, level=_subject_level(line.code))
        builder.edge("ALLOCATES", budget, subject, total=line.total, line=line.line)
    for indicator in extraction.unit_indicators:
        builder.target(budget, indicator)

    titles = {reference.doc_no: reference.titles for reference in extraction.policy_docs}
    for project, project_key in zip(extraction.projects, extraction.project_ids()):
        node = builder.node("Project", project_key, name=project.name, code=project.code, year=unit.year,
                            amount=project.amount, category=project.category, overview=project.overview,
                            basis_text=project.basis_text, goal=project.goal, subject_code=project.subject_code,
                            unit_name=unit_name, file=extraction.file, line=project.line, notes=project.notes,
                            source_table=project.source_table)
        builder.edge("RUNS", unit_node, node)
        builder.edge("SOURCE", node, document, line=project.line)
        for doc_no in dict.fromkeys([*project.basis_refs, *project.all_refs]):
            policy = _add_policy(builder, doc_no, titles.get(doc_no, []))
            builder.edge("CITES", node, policy, role="basis" if doc_no in project.basis_refs else "mention",
                         line=project.ref_lines.get(doc_no, project.line))
        if project.subject_code:
            subject = builder.node("Subject", f"function:{project.subject_code}", scheme="function",
                                   code=project.subject_code, level=_subject_level(project.subject_code))
            builder.edge("CLASSIFIED_AS", node, subject)
        for indicator in project.indicators:
            builder.target(node, indicator)
    for reference in extraction.policy_docs:
        _add_policy(builder, reference.doc_no, reference.titles)
    if findings is None:
        from kb.checks import check_extraction  # consistency findings (kb check), stored beside their document

        findings = check_extraction(extraction)
    for finding in findings:
        builder.edge("HAS_FINDING", document, builder.node("Finding", finding.finding_id,
                                                           **finding.graph_properties()))


def _add_policy(builder: _Builder, doc_no: str, titles: Iterable[str], issuer_code: str | None = None,
                year: int | None = None, number: int | None = None) -> str:
    parts = split_doc_no(doc_no)
    if parts:
        issuer_code, year, number = parts
    identifier = builder.node("PolicyDocument", doc_no, issuer_code=issuer_code, year=year, number=number)
    node = builder.graph.nodes[identifier]
    node["titles"] = list(dict.fromkeys([*node["titles"], *titles]))
    node["title"] = node["titles"][0] if node["titles"] else ""
    if issuer_code:
        builder.edge("ISSUED_BY", identifier, builder.node("Issuer", issuer_code))
    return identifier


def _add_subject_hierarchy(builder: _Builder) -> None:
    """CHILD_OF from each subject to the longest shorter code of the same scheme present in the graph."""
    by_scheme: dict[str, set[str]] = {}
    for _, data in builder.graph.nodes(data=True):
        if data["label"] == "Subject":
            by_scheme.setdefault(data["scheme"], set()).add(data["code"])
    for scheme, codes in by_scheme.items():
        for code in codes:
            parent = next((code[:size] for size in range(len(code) - 1, 2, -1) if code[:size] in codes), None)
            if parent:
                builder.edge("CHILD_OF", node_id("Subject", f"{scheme}:{code}"),
                             node_id("Subject", f"{scheme}:{parent}"))


def _add_links(builder: _Builder, links: LinkResult) -> None:
    for issuer in links.issuers:
        builder.node("Issuer", issuer.issuer_code, name=issuer.name, level=issuer.level)
    for policy in links.policy_documents:
        _add_policy(builder, policy.doc_no, policy.titles, policy.issuer_code, policy.year, policy.number)
    for citation in links.citations:  # a 《title》 cited alone: CITES its node unless the project already does
        project = node_id("Project", citation.project_id)
        policy = node_id("PolicyDocument", citation.doc_no)
        if project in builder.graph and policy in builder.graph and not builder.graph.has_edge(project, policy):
            builder.edge("CITES", project, policy, role=citation.role, line=citation.line)
    for link in links.policy_links:
        source, target = _add_policy(builder, link.a, []), _add_policy(builder, link.b, [])
        builder.edge("POSSIBLY_SAME_AS", source, target, link_id=link.id, score=link.score, method=link.method,
                     status=link.status)
    for program in links.programs:
        members = [member for member in program.members if node_id("Project", member.project_id) in builder.graph]
        if not members:
            continue
        node = builder.node("Program", program.program_id, name=program.name, keywords=program.keywords)
        for member in members:
            builder.edge("PART_OF", node_id("Project", member.project_id), node, score=member.score,
                         method=member.method, status=member.status, kind=member.kind, share=member.share,
                         weights=json.dumps(member.weights, ensure_ascii=False))
    if links.program_model:
        builder.node("LinkModel", PROGRAM_MODEL_ID, name="program linking (Fellegi-Sunter, EM)",
                     parameters=json.dumps(links.program_model, ensure_ascii=False))


@dataclass
class DocumentPart:
    """What one document alone contributes to the graph, kept per content hash so it is built once.

    Attributes:
        doc_id / file: the document (parts are merged in (file, doc_id) order, as ``build_graph`` adds them).
        nodes: node id -> data (``label`` and schema properties), as ``_add_document`` made them.
        edges: (source id, target id, type) -> data (``type`` and schema properties).
        version: ``PART_VERSION`` when built.
    """

    doc_id: str
    file: str
    nodes: dict[str, dict]
    edges: dict[tuple[str, str, str], dict]
    version: int = 0

    @property
    def order(self) -> tuple[str, str]:
        """The document's place in a corpus: (file, doc_id)."""
        return self.file, self.doc_id


PART_VERSION = 1
"""Bumped whenever ``_add_document`` changes what it builds: a kept part of another version is built again."""


def document_part(extraction: Extraction, findings: list | None = None) -> DocumentPart:
    """Build the part of the graph one document contributes (see ``build_graph`` for ``findings``)."""
    builder = _Builder()
    _add_document(builder, extraction, findings)
    graph = builder.graph
    return DocumentPart(extraction.doc_id or "", extraction.file, dict(graph.nodes(data=True)),
                        {(source, target, key): data for source, target, key, data in graph.edges(keys=True, data=True)},
                        PART_VERSION)


def _merge(builder: _Builder, part: DocumentPart) -> None:
    """Add ``part`` to the graph being built exactly as ``_add_document`` would have: a node already there
    gets the values it lacks (None or []), a policy document every title not yet listed; an edge is
    overwritten. The part's property maps become the graph's (not copied: a part is merged once)."""
    graph = builder.graph
    for identifier, data in part.nodes.items():
        current = graph.nodes.get(identifier)
        if current is None:
            graph.add_node(identifier, **data)
            continue
        for name, value in data.items():
            if current.get(name) in (None, []) and value not in (None, []):
                current[name] = value
        if data["label"] == "PolicyDocument":
            current["titles"] = list(dict.fromkeys([*current["titles"], *data["titles"]]))
            current["title"] = current["titles"][0] if current["titles"] else ""
    for (source, target, rel_type), data in part.edges.items():
        graph.add_edge(source, target, key=rel_type, **data)


def build_graph(extractions: list[Extraction], links: LinkResult | None = None,
                findings: Mapping[str, list] | None = None,
                parts: Iterable[DocumentPart] = ()) -> nx.MultiDiGraph:
    """Build the property graph of a corpus.

    Args:
        extractions: one parsed record per document (``loaders.parse_file`` output); amounts in 万元.
        links: what ``linking.link`` added (issuers, policy documents, possible 文号 links, programs), or None.
        findings: doc_id -> ``kb.checks.Finding`` list already computed for that content (the store's
            archive keeps them); a document missing here is checked now (``check_extraction``, which needs
            its ``lines``).
        parts: documents already built (``document_part``, kept per content by the ingest), merged with
            ``extractions`` in (file, doc_id) order: the graph is the same as building their records.

    Returns:
        A MultiDiGraph: nodes ``"<Label>:<key>"`` with ``label`` and the schema's properties; edges keyed by
        relationship type with ``type`` and its properties. One PolicyDocument per canonical 文号 whatever
        the number of documents citing it; one Subject per scheme and code; one Indicator per name path.

    Example:
        >>> graph = build_graph([Extraction(file="a.txt")])
        >>> sorted({data["label"] for _, data in graph.nodes(data=True)})
        ['Budget', 'Document', 'Unit']
    """
    built = list(parts)
    for extraction in extractions:
        known = findings.get(extraction.doc_id) if findings is not None and extraction.doc_id else None
        built.append(document_part(extraction, known))
    built.sort(key=lambda part: part.order)  # in file order, so merged titles and names never depend on input order
    builder = _Builder()
    for index, part in enumerate(built):
        _merge(builder, part)
        built[index] = None  # let a merged part go
    if links is not None:
        _add_links(builder, links)
    _add_subject_hierarchy(builder)
    return builder.graph


def add_link_layer(graph: nx.MultiDiGraph, links: LinkResult) -> None:
    """Add linking's nodes and relationships and the subject hierarchy to ``graph`` in place, as
    ``build_graph`` does after merging the documents (used by an incremental ingest on the part of the
    graph linking reads: policy documents, issuers, subjects, projects and their CITES / ISSUED_BY)."""
    builder = _Builder()
    builder.graph = graph
    _add_links(builder, links)
    _add_subject_hierarchy(builder)
