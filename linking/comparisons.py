"""What the program model compares between two groups of projects, as Fellegi–Sunter levels.

Projects are compared by distinct core name (``linking.features.core_name``): all projects printing one
core name form one ``NameGroup``, whose other attributes are the shares of its projects having each
value, so one project's own local 文号 never swamps the 文号 the others share. Comparisons:

- ``name``: TF-IDF cosine of character 1–3-grams of the core names (``char_tfidf``) (rare n-grams such as 水利 weigh more
  than 养老 or 补助), with rapidfuzz ``partial_ratio`` for a name printed inside another;
- ``doc_no``: the 文号 the two groups share, each weighted by how rare it is (log of units / units citing)
  and by the share of each group's projects citing it;
- ``subject``: functional subject code equal, same 款 (first five digits) or different;
- ``amount``: the scale of the median amounts (万元);
- ``indicators``: overlap of the indicator names;
- ``vocabulary``: the beneficiary group or topic the names name (``data/*.csv``), the same or different;
- ``embedding``: only when ``KB_EMBEDDING_MODEL`` names a model: cosine of the names' embeddings.

A level is −1 when either side lacks the value (no evidence either way).
"""

from __future__ import annotations

import math
import os
import random
from collections import Counter, defaultdict
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from linking.fellegi_sunter import Comparison
from linking.features import ProjectFeatures

COMPARISONS = (
    Comparison("name", ("名称不同", "名称略近 (n-gram 余弦 ≥ 0.3)", "名称相近 (≥ 0.5)", "名称很近 (≥ 0.7)",
                        "名称相同")),
    Comparison("doc_no", ("无共同文号", "有共同文号但各有对方没有的常用文号", "共同文号很少", "共同文号部分",
                          "共同文号多")),
    Comparison("subject", ("功能科目不同", "功能科目同款", "功能科目相同")),
    Comparison("amount", ("金额相差十倍以上", "金额相差三倍以内", "金额同一量级")),
    Comparison("indicators", ("绩效指标不同", "绩效指标部分相同", "绩效指标多半相同")),
    Comparison("vocabulary", ("词表对象不同", "词表对象相同")),
)
_OFTEN = 0.25  # a 文号 at least this share of a name group's projects cite is one of its own
EMBEDDING = Comparison("embedding", ("嵌入余弦 < 0.6", "嵌入余弦 ≥ 0.6", "嵌入余弦 ≥ 0.85"))


@dataclass
class NameGroup:
    """The projects printing one core name, as the model compares them.

    Attributes:
        core: the core name.
        items: its projects.
        units: the units printing it.
        refs: 文号 -> share of its projects citing it (0..1).
        subject: its most printed subject code, or None.
        amount: median amount in 万元, or None.
        indicators: indicator names printed by any of its projects.
        terms: vocabulary groups and topics its name names.
    """

    core: str
    items: list[ProjectFeatures]
    units: frozenset[str]
    refs: dict[str, float]
    subject: str | None
    amount: float | None
    indicators: frozenset[str]
    terms: frozenset[str]


def name_groups(features: list[ProjectFeatures]) -> list[NameGroup]:
    """One ``NameGroup`` per distinct core name, sorted by core name."""
    by_core: dict[str, list[ProjectFeatures]] = defaultdict(list)
    for item in features:
        by_core[item.core].append(item)
    groups = []
    for core in sorted(by_core):
        items = by_core[core]
        citing = Counter(ref for item in items for ref in item.refs)
        subjects = Counter(item.subject_code for item in items if item.subject_code)
        amounts = [item.amount for item in items if item.amount]
        groups.append(NameGroup(
            core=core, items=items, units=frozenset(item.unit for item in items),
            refs={ref: count / len(items) for ref, count in citing.items()},
            subject=subjects.most_common(1)[0][0] if subjects else None,
            amount=float(np.median(amounts)) if amounts else None,
            indicators=frozenset(name for item in items for name in item.indicators),
            terms=frozenset({*(f"group:{g}" for item in items for g in item.groups),
                             *(f"topic:{t}" for item in items for t in item.topics)})))
    return groups


def embedding_model_named() -> bool:
    """True when the user named a sentence-transformers model (``KB_EMBEDDING_MODEL``, not "lexical")."""
    choice = os.environ.get("KB_EMBEDDING_MODEL", "").strip().lower()
    return bool(choice) and choice != "lexical"


def char_tfidf(texts: list[str]) -> list[dict[str, float]]:
    """L2-normalised TF-IDF vectors of character 1–3-grams (sublinear tf, smoothed idf), one dict per text.

    A gram in every text weighs least (补助), one in few texts most (水利), so the cosine of two names rests
    on what is specific to them.

    Example:
        >>> vectors = char_tfidf(["原水利员补助", "原兽医员补助", "原水利员生活补助"])
        >>> sum(w * vectors[0].get(g, 0) for g, w in vectors[2].items()) > sum(w * vectors[0].get(g, 0) for g, w in vectors[1].items())
        True
    """
    grams = [Counter(text[start:start + size] for size in (1, 2, 3) for start in range(len(text) - size + 1))
             for text in texts]
    frequency = Counter(gram for counts in grams for gram in counts)
    idf = {gram: math.log((1 + len(texts)) / (1 + count)) + 1.0 for gram, count in frequency.items()}
    vectors = []
    for counts in grams:
        vector = {gram: (1.0 + math.log(count)) * idf[gram] for gram, count in counts.items()}
        norm = math.sqrt(sum(value * value for value in vector.values())) or 1.0
        vectors.append({gram: value / norm for gram, value in vector.items()})
    return vectors


