"""Dense retrieval, chosen by the database: exact numpy search on SQLite, pgvector on PostgreSQL.

Callers ask `dense_retriever(session, matcher)` (or `space="multilingual"`) and use the same
methods either way: search, similarities, catch_up (after a commit that changed vectors) and
load (at boot). A space keeps its claims in partitions (matcher.Matcher.partition): a search
names the partitions it looks in, every one by default.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, func, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import InstrumentedAttribute, Session
from sqlalchemy.pool import StaticPool

from factcheck.matching.embedder import to_blob
from factcheck.matching.index import Match, VectorIndex
from factcheck.matching.matcher import ENGLISH, Matcher, MultilingualSpace
from factcheck.models import Claim

# SQLite only, made by DDL (factcheck.models.SQLITE_VECTOR_LOG): which claims' vectors changed,
# per vector space.
VECTOR_LOG = Table(
    "claim_vector_log",
    MetaData(),
    Column("seq", Integer, primary_key=True),
    Column("claim_id", Integer),
    Column("space", String(16)),
)


@dataclass(frozen=True, slots=True)
class Columns:
    """Where a vector space keeps its vectors in the claim table."""

    embedding: InstrumentedAttribute
    model: InstrumentedAttribute


COLUMNS = {
    "dense": Columns(Claim.embedding, Claim.embedding_model),
    "multilingual": Columns(Claim.multilingual_embedding, Claim.multilingual_model),
}
Space = Matcher | MultilingualSpace

# ORDER BY the distance to the outer row's vector keeps each LATERAL scan on the HNSW index.
BATCH_SEARCH_TEMPLATE = (
    "SELECT query.position, found.id, found.distance "
    "FROM unnest(CAST(:vectors AS vector[])) WITH ORDINALITY AS query(vector, position) "
    "CROSS JOIN LATERAL (SELECT id, {column} <=> query.vector AS distance FROM claim "
    "WHERE {model} = :model AND id <> ALL(CAST(:exclude AS integer[])){language} "
    "ORDER BY {column} <=> query.vector LIMIT :k) AS found"
)
BATCH_SEARCH = text(
    BATCH_SEARCH_TEMPLATE.format(column="embedding", model="embedding_model", language="")
)


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


def space_of(matcher: Matcher, space: str) -> Space:
    """Return the matcher's vector space named SPACE ("dense" or "multilingual")."""
    if space == "dense":
        return matcher
    if space == "multilingual" and matcher.multilingual is not None:
        return matcher.multilingual
    raise ValueError(f"No vector space {space!r} is configured.")


def sync_index(
    session: Session,
    matcher: Matcher,
    *,
    force: bool = False,
    reload: bool = False,
    space: str = "dense",
) -> VectorIndex:
    """Return the dense index after applying the vector changes committed since last time.

    Every process (web workers, CLI imports, job consumers) writes claims, and each change of
    a claim's vector is in claim_vector_log under a new sequence number, per space: a space's
    indexes ask for the entries after the last one they applied, at most every
    INDEX_REFRESH_SECONDS unless FORCE, and re-read those claims' current vectors (and
    languages, which choose the partition). It only ever reads committed rows, so a
    transaction that is rolled back later leaves no trace in it. RELOAD reads every vector.
    SPACE "multilingual" brings that space's indexes up to date (and returns its English one).
    """
    state = space_of(matcher, space)
    indexes = state.indexes
    if not (force or reload or state.due_for_check()):
        return next(iter(indexes.values()))
    columns = COLUMNS[state.name]
    with state.sync_lock, _committed(session) as connection:
        model = state.embedder.name
        if reload or state.synced_seq is None:
            # The sequence number first: a change committed while the vectors are read comes
            # again with a larger number, and is applied (again) by the next sync.
            seq = connection.scalar(select(func.max(VECTOR_LOG.c.seq))) or 0
            rows = connection.execute(
                select(Claim.id, Claim.language, columns.embedding).where(
                    columns.model == model, columns.embedding.is_not(None)
                )
            ).all()
            for part, index in indexes.items():
                held = [row for row in rows if state.partition(row.language) == part]
                index.replace_all(
                    [row.id for row in held],
                    _stack([row[2] for row in held], index.dimension),
                )
        else:
            rows = connection.execute(
                select(
                    VECTOR_LOG.c.seq,
                    VECTOR_LOG.c.claim_id,
                    Claim.language,
                    columns.embedding.label("vector"),
                    columns.model.label("model"),
                )
                .outerjoin(Claim, Claim.id == VECTOR_LOG.c.claim_id)
                .where(VECTOR_LOG.c.seq > state.synced_seq, VECTOR_LOG.c.space == state.name)
                .order_by(VECTOR_LOG.c.seq)
            ).all()
            seq = max([row.seq for row in rows], default=state.synced_seq)
            for part, index in indexes.items():
                current = [
                    row
                    for row in rows
                    if row.vector is not None
                    and row.model == model
                    and state.partition(row.language) == part
                ]
                kept = {row.claim_id for row in current}
                index.remove(row.claim_id for row in rows if row.claim_id not in kept)
                if current:
                    index.add(
                        [row.claim_id for row in current],
                        _stack([row.vector for row in current], index.dimension),
                    )
        state.mark_checked(seq)
    return next(iter(indexes.values()))


