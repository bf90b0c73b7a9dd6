"""Programs: projects of different units that fund the same kind of thing (军转干部补助, 档案管理 …).

Two passes, both blocked so the cost grows with the size of each block, not with n²:

1. Vocabulary blocks. A project whose name names a beneficiary group (``data/beneficiary_groups.csv``)
   joins that group's program; one naming only a topic (``data/program_topics.csv``) joins the topic's
   program; one naming neither but whose text names a group joins that group's program as a low-score
   member. Projects for different groups are never in one program, even when they cite the same 文件
   (林业员 and 农技农机 both cite 渝农发〔2014〕295号). Each member is scored against the members of other
   units (``scoring.membership_score``): name similarity (rapidfuzz), embedding similarity
   (``kb.embeddings``) and shared citations.
2. Token blocks for the rest (projects naming no group or topic): projects sharing a rare character bigram of their core name are compared
   pairwise (``scoring.pair_score``) and joined when the score reaches ``scoring.PAIR_MINIMUM``.

A program needs members from at least two units. Its id is stable (``stable_id("program", kind, key)``)
and so is each membership's review id (``member_link_id``), so decisions survive a re-ingest.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

import networkx as nx
import numpy as np
from rapidfuzz import fuzz, process

from kb.embeddings import embed
from kb.core.records import Program, ProgramMember, stable_id
from linking import scoring
from linking.features import ProjectFeatures
from linking.vocabulary import beneficiary_groups, program_topics

GROUP_IN_NAME = 0.8
TOPIC_IN_NAME = 0.65
SEVERAL_TERMS = 0.6  # a name naming two groups (or two topics) joins each program with this base
GROUP_IN_TEXT = 0.5
TEXT_CEILING = 0.74  # a group read only from a project's text never makes an accepted member by itself
_MAX_COMPARED = 300  # distinct names of other units a member is compared with, per program


@dataclass(frozen=True)
class _Candidate:
    features: ProjectFeatures
    base: float
    source: str  # "name" or "text"


def member_link_id(program_id: str, project_id: str) -> str:
    """Review id of a project's membership of a program (``kb links accept|reject ID``).

    Example:
        >>> member_link_id("program:0", "project:0").startswith("program_member:")
        True
    """
    return stable_id("program_member", program_id, project_id)


def _member(program_id: str, features: ProjectFeatures, score: float, method: str,
            decisions: dict[str, str]) -> ProgramMember:
    status = decisions.get(member_link_id(program_id, features.project_id), scoring.status_for(score))
    return ProgramMember(project_id=features.project_id, unit=features.unit, project=features.name, score=score,
                         method=method, status=status)


def _vectors(cores: list[str]) -> dict[str, np.ndarray]:
    distinct = sorted(set(cores))
    return dict(zip(distinct, embed(distinct))) if distinct else {}


def _score_block(candidates: list[_Candidate], label: str) -> list[tuple[_Candidate, float, str]]:
    """Score each candidate against the candidates of other units (name, embedding, citations)."""
    units_citing: dict[str, set[str]] = defaultdict(set)
    cores_by_unit: dict[str, set[str]] = defaultdict(set)
    for candidate in candidates:
        for ref in candidate.features.refs:
            units_citing[ref].add(candidate.features.unit)
        cores_by_unit[candidate.features.unit].add(candidate.features.core)
    vectors = _vectors([candidate.features.core for candidate in candidates])
    scored = []
    for candidate in candidates:
        features = candidate.features
        others = sorted({core for unit, cores in cores_by_unit.items() if unit != features.unit for core in cores})
        others = others[:_MAX_COMPARED]
        best_name = process.extractOne(features.core, others, scorer=fuzz.WRatio, processor=None) if others else None
        name = best_name[1] / 100.0 if best_name else 0.0
        embedding = max((scoring.cosine_to_unit(vectors[features.core] @ vectors[core]) for core in others),
                        default=0.0)
        shared = {ref for ref in features.refs if units_citing[ref] - {features.unit}}
        citation = scoring.citation_overlap(set(features.refs), shared)
        evidence, kind = scoring.member_evidence(name, embedding, citation)
        method = f"{label}({candidate.source})+{kind}"
        ceiling = TEXT_CEILING if candidate.source == "text" else 1.0
        scored.append((candidate, scoring.membership_score(candidate.base, evidence, ceiling), method))
    return scored


def _vocabulary_blocks(features: list[ProjectFeatures]) -> dict[tuple[str, str], list[_Candidate]]:
    blocks: dict[tuple[str, str], list[_Candidate]] = defaultdict(list)
    for item in features:
        if item.groups:
            base = GROUP_IN_NAME if len(item.groups) == 1 else SEVERAL_TERMS
            for group in item.groups:
                blocks[("group", group)].append(_Candidate(item, base, "name"))
        elif item.topics:
            base = TOPIC_IN_NAME if len(item.topics) == 1 else SEVERAL_TERMS
            for topic in item.topics:
                blocks[("topic", topic)].append(_Candidate(item, base, "name"))
    for item in features:
        if not item.groups and not item.topics:
            for group in item.text_groups:
                if ("group", group) in blocks:
                    blocks[("group", group)].append(_Candidate(item, GROUP_IN_TEXT, "text"))
    return blocks


def _vocabulary_programs(features: list[ProjectFeatures], decisions: dict[str, str]) -> tuple[list[Program], set[str]]:
    terms = {("group", term.name): term for term in beneficiary_groups()}
    terms.update({("topic", term.name): term for term in program_topics()})
    programs, placed = [], set()
    for (kind, key), candidates in sorted(_vocabulary_blocks(features).items()):
        if len({candidate.features.unit for candidate in candidates}) < 2:
            continue
        program_id = stable_id("program", kind, key)
        label = f"beneficiary_group:{key}" if kind == "group" else f"topic:{key}"
        members = [_member(program_id, candidate.features, score, method, decisions)
                   for candidate, score, method in _score_block(candidates, label)]
        term = terms[(kind, key)]
        programs.append(Program(program_id=program_id, name=term.program_name, members=members,
                                keywords=list(term.aliases)))
        placed.update(candidate.features.project_id for candidate in candidates)
    return programs, placed


def candidate_pairs(cores: list[str]) -> set[tuple[int, int]]:
    """Index pairs of distinct core names that share a character bigram few core names have.

    Projects are compared by distinct core name (20 units printing 社保统办 make one entry), and a bigram
    found in more than max(10, 2√n) of the n names (社保, 补助 …) opens no block, so the number of pairs
    grows far slower than n² (e.g. 40 renamed copies of the corpus: 2,080 projects, a handful of pairs).

    Args:
        cores: distinct core names (``linking.features.core_name``).

    Returns:
        Index pairs (i, j), i < j, into ``cores``.
    """
    blocks: dict[str, list[int]] = defaultdict(list)
    for position, core in enumerate(cores):
        for bigram in {core[start:start + 2] for start in range(len(core) - 1)}:
            blocks[bigram].append(position)
    limit = max(10, int(2 * math.sqrt(len(cores))))
    pairs: set[tuple[int, int]] = set()
    for members in blocks.values():
        if len(members) <= limit:
            pairs.update((first, second) for index, first in enumerate(members) for second in members[index + 1:])
    return pairs


def _pairwise_programs(items: list[ProjectFeatures], decisions: dict[str, str]) -> list[Program]:
    """Programs of projects naming no vocabulary term, joined by name, embedding and citations."""
    by_core: dict[str, list[ProjectFeatures]] = defaultdict(list)
    for item in items:
        by_core[item.core].append(item)
    cores = sorted(by_core)
    refs = {core: frozenset().union(*(item.refs for item in by_core[core])) for core in cores}
    vectors = _vectors(cores)
    graph = nx.Graph()
    for core in cores:  # one name printed by several units: the same kind of project
        if len({item.unit for item in by_core[core]}) >= 2:
            shared = [item.refs for item in by_core[core]]
            citation = len(frozenset.intersection(*shared)) / len(refs[core]) if refs[core] else 0.0
            graph.add_edge(core, core, score=scoring.pair_score(1.0, 1.0, citation))
    for first, second in sorted(candidate_pairs(cores)):
        a, b = cores[first], cores[second]
        union = refs[a] | refs[b]
        citation = len(refs[a] & refs[b]) / len(union) if union else 0.0
        score = scoring.pair_score(scoring.name_similarity(a, b), scoring.cosine_to_unit(vectors[a] @ vectors[b]),
                                   citation)
        if score >= scoring.PAIR_MINIMUM:
            graph.add_edge(a, b, score=score)
    programs = []
    for component in nx.connected_components(graph):
        members = [item for core in sorted(component) for item in by_core[core]]
        if len({item.unit for item in members}) < 2:
            continue
        key = min(component, key=lambda core: (len(core), core))
        program_id = stable_id("program", "name", key)
        program_members = []
        for item in members:
            score = max(data["score"] for _, _, data in graph.edges(item.core, data=True))
            program_members.append(_member(program_id, item, score, "name+embedding+citation", decisions))
        programs.append(Program(program_id=program_id, name=key, members=program_members))
    return programs


def cluster_programs(features: list[ProjectFeatures], decisions: dict[str, str] | None = None) -> list[Program]:
    """Cluster projects into programs across units.

    Args:
        features: every project's features (``linking.features.project_features``).
        decisions: review decisions, membership id (``member_link_id``) -> "accepted" | "rejected".

    Returns:
        Programs sorted by program_id, members sorted by (unit, project); each member has a score 0..1,
        the method that produced it and a status: the decision if any, else "accepted" at or above
        ``scoring.ACCEPT`` and "possible" below.

    Example:
        >>> [p.name for p in cluster_programs(project_features([gold_000, gold_001], refs))]  # doctest: +SKIP
        ['企业军转干部生活补助', …]
    """
    decisions = decisions or {}
    programs, placed = _vocabulary_programs(features, decisions)
    rest = [item for item in features if item.project_id not in placed and not item.groups and not item.topics]
    programs += _pairwise_programs(rest, decisions)
    for program in programs:
        program.members = sorted(program.members, key=lambda member: (member.unit, member.project))
    return sorted(programs, key=lambda program: program.program_id)
