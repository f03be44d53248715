"""The audit trail: every state change adds one event, in the caller's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from factcheck.models import AuditEvent, User


def record(
    session: Session,
    actor: User | None,
    action: str,
    entity_type: str,
    entity_id: int,
    **details: Any,
) -> AuditEvent:
    """Add an audit event to SESSION (the caller commits)."""
    event = AuditEvent(
        actor=actor, action=action, entity_type=entity_type, entity_id=entity_id, details=details
    )
    session.add(event)
    return event


def history(session: Session, entity_type: str, entity_id: int) -> list[AuditEvent]:
    """Return the events of one entity, oldest first."""
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity_type == entity_type, AuditEvent.entity_id == entity_id)
            .order_by(AuditEvent.id)
        )
    )


def claim_history(session: Session, claim_id: int) -> list[AuditEvent]:
    """Return everything that happened to one claim, oldest first: its own events and the
    links other claims made to it (bulk imports and reindexing are left out)."""
    own = (AuditEvent.entity_type == "claim") & (AuditEvent.entity_id == claim_id)
    linked_here = AuditEvent.action.like("link.%") & (
        AuditEvent.details["other"].as_integer() == claim_id
    )
    return list(
        session.scalars(
            select(AuditEvent)
            .where(own | linked_here, AuditEvent.action.not_like("claims.%"))
            .order_by(AuditEvent.id)
        )
    )
