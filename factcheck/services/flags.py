"""Which statements to flag: the verdict that applies to a claim, or its check-worthiness."""

from __future__ import annotations

from factcheck.models import Claim, ClaimStatus, Review
from factcheck.verdicts import RATINGS

CHECKWORTHY = 0.5  # from this score a claim is worth checking (text/checkworthiness.py)
VERY_CHECKWORTHY = 0.75
FLAGGED_COLOURS = ("false", "mixed")  # false-type, then misleading-type verdicts


def applying_verdict(claim: Claim) -> tuple[Review | None, bool]:
    """Return (the claim's verdict, True if carried from a confirmed look-alike)."""
    own = claim.verdict
    if own is not None:
        return own, False
    carried = claim.carried_verdict
    return carried, carried is not None


def verdict_colour(review: Review) -> str:
    """Return the colour group of a verdict: true, mixed, false or unproven."""
    rating = RATINGS.get(review.rating)
    return rating.colour if rating else "unproven"


def flag_category(rating: str | None, score: float | None, status: ClaimStatus) -> int:
    """Return 0 for a false-type verdict, 1 misleading-type, 2 unchecked and check-worthy,
    3 not flagged; RATING is the verdict that applies (None: not checked)."""
    if rating is not None:
        colour = RATINGS[rating].colour if rating in RATINGS else "unproven"
        return FLAGGED_COLOURS.index(colour) if colour in FLAGGED_COLOURS else 3
    if status is not ClaimStatus.DISMISSED and (score or 0.0) >= CHECKWORTHY:
        return 2
    return 3


def _category(claim: Claim) -> int:
    verdict, _ = applying_verdict(claim)
    return flag_category(verdict.rating if verdict else None, claim.checkworthiness,
                         claim.status)


def is_flagged(claim: Claim) -> bool:
    """Return True for a false/misleading-type verdict or an unchecked check-worthy claim."""
    return _category(claim) < 3


def flag_rank(claim: Claim) -> tuple[int, float]:
    """Return a sort key: false-type verdicts, misleading-type, then unchecked by score."""
    category = _category(claim)
    return category, -(claim.checkworthiness or 0.0) if category == 2 else 0.0
