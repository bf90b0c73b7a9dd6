"""Scores of the linking evidence, each in 0..1, and the thresholds that turn a score into a status.

A score never merges anything by itself: policy documents are merged only when their canonical 文号
are equal; a score only decides whether a POSSIBLY_SAME_AS link or a PART_OF membership is written and
whether it starts ``accepted`` (score >= ``ACCEPT``) or ``possible`` (reviewable with ``kb links``).
"""

from __future__ import annotations

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

ACCEPT = 0.75  # a membership or link at or above this starts accepted; below, possible
POLICY_LINK_MINIMUM = 0.35  # a possible 文号 link is written only at or above this score


def status_for(score: float) -> str:
    """Status a new membership gets from its score (0..1).

    Threshold example (``ACCEPT`` = 0.75): 0.91 -> "accepted"; 0.75 -> "accepted"; 0.62 -> "possible".

    Args:
        score: 0..1.

    Returns:
        "accepted" or "possible".
    """
    return "accepted" if score >= ACCEPT else "possible"


def name_similarity(a: str, b: str) -> float:
    """Similarity of two core project names: rapidfuzz ``WRatio`` (0..100) divided by 100.

    Threshold example: 民办教师养老和医疗补助 vs 民师生活医疗补助 gives 0.63 (a group member named so scores
    0.8 + 0.2 × 0.63 = 0.93 when the model's probability is lower); 国有企业退休人员社会化管理 vs
    国有企业退休人员社会管理服务 gives 0.89; two empty names give 0.0.

    Args:
        a, b: core names (``linking.features.core_name``), already match keys.

    Returns:
        0..1 (1 for equal names).
    """
    if not a or not b:
        return 0.0
    return fuzz.WRatio(a, b, processor=None) / 100.0


def membership_score(base: float, evidence: float, ceiling: float = 1.0) -> float:
    """Score of a project's membership of a vocabulary program: min(ceiling, base + (1 − base) × evidence).

    ``base`` says how the vocabulary term was found (a beneficiary group in the name 0.8, a topic in the name
    0.65, a group only in the project's text 0.5); ``evidence`` is the better of the learned model's match
    probability and the name similarity with the member's best partner (``linking.programs``). A group
    read only from the text gets ``ceiling`` = 0.74, below ``ACCEPT``: such a member always awaits review.

    Threshold example (``ACCEPT`` = 0.75): group in the name (0.8) with evidence 0.55 -> 0.91, accepted;
    topic in the name (0.65) with evidence 0.4 -> 0.79, accepted; with evidence 0.2 -> 0.72, possible;
    group only in the text (0.5, ceiling 0.74) with evidence 0.44 -> 0.72, possible; with evidence 0.6 ->
    0.8 capped to 0.74, still possible.

    Args:
        base: 0..1.
        evidence: 0..1.
        ceiling: 0..1, the highest score this kind of evidence may reach.

    Returns:
        0..1, rounded to 3 decimals.
    """
    return round(min(ceiling, base + (1.0 - base) * min(max(evidence, 0.0), 1.0)), 3)


def issuer_similarity(a: str, b: str) -> float:
    """Normalised Levenshtein similarity of two issuer codes (1 − distance / longer length).

    Threshold example: 渝教人 vs 渝教文 (one character apart) -> 0.667; 渝人社 vs 渝人社发 -> 0.75;
    渝财采购 vs 荣财库 -> 0.25 (never a near-duplicate: distance 3).

    Returns:
        0..1.
    """
    return Levenshtein.normalized_similarity(a, b)


def issuer_distance(a: str, b: str) -> int:
    """Edit distance between two issuer codes, 0..max(len(a), len(b)) (0 = equal).

    Threshold example: near-duplicate 文号 need exactly 1: 渝教人 vs 渝教文 -> 1, a candidate; 渝财采购 vs 荣财库
    -> 3, never compared further; 渝人社发 vs 渝人社发 -> 0, the same issuer (the 文号 differ in year or number).
    """
    return Levenshtein.distance(a, b)


def near_duplicate_score(issuer: float, co_cited: bool, titles: float) -> float:
    """Score of two 文号 with the same year and number whose issuer codes are one character apart.

    score = 0.35 × issuer similarity + 0.35 × (1 if one project cites both) + 0.3 × title agreement,
    where title agreement is 1 for the same title, 0.5 when either has no title printed, 0 for different
    titles.

    Threshold example (``POLICY_LINK_MINIMUM`` = 0.35): 渝教人〔2013〕13号 and 渝教文〔2013〕13号 (similarity
    0.667, both cited by 荣昌区民师生活医疗补助, no titles) -> 0.233 + 0.35 + 0.15 = 0.733, a possible link;
    the same pair cited by different projects -> 0.383, still written; with two different titles and no
    shared project -> 0.233, not written.

    Returns:
        0..1, rounded to 3 decimals.
    """
    return round(0.35 * issuer + 0.35 * (1.0 if co_cited else 0.0) + 0.3 * titles, 3)


def title_inside_score(inner_length: int, outer_length: int) -> float:
    """Score of a title cited alone that is printed inside a 文号's title (《X》 vs 关于印发〈X〉的通知).

    score = 0.5 + 0.3 × inner length / outer length: the more of the numbered title the cited title covers,
    the likelier the project means that 文号.

    Threshold example: 《重庆市国有企业退休人员社会化管理实施方案》 (20 characters) inside the 27-character key
    of 关于印发〈重庆市国有企业退休人员社会化管理实施方案〉的通知 -> 0.5 + 0.3 × 20 / 27 = 0.722, a possible link;
    a 6-character title inside a 60-character one -> 0.53.

    Returns:
        0.5..0.8, rounded to 3 decimals.
    """
    return round(0.5 + 0.3 * inner_length / max(outer_length, 1), 3)


def same_title_score(title_length: int, issuer: float) -> float:
    """Score of two 文号 that print the same title (compared without the issuing body's name).

    score = 0.6 + 0.2 × min(1, title length / 30) + 0.2 × issuer similarity: a long specific title under
    two 文号 of the same issuer is most likely one document printed with a wrong 文号.

    Threshold example: a 38-character title under 渝社险发 and 渝社险办 (similarity 0.75) -> 0.6 + 0.2 + 0.15
    = 0.95; a 12-character title under unrelated issuers (similarity 0.2) -> 0.6 + 0.08 + 0.04 = 0.72.

    Returns:
        0.6..1, rounded to 3 decimals.
    """
    return round(0.6 + 0.2 * min(1.0, title_length / 30.0) + 0.2 * issuer, 3)
