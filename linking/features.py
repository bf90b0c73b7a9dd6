"""What program clustering compares about a project: its core name, vocabulary terms and citations.

The core name drops what every project of a kind prints differently: the unit's place (荣昌区, 县社保事务中心),
a leading 代发, a year (2021年, (2023)) and generic endings (资金, 专项经费, 工作经费 …), so 荣昌区民师生活医疗补助
and 代发民办教师养老和医疗补助资金 compare as 民师生活医疗补助 and 民办教师养老和医疗补助.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from kb.core.places import PLACE
from kb.core.records import Extraction
from linking.vocabulary import Term, beneficiary_groups, find_terms, program_topics
from kb.core.normalize import match_key

_UNIT_WORDS = re.compile(r"^(?:县|区|市|总)?(?:社保事务中心|社会保险事务中心|社保中心|社保局)")
_YEAR = re.compile(r"(?:^\d{4}年(?:度)?)|(?:\(\d{4}\)$)")
_LEADING = ("代发", "发放", "关于")
_TRAILING = ("专项资金", "补助资金", "工作经费", "专项经费", "资金", "经费", "专项", "项目")


@dataclass(frozen=True)
class ProjectFeatures:
    """One project as program clustering sees it.

    Attributes:
        project_id: ``Extraction.project_ids()`` entry.
        unit: the unit's name as printed (the project's document's unit).
        name: the project name as printed.
        core: ``core_name(name)``.
        groups: beneficiary groups named in the project name.
        topics: topics named in the project name.
        text_groups: beneficiary groups named only in its overview, goal or 立项依据 text.
        refs: policy document keys it cites (canonical 文号, 《title》).
        subject_code: its functional classification code as printed (2080109), or None.
        amount: its amount in 万元, or None.
        indicators: its indicator names (match keys), in printed order.
        text: its overview, goal and 立项依据 text joined (as printed), "" when none is printed.
        searchable: the match key of ``text`` and the indicator names (``bundles.searchable_text``), kept so it
            is computed once per document content; "" when not computed (then computed when read).
    """

    project_id: str
    unit: str
    name: str
    core: str
    groups: tuple[str, ...]
    topics: tuple[str, ...]
    text_groups: tuple[str, ...]
    refs: frozenset[str]
    subject_code: str | None = None
    amount: float | None = None
    indicators: tuple[str, ...] = ()
    text: str = ""
    searchable: str = field(default="", compare=False, repr=False)


def unit_places(*texts: str | None) -> tuple[str, ...]:
    """Place names a unit's projects may start with, longest first, from its region and name.

    Example:
        >>> unit_places("重庆市荣昌区", "重庆市荣昌区社会保险事务中心")
        ('重庆市荣昌区', '荣昌区', '重庆市', '荣昌', '重庆')
    """
    places: set[str] = set()
    for text in texts:
        key, found = match_key(text), []
        while match := PLACE.match(key):
            found.append(match.group())
            key = key[match.end():]
        if found:
            places.add("".join(found))
        for place in found:
            places.add(place)
            stem = re.sub(r"(?:经济技术开发区|经开区|省|市|区|县)$", "", place)
            if len(stem) >= 2:
                places.add(stem)
    for text in texts[:1]:  # the region: every place name of it (合江县 in 四川省泸州市合江县), even one PLACE misses
        key = match_key(text)
        for size in range(2, len(key) + 1):
            for start in range(len(key) - size + 1):
                if start + size == len(key) and key[-1] in "省市区县" and (start == 0 or key[start - 1] in "省市区县"):
                    places.add(key[start:])
    return tuple(sorted(places, key=lambda place: (-len(place), place)))


def core_name(name: str, places: tuple[str, ...] = ()) -> str:
    """A project name without its unit's place, unit words, 代发, year and generic endings, as a match key.

    Args:
        name: the project name as printed.
        places: the unit's place names (``unit_places``); only these are stripped (村社区… keeps 村社区).

    Example:
        >>> core_name("代发企业退休军转干解困补助资金"), core_name("县社保事务中心档案整理工作经费")
        ('企业退休军转干解困', '档案整理')
        >>> core_name("2021年国有企业退休人员社会化管理补助资金")
        '国有企业退休人员社会化管理'
    """
    key = match_key(name)
    changed = True
    while changed:
        before = key
        for place in places:
            if key.startswith(place) and len(key) > len(place) + 1:
                key = key[len(place):]
                break
        key = _UNIT_WORDS.sub("", key, count=1)
        key = _YEAR.sub("", key)
        for word in _LEADING:
            if key.startswith(word) and len(key) > len(word) + 1:
                key = key[len(word):]
        for word in _TRAILING:
            if key.endswith(word) and len(key) > len(word) + 1:
                key = key[: -len(word)]
        changed = key != before
    return key or match_key(name)


def _names(terms: list[Term]) -> tuple[str, ...]:
    return tuple(term.name for term in terms)


def document_features(extraction: Extraction, vocabulary: bool = True) -> list[ProjectFeatures]:
    """Features of one document's projects, in project order, with ``refs`` empty and ``searchable`` filled.

    Args:
        extraction: a parsed document.
        vocabulary: False reads no beneficiary group or topic (see ``project_features``).
    """
    groups, topics = (beneficiary_groups(), program_topics()) if vocabulary else ((), ())
    unit = extraction.unit.name or extraction.file
    places = unit_places(extraction.unit.region, extraction.unit.name)
    features = []
    for project, project_id in zip(extraction.projects, extraction.project_ids()):
        name_groups = _names(find_terms(project.name, groups))
        text = " ".join(part for part in (project.overview, project.goal, project.basis_text) if part)
        text_groups = () if name_groups else _names(find_terms(text, groups))
        indicators = tuple(match_key(item.name) for item in project.indicators)
        features.append(ProjectFeatures(
            project_id=project_id, unit=unit, name=project.name, core=core_name(project.name, places),
            groups=name_groups, topics=_names(find_terms(project.name, topics)), text_groups=text_groups,
            refs=frozenset(), subject_code=project.subject_code, amount=project.amount, indicators=indicators,
            text=text, searchable=match_key(" ".join([text, *indicators])),
        ))
    return features


def with_refs(features: list[ProjectFeatures], project_refs: dict[str, set[str]]) -> list[ProjectFeatures]:
    """``features`` with each project's cited policy keys (``PolicyIndex.project_refs``) filled in."""
    return [replace(item, refs=frozenset(project_refs.get(item.project_id, ()))) for item in features]


def project_features(extractions: list[Extraction], project_refs: dict[str, set[str]],
                     vocabulary: bool = True) -> list[ProjectFeatures]:
    """Features of every project of ``extractions``, in document and project order.

    Args:
        extractions: parsed documents.
        project_refs: project_id -> cited policy keys (``linking.policy.PolicyIndex.project_refs``).
        vocabulary: False reads no beneficiary group or topic (groups, topics and text_groups stay empty):
            what a corpus whose programs are not in ``data/*.csv`` meets.

    Returns:
        One ``ProjectFeatures`` per project.
    """
    return with_refs([item for extraction in extractions for item in document_features(extraction, vocabulary)],
                     project_refs)
