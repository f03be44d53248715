"""Cut an article body into plain and highlighted pieces, and say how each claim is flagged."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from factcheck.models import Claim, ClaimStatus, Review
from factcheck.services.flags import (
    CHECKWORTHY,
    VERY_CHECKWORTHY,
    Triage,
    applying_verdict,
    category,
    flag_rank,
    flagged_ids,
    verdict_colour,
)
from factcheck.verdicts import RATINGS

# Worst first: when claims share words, the highlight shows the most urgent one.
_URGENCY = [
    "hl-false",
    "hl-mixed",
    "hl-unproven",
    "hl-cw-high",
    "hl-cw-mid",
    "hl-true",
    "hl-low",
    "hl-dismissed",
]
# The short label printed beside a highlight, so that colour is never the only cue.
_TAG = {"hl-false": "✗", "hl-mixed": "!", "hl-unproven": "?", "hl-true": "✓"}


@dataclass(frozen=True, slots=True)
class Piece:
    text: str
    claims: tuple[Claim, ...] = ()
    anchors: tuple[int, ...] = ()  # claims whose first appearance is this piece


@dataclass(frozen=True, slots=True)
class Flag:
    """How one claim shows in its article: colour class, words, and the verdict behind it."""

    css: str
    label: str  # "False", "Not yet checked", ...
    tag: str  # the short visible label beside the highlight ("" for low check-worthiness)
    verdict: Review | None
    carried: bool  # the verdict is a confirmed look-alike's, not the claim's own
    flagged: bool  # listed under "Flagged statements"

    @property
    def rank(self) -> int:
        return _URGENCY.index(self.css)


def claim_spans(claim: Claim) -> list[tuple[int, int]]:
    """Return every span of CLAIM in its article (none once the claim is stale)."""
    if claim.spans:
        return [(start, end) for start, end in claim.spans]
    return [(claim.start, claim.end)] if claim.start is not None else []


def highlight_pieces(body: str, claims: Sequence[Claim]) -> list[Piece]:
    """Return BODY as consecutive pieces; overlapping claim spans form one highlighted piece."""
    spans = sorted(
        (
            (start, end, claim)
            for claim in claims
            for start, end in claim_spans(claim)
            if 0 <= start < end <= len(body)
        ),
        key=lambda span: span[:2],
    )
    groups: list[tuple[int, int, list[Claim]]] = []
    for start, end, claim in spans:
        if groups and start < groups[-1][1]:
            group_start, group_end, members = groups[-1]
            groups[-1] = (group_start, max(group_end, end), [*members, claim])
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


def claim_flag(claim: Claim, *, flagged: bool | None = None) -> Flag:
    """Return how CLAIM shows: by its verdict (own or carried), else its check-worthiness.

    FLAGGED says whether triage chose it (article_flags); None: flagged when its category
    alone says so (a false- or misleading-type verdict, or unchecked at the default
    threshold).
    """
    verdict, carried = applying_verdict(claim)
    if flagged is None:
        flagged = category(claim) < 3
    if verdict is not None:
        css = f"hl-{verdict_colour(verdict)}"
        rating = RATINGS.get(verdict.rating)
        label = verdict.original_rating or (rating.label if rating else verdict.rating)
        return Flag(css, label, f"{_TAG[css]} {label}", verdict, carried, flagged)
    score = claim.checkworthiness or 0.0
    if claim.status is ClaimStatus.DISMISSED:
        return Flag("hl-dismissed", "Dismissed: not checkable", "", None, False, False)
    if claim.status in (ClaimStatus.IN_REVIEW, ClaimStatus.CHECKED):
        label, tag = "Not yet checked: in review", "in review"
    elif claim.check_requested_at is not None:
        label, tag = "Not yet checked: check requested", "check requested"
    else:
        label, tag = "Not yet checked", "unchecked"
    if score >= VERY_CHECKWORTHY:
        return Flag("hl-cw-high", label, tag, None, False, flagged)
    if score >= CHECKWORTHY:
        return Flag("hl-cw-mid", label, tag, None, False, flagged)
    return Flag("hl-low", f"{label} (low check-worthiness)", "", None, False, flagged)


def piece_flag(piece: Piece, flags: dict[int, Flag]) -> Flag:
    """Return the flag a highlighted piece shows: its most urgent claim's."""
    return min((flags[claim.id] for claim in piece.claims), key=lambda flag: flag.rank)


def article_flags(claims: Sequence[Claim], triage: Triage = Triage()) -> dict[int, Flag]:
    """Return the flag of each of CLAIMS, flagged as TRIAGE chooses (services.flags)."""
    chosen = flagged_ids(claims, triage)
    return {claim.id: claim_flag(claim, flagged=claim.id in chosen) for claim in claims}


def piece_shown(piece: Piece, flags: dict[int, Flag]) -> bool:
    """True when a piece is highlighted in the reading view: one of its claims is flagged or
    has a verdict (the other claims are highlighted only when every claim is asked for)."""
    return any(flags[c.id].flagged or flags[c.id].verdict is not None for c in piece.claims)


def flagged_claims(claims: Sequence[Claim], flags: dict[int, Flag]) -> list[Claim]:
    """Return the claims to flag: false-type verdicts, then misleading-type, then unchecked
    claims by check-worthiness (highest first)."""
    chosen = [claim for claim in claims if flags[claim.id].flagged]
    return sorted(
        chosen, key=lambda claim: (*flag_rank(claim, Triage(threshold=0.0)), claim.start or 0)
    )
