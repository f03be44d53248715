"""Cosine search over an in-memory matrix of normalised vectors: exact, or through an HNSW graph."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from factcheck.matching.graph import Graph, GraphSettings, row_hashes

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Match:
    """A stored item, its cosine similarity to the query, and once re-ranked, the probability
    that it is the query's claim (None when the re-ranker did not score it)."""

    claim_id: int
    similarity: float
    match: float | None = None


@dataclass(eq=False)
class _GraphJob:
    """A graph being loaded or built in the background, and the ids changed meanwhile."""

    changed: set[int] = field(default_factory=set)
    thread: threading.Thread | None = None


class VectorIndex:
    """Ids and their vectors; thread-safe searches, always scored with the exact cosine.

    Rows live in a buffer that grows by doubling, so adding one vector is cheap; a search
    works on a snapshot of the first n rows. With GRAPH settings, a collection of at least
    GRAPH.min_size vectors also gets an HNSW graph (loaded from GRAPH.path when that file
    matches, else built; in a background thread unless GRAPH.background is False): searches
    then re-score the graph's candidates instead of scanning every row. Until the graph is
    ready, and below min_size, every search is an exact scan.
    """

    def __init__(self, dimension: int, graph: GraphSettings | None = None) -> None:
        self.dimension = dimension
        self.graph_settings = graph
        self._lock = threading.Lock()
        self._graph: Graph | None = None
        self._job: _GraphJob | None = None
        self.graph_made_by = ""  # how the graph in use came about: "built", "loaded", ...
        self._reset(np.empty(0, dtype=np.int64), np.empty((0, dimension), dtype=np.float32))

    def _reset(self, ids: np.ndarray, matrix: np.ndarray) -> None:
        self._ids = ids
        self._matrix = matrix
        self._size = len(ids)
        self._positions = dict(zip(ids[: self._size].tolist(), range(self._size), strict=True))

    def __len__(self) -> int:
        return self._size

    @property
    def max_id(self) -> int:
        """Return the largest id held (0 when empty)."""
        return int(self._ids[: self._size].max()) if self._size else 0

    @property
    def approximate(self) -> bool:
        """True while searches go through the HNSW graph rather than an exact scan."""
        return self._graph is not None

    def ids(self) -> np.ndarray:
        """Return the ids held, in row order."""
        with self._lock:
            return self._ids[: self._size].copy()

    def replace_all(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        """Replace the whole content with IDS and their VECTORS.

        A graph in use is brought in step with the new content by its differences (a quarter
        of the rows or more changed: a new graph is made instead).
        """
        ids_array = np.asarray(ids, dtype=np.int64).copy()
        matrix = np.array(vectors, dtype=np.float32).reshape(len(ids_array), self.dimension)
        with self._lock:
            graph, old_ids, old_rows = self._graph, self._ids[: self._size], self._matrix
            if graph is not None and (
                len(ids_array) < self._min_size()
                or graph.catch_up(
                    old_ids,
                    row_hashes(old_rows[: len(old_ids)]),
                    ids_array,
                    row_hashes(matrix),
                    matrix,
                )
                is None
            ):
                self._graph = None
            self._job = None  # a graph still being made from the old content is dropped
            self._reset(ids_array, matrix)
            planned = self._plan_graph()
        self._run(planned)

    def add(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        """Add IDS with their VECTORS; an id already present gets its vector replaced."""
        vectors = np.asarray(vectors, dtype=np.float32).reshape(len(ids), self.dimension)
        with self._lock:
            for claim_id, vector in zip(ids, vectors, strict=True):
                pos = self._positions.get(int(claim_id))
                if pos is None:
                    pos = self._append_slot()
                    self._ids[pos] = claim_id
                    self._positions[int(claim_id)] = pos
                self._matrix[pos] = vector
                self._size = max(self._size, pos + 1)
            if self._graph is not None:
                self._graph.upsert(ids, vectors)
            elif self._job is not None:
                self._job.changed.update(int(i) for i in ids)
            planned = self._plan_graph()
        self._run(planned)

    def remove(self, ids: Iterable[int]) -> None:
        """Take IDS out (ids not held are ignored); the last row fills each hole."""
        with self._lock:
            gone = [int(i) for i in ids if int(i) in self._positions]
            for claim_id in gone:
                pos, last = self._positions.pop(claim_id), self._size - 1
                if pos != last:
                    moved = int(self._ids[last])
                    self._ids[pos], self._matrix[pos] = moved, self._matrix[last]
                    self._positions[moved] = pos
                self._size = last
            if self._graph is not None:
                if self._size < self._min_size():
                    self._graph = None
                else:
                    self._graph.remove(gone)
            elif self._job is not None:
                self._job.changed.update(gone)

    def _append_slot(self) -> int:
        if self._size == len(self._ids):
            capacity = max(1024, 2 * len(self._ids))
            ids = np.zeros(capacity, dtype=np.int64)
            matrix = np.zeros((capacity, self.dimension), dtype=np.float32)
            ids[: self._size] = self._ids[: self._size]
            matrix[: self._size] = self._matrix[: self._size]
            self._ids, self._matrix = ids, matrix
        return self._size

    def vector(self, claim_id: int) -> np.ndarray | None:
        """Return the stored vector of CLAIM_ID, or None."""
        with self._lock:
            pos = self._positions.get(claim_id)
            return None if pos is None else self._matrix[pos].copy()

    def search(
        self, queries: np.ndarray, k: int, *, exclude: Iterable[int] = (), exact: bool = False
    ) -> list[list[Match]]:
        """Return, for each query row, the K most similar stored ids, best first.

        EXACT scans every row even when a graph is ready (to measure the graph's recall).
        """
        queries = np.atleast_2d(np.asarray(queries, dtype=np.float32))
        exclude = set(exclude)
        with self._lock:
            size, ids, matrix, graph = self._size, self._ids, self._matrix, self._graph
            excluded = [self._positions[i] for i in exclude if i in self._positions]
        if size == 0 or k <= 0:
            return [[] for _ in queries]
        if graph is not None and not exact:
            return self._search_graph(graph, queries, k, exclude)
        scores = queries @ matrix[:size].T  # (n_queries, size): each row is contiguous
        if excluded:
            scores[:, excluded] = -np.inf
        k = min(k, size - len(excluded))
        if k <= 0:
            return [[] for _ in queries]
        tops = [np.argpartition(-row, k - 1)[:k] if k < size else np.arange(size) for row in scores]
        return [
            self._rescore(query, ids[top].tolist(), k, exclude)
            for query, top in zip(queries, tops, strict=True)
        ]

    def _search_graph(
        self, graph: Graph, queries: np.ndarray, k: int, exclude: set[int]
    ) -> list[list[Match]]:
        """Re-score the graph's candidates for each query with the exact cosine."""
        found = graph.candidates(queries, k + len(exclude))
        return [
            self._rescore(query, candidates.tolist(), k, exclude)
            for query, candidates in zip(queries, found, strict=True)
        ]

    def _rescore(
        self, query: np.ndarray, candidates: list[int], k: int, exclude: set[int]
    ) -> list[Match]:
        """Return the K best of CANDIDATES (ids) not in EXCLUDE, scored with their vectors now.

        A search reads the rows without holding the lock, and an add or remove meanwhile can
        replace or move a row: the cosine shown beside an id is always computed here, under the
        lock, from that id's own vector, and an id moved during the scan is counted once.
        """
        with self._lock:
            rows = [self._positions.get(c) for c in dict.fromkeys(candidates) if c not in exclude]
            rows = [pos for pos in rows if pos is not None]
            ids, vectors = self._ids[rows], self._matrix[rows]
        scores = vectors @ query
        top = np.argsort(-scores, kind="stable")[:k]
        return [
            Match(claim_id, similarity)
            for claim_id, similarity in zip(ids[top].tolist(), scores[top].tolist(), strict=True)
        ]

    def _min_size(self) -> float:
        return self.graph_settings.min_size if self.graph_settings else float("inf")

    def _plan_graph(self) -> tuple | None:
        """Start a graph when the collection has reached the size for one (lock held).

        Return what _run must do inline when graphs are not made in the background.
        """
        if self._graph is not None or self._job is not None or self._size < self._min_size():
            return None
        job = self._job = _GraphJob()
        work = (job, self._ids[: self._size].copy(), self._matrix[: self._size])
        if not self.graph_settings.background:
            return work
        job.thread = threading.Thread(
            target=self._make_graph, args=work, name="vector-graph", daemon=True
        )
        job.thread.start()
        return None

    def _run(self, planned: tuple | None) -> None:
        if planned is not None:
            self._make_graph(*planned)

    def wait_for_graph(self, timeout: float | None = None) -> bool:
        """Wait until a graph being made is ready (or TIMEOUT seconds); True if one serves."""
        job = self._job
        if job is not None and job.thread is not None:
            job.thread.join(timeout)
        return self._graph is not None

    def _make_graph(self, job: _GraphJob, ids: np.ndarray, rows: np.ndarray) -> None:
        """Load the saved graph and apply what changed since, or build one; then publish it.

        ROWS is a view of the live matrix: rows replaced meanwhile are in JOB.changed and
        are put right at publication.
        """
        settings = self.graph_settings
        try:
            hashes = row_hashes(rows)
            graph, changed, made_by = None, True, "built"
            loaded = settings.path and Graph.load(settings.path, self.dimension, settings)
            if loaded:
                graph, saved_ids, saved_hashes = loaded
                count = graph.catch_up(saved_ids, saved_hashes, ids, hashes, rows)
                if count is None:
                    graph = None
                else:
                    changed = bool(count)
                    made_by = f"loaded, {count} changed" if count else "loaded"
            if graph is None:
                graph = Graph(self.dimension, settings)
                graph.upsert(ids, rows)
            if changed and settings.path:
                with self._lock:  # rows changed since they were read: fingerprint unknown
                    stale = np.fromiter(job.changed, dtype=np.int64, count=len(job.changed))
                hashes[np.isin(ids, stale)] = 0
                graph.save(settings.path, ids, hashes)
        except Exception:  # exact search goes on serving
            log.exception("could not make the vector graph; searches stay exact")
            with self._lock:
                if self._job is job:
                    self._job = None
            return
        with self._lock:
            if self._job is not job:
                return  # replace_all came in meanwhile: its own job takes over
            for claim_id in job.changed:
                pos = self._positions.get(claim_id)
                if pos is None:
                    graph.remove([claim_id])
                else:
                    graph.upsert([claim_id], self._matrix[pos : pos + 1])
            self._graph, self._job, self.graph_made_by = graph, None, made_by
        log.info("vector graph over %d claims %s", len(ids), made_by)
