"""The review queue: how claims are ranked and filtered, assignment, and requests for a check.

A claim's priority is the sum of
  - its check-worthiness (0..1),
  - RECENT_BOOST when its article appeared in the last RECENT_DAYS days (half of it within
    FRESH_DAYS .. RECENT_DAYS), so today's news comes before last year's,
  - SPREAD_BOOST for every other article that makes the same claim (a confirmed same or
    paraphrase link), up to SPREAD_CAP articles: a claim that travels matters more,
  - REPEAT_BOOST for every outlet beyond the first that carried it in the last day
    (services/repeats.py: suggested links count too), up to REPEAT_CAP: a claim many
    sources repeat today rises now, before anyone has confirmed the links,
  - REQUEST_BOOST when someone asked for it to be checked, which puts requests first,
  - READER_BOOST for every reader who sent it in (/ask), up to READER_CAP readers: a claim
    many readers ask about comes first among requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import ColumnElement, Select, Subquery, case, func, literal, or_, select, union_all
from sqlalchemy.orm import Session, aliased, selectinload, with_expression

from factcheck.models import (
    VERDICT_RELATIONS,
    Article,
    Claim,
    ClaimLink,
    ClaimStatus,
    LinkState,
    Origin,
    ReaderRequest,
    Role,
    User,
    utcnow,
)
from factcheck.services import audit
from factcheck.services.errors import Conflict, Forbidden, InvalidInput
from factcheck.services.repeats import RANKING_WINDOW, repeats_subquery
from factcheck.services.transaction import transaction
from factcheck.text.language import normalise_code

FRESH_DAYS = 3
RECENT_DAYS = 30
RECENT_BOOST = 0.3
SPREAD_BOOST = 0.15
SPREAD_CAP = 4
REQUEST_BOOST = 1.0
REPEAT_BOOST = 0.1
REPEAT_CAP = 6
READER_BOOST = 0.1
READER_CAP = 20

# "open": what still needs a checker (the queue's default view).
OPEN_STATUSES = (ClaimStatus.NEW, ClaimStatus.IN_REVIEW, ClaimStatus.CHECKED)


@dataclass(frozen=True, slots=True)
class QueueFilters:
    """What the queue shows. status: a ClaimStatus value, "open" or "all"; assignee: "me",
    "nobody", a user id as text, or "" for anyone."""

    status: str = "open"
    assignee: str = ""
    article_id: int | None = None
    outlet: str = ""
    kind: str = ""
    language: str = ""  # an ISO 639-1 code, or "" for any
    hide_demo: bool = False  # services.demo.demo_hidden


def _spread_subquery() -> Subquery:
    """Per claim id, how many other articles make a claim confirmed as the same as (or a
    paraphrase of) it: computed once for every claim, then joined."""
    this, other = aliased(Claim), aliased(Claim)
    confirmed = (ClaimLink.state == LinkState.CONFIRMED, ClaimLink.relation.in_(VERDICT_RELATIONS))
    # A link counts for both of its claims, so read it from either end.
    ends = [
        select(this.id.label("claim_id"), other.article_id.label("article_id"))
        .join(ClaimLink, this_end == this.id)
        .join(other, other_end == other.id)
        .where(
            *confirmed,
            other.article_id.is_not(None),
            or_(this.article_id.is_(None), other.article_id != this.article_id),
        )
        for this_end, other_end in (
            (ClaimLink.claim_id, ClaimLink.other_id),
            (ClaimLink.other_id, ClaimLink.claim_id),
        )
    ]
    places = union_all(*ends).subquery()
    return (
        select(places.c.claim_id, func.count(places.c.article_id.distinct()).label("n"))
        .group_by(places.c.claim_id)
        .subquery("spread")
    )


def readers_subquery(now: datetime) -> Subquery:
    """Per claim id, the readers who asked about it: in all (n), since midnight UTC (today)
    and in the last 7 days (week)."""
    created = ReaderRequest.created_at
    today = datetime.combine(now.astimezone(UTC).date(), time(), tzinfo=UTC)
    return (
        select(
            ReaderRequest.claim_id,
            func.count().label("n"),
            func.count().filter(created >= today).label("today"),
            func.count().filter(created >= now - timedelta(days=7)).label("week"),
        )
        .group_by(ReaderRequest.claim_id)
        .subquery("readers")
    )


def _ranking(
    now: datetime, spread_rows: Subquery, reader_rows: Subquery, repeat_rows: Subquery
) -> tuple[ColumnElement, ...]:
    """SQL for (priority, recency, spread, readers, repeats) over a select of Claim joined
    with its Article, SPREAD_ROWS, READER_ROWS and REPEAT_ROWS (see the module docstring)."""
    appeared = func.coalesce(Article.published_at, Claim.created_at)
    recency = case(
        (appeared >= now - timedelta(days=FRESH_DAYS), literal(RECENT_BOOST)),
        (appeared >= now - timedelta(days=RECENT_DAYS), literal(RECENT_BOOST / 2)),
        else_=literal(0.0),
    )
    spread = func.coalesce(spread_rows.c.n, 0)
    capped = case((spread > SPREAD_CAP, literal(SPREAD_CAP)), else_=spread)
    readers = func.coalesce(reader_rows.c.n, 0)
    asked = case((readers > READER_CAP, literal(READER_CAP)), else_=readers)
    requested = case(
        (or_(Claim.check_requested_at.is_not(None), readers > 0), literal(REQUEST_BOOST)),
        else_=literal(0.0),
    )
    repeats = func.coalesce(repeat_rows.c.n, 0)
    extra_outlets = case(
        (repeats > REPEAT_CAP + 1, literal(REPEAT_CAP)),
        (repeats > 1, repeats - 1),
        else_=literal(0),
    )
    priority = (
        func.coalesce(Claim.checkworthiness, 0.0)
        + recency
        + capped * SPREAD_BOOST
        + extra_outlets * REPEAT_BOOST
        + requested
        + asked * READER_BOOST
    )
    return priority, recency, spread, readers, repeats


def queue_select(filters: QueueFilters, *, user: User, now: datetime | None = None) -> Select:
    """Return the ranked, filtered queue as a select of claims; each claim carries its
    `queue_priority`, `recency` boost, `spread` (other articles making the same claim) and
    `readers` who asked about it (`readers_today`, `readers_week`) and `repeats` (outlets
    carrying it in the last day)."""
    now = now or utcnow()
    spread_rows, reader_rows = _spread_subquery(), readers_subquery(now)
    repeat_rows = repeats_subquery(now - RANKING_WINDOW)
    priority, recency, spread, readers, repeats = _ranking(
        now, spread_rows, reader_rows, repeat_rows
    )
    query = (
        select(Claim)
        .outerjoin(Article, Article.id == Claim.article_id)
        .outerjoin(spread_rows, spread_rows.c.claim_id == Claim.id)
        .outerjoin(reader_rows, reader_rows.c.claim_id == Claim.id)
        .outerjoin(repeat_rows, repeat_rows.c.claim_id == Claim.id)
        .where(Claim.origin != Origin.IMPORT)
    )
    if filters.status == "open":  # a claim a revision of its article dropped is not work
        query = query.where(Claim.status.in_(OPEN_STATUSES), Claim.stale_since_revision.is_(None))
    elif filters.status != "all":
        try:
            query = query.where(Claim.status == ClaimStatus(filters.status))
        except ValueError as exc:
            raise InvalidInput(f"Unknown status {filters.status!r}.") from exc
    if filters.assignee == "me":
        query = query.where(Claim.assignee_id == user.id)
    elif filters.assignee == "nobody":
        query = query.where(Claim.assignee_id.is_(None))
    elif filters.assignee:
        if not filters.assignee.isdigit() or len(filters.assignee) > 18:
            raise InvalidInput(f"Unknown assignee {filters.assignee[:40]!r}.")
        query = query.where(Claim.assignee_id == int(filters.assignee))
    if filters.hide_demo:
        query = query.where(Claim.is_demo.is_(False))
    if filters.article_id is not None:
        query = query.where(Claim.article_id == filters.article_id)
    if filters.outlet:
        query = query.where(Article.outlet == filters.outlet)
    if filters.kind:
        query = query.where(Claim.kind == filters.kind)
    if filters.language:
        try:
            code = normalise_code(filters.language)
        except ValueError as exc:
            raise InvalidInput(str(exc)) from exc
        query = query.where(Claim.language == code)
    return query.order_by(priority.desc(), Claim.id.desc()).options(
        with_expression(Claim.queue_priority, priority),
        with_expression(Claim.spread, spread),
        with_expression(Claim.recency, recency),
        with_expression(Claim.repeats, repeats),
        with_expression(Claim.readers, readers),
        with_expression(Claim.readers_today, func.coalesce(reader_rows.c.today, 0)),
        with_expression(Claim.readers_week, func.coalesce(reader_rows.c.week, 0)),
        selectinload(Claim.article),
        selectinload(Claim.assignee),
        selectinload(Claim.check_requested_by),
        selectinload(Claim.reviews),
    )


def filter_choices(session: Session) -> dict[str, list]:
    """Return the values the queue's filters offer: outlets, kinds, languages and checkers."""
    outlets = session.scalars(
        select(Article.outlet)
        .where(Article.outlet.is_not(None))
        .distinct()
        .order_by(Article.outlet)
    ).all()
    kinds = session.scalars(
        select(Claim.kind).where(Claim.kind.is_not(None)).distinct().order_by(Claim.kind)
    ).all()
    languages = session.scalars(
        select(Claim.language)
        .where(Claim.origin != Origin.IMPORT)
        .distinct()
        .order_by(Claim.language)
    ).all()
    checkers = session.scalars(
        select(User)
        .where(User.active.is_(True), User.role.in_([Role.CHECKER, Role.ADMIN]))
        .order_by(User.name, User.email)
    ).all()
    return {
        "outlets": list(outlets),
        "kinds": list(kinds),
        "languages": list(languages),
        "checkers": list(checkers),
    }


