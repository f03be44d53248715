"""The job engine for real: Huey on a SQLite file, a consumer in threads, jobs as rows."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from factcheck.extensions import db
from factcheck.job_engine import BackgroundConsumer, Batch, get_engine
from factcheck.models import Article, Job, JobStatus, utcnow
from factcheck.services import jobs as job_service
from tests.http_server import Reply, Site, article_html
from tests.services.conftest import wait_for_jobs
from tests.services.test_pages import PARAGRAPHS


def test_a_queued_job_runs_in_the_consumer_and_keeps_its_result(jobs_app):
    with (
        Site({"/story": Reply(article_html("Crime falls", PARAGRAPHS))}) as site,
        BackgroundConsumer(get_engine()),
    ):
        job = get_engine().enqueue("ingest_url", {"url": f"{site.url}/story"})
        assert job.status is JobStatus.QUEUED
        (done,) = wait_for_jobs(job.id)
    assert done.status is JobStatus.DONE and done.attempts == 1 and done.error is None
    article = db.session.get(Article, done.result["articleId"])
    assert article.title == "Crime falls" and done.result["outcome"] == "created"
    assert done.started_at is not None and done.finished_at >= done.started_at


@pytest.mark.slow  # waits out the retry delays
def test_a_failing_job_is_retried_then_failed_with_its_error_and_can_be_retried(jobs_app):
    replies = iter([Reply(b"", 503), Reply(b"", 503), Reply(b"", 503)])

    def flaky(seen):
        return next(replies, Reply(article_html("Crime falls", PARAGRAPHS)))

    with Site({"/story": flaky}) as site, BackgroundConsumer(get_engine()):
        job = get_engine().enqueue("ingest_url", {"url": f"{site.url}/story"}, max_attempts=2)
        (failed,) = wait_for_jobs(job.id)
        assert failed.status is JobStatus.FAILED and failed.attempts == 2
        assert "HTTP 503" in failed.error
        retried = job_service.retry(db.session, job.id)
        get_engine().send(retried.id)
        (done,) = wait_for_jobs(job.id)
    assert done.status is JobStatus.DONE and done.error is None
    assert site.paths().count("/story") == 4  # 2 failures, the third 503, then the page


def test_a_permanent_failure_is_not_retried(jobs_app):
    with Site() as site, BackgroundConsumer(get_engine()):
        job = get_engine().enqueue("ingest_url", {"url": f"{site.url}/missing"})
        (failed,) = wait_for_jobs(job.id)
    assert failed.status is JobStatus.FAILED and failed.attempts == 1
    assert "HTTP 404" in failed.error and site.paths().count("/missing") == 1
    with pytest.raises(Exception, match="only failed jobs"):
        job_service.retry(db.session, job_service.create_job(db.session, "x", {})[0].id)


def test_a_message_delivered_twice_runs_the_job_once(jobs_app):
    with Site({"/story": Reply(article_html("Crime falls", PARAGRAPHS), delay=0.3)}) as site:
        job = get_engine().enqueue("ingest_url", {"url": f"{site.url}/story"})
        for _ in range(3):
            get_engine().send(job.id)
        with BackgroundConsumer(get_engine(), workers=2):
            wait_for_jobs(job.id)
            time.sleep(0.5)  # time for the other messages to be taken (and ignored)
    assert site.paths().count("/story") == 1
    assert db.session.scalar(select(func.count(Article.id))) == 1


def test_jobs_of_a_consumer_that_died_are_queued_again_and_run(jobs_app):
    with Site({"/story": Reply(article_html("Crime falls", PARAGRAPHS))}) as site:
        job = get_engine().enqueue("ingest_url", {"url": f"{site.url}/story"})
        job_service.claim(db.session, job.id, "another-host:4242")  # then it went silent
        db.session.get(Job, job.id).heartbeat_at = utcnow() - timedelta(minutes=10)
        db.session.commit()
        with BackgroundConsumer(get_engine()):  # recovers on start, like `flask jobs work`
            (done,) = wait_for_jobs(job.id)
    assert done.status is JobStatus.DONE and done.attempts == 1


def test_jobs_with_a_key_are_queued_once(jobs_app):
    first = get_engine().enqueue("deliver_webhooks", key="webhooks")
    second = get_engine().enqueue("deliver_webhooks", key="webhooks")
    assert first.id == second.id
    assert job_service.counts(db.session)[JobStatus.QUEUED] == 1


def test_an_import_job_shows_its_progress_while_it_runs(jobs_app):
    text = "\n".join(
        f'{{"text": "Rainfall in district {n} rose {n % 9 + 2} percent.", "rating": "true"}}'
        for n in range(600)
    )
    seen = set()
    with BackgroundConsumer(get_engine()):
        job = get_engine().enqueue("import_claims", {"text": text})
        deadline = time.monotonic() + 300
        while (current := _fresh(job.id)).status is not JobStatus.DONE:
            assert current.status is not JobStatus.FAILED, current.error
            assert time.monotonic() < deadline, current.progress
            if current.status is JobStatus.RUNNING and current.progress:
                seen.add(current.progress["done"])
            time.sleep(0.02)
    assert min(seen) < 600  # seen part way, from another connection, while it ran
    assert current.progress == {"done": 600, "total": 600} and current.result["imported"] == 600


def _fresh(job_id: int) -> Job:
    db.session.expire_all()
    return db.session.get(Job, job_id)


def test_queued_pages_are_taken_in_batches_each_job_settled_on_its_own(jobs_app):
    """A consumer that takes one ingest_url job takes up to 7 more queued ones with it (half of
    those waiting at most): their claims are extracted together, and each job keeps its own
    result or error."""
    stories = {
        f"/story/{n}": Reply(
            article_html(
                f"Story {n}", [f"Riverton's budget grew {n + 2} percent this year.", *PARAGRAPHS]
            )
        )
        for n in range(9)
    }
    stories["/story/3"] = Reply(b"", 404)  # fails for good, alone
    with Site(stories) as site:
        jobs = get_engine().enqueue_many(
            "ingest_url", [({"url": f"{site.url}{path}"}, None) for path in stories]
        )
        get_engine().run_job(jobs[0].id)  # what a consumer does with the first message
        settled = [_fresh(job.id) for job in jobs]
    # With 8 waiting it takes half of them (other consumers get the rest): 5 in the batch.
    done, FAILED = JobStatus.DONE, JobStatus.FAILED
    assert [job.status for job in settled] == [done, done, done, FAILED, done] + [
        JobStatus.QUEUED
    ] * 4
    assert "HTTP 404" in settled[3].error and settled[3].attempts == 1
    articles = {
        db.session.get(Article, job.result["articleId"]).title for job in settled if job.result
    }
    assert articles == {"Story 0", "Story 1", "Story 2", "Story 4"}
    assert {job.worker for job in settled[:5]} == {settled[0].worker}
    # The stories share three sentences: each article has its own claims, each once.
    for job in settled[:5]:
        if job.result:
            article = db.session.get(Article, job.result["articleId"])
            assert len(article.claims) == len({c.text for c in article.claims}) > 0


def test_claiming_more_jobs_takes_only_queued_due_ones_of_that_kind_once(jobs_app):
    engine = get_engine()
    first, *queued = engine.enqueue_many("ingest_url", [({"url": f"u{n}"}, None) for n in range(5)])
    later = engine.enqueue("ingest_url", {"url": "later"}, delay=3600)
    engine.enqueue("deliver_webhooks")
    assert job_service.claim(db.session, first.id, "a:1") is not None
    mine = job_service.claim_more(db.session, "ingest_url", "a:1", limit=8)
    theirs = job_service.claim_more(db.session, "ingest_url", "b:2", limit=8)
    # Half of the 4 due (the delayed one is not), then half of the 2 left; the last stays.
    assert [j.id for j in mine] == [queued[0].id, queued[1].id]
    assert [j.id for j in theirs] == [queued[2].id]
    assert all(j.status is JobStatus.RUNNING for j in mine + theirs)
    assert {j.worker for j in theirs} == {"b:2"} and _fresh(later.id).status is JobStatus.QUEUED
    assert job_service.claim_more(db.session, "ingest_url", "c:3", limit=8) == []
    assert _fresh(queued[3].id).status is JobStatus.QUEUED


def test_a_batch_that_breaks_as_a_whole_runs_its_jobs_one_by_one(jobs_app, monkeypatch):
    def broken(items):
        raise RuntimeError("a bug in the batch itself")

    monkeypatch.setattr(get_engine().functions["ingest_url"], "batch", Batch(broken, size=8))
    stories = {
        f"/s/{n}": Reply(article_html(f"Story {n}", [f"Bats cannot see {n} colours.", *PARAGRAPHS]))
        for n in range(3)
    }
    with Site(stories) as site:
        jobs = get_engine().enqueue_many(
            "ingest_url", [({"url": f"{site.url}{path}"}, None) for path in stories]
        )
        get_engine().run_job(jobs[0].id)  # takes the first and half of the two waiting
    assert [_fresh(job.id).status for job in jobs] == [
        JobStatus.DONE,
        JobStatus.DONE,
        JobStatus.QUEUED,
    ]
