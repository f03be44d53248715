"""App glue for publishing verdicts: who we are, where a verdict lives, its ClaimReview."""

from __future__ import annotations

from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from factcheck.models import Alert, Claim, Review
from factcheck.services import public
from factcheck.services.claimreview import Publisher, claim_review, is_own
from factcheck.services.public import verdict_url
from factcheck.services.settings import current_publishing


def publisher() -> Publisher:
    """Return the publisher set on the settings page (or in the configuration)."""
    settings = current_publishing()
    return Publisher(name=settings.name, site=settings.site)


def public_url(endpoint: str, **values: Any) -> str:
    """Return the absolute address of ENDPOINT for people outside the desk (emails too),
    under the public base URL (services.settings.public_base_url)."""
    path = current_app.url_map.bind("localhost").build(endpoint, values)
    return public.public_url(path)


def _stop_signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="reader-request-stop")


def stop_token(request_id: int) -> str:
    """Return the signed token of a reader's "stop emails" link (no stored secret needed)."""
    return _stop_signer().dumps(request_id)


def stop_request_id(token: str) -> int | None:
    """Return the request id a "stop emails" token was signed for, None if forged."""
    try:
        value = _stop_signer().loads(token[:200])
    except BadSignature:
        return None
    return value if isinstance(value, int) else None


def claim_review_of(review: Review) -> dict[str, Any]:
    """Return the ClaimReview JSON-LD of a published REVIEW."""
    return claim_review(review, page_url=verdict_url(review.claim), publisher=publisher())


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
    return {
        **review,
        "itemReviewed": item,
        "repeat": {
            "alertId": alert.id,
            "claimId": claim.id,
            "text": claim.text,
            "sentence": claim.sentence,
            "similarity": alert.similarity,
            "articleId": claim.article_id,
            "automatic": alert.automatic,
        },
    }