class PairComparer:
    """Computes the comparison levels of pairs of name groups (fitted once per corpus).

    Args:
        groups: ``name_groups(features)``.
    """

    def __init__(self, groups: list[NameGroup]):
        self.groups = groups
        units = {unit for group in groups for unit in group.units}
        citing: dict[str, set[str]] = defaultdict(set)
        for group in groups:
            for item in group.items:
                for ref in item.refs:
                    citing[ref].add(item.unit)
        self.rarity = {ref: math.log(1.0 + len(units) / len(who)) for ref, who in citing.items()}
        self.units_citing = {ref: len(who) for ref, who in citing.items()}
        cores = [group.core for group in groups]
        self.name_vectors = char_tfidf(cores)
        self.comparisons = COMPARISONS + ((EMBEDDING,) if embedding_model_named() else ())
        self.embeddings = None
        if embedding_model_named() and cores:
            from kb.embeddings import embed  # lazily: only when the user named a model

            self.embeddings = embed(cores)

    def name_cosine(self, first: int, second: int) -> float:
        """TF-IDF character n-gram cosine of two groups' core names (0..1)."""
        a, b = self.name_vectors[first], self.name_vectors[second]
        if len(a) > len(b):
            a, b = b, a
        return sum(weight * b.get(gram, 0.0) for gram, weight in a.items())

    def _often(self, group: NameGroup) -> tuple[str, ...]:
        """The 文号 of several units that ``group`` often cites (share ≥ ``_OFTEN``), computed once per group."""
        cache = self.__dict__.setdefault("_often_cache", {})
        found = cache.get(id(group))
        if found is None:
            found = cache[id(group)] = tuple(ref for ref, share in group.refs.items()
                                             if share >= _OFTEN and self.units_citing[ref] > 1)
        return found

    def _mass(self, group: NameGroup) -> float:
        """Σ share × rarity over the 文号 ``group`` cites, computed once per group (a pair costs its overlap only)."""
        cache = self.__dict__.setdefault("_mass_cache", {})
        mass = cache.get(id(group))
        if mass is None:
            mass = cache[id(group)] = sum(share * self.rarity[ref] for ref, share in group.refs.items())
        return mass

    def _own_refs(self, a: NameGroup, b: NameGroup) -> bool:
        """True when ``a`` often cites (share ≥ ``_OFTEN``) a 文号 of several units that ``b`` never cites."""
        return any(ref not in b.refs for ref in self._often(a))

    def _doc_no_overlap(self, a: NameGroup, b: NameGroup) -> float | None:
        if not a.refs or not b.refs:
            return None
        shared = sum(min(a.refs[ref], b.refs[ref]) * self.rarity[ref] for ref in a.refs.keys() & b.refs.keys())
        mass_a, mass_b = self._mass(a), self._mass(b)
        return shared / min(mass_a, mass_b) if min(mass_a, mass_b) else 0.0

    def levels(self, first: int, second: int) -> list[int]:
        """The level of each comparison for the groups at indexes ``first`` and ``second`` (−1 = null)."""
        a, b = self.groups[first], self.groups[second]
        cosine = self.name_cosine(first, second)
        if a.core == b.core:
            name = 4
        elif cosine >= 0.7 or (min(len(a.core), len(b.core)) >= 4 and fuzz.partial_ratio(a.core, b.core) == 100):
            name = 3
        else:
            name = 2 if cosine >= 0.5 else 1 if cosine >= 0.3 else 0
        overlap = self._doc_no_overlap(a, b)
        if overlap is None:
            doc_no = -1
        elif overlap == 0:
            doc_no = 0
        elif self._own_refs(a, b) and self._own_refs(b, a):  # near-miss groups: one shared 文号, each its own
            doc_no = 1
        else:
            doc_no = 2 if overlap < 0.25 else 3 if overlap < 0.6 else 4
        if not a.subject or not b.subject:
            subject = -1
        else:
            subject = 2 if a.subject == b.subject else 1 if a.subject[:5] == b.subject[:5] else 0
        if not a.amount or not b.amount:
            amount = -1
        else:
            ratio = abs(math.log10(a.amount / b.amount))
            amount = 2 if ratio <= 0.4 else 1 if ratio <= 1.0 else 0
        if not a.indicators or not b.indicators:
            indicators = -1
        else:
            jaccard = len(a.indicators & b.indicators) / len(a.indicators | b.indicators)
            indicators = 2 if jaccard >= 0.5 else 1 if jaccard > 0 else 0
        vocabulary = -1 if not a.terms or not b.terms else int(bool(a.terms & b.terms))
        row = [name, doc_no, subject, amount, indicators, vocabulary]
        if self.embeddings is not None:
            similarity = float(self.embeddings[first] @ self.embeddings[second])
            row.append(2 if similarity >= 0.85 else 1 if similarity >= 0.6 else 0)
        return row

    def matrix(self, pairs: list[tuple[int, int]]) -> np.ndarray:
        """Levels of many pairs: int array (pairs × comparisons)."""
        if not pairs:
            return np.zeros((0, len(self.comparisons)), dtype=int)
        return np.array([self.levels(first, second) for first, second in pairs], dtype=int)

    def random_pairs(self, count: int, seed: int = 0) -> list[tuple[int, int]]:
        """Up to ``count`` distinct random pairs of groups printed by different units (for u)."""
        size = len(self.groups)
        if size < 2:
            return []
        rng = random.Random(seed)
        wanted = min(count, size * (size - 1) // 2)
        pairs: set[tuple[int, int]] = set()
        for _ in range(wanted * 3):
            first, second = sorted(rng.sample(range(size), 2))
            if self.groups[first].units != self.groups[second].units:
                pairs.add((first, second))
            if len(pairs) >= wanted:
                break
        return sorted(pairs)
