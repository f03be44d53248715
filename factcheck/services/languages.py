"""The language of what comes in, and the multilingual vectors of claims.

Every article, claim, imported fact-check (and reader request: call resolve_language with
what the reader wrote) gets its language here: the one its source gives (a feed, a page's
markup, ClaimReview's inLanguage, the API's languageCode), else the one detected offline.
"""

from __future__ import annotations

from collections.abc import Sequence

from factcheck.matching import Matcher
from factcheck.matching.embedder import to_blob
from factcheck.models import Claim
from factcheck.services.errors import InvalidInput
from factcheck.text.language import MAX_DETECT_CHARS, normalise_code


def given_language(value: str | None) -> str | None:
    """Return the ISO 639-1 code of a language tag a source gives, None when it gives none.

    Raises InvalidInput for a value that is not a language tag.
    """
    try:
        return normalise_code(value)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc


def resolve_language(matcher: Matcher, given: str | None, *texts: str | None) -> str:
    """Return the language GIVEN by the source (normalised), else the one TEXTS are in.

    A page's or feed's markup may say anything ("x-default"): what is not a language tag
    counts as not given (callers that take a code from a person check it with given_language).
    """
    try:
        code = normalise_code(given)
    except ValueError:
        code = None
    if code is not None:
        return code
    sample = " ".join(text for text in texts if text)[:MAX_DETECT_CHARS]
    return matcher.language_of(sample)


def embed_multilingual(matcher: Matcher, claims: Sequence[Claim]) -> None:
    """Give CLAIMS their multilingual vectors (nothing to do without a multilingual space)."""
    space = matcher.multilingual
    if space is None or not claims:
        return
    vectors = space.embedder.encode([claim.text for claim in claims])
    for claim, vector in zip(claims, vectors, strict=True):
        claim.multilingual_embedding = to_blob(vector)
        claim.multilingual_model = space.embedder.name
