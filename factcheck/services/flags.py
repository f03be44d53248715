"""Which statements to flag: the verdicts that matter, and the few unchecked claims most worth
checking (triage: a threshold and a cap per article, FLAG_UNCHECKED_* in config.py)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from factcheck.models import Claim, ClaimStatus, Review
from factcheck.verdicts import RATINGS

CHECKWORTHY = 0.5  # from this score a claim is worth checking (text/checkworthiness.py)
VERY_CHECKWORTHY = 0.75
FLAGGED_COLOURS = ("false", "mixed")  # false-type, then misleading-type verdicts
PINNED_STATUSES = (ClaimStatus.IN_REVIEW, ClaimStatus.CHECKED)


@dataclass(frozen=True, slots=True)
class Triage:
    """Which unchecked claims are flagged: at least THRESHOLD check-worthy, and of those only
    the CAP most check-worthy of each article (the rest are one click away)."""

    threshold: float = VERY_CHECKWORTHY
    cap: int = 5

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Triage:
        return cls(
            threshold=float(config["FLAG_UNCHECKED_THRESHOLD"]),
            cap=int(config["FLAG_UNCHECKED_CAP"]),
        )


def choose_flagged(
    entries: Iterable[tuple[Hashable, Hashable, int, float | None, bool]], triage: Triage
) -> set[Hashable]:
    """Return the keys to flag among ENTRIES (key, article, category, score, pinned): every
    verdict flag (category 0 or 1), every pinned unchecked claim (someone works on it or asked
    for its check) and, per article, the TRIAGE.cap highest-scored candidates (category 2)."""
    chosen: set[Hashable] = set()
    candidates: dict[Hashable, list[tuple[float, Hashable]]] = defaultdict(list)
    for key, article, category, score, pinned in entries:
        if category < 2 or pinned:
            chosen.add(key)
        elif category == 2:
            candidates[article].append((score or 0.0, key))
    for found in candidates.values():
        found.sort(key=lambda pair: -pair[0])
        chosen.update(key for _, key in found[: triage.cap])
    return chosen


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


def flag_category(
    rating: str | None, score: float | None, status: ClaimStatus, *, threshold: float = CHECKWORTHY
) -> int:
    """Return 0 for a false-type verdict, 1 misleading-type, 2 unchecked and at least THRESHOLD
    check-worthy (a candidate for the flags), 3 not flagged; RATING is the verdict that applies
    (None: not checked)."""
    if rating is not None:
        colour = RATINGS[rating].colour if rating in RATINGS else "unproven"
        return FLAGGED_COLOURS.index(colour) if colour in FLAGGED_COLOURS else 3
    if status is not ClaimStatus.DISMISSED and (score or 0.0) >= threshold:
        return 2
    return 3


def category(claim: Claim, triage: Triage = Triage()) -> int:
    """Return CLAIM's flag category (see flag_category) under TRIAGE's threshold."""
    verdict, _ = applying_verdict(claim)
    return flag_category(
        verdict.rating if verdict else None,
        claim.checkworthiness,
        claim.status,
        threshold=triage.threshold,
    )


def flagged_ids(claims: Sequence[Claim], triage: Triage = Triage()) -> set[int]:
    """Return the ids of CLAIMS to flag (of one or several articles) under TRIAGE."""
    return choose_flagged(
        ((c.id, c.article_id, category(c, triage), c.checkworthiness, pinned(c)) for c in claims),
        triage,
    )


def pinned(claim: Claim) -> bool:
    """True when CLAIM has no verdict yet and someone works on it (in review, checked) or
    asked for its check: it stays flagged whatever its score and the cap."""
    return is_pinned(
        applying_verdict(claim)[0] is not None, claim.status, claim.check_requested_at is not None
    )


def is_pinned(has_verdict: bool, status: ClaimStatus, requested: bool) -> bool:
    """The rule of `pinned` over plain values (the dashboard works on rows)."""
    return not has_verdict and (status in PINNED_STATUSES or requested)


def flag_rank(claim: Claim, triage: Triage = Triage()) -> tuple[int, float]:
    """Return a sort key: false-type verdicts, misleading-type, then unchecked by score."""
    found = category(claim, triage)
    return found, -(claim.checkworthiness or 0.0) if found == 2 else 0.0
