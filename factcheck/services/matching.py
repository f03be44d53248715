"""Keep the in-memory vector index in step with the database, and find similar claims."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from factcheck.matching import Matcher, VectorIndex
from factcheck.matching.embedder import from_blob
from factcheck.models import Claim, Review
from factcheck.services.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class SimilarClaim:
    """A stored claim found for a query, with its cosine similarity."""

    claim: Claim
    similarity: float


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
                newer = [Claim.id > index.max_id]
                if previous[2] is not None:
                    newer.append(Claim.embedded_at > previous[2])
                index.add(*_fetch(session, everything.where(or_(*newer)), index.dimension))
            if force or len(index) != state[0]:  # first load, or claims were deleted
                index.replace_all(*_fetch(session, everything, index.dimension))
        matcher.mark_checked(state)
    return index


def _fetch(session: Session, query, dimension: int) -> tuple[list[int], np.ndarray]:
    rows = session.execute(query).all()
    if not rows:
        return [], np.zeros((0, dimension), dtype=np.float32)
    return [row[0] for row in rows], np.stack([from_blob(row[1]) for row in rows])


def _load_claims(session: Session, ids: set[int]) -> dict[int, Claim]:
    claims = session.scalars(select(Claim).where(Claim.id.in_(ids)).options(
        selectinload(Claim.reviews).selectinload(Review.sources),
        selectinload(Claim.article)))
    return {claim.id: claim for claim in claims}


def similar_to_claims(session: Session, matcher: Matcher, claims: Sequence[Claim], *,
                      k: int = 5) -> dict[int, list[SimilarClaim]]:
    """Return the K stored claims most similar to each of CLAIMS, from other articles."""
    index = sync_index(session, matcher)
    embedded = [c for c in claims if c.embedding is not None]
    if not embedded:
        return {c.id: [] for c in claims}
    queries = np.stack([from_blob(c.embedding) for c in embedded])
    # Claims of the same article are siblings, not earlier checks: leave them out.
    exclude: set[int] = {c.id for c in claims}
    for claim in embedded:
        if claim.article is not None:
            exclude.update(sibling.id for sibling in claim.article.claims)
    found = index.search(queries, k, exclude=exclude)
    loaded = _load_claims(session, {m.claim_id for matches in found for m in matches})
    result = {c.id: [] for c in claims}
    for claim, matches in zip(embedded, found):
        result[claim.id] = [SimilarClaim(loaded[m.claim_id], m.similarity)
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
    index = sync_index(session, matcher)
    vector = matcher.embedder.encode([query])
    matches = index.search(vector, k)[0]
    loaded = _load_claims(session, {m.claim_id for m in matches})
    return [SimilarClaim(loaded[m.claim_id], m.similarity) for m in matches
            if m.claim_id in loaded]
