"""Monitored sources: feeds and news sitemaps polled on their interval, with their health.

A poll fetches the feed (conditionally), lists its links, and returns the ones never seen:
not stored as an article's address and not already queued. Each is then fetched and ingested
by a job of its own (jobs.py). A source that fails PAUSE_AFTER_FAILURES polls in a row
pauses itself and says why; resuming it starts counting again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from factcheck.models import ArticleUrl, Job, JobStatus, MonitoredSource, User, utcnow, valid_id
from factcheck.monitoring.feeds import FeedError, parse_feed
from factcheck.monitoring.urls import normalize_url
from factcheck.outbound import Fetcher, FetchError, OutboundPolicy, Refused
from factcheck.services import audit
from factcheck.services.errors import Conflict, InvalidInput, NotFound
from factcheck.services.transaction import transaction

PAUSE_AFTER_FAILURES = 10
MAX_NEW_PER_POLL = 500  # the rest stay in the feed and come with the next polls
UPKEEP_EVERY = timedelta(minutes=1)  # the job engine's upkeep queues due polls (every_minute)
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class PollResult:
    source: MonitoredSource
    found: int = 0  # links in the feed
    new_urls: list[str] = field(default_factory=list)  # to fetch and ingest
    known: int = 0  # stored or queued already
    deferred: int = 0  # new, but past MAX_NEW_PER_POLL: next time
    not_modified: bool = False
    error: str | None = None


def add_source(
    session: Session,
    *,
    name: str,
    feed_url: str,
    interval_minutes: int = 30,
    language: str | None = None,
    actor: User | None = None,
    policy: OutboundPolicy = OutboundPolicy(),
) -> MonitoredSource:
    """Register a feed or news sitemap to poll every INTERVAL_MINUTES, and commit."""
    name, feed_url = " ".join((name or "").split()), (feed_url or "").strip()
    if not name or len(name) > 200:
        raise InvalidInput(
            "Give the source a name (at most 200 characters): it becomes the "
            "outlet of its articles."
        )
    if not 1 <= interval_minutes <= 7 * 24 * 60:
        raise InvalidInput("The interval must be from 1 minute to a week (10080 minutes).")
    language = (language or "").strip().lower() or None
    if language is not None and not _LANGUAGE.fullmatch(language):
        raise InvalidInput("The language is a two- or three-letter code, such as en or fr.")
    if len(feed_url) > 2000:
        raise InvalidInput("The feed address is longer than 2,000 characters.")
    try:
        policy.check_url(feed_url)
    except Refused as exc:
        raise InvalidInput(f"This feed address cannot be used: {exc.message}.") from exc
    if session.scalar(select(MonitoredSource.id).where(MonitoredSource.name == name)):
        raise Conflict(f"A source named {name!r} exists already.")
    with transaction(session):
        source = MonitoredSource(
            name=name,
            feed_url=feed_url,
            interval_minutes=interval_minutes,
            language=language,
            created_by=actor,
            next_poll_at=utcnow(),
        )
        session.add(source)
        try:
            session.flush()
        except IntegrityError as exc:
            raise Conflict(f"A source named {name!r} exists already.") from exc
        audit.record(
            session,
            actor,
            "source.created",
            "monitored_source",
            source.id,
            name=name,
            feed_url=feed_url,
        )
    return source


def list_sources(session: Session) -> list[MonitoredSource]:
    return list(session.scalars(select(MonitoredSource).order_by(MonitoredSource.name)))


def get_source(session: Session, source_id: int) -> MonitoredSource:
    source = session.get(MonitoredSource, source_id) if valid_id(source_id) else None
    if source is None:
        raise NotFound(f"There is no source with id {source_id}.")
    return source


def find_source(session: Session, name: str) -> MonitoredSource:
    source = session.scalar(select(MonitoredSource).where(MonitoredSource.name == name.strip()))
    if source is None:
        raise NotFound(f"There is no source named {name!r} (see `flask sources list`).")
    return source


def set_active(
    session: Session, source_id: int, active: bool, *, actor: User | None = None
) -> MonitoredSource:
    """Pause or resume a source and commit; resuming clears its failures and polls it soon."""
    with transaction(session):
        source = get_source(session, source_id)
        source.active = active
        if active:
            source.paused_reason, source.consecutive_failures = None, 0
            source.next_poll_at = utcnow()
        else:
            source.paused_reason = "Paused by hand."
        audit.record(
            session,
            actor,
            "source.resumed" if active else "source.paused",
            "monitored_source",
            source.id,
        )
    return source


def due_sources(session: Session) -> list[int]:
    """Return the active sources whose next poll is due by the nearest run of the upkeep.

    The upkeep runs once a minute and a poll sets the next one an interval after it ran: a
    source due a few seconds after this run waited a whole minute more (polled every two
    minutes instead of every one). So each run takes the sources due within half a minute.
    """
    nearest = utcnow() + UPKEEP_EVERY / 2
    return list(
        session.scalars(
            select(MonitoredSource.id)
            .where(MonitoredSource.active.is_(True), MonitoredSource.next_poll_at <= nearest)
            .order_by(MonitoredSource.next_poll_at)
        )
    )


def _failed(session: Session, source: MonitoredSource, message: str) -> PollResult:
    with transaction(session):
        source.consecutive_failures += 1
        source.last_error = message[:1000]
        if source.consecutive_failures >= PAUSE_AFTER_FAILURES:
            source.active = False
            source.paused_reason = (
                f"Paused after {source.consecutive_failures} failed polls in a row; "
                f"the last: {message}"
            )[:1000]
            audit.record(
                session,
                None,
                "source.paused",
                "monitored_source",
                source.id,
                reason=source.paused_reason,
            )
    return PollResult(source, error=message)


def _seen(session: Session, urls: list[str]) -> set[str]:
    """Return the URLS stored as an article's address or waiting in a job."""
    seen: set[str] = set()
    for start in range(0, len(urls), _CHUNK):
        chunk = urls[start : start + _CHUNK]
        seen.update(session.scalars(select(ArticleUrl.url).where(ArticleUrl.url.in_(chunk))))
        keys = [f"url:{url}" for url in chunk]
        seen.update(
            key.removeprefix("url:")
            for key in session.scalars(
                select(Job.key).where(
                    Job.key.in_(keys), Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING))
                )
            )
        )
    return seen


