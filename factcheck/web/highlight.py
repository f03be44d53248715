"""Cut an article body into plain and highlighted pieces for the article page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from factcheck.models import Claim, ClaimStatus
from factcheck.verdicts import RATINGS

# Worst first: when claims share words, the highlight shows the most urgent state.
_URGENCY = ["hl-false", "hl-mixed", "hl-unproven", "hl-status-new", "hl-status-in_review",
            "hl-status-checked", "hl-true", "hl-status-published", "hl-low",
            "hl-status-dismissed"]


@dataclass(frozen=True, slots=True)
class Piece:
    text: str
    claims: tuple[Claim, ...] = ()
    anchors: tuple[int, ...] = ()  # claims whose first appearance is this piece


def claim_spans(claim: Claim) -> list[tuple[int, int]]:
    """Return every span of CLAIM in its article."""
    if claim.spans:
        return [(start, end) for start, end in claim.spans]
    return [(claim.start, claim.end)] if claim.start is not None else []


def highlight_pieces(body: str, claims: Sequence[Claim]) -> list[Piece]:
    """Return BODY as consecutive pieces; overlapping claim spans form one highlighted piece."""
    spans = sorted(((start, end, claim) for claim in claims for start, end in claim_spans(claim)
                    if 0 <= start < end <= len(body)), key=lambda span: span[:2])
    groups: list[tuple[int, int, list[Claim]]] = []
    for start, end, claim in spans:
        if groups and start < groups[-1][1]:
            group_start, group_end, members = groups[-1]
            groups[-1] = (group_start, max(group_end, end), members + [claim])
        else:
            groups.append((start, end, [claim]))
    pieces: list[Piece] = []
    pos = 0
    anchored: set[int] = set()
    for start, end, members in groups:
        if start > pos:
            pieces.append(Piece(body[pos:start]))
        unique = tuple(dict.fromkeys(members))
        anchors = tuple(c.id for c in unique if c.id not in anchored)
        anchored.update(anchors)
        pieces.append(Piece(body[start:end], unique, anchors))
        pos = end
    if pos < len(body):
        pieces.append(Piece(body[pos:]))
    return pieces


def claim_css_class(claim: Claim) -> str:
    """Return the highlight class: the verdict's colour, else the status and check-worthiness."""
    verdict = claim.verdict or claim.carried_verdict
    if verdict is not None:
        rating = RATINGS.get(verdict.rating)
        return f"hl-{rating.colour}" if rating else "hl-unproven"
    if claim.status is ClaimStatus.NEW and (claim.checkworthiness or 0) < 0.5:
        return "hl-low"  # extracted, but scored not worth checking
    return f"hl-status-{claim.status.value}"


def piece_css_class(piece: Piece) -> str:
    """Return the class of a highlighted piece: its most urgent claim's."""
    classes = [claim_css_class(claim) for claim in piece.claims]
    return min(classes, key=lambda c: _URGENCY.index(c) if c in _URGENCY else len(_URGENCY))
