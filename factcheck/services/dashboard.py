"""The editors' and checkers' dashboard: flagged statements across articles, counts per status."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from factcheck.models import (
    VERDICT_RELATIONS,
    Article,
    Claim,
    ClaimLink,
    ClaimStatus,
    LinkState,
    Origin,
    Review,
    ReviewStatus,
    utcnow,
)
from factcheck.services.flags import Triage, choose_flagged, flag_category, is_pinned
from factcheck.services.repeats import SHOWN_WINDOW, repeats_subquery

UNCHECKED = "unchecked"


@dataclass(frozen=True, slots=True)
class DashboardFilter:
    outlet: str | None = None
    date_from: date | None = None  # the article's date: published, else ingested
    date_to: date | None = None
    verdict: str | None = None  # a rating key, UNCHECKED, or None for every flagged statement
    language: str | None = None  # the claims' ISO 639-1 code, or None for any
    hide_demo: bool = False  # services.demo.demo_hidden


@dataclass(frozen=True, slots=True)
class Dashboard:
    flagged: list[Claim]  # this page of them
    total: int
    counts: dict[str, int]  # claims per status in the filtered articles
    unflagged: int = 0  # unchecked check-worthy claims that triage left out of the flags
    repeats: dict[int, int] = field(default_factory=dict)  # claim id: outlets this week (2+)


def _article_date():
    return func.coalesce(Article.published_at, Article.created_at)


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def _live_claims(filters: DashboardFilter) -> Select:
    """Select the current claims of the articles the filters choose."""
    query = (
        select(Claim)
        .join(Claim.article)
        .where(Claim.origin == Origin.ARTICLE, Claim.stale_since_revision.is_(None))
    )
    if filters.hide_demo:
        query = query.where(Claim.is_demo.is_(False))
    if filters.outlet:
        query = query.where(Article.outlet == filters.outlet)
    if filters.language:
        query = query.where(Claim.language == filters.language)
    if filters.date_from:
        query = query.where(_article_date() >= _start_of(filters.date_from))
    if filters.date_to:
        query = query.where(_article_date() < _start_of(filters.date_to + timedelta(days=1)))
    return query


def _ratings_by_claim(session: Session) -> dict[int, str]:
    """Return {claim id: rating of its latest published review}."""
    latest = (
        select(func.max(Review.id))
        .where(Review.status == ReviewStatus.PUBLISHED)
        .group_by(Review.claim_id)
    )
    return dict(
        session.execute(select(Review.claim_id, Review.rating).where(Review.id.in_(latest))).all()
    )


def _carried_from(session: Session, rated: dict[int, str]) -> dict[int, int]:
    """Return {claim id: the claim whose verdict it carries}: the latest confirmed
    same/paraphrase link to a claim with a verdict, as Claim.carried_verdict picks it."""
    links = session.execute(
        select(ClaimLink.claim_id, ClaimLink.other_id)
        .where(ClaimLink.state == LinkState.CONFIRMED, ClaimLink.relation.in_(VERDICT_RELATIONS))
        .order_by(ClaimLink.id)
    )
    return {claim_id: other_id for claim_id, other_id in links if other_id in rated}


def dashboard(
    session: Session,
    filters: DashboardFilter,
    *,
    page: int = 1,
    per_page: int = 50,
    triage: Triage = Triage(),
) -> Dashboard:
    """Return the flagged statements the filters choose (worst first) and counts per status.

    Flagged: the false- and misleading-type verdicts, and per article the few unchecked claims
    TRIAGE chooses; the UNCHECKED filter lists every unchecked check-worthy claim. The
    verdicts that apply are worked out over plain rows (ids, ratings, links), so only the
    claims on the page are loaded as objects.
    """
    rated = _ratings_by_claim(session)
    carried = _carried_from(session, rated)
    rows = session.execute(
        _live_claims(filters).with_only_columns(
            Claim.id,
            Claim.article_id,
            Claim.checkworthiness,
            Claim.status,
            Claim.check_requested_at,
            _article_date(),
        )
    ).all()
    applying = {
        claim_id: rated.get(claim_id) or rated.get(carried.get(claim_id, 0))
        for claim_id, *_ in rows
    }
    categories = {
        claim_id: flag_category(applying[claim_id], score, status)
        for claim_id, _, score, status, _, _ in rows
    }
    flagged = choose_flagged(
        (
            (
                claim_id,
                article_id,
                flag_category(applying[claim_id], score, status, threshold=triage.threshold),
                score,
                is_pinned(applying[claim_id] is not None, status, requested is not None),
            )
            for claim_id, article_id, score, status, requested, _ in rows
        ),
        triage,
    )
    repeat_rows = repeats_subquery(utcnow() - SHOWN_WINDOW)
    outlets = {i: n for i, n in session.execute(select(repeat_rows.c.claim_id, repeat_rows.c.n))}
    ranked = []
    unflagged = 0
    for claim_id, _, score, _, _, day in rows:
        category, rating = categories[claim_id], applying[claim_id]
        if filters.verdict is None:
            chosen = claim_id in flagged
            unflagged += category == 2 and not chosen
        elif filters.verdict == UNCHECKED:
            chosen = category == 2
        else:
            chosen = rating == filters.verdict
        if chosen:  # within a flag: the most repeated first, then the most check-worthy
            order = -(score or 0.0) if category == 2 else 0.0
            repeated = -outlets.get(claim_id, 0)
            ranked.append((category, repeated, order, -day.timestamp() if day else 0.0, claim_id))
    ranked.sort()
    ids = [row[-1] for row in ranked[(page - 1) * per_page : page * per_page]]
    loaded = {
        claim.id: claim
        for claim in session.scalars(
            select(Claim)
            .where(Claim.id.in_(ids))
            .options(
                selectinload(Claim.article),
                selectinload(Claim.reviews).selectinload(Review.sources),
                selectinload(Claim.links).selectinload(ClaimLink.other).selectinload(Claim.reviews),
            )
        )
    }
    counted = (
        _live_claims(filters).with_only_columns(Claim.status, func.count()).group_by(Claim.status)
    )
    counts = {status.value: 0 for status in ClaimStatus}
    counts.update({status.value: n for status, n in session.execute(counted)})
    shown = {i: outlets[i] for i in ids if outlets.get(i, 0) > 1}
    return Dashboard([loaded[i] for i in ids], len(ranked), counts, unflagged, shown)


def outlets(session: Session) -> list[str]:
    """Return the outlets of the stored articles, alphabetically."""
    return list(
        session.scalars(
            select(Article.outlet)
            .where(Article.outlet.is_not(None))
            .distinct()
            .order_by(Article.outlet)
        )
    )


def languages(session: Session) -> list[str]:
    """Return the languages of the stored articles' claims, by code."""
    return list(
        session.scalars(
            select(Claim.language)
            .where(Claim.origin == Origin.ARTICLE)
            .distinct()
            .order_by(Claim.language)
        )
    )
