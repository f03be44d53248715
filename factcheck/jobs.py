"""Background jobs: thin functions over the services, run by the job engine in an app context.

Each takes JSON-able keyword arguments (they are stored on the job row) and returns a small
JSON-able result or None. Register a new one in JOBS; job_engine.py hands them all to Huey.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from flask import Flask, current_app

from factcheck.extensions import db, get_fetcher, get_matcher, outbound_policy
from factcheck.job_engine import JobFunction, every_minute, get_engine
from factcheck.models import MonitoredSource, User, WebhookDelivery
from factcheck.publishing import claim_review_of, repeated_claim_review
from factcheck.services import articles as article_service
from factcheck.services import claims as claim_service
from factcheck.services import pages, sources, webhooks
from factcheck.services.claimreview_import import read_import_file
from factcheck.services.errors import InvalidInput
from factcheck.services.links import Thresholds


def _user(user_id: int | None) -> User | None:
    return db.session.get(User, user_id) if user_id else None


def ingest_url(url: str, outlet: str | None = None, title: str | None = None,
               submitted_by_id: int | None = None,
               source_id: int | None = None) -> dict[str, Any]:
    """Fetch the article at URL and store it (or its new revision)."""
    source = db.session.get(MonitoredSource, source_id) if source_id else None
    result = pages.ingest_url(
        db.session, get_matcher(), get_fetcher(), url, outlet=outlet, title=title,
        submitted_by=_user(submitted_by_id), source=source,
        thresholds=Thresholds.from_config(current_app.config),
        max_chars=current_app.config["MAX_ARTICLE_CHARS"])
    if source_id:
        sources.record_ingest(db.session, source_id, result.created)
    return {"articleId": result.article.id, "outcome": result.outcome}


def poll_source(source_id: int) -> dict[str, Any]:
    """Poll a monitored source and queue a fetch-and-ingest job for each new link."""
    source = sources.get_source(db.session, source_id)
    result = sources.poll(db.session, get_fetcher(), source)
    engine = get_engine()
    for url in result.new_urls:
        engine.enqueue("ingest_url", {"url": url, "source_id": source_id}, key=f"url:{url}")
    return {"found": result.found, "queued": len(result.new_urls), "known": result.known,
            "deferred": result.deferred, "notModified": result.not_modified,
            "error": result.error}


@every_minute
def poll_due_sources() -> dict[str, Any]:
    """Queue a poll of every active source whose interval has passed."""
    due = sources.due_sources(db.session)
    for source_id in due:
        get_engine().enqueue("poll_source", {"source_id": source_id}, key=f"poll:{source_id}")
    return {"polls": len(due)}


def ingest_text(title: str, body: str, fmt: str = "text", url: str | None = None,
                outlet: str | None = None, author: str | None = None,
                published_at: str | None = None,
                submitted_by_id: int | None = None) -> dict[str, Any]:
    """Store an article given as text (a long one, sent to the background by the API)."""
    result = article_service.ingest_article(
        db.session, get_matcher(), title=title, body=body, fmt=fmt, url=url, outlet=outlet,
        author=author, published_at=datetime.fromisoformat(published_at) if published_at else None,
        submitted_by=_user(submitted_by_id), max_chars=current_app.config["MAX_ARTICLE_CHARS"],
        thresholds=Thresholds.from_config(current_app.config))
    return {"articleId": result.article.id,
            "outcome": "created" if result.created else "unchanged"}


def webhook_settings(config: Any) -> webhooks.DeliverySettings:  # noqa: ANN401
    return webhooks.DeliverySettings(
        max_attempts=int(config["WEBHOOK_MAX_ATTEMPTS"]),
        retry_base_seconds=float(config["WEBHOOK_RETRY_BASE_SECONDS"]),
        retry_max_seconds=float(config["WEBHOOK_RETRY_MAX_SECONDS"]),
        timeout_seconds=float(config["WEBHOOK_TIMEOUT_SECONDS"]),
        policy=outbound_policy(config))


def render_delivery(delivery: WebhookDelivery) -> str:
    """Return the body a webhook receives: the verdict's ClaimReview JSON-LD; for
    claim.repeated, the earlier verdict's, with the new appearance and the match."""
    review = claim_review_of(delivery.review)
    if delivery.event == "claim.repeated" and delivery.alert is not None:
        review = repeated_claim_review(delivery.alert, review)
    return json.dumps(review, ensure_ascii=False, separators=(",", ":"))


def deliver_due_now(app: Flask) -> int:
    """Send the deliveries that are due, in APP's context; return how many were attempted."""
    with app.app_context():
        try:
            return webhooks.deliver_due(db.session, render_delivery,
                                        settings=webhook_settings(app.config))
        finally:
            db.session.remove()


def deliver_webhooks() -> dict[str, Any]:
    """Send the due webhook deliveries, then queue the next round for the retries waiting."""
    sent = webhooks.deliver_due(db.session, render_delivery,
                                settings=webhook_settings(current_app.config))
    wait = webhooks.seconds_until_next(db.session)
    if wait is not None:
        get_engine().enqueue("deliver_webhooks", key="webhooks", delay=max(wait, 0.05))
    return {"attempted": sent}


def reindex_claims() -> dict[str, Any]:
    """Re-embed every stored claim with the configured model."""
    return {"claims": claim_service.reindex_claims(db.session, get_matcher())}


def import_claims(text: str, skip_invalid: bool = False) -> dict[str, Any]:
    """Import checked claims from TEXT (JSON lines or ClaimReview JSON-LD)."""
    records, errors = read_import_file(text)
    if errors and not skip_invalid:
        raise InvalidInput(f"{len(errors)} bad entries; nothing imported: " + "; ".join(
            errors[:5]))
    report = claim_service.import_claims(db.session, get_matcher(), records)
    return {"imported": report.imported, "duplicates": report.skipped_duplicates,
            "bad": len(errors)}


JOBS: dict[str, JobFunction] = {
    "ingest_url": ingest_url,
    "poll_source": poll_source,
    "poll_due_sources": poll_due_sources,
    "ingest_text": ingest_text,
    "deliver_webhooks": deliver_webhooks,
    "reindex_claims": reindex_claims,
    "import_claims": import_claims,
}


def on_deliveries_queued(sender: object, **extra: object) -> None:
    """Queue a delivery round when verdict deliveries were written (one at a time)."""
    get_engine().enqueue("deliver_webhooks", key="webhooks")
