"""The editors' and checkers' dashboard: flagged statements across articles, counts per status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from factcheck.models import (VERDICT_RELATIONS, Article, Claim, ClaimLink, ClaimStatus,
                              LinkState, Origin, Review, ReviewStatus)
from factcheck.services.flags import flag_category

UNCHECKED = "unchecked"


@dataclass(frozen=True, slots=True)
class DashboardFilter:
    outlet: str | None = None
    date_from: date | None = None  # the article's date: published, else ingested
    date_to: date | None = None
    verdict: str | None = None  # a rating key, UNCHECKED, or None for every flagged statement


@dataclass(frozen=True, slots=True)
class Dashboard:
    flagged: list[Claim]  # this page of them
    total: int
    counts: dict[str, int]  # claims per status in the filtered articles


def _article_date():  # noqa: ANN202
    return func.coalesce(Article.published_at, Article.created_at)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=timezone.utc)


def _live_claims(filters: DashboardFilter) -> Select:
    """Select the current claims of the articles the filters choose."""
    query = (select(Claim).join(Claim.article)
             .where(Claim.origin == Origin.ARTICLE, Claim.stale_since_revision.is_(None)))
    if filters.outlet:
        query = query.where(Article.outlet == filters.outlet)
    if filters.date_from:
        query = query.where(_article_date() >= _start_of(filters.date_from))
    if filters.date_to:
        query = query.where(_article_date() < _start_of(filters.date_to + timedelta(days=1)))
    return query


def _ratings_by_claim(session: Session) -> dict[int, str]:
    """Return {claim id: rating of its latest published review}."""
    latest = (select(func.max(Review.id)).where(Review.status == ReviewStatus.PUBLISHED)
              .group_by(Review.claim_id))
    return dict(session.execute(select(Review.claim_id, Review.rating)
                                .where(Review.id.in_(latest))).all())


def _carried_from(session: Session, rated: dict[int, str]) -> dict[int, int]:
    """Return {claim id: the claim whose verdict it carries}: the latest confirmed
    same/paraphrase link to a claim with a verdict, as Claim.carried_verdict picks it."""
    links = session.execute(select(ClaimLink.claim_id, ClaimLink.other_id).where(
        ClaimLink.state == LinkState.CONFIRMED, ClaimLink.relation.in_(VERDICT_RELATIONS))
        .order_by(ClaimLink.id))
    return {claim_id: other_id for claim_id, other_id in links if other_id in rated}


def dashboard(session: Session, filters: DashboardFilter, *, page: int = 1,
              per_page: int = 50) -> Dashboard:
    """Return the flagged statements the filters choose (worst first) and counts per status.

    The verdicts that apply are worked out over plain rows (ids, ratings, links), so only the
    claims on the page are loaded as objects.
    """
    rated = _ratings_by_claim(session)
    carried = _carried_from(session, rated)
    rows = session.execute(_live_claims(filters).with_only_columns(
        Claim.id, Claim.checkworthiness, Claim.status, _article_date()))
    ranked = []
    for claim_id, score, status, day in rows:
        rating = rated.get(claim_id) or rated.get(carried.get(claim_id, 0))
        category = flag_category(rating, score, status)
        if filters.verdict is None:
            chosen = category < 3
        elif filters.verdict == UNCHECKED:
            chosen = category == 2
        else:
            chosen = rating == filters.verdict
        if chosen:
            order = -(score or 0.0) if category == 2 else 0.0
            ranked.append((category, order, -day.timestamp() if day else 0.0, claim_id))
    ranked.sort()
    ids = [row[-1] for row in ranked[(page - 1) * per_page:page * per_page]]
    loaded = {claim.id: claim for claim in session.scalars(select(Claim).where(
        Claim.id.in_(ids)).options(
        selectinload(Claim.article),
        selectinload(Claim.reviews).selectinload(Review.sources),
        selectinload(Claim.links).selectinload(ClaimLink.other).selectinload(Claim.reviews)))}
    counted = _live_claims(filters).with_only_columns(Claim.status, func.count()).group_by(
        Claim.status)
    counts = {status.value: 0 for status in ClaimStatus}
    counts.update({status.value: n for status, n in session.execute(counted)})
    return Dashboard([loaded[i] for i in ids], len(ranked), counts)


def outlets(session: Session) -> list[str]:
    """Return the outlets of the stored articles, alphabetically."""
    return list(session.scalars(select(Article.outlet).where(Article.outlet.is_not(None))
                                .distinct().order_by(Article.outlet)))
