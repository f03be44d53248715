"""Monitored sources polled from a real local server: new items queued once, health kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from factcheck.extensions import db
from factcheck.job_engine import BackgroundConsumer, get_engine
from factcheck.jobs import poll_source
from factcheck.models import Article, Job, JobStatus, utcnow
from factcheck.outbound import OutboundPolicy
from factcheck.services import sources
from factcheck.services.errors import Conflict, InvalidInput
from tests.http_server import FEED, Reply, Site, article_html, rss
from tests.services.conftest import wait_for_jobs
from tests.services.test_pages import PARAGRAPHS

LOOPBACK = OutboundPolicy.from_setting("127.0.0.1")


def add(name: str, url: str, **kwargs):
    return sources.add_source(db.session, name=name, feed_url=url, policy=LOOPBACK, **kwargs)


def queued_urls() -> list[str]:
    return sorted(
        job.args["url"] for job in db.session.scalars(select(Job).where(Job.name == "ingest_url"))
    )


def test_sources_are_checked_when_added(jobs_app):
    add("Gazette", "http://127.0.0.1:9/feed")
    for kwargs, message in [
        ({"name": "Gazette"}, "exists already"),
        ({"feed_url": "http://10.0.0.1/feed"}, "private"),
        ({"interval_minutes": 0}, "interval"),
        ({"language": "english"}, "two- or three-letter"),
        ({"name": " "}, "name"),
    ]:
        arguments = {"name": "Other", "feed_url": "http://127.0.0.1:9/f", **kwargs}
        with pytest.raises((InvalidInput, Conflict), match=message):
            sources.add_source(db.session, policy=LOOPBACK, **arguments)
    assert [s.name for s in sources.list_sources(db.session)] == ["Gazette"]


def test_a_poll_queues_each_new_item_once_even_across_feeds(jobs_app):
    with Site() as site:
        site.routes.update(
            {
                "/a.xml": Reply(
                    rss([("/s/1", "One"), ("/s/2?utm_source=rss", "Two")]),
                    headers={**FEED, "ETag": '"a1"'},
                ),
                "/b.xml": Reply(rss([("/s/2", "Two"), ("/s/3", "Three")]), headers=FEED),
            }
        )
        first = add("Gazette", f"{site.url}/a.xml")
        second = add("Wire", f"{site.url}/b.xml")
        assert poll_source(first.id)["queued"] == 2
        assert poll_source(second.id) == {
            "found": 2,
            "queued": 1,
            "known": 1,
            "deferred": 0,
            "notModified": False,
            "error": None,
        }
        assert poll_source(first.id)["queued"] == 0  # still queued: not twice
    assert queued_urls() == [f"{site.url}/s/{n}" for n in (1, 2, 3)]
    gazette = sources.get_source(db.session, first.id)
    assert gazette.items_found == 2 and gazette.items_queued == 2 and gazette.kind == "rss"
    assert gazette.last_success_at is not None and gazette.consecutive_failures == 0


def test_an_unchanged_feed_is_not_downloaded_again(jobs_app):
    def conditional(seen):
        if seen.headers.get("if-none-match") == '"v1"':
            return Reply(b"", 304, headers={"ETag": '"v1"'})
        return Reply(rss([("/s/1", "One")]), headers={**FEED, "ETag": '"v1"'})

    with Site({"/feed": conditional}) as site:
        source = add("Gazette", f"{site.url}/feed")
        poll_source(source.id)
        assert poll_source(source.id)["notModified"] is True


def test_a_source_failing_ten_times_in_a_row_pauses_itself_and_says_why(jobs_app):
    with Site({"/feed": Reply(b"<html><body>Not a feed</body></html>")}) as site:
        source = add("Gazette", f"{site.url}/feed")
        for _ in range(sources.PAUSE_AFTER_FAILURES):
            result = poll_source(source.id)
    assert "not an RSS or Atom feed" in result["error"]
    source = sources.get_source(db.session, source.id)
    assert not source.active and source.consecutive_failures == 10
    assert source.paused_reason.startswith("Paused after 10 failed polls in a row")
    assert source.id not in sources.due_sources(db.session)
    resumed = sources.set_active(db.session, source.id, True)
    assert resumed.active and resumed.consecutive_failures == 0 and resumed.paused_reason is None


def test_a_source_is_polled_at_the_upkeep_run_nearest_its_due_time(jobs_app):
    """The upkeep queues polls once a minute, a moment after the minute begins; a poll sets the
    next one an interval after it ran, so a few seconds after the run that should take it. A
    source every minute was polled every two; now a run takes the sources due within half a
    minute of it."""
    source = add("Gazette", "http://127.0.0.1:9/feed", interval_minutes=1)
    for seconds_ahead, due in ((-5, True), (0, True), (5, True), (29, True), (31, False)):
        source.next_poll_at = utcnow() + timedelta(seconds=seconds_ahead)
        db.session.commit()
        assert (source.id in sources.due_sources(db.session)) is due, seconds_ahead


@pytest.mark.slow  # 10,000 items, polled twice
def test_a_feed_of_ten_thousand_items_queues_a_batch_per_poll_without_duplicates(jobs_app):
    with Site(
        {"/big.xml": Reply(rss([(f"/item/{n}", f"Item {n}") for n in range(10_000)]), headers=FEED)}
    ) as site:
        source = add("Big", f"{site.url}/big.xml")
        first = poll_source(source.id)
        second = poll_source(source.id)
    assert first["found"] == 10_000 and first["queued"] == sources.MAX_NEW_PER_POLL
    assert first["deferred"] == 10_000 - sources.MAX_NEW_PER_POLL
    assert second["known"] == sources.MAX_NEW_PER_POLL and second["queued"] == 500
    urls = queued_urls()
    assert len(urls) == len(set(urls)) == 1000


def test_polled_items_are_fetched_and_ingested_by_the_consumer_with_the_outlet(jobs_app):
    with Site() as site:
        canonical = f"{site.url}/2024/crime"
        site.routes.update(
            {
                "/feed": Reply(
                    rss(
                        [("/crime", "Crime"), ("/crime-amp", "Crime (AMP)"), ("/budget", "Budget")]
                    ),
                    headers=FEED,
                ),
                "/crime": Reply(article_html("Crime falls", PARAGRAPHS, canonical=canonical)),
                "/crime-amp": Reply(article_html("Crime falls", PARAGRAPHS, canonical=canonical)),
                "/budget": Reply(
                    article_html(
                        "Budget passes",
                        [
                            "The council approved a budget of 12 million dollars on Monday.",
                            "It is the largest budget since the city was founded in 1871.",
                            "Property taxes will rise by 3 percent next year, the treasurer said.",
                        ],
                    )
                ),
            }
        )
        source = add("Riverton Daily", f"{site.url}/feed", language="en")
        with BackgroundConsumer(get_engine()):
            poll = get_engine().enqueue("poll_source", {"source_id": source.id})
            wait_for_jobs(poll.id)
            wait_for_jobs(*db.session.scalars(select(Job.id).where(Job.name == "ingest_url")))
    assert {job.status for job in db.session.scalars(select(Job))} == {JobStatus.DONE}
    articles = db.session.scalars(select(Article).order_by(Article.title)).all()
    assert [a.title for a in articles] == ["Budget passes", "Crime falls"]
    assert {a.outlet for a in articles} == {"Riverton Daily"}
    assert {a.source_id for a in articles} == {source.id}
    source = sources.get_source(db.session, source.id)
    assert (source.items_found, source.items_ingested, source.items_skipped) == (3, 2, 1)
    assert db.session.scalar(select(func.count(Article.id))) == 2
