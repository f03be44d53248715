"""Typed links between a claim and stored claims: suggested by similarity, decided by checkers.

Above LINK_SUGGEST_THRESHOLD a link is proposed; above LINK_AUTO_THRESHOLD, with no near miss
and a verdict to carry, it is confirmed as "same" automatically. A confirmed same/paraphrase
link shows the other claim's verdict on this one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from factcheck.matching import Matcher
from factcheck.matching.nearmiss import differences
from factcheck.models import (VERDICT_RELATIONS, Claim, ClaimLink, LinkState, Relation, Role,
                              User, utcnow)
from factcheck.services import audit
from factcheck.services.errors import Conflict, Forbidden, InvalidInput
from factcheck.matching.dense import dense_retriever


@dataclass(frozen=True, slots=True)
class Thresholds:
    suggest: float = 0.65
    auto: float = 0.92

    @classmethod
    def from_config(cls, config: Mapping[str, object]) -> Thresholds:
        return cls(suggest=float(config["LINK_SUGGEST_THRESHOLD"]),
                   auto=float(config["LINK_AUTO_THRESHOLD"]))


def add_suggestions(session: Session, matcher: Matcher, claims: Sequence[Claim],
                    vectors: np.ndarray, *, thresholds: Thresholds, k: int = 5) -> list[ClaimLink]:
    """Add links from CLAIMS (flushed, with VECTORS) to similar stored claims; no commit.

    Runs inside the caller's transaction, so an article and its links are stored together.
    """
    if not claims:
        return []
    own = {c.id for c in claims}
    # Links are decided on cosine similarity, so the dense top-k holds every candidate above
    # the thresholds; BM25 could only add claims below them.
    found = dense_retriever(session, matcher).search(vectors, k, exclude=own)
    others = {c.id: c for c in session.scalars(select(Claim).where(
        Claim.id.in_({m.claim_id for matches in found for m in matches}))
        .options(selectinload(Claim.reviews)))}
    links = []
    for claim, matches in zip(claims, found):
        for match in matches:
            other = others.get(match.claim_id)
            if other is None or match.similarity < thresholds.suggest:
                continue
            near_miss = [str(d) for d in differences(claim.text, other.text,
                                                     periods=(claim.periods, other.periods))]
            automatic = (match.similarity >= thresholds.auto and not near_miss
                         and other.verdict is not None)
            link = ClaimLink(claim=claim, other=other, similarity=round(match.similarity, 4),
                             near_miss=near_miss, relation=Relation.SAME,
                             state=LinkState.CONFIRMED if automatic else LinkState.SUGGESTED,
                             decided_at=utcnow() if automatic else None)
            session.add(link)
            links.append(link)
    session.flush()
    for link in links:
        if link.state is LinkState.CONFIRMED:
            audit.record(session, None, "link.auto_confirmed", "claim", link.claim_id,
                         other=link.other_id, similarity=link.similarity)
    return links


MAX_REASON_CHARS = 500


def pair_similarity(claim: Claim, other: Claim) -> float | None:
    """Return the cosine of the two claims' stored vectors (None if one lacks a vector, or
    they come from different models and so cannot be compared)."""
    if (claim.embedding is None or other.embedding is None
            or claim.embedding_model != other.embedding_model):
        return None
    left = np.frombuffer(claim.embedding, dtype=np.float32)
    right = np.frombuffer(other.embedding, dtype=np.float32)
    norms = float(np.linalg.norm(left) * np.linalg.norm(right))
    if left.shape != right.shape or norms == 0.0:
        return None
    return round(float(left @ right) / norms, 4)


def decide_link(session: Session, claim: Claim, other: Claim, *, confirm: bool,
                relation: str, actor: User, thresholds: Thresholds = Thresholds(),
                reason: str = "", second_review: bool = False) -> ClaimLink:
    """Confirm (with RELATION) or reject the link from CLAIM to OTHER, creating it if needed;
    commit.

    A confirmed same/paraphrase link gives CLAIM the verdict of OTHER, so it needs the pair to
    be a candidate (similarity at or above the suggestion threshold) or a REASON written down;
    with SECOND_REVIEW it waits (SUBMITTED) for another checker's approval (approve_link).
    """
    if not actor.has_role(Role.CHECKER):
        raise Forbidden("Only fact-checkers can link claims.")
    if claim.id == other.id:
        raise InvalidInput("A claim cannot be linked to itself.")
    try:
        relation = Relation(relation)
    except ValueError as exc:
        raise InvalidInput(f"Unknown relation {relation!r}.") from exc
    reason = " ".join((reason or "").split())
    if len(reason) > MAX_REASON_CHARS:
        raise InvalidInput(f"The reason can have at most {MAX_REASON_CHARS} characters.")
    similarity = pair_similarity(claim, other)
    candidate = similarity is not None and similarity >= thresholds.suggest
    carries = confirm and relation in VERDICT_RELATIONS
    if carries and not candidate and not reason:
        shown = "unknown" if similarity is None else f"{similarity:.2f}"
        raise InvalidInput(
            f"Claim #{other.id} is not a candidate for claim #{claim.id} (similarity {shown}, "
            f"below the suggestion threshold {thresholds.suggest:.2f}), and a confirmed "
            f"'{relation.value}' link would give this claim its verdict. Write down why they "
            "make the same claim to link them.")
    link = session.scalar(select(ClaimLink).where(ClaimLink.claim_id == claim.id,
                                                  ClaimLink.other_id == other.id))
    if link is None:
        link = ClaimLink(claim=claim, other=other, similarity=similarity or 0.0,
                         near_miss=[str(d) for d in differences(
                             claim.text, other.text, periods=(claim.periods, other.periods))])
        session.add(link)
    elif similarity is not None:
        link.similarity = similarity
    before = link.state.value if link.state else None
    if not confirm:
        link.state, action = LinkState.REJECTED, "link.rejected"
    elif carries and second_review:
        link.state, action = LinkState.SUBMITTED, "link.submitted"
    else:
        link.state, action = LinkState.CONFIRMED, "link.confirmed"
    link.relation = relation
    link.reason = reason or None
    link.decided_by, link.decided_at = actor, utcnow()
    link.approved_by, link.approved_at = None, None
    session.flush()
    audit.record(session, actor, action, "claim", claim.id, other=other.id,
                 relation=relation.value, state_from=before, similarity=similarity,
                 candidate=candidate, reason=reason or None)
    session.commit()
    return link


def approve_link(session: Session, link: ClaimLink, *, approver: User, relation: str) -> ClaimLink:
    """Approve, as the second checker, a submitted link with the RELATION the approver read;
    the link then carries the verdict. Commit."""
    if not approver.has_role(Role.CHECKER):
        raise Forbidden("Only fact-checkers can link claims.")
    if link.state is not LinkState.SUBMITTED:
        raise Conflict("Only a link waiting for a second fact-checker can be approved.")
    if link.decided_by_id == approver.id:
        raise Forbidden("You proposed this link: another fact-checker has to approve it.")
    if link.relation.value != relation:
        raise Conflict("This link changed since you opened it: review again.")
    link.state = LinkState.CONFIRMED
    link.approved_by, link.approved_at = approver, utcnow()
    session.flush()
    audit.record(session, approver, "link.approved", "claim", link.claim_id,
                 other=link.other_id, relation=link.relation.value, similarity=link.similarity,
                 reason=link.reason,
                 proposed_by=link.decided_by.display_name if link.decided_by else None)
    session.commit()
    return link
