"""A Fellegi–Sunter record-linkage model whose weights are estimated from the data being linked (EM).

Each compared pair of records has, for every comparison (name, shared 文号, subject code …), a level:
an integer 0..k−1 (higher = more alike) or −1 when a side lacks the value (no evidence either way).
For each comparison and level the model keeps

- m = P(level | the pair is a match) and u = P(level | the pair is not a match);
- the match weight of a level, log2(m / u): positive evidence for a match, negative against.

A pair's total match weight is log2(λ / (1 − λ)) + Σ log2(m / u) over its comparisons, where λ is the
share of matches among the compared (blocked) pairs; its match probability is 2^w / (1 + 2^w).

Estimation follows Splink: u from pairs drawn at random (almost all non-matches), then m and λ by
expectation–maximisation on the blocked pairs with u held fixed. Counts are smoothed with a small
pseudo-count so a level never seen gets a finite weight.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

_SMOOTHING = 0.5  # pseudo-count added to every level's count
_MIN_PRIOR, _MAX_PRIOR = 1e-4, 0.5


@dataclass(frozen=True)
class Comparison:
    """One comparison of the model: its name and the Chinese label of each level, lowest (least alike) first.

    Example:
        >>> Comparison("subject", ("不同", "同款", "相同")).levels
        3
    """

    name: str
    labels: tuple[str, ...]

    @property
    def levels(self) -> int:
        """Number of levels (the null level −1 not counted)."""
        return len(self.labels)


@dataclass
class FellegiSunter:
    """Fitted m/u probabilities of each comparison level and the prior λ.

    Attributes:
        comparisons: the comparisons, in the column order of the level matrices.
        m, u: per comparison, an array of P(level | match) and P(level | non-match), each summing to 1.
        prior: λ, the share of matches among blocked pairs (0..1).
        iterations: EM iterations run.
    """

    comparisons: tuple[Comparison, ...]
    m: list[np.ndarray] = field(default_factory=list)
    u: list[np.ndarray] = field(default_factory=list)
    prior: float = 0.01
    iterations: int = 0

    def _initial_m(self) -> list[np.ndarray]:
        """A starting m that rises with the level (more alike, likelier among matches), as Splink starts."""
        starts = []
        for comparison in self.comparisons:
            raw = np.array([2.0 ** (3 * level) for level in range(comparison.levels)])
            starts.append(raw / raw.sum())
        return starts

    def estimate_u(self, random_levels: np.ndarray) -> None:
        """u of every comparison level from pairs drawn at random (taken as non-matches).

        Args:
            random_levels: int array (pairs × comparisons), level per comparison, −1 for null.
        """
        self.u = [_distribution(random_levels[:, column], comparison.levels, np.ones(len(random_levels)))
                  for column, comparison in enumerate(self.comparisons)]

    def fit(self, levels: np.ndarray, max_iterations: int = 50, tolerance: float = 1e-5) -> "FellegiSunter":
        """Estimate m and λ by EM on the blocked pairs, u fixed (``estimate_u`` first).

        Args:
            levels: int array (blocked pairs × comparisons), −1 for null.
            max_iterations: EM rounds at most.
            tolerance: stop when no m moves by more than this.

        Returns:
            self, fitted.

        Raises:
            ValueError: ``estimate_u`` was not called or ``levels`` has the wrong number of columns.
        """
        if len(self.u) != len(self.comparisons):
            raise ValueError("estimate_u must run before fit")
        if levels.ndim != 2 or levels.shape[1] != len(self.comparisons):
            raise ValueError(f"levels must have {len(self.comparisons)} columns")
        self.m = self._initial_m()
        if not len(levels):
            return self
        for iteration in range(1, max_iterations + 1):
            posterior = self.probabilities(levels)
            self.prior = float(np.clip(posterior.mean(), _MIN_PRIOR, _MAX_PRIOR))
            moved = 0.0
            for column, comparison in enumerate(self.comparisons):
                updated = _distribution(levels[:, column], comparison.levels, posterior)
                moved = max(moved, float(np.abs(updated - self.m[column]).max()))
                self.m[column] = updated
            self.iterations = iteration
            if moved < tolerance:
                break
        return self

    def level_weights(self) -> list[np.ndarray]:
        """log2(m / u) of every level of every comparison (the waterfall's bars)."""
        return [np.log2(m / u) for m, u in zip(self.m, self.u)]

    def weights(self, levels: np.ndarray) -> np.ndarray:
        """Per-pair, per-comparison match weights: log2(m/u) of the pair's level, 0 for a null level.

        Args:
            levels: int array (pairs × comparisons).

        Returns:
            float array of the same shape.
        """
        out = np.zeros(levels.shape, dtype=float)
        for column, table in enumerate(self.level_weights()):
            known = levels[:, column] >= 0
            out[known, column] = table[levels[known, column]]
        return out

    @property
    def prior_weight(self) -> float:
        """log2(λ / (1 − λ)), the starting point of every pair's total weight."""
        return float(np.log2(self.prior / (1.0 - self.prior)))

    def match_weight(self, levels: np.ndarray) -> np.ndarray:
        """Total match weight of each pair: prior weight + Σ comparison weights."""
        return self.prior_weight + self.weights(levels).sum(axis=1)

    def probabilities(self, levels: np.ndarray) -> np.ndarray:
        """Match probability of each pair, 2^w / (1 + 2^w), 0..1."""
        return 1.0 / (1.0 + np.exp2(-np.clip(self.match_weight(levels), -60, 60)))

    def to_dict(self) -> dict:
        """The model as JSON-ready data: prior, and per comparison its levels with m, u and weight."""
        return {"prior": round(self.prior, 6), "prior_weight": round(self.prior_weight, 3),
                "iterations": self.iterations,
                "comparisons": [{"name": comparison.name, "levels": [
                    {"level": level, "label": label, "m": round(float(m[level]), 6), "u": round(float(u[level]), 6),
                     "weight": round(float(np.log2(m[level] / u[level])), 3)}
                    for level, label in enumerate(comparison.labels)]}
                    for comparison, m, u in zip(self.comparisons, self.m, self.u)]}


def _distribution(column: np.ndarray, levels: int, weights: np.ndarray) -> np.ndarray:
    """Weighted share of each level among the non-null entries of ``column``, smoothed."""
    counts = np.full(levels, _SMOOTHING)
    known = column >= 0
    np.add.at(counts, column[known], weights[known])
    return counts / counts.sum()
