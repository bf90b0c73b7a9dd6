"""Programs found by a Fellegi–Sunter model whose weights are learned from the corpus being linked.

1. Group projects by core name (``comparisons.name_groups``).
2. Block: pairs of groups sharing a rare character bigram of their names (``candidate_pairs``), a 文号
   few groups cite, or a vocabulary term.
3. Fit the model (``fellegi_sunter.FellegiSunter``): u from random pairs of groups, m and λ by EM on
   the blocked pairs.
4. Join groups greedily, most likely pair first, while the pair's match probability reaches
   ``LINK_PROBABILITY``; two groups naming different vocabulary terms are never joined, nor a running
   cost with a payment, and a pair whose projects each often cite a 文号 the other never cites is not
   joined directly (near-miss groups sharing one 文号: 水利员, 畜牧兽医员 under 渝农发〔2016〕88号).
5. A cluster printed by two or more units is a program.

Every member keeps the per-comparison match weights of its best pair, so ``kb links`` can explain it.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np

from linking.comparisons import NameGroup, PairComparer, name_groups
from linking.fellegi_sunter import FellegiSunter
from linking.features import ProjectFeatures

_DOC_NO, _OWN_DOC_NOS = 1, 1  # column and level of "each often cites a 文号 the other never cites"
LINK_PROBABILITY = 0.5  # two name groups join at or above this match probability
_RANDOM_PAIRS = 20000
_MAX_BLOCK = 40  # a 文号 cited by more name groups than this opens no block


@dataclass
class Cluster:
    """Name groups the model put together, with each group's best evidence.

    Attributes:
        groups: indexes into the model's name groups.
        probability: group index -> its best match probability with another group of the cluster (0..1).
        weights: group index -> that pair's match weights {"prior": …, "name": …, …} and "partner" core name.
    """

    groups: list[int]
    probability: dict[int, float] = field(default_factory=dict)
    weights: dict[int, dict] = field(default_factory=dict)


def _compatible(first: set[str], second: set[str]) -> bool:
    """Two clusters may join unless they name different vocabulary terms or mix running costs and payments."""
    if ("running_cost" in first) != ("running_cost" in second):
        return False
    named_first, named_second = first - {"running_cost", "payment"}, second - {"running_cost", "payment"}
    return not (named_first and named_second and not named_first & named_second)


def candidate_pairs(cores: list[str]) -> set[tuple[int, int]]:
    """Index pairs of distinct core names that share a character bigram few core names have.

    A bigram found in more than max(10, 2√n) of the n names (社保, 补助 …) opens no block, so the number
    of pairs grows far slower than n².

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


def blocked_pairs(groups: list[NameGroup]) -> list[tuple[int, int]]:
    """Pairs of name groups worth comparing: rare shared bigram, rarely cited shared 文号, shared term."""
    pairs = candidate_pairs([group.core for group in groups])
    blocks: dict[str, list[int]] = defaultdict(list)
    for position, group in enumerate(groups):
        for key in {*group.refs, *group.terms}:
            blocks[key].append(position)
    for members in blocks.values():
        if len(members) <= _MAX_BLOCK:
            pairs.update((first, second) for index, first in enumerate(members) for second in members[index + 1:])
    # two names printed only by one and the same unit are two projects of that unit, not a program
    return sorted((first, second) for first, second in pairs if len(groups[first].units | groups[second].units) > 1)


