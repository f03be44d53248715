"""Dense retrieval, chosen by the database: exact numpy search on SQLite, pgvector on PostgreSQL.

Callers ask `dense_retriever(session, matcher)` and use the same three methods either way:
search, similarities, catch_up (after a commit that changed vectors) and load (at boot).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np
from sqlalchemy import Column, Float, Integer, MetaData, Table, func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from factcheck.matching.index import Match, VectorIndex
from factcheck.matching.matcher import Matcher
from factcheck.matching.embedder import to_blob
from factcheck.models import Claim

# SQLite only, made by DDL (factcheck.models.SQLITE_VECTOR_LOG): which claims' vectors changed.
VECTOR_LOG = Table("claim_vector_log", MetaData(), Column("seq", Integer, primary_key=True),
                   Column("claim_id", Integer))

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


@contextmanager
def _committed(session: Session) -> Iterator[Connection]:
    """Yield a connection that sees only committed rows, whatever SESSION has written.

    An in-memory SQLite database has one connection for the whole process (a test setup):
    there the session's own connection is the only one.
    """
    engine = session.get_bind()
    if isinstance(engine.pool, StaticPool):
        yield session.connection()
        return
    with engine.connect() as connection:
        yield connection


def sync_index(session: Session, matcher: Matcher, *, force: bool = False,
               reload: bool = False) -> VectorIndex:
    """Return the matcher's index after applying the vector changes committed since last time.

    Every process (web workers, CLI imports, job consumers) writes claims, and each change of
    a claim's vector is in claim_vector_log under a new sequence number: the index asks for
    the entries after the last one it applied, at most every INDEX_REFRESH_SECONDS unless
    FORCE, and re-reads those claims' current vectors. It only ever reads committed rows, so
    a transaction that is rolled back later leaves no trace in it. RELOAD reads every vector.
    """
    index = matcher.index
    if not (force or reload or matcher.due_for_check()):
        return index
    with matcher.sync_lock, _committed(session) as connection:
        model = matcher.embedder.name
        if reload or matcher.synced_seq is None:
            # The sequence number first: a change committed while the vectors are read comes
            # again with a larger number, and is applied (again) by the next sync.
            seq = connection.scalar(select(func.max(VECTOR_LOG.c.seq))) or 0
            index.replace_all(*_fetch(connection, select(Claim.id, Claim.embedding).where(
                Claim.embedding_model == model, Claim.embedding.is_not(None)), index.dimension))
        else:
            rows = connection.execute(
                select(VECTOR_LOG.c.seq, VECTOR_LOG.c.claim_id, Claim.embedding,
                       Claim.embedding_model)
                .outerjoin(Claim, Claim.id == VECTOR_LOG.c.claim_id)
                .where(VECTOR_LOG.c.seq > matcher.synced_seq).order_by(VECTOR_LOG.c.seq)).all()
            seq = rows[-1].seq if rows else matcher.synced_seq
            current = [row for row in rows if row.embedding is not None
                       and row.embedding_model == model]
            kept = {row.claim_id for row in current}
            index.remove(row.claim_id for row in rows if row.claim_id not in kept)
            if current:
                index.add([row.claim_id for row in current], _stack(
                    [row.embedding for row in current], index.dimension))
        matcher.mark_checked(seq)
    return index


def _stack(blobs: Sequence[bytes], dimension: int) -> np.ndarray:
    # One join and one buffer: a million small arrays stacked one by one take seconds.
    return np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), dimension)


def _fetch(connection: Connection, query, dimension: int) -> tuple[list[int], np.ndarray]:
    rows = connection.execute(query).all()
    return [row[0] for row in rows], _stack([row[1] for row in rows], dimension)


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

    def catch_up(self) -> None:
        """Apply the vector changes just committed, so this process finds them at once.

        A process that has not searched yet (a CLI import) has no index to bring up to date:
        its first search loads one.
        """
        if self.matcher.synced_seq is not None:
            sync_index(self.session, self.matcher, force=True)

    def load(self) -> None:
        """Load the index now (a web worker at boot), rather than on the first search."""
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

    def catch_up(self) -> None:
        """Nothing to do: the committed rows are in the HNSW index already."""

    def load(self) -> None:
        """Nothing to do: the database is the index."""


def dense_retriever(session: Session, matcher: Matcher) -> MemoryDense | PgvectorDense:
    """Return the dense retrieval backend for the database SESSION is bound to."""
    if session.get_bind().dialect.name == "postgresql":
        return PgvectorDense(session, matcher)
    return MemoryDense(session, matcher)
