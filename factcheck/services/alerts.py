"""Alerts on repeats: a newly ingested claim that matches a claim with a published verdict.

Raised at ingest (any way in: pasted, API, by URL, from a monitored feed) for every link to a
claim with a published verdict, whether confirmed automatically as the same claim or suggested
above the suggestion threshold; never across a near miss (a different number, date or name
makes it another claim). A checker confirms one (the link is confirmed as "same", so the
verdict is carried) or dismisses it. Each alert also goes to webhooks as claim.repeated.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from factcheck.models import (
    Alert,
    AlertState,
    Claim,
    ClaimLink,
    LinkState,
    Relation,
    Review,
    Role,
    User,
    utcnow,
    valid_id,
)
from factcheck.services import audit
from factcheck.services.errors import Conflict, Forbidden, NotFound
from factcheck.services.links import DEFAULT_THRESHOLDS, Thresholds, decide_link
from factcheck.services.transaction import transaction


def raise_for_links(session: Session, links: Sequence[ClaimLink]) -> list[Alert]:
    """Add an alert for each of LINKS that reaches a published verdict; no commit."""
    alerts = []
    for link in links:
        verdict = link.other.verdict
        if verdict is None or link.near_miss or link.state is LinkState.REJECTED:
            continue
        alert = Alert(
            claim=link.claim,
            other=link.other,
            link=link,
            review=verdict,
            similarity=link.similarity,
            automatic=link.state is LinkState.CONFIRMED,
        )
        session.add(alert)
        alerts.append(alert)
    if alerts:
        session.flush()
        for alert in alerts:
            audit.record(
                session,
                None,
                "alert.raised",
                "claim",
                alert.claim_id,
                alert=alert.id,
                other=alert.other_id,
                similarity=alert.similarity,
            )
    return alerts


def _loaded():
    claim = selectinload(Alert.claim)
    return (
        claim.selectinload(Claim.article),
        selectinload(Alert.review),
        selectinload(Alert.other).selectinload(Claim.reviews).selectinload(Review.sources),
        selectinload(Alert.link),
    )


def list_alerts(
    session: Session,
    *,
    state: AlertState | None = AlertState.OPEN,
    before_id: int | None = None,
    limit: int = 50,
    hide_demo: bool = False,
) -> list[Alert]:
    """Return alerts in STATE (all when None), newest first (with id < BEFORE_ID if given),
    without those raised by demo claims with HIDE_DEMO (services.demo.demo_hidden)."""
    query = select(Alert).options(*_loaded())
    if hide_demo:
        query = query.where(_not_demo())
    if before_id is not None:
        query = query.where(Alert.id < min(before_id, 2**31 - 1))
    if state is not None:
        query = query.where(Alert.state == state)
    return list(session.scalars(query.order_by(Alert.id.desc()).limit(limit)))


def open_count(session: Session, *, hide_demo: bool = False) -> int:
    """Return how many alerts are open (without the demo's with HIDE_DEMO)."""
    query = select(func.count(Alert.id)).where(Alert.state == AlertState.OPEN)
    return session.scalar(query.where(_not_demo()) if hide_demo else query)


def _not_demo():
    return Alert.claim_id.not_in(select(Claim.id).where(Claim.is_demo.is_(True)))


def get_alert(session: Session, alert_id: int) -> Alert:
    alert = session.get(Alert, alert_id, options=_loaded()) if valid_id(alert_id) else None
    if alert is None:
        raise NotFound(f"There is no alert with id {alert_id}.")
    return alert


def _decide(session: Session, alert_id: int, actor: User) -> Alert:
    if not actor.has_role(Role.CHECKER):
        raise Forbidden("Only fact-checkers can confirm or dismiss alerts.")
    alert = get_alert(session, alert_id)
    if alert.state is not AlertState.OPEN:
        raise Conflict(f"This alert was {alert.state.value} already.")
    alert.decided_by, alert.decided_at = actor, utcnow()
    return alert


def confirm(
    session: Session,
    alert_id: int,
    *,
    actor: User,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    second_review: bool = False,
) -> Alert:
    """Confirm the repeat: the link becomes a confirmed "same", carrying the verdict (with
    SECOND_REVIEW, submitted for another checker's approval, like any such link); commit."""
    alert = _decide(session, alert_id, actor)
    alert.state = AlertState.CONFIRMED
    audit.record(session, actor, "alert.confirmed", "claim", alert.claim_id, alert=alert.id)
    decide_link(
        session,
        alert.claim,
        alert.other,
        confirm=True,
        relation=Relation.SAME.value,
        actor=actor,
        thresholds=thresholds,
        second_review=second_review,
    )  # commits the alert with the link
    return alert


def dismiss(session: Session, alert_id: int, *, actor: User) -> Alert:
    """Dismiss the alert; a link only suggested is rejected with it; commit."""
    with transaction(session):  # the link's decision joins it
        alert = _decide(session, alert_id, actor)
        alert.state = AlertState.DISMISSED
        audit.record(session, actor, "alert.dismissed", "claim", alert.claim_id, alert=alert.id)
        if alert.link is not None and alert.link.state is LinkState.SUGGESTED:
            decide_link(
                session,
                alert.claim,
                alert.other,
                confirm=False,
                relation=alert.link.relation.value,
                actor=actor,
            )
    return alert
