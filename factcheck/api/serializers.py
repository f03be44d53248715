"""Turn claims and reviews into the JSON shapes clients know (Google Fact Check Tools)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from flask import current_app, url_for

from factcheck.models import Claim, Review
from factcheck.verdicts import rating_label


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        # SQLite hands back naive datetimes; every stored time is UTC.
        value = value if value.tzinfo else value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace(
            "+00:00", "Z")
    return value.isoformat()


def claim_review(review: Review) -> dict[str, Any]:
    """Return REVIEW in the claimReview shape of the Fact Check Tools API."""
    config = current_app.config
    own = review.publisher is None
    return {
        "publisher": {"name": config["PUBLISHER_NAME"] if own else review.publisher,
                      "site": config["PUBLISHER_SITE"] if own else None},
        "url": review.url or url_for("review.claim_detail", claim_id=review.claim_id,
                                     _external=True),
        "title": review.conclusion,
        "reviewDate": _iso(review.published_at),
        "textualRating": review.original_rating or rating_label(review.rating),
        "languageCode": review.claim.language,
        "rating": review.rating,
    }


def search_item(claim: Claim, similarity: float, differences=()) -> dict[str, Any]:  # noqa: ANN001
    """Return one entry of claims:search: the Google shape plus our id, similarity, near miss."""
    verdict = claim.verdict
    return {
        "nearMiss": [{"kind": d.kind, "query": d.left, "claim": d.right} for d in differences],
        "text": claim.text,
        "claimant": claim.claimant,
        "claimDate": _iso(claim.claim_date),
        "claimReview": [claim_review(verdict)] if verdict else [],
        "id": claim.id,
        "similarity": round(similarity, 4),
    }


def claim_detail(claim: Claim) -> dict[str, Any]:
    """Return the full JSON of one claim, its place in its article and its verdict."""
    verdict = claim.verdict
    return {
        "id": claim.id,
        "text": claim.text,
        "claimant": claim.claimant,
        "claimDate": _iso(claim.claim_date),
        "status": claim.status.value,
        "origin": claim.origin.value,
        "languageCode": claim.language,
        "checkworthiness": claim.checkworthiness,
        "kind": claim.kind,
        "article": None if claim.article_id is None else {
            "id": claim.article_id, "sentence": claim.sentence,
            "start": claim.start, "end": claim.end},
        "rating": verdict.rating if verdict else None,
        "claimReview": [claim_review(verdict)] if verdict else [],
        "createdAt": _iso(claim.created_at),
        "updatedAt": _iso(claim.updated_at),
    }
