"""Verdict conflicts: claims confirmed as the same (or a paraphrase) that carry different verdicts.

Two claims a checker (or the auto-linker) said are the same claim should not be rated
differently; when they are, both claim pages warn and the dashboard lists the pair.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import Session, selectinload

from factcheck.models import VERDICT_RELATIONS, Claim, ClaimLink, LinkState, Review, ReviewStatus


@dataclass(frozen=True, slots=True)
class VerdictConflict:
    """CLAIM and OTHER are linked as the same claim but their published verdicts differ."""

    claim: Claim
    other: Claim
    link: ClaimLink

    @property
    def verdict(self) -> Review:
        return self.claim.verdict  # type: ignore[return-value]

    @property
    def other_verdict(self) -> Review:
        return self.other.verdict  # type: ignore[return-value]


def _has_published(claim_id: object) -> object:
    return exists().where(Review.claim_id == claim_id, Review.status == ReviewStatus.PUBLISHED)


def _candidate_links(*conditions: object) -> Select:
    """Confirmed same/paraphrase links whose two claims both have a published verdict."""
    return (
        select(ClaimLink)
        .where(
            ClaimLink.state == LinkState.CONFIRMED,
            ClaimLink.relation.in_(VERDICT_RELATIONS),
            _has_published(ClaimLink.claim_id),
            _has_published(ClaimLink.other_id),
            *conditions,
        )
        .options(
            selectinload(ClaimLink.claim).selectinload(Claim.reviews),
            selectinload(ClaimLink.other).selectinload(Claim.reviews),
        )
        .order_by(ClaimLink.id)
    )


def _differs(link: ClaimLink) -> bool:
    mine, theirs = link.claim.verdict, link.other.verdict
    return mine is not None and theirs is not None and mine.rating != theirs.rating


def conflicts(session: Session) -> list[VerdictConflict]:
    """Return every pair of same/paraphrase claims whose published verdicts differ, once each."""
    seen: set[frozenset[int]] = set()
    found = []
    for link in session.scalars(_candidate_links()):
        pair = frozenset((link.claim_id, link.other_id))
        if pair in seen or not _differs(link):
            continue
        seen.add(pair)
        found.append(VerdictConflict(claim=link.claim, other=link.other, link=link))
    return found


def conflicts_for(session: Session, claim: Claim) -> list[VerdictConflict]:
    """Return the conflicts CLAIM is part of, seen from CLAIM (it is always `.claim`)."""
    if claim.verdict is None:
        return []
    found: dict[int, VerdictConflict] = {}
    links = session.scalars(
        _candidate_links(or_(ClaimLink.claim_id == claim.id, ClaimLink.other_id == claim.id))
    )
    for link in links:
        if not _differs(link):
            continue
        other = link.other if link.claim_id == claim.id else link.claim
        found.setdefault(other.id, VerdictConflict(claim=claim, other=other, link=link))
    return list(found.values())
