"""Cut an article body into plain and highlighted pieces for the article page."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from factcheck.models import Claim
from factcheck.verdicts import RATINGS


@dataclass(frozen=True, slots=True)
class Piece:
    text: str
    claim: Claim | None = None


def highlight_pieces(body: str, claims: Sequence[Claim]) -> list[Piece]:
    """Return BODY as consecutive pieces, each claim's span its own piece (overlaps skipped)."""
    pieces: list[Piece] = []
    pos = 0
    spans = sorted((c for c in claims if c.start is not None and c.end is not None),
                   key=lambda c: (c.start, -c.end))
    for claim in spans:
        if claim.start < pos or claim.end > len(body):
            continue
        if claim.start > pos:
            pieces.append(Piece(body[pos:claim.start]))
        pieces.append(Piece(body[claim.start:claim.end], claim))
        pos = claim.end
    if pos < len(body):
        pieces.append(Piece(body[pos:]))
    return pieces


def claim_css_class(claim: Claim) -> str:
    """Return the highlight class: the verdict's colour when checked, else the status."""
    verdict = claim.verdict
    if verdict is not None:
        rating = RATINGS.get(verdict.rating)
        return f"hl-{rating.colour}" if rating else "hl-unproven"
    return f"hl-status-{claim.status.value}"
