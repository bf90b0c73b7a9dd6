"""Policy document identity: one node per canonical 文号 (or per title cited alone), issuers, possible links.

Rules (GitHub issue "Linking"):

- identity is the canonical 文号 (``kb.core.doc_no``: issuer code + year + number); every title printed
  with it in any document is kept on its node (渝府办发〔2017〕84号 is printed with and without
  重庆市人民政府办公厅);
- 文号 that differ in year or number are different documents, however similar (渝委办发〔2003〕167号 ≠ 168号);
- a 《title》 cited alone (kept in a project's notes by the loader, note code ``references.title_only``) becomes a node keyed "《title》", unless
  its title is printed with a 文号 somewhere, in which case the citation joins that 文号's node;
- likely misprints become POSSIBLY_SAME_AS links with a score and status "possible", never a merge: the
  same year and number under issuer codes one character apart (渝教人〔2013〕13号 / 渝教文〔2013〕13号), the
  same title under two 文号, a title cited alone that is the subject of a 文号's title (《X》 vs 关于印发〈X〉的通知).

Link ids are ``kb.core.records.stable_id("policy_link", a, b)`` with a < b, so decisions survive a re-ingest.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import combinations
from typing import TYPE_CHECKING

from kb.core.records import Extraction, Issuer, PolicyDocumentNode, PolicyLink, stable_id
from linking import scoring
from linking.vocabulary import issuer_for
from loaders.notes import note_code, note_message
from kb.core.doc_no import DOC_NO_PATTERN, find_doc_nos, split_doc_no
from kb.core.normalize import match_key, normalize_text

if TYPE_CHECKING:
    from linking.inputs import DocumentInput

_TITLE_ONLY_CODE = "references.title_only"  # loaders.notes: the note listing references without a 文号
_TOP_LEVEL_TITLE = re.compile(r"《((?:[^《》]|《[^《》]*》)+)》")
_BRACKETS = re.compile(r"[《》〈〉<>\"“”]")
_ISSUING_VERBS = ("转发", "印发", "关于")


@dataclass(frozen=True)
class TitleCitation:
    """A project citing a policy document by title only (no 文号 printed with it in that project).

    Attributes:
        project_id: ``Extraction.project_ids()`` entry of the citing project.
        doc_no: the node it resolves to: a canonical 文号 whose title matches, else "《title》".
        role: "basis" when the title is in the project's 立项依据 text, else "mention".
        line: the project's source line.
    """

    project_id: str
    doc_no: str
    role: str
    line: int | None


@dataclass
class PolicyIndex:
    """Policy documents of a corpus after linking (see ``link_policies``)."""

    documents: dict[str, PolicyDocumentNode] = field(default_factory=dict)
    issuers: dict[str, Issuer] = field(default_factory=dict)
    links: list[PolicyLink] = field(default_factory=list)
    title_citations: list[TitleCitation] = field(default_factory=list)
    project_refs: dict[str, set[str]] = field(default_factory=dict)  # project_id -> node keys it cites


def title_key(title: str) -> str:
    """Comparison key of a title: match key without 《》〈〉<> and without the issuing bodies' names.

    The names before the first 关于 are dropped unless they hold a verb (转发/印发), because a forwarding
    notice (…转发〈关于X的通知〉的通知) is a different document from the one it forwards.

    Example:
        >>> title_key("重庆市人民政府办公厅关于印发重庆市市属国有重点企业退休人员社会化管理试点工作实施方案的通知")
        '关于印发重庆市市属国有重点企业退休人员社会化管理试点工作实施方案的通知'
    """
    key = _BRACKETS.sub("", match_key(title))
    position = key.find("关于")
    if position > 0 and not any(verb in key[:position] for verb in _ISSUING_VERBS):
        key = key[position:]
    return key


def title_only_references(notes: list[str]) -> list[str]:
    """《titles》 a loader kept in a project's notes as references without a 文号 (the notes whose code is
    ``references.title_only``, ``loaders.notes``), as printed (no 《》).

    Example:
        >>> from loaders.notes import note
        >>> title_only_references([note("references.title_only", references="国家标准《社会保险业务档案管理规范》；17号文")])
        ['社会保险业务档案管理规范']
    """
    titles: list[str] = []
    for note in notes:
        if note_code(note) != _TITLE_ONLY_CODE:
            continue
        for match in _TOP_LEVEL_TITLE.finditer(normalize_text(note_message(note))):
            title = match.group(1).strip()
            if len(re.findall(r"[\u4e00-\u9fff]", title)) >= 2 and "…" not in title and "..." not in title:
                titles.append(title)
    return list(dict.fromkeys(titles))


class _Builder:
    """Collects nodes and citations from the extractions, then derives the possible links."""

    def __init__(self) -> None:
        self.index = PolicyIndex()
        self.title_seen: dict[str, set[str]] = defaultdict(set)  # doc_no -> title match keys kept

    def node(self, doc_no: str) -> PolicyDocumentNode:
        if doc_no not in self.index.documents:
            parts = split_doc_no(doc_no)
            issuer_code, year, number = parts if parts else (None, None, None)
            self.index.documents[doc_no] = PolicyDocumentNode(doc_no=doc_no, issuer_code=issuer_code, year=year,
                                                              number=number)
        return self.index.documents[doc_no]

    def add_title(self, doc_no: str, title: str) -> None:
        title = normalize_text(title).strip()
        self.add_normalised(doc_no, title, match_key(title))

    def add_normalised(self, doc_no: str, title: str, key: str) -> None:
        """Add a title already normalised (``normalize_text(...).strip()``) with its match key."""
        if not title or key in self.title_seen[doc_no]:
            return
        self.title_seen[doc_no].add(key)
        node = self.node(doc_no)
        node.titles = [*node.titles, title]

    def collect(self, inputs: list[DocumentInput]) -> list[tuple[str, str, str, int | None]]:
        """Add every 文号 node and title; return the title-only citations still to resolve."""
        pending: list[tuple[str, str, str, int | None]] = []  # (project_id, title, role, line)
        for document in inputs:
            for reference in document.references:
                self.node(reference.doc_no)
                for title, key in reference.titles:
                    self.add_normalised(reference.doc_no, title, key)
            for project in document.projects:
                refs = self.index.project_refs.setdefault(project.project_id, set())
                for doc_no in project.doc_nos:
                    self.node(doc_no)
                    refs.add(doc_no)
                pending.extend((project.project_id, title, role, line) for title, role, line in project.titles)
        return pending

    def resolve_titles(self, pending: list[tuple[str, str, str, int | None]]) -> None:
        """Point each title-only citation at the 文号 whose title matches, else at a 《title》 node."""
        by_title: dict[str, set[str]] = defaultdict(set)
        for doc_no, node in self.index.documents.items():
            for title in node.titles:
                by_title[title_key(title)].add(doc_no)
        for project_id, title, role, line in pending:
            inner = DOC_NO_PATTERN.match(title)
            printed = find_doc_nos(title)
            if inner and printed:  # 《綦文委发〔2018〕70号 关于…的通知》: the 文号 printed inside the title
                target = printed[0].doc_no
                self.add_title(target, title[inner.end():].strip())
            else:
                matches = sorted(by_title.get(title_key(title), ()))
                target = matches[0] if len(matches) == 1 else f"《{normalize_text(title).strip()}》"
                if target.startswith("《"):
                    self.add_title(target, title)
            self.index.project_refs.setdefault(project_id, set()).add(target)
            self.index.title_citations.append(TitleCitation(project_id, target, role, line))


def _co_cited(project_refs: dict[str, set[str]]) -> set[frozenset[str]]:
    """Pairs of policy documents cited by one project (only pairs sharing year and number are kept)."""
    pairs: set[frozenset[str]] = set()
    for refs in project_refs.values():
        by_year_number: dict[tuple[int, int], list[str]] = defaultdict(list)
        for doc_no in refs:
            parts = split_doc_no(doc_no)
            if parts:
                by_year_number[parts[1:]].append(doc_no)
        for group in by_year_number.values():
            pairs.update(frozenset(pair) for pair in combinations(sorted(group), 2))
    return pairs


def _title_agreement(a: PolicyDocumentNode, b: PolicyDocumentNode) -> float:
    if not a.titles or not b.titles:
        return 0.5
    return 1.0 if {title_key(t) for t in a.titles} & {title_key(t) for t in b.titles} else 0.0


def _link(a: str, b: str, score: float, method: str, decisions: dict[str, str]) -> PolicyLink:
    a, b = sorted((a, b))
    link_id = stable_id("policy_link", a, b)
    return PolicyLink(id=link_id, a=a, b=b, score=score, method=method, status=decisions.get(link_id, "possible"))


def _near_duplicates(index: PolicyIndex, decisions: dict[str, str]) -> dict[frozenset[str], PolicyLink]:
    """Possible links between 文号 of the same year and number whose issuer codes are one character apart.

    Blocking by (year, number) keeps this linear in the number of documents for any realistic corpus.
    """
    co_cited = _co_cited(index.project_refs)
    blocks: dict[tuple[int, int], list[PolicyDocumentNode]] = defaultdict(list)
    for node in index.documents.values():
        if node.issuer_code and node.year is not None and node.number is not None:
            blocks[(node.year, node.number)].append(node)
    links: dict[frozenset[str], PolicyLink] = {}
    for block in blocks.values():
        for a, b in combinations(sorted(block, key=lambda node: node.doc_no), 2):
            if scoring.issuer_distance(a.issuer_code, b.issuer_code) != 1:
                continue
            pair = frozenset((a.doc_no, b.doc_no))
            shared = pair in co_cited
            score = scoring.near_duplicate_score(scoring.issuer_similarity(a.issuer_code, b.issuer_code), shared,
                                                 _title_agreement(a, b))
            if score >= scoring.POLICY_LINK_MINIMUM:
                method = "issuer_code_one_character_apart" + ("+cited_by_one_project" if shared else "")
                links[pair] = _link(a.doc_no, b.doc_no, score, method, decisions)
    return links


def _title_links(index: PolicyIndex, decisions: dict[str, str],
                 found: dict[frozenset[str], PolicyLink]) -> None:
    """Possible links for one title under two 文号, and for a title cited alone inside a 文号's title."""
    by_title: dict[str, set[str]] = defaultdict(set)
    for node in index.documents.values():
        for title in node.titles:
            by_title[title_key(title)].add(node.doc_no)
    for key, doc_nos in by_title.items():
        numbered = sorted(doc_no for doc_no in doc_nos if not doc_no.startswith("《"))
        for a, b in combinations(numbered, 2):
            pair = frozenset((a, b))
            if pair not in found:
                issuer = scoring.issuer_similarity(index.documents[a].issuer_code or "",
                                                   index.documents[b].issuer_code or "")
                found[pair] = _link(a, b, scoring.same_title_score(len(key), issuer), "same_title", decisions)
    numbered_titles = [(key, doc_no) for key, doc_nos in by_title.items() for doc_no in doc_nos
                       if not doc_no.startswith("《")]
    for node in index.documents.values():
        if not node.doc_no.startswith("《"):
            continue
        own = title_key(node.titles[0]) if node.titles else ""
        for key, doc_no in numbered_titles:
            pair = frozenset((node.doc_no, doc_no))
            if len(own) >= 6 and own != key and own in key and pair not in found:
                found[pair] = _link(node.doc_no, doc_no, scoring.title_inside_score(len(own), len(key)),
                                    "title_inside_title", decisions)


