"""The public side: our published verdicts as readers see them, and the address of each.

Only a claim whose current verdict is ours and published is public (a verdict imported from
another desk lives at that desk's address). Nothing else of a claim is read here: no drafts,
no working reviews, no audit notes, no reviewer unless the desk chooses to name them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from slugify import slugify
from sqlalchemy import ColumnElement, Select, and_, exists, select
from sqlalchemy.orm import Session, aliased, defer, selectinload

from factcheck.models import Article, Claim, ClaimStatus, Review, ReviewStatus
from factcheck.services.claimreview import is_own
from factcheck.services.errors import InvalidInput, NotFound
from factcheck.services.settings import public_base_url
from factcheck.verdicts import RATINGS

SLUG_WORDS_CHARS = 60
PAGE_SIZE = 20
MAX_QUERY_CHARS = 200
FEED_ENTRIES = 50
_ID = re.compile(r"([0-9]{1,18})(?:-.*)?", re.DOTALL)


def slug_of(claim_id: int, text: str) -> str:
    """Return the readable address part of claim CLAIM_ID saying TEXT: its id, then words."""
    words = slugify(text, max_length=SLUG_WORDS_CHARS, word_boundary=True)
    return f"{claim_id}-{words}" if words else str(claim_id)


def slug(claim: Claim) -> str:
    """Return the claim's readable address part (see slug_of)."""
    return slug_of(claim.id, claim.text)


def claim_id_of(slug_text: str) -> int | None:
    """Return the claim id a slug starts with (None when it does not start with one)."""
    match = _ID.fullmatch(slug_text)
    return int(match.group(1)) if match else None


def public_url(path: str) -> str:
    """Return the absolute public address of PATH (which starts with /)."""
    return f"{public_base_url()}{path}"


def verdict_url(claim: Claim) -> str:
    """Return the public page of CLAIM's verdict: the ClaimReview url everywhere."""
    return public_url(f"/v/{slug(claim)}")


@dataclass(frozen=True, slots=True)
class Listed:
    """One published verdict in a list: the claim and its current review."""

    claim: Claim
    review: Review


@dataclass(frozen=True, slots=True)
class VerdictPage:
    """One page of the list; there is no total, which would cost a pass over every verdict."""

    items: list[Listed]
    page: int
    has_next: bool


@dataclass(frozen=True, slots=True)
class Correction:
    """A published verdict that replaced an earlier one: what changed, when and why."""

    when: datetime | None
    rating_before: str
    rating_after: str
    conclusion_before: str
    conclusion_after: str
    reason: str


def _is_current_and_ours() -> ColumnElement[bool]:
    """Filter reviews to each claim's current verdict (its latest published) when it is ours."""
    later = aliased(Review)
    return and_(
        Review.status == ReviewStatus.PUBLISHED,
        Review.publisher.is_(None),
        Review.url.is_(None),
        ~exists().where(
            later.claim_id == Review.claim_id,
            later.status == ReviewStatus.PUBLISHED,
            later.id > Review.id,
        ),
    )


def _conditions(query: str | None = None, rating: str | None = None) -> list[ColumnElement[bool]]:
    """Return the filters of the public list: current verdicts of ours, QUERY's words, RATING."""
    conditions = [_is_current_and_ours()]
    if rating:
        conditions.append(Review.rating == rating)
    for word in (query or "").split():
        pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(
            Claim.text.ilike(pattern, escape="\\")
            | Claim.claimant.ilike(pattern, escape="\\")
            | Review.conclusion.ilike(pattern, escape="\\")
        )
    return conditions


def _published(query: str | None = None, rating: str | None = None) -> Select:
    return (
        select(Claim, Review)
        .join(Claim, Claim.id == Review.claim_id)
        .where(*_conditions(query, rating))
        .options(defer(Claim.embedding), defer(Claim.context_embedding))
    )


def list_verdicts(
    session: Session,
    *,
    query: str | None = None,
    rating: str | None = None,
    page: int = 1,
    per_page: int = PAGE_SIZE,
) -> VerdictPage:
    """Return one page of published verdicts, newest first, matching QUERY's words and RATING."""
    query = " ".join((query or "").split()) or None
    if query and len(query) > MAX_QUERY_CHARS:
        raise InvalidInput(f"Search for at most {MAX_QUERY_CHARS} characters.")
    if rating and rating not in RATINGS:
        raise InvalidInput(f"There is no rating {rating!r}: choose one of the list.")
    if page < 1:
        raise InvalidInput("Pages are numbered from 1.")
    rows = session.execute(
        _published(query, rating)
        .order_by(Review.published_at.desc(), Review.id.desc())
        .limit(per_page + 1)
        .offset((page - 1) * per_page)
    ).all()
    items = [Listed(claim, review) for claim, review in rows[:per_page]]
    return VerdictPage(items, page, has_next=len(rows) > per_page)


def latest_verdicts(session: Session, *, limit: int = FEED_ENTRIES) -> list[Listed]:
    """Return the LIMIT most recently published verdicts (the feed)."""
    rows = session.execute(
        _published().order_by(Review.published_at.desc(), Review.id.desc()).limit(limit)
    ).all()
    return [Listed(claim, review) for claim, review in rows]


def sitemap_rows(session: Session) -> list[tuple[int, str, datetime | None]]:
    """Return (claim id, claim text, last published) of every published verdict."""
    rows = session.execute(
        select(Claim.id, Claim.text, Review.published_at)
        .join(Claim, Claim.id == Review.claim_id)
        .where(_is_current_and_ours())
        .order_by(Claim.id)
    )
    return [(claim_id, text, published) for claim_id, text, published in rows]


def get_verdict(session: Session, claim_id: int) -> Claim:
    """Return the claim CLAIM_ID with its reviews if its current verdict is ours and public."""
    claim = session.scalar(
        select(Claim)
        .where(Claim.id == claim_id)
        .options(
            defer(Claim.embedding),
            defer(Claim.context_embedding),
            selectinload(Claim.reviews).selectinload(Review.sources),
            selectinload(Claim.article).load_only(
                Article.title, Article.url, Article.outlet, Article.published_at, Article.is_draft
            ),
        )
    )
    verdict = claim.verdict if claim is not None else None
    if claim is None or claim.status is not ClaimStatus.PUBLISHED or verdict is None:
        raise NotFound("There is no published verdict at this address.")
    if not is_own(verdict):
        raise NotFound("There is no published verdict at this address.")
    return claim


def published_history(claim: Claim) -> list[Review]:
    """Return the claim's published verdicts of ours, oldest first."""
    return [r for r in claim.reviews if r.status is ReviewStatus.PUBLISHED and is_own(r)]


def corrections(claim: Claim) -> list[Correction]:
    """Return each correction of the claim's published verdict, newest first."""
    history = published_history(claim)
    found = [
        Correction(
            when=after.published_at,
            rating_before=before.rating,
            rating_after=after.rating,
            conclusion_before=before.conclusion,
            conclusion_after=after.conclusion,
            reason=after.correction_reason or "",
        )
        for before, after in pairwise(history)
    ]
    return found[::-1]
