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


def is_flagged(claim: Claim) -> bool:
    """Return True for a false/misleading-type verdict or an unchecked check-worthy claim."""
    verdict, _ = applying_verdict(claim)
    if verdict is not None:
        return verdict_colour(verdict) in FLAGGED_COLOURS
    return (claim.status is not ClaimStatus.DISMISSED
            and (claim.checkworthiness or 0.0) >= CHECKWORTHY)


def flag_rank(claim: Claim) -> tuple[int, float]:
    """Return a sort key: false-type verdicts, misleading-type, then unchecked by score."""
    verdict, _ = applying_verdict(claim)
    if verdict is not None:
        colour = verdict_colour(verdict)
        order = FLAGGED_COLOURS.index(colour) if colour in FLAGGED_COLOURS else 3
        return order, 0.0
    return 2, -(claim.checkworthiness or 0.0)