def _stack(blobs: Sequence[bytes], dimension: int) -> np.ndarray:
    if not blobs:
        return np.zeros((0, dimension), dtype=np.float32)
    # One join and one buffer: a million small arrays stacked one by one take seconds.
    return np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), dimension)


class MemoryDense:
    """SQLite: exact cosine over the space's in-memory matrices, kept in step with the database."""

    def __init__(self, session: Session, matcher: Matcher, space: str = "dense") -> None:
        self.session = session
        self.matcher = matcher
        self.space = space
        self.state = space_of(matcher, space)

    def search(
        self,
        vectors: np.ndarray,
        k: int,
        *,
        exclude: Iterable[int] = (),
        partitions: Sequence[str] | None = None,
    ) -> list[list[Match]]:
        """Return, for each row of VECTORS, the K most similar stored claims, best first, from
        PARTITIONS of the space (every one by default)."""
        sync_index(self.session, self.matcher, space=self.space)
        exclude = set(exclude)
        runs = [
            index.search(vectors, k, exclude=exclude)
            for part, index in self.state.indexes.items()
            if partitions is None or part in partitions
        ]
        if len(runs) == 1:
            return runs[0]
        if not runs:
            return [[] for _ in np.atleast_2d(vectors)]
        merged = [[m for run in found for m in run] for found in zip(*runs, strict=True)]
        return [sorted(found, key=lambda m: -m.similarity)[:k] for found in merged]

    def similarities(self, vector: np.ndarray, ids: Iterable[int]) -> dict[int, float]:
        """Return the cosine of VECTOR with each of IDS that has a vector of the current model
        in this space."""
        found: dict[int, float] = {}
        for index in self.state.indexes.values():
            for claim_id in ids:
                stored = index.vector(claim_id)
                if stored is not None:
                    found[claim_id] = float(stored @ vector)
        return found

    def catch_up(self) -> None:
        """Apply the vector changes just committed (in every space), so this process finds them
        at once.

        A process that has not searched yet (a CLI import) has no index to bring up to date:
        its first search loads one.
        """
        for state in self.matcher.spaces():
            if state.synced_seq is not None:
                sync_index(self.session, self.matcher, force=True, space=state.name)

    def load(self) -> None:
        """Load the indexes now (a web worker at boot), rather than on the first search."""
        for state in self.matcher.spaces():
            sync_index(self.session, self.matcher, force=True, space=state.name)


