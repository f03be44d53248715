"""Find the stored claims most similar to a text or to claims: the one entry point of matching.

Dense and lexical candidates are fused and re-ranked (matching.candidates); every match
carries its cosine with the query.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from factcheck.matching.candidates import gather, rerank
from factcheck.matching.crosslingual import merge, multilingual_matches
from factcheck.matching.embedder import from_blob
from factcheck.matching.index import Match
from factcheck.matching.lexical import clean_query
from factcheck.matching.matcher import ENGLISH, Matcher
from factcheck.matching.nearmiss import Difference, differences
from factcheck.matching.rerank import QueryMeta
from factcheck.models import Claim, Review
from factcheck.services.errors import InvalidInput

__all__ = [
    "QueryMeta",
    "SimilarClaim",
    "describe",
    "retrieve",
    "search_claims",
    "similar_to_claims",
]


@dataclass(frozen=True, slots=True)
class SimilarClaim:
    """A stored claim found for a query: its cosine similarity, the re-ranker's probability
    that it is the same claim (None without re-ranking), and any near-miss details."""

    claim: Claim
    similarity: float
    differences: tuple[Difference, ...] = ()
    match: float | None = None

    @property
    def near_miss(self) -> bool:
        """True when the claims read alike but differ in a checkable detail."""
        return bool(self.differences)

    @property
    def score(self) -> float:
        """The figure results are ordered by and shown with: the match probability if known."""
        return self.similarity if self.match is None else self.match

    def likely(self, *, match_floor: float, cosine_floor: float) -> bool:
        """True when this is worth a checker's look: at or above the floor of its figure, or
        a near miss that reads alike (the re-ranker rightly doubts it is the same claim, and
        that is what the checker must see)."""
        if self.near_miss and self.similarity >= cosine_floor:
            return True
        return self.similarity >= cosine_floor if self.match is None else self.match >= match_floor


def retrieve(
    session: Session,
    matcher: Matcher,
    vectors: np.ndarray,
    texts: Sequence[str],
    *,
    k: int,
    exclude: Iterable[int] = (),
    contexts: Sequence[str] | None = None,
    metadata: Sequence[QueryMeta | None] | None = None,
    languages: Sequence[str] | None = None,
    multilingual: np.ndarray | None = None,
) -> list[list[Match]]:
    """Return the K best stored claims for each query: fused, then re-ranked.

    Each match carries its cosine and, when the re-ranker scored it, its match probability.
    CONTEXTS is the text around each query (see gather); METADATA what the caller knows of
    each query's claimant and date, for the re-ranker (matching.candidates).

    With a multilingual space, LANGUAGES (each query's; English when not given) choose the
    way (matching.crosslingual): English queries go through the English pipeline for English
    claims and the multilingual space for the others, other queries through the multilingual
    space alone. MULTILINGUAL holds the queries' multilingual vectors (encoded here if None).
    """
    if matcher.multilingual is None:
        return _english(session, matcher, vectors, texts, k, exclude, contexts, metadata)
    languages = list(languages) if languages is not None else [ENGLISH] * len(texts)
    if multilingual is None:
        multilingual = matcher.multilingual.embedder.encode(list(texts))
    others = multilingual_matches(
        session, matcher, multilingual, texts, languages, k=k, exclude=exclude
    )
    english = [i for i, language in enumerate(languages) if language == ENGLISH]
    if english:
        found = _english(
            session,
            matcher,
            vectors[english],
            [texts[i] for i in english],
            k,
            exclude,
            [contexts[i] for i in english] if contexts else None,
            [metadata[i] for i in english] if metadata else None,
        )
        for i, matches in zip(english, found, strict=True):
            others[i] = merge(matches, others[i], k)
    return others


def _english(
    session: Session,
    matcher: Matcher,
    vectors: np.ndarray,
    texts: Sequence[str],
    k: int,
    exclude: Iterable[int],
    contexts: Sequence[str] | None,
    metadata: Sequence[QueryMeta | None] | None,
) -> list[list[Match]]:
    """The English pipeline: dense and BM25 fused, then re-ranked (see retrieve)."""
    candidates = gather(session, matcher, vectors, texts, exclude=exclude, contexts=contexts)
    if matcher.reranker is not None:
        orders = rerank(session, matcher, candidates, metadata)
    else:
        orders = [([c for c, _ in fused], {}) for fused in candidates.fused]
    results = []
    for vector, (ranked, probability), cosine in zip(
        vectors, orders, candidates.dense, strict=True
    ):
        # Every match carries its cosine; claims found only lexically get theirs looked up, K
        # at a time, unless the re-ranker did already (those without a vector of the current
        # model are left out).
        matches: list[Match] = []
        for start in range(0, len(ranked), max(k, 1)):
            chunk = ranked[start : start + max(k, 1)]
            cosine.update(
                candidates.dense_search.similarities(vector, [c for c in chunk if c not in cosine])
            )
            matches += [Match(c, cosine[c], probability.get(c)) for c in chunk if c in cosine]
            if len(matches) >= k:
                break
        results.append(matches[:k])
    return results


def describe(
    session: Session,
    queries: Sequence[str],
    found: Sequence[Sequence[Match]],
    *,
    periods: Sequence[Sequence[str]] | None = None,
) -> list[list[SimilarClaim]]:
    """Return each query's matches (from retrieve) as the stored claims, best first by the
    figure shown beside them; near-miss details are those between the query and the claim
    (and between the periods their relative dates meant, PERIODS for the queries)."""
    ids = {m.claim_id for matches in found for m in matches}
    loaded = (
        {
            claim.id: claim
            for claim in session.scalars(
                select(Claim)
                .where(Claim.id.in_(ids))
                .options(
                    selectinload(Claim.reviews).selectinload(Review.sources),
                    selectinload(Claim.article),
                )
            )
        }
        if ids
        else {}
    )
    described = []
    for query, matches, when in zip(queries, found, periods or [()] * len(queries), strict=True):
        similar = [
            SimilarClaim(
                loaded[m.claim_id],
                m.similarity,
                tuple(
                    differences(
                        query, loaded[m.claim_id].text, periods=(when, loaded[m.claim_id].periods)
                    )
                ),
                m.match,
            )
            for m in matches
            if m.claim_id in loaded
        ]
        # Re-ranked ones first (a caller asking for more than the re-ranking depth gets the
        # rest in fused order after them), each part by its own figure.
        described.append(
            sorted(similar, key=lambda s: (s.match is not None, s.score), reverse=True)
        )
    return described


def stored_multilingual(matcher: Matcher, claims: Sequence[Claim]) -> np.ndarray | None:
    """Return the claims' stored multilingual vectors (encoded now where one is missing)."""
    space = matcher.multilingual
    if space is None:
        return None
    missing = [
        c.text
        for c in claims
        if c.multilingual_embedding is None or c.multilingual_model != space.embedder.name
    ]
    fresh = iter(space.embedder.encode(missing))
    return np.stack(
        [
            next(fresh)
            if c.multilingual_embedding is None or c.multilingual_model != space.embedder.name
            else from_blob(c.multilingual_embedding)
            for c in claims
        ]
    )


def similar_to_claims(
    session: Session,
    matcher: Matcher,
    claims: Sequence[Claim],
    *,
    k: int = 5,
    exclude: Iterable[int] = (),
) -> dict[int, list[SimilarClaim]]:
    """Return the K stored claims most similar to each of CLAIMS, from other articles and
    not among EXCLUDE."""
    embedded = [c for c in claims if c.embedding is not None]
    if not embedded:
        return {c.id: [] for c in claims}
    # Claims of the same article are siblings, not earlier checks: leave them out.
    exclude = {c.id for c in claims} | set(exclude)
    for article in {c.article for c in embedded if c.article is not None}:
        exclude.update(sibling.id for sibling in article.claims)
    # What the re-ranker can know of an article's claim: its claimant, and its date or else
    # the article's publication date.
    metadata = [
        QueryMeta(
            claimant=c.claimant,
            date=c.claim_date
            or (c.article.published_at.date() if c.article and c.article.published_at else None),
        )
        for c in embedded
    ]
    found = retrieve(
        session,
        matcher,
        np.stack([from_blob(c.embedding) for c in embedded]),
        [c.text for c in embedded],
        k=k,
        exclude=exclude,
        metadata=metadata,
        languages=[c.language for c in embedded],
        multilingual=stored_multilingual(matcher, embedded),
    )
    result = {c.id: [] for c in claims}
    result.update(
        zip(
            [c.id for c in embedded],
            describe(
                session, [c.text for c in embedded], found, periods=[c.periods for c in embedded]
            ),
            strict=True,
        )
    )
    return result


def search_claims(
    session: Session,
    matcher: Matcher,
    query: str,
    *,
    k: int = 10,
    max_chars: int = 2000,
    claimant: str | None = None,
    claim_date: date | None = None,
    language: str | None = None,
    exclude: Iterable[int] = (),
) -> list[SimilarClaim]:
    """Return the K stored claims most similar to the free text QUERY (none of EXCLUDE).

    CLAIMANT and CLAIM_DATE, when the caller knows who made the claim and when, help the
    re-ranker choose between stored claims that read alike. LANGUAGE is the query's (detected
    when not given).
    """
    query = " ".join(query.split())
    if not query:
        raise InvalidInput("Enter some text to search for.")
    if len(query) > max_chars:
        raise InvalidInput(
            f"The search text is too long ({len(query)} characters; the limit is {max_chars})."
        )
    cleaned = clean_query(query) or query
    meta = QueryMeta(claimant=" ".join((claimant or "").split())[:200] or None, date=claim_date)
    matches = retrieve(
        session,
        matcher,
        matcher.embedder.encode([cleaned]),
        [cleaned],
        k=k,
        metadata=[meta],
        languages=[language or matcher.language_of(cleaned)],
        exclude=exclude,
    )[0]
    return describe(session, [query], [matches])[0]
