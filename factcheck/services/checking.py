"""Check a text without storing it: its claims, each with the stored claims it matches."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from factcheck.matching import Matcher
from factcheck.matching.search import SimilarClaim, describe, retrieve
from factcheck.services.articles import prepare_body
from factcheck.services.extraction import ExtractedClaim, extract_with
from factcheck.services.languages import resolve_language


@dataclass(frozen=True, slots=True)
class CheckedClaim:
    extracted: ExtractedClaim
    matches: tuple[SimilarClaim, ...]


def check_text(
    session: Session,
    matcher: Matcher,
    text: str,
    *,
    fmt: str = "text",
    k: int = 3,
    max_chars: int = 50_000,
    language: str | None = None,
) -> list[CheckedClaim]:
    """Return the claims of TEXT with their K best stored matches; nothing is written.

    LANGUAGE is the text's (detected when not given)."""
    body = prepare_body(text, fmt=fmt, max_chars=max_chars)
    language = resolve_language(matcher, language, body)
    extracted = extract_with(matcher, body, language=language)
    if not extracted:
        return []
    found = retrieve(
        session,
        matcher,
        np.stack([c.embedding for c in extracted]),
        [c.draft.text for c in extracted],
        k=k,
        languages=[language] * len(extracted),
    )
    similar = describe(session, [c.draft.text for c in extracted], found)
    return [
        CheckedClaim(claim, tuple(matches))
        for claim, matches in zip(extracted, similar, strict=True)
    ]
