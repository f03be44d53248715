"""Dense retrieval, chosen by the database: exact numpy search on SQLite, pgvector on PostgreSQL.

Callers ask `dense_retriever(session, matcher)` and use the same four methods either way:
search, similarities, added (after a commit that stored new vectors) and refresh.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from sqlalchemy import Float, func, select, text
from sqlalchemy.orm import Session

from factcheck.matching import Match, Matcher, VectorIndex
from factcheck.matching.embedder import to_blob
from factcheck.models import Claim

# ORDER BY the distance to the outer row's vector keeps each LATERAL scan on the HNSW index.
BATCH_SEARCH = text(
    "SELECT query.position, found.id, found.distance "
    "FROM unnest(CAST(:vectors AS vector[])) WITH ORDINALITY AS query(vector, position) "
    "CROSS JOIN LATERAL (SELECT id, embedding <=> query.vector AS distance FROM claim "
    "WHERE embedding_model = :model AND id <> ALL(CAST(:exclude AS integer[])) "
    "ORDER BY embedding <=> query.vector LIMIT :k) AS found")


def vector_literal(vector: np.ndarray) -> str:
    """Return VECTOR in pgvector's text form; float32 values survive the round trip exactly."""
    return "[" + ",".join(map(repr, np.asarray(vector, dtype=np.float32).tolist())) + "]"


def _state(session: Session, model: str, *, counting: bool) -> tuple:
    """Return (largest claim id, latest embedding time of MODEL, its vector count or None).

    The first two are index lookups; the count reads every entry of the model (250 ms at a
    million claims), so it is only taken when COUNTING (to notice deleted claims).
    """
    return (session.scalar(select(func.max(Claim.id))),
            session.scalar(select(func.max(Claim.embedded_at)).where(
                Claim.embedding_model == model)),
            session.scalar(select(func.count(Claim.id)).where(
                Claim.embedding_model == model)) if counting else None)


def sync_index(session: Session, matcher: Matcher, *, force: bool = False) -> VectorIndex:
    """Return the matcher's index after loading claims embedded since it was last synced.

    Other processes (web workers, CLI imports) write claims too, so the index is compared
    with the database at most every INDEX_REFRESH_SECONDS (two index lookups), and counted
    for deletions every 30 such periods.
    """
    index = matcher.index
    if not (force or matcher.due_for_check()):
        return index
    with matcher.sync_lock:
        model = matcher.embedder.name
        previous = None if force else matcher.synced_state
        counting = previous is None or matcher.due_for_count()
        newest, embedded, count = _state(session, model, counting=counting)
        everything = select(Claim.id, Claim.embedding).where(Claim.embedding_model == model)
        if previous is not None and len(index):
            # Two indexed queries, not one OR (which would scan every row and its blob).
            if newest != previous[0]:
                index.add(*_fetch(session, everything.where(Claim.id > index.max_id),
                                  index.dimension))
            if previous[1] is not None and embedded != previous[1]:
                index.add(*_fetch(session, everything.where(
                    Claim.embedded_at > previous[1]), index.dimension))
            if counting and len(index) > count:  # claims were deleted: their ids tell which
                stored = session.scalars(select(Claim.id).where(
                    Claim.embedding_model == model)).all()
                index.remove(np.setdiff1d(index.ids(), np.asarray(stored, dtype=np.int64)))
        if previous is None or not len(index) or (counting and len(index) != count):
            index.replace_all(*_fetch(session, everything, index.dimension))
        matcher.mark_checked((newest, embedded), counted=counting)
    return index


def _fetch(session: Session, query, dimension: int) -> tuple[list[int], np.ndarray]:
    rows = session.execute(query).all()
    if not rows:
        return [], np.zeros((0, dimension), dtype=np.float32)
    # One join and one buffer: a million small arrays stacked one by one take seconds.
    matrix = np.frombuffer(b"".join(row[1] for row in rows), dtype=np.float32)
    return [row[0] for row in rows], matrix.reshape(len(rows), dimension)


