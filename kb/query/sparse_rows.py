"""Sparse float32 rows of a fixed width: the lexical vectors of semantic search (``kb.query.semantic``) kept
without a dense (n, 2048) matrix of the whole corpus (655 MB per matrix at 10,000 documents)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

WIDTH = 2048  # columns of the lexical vectors (``kb.embeddings.lexical_embed``)


@dataclass
class SparseRows:
    """Rows of a sparse float32 matrix of ``WIDTH`` columns: row i's non-zeros are
    ``columns[pointer[i]:pointer[i + 1]]`` (int16) with ``values[…]`` (float32), columns ascending."""

    pointer: np.ndarray
    columns: np.ndarray
    values: np.ndarray

    @classmethod
    def of(cls, matrix: np.ndarray) -> "SparseRows":
        """The rows of a dense (n, ``WIDTH``) matrix."""
        rows, columns = np.nonzero(matrix)
        pointer = np.searchsorted(rows, np.arange(matrix.shape[0] + 1))
        return cls(pointer, columns.astype(np.int16), matrix[rows, columns].astype(np.float32))

    @classmethod
    def stored(cls, arrays: Any, prefix: str) -> "SparseRows":
        """The rows kept in the file under ``prefix`` (see ``_sparse``)."""
        rows = arrays[f"{prefix}_rows"]
        pointer = np.searchsorted(rows, np.arange(int(arrays[f"{prefix}_shape"][0]) + 1))
        return cls(pointer, arrays[f"{prefix}_columns"], arrays[f"{prefix}_values"])

    def dense(self) -> np.ndarray:
        """The (n, ``WIDTH``) float32 matrix."""
        lengths = np.diff(self.pointer)
        matrix = np.zeros((len(lengths), WIDTH), dtype=np.float32)
        matrix[np.repeat(np.arange(len(lengths)), lengths), self.columns.astype(np.int64)] = self.values
        return matrix


def gather(picks: list[tuple["SparseRows", int]]) -> SparseRows:
    """A matrix whose row i is row ``picks[i][1]`` of ``picks[i][0]``."""
    columns, values, lengths = [], [], [0]
    for source, row in picks:
        start, end = source.pointer[row], source.pointer[row + 1]
        columns.append(source.columns[start:end])
        values.append(source.values[start:end])
        lengths.append(end - start)
    return SparseRows(np.cumsum(lengths, dtype=np.int64), np.concatenate(columns) if columns else np.zeros(0, np.int16),
                 np.concatenate(values) if values else np.zeros(0, np.float32))


__all__ = ["SparseRows", "WIDTH", "gather"]
