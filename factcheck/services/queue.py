"""The review queue: requests for a check, assignment, and the ranking checkers work through."""

from __future__ import annotations

from sqlalchemy.orm import Session

from factcheck.models import Claim, ClaimStatus, User, utcnow
from factcheck.services import audit
from factcheck.services.errors import Conflict, Forbidden


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
