"""Record verdicts: a review with its sources, appended to the claim's history."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from factcheck.models import Claim, ClaimStatus, Review, ReviewStatus, Role, Source, Stance, User, utcnow
from factcheck.services import audit, webhooks
from factcheck.services.errors import Forbidden, InvalidInput
from factcheck.verdicts import RATINGS


@dataclass(frozen=True, slots=True)
class SourceInput:
    url: str
    title: str = ""
    publisher: str = ""
    quote: str = ""
    stance: str = "context"


def record_verdict(session: Session, claim: Claim, *, rating: str, reviewer: User,
                   conclusion: str = "", explanation: str = "",
                   sources: Sequence[SourceInput] = (), publish: bool = False) -> Review:
    """Append a review of CLAIM (a draft, or published when PUBLISH) and commit it."""
    if not reviewer.has_role(Role.CHECKER):
        raise Forbidden("Only fact-checkers can record verdicts.")
    if rating not in RATINGS:
        raise InvalidInput(f"Unknown rating {rating!r}.")
    conclusion = " ".join(conclusion.split())
    if publish and not conclusion:
        raise InvalidInput("A published verdict needs a one-line conclusion.")
    if publish and not sources:
        raise InvalidInput("A published verdict needs at least one source.")
    review = Review(claim=claim, reviewer=reviewer, rating=rating, conclusion=conclusion,
                    explanation=explanation.strip(),
                    status=ReviewStatus.PUBLISHED if publish else ReviewStatus.DRAFT,
                    published_at=utcnow() if publish else None)
    session.add(review)
    review.sources = [Source(url=s.url.strip(), title=s.title.strip(), quote=s.quote.strip(),
                             publisher=s.publisher.strip(), stance=Stance(s.stance))
                      for s in sources]
    old_status = claim.status
    # A draft correction of a published verdict leaves the claim published until it is done.
    if publish or claim.verdict is None:
        claim.status = ClaimStatus.PUBLISHED if publish else ClaimStatus.IN_REVIEW
    session.flush()
    audit.record(session, reviewer, "review.published" if publish else "review.drafted",
                 "claim", claim.id, review_id=review.id, rating=rating,
                 status_from=old_status.value, status_to=claim.status.value,
                 sources=len(review.sources))
    session.commit()
    if publish:
        webhooks.enqueue_review(session, review)
    return review