class ProgramModel:
    """The fitted model over a corpus's projects and what it joined.

    Args:
        features: every project's features.

    Attributes:
        groups: the name groups compared.
        comparer: their comparison levels.
        model: the fitted ``FellegiSunter``.
        pairs, levels, probabilities: the blocked pairs, their levels and match probabilities.
    """

    def __init__(self, features: list[ProjectFeatures]):
        self.groups = name_groups(features)
        self.comparer = PairComparer(self.groups)
        self.model = FellegiSunter(self.comparer.comparisons)
        self.model.estimate_u(self.comparer.matrix(self.comparer.random_pairs(_RANDOM_PAIRS)))
        self.pairs = blocked_pairs(self.groups)
        self.levels = self.comparer.matrix(self.pairs)
        self.model.fit(self.levels)
        self.probabilities = self.model.probabilities(self.levels)
        self.index = {group.core: position for position, group in enumerate(self.groups)}
        self._tables = self.model.level_weights()  # the fitted model no longer changes: its weights once
        self._prior_weight = self.model.prior_weight
        self._explained: dict[tuple[int, ...], dict] = {}
        self._paired: dict[tuple[int, int], dict] = {}

    def explain(self, levels: list[int] | np.ndarray) -> dict:
        """Match weights of one pair's levels: {"prior": w, comparison name: w, …, "total": w, "probability": p}.

        The same arithmetic as ``FellegiSunter.weights`` / ``match_weight`` / ``probabilities`` on a one-row
        matrix, with the level weights computed once per fitted model and each distinct level vector
        explained once (a corpus has few: the levels are small integers).
        """
        key = tuple(int(level) for level in levels)
        known = self._explained.get(key)
        if known is None:
            row = np.asarray([key], dtype=int)
            weights = np.zeros(row.shape, dtype=float)
            for column, table in enumerate(self._tables):
                present = row[:, column] >= 0
                weights[present, column] = table[row[present, column]]
            out = {"prior": round(self._prior_weight, 3)}
            out.update({comparison.name: round(float(weight), 3)
                        for comparison, weight, level in zip(self.model.comparisons, weights[0], key) if level >= 0})
            total = self._prior_weight + weights.sum(axis=1)
            out["total"] = round(float(total[0]), 3)
            out["probability"] = round(float((1.0 / (1.0 + np.exp2(-np.clip(total, -60, 60))))[0]), 3)
            known = self._explained[key] = out
        return dict(known)

    def pair(self, first: int, second: int) -> dict:
        """``explain`` of two name groups (by index), with the partner's core name (each pair compared once)."""
        known = self._paired.get((first, second))
        if known is None:
            known = self._paired[(first, second)] = {**self.explain(self.comparer.levels(first, second)),
                                                     "partner": self.groups[second].core}
        return dict(known)

    def clusters(self, allowed: set[int] | None = None, apart: set[int] | None = None) -> list[Cluster]:
        """Join name groups greedily by match probability (never two naming different vocabulary terms).

        Args:
            allowed: indexes of the groups that may be clustered (None: all).
            apart: indexes of groups never joined with groups outside this set (running costs).

        Returns:
            Clusters printed by two or more units, each with its groups' best probability and weights.
        """
        allowed = set(range(len(self.groups))) if allowed is None else allowed
        parent = {position: position for position in allowed}
        apart = apart or set()
        terms = {position: set(self.groups[position].terms) | {"running_cost" if position in apart else "payment"}
                 for position in allowed}

        def root(position: int) -> int:
            while parent[position] != position:
                parent[position] = parent[parent[position]]
                position = parent[position]
            return position

        best: dict[int, tuple[float, int]] = {}
        order = np.argsort(-self.probabilities, kind="stable")
        for position in order:
            probability = float(self.probabilities[position])
            if probability < LINK_PROBABILITY:
                break
            first, second = self.pairs[position]
            if first not in allowed or second not in allowed or self.levels[position][_DOC_NO] == _OWN_DOC_NOS:
                continue
            a, b = root(first), root(second)
            if a == b:
                self._keep_best(best, first, second, probability)
                continue
            if not _compatible(terms[a], terms[b]):
                continue
            parent[b] = a
            terms[a] |= terms[b]
            self._keep_best(best, first, second, probability)
        members: dict[int, list[int]] = defaultdict(list)
        for position in allowed:
            members[root(position)].append(position)
        clusters = []
        for positions in members.values():
            units = {unit for position in positions for unit in self.groups[position].units}
            if len(units) < 2:
                continue
            cluster = Cluster(sorted(positions))
            for position in cluster.groups:
                if position in best:
                    probability, partner = best[position]
                    cluster.probability[position] = probability
                    cluster.weights[position] = self.pair(position, partner)
                else:  # one name printed by several units, alone: the name itself is the evidence
                    cluster.weights[position] = self.pair(position, position)
                    cluster.probability[position] = cluster.weights[position]["probability"]
            clusters.append(cluster)
        return sorted(clusters, key=lambda cluster: self.groups[cluster.groups[0]].core)

    @staticmethod
    def _keep_best(best: dict[int, tuple[float, int]], first: int, second: int, probability: float) -> None:
        for mine, other in ((first, second), (second, first)):
            if mine not in best or probability > best[mine][0]:
                best[mine] = (probability, other)

    def keywords(self, positions: list[int], texts: dict[str, str]) -> list[str]:
        """Substrings (2–6 characters) of most of a cluster's names that few other names print (at most a quarter
        as many) and at most 2 % of other projects' texts print: what a text names when it pays this program's group. Those in the most names
        first, then the shortest (a text names 创业担保, not 创业担保贷款贴息), at most 8.

        Args:
            positions: the cluster's name groups.
            texts: project id -> ``bundles.searchable_text`` of every project.

        Example: names 高龄老人津贴, 八十岁以上高龄津贴, 高龄老年人生活补贴 give 高龄 (and 高龄老 …).
        """
        cores = [self.groups[position].core for position in positions]
        inside_ids = {item.project_id for position in positions for item in self.groups[position].items}
        outside = [text for project_id, text in texts.items() if project_id not in inside_ids]
        counts: Counter[str] = Counter()
        for core in cores:
            counts.update({core[start:start + size] for size in range(2, 7) for start in range(len(core) - size + 1)})
        inner = set(cores)
        candidates = sorted((-inside, len(text), text) for text, inside in counts.items()
                            if inside * 2 >= len(cores)
                            and 4 * sum(1 for group in self.groups if group.core not in inner and text in group.core)
                            <= inside)
        found = []
        ceiling = 0.02 * len(outside)
        joined = "\x00".join(outside)  # no text holds NUL: an occurrence lies inside one text
        for _, _, text in candidates:
            # occurrences bound the texts holding it from above: count texts only when that bound is too high
            if joined.count(text) <= ceiling or _texts_holding(text, outside, ceiling) <= ceiling:
                found.append(text)
                if len(found) == 8:
                    break
        return found


def _texts_holding(text: str, texts: list[str], ceiling: float) -> int:
    """How many of ``texts`` hold ``text``, counted until the count passes ``ceiling`` (then it is over it)."""
    count = 0
    for other in texts:
        if text in other:
            count += 1
            if count > ceiling:
                break
    return count
