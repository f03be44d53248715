"""App glue for publishing verdicts: who we are, where a verdict lives, its ClaimReview."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, url_for

from factcheck.models import Claim, Review
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