def poll(session: Session, fetcher: Fetcher, source: MonitoredSource) -> PollResult:
    """Fetch SOURCE's feed and return its new links; record the source's health and commit."""
    with transaction(session):
        now = utcnow()
        source.last_polled_at = now
        source.next_poll_at = now + timedelta(minutes=source.interval_minutes)
        try:
            page = fetcher.get(
                source.feed_url,
                etag=source.http_etag,
                last_modified=source.http_last_modified,
                accept=FEED_ACCEPT,
            )
            content = None if page.not_modified else parse_feed(page.body, page.url)
        except (FetchError, FeedError) as exc:
            return _failed(session, source, getattr(exc, "message", None) or str(exc))
        source.consecutive_failures, source.last_error, source.last_success_at = 0, None, now
        source.http_etag = (page.etag or "")[:200] or None
        source.http_last_modified = (page.last_modified or "")[:100] or None
        if content is None:
            return PollResult(source, found=source.items_found, not_modified=True)
        source.kind = content.kind
        urls = list(dict.fromkeys(normalize_url(item.url) for item in content.items))
        seen = _seen(session, urls)
        fresh = [url for url in urls if url not in seen]
        new, deferred = fresh[:MAX_NEW_PER_POLL], len(fresh) - MAX_NEW_PER_POLL
        source.items_found = len(urls)
        source.items_queued += len(new)
        source.items_skipped += len(urls) - len(fresh)
    return PollResult(
        source,
        found=len(urls),
        new_urls=new,
        known=len(urls) - len(fresh),
        deferred=max(0, deferred),
    )


def record_ingest(session: Session, source_id: int, created: bool) -> None:
    """Count an item of SOURCE_ID that was ingested (or found stored already), and commit
    (inside a caller's transaction: with it; pages.ingest_url counts its source's pages)."""
    with transaction(session):
        counter = "items_ingested" if created else "items_skipped"
        session.execute(
            update(MonitoredSource)
            .where(MonitoredSource.id == source_id)
            .values({counter: getattr(MonitoredSource, counter) + 1})
            .execution_options(synchronize_session=False)
        )  # the commit expires all