def _require_checker(user: User) -> None:
    if not user.has_role(Role.CHECKER):
        raise Forbidden("Only fact-checkers can take claims from the queue.")


def assign(session: Session, claim: Claim, *, assignee: User | None, actor: User) -> Claim:
    """Give CLAIM to ASSIGNEE (None: to nobody) and commit. A new claim someone takes is in
    review; a claim given back before any draft is new again."""
    with transaction(session):
        _require_checker(actor)
        if assignee is not None and not assignee.has_role(Role.CHECKER):
            raise InvalidInput(f"{assignee.display_name} is not a fact-checker.")
        if claim.status in (ClaimStatus.PUBLISHED, ClaimStatus.DISMISSED) and assignee is not None:
            raise Conflict(f"Claim {claim.id} is {claim.status.value}: there is nothing to assign.")
        if claim.assignee_id == (assignee.id if assignee else None):
            return claim
        before, old_status = claim.assignee, claim.status
        claim.assignee = assignee
        if assignee is not None and claim.status is ClaimStatus.NEW:
            claim.status = ClaimStatus.IN_REVIEW
        elif assignee is None and claim.status is ClaimStatus.IN_REVIEW and not claim.reviews:
            claim.status = ClaimStatus.NEW
        audit.record(
            session,
            actor,
            "claim.assigned" if assignee else "claim.unassigned",
            "claim",
            claim.id,
            assignee=assignee.display_name if assignee else None,
            previous=before.display_name if before else None,
            status_from=old_status.value,
            status_to=claim.status.value,
        )
    return claim


def request_check(session: Session, claim: Claim, user: User) -> Claim:
    """Ask for CLAIM to be checked (it moves up the queue) and commit; asking twice is harmless."""
    with transaction(session):
        if not user.is_active:
            raise Forbidden("This account is deactivated.")
        if claim.status is ClaimStatus.PUBLISHED:
            raise Conflict(f"Claim {claim.id} already has a published verdict.")
        if claim.status is ClaimStatus.DISMISSED:
            reason = f" ({claim.dismissal_reason})" if claim.dismissal_reason else ""
            raise Conflict(f"Claim {claim.id} was dismissed as not checkable{reason}.")
        if claim.check_requested_at is not None:
            return claim
        claim.check_requested_at = utcnow()
        claim.check_requested_by = user
        audit.record(session, user, "claim.check_requested", "claim", claim.id)
    return claim
