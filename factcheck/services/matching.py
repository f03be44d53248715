"""Find similar claims: dense retrieval (services.dense) and lexical search, fused."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session, selectinload

from factcheck.matching import Match, Matcher
from factcheck.matching.lexical import clean_query, fts_query, fuse_scores, websearch_query
from factcheck.matching.nearmiss import Difference, differences
from factcheck.matching.embedder import from_blob
from factcheck.models import Claim, Review
from factcheck.matching.rerank import QueryMeta
from factcheck.services.dense import MemoryDense, PgvectorDense, dense_retriever, sync_index
from factcheck.services.errors import InvalidInput
from factcheck.services.reranking import rerank
from factcheck.services.term_counts import affordable_terms

__all__ = ["Candidates", "QueryMeta", "SimilarClaim", "gather", "lexical_fields",
           "lexical_fields_many", "lexical_search", "lexical_search_many", "retrieve",
           "search_claims", "similar_to_claims", "sync_index"]


@dataclass(frozen=True, slots=True)
class SimilarClaim:
    """A stored claim found for a query, its cosine similarity, and any near-miss details."""

    claim: Claim
    similarity: float
    differences: tuple[Difference, ...] = ()

    @property
    def near_miss(self) -> bool:
        """True when the claims read alike but differ in a checkable detail."""
        return bool(self.differences)


def lexical_search(session: Session, text: str, matcher: Matcher) -> list[tuple[int, float]]:
    """Return (claim id, lexical score) for TEXT, best first: FTS5 BM25 or PostgreSQL ranking."""
    return lexical_search_many(session, [text], matcher)[0]


def lexical_search_many(session: Session, texts: Sequence[str],
                        matcher: Matcher) -> list[list[tuple[int, float]]]:
    """Return lexical_search's results for each of TEXTS, in one statement (or a few)."""
    return [[(claim_id, score) for claim_id, score, _ in rows]
            for rows in lexical_fields_many(session, texts, matcher)]


def lexical_fields(session: Session, text: str,
                   matcher: Matcher) -> list[tuple[int, float, tuple[float, float]]]:
    """Return (claim id, lexical score, (score on its text alone, on its context alone)) for
    TEXT, best first: one search serves the fusion and the re-ranker."""
    return lexical_fields_many(session, [text], matcher)[0]


