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
from factcheck.models import Claim, ClaimLink, LinkState, Relation, Role, User, utcnow
from factcheck.services import audit
from factcheck.services.errors import Forbidden, InvalidInput
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


def decide_link(session: Session, claim: Claim, other: Claim, *, confirm: bool,
                relation: str, actor: User, similarity: float | None = None) -> ClaimLink:
    """Confirm (with RELATION) or reject the link from CLAIM to OTHER, creating it if needed."""
    if not actor.has_role(Role.CHECKER):
        raise Forbidden("Only fact-checkers can link claims.")
    if claim.id == other.id:
        raise InvalidInput("A claim cannot be linked to itself.")
    try:
        relation = Relation(relation)
    except ValueError as exc:
        raise InvalidInput(f"Unknown relation {relation!r}.") from exc
    link = session.scalar(select(ClaimLink).where(ClaimLink.claim_id == claim.id,
                                                  ClaimLink.other_id == other.id))
    if link is None:
        link = ClaimLink(claim=claim, other=other, similarity=similarity or 0.0,
                         near_miss=[str(d) for d in differences(
                             claim.text, other.text, periods=(claim.periods, other.periods))])
        session.add(link)
    before = link.state.value if link.state else None
    link.state = LinkState.CONFIRMED if confirm else LinkState.REJECTED
    link.relation = relation
    link.decided_by = actor
    link.decided_at = utcnow()
    session.flush()
    audit.record(session, actor, "link.confirmed" if confirm else "link.rejected", "claim",
                 claim.id, other=other.id, relation=relation.value, state_from=before)
    session.commit()
    return link
