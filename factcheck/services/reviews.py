"""Verdicts and their workflow: draft, submit, (second checker's approval), publish, correct.

A claim has at most one working review (a draft, or one submitted and waiting for approval);
saving updates it. Once published a review never changes: a correction is a new review that
names the one it corrects and why, and both stay in the history. `_publish` is the one place
a verdict becomes public.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from factcheck.models import (
    Claim,
    ClaimStatus,
    Review,
    ReviewStatus,
    Role,
    Source,
    Stance,
    User,
    utcnow,
)
from factcheck.services import audit, reader_requests, webhooks
from factcheck.services.errors import Conflict, Forbidden, InvalidInput
from factcheck.services.transaction import transaction
from factcheck.verdicts import RATINGS

MAX_REASON_CHARS = 500
CONCLUSION_NEEDED = "A published verdict needs a one-line conclusion."
SOURCE_NEEDED = "A published verdict needs at least one source: give its address (https://…)."
REASON_NEEDED = "This corrects a published verdict: say what was wrong with it."
CHANGED = "This verdict changed since you opened it: review again."
SAVED_MEANWHILE = (
    "Someone else saved this verdict while you were editing it: reload the page "
    "and review again; nothing was saved."
)


@dataclass(frozen=True, slots=True)
class SourceInput:
    url: str
    title: str = ""
    publisher: str = ""
    quote: str = ""
    stance: str = "context"


def working_review(claim: Claim) -> Review | None:
    """Return the claim's review in progress (draft or submitted), if any."""
    for review in reversed(claim.reviews):
        if review.status is not ReviewStatus.PUBLISHED:
            return review
    return None


def _require_checker(user: User) -> None:
    if not user.has_role(Role.CHECKER):
        raise Forbidden("Only fact-checkers can record verdicts.")


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def _sources(sources: Sequence[SourceInput]) -> list[Source]:
    try:
        return [
            Source(
                url=s.url.strip(),
                title=s.title.strip(),
                quote=s.quote.strip(),
                publisher=s.publisher.strip(),
                stance=Stance(s.stance),
            )
            for s in sources
        ]
    except ValueError as exc:
        raise InvalidInput("A source's stance must be supports, refutes or context.") from exc


def record_verdict(
    session: Session,
    claim: Claim,
    *,
    rating: str,
    reviewer: User,
    conclusion: str = "",
    explanation: str = "",
    sources: Sequence[SourceInput] = (),
    publish: bool = False,
    second_review: bool = False,
    correction_reason: str = "",
) -> Review:
    """Save REVIEWER's verdict on CLAIM and commit: a draft, or with PUBLISH the finished
    verdict, which is published at once or, with SECOND_REVIEW, waits for another checker."""
    _require_checker(reviewer)
    if claim.status is ClaimStatus.DISMISSED:
        raise Conflict("This claim was dismissed as not checkable; reopen it to record a verdict.")
    if rating not in RATINGS:
        raise InvalidInput(f"Unknown rating {rating!r}.")
    conclusion, correction_reason = _one_line(conclusion), _one_line(correction_reason)
    if len(correction_reason) > MAX_REASON_CHARS:
        raise InvalidInput(
            f"The reason can have at most {MAX_REASON_CHARS} characters.", field="correction_reason"
        )
    review = working_review(claim)
    corrects = claim.verdict
    if publish:
        if not conclusion:
            raise InvalidInput(CONCLUSION_NEEDED, field="conclusion")
        if not sources:
            raise InvalidInput(SOURCE_NEEDED, field="sources-0-url")
        if corrects is not None and not correction_reason:
            raise InvalidInput(REASON_NEEDED, field="correction_reason")
    new_sources = _sources(sources)
    try:
        with transaction(session):
            if review is None:
                review = Review(claim=claim, correction_of=corrects)
                session.add(review)
            else:
                review.version += 1  # what a second checker read before this save is no longer it
            review.reviewer, review.rating, review.conclusion = reviewer, rating, conclusion
            review.explanation = explanation.strip()
            review.correction_reason = correction_reason or None
            review.sources = new_sources
            old_status = claim.status
            if claim.assignee is None:
                claim.assignee = reviewer
            if not publish:
                review.status, review.submitted_at = ReviewStatus.DRAFT, None
                if corrects is None:
                    claim.status = ClaimStatus.IN_REVIEW
                action = "review.drafted"
            elif second_review:
                review.status, review.submitted_at = ReviewStatus.SUBMITTED, utcnow()
                if corrects is None:
                    claim.status = ClaimStatus.CHECKED
                action = "review.submitted"
            else:
                review.submitted_at = utcnow()
                action = None
            session.flush()
            if action is None:
                _publish(session, review, actor=reviewer, status_from=old_status)
            else:
                audit.record(
                    session,
                    reviewer,
                    action,
                    "claim",
                    claim.id,
                    review_id=review.id,
                    version=review.version,
                    rating=rating,
                    conclusion=conclusion,
                    sources=_summary(review),
                    status_from=old_status.value,
                    status_to=claim.status.value,
                    correction_reason=correction_reason or None,
                )
    except StaleDataError:
        raise Conflict(SAVED_MEANWHILE) from None
    if review.status is ReviewStatus.PUBLISHED:
        webhooks.enqueue_review(session, review)
        reader_requests.verdict_published(session, claim)
    return review


