"""The editors' and checkers' dashboard: flagged statements across articles, counts per status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from factcheck.models import (VERDICT_RELATIONS, Article, Claim, ClaimLink, ClaimStatus,
                              LinkState, Origin, Review, ReviewStatus)
from factcheck.services.flags import CHECKWORTHY, applying_verdict, flag_rank, is_flagged

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


def _may_be_flagged(query: Select) -> Select:
    """Narrow QUERY in SQL to claims that can be flagged: scored check-worthy or with a verdict."""
    published = exists().where(Review.claim_id == Claim.id,
                               Review.status == ReviewStatus.PUBLISHED)
    carries = exists().where(ClaimLink.claim_id == Claim.id,
                             ClaimLink.state == LinkState.CONFIRMED,
                             ClaimLink.relation.in_(VERDICT_RELATIONS))
    return query.where(or_(Claim.checkworthiness >= CHECKWORTHY, published, carries))


def _matches(claim: Claim, verdict_key: str | None) -> bool:
    verdict, _ = applying_verdict(claim)
    if verdict_key is None:
        return is_flagged(claim)
    if verdict_key == UNCHECKED:
        return verdict is None and is_flagged(claim)
    return verdict is not None and verdict.rating == verdict_key


def dashboard(session: Session, filters: DashboardFilter, *, page: int = 1,
              per_page: int = 50) -> Dashboard:
    """Return the flagged statements the filters choose (worst first) and counts per status."""
    query = _may_be_flagged(_live_claims(filters)).options(
        selectinload(Claim.article),
        selectinload(Claim.reviews).selectinload(Review.sources),
        selectinload(Claim.links).selectinload(ClaimLink.other).selectinload(Claim.reviews))
    chosen = [claim for claim in session.scalars(query) if _matches(claim, filters.verdict)]
    chosen.sort(key=lambda claim: (*flag_rank(claim), -_day_number(claim.article), claim.id))
    counted = _live_claims(filters).with_only_columns(Claim.status, func.count()).group_by(
        Claim.status)
    counts = {status.value: 0 for status in ClaimStatus}
    counts.update({status.value: n for status, n in session.execute(counted)})
    start = (page - 1) * per_page
    return Dashboard(chosen[start:start + per_page], len(chosen), counts)


def _day_number(article: Article) -> int:
    return (article.published_at or article.created_at).toordinal()


def outlets(session: Session) -> list[str]:
    """Return the outlets of the stored articles, alphabetically."""
    return list(session.scalars(select(Article.outlet).where(Article.outlet.is_not(None))
                                .distinct().order_by(Article.outlet)))