def link_policies(extractions: list[Extraction], decisions: dict[str, str] | None = None) -> PolicyIndex:
    """``link_policy_inputs`` of the documents' ``linking.inputs.document_input`` (same arguments and result)."""
    from linking.inputs import document_input

    return link_policy_inputs([document_input(extraction) for extraction in extractions], decisions)


def link_policy_inputs(inputs: list[DocumentInput], decisions: dict[str, str] | None = None) -> PolicyIndex:
    """Build the policy documents of a corpus, their issuers, possible links and title-only citations.

    Args:
        inputs: linking's view of each parsed document (``linking.inputs.document_input``), in corpus order.
        decisions: link id -> "accepted" | "rejected" from earlier reviews (``linking.decisions``).

    Returns:
        A ``PolicyIndex``: ``documents`` doc_no -> node (titles as printed, first seen first), ``issuers``
        issuer_code -> Issuer (registry name and level), ``links`` (POSSIBLY_SAME_AS, sorted by id),
        ``title_citations`` and ``project_refs`` (project_id -> cited node keys, titles resolved).

    Example:
        >>> index = link_policies([extraction_000, extraction_001])  # doctest: +SKIP
        >>> index.documents["渝府办发〔2017〕84号"].titles[:1]  # doctest: +SKIP
        ['重庆市人民政府办公厅关于印发重庆市市属国有重点企业退休人员社会化管理试点工作实施方案的通知']
    """
    decisions = decisions or {}
    builder = _Builder()
    builder.resolve_titles(builder.collect(inputs))
    index = builder.index
    index.documents = dict(sorted(index.documents.items()))
    found = _near_duplicates(index, decisions)
    _title_links(index, decisions, found)
    index.links = sorted(found.values(), key=lambda link: link.id)
    codes = sorted({node.issuer_code for node in index.documents.values() if node.issuer_code})
    index.issuers = {code: issuer_for(code) for code in codes}
    return index
