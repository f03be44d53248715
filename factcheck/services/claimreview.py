"""Build schema.org ClaimReview JSON-LD from a published verdict (Google's fact-check markup)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from factcheck.models import Review, ReviewStatus, as_utc
from factcheck.verdicts import RATINGS, rating_label

BEST_RATING, WORST_RATING = 5, 1


@dataclass(frozen=True, slots=True)
class Publisher:
    """Who publishes our verdicts: the ClaimReview author."""

    name: str
    site: str | None = None  # host name, e.g. factcheck.example

    @property
    def url(self) -> str | None:
        return f"https://{self.site}" if self.site else None


def iso(value: date | datetime | None) -> str | None:
    """Return VALUE as ISO 8601 (datetimes in UTC with Z; SQLite hands back naive UTC)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return (
            as_utc(value).astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
        )
    return value.isoformat()


def is_own(review: Review) -> bool:
    """Return True for a verdict made here (not one imported from another desk)."""
    return review.publisher is None and review.url is None


def first_published(review: Review) -> datetime | None:
    """Return when the claim's verdict was first published by the same publisher."""
    same = [
        r.published_at
        for r in review.claim.reviews
        if r.status is ReviewStatus.PUBLISHED
        and r.published_at is not None
        and r.publisher == review.publisher
        and r.id <= review.id
    ]
    return min(same) if same else review.published_at


def rating(review: Review) -> dict[str, Any]:
    """Return the schema.org Rating of REVIEW: 1 (worst) to 5 (best), with its label."""
    value = RATINGS[review.rating].value if review.rating in RATINGS else None
    label = review.original_rating or rating_label(review.rating)
    result: dict[str, Any] = {"@type": "Rating", "alternateName": label}
    if value is not None:
        result.update(ratingValue=value, bestRating=BEST_RATING, worstRating=WORST_RATING)
    return result


def _item_reviewed(review: Review) -> dict[str, Any]:
    """Return the Claim reviewed: who made it (the claimant, else the outlet that printed it),
    when, and where it appeared (an editor's draft article is not shown anywhere)."""
    claim = review.claim
    article = claim.article if claim.article is not None and not claim.article.is_draft else None
    item: dict[str, Any] = {"@type": "Claim"}
    if claim.claimant:
        item["author"] = {"@type": "Person", "name": claim.claimant}
    elif article is not None and article.outlet:
        item["author"] = {"@type": "Organization", "name": article.outlet}
    if claim.claim_date:
        item["datePublished"] = iso(claim.claim_date)
    if article is not None and article.url:
        appearance = {"@type": "CreativeWork", "url": article.url, "headline": article.title}
        if article.published_at:
            appearance["datePublished"] = iso(article.published_at.date())
        item["appearance"] = [appearance]
        item["firstAppearance"] = appearance
        if "datePublished" not in item and article.published_at:
            item["datePublished"] = iso(article.published_at.date())
    return item


def claim_review(review: Review, *, page_url: str, publisher: Publisher) -> dict[str, Any]:
    """Return the ClaimReview JSON-LD of a published REVIEW.

    PAGE_URL is where our verdict is shown and PUBLISHER who made it; a verdict imported from
    another desk keeps its own URL and publisher.
    """
    if review.status is not ReviewStatus.PUBLISHED:
        raise ValueError("Only a published review has a ClaimReview.")
    own = is_own(review)
    author: dict[str, Any] = {
        "@type": "Organization",
        "name": publisher.name if own else review.publisher or "unknown",
    }
    if own and publisher.url:
        author["url"] = publisher.url
    first = first_published(review)
    result: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": page_url if own or not review.url else review.url,
        "claimReviewed": review.claim.text,
        "reviewRating": rating(review),
        "itemReviewed": _item_reviewed(review),
        "author": author,
        "datePublished": iso(first.date()) if first else None,
        "dateModified": iso(review.published_at),
    }
    if review.conclusion:
        result["name"] = review.conclusion
    return {key: value for key, value in result.items() if value is not None}
