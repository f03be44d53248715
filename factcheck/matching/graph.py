"""Approximate nearest neighbours for large collections: an HNSW graph (usearch) and its file.

The graph only proposes candidates; VectorIndex re-scores them exactly with its float32 rows,
so the similarities callers see are exact cosines whichever way the candidates were found.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from usearch.index import Index

# Row fingerprints: each row's float32 bits as integers, dotted with fixed random weights
# (wrapping int64 arithmetic, so equal rows give equal fingerprints on any machine).
_HASH_WEIGHTS = np.random.default_rng(20261128).integers(1, 2**62, size=4096, dtype=np.int64)
_FILE_VERSION = 1


@dataclass(frozen=True, slots=True)
class GraphSettings:
    """When a collection gets a graph, how the graph is built and searched, and where it is kept.

    See Defaults in factcheck/config.py for what each setting trades.
    """

    min_size: int = 100_000
    connectivity: int = 16
    expansion_add: int = 64
    expansion_search: int = 800
    dtype: str = "i8"
    threads: int = 2
    background: bool = True
    path: Path | None = None


def row_hashes(matrix: np.ndarray) -> np.ndarray:
    """Return one int64 fingerprint per row of the float32 MATRIX (equal rows, equal values)."""
    bits = np.ascontiguousarray(matrix, dtype=np.float32).view(np.int32)
    weights = _HASH_WEIGHTS[: bits.shape[1]]
    hashes = np.empty(len(bits), dtype=np.int64)
    for start in range(0, len(bits), 65_536):  # in slices: the int64 copy is 8 bytes a value
        hashes[start : start + 65_536] = bits[start : start + 65_536].astype(np.int64) @ weights
    return hashes


def changes(
    old_ids: np.ndarray, old_hashes: np.ndarray, new_ids: np.ndarray, new_hashes: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Return (ids gone, ids new or with another vector) going from the OLD rows to the NEW."""
    gone = np.setdiff1d(old_ids, new_ids, assume_unique=True)
    order = np.argsort(old_ids)
    sorted_ids, sorted_hashes = old_ids[order], old_hashes[order]
    at = np.clip(np.searchsorted(sorted_ids, new_ids), 0, max(len(sorted_ids) - 1, 0))
    same = (
        np.zeros(len(new_ids), dtype=bool)
        if not len(sorted_ids)
        else (sorted_ids[at] == new_ids) & (sorted_hashes[at] == new_hashes)
    )
    return gone, new_ids[~same]


class Graph:
    """An HNSW graph over ids and their vectors (cosine); thread-safe."""

    def __init__(self, dimension: int, settings: GraphSettings, index: Index | None = None) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._index = (
            index
            if index is not None
            else Index(
                ndim=dimension,
                metric="cos",
                dtype=settings.dtype,
                connectivity=settings.connectivity,
                expansion_add=settings.expansion_add,
                expansion_search=settings.expansion_search,
            )
        )

    def __len__(self) -> int:
        return len(self._index)

    def upsert(self, ids: Sequence[int] | np.ndarray, vectors: np.ndarray) -> None:
        """Add IDS with their VECTORS; an id already present gets its vector replaced."""
        keys = np.asarray(ids, dtype=np.uint64)
        if not len(keys):
            return
        with self._lock:
            present = keys[np.asarray(self._index.contains(keys), dtype=bool).reshape(-1)]
            if len(present):
                self._index.remove(present)
            self._index.add(
                keys,
                np.asarray(vectors, dtype=np.float32).reshape(len(keys), -1),
                threads=self.settings.threads,
            )

    def catch_up(
        self,
        old_ids: np.ndarray,
        old_hashes: np.ndarray,
        ids: np.ndarray,
        hashes: np.ndarray,
        rows: np.ndarray,
    ) -> int | None:
        """Bring the graph from the OLD ids and fingerprints to IDS and their ROWS.

        Return how many ids were removed, added or re-embedded; or None, leaving the graph
        untouched, when that is a quarter of the rows or more (a new graph is then better).
        """
        gone, fresh = changes(old_ids, old_hashes, ids, hashes)
        if 4 * (len(gone) + len(fresh)) >= len(ids):
            return None
        self.remove(gone)
        self.upsert(fresh, rows[np.isin(ids, fresh)])
        return len(gone) + len(fresh)

    def remove(self, ids: Sequence[int] | np.ndarray) -> None:
        """Take IDS out of the graph (ids it does not hold are ignored)."""
        keys = np.asarray(ids, dtype=np.uint64)
        if len(keys):
            with self._lock:
                self._index.remove(keys)

    def candidates(self, queries: np.ndarray, count: int) -> list[np.ndarray]:
        """Return, for each query row, at least COUNT ids close to it (not ranked exactly).

        The search keeps expansion_search candidates anyway, so all of them are returned: the
        caller's exact re-scoring then undoes the rank errors of the i8 distances.
        """
        count = max(count, self.settings.expansion_search)
        with self._lock:
            self._index.expansion_search = count
            found = self._index.search(queries, count, threads=1)
        if len(queries) == 1:  # usearch answers one query with a flat result
            return [np.asarray(found.keys, dtype=np.int64)]
        return [
            found.keys[row][: found.counts[row]].astype(np.int64) for row in range(len(queries))
        ]

    def save(self, path: Path, ids: np.ndarray, hashes: np.ndarray) -> None:
        """Write the graph with the ids and row fingerprints it was built from, atomically."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock:
            blob = np.frombuffer(self._index.save(), dtype=np.uint8)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                np.savez(
                    file,
                    version=np.int64(_FILE_VERSION),
                    settings=np.array([self.settings.dtype, self.settings.connectivity]).astype(
                        str
                    ),
                    ids=ids,
                    hashes=hashes,
                    graph=blob,
                )
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @classmethod
    def load(
        cls, path: Path, dimension: int, settings: GraphSettings
    ) -> tuple[Graph, np.ndarray, np.ndarray] | None:
        """Return (graph, ids, row fingerprints) saved at PATH, or None if unusable here.

        A missing or unreadable file, another format version, dimension, element type or
        connectivity all give None: the caller builds a new graph instead.
        """
        try:
            with np.load(path, allow_pickle=False) as saved:
                if int(saved["version"]) != _FILE_VERSION or list(saved["settings"]) != [
                    settings.dtype,
                    str(settings.connectivity),
                ]:
                    return None
                ids, hashes = saved["ids"], saved["hashes"]
                index = Index.restore(saved["graph"].tobytes())
        except (OSError, ValueError, KeyError, RuntimeError):
            return None
        if (
            index is None
            or index.ndim != dimension
            or len(index) != len(ids)
            or len(hashes) != len(ids)
        ):
            return None
        index.expansion_search = settings.expansion_search
        return cls(dimension, settings, index), ids, hashes