class PgvectorDense:
    """PostgreSQL: the HNSW index (cosine) on the space's column answers `<=>`-ordered queries.

    The database is the index, so there is nothing to load, add or refresh; every worker and
    every CLI process sees the same claims at once.
    """

    def __init__(self, session: Session, matcher: Matcher, space: str = "dense") -> None:
        self.session = session
        self.matcher = matcher
        self.state = space_of(matcher, space)
        self.columns = COLUMNS[space]

    def _distance(self, vector: np.ndarray):  # a SQL expression
        return self.columns.embedding.op("<=>", return_type=Float)(to_blob(vector))

    def _language_filter(self, partitions: Sequence[str] | None) -> str:
        """Return the SQL condition on claim.language that keeps to PARTITIONS."""
        parts = set(self.state.partitions if partitions is None else partitions)
        if parts >= {"en", "other"} or "all" in parts:
            return ""
        if parts == {"en"}:
            return f" AND language = '{ENGLISH}'"
        if parts == {"other"}:
            return f" AND language <> '{ENGLISH}'"
        return " AND false"

    def search(
        self,
        vectors: np.ndarray,
        k: int,
        *,
        exclude: Iterable[int] = (),
        partitions: Sequence[str] | None = None,
    ) -> list[list[Match]]:
        """Return, for each row of VECTORS, the K most similar stored claims, best first, from
        PARTITIONS of the space (every one by default).

        One statement for every vector: each row of the unnested queries runs its own
        `<=>`-ordered HNSW scan through a LATERAL subquery (an article's 20 claims cost one
        round trip, not 20).
        """
        vectors = np.atleast_2d(vectors)
        if k <= 0 or not len(vectors):
            return [[] for _ in vectors]
        # The index visits ef_search candidates; an iterative scan goes on when filters
        # (another model or language, excluded ids) leave fewer than K. Both only for this
        # transaction.
        self.session.execute(
            text(
                "SELECT set_config('hnsw.ef_search', :ef, true), "
                "set_config('hnsw.iterative_scan', 'relaxed_order', true)"
            ),
            {"ef": str(min(1000, max(self.matcher.ef_search, k)))},
        )
        statement = BATCH_SEARCH_TEMPLATE.format(
            column=self.columns.embedding.key,
            model=self.columns.model.key,
            language=self._language_filter(partitions),
        )
        rows = self.session.execute(
            text(statement),
            {
                "vectors": [vector_literal(v) for v in vectors],
                "k": k,
                "model": self.state.embedder.name,
                "exclude": sorted(set(exclude)),
            },
        ).all()
        found: list[list[tuple[int, float]]] = [[] for _ in vectors]
        for position, claim_id, distance in rows:
            found[position - 1].append((claim_id, distance))
        # relaxed_order may return a scan's rows slightly out of order: sort each by distance.
        return [
            [Match(claim_id, 1.0 - d) for claim_id, d in sorted(rows, key=lambda r: r[1])]
            for rows in found
        ]

    def similarities(self, vector: np.ndarray, ids: Iterable[int]) -> dict[int, float]:
        """Return the cosine of VECTOR with each of IDS that has a vector of the current model
        in this space."""
        ids = list(ids)
        if not ids:
            return {}
        query = select(Claim.id, self._distance(vector)).where(
            Claim.id.in_(ids), self.columns.model == self.state.embedder.name
        )
        if self.state is self.matcher and self.matcher.multilingual is not None:
            query = query.where(Claim.language == ENGLISH)  # the dense space's claims
        return {claim_id: 1.0 - d for claim_id, d in self.session.execute(query)}

    def catch_up(self) -> None:
        """Nothing to do: the committed rows are in the HNSW index already."""

    def load(self) -> None:
        """Nothing to do: the database is the index."""


def dense_retriever(
    session: Session, matcher: Matcher, space: str = "dense"
) -> MemoryDense | PgvectorDense:
    """Return the retrieval backend of vector SPACE for the database SESSION is bound to."""
    if session.get_bind().dialect.name == "postgresql":
        return PgvectorDense(session, matcher, space)
    return MemoryDense(session, matcher, space)
