"""Background jobs: thin functions over the services, run by the job engine in an app context.

Each takes JSON-able keyword arguments (they are stored on the job row) and returns a small
JSON-able result or None. Register a new one in JOBS; job_engine.py hands them all to Huey.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import func, select

from factcheck.asking import answer_link
from factcheck.extensions import db, get_fetcher, get_matcher, outbound_policy
from factcheck.job_engine import JobFunction, Progress, every_minute, get_engine, in_batches
from factcheck.models import (
    Claim,
    MonitoredSource,
    ReaderRequest,
    Review,
    User,
    WebhookDelivery,
    utcnow,
)
from factcheck.publishing import (
    claim_review_of,
    public_url,
    publisher,
    repeated_claim_review,
    stop_token,
)
from factcheck.services import articles as article_service
from factcheck.services import claims as claim_service
from factcheck.services import pages, reader_requests, sources, webhooks
from factcheck.services.claimreview_import import read_import_file
from factcheck.services.errors import InvalidInput
from factcheck.services.reader_replies import ReplyLinks, SmtpSettings, send_replies


def _user(user_id: int | None) -> User | None:
    return db.session.get(User, user_id) if user_id else None


def ingest_urls(items: list[dict[str, Any]]) -> list[dict[str, Any] | Exception]:
    """Run several queued ingest_url jobs at once (their ARGS, in order): each page fetched and
    stored on its own, the new articles' claims extracted together; each job's result, or the
    exception it failed with, in its place."""
    requests = [
        pages.UrlRequest(
            args["url"],
            outlet=args.get("outlet"),
            title=args.get("title"),
            submitted_by=_user(args.get("submitted_by_id")),
            source=db.session.get(MonitoredSource, args["source_id"])
            if args.get("source_id")
            else None,
        )
        for args in items
    ]
    results = pages.ingest_urls(
        db.session,
        get_matcher(),
        get_fetcher(),
        requests,
        max_chars=current_app.config["MAX_ARTICLE_CHARS"],
    )
    return [  # a failure is its job's, recorded on it; a page is counted on its source
        r if isinstance(r, Exception) else {"articleId": r.article.id, "outcome": r.outcome}
        for r in results
    ]


@in_batches(ingest_urls, size=8)
def ingest_url(
    url: str,
    outlet: str | None = None,
    title: str | None = None,
    submitted_by_id: int | None = None,
    source_id: int | None = None,
) -> dict[str, Any]:
    """Fetch the article at URL and store it (or its new revision). A consumer with more of
    these queued takes up to 8 at once (ingest_urls)."""
    (result,) = ingest_urls(
        [
            {
                "url": url,
                "outlet": outlet,
                "title": title,
                "submitted_by_id": submitted_by_id,
                "source_id": source_id,
            }
        ]
    )
    if isinstance(result, Exception):
        raise result
    return result


def poll_source(source_id: int) -> dict[str, Any]:
    """Poll a monitored source and queue a fetch-and-ingest job for each new link."""
    source = sources.get_source(db.session, source_id)
    result = sources.poll(db.session, get_fetcher(), source)
    get_engine().enqueue_many(  # one commit for the lot
        "ingest_url",
        [({"url": url, "source_id": source_id}, f"url:{url}") for url in result.new_urls],
    )
    return {
        "found": result.found,
        "queued": len(result.new_urls),
        "known": result.known,
        "deferred": result.deferred,
        "notModified": result.not_modified,
        "error": result.error,
    }


@every_minute
def poll_due_sources() -> dict[str, Any]:
    """Queue a poll of every active source whose interval has passed."""
    due = sources.due_sources(db.session)
    for source_id in due:
        get_engine().enqueue("poll_source", {"source_id": source_id}, key=f"poll:{source_id}")
    return {"polls": len(due)}


def ingest_text(
    title: str,
    body: str,
    fmt: str = "text",
    url: str | None = None,
    outlet: str | None = None,
    author: str | None = None,
    published_at: str | None = None,
    submitted_by_id: int | None = None,
    language: str | None = None,
) -> dict[str, Any]:
    """Store an article given as text (a long one, sent to the background by the API)."""
    result = article_service.ingest_article(
        db.session,
        get_matcher(),
        title=title,
        body=body,
        fmt=fmt,
        url=url,
        outlet=outlet,
        author=author,
        published_at=datetime.fromisoformat(published_at) if published_at else None,
        submitted_by=_user(submitted_by_id),
        language=language,
        max_chars=current_app.config["MAX_ARTICLE_CHARS"],
    )
    return {"articleId": result.article.id, "outcome": "created" if result.created else "unchanged"}


def webhook_settings(config: Any) -> webhooks.DeliverySettings:
    return webhooks.DeliverySettings(
        max_attempts=int(config["WEBHOOK_MAX_ATTEMPTS"]),
        retry_base_seconds=float(config["WEBHOOK_RETRY_BASE_SECONDS"]),
        retry_max_seconds=float(config["WEBHOOK_RETRY_MAX_SECONDS"]),
        timeout_seconds=float(config["WEBHOOK_TIMEOUT_SECONDS"]),
        policy=outbound_policy(config),
    )


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
            return webhooks.deliver_due(
                db.session, render_delivery, settings=webhook_settings(app.config)
            )
        finally:
            db.session.remove()


def deliver_webhooks() -> dict[str, Any]:
    """Send the due webhook deliveries, then queue the next round for the retries waiting."""
    sent = webhooks.deliver_due(
        db.session, render_delivery, settings=webhook_settings(current_app.config)
    )
    wait = webhooks.seconds_until_next(db.session)
    if wait is not None:
        get_engine().enqueue("deliver_webhooks", key="webhooks", delay=max(wait, 0.05))
    return {"attempted": sent}


def reindex_claims(only_missing: bool = False, space: str | None = None) -> dict[str, Any]:
    """Re-embed every stored claim (ONLY_MISSING: those without a vector of the model) in
    SPACE ("dense" or "multilingual"; None: both)."""
    matcher = get_matcher()
    total = (
        claim_service.count_without_current_vector(db.session, matcher, space=space)
        if only_missing
        else db.session.scalar(select(func.count(Claim.id))) or 0
    )
    count = claim_service.reindex_claims(
        db.session, matcher, only_missing=only_missing, space=space, progress=Progress(total)
    )
    models = [s.embedder.name for s in matcher.spaces() if space in (None, s.name)]
    return {"claims": count, "model": " and ".join(models)}


def import_claims(text: str, skip_invalid: bool = False) -> dict[str, Any]:
    """Import checked claims from TEXT (JSON lines or ClaimReview JSON-LD)."""
    records, errors = read_import_file(text)
    if errors and not skip_invalid:
        raise InvalidInput(f"{len(errors)} bad entries; nothing imported: " + "; ".join(errors[:5]))
    report = claim_service.import_claims(
        db.session, get_matcher(), records, progress=Progress(len(records))
    )
    return {
        "imported": report.imported,
        "duplicates": report.skipped_duplicates,
        "bad": len(errors),
    }


def reply_links(request: ReaderRequest, review: Review) -> ReplyLinks:
    """Return the links of a reader's email: our verdict page (or the other desk's) and stop."""
    return ReplyLinks(
        verdict=answer_link(review),
        stop=public_url("readers.stop_emails", token=stop_token(request.id)),
    )


def reply_to_readers(claim_id: int) -> dict[str, Any]:
    """Email the readers who wait on the verdict of claim CLAIM_ID (one message each)."""
    who = publisher()
    settings = SmtpSettings.from_config(current_app.config, name=who.name, site=who.site)
    if settings is None:
        raise InvalidInput("No SMTP_HOST is set: readers' replies cannot be sent.")
    sent = send_replies(
        db.session, claim_id, settings=settings, links=reply_links, publisher=who.name
    )
    return {"sent": sent}


@every_minute
def forget_reader_emails() -> dict[str, Any]:
    """Forget readers' addresses kept longer than READER_EMAIL_RETENTION_DAYS."""
    days = float(current_app.config["READER_EMAIL_RETENTION_DAYS"])
    forgotten = reader_requests.purge_emails(
        db.session, received_before=utcnow() - timedelta(days=days)
    )
    return {"forgotten": forgotten}


JOBS: dict[str, JobFunction] = {
    "ingest_url": ingest_url,
    "poll_source": poll_source,
    "poll_due_sources": poll_due_sources,
    "ingest_text": ingest_text,
    "deliver_webhooks": deliver_webhooks,
    "reindex_claims": reindex_claims,
    "import_claims": import_claims,
    "reply_to_readers": reply_to_readers,
    "forget_reader_emails": forget_reader_emails,
}


def on_replies_due(sender: object, *, claim_id: int, **extra: object) -> None:
    """Queue the readers' replies of a claim whose verdict answers them (one job at a time)."""
    if current_app.config.get("SMTP_HOST"):
        get_engine().enqueue("reply_to_readers", {"claim_id": claim_id}, key=f"reply:{claim_id}")


def on_deliveries_queued(sender: object, **extra: object) -> None:
    """Queue a delivery round when verdict deliveries were written (one at a time)."""
    get_engine().enqueue("deliver_webhooks", key="webhooks")
