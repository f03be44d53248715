"""App glue for publishing verdicts: who we are, where a verdict lives, its ClaimReview."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, url_for

from factcheck.models import Alert, Claim, Review
from factcheck.services.claimreview import Publisher, claim_review, is_own


def publisher() -> Publisher:
    """Return the publisher named in the configuration."""
    config = current_app.config
    return Publisher(name=config["PUBLISHER_NAME"], site=config["PUBLISHER_SITE"])


def verdict_url(claim_id: int) -> str:
    """Return the address of the claim's verdict page.

    PUBLIC_BASE_URL wins when set (behind a proxy, and for webhooks sent outside a request);
    otherwise the address the request came to, or the publisher's site.
    """
    base = current_app.config.get("PUBLIC_BASE_URL")
    if not base and has_request_context():
        return url_for("review.claim_detail", claim_id=claim_id, _external=True)
    base = base or f"https://{current_app.config['PUBLISHER_SITE']}"
    return f"{base.rstrip('/')}/claims/{claim_id}"


def claim_review_of(review: Review) -> dict[str, Any]:
    """Return the ClaimReview JSON-LD of a published REVIEW."""
    return claim_review(review, page_url=verdict_url(review.claim_id), publisher=publisher())


def own_claim_review(claim: Claim) -> dict[str, Any] | None:
    """Return the ClaimReview of CLAIM's verdict when it is ours and published, else None."""
    verdict = claim.verdict
    if verdict is None or not is_own(verdict):
        return None
    return claim_review_of(verdict)


def repeated_claim_review(alert: Alert, review: dict[str, Any]) -> dict[str, Any]:
    """Return REVIEW (the earlier verdict's ClaimReview) with ALERT's new appearance first
    among the claim's appearances, and what matched (our own `repeat` member)."""
    claim, article = alert.claim, alert.claim.article
    appearance: dict[str, Any] = {"@type": "CreativeWork"}
    if article is not None:
        appearance["headline"] = article.title
        if article.url:
            appearance["url"] = article.url
        if article.outlet:
            appearance["publisher"] = {"@type": "Organization", "name": article.outlet}
        if article.published_at:
            appearance["datePublished"] = article.published_at.date().isoformat()
    item = dict(review["itemReviewed"])
    item["appearance"] = [appearance, *item.get("appearance", [])]
    return {**review, "itemReviewed": item, "repeat": {
        "alertId": alert.id, "claimId": claim.id, "text": claim.text,
        "sentence": claim.sentence, "similarity": alert.similarity,
        "articleId": claim.article_id, "automatic": alert.automatic}}
