"""The verdict scale: rating keys, labels and their schema.org ClaimReview values."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rating:
    """One step of the verdict scale."""

    key: str
    label: str
    value: int | None  # ClaimReview ratingValue, 1 (worst) .. 5 (best); None: not on the scale
    colour: str  # CSS class suffix used by the highlight legend


SCALE: tuple[Rating, ...] = (
    Rating("true", "True", 5, "true"),
    Rating("mostly-true", "Mostly true", 4, "true"),
    Rating("half-true", "Half true", 3, "mixed"),
    Rating("misleading", "Misleading", 2, "mixed"),
    Rating("mostly-false", "Mostly false", 2, "false"),
    Rating("false", "False", 1, "false"),
    Rating("pants-fire", "Pants on fire", 1, "false"),
    Rating("unproven", "Unproven", None, "unproven"),
)
RATINGS: dict[str, Rating] = {rating.key: rating for rating in SCALE}

# Labels other fact-checkers use, mapped onto our scale (the original label is kept too).
_ALIASES = {
    "correct": "true",
    "accurate": "true",
    "barely-true": "mostly-false",
    "mostly-correct": "mostly-true",
    "mixture": "half-true",
    "mixed": "half-true",
    "partly-false": "misleading",
    "partly-true": "half-true",
    "half-truth": "half-true",
    "missing-context": "misleading",
    "out-of-context": "misleading",
    "exaggerated": "misleading",
    "incorrect": "false",
    "fake": "false",
    "wrong": "false",
    "pants-on-fire": "pants-fire",
    "full-flop": "unproven",
    "half-flip": "unproven",
    "no-flip": "unproven",
    "flip-flop": "unproven",
    "unsupported": "unproven",
    "unverified": "unproven",
    "unproven": "unproven",
    "research-in-progress": "unproven",
    "satire": "unproven",
    "legend": "false",
    "miscaptioned": "misleading",
    "misattributed": "false",
    "outdated": "misleading",
    "scam": "false",
    "labeled-satire": "unproven",
}


def normalise_rating(label: str) -> str | None:
    """Return our rating key for LABEL (ours or another desk's), or None if unknown."""
    key = re.sub(r"[^a-z0-9]+", "-", label.strip().lower()).strip("-")
    if key in RATINGS:
        return key
    return _ALIASES.get(key)


def rating_label(key: str | None) -> str:
    """Return the human label for rating KEY ("Not yet checked" for None)."""
    if key is None:
        return "Not yet checked"
    rating = RATINGS.get(key)
    return rating.label if rating else key
