"""A checker's corrections to extracted claims: edit, split, merge, dismiss, reopen. Audited."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from factcheck.matching import Matcher
from factcheck.matching.dense import dense_retriever
from factcheck.matching.embedder import to_blob
from factcheck.models import Claim, ClaimStatus, Role, User, utcnow
from factcheck.services import audit
from factcheck.services.errors import Forbidden, InvalidInput
from factcheck.services.languages import embed_multilingual
from factcheck.services.transaction import transaction
from factcheck.text.checkworthiness import classify_kind, score_claims

MAX_CLAIM_CHARS = 2000


def _require_checker(actor: User) -> None:
    if not actor.has_role(Role.CHECKER):
        raise Forbidden("Only fact-checkers can change claims.")


def _require_unpublished(claim: Claim) -> None:
    # The published verdict is about these words; changing them would change what it judged.
    if claim.verdict is not None:
        raise InvalidInput(
            "This claim has a published verdict: its text can no longer change. "
            "Record a correction of the verdict instead."
        )


def _clean(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise InvalidInput("A claim cannot be empty.")
    if len(text) > MAX_CLAIM_CHARS:
        raise InvalidInput(f"A claim can have at most {MAX_CLAIM_CHARS} characters.")
    return text


def _refresh(claims: Sequence[Claim], matcher: Matcher) -> None:
    """Re-embed, re-score and re-classify CLAIMS after their text changed."""
    encoded = matcher.embedder.encode_layers([c.text for c in claims])
    scores = score_claims(encoded.layers, [c.text for c in claims])
    now = utcnow()
    for claim, vector, score in zip(claims, encoded.embeddings, scores, strict=True):
        claim.embedding = to_blob(vector)
        claim.embedding_model = matcher.embedder.name
        claim.embedded_at = now
        claim.checkworthiness = score
        claim.kind = classify_kind(claim.text)
    embed_multilingual(matcher, claims)


def _index(session: Session, matcher: Matcher) -> None:
    dense_retriever(session, matcher).catch_up()


def edit_claim(
    session: Session, matcher: Matcher, claim: Claim, *, text: str, actor: User
) -> Claim:
    """Replace the text of CLAIM (re-embedded and re-scored) and commit."""
    with transaction(session):
        _require_checker(actor)
        _require_unpublished(claim)
        text = _clean(text)
        if text == claim.text:
            return claim
        before = claim.text
        claim.text = text
        _refresh([claim], matcher)
        audit.record(session, actor, "claim.edited", "claim", claim.id, before=before, after=text)
    _index(session, matcher)
    return claim


def split_claim(
    session: Session, matcher: Matcher, claim: Claim, *, texts: Sequence[str], actor: User
) -> list[Claim]:
    """Split CLAIM into one claim per text (the first keeps the claim's id) and commit."""
    with transaction(session):
        _require_checker(actor)
        _require_unpublished(claim)
        texts = [_clean(t) for t in texts if t.strip()]
        if len(texts) < 2:
            raise InvalidInput("Give at least two claims to split into, one per line.")
        before = claim.text
        claim.text = texts[0]
        parts = [claim] + [
            Claim(
                text=text,
                article_id=claim.article_id,
                start=claim.start,
                end=claim.end,
                spans=list(claim.spans or []),
                sentence=claim.sentence,
                origin=claim.origin,
                claimant=claim.claimant,
                claim_date=claim.claim_date,
                language=claim.language,
            )
            for text in texts[1:]
        ]
        session.add_all(parts[1:])
        _refresh(parts, matcher)
        session.flush()
        audit.record(
            session,
            actor,
            "claim.split",
            "claim",
            claim.id,
            before=before,
            into=[{"id": p.id, "text": p.text} for p in parts],
        )
        for part in parts[1:]:
            audit.record(session, actor, "claim.split_from", "claim", part.id, source=claim.id)
    _index(session, matcher)
    return parts


def merge_claims(session: Session, keep: Claim, other: Claim, *, actor: User) -> Claim:
    """Merge OTHER into KEEP: KEEP gains OTHER's places in the text, OTHER is dismissed."""
    with transaction(session):
        _require_checker(actor)
        if keep.id == other.id:
            raise InvalidInput("A claim cannot be merged with itself.")
        if other.status is ClaimStatus.DISMISSED:
            raise InvalidInput(f"Claim {other.id} is dismissed already.")
        if other.article_id is not None and other.article_id == keep.article_id:
            spans = [list(s) for s in keep.spans or []]
            spans += [list(s) for s in other.spans or [] if list(s) not in spans]
            keep.spans = spans
        other.status = ClaimStatus.DISMISSED
        other.dismissal_reason = f"merged into claim {keep.id}"
        audit.record(
            session,
            actor,
            "claim.merged",
            "claim",
            keep.id,
            merged=other.id,
            merged_text=other.text,
        )
        audit.record(
            session,
            actor,
            "claim.dismissed",
            "claim",
            other.id,
            reason=f"merged into claim {keep.id}",
        )
    return keep


def dismiss_claim(session: Session, claim: Claim, *, reason: str, actor: User) -> Claim:
    """Mark CLAIM as not checkable, with the REASON, and commit."""
    with transaction(session):
        _require_checker(actor)
        reason = " ".join(reason.split())
        if not reason:
            raise InvalidInput("Say why the claim is not checkable.")
        if claim.status is ClaimStatus.PUBLISHED:
            raise InvalidInput("This claim has a published verdict; correct the verdict instead.")
        old = claim.status
        claim.status = ClaimStatus.DISMISSED
        claim.dismissal_reason = reason
        audit.record(
            session,
            actor,
            "claim.dismissed",
            "claim",
            claim.id,
            reason=reason,
            status_from=old.value,
        )
    return claim


def reopen_claim(session: Session, claim: Claim, *, actor: User) -> Claim:
    """Undo a dismissal: the claim goes back to the queue; commit."""
    with transaction(session):
        _require_checker(actor)
        if claim.status is not ClaimStatus.DISMISSED:
            raise InvalidInput("Only a dismissed claim can be reopened.")
        claim.status = ClaimStatus.IN_REVIEW if claim.reviews else ClaimStatus.NEW
        audit.record(
            session,
            actor,
            "claim.reopened",
            "claim",
            claim.id,
            dismissed_because=claim.dismissal_reason,
            status_to=claim.status.value,
        )
        claim.dismissal_reason = None
    return claim
