"""Keep the in-memory vector index in step with the database, and find similar claims."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, select
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session, selectinload

from factcheck.matching import Match, Matcher, VectorIndex
from factcheck.matching.lexical import clean_query, fts_query, fuse
from factcheck.matching.nearmiss import Difference, differences
from factcheck.matching.embedder import from_blob
from factcheck.models import Claim, Review
from factcheck.services.errors import InvalidInput


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


def _state(session: Session, model: str) -> tuple:
    return tuple(session.execute(
        select(func.count(Claim.id), func.max(Claim.id), func.max(Claim.embedded_at))
        .where(Claim.embedding_model == model)).one())


def sync_index(session: Session, matcher: Matcher, *, force: bool = False) -> VectorIndex:
    """Return the matcher's index after loading claims embedded since it was last synced.

    Other processes (web workers, CLI imports) write claims too, so the index is compared
    with the database at most every INDEX_REFRESH_SECONDS; unchanged state costs one query.
    """
    index = matcher.index
    if not (force or matcher.due_for_check()):
        return index
    with matcher.sync_lock:
        model = matcher.embedder.name
        state = _state(session, model)
        previous = None if force else matcher.synced_state
        if state != previous:
            everything = select(Claim.id, Claim.embedding).where(Claim.embedding_model == model)
            if previous is not None and len(index):
                # Two indexed queries, not one OR (which would scan every row and its blob).
                index.add(*_fetch(session, everything.where(Claim.id > index.max_id),
                                  index.dimension))
                if previous[2] is not None:
                    index.add(*_fetch(session, everything.where(
                        Claim.embedded_at > previous[2]), index.dimension))
            if force or len(index) != state[0]:  # first load, or claims were deleted
                index.replace_all(*_fetch(session, everything, index.dimension))
        matcher.mark_checked(state)
    return index


def _fetch(session: Session, query, dimension: int) -> tuple[list[int], np.ndarray]:
    rows = session.execute(query).all()
    if not rows:
        return [], np.zeros((0, dimension), dtype=np.float32)
    return [row[0] for row in rows], np.stack([from_blob(row[1]) for row in rows])


def lexical_search(session: Session, text: str, matcher: Matcher) -> list[tuple[int, float]]:
    """Return (claim id, BM25 score) for TEXT, best first (empty where no lexical index)."""
    query = fts_query(clean_query(text))
    if query is None or session.get_bind().dialect.name != "sqlite":
        return []
    rows = session.execute(sql_text(
        "SELECT rowid, bm25(claim_fts, 1.0, :context_weight) AS rank FROM claim_fts "
        "WHERE claim_fts MATCH :query ORDER BY rank LIMIT :limit"),
        {"query": query, "limit": matcher.candidates,
         "context_weight": matcher.context_weight}).all()
    return [(claim_id, -rank) for claim_id, rank in rows]  # bm25() is lower for better


def retrieve(session: Session, matcher: Matcher, vectors: np.ndarray, texts: Sequence[str], *,
             k: int, exclude: Iterable[int] = (),
             contexts: Sequence[str] | None = None) -> list[list[Match]]:
    """Return the K best stored claims for each query: dense and BM25 fused; cosine scores.

    CONTEXTS, when given, is the text around each query (the transcript lines before a debate
    sentence): BM25 searches it instead of the query, and a second dense search with it joins
    the fusion at CONTEXT_DENSE_WEIGHT.
    """
    index = sync_index(session, matcher)
    exclude = set(exclude)
    dense = index.search(vectors, matcher.candidates, exclude=exclude)
    around = (index.search(matcher.embedder.encode(list(contexts)), matcher.candidates,
                           exclude=exclude) if contexts else [[] for _ in texts])
    results = []
    for i, (vector, text, found) in enumerate(zip(vectors, texts, dense)):
        lexical_text = contexts[i] if contexts else text
        lexical = [(c, s) for c, s in lexical_search(session, lexical_text, matcher)
                   if c not in exclude]
        ranked = fuse([([(m.claim_id, m.similarity) for m in found], 1.0),
                       (lexical, matcher.lexical_weight),
                       ([(m.claim_id, m.similarity) for m in around[i]],
                        matcher.context_dense_weight)])
        matches = []
        for claim_id in ranked:
            stored = index.vector(claim_id)
            if stored is not None:
                matches.append(Match(claim_id, float(stored @ vector)))
            if len(matches) == k:
                break
        results.append(matches)
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
    found = retrieve(session, matcher, np.stack([from_blob(c.embedding) for c in embedded]),
                     [c.text for c in embedded], k=k, exclude=exclude)
    loaded = _load_claims(session, {m.claim_id for matches in found for m in matches})
    result = {c.id: [] for c in claims}
    for claim, matches in zip(embedded, found):
        result[claim.id] = [
            SimilarClaim(loaded[m.claim_id], m.similarity,
                         tuple(differences(claim.text, loaded[m.claim_id].text)))
            for m in matches if m.claim_id in loaded]
    return result


def search_claims(session: Session, matcher: Matcher, query: str, *, k: int = 10,
                  max_chars: int = 2000) -> list[SimilarClaim]:
    """Return the K stored claims most similar to the free text QUERY."""
    query = " ".join(query.split())
    if not query:
        raise InvalidInput("Enter some text to search for.")
    if len(query) > max_chars:
        raise InvalidInput(f"The search text is too long ({len(query)} characters; "
                           f"the limit is {max_chars}).")
    cleaned = clean_query(query) or query
    matches = retrieve(session, matcher, matcher.embedder.encode([cleaned]), [cleaned], k=k)[0]
    loaded = _load_claims(session, {m.claim_id for m in matches})
    return [SimilarClaim(loaded[m.claim_id], m.similarity,
                         tuple(differences(query, loaded[m.claim_id].text)))
            for m in matches if m.claim_id in loaded]
