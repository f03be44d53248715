"""Typed links between a claim and stored claims: suggested by similarity, decided by checkers.

Above LINK_SUGGEST_THRESHOLD a link is proposed; above LINK_AUTO_THRESHOLD, with no near miss
and a verdict to carry, it is confirmed as "same" automatically. A confirmed same/paraphrase
link shows the other claim's verdict on this one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from factcheck.matching import Matcher
from factcheck.matching.dense import dense_retriever
from factcheck.matching.index import Match
from factcheck.matching.matcher import ENGLISH, Thresholds, same_space
from factcheck.matching.nearmiss import differences
from factcheck.matching.search import stored_multilingual
from factcheck.models import (
    VERDICT_RELATIONS,
    Claim,
    ClaimLink,
    LinkState,
    Relation,
    Role,
    User,
    utcnow,
)
from factcheck.services import audit
from factcheck.services.errors import Conflict, Forbidden, InvalidInput
from factcheck.services.transaction import transaction

# For callers that have no app (the defaults of config.py); views pass the matcher's.
DEFAULT_THRESHOLDS = Thresholds()


def _found(
    session: Session,
    matcher: Matcher,
    claims: Sequence[Claim],
    vectors: np.ndarray,
    k: int,
    own: set[int],
) -> list[list[tuple[Match, str]]]:
    """Return each claim's K nearest stored claims (OWN left out) in every space it is
    compared in, with the space: English claims meet English claims in the dense space and the
    others in the multilingual one; claims in other languages meet every claim in the
    multilingual one."""
    found = [[] for _ in claims]
    english = [i for i, c in enumerate(claims) if c.language == ENGLISH]
    dense_rows = english if matcher.multilingual is not None else list(range(len(claims)))
    if dense_rows:
        dense = dense_retriever(session, matcher).search(vectors[dense_rows], k, exclude=own)
        for i, matches in zip(dense_rows, dense, strict=True):
            found[i] += [(m, "dense") for m in matches]
    if matcher.multilingual is not None:
        search = dense_retriever(session, matcher, "multilingual")
        multilingual = stored_multilingual(matcher, claims)
        for rows, partitions in ((english, ("other",)), (_others(claims), None)):
            if rows:
                results = search.search(multilingual[rows], k, exclude=own, partitions=partitions)
                for i, matches in zip(rows, results, strict=True):
                    found[i] += [(m, "multilingual") for m in matches]
    return found


def _others(claims: Sequence[Claim]) -> list[int]:
    return [i for i, c in enumerate(claims) if c.language != ENGLISH]


@dataclass(frozen=True, slots=True)
class Candidates:
    """What similar_stored found: each claim's nearest stored claims (with the space they were
    found in), and those claims loaded with their verdicts."""

    found: list[list[tuple[Match, str]]]
    others: dict[int, Claim]


def similar_stored(
    session: Session, matcher: Matcher, claims: Sequence[Claim], vectors: np.ndarray, *, k: int = 5
) -> Candidates:
    """Return the K stored claims nearest each of CLAIMS (with VECTORS; flushed or not yet)
    that add_suggestions decides on. Only reads: a caller that stores claims searches before
    its first write, so that other writers do not wait on the search (on SQLite the first
    write takes the database's one write lock until the commit)."""
    if not claims:
        return Candidates([], {})
    own = {c.id for c in claims if c.id is not None}
    if not any(c.is_demo for c in claims):
        # Real work is never linked to the invented demo (services.demo).
        own |= set(session.scalars(select(Claim.id).where(Claim.is_demo.is_(True))))
    # Links are decided on cosine similarity, so the dense top-k holds every candidate above
    # the thresholds; BM25 could only add claims below them.
    found = _found(session, matcher, claims, vectors, k, own)
    wanted = {m.claim_id for matches in found for m, _ in matches}
    others = (
        {
            c.id: c
            for c in session.scalars(
                select(Claim).where(Claim.id.in_(wanted)).options(selectinload(Claim.reviews))
            )
        }
        if wanted
        else {}
    )
    return Candidates(found, others)


def add_suggestions(
    session: Session,
    matcher: Matcher,
    claims: Sequence[Claim],
    vectors: np.ndarray,
    *,
    thresholds: Thresholds | None = None,
    k: int = 5,
    candidates: Candidates | None = None,
) -> list[ClaimLink]:
    """Add links from CLAIMS (flushed, with VECTORS) to similar stored claims; no commit.

    Runs inside the caller's transaction, so an article and its links are stored together.
    THRESHOLDS default to the app's (the matcher's, from LINK_*_THRESHOLD). CANDIDATES are
    similar_stored's for these claims when the caller searched before writing.
    """
    if not claims:
        return []
    thresholds = thresholds or matcher.thresholds
    candidates = candidates or similar_stored(session, matcher, claims, vectors, k=k)
    found, others = candidates.found, candidates.others
    links = []
    for claim, matches in zip(claims, found, strict=True):
        for match, space in matches:
            suggest, auto = thresholds.of(space)
            other = others.get(match.claim_id)
            if other is None or match.similarity < suggest:
                continue
            near_miss = [
                str(d)
                for d in differences(claim.text, other.text, periods=(claim.periods, other.periods))
            ]
            automatic = match.similarity >= auto and not near_miss and other.verdict is not None
            link = ClaimLink(
                claim=claim,
                other=other,
                similarity=round(match.similarity, 4),
                near_miss=near_miss,
                relation=Relation.SAME,
                state=LinkState.CONFIRMED if automatic else LinkState.SUGGESTED,
                decided_at=utcnow() if automatic else None,
            )
            session.add(link)
            links.append(link)
    session.flush()
    for link in links:
        if link.state is LinkState.CONFIRMED:
            audit.record(
                session,
                None,
                "link.auto_confirmed",
                "claim",
                link.claim_id,
                other=link.other_id,
                similarity=link.similarity,
            )
    return links


MAX_REASON_CHARS = 500


def pair_similarity(claim: Claim, other: Claim) -> float | None:
    """Return the cosine of the two claims' stored vectors in the space they are compared in
    (the multilingual one when either is not in English and both have a multilingual vector);
    None if one lacks a vector, or they come from different models and so cannot be compared."""
    if same_space(claim.language, other.language) == "multilingual" and (
        claim.multilingual_embedding is not None and other.multilingual_embedding is not None
    ):
        pairs = (
            (claim.multilingual_embedding, claim.multilingual_model),
            (other.multilingual_embedding, other.multilingual_model),
        )
    else:
        pairs = ((claim.embedding, claim.embedding_model), (other.embedding, other.embedding_model))
    (left_blob, left_model), (right_blob, right_model) = pairs
    if left_blob is None or right_blob is None or left_model != right_model:
        return None
    left = np.frombuffer(left_blob, dtype=np.float32)
    right = np.frombuffer(right_blob, dtype=np.float32)
    norms = float(np.linalg.norm(left) * np.linalg.norm(right))
    if left.shape != right.shape or norms == 0.0:
        return None
    return round(float(left @ right) / norms, 4)


def pair_space(claim: Claim, other: Claim) -> str:
    """Return the space pair_similarity compares CLAIM and OTHER in."""
    if same_space(claim.language, other.language) == "multilingual" and (
        claim.multilingual_embedding is not None and other.multilingual_embedding is not None
    ):
        return "multilingual"
    return "dense"


def decide_link(
    session: Session,
    claim: Claim,
    other: Claim,
    *,
    confirm: bool,
    relation: str,
    actor: User,
    thresholds: Thresholds = DEFAULT_THRESHOLDS,
    reason: str = "",
    second_review: bool = False,
) -> ClaimLink:
    """Confirm (with RELATION) or reject the link from CLAIM to OTHER, creating it if needed;
    commit.

    A confirmed same/paraphrase link gives CLAIM the verdict of OTHER, so it needs the pair to
    be a candidate (similarity at or above the suggestion threshold) or a REASON written down;
    with SECOND_REVIEW it waits (SUBMITTED) for another checker's approval (approve_link).
    """
    with transaction(session):
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
        suggest = thresholds.of(pair_space(claim, other))[0]
        candidate = similarity is not None and similarity >= suggest
        carries = confirm and relation in VERDICT_RELATIONS
        if carries and not candidate and not reason:
            shown = "unknown" if similarity is None else f"{similarity:.2f}"
            raise InvalidInput(
                f"Claim #{other.id} is not a candidate for claim #{claim.id} (similarity {shown}, "
                f"below the suggestion threshold {suggest:.2f}), and a confirmed "
                f"'{relation.value}' link would give this claim its verdict. Write down why they "
                "make the same claim to link them."
            )
        link = session.scalar(
            select(ClaimLink).where(ClaimLink.claim_id == claim.id, ClaimLink.other_id == other.id)
        )
        if link is None:
            link = ClaimLink(
                claim=claim,
                other=other,
                similarity=similarity or 0.0,
                near_miss=[
                    str(d)
                    for d in differences(
                        claim.text, other.text, periods=(claim.periods, other.periods)
                    )
                ],
            )
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
        audit.record(
            session,
            actor,
            action,
            "claim",
            claim.id,
            other=other.id,
            relation=relation.value,
            state_from=before,
            similarity=similarity,
            candidate=candidate,
            reason=reason or None,
        )
    _tell_readers(session, link)
    return link


def approve_link(session: Session, link: ClaimLink, *, approver: User, relation: str) -> ClaimLink:
    """Approve, as the second checker, a submitted link with the RELATION the approver read;
    the link then carries the verdict. Commit."""
    with transaction(session):
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
        audit.record(
            session,
            approver,
            "link.approved",
            "claim",
            link.claim_id,
            other=link.other_id,
            relation=link.relation.value,
            similarity=link.similarity,
            reason=link.reason,
            proposed_by=link.decided_by.display_name if link.decided_by else None,
        )
    _tell_readers(session, link)
    return link


def _tell_readers(session: Session, link: ClaimLink) -> None:
    """A confirmed link that carries a verdict answers the readers who asked about the claim."""
    from factcheck.services import reader_requests  # it builds on this module

    confirmed = link.state is LinkState.CONFIRMED and link.relation in VERDICT_RELATIONS
    if confirmed and link.other.verdict is not None:
        reader_requests.verdict_published(session, link.other)
