"""Exact cosine search over an in-memory matrix of normalised vectors."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class Match:
    """A stored item and its cosine similarity to the query."""

    claim_id: int
    similarity: float


class VectorIndex:
    """Ids and their vectors; searches are exact (one matrix product) and thread-safe.

    Rows live in a buffer that grows by doubling, so adding one vector is cheap; a search
    works on a snapshot of the first n rows, which later appends never touch.
    """

    def __init__(self, dimension: int) -> None:
        self.dimension = dimension
        self._lock = threading.Lock()
        self._reset(np.empty(0, dtype=np.int64), np.empty((0, dimension), dtype=np.float32))

    def _reset(self, ids: np.ndarray, matrix: np.ndarray) -> None:
        self._ids = ids
        self._matrix = matrix
        self._size = len(ids)
        self._positions = {int(claim_id): pos for pos, claim_id in enumerate(ids[:self._size])}

    def __len__(self) -> int:
        return self._size

    @property
    def max_id(self) -> int:
        """Return the largest id held (0 when empty)."""
        return int(self._ids[:self._size].max()) if self._size else 0

    def replace_all(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        """Replace the whole content with IDS and their VECTORS."""
        ids_array = np.asarray(ids, dtype=np.int64)
        matrix = np.ascontiguousarray(vectors, dtype=np.float32).reshape(len(ids_array), self.dimension)
        with self._lock:
            self._reset(ids_array.copy(), matrix.copy())

    def add(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        """Add IDS with their VECTORS; an id already present gets its vector replaced."""
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(ids), self.dimension)
        with self._lock:
            for claim_id, vector in zip(ids, vectors):
                pos = self._positions.get(int(claim_id))
                if pos is None:
                    pos = self._append_slot()
                    self._ids[pos] = claim_id
                    self._positions[int(claim_id)] = pos
                self._matrix[pos] = vector
                self._size = max(self._size, pos + 1)

    def _append_slot(self) -> int:
        if self._size == len(self._ids):
            capacity = max(1024, 2 * len(self._ids))
            ids = np.zeros(capacity, dtype=np.int64)
            matrix = np.zeros((capacity, self.dimension), dtype=np.float32)
            ids[:self._size] = self._ids[:self._size]
            matrix[:self._size] = self._matrix[:self._size]
            self._ids, self._matrix = ids, matrix
        return self._size

    def vector(self, claim_id: int) -> np.ndarray | None:
        """Return the stored vector of CLAIM_ID, or None."""
        pos = self._positions.get(claim_id)
        return None if pos is None else self._matrix[pos].copy()

    def search(self, queries: np.ndarray, k: int, *,
               exclude: Iterable[int] = ()) -> list[list[Match]]:
        """Return, for each query row, the K most similar stored ids, best first."""
        queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
        with self._lock:
            size, ids, matrix = self._size, self._ids, self._matrix
            excluded = [self._positions[i] for i in exclude if i in self._positions]
        if size == 0 or k <= 0:
            return [[] for _ in queries]
        scores = queries @ matrix[:size].T  # (n_queries, size): each row is contiguous
        if excluded:
            scores[:, excluded] = -np.inf
        k = min(k, size - len(excluded))
        if k <= 0:
            return [[] for _ in queries]
        results = []
        for row in scores:
            top = np.argpartition(-row, k - 1)[:k] if k < size else np.arange(size)
            top = top[np.argsort(-row[top], kind="stable")]
            results.append([Match(claim_id, similarity) for claim_id, similarity
                            in zip(ids[top].tolist(), row[top].tolist())])
        return results