def approve_review(session: Session, review: Review, *, approver: User, version: int) -> Review:
    """Sign off VERSION of a submitted verdict as the second checker, which publishes it;
    commit. A verdict saved again since the approver read it is refused (Conflict)."""
    _require_checker(approver)
    if review.status is not ReviewStatus.SUBMITTED:
        raise Conflict("Only a verdict submitted for approval can be approved.")
    if review.reviewer_id == approver.id:
        raise Forbidden("You wrote this verdict: another fact-checker has to approve it.")
    if review.version != version:
        raise Conflict(CHANGED)
    review.approved_by, review.approved_at = approver, utcnow()
    try:
        with transaction(session):
            # The UPDATE matches only the version read: a save that lands between the check above
            # and this commit makes it match nothing (StaleDataError) instead of publishing it.
            _publish(session, review, actor=approver, status_from=review.claim.status)
    except StaleDataError:
        raise Conflict(CHANGED) from None
    webhooks.enqueue_review(session, review)
    reader_requests.verdict_published(session, review.claim)
    return review


def return_review(session: Session, review: Review, *, actor: User, reason: str) -> Review:
    """Send a submitted verdict back to its author as a draft, saying why; commit."""
    with transaction(session):
        _require_checker(actor)
        reason = _one_line(reason)
        if not reason:
            raise InvalidInput("Say what the author should change.")
        if len(reason) > MAX_REASON_CHARS:
            raise InvalidInput(f"The reason can have at most {MAX_REASON_CHARS} characters.")
        if review.status is not ReviewStatus.SUBMITTED:
            raise Conflict("Only a verdict submitted for approval can be sent back.")
        claim = review.claim
        old_status = claim.status
        review.status, review.submitted_at = ReviewStatus.DRAFT, None
        review.version += 1
        if claim.verdict is None:
            claim.status = ClaimStatus.IN_REVIEW
        audit.record(
            session,
            actor,
            "review.returned",
            "claim",
            claim.id,
            review_id=review.id,
            reason=reason,
            author=review.reviewer.display_name if review.reviewer else None,
            status_from=old_status.value,
            status_to=claim.status.value,
        )
    return review


def _publish(session: Session, review: Review, *, actor: User, status_from: ClaimStatus) -> None:
    """Make REVIEW the claim's verdict (the single publish point; the caller commits)."""
    claim = review.claim
    review.status, review.published_at = ReviewStatus.PUBLISHED, utcnow()
    claim.status = ClaimStatus.PUBLISHED
    session.flush()
    audit.record(
        session,
        actor,
        "review.published",
        "claim",
        claim.id,
        review_id=review.id,
        version=review.version,
        rating=review.rating,
        conclusion=review.conclusion,
        sources=_summary(review),
        author=review.reviewer.display_name if review.reviewer else None,
        approved_by=review.approved_by.display_name if review.approved_by else None,
        corrects=review.correction_of_id,
        correction_reason=review.correction_reason,
        status_from=status_from.value,
        status_to=claim.status.value,
    )


def _summary(review: Review) -> list[str]:
    return [f"{s.stance.value}: {s.url}" for s in review.sources]
