"""The review queue: how claims are ranked and filtered, assignment, and requests for a check.

A claim's priority is the sum of
  - its check-worthiness (0..1),
  - RECENT_BOOST when its article appeared in the last RECENT_DAYS days (half of it within
    FRESH_DAYS .. RECENT_DAYS), so today's news comes before last year's,
  - SPREAD_BOOST for every other article that makes the same claim (a confirmed same or
    paraphrase link), up to SPREAD_CAP articles: a claim that travels matters more,
  - REQUEST_BOOST when someone asked for it to be checked, which puts requests first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import (ColumnElement, Select, Subquery, case, func, literal, or_, select,
                        union_all)
from sqlalchemy.orm import Session, aliased, selectinload, with_expression

from factcheck.models import (VERDICT_RELATIONS, Article, Claim, ClaimLink, ClaimStatus,
                              LinkState, Origin, Role, User, utcnow)
from factcheck.services import audit
from factcheck.services.errors import Conflict, Forbidden, InvalidInput

FRESH_DAYS = 3
RECENT_DAYS = 30
RECENT_BOOST = 0.3
SPREAD_BOOST = 0.15
SPREAD_CAP = 4
REQUEST_BOOST = 1.0

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


def _spread_subquery() -> Subquery:
    """Per claim id, how many other articles make a claim confirmed as the same as (or a
    paraphrase of) it: computed once for every claim, then joined."""
    this, other = aliased(Claim), aliased(Claim)
    confirmed = (ClaimLink.state == LinkState.CONFIRMED,
                 ClaimLink.relation.in_(VERDICT_RELATIONS))
    # A link counts for both of its claims, so read it from either end.
    ends = [select(this.id.label("claim_id"), other.article_id.label("article_id"))
            .join(ClaimLink, this_end == this.id).join(other, other_end == other.id)
            .where(*confirmed, other.article_id.is_not(None),
                   or_(this.article_id.is_(None), other.article_id != this.article_id))
            for this_end, other_end in ((ClaimLink.claim_id, ClaimLink.other_id),
                                        (ClaimLink.other_id, ClaimLink.claim_id))]
    places = union_all(*ends).subquery()
    return (select(places.c.claim_id, func.count(places.c.article_id.distinct()).label("n"))
            .group_by(places.c.claim_id).subquery("spread"))


def _ranking(now: datetime, spread_rows: Subquery) -> tuple[ColumnElement, ...]:
    """SQL for (priority, recency, spread) over a select of Claim joined with its Article and
    SPREAD_ROWS (see the module docstring)."""
    appeared = func.coalesce(Article.published_at, Claim.created_at)
    recency = case((appeared >= now - timedelta(days=FRESH_DAYS), literal(RECENT_BOOST)),
                   (appeared >= now - timedelta(days=RECENT_DAYS), literal(RECENT_BOOST / 2)),
                   else_=literal(0.0))
    spread = func.coalesce(spread_rows.c.n, 0)
    capped = case((spread > SPREAD_CAP, literal(SPREAD_CAP)), else_=spread)
    requested = case((Claim.check_requested_at.is_not(None), literal(REQUEST_BOOST)),
                     else_=literal(0.0))
    priority = (func.coalesce(Claim.checkworthiness, 0.0) + recency + capped * SPREAD_BOOST
                + requested)
    return priority, recency, spread


def queue_select(filters: QueueFilters, *, user: User, now: datetime | None = None) -> Select:
    """Return the ranked, filtered queue as a select of claims; each claim carries its
    `queue_priority`, `recency` boost and `spread` (other articles making the same claim)."""
    spread_rows = _spread_subquery()
    priority, recency, spread = _ranking(now or utcnow(), spread_rows)
    query = (select(Claim).outerjoin(Article, Article.id == Claim.article_id)
             .outerjoin(spread_rows, spread_rows.c.claim_id == Claim.id)
             .where(Claim.origin != Origin.IMPORT))
    if filters.status == "open":  # a claim a revision of its article dropped is not work
        query = query.where(Claim.status.in_(OPEN_STATUSES),
                            Claim.stale_since_revision.is_(None))
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
    if filters.article_id is not None:
        query = query.where(Claim.article_id == filters.article_id)
    if filters.outlet:
        query = query.where(Article.outlet == filters.outlet)
    if filters.kind:
        query = query.where(Claim.kind == filters.kind)
    return (query.order_by(priority.desc(), Claim.id.desc())
            .options(with_expression(Claim.queue_priority, priority),
                     with_expression(Claim.spread, spread),
                     with_expression(Claim.recency, recency),
                     selectinload(Claim.article), selectinload(Claim.assignee),
                     selectinload(Claim.check_requested_by), selectinload(Claim.reviews)))


def filter_choices(session: Session) -> dict[str, list]:
    """Return the values the queue's filters offer: outlets, kinds and checkers."""
    outlets = session.scalars(select(Article.outlet).where(Article.outlet.is_not(None))
                              .distinct().order_by(Article.outlet)).all()
    kinds = session.scalars(select(Claim.kind).where(Claim.kind.is_not(None))
                            .distinct().order_by(Claim.kind)).all()
    checkers = session.scalars(select(User).where(User.active.is_(True),
                                                  User.role.in_([Role.CHECKER, Role.ADMIN]))
                               .order_by(User.name, User.email)).all()
    return {"outlets": list(outlets), "kinds": list(kinds), "checkers": list(checkers)}


def _require_checker(user: User) -> None:
    if not user.has_role(Role.CHECKER):
        raise Forbidden("Only fact-checkers can take claims from the queue.")


def assign(session: Session, claim: Claim, *, assignee: User | None, actor: User) -> Claim:
    """Give CLAIM to ASSIGNEE (None: to nobody) and commit. A new claim someone takes is in
    review; a claim given back before any draft is new again."""
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
    audit.record(session, actor, "claim.assigned" if assignee else "claim.unassigned", "claim",
                 claim.id, assignee=assignee.display_name if assignee else None,
                 previous=before.display_name if before else None,
                 status_from=old_status.value, status_to=claim.status.value)
    session.commit()
    return claim


def request_check(session: Session, claim: Claim, user: User) -> Claim:
    """Ask for CLAIM to be checked (it moves up the queue) and commit; asking twice is harmless."""
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
    session.commit()
    return claim
