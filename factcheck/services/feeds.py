"""Paged reads for API clients: claims by filter, and the feed of our published verdicts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased, selectinload

from factcheck.models import Claim, ClaimStatus, Review, ReviewStatus, valid_id
from factcheck.services.errors import NotFound


def _latest_published_id():
    """The id of a claim's latest published review (its verdict), correlated to Claim."""
    return (
        select(func.max(Review.id))
        .where(Review.claim_id == Claim.id, Review.status == ReviewStatus.PUBLISHED)
        .correlate(Claim)
        .scalar_subquery()
    )


def list_claims(
    session: Session,
    *,
    status: ClaimStatus | None = None,
    rating: str | None = None,
    article_id: int | None = None,
    updated_since: datetime | None = None,
    after_id: int = 0,
    limit: int = 10,
) -> list[Claim]:
    """Return up to LIMIT claims with id > AFTER_ID matching every filter given, by id.

    RATING is the claim's current verdict; UPDATED_SINCE counts edits and new reviews.
    """
    query = select(Claim).where(Claim.id > after_id)
    if status is not None:
        query = query.where(Claim.status == status)
    if article_id is not None:
        query = query.where(Claim.article_id == article_id)
    if rating is not None:
        query = query.where(
            select(Review.rating).where(Review.id == _latest_published_id()).scalar_subquery()
            == rating
        )
    if updated_since is not None:
        query = query.where(
            or_(
                Claim.updated_at >= updated_since,
                exists().where(Review.claim_id == Claim.id, Review.created_at >= updated_since),
            )
        )
    return list(
        session.scalars(
            query.order_by(Claim.id)
            .limit(limit)
            .options(selectinload(Claim.reviews).selectinload(Review.sources))
        )
    )


def get_published_review(session: Session, review_id: int) -> Review:
    """Return the published review with REVIEW_ID, or raise NotFound (drafts are not public)."""
    review = session.get(Review, review_id) if valid_id(review_id) else None
    if review is None or review.status is not ReviewStatus.PUBLISHED:
        raise NotFound(f"There is no published review with id {review_id}.")
    return review


def verdict_feed(
    session: Session,
    *,
    since: datetime | None = None,
    after: tuple[datetime, int] | None = None,
    limit: int = 10,
) -> list[Review]:
    """Return our current published verdicts, oldest change first, one per claim.

    A correction replaces the claim's earlier verdict and moves it to the end, so a client
    that asks again with since = the last dateModified it saw receives it.
    """
    later = aliased(Review)
    query = select(Review).where(
        Review.status == ReviewStatus.PUBLISHED,
        Review.reviewer_id.is_not(None),
        Review.published_at.is_not(None),
        ~exists().where(
            later.claim_id == Review.claim_id,
            later.id > Review.id,
            later.status == ReviewStatus.PUBLISHED,
        ),
    )
    if since is not None:
        query = query.where(Review.published_at >= since)
    if after is not None:
        query = query.where(
            or_(
                Review.published_at > after[0],
                and_(Review.published_at == after[0], Review.id > after[1]),
            )
        )
    return list(
        session.scalars(
            query.order_by(Review.published_at, Review.id)
            .limit(limit)
            .options(
                selectinload(Review.claim).selectinload(Claim.reviews),
                selectinload(Review.claim).selectinload(Claim.article),
            )
        )
    )