class MemoryDense:
    """SQLite: exact cosine over the matcher's in-memory matrix, kept in step with the database."""

    def __init__(self, session: Session, matcher: Matcher) -> None:
        self.session = session
        self.matcher = matcher

    def search(self, vectors: np.ndarray, k: int, *,
               exclude: Iterable[int] = ()) -> list[list[Match]]:
        """Return, for each row of VECTORS, the K most similar stored claims, best first."""
        return sync_index(self.session, self.matcher).search(vectors, k, exclude=exclude)

    def similarities(self, vector: np.ndarray, ids: Iterable[int]) -> dict[int, float]:
        """Return the cosine of VECTOR with each of IDS that has a vector of the current model."""
        index = self.matcher.index
        found = {claim_id: index.vector(claim_id) for claim_id in ids}
        return {claim_id: float(stored @ vector) for claim_id, stored in found.items()
                if stored is not None}

    def added(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        """Take in claims just committed with VECTORS, so this process finds them at once."""
        self.matcher.index.add(ids, vectors)

    def refresh(self) -> None:
        """Reload every stored vector (after a bulk import or a re-embedding)."""
        sync_index(self.session, self.matcher, force=True)


class PgvectorDense:
    """PostgreSQL: the HNSW index (cosine) on claim.embedding answers `<=>`-ordered queries.

    The database is the index, so there is nothing to load, add or refresh; every worker and
    every CLI process sees the same claims at once.
    """

    def __init__(self, session: Session, matcher: Matcher) -> None:
        self.session = session
        self.matcher = matcher

    def _distance(self, vector: np.ndarray):  # noqa: ANN202 - a SQL expression
        return Claim.embedding.op("<=>", return_type=Float)(to_blob(vector))

    def search(self, vectors: np.ndarray, k: int, *,
               exclude: Iterable[int] = ()) -> list[list[Match]]:
        """Return, for each row of VECTORS, the K most similar stored claims, best first.

        One statement for every vector: each row of the unnested queries runs its own
        `<=>`-ordered HNSW scan through a LATERAL subquery (an article's 20 claims cost one
        round trip, not 20).
        """
        vectors = np.atleast_2d(vectors)
        if k <= 0 or not len(vectors):
            return [[] for _ in vectors]
        # The index visits ef_search candidates; an iterative scan goes on when filters
        # (another model, excluded ids) leave fewer than K. Both only for this transaction.
        self.session.execute(text(
            "SELECT set_config('hnsw.ef_search', :ef, true), "
            "set_config('hnsw.iterative_scan', 'relaxed_order', true)"),
            {"ef": str(min(1000, max(self.matcher.ef_search, k)))})
        rows = self.session.execute(BATCH_SEARCH, {
            "vectors": [vector_literal(v) for v in vectors], "k": k,
            "model": self.matcher.embedder.name, "exclude": sorted(set(exclude))}).all()
        found: list[list[tuple[int, float]]] = [[] for _ in vectors]
        for position, claim_id, distance in rows:
            found[position - 1].append((claim_id, distance))
        # relaxed_order may return a scan's rows slightly out of order: sort each by distance.
        return [[Match(claim_id, 1.0 - d) for claim_id, d in sorted(rows, key=lambda r: r[1])]
                for rows in found]

    def similarities(self, vector: np.ndarray, ids: Iterable[int]) -> dict[int, float]:
        """Return the cosine of VECTOR with each of IDS that has a vector of the current model."""
        ids = list(ids)
        if not ids:
            return {}
        rows = self.session.execute(select(Claim.id, self._distance(vector)).where(
            Claim.id.in_(ids), Claim.embedding_model == self.matcher.embedder.name))
        return {claim_id: 1.0 - d for claim_id, d in rows}

    def added(self, ids: Sequence[int], vectors: np.ndarray) -> None:
        """Nothing to do: the committed rows are in the HNSW index already."""

    def refresh(self) -> None:
        """Nothing to do: the database is the index."""


def dense_retriever(session: Session, matcher: Matcher) -> MemoryDense | PgvectorDense:
    """Return the dense retrieval backend for the database SESSION is bound to."""
    if session.get_bind().dialect.name == "postgresql":
        return PgvectorDense(session, matcher)
    return MemoryDense(session, matcher)