def lexical_fields_many(session: Session, texts: Sequence[str], matcher: Matcher
                        ) -> list[list[tuple[int, float, tuple[float, float]]]]:
    """Return lexical_fields' results for each of TEXTS, in one statement (or a few)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        return _postgres_search(session, [clean_query(text) for text in texts], matcher)
    if dialect != "sqlite":
        return [[] for _ in texts]
    def affordable(terms: list[str]) -> list[str]:
        return affordable_terms(session, matcher, terms)

    return _sqlite_search(session, [fts_query(clean_query(text), keep=affordable)
                                    for text in texts], matcher)


# SQLite allows at most 500 SELECTs in one compound statement.
_FTS_PER_STATEMENT = 200


def _sqlite_search(session: Session, queries: Sequence[str | None], matcher: Matcher
                   ) -> list[list[tuple[int, float, tuple[float, float]]]]:
    """FTS5 BM25 (the claim's text weight 1, its context CONTEXT_WEIGHT) for each MATCH query.

    The queries' top-CANDIDATES subqueries are joined by UNION ALL: the seed article's 48
    claims took 350-380 ms that way against 500-600 ms one statement each (35,000 claims).
    """
    found: list[list[tuple[int, float, tuple[float, float]]]] = [[] for _ in queries]
    asked = [(i, query) for i, query in enumerate(queries) if query is not None]
    for start in range(0, len(asked), _FTS_PER_STATEMENT):
        chunk = asked[start:start + _FTS_PER_STATEMENT]
        params: dict[str, object] = {"limit": matcher.candidates,
                                     "context_weight": matcher.context_weight}
        selects = []
        for position, query in chunk:
            params[f"query_{position}"] = query
            selects.append(
                f"SELECT * FROM (SELECT {position} AS position, rowid, "
                "bm25(claim_fts, 1.0, :context_weight) AS rank, bm25(claim_fts, 1.0, 0.0), "
                "bm25(claim_fts, 0.0, 1.0) FROM claim_fts "
                f"WHERE claim_fts MATCH :query_{position} ORDER BY rank LIMIT :limit)")
        rows = session.execute(sql_text(" UNION ALL ".join(selects)), params)
        for position, claim_id, rank, on_text, on_context in rows:
            # bm25() is lower for better
            found[position].append((claim_id, -rank, (-on_text, -on_context)))
    for rows in found:  # UNION ALL keeps each part's order in practice; make sure of it
        rows.sort(key=lambda row: -row[1])
    return found


def _postgres_search(session: Session, texts: Sequence[str], matcher: Matcher
                     ) -> list[list[tuple[int, float, tuple[float, float]]]]:
    """Full-text search on PostgreSQL: the same OR of terms, ranked by ts_rank; one statement.

    The claim's text is weight A and its context weight B; ts_rank takes weights in [0, 1],
    so CONTEXT_WEIGHT is kept as a ratio ({D, C, B, A}). ts_rank (term frequency) gave dev
    MAP@5 0.930 on CheckThat! 2A against 0.922 for ts_rank_cd (cover density). Each text is
    a row of an unnested array searched by a LATERAL subquery (GIN index, top CANDIDATES).
    """
    found: list[list[tuple[int, float, tuple[float, float]]]] = [[] for _ in texts]
    asked = [(i, query) for i, query in enumerate(websearch_query(text) for text in texts)
             if query is not None]
    if not asked:
        return found
    scale = max(1.0, matcher.context_weight)
    weights = f"{{0, 0, {matcher.context_weight / scale}, {1.0 / scale}}}"
    rows = session.execute(sql_text(
        "SELECT asked.position, found.id, found.rank, found.on_text, found.on_context "
        "FROM unnest(CAST(:queries AS text[])) WITH ORDINALITY AS asked(query, position) "
        "CROSS JOIN LATERAL (SELECT id, "
        "ts_rank(CAST(:weights AS real[]), search_vector, tsquery) AS rank, "
        "ts_rank(CAST('{0, 0, 0, 1}' AS real[]), search_vector, tsquery) AS on_text, "
        "ts_rank(CAST('{0, 0, 1, 0}' AS real[]), search_vector, tsquery) AS on_context "
        "FROM claim, websearch_to_tsquery('english', asked.query) AS tsquery "
        "WHERE search_vector @@ tsquery ORDER BY rank DESC, id LIMIT :limit) AS found "
        "ORDER BY asked.position, found.rank DESC, found.id"),
        {"queries": [query for _, query in asked], "weights": weights,
         "limit": matcher.candidates}).all()
    for position, claim_id, rank, on_text, on_context in rows:
        found[asked[position - 1][0]].append(
            (claim_id, float(rank), (float(on_text), float(on_context))))
    return found


@dataclass(slots=True)
class Candidates:
    """What the retrievers found for a batch of queries, fused: the re-ranker's input."""

    dense_search: MemoryDense | PgvectorDense
    vectors: np.ndarray
    context_vectors: np.ndarray | None
    texts: Sequence[str]
    fused: list[list[tuple[int, float]]]  # per query: (claim id, fused score), best first
    dense: list[dict[int, float]]  # per query: cosines known (dense search, then lookups)
    around: list[dict[int, float]]  # per query: cosines of its context's vector
    fields: list[dict[int, tuple[float, float]]]  # per query: lexical score on text, context


def gather(session: Session, matcher: Matcher, vectors: np.ndarray, texts: Sequence[str], *,
           exclude: Iterable[int] = (), contexts: Sequence[str] | None = None) -> Candidates:
    """Search densely and lexically for each query and fuse the two (z-scores, weighted sums).

    CONTEXTS, when given, is the text around each query (the transcript lines before a debate
    sentence): BM25 searches it instead of the query, and a second dense search with it joins
    the fusion at CONTEXT_DENSE_WEIGHT.
    """
    dense_search = dense_retriever(session, matcher)
    exclude = set(exclude)
    dense = dense_search.search(vectors, matcher.candidates, exclude=exclude)
    context_vectors = matcher.embedder.encode(list(contexts)) if contexts else None
    around = (dense_search.search(context_vectors, matcher.candidates, exclude=exclude)
              if contexts else [[] for _ in texts])
    lexical_runs = lexical_fields_many(session, list(contexts) if contexts else list(texts),
                                       matcher)
    fused, fields = [], []
    for found, near, lexical_run in zip(dense, around, lexical_runs):
        lexical = [row for row in lexical_run if row[0] not in exclude]
        fields.append({c: on_fields for c, _, on_fields in lexical})
        lexical = [(c, score) for c, score, _ in lexical]
        fused.append(fuse_scores([([(m.claim_id, m.similarity) for m in found], 1.0),
                                  (lexical, matcher.lexical_weight),
                                  ([(m.claim_id, m.similarity) for m in near],
                                   matcher.context_dense_weight)]))
    return Candidates(dense_search, vectors, context_vectors, texts, fused,
                      [{m.claim_id: m.similarity for m in found} for found in dense],
                      [{m.claim_id: m.similarity for m in near} for near in around], fields)


def retrieve(session: Session, matcher: Matcher, vectors: np.ndarray, texts: Sequence[str], *,
             k: int, exclude: Iterable[int] = (), contexts: Sequence[str] | None = None,
             metadata: Sequence[QueryMeta | None] | None = None) -> list[list[Match]]:
    """Return the K best stored claims for each query: fused, then re-ranked; cosine scores.

    CONTEXTS is the text around each query (see gather); METADATA what the caller knows of
    each query's claimant and date, for the re-ranker (services.reranking).
    """
    candidates = gather(session, matcher, vectors, texts, exclude=exclude, contexts=contexts)
    if matcher.reranker is not None:
        orders = rerank(session, matcher, candidates, metadata)
    else:
        orders = [[c for c, _ in fused] for fused in candidates.fused]
    results = []
    for vector, ranked, cosine in zip(vectors, orders, candidates.dense):
        # Every match carries its cosine; claims found only lexically get theirs looked up, K
        # at a time, unless the re-ranker did already (those without a vector of the current
        # model are left out).
        matches: list[Match] = []
        for start in range(0, len(ranked), max(k, 1)):
            chunk = ranked[start:start + max(k, 1)]
            cosine.update(candidates.dense_search.similarities(
                vector, [c for c in chunk if c not in cosine]))
            matches += [Match(c, cosine[c]) for c in chunk if c in cosine]
            if len(matches) >= k:
                break
        results.append(matches[:k])
    return results


def _load_claims(session: Session, ids: set[int]) -> dict[int, Claim]:
    claims = session.scalars(select(Claim).where(Claim.id.in_(ids)).options(
        selectinload(Claim.reviews).selectinload(Review.sources),
        selectinload(Claim.article)))
    return {claim.id: claim for claim in claims}


def similar_to_claims(session: Session, matcher: Matcher, claims: Sequence[Claim], *,
                      k: int = 5) -> dict[int, list[SimilarClaim]]:
    """Return the K stored claims most similar to each of CLAIMS, from other articles."""
    embedded = [c for c in claims if c.embedding is not None]
    if not embedded:
        return {c.id: [] for c in claims}
    # Claims of the same article are siblings, not earlier checks: leave them out.
    exclude: set[int] = {c.id for c in claims}
    for article in {c.article for c in embedded if c.article is not None}:
        exclude.update(sibling.id for sibling in article.claims)
    # What the re-ranker can know of an article's claim: its claimant, and its date or else
    # the article's publication date.
    metadata = [QueryMeta(claimant=c.claimant, date=c.claim_date or (
        c.article.published_at.date() if c.article and c.article.published_at else None))
        for c in embedded]
    found = retrieve(session, matcher, np.stack([from_blob(c.embedding) for c in embedded]),
                     [c.text for c in embedded], k=k, exclude=exclude, metadata=metadata)
    loaded = _load_claims(session, {m.claim_id for matches in found for m in matches})
    result = {c.id: [] for c in claims}
    for claim, matches in zip(embedded, found):
        result[claim.id] = [
            SimilarClaim(loaded[m.claim_id], m.similarity, tuple(differences(
                claim.text, loaded[m.claim_id].text,
                periods=(claim.periods, loaded[m.claim_id].periods))))
            for m in matches if m.claim_id in loaded]
    return result


def search_claims(session: Session, matcher: Matcher, query: str, *, k: int = 10,
                  max_chars: int = 2000, claimant: str | None = None,
                  claim_date: date | None = None) -> list[SimilarClaim]:
    """Return the K stored claims most similar to the free text QUERY.

    CLAIMANT and CLAIM_DATE, when the caller knows who made the claim and when, help the
    re-ranker choose between stored claims that read alike.
    """
    query = " ".join(query.split())
    if not query:
        raise InvalidInput("Enter some text to search for.")
    if len(query) > max_chars:
        raise InvalidInput(f"The search text is too long ({len(query)} characters; "
                           f"the limit is {max_chars}).")
    cleaned = clean_query(query) or query
    meta = QueryMeta(claimant=" ".join((claimant or "").split())[:200] or None, date=claim_date)
    matches = retrieve(session, matcher, matcher.embedder.encode([cleaned]), [cleaned], k=k,
                       metadata=[meta])[0]
    loaded = _load_claims(session, {m.claim_id for m in matches})
    return [SimilarClaim(loaded[m.claim_id], m.similarity,
                         tuple(differences(query, loaded[m.claim_id].text)))
            for m in matches if m.claim_id in loaded]
