"""Job consumers as real processes: killed with -9, on Redis beside another, beside gunicorn."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from factcheck import create_app
from factcheck.extensions import db, get_matcher
from factcheck.job_engine import BackgroundConsumer, get_engine
from factcheck.models import Article, ArticleUrl, DeliveryStatus, Job, JobStatus, WebhookDelivery
from factcheck.services import webhooks
from factcheck.services.articles import ingest_article
from factcheck.services.reviews import SourceInput, record_verdict
from factcheck.services.users import create_user
from tests.http_server import Reply, Site, article_html
from tests.services.test_webhooks import ALLOWED, SECRET, Receiver

# The consumers and gunicorn are processes of their own, running the real model.
pytestmark = pytest.mark.model
ROOT = Path(__file__).resolve().parents[1]
SENTENCES = [
    "Crime fell {n} percent in Riverton last year, the mayor said on Tuesday.",
    "The city hired {n} new police officers in 2023, according to the budget office.",
    "Unemployment in district {n} rose to 5.2 percent, the highest level since 2015.",
]


def page(number: int) -> bytes:
    return article_html(f"Story {number}", [s.format(n=number + 3) for s in SENTENCES])


def settings(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The configuration shared by this process and the consumers, as FACTCHECK_* values."""
    return {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.sqlite3'}",
        "SECRET_KEY": "jobs",
        "JOBS_URL": f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
        "FETCH_ALLOW_HOSTS": "127.0.0.1",
        "FETCH_MIN_INTERVAL_SECONDS": "0",
        "JOBS_HEARTBEAT_SECONDS": "1",
        **extra,
    }


def local_app(config: dict[str, str]):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": config["DATABASE_URL"],
            **{k: v for k, v in config.items() if k != "DATABASE_URL"},
        }
    )
    app.config["FETCH_MIN_INTERVAL_SECONDS"] = 0.0
    return app


class ConsumerProcess:
    """`flask jobs work` in a process of its own, ready once it printed its start line."""

    def __init__(self, config: dict[str, str], log: Path) -> None:
        env = {**os.environ, **{f"FACTCHECK_{k}": v for k, v in config.items()}}
        self.log, self._output = log, log.open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "factcheck", "jobs", "work"],
            cwd=ROOT,
            env=env,
            stdout=self._output,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 240) -> None:
        deadline = time.monotonic() + timeout
        while "Job consumer" not in self.log.read_text():
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            assert time.monotonic() < deadline, "the consumer did not start"
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._output.close()


def job_states() -> dict[JobStatus, int]:
    db.session.expire_all()
    return dict(db.session.execute(select(Job.status, func.count()).group_by(Job.status)).all())


def wait_until(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}: {job_states()}"
        time.sleep(0.1)


def test_a_consumer_killed_with_sigkill_loses_no_job_and_duplicates_no_article(tmp_path):
    config = settings(tmp_path)
    app = local_app(config)
    count = 24
    routes = {f"/story/{n}": Reply(page(n), delay=0.25) for n in range(count)}
    with Site(routes) as site, app.app_context():
        db.create_all()
        ids = [
            get_engine().enqueue("ingest_url", {"url": f"{site.url}/story/{n}"}).id
            for n in range(count)
        ]
        ids += [
            get_engine().enqueue("ingest_url", {"url": f"{site.url}/story/{n}?utm_x=1"}).id
            for n in range(0, count, 4)
        ]  # the same stories again, by another link
        first = ConsumerProcess(config, tmp_path / "first.log")
        try:
            first.wait_ready()
            started = next(
                line for line in first.log.read_text().splitlines() if "Job consumer" in line
            )  # what a job uses is loaded before the first one is taken
            for loaded in ("parser", "model", "multilingual encoder", "vector index"):
                assert loaded in started
            wait_until(
                lambda: (
                    job_states().get(JobStatus.DONE, 0) >= 4
                    and job_states().get(JobStatus.RUNNING, 0) >= 1  # a batch, maybe
                ),
                300,
                "a running job",
            )
            db.session.expire_all()
            interrupted = db.session.scalar(select(Job.id).where(Job.status == JobStatus.RUNNING))
            first.process.kill()  # SIGKILL: no clean-up of any kind
        finally:
            first.stop()
        second = ConsumerProcess(config, tmp_path / "second.log")
        try:
            second.wait_ready()
            wait_until(
                lambda: (
                    job_states().get(JobStatus.DONE, 0) + job_states().get(JobStatus.FAILED, 0)
                    == len(ids)
                ),
                600,
                "every job to end",
            )
        finally:
            second.stop()
        db.session.expire_all()
        jobs = db.session.scalars(select(Job)).all()
        assert {job.status for job in jobs} == {JobStatus.DONE}, [j.error for j in jobs]
        assert db.session.get(Job, interrupted).worker.endswith(f":{second.process.pid}")
        assert db.session.scalar(select(func.count(Article.id))) == count
        titles = db.session.scalars(select(Article.title)).all()
        assert sorted(titles) == sorted(f"Story {n}" for n in range(count))
        urls = db.session.scalars(select(ArticleUrl.url)).all()
        assert len(urls) == len(set(urls)) == count
        db.session.remove()
        db.engine.dispose()


def test_consumers_on_redis_share_the_queue(tmp_path, redis_url):
    """Two consumers (another process and this one) on one Redis: each job runs once.

    The first page answers only once the second was asked for, so the two jobs can finish
    only if two consumers work at the same time.
    """
    config = settings(tmp_path, JOBS_URL=redis_url)
    asked_for_second = threading.Event()

    def first_page(seen):
        asked_for_second.wait(timeout=120)
        return Reply(page(0))

    def second_page(seen):
        asked_for_second.set()
        return Reply(page(1))

    app = local_app(config)
    with Site({"/a": first_page, "/b": second_page}) as site, app.app_context():
        db.create_all()
        other = ConsumerProcess(config, tmp_path / "other.log")
        try:
            other.wait_ready()
            engine = get_engine()
            ids = [engine.enqueue("ingest_url", {"url": f"{site.url}/{p}"}).id for p in "ab"]
            with BackgroundConsumer(engine):
                wait_until(lambda: job_states().get(JobStatus.DONE, 0) == 2, 300, "both jobs")
        finally:
            other.stop()
        db.session.expire_all()
        workers = {db.session.get(Job, job_id).worker.rpartition(":")[2] for job_id in ids}
        assert workers == {str(os.getpid()), str(other.process.pid)}
        assert asked_for_second.is_set() and site.paths().count("/a") == 1
        assert db.session.scalar(select(func.count(Article.id))) == 2
        db.session.remove()
        db.engine.dispose()


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_make_runs_gunicorn_and_consumer_send_each_webhook_delivery_once(tmp_path):
    """The processes `make run` starts: gunicorn (two workers) serves, the consumer sends."""
    config = settings(tmp_path)
    app = local_app(config)
    env = {**os.environ, **{f"FACTCHECK_{k}": v for k, v in config.items()}}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with app.app_context(), Receiver() as receiver:
        db.create_all()
        checker = create_user(
            db.session, email="c@example.org", password="long password", role="checker"
        )
        claims = ingest_article(
            db.session,
            get_matcher(),
            title="T",
            body=(
                "Crime fell 8 percent in Riverton. The mayor hired 40 officers. "
                "Taxes rose 3 percent."
            ),
        ).article.claims
        for number in range(2):
            webhooks.create_webhook(
                db.session, url=f"{receiver.url}/{number}", secret=SECRET, policy=ALLOWED
            )
        server = subprocess.Popen(
            [
                str(gunicorn),
                "--config",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{_port()}",
                "--workers",
                "2",
                "--access-logfile",
                "/dev/null",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        consumer = ConsumerProcess(config, tmp_path / "consumer.log")
        try:
            for claim in claims:
                record_verdict(
                    db.session,
                    claim,
                    rating="false",
                    reviewer=checker,
                    conclusion="No.",
                    publish=True,
                    sources=[SourceInput(url="https://stats.example/x")],
                )
            deadline = time.monotonic() + 300
            while len(receiver.received) < 2 * len(claims) and time.monotonic() < deadline:
                assert server.poll() is None, "gunicorn stopped"
                assert consumer.process.poll() is None, consumer.log.read_text()[-3000:]
                time.sleep(0.2)
            time.sleep(1.5)  # time for a duplicate to arrive, if there were one
        finally:
            consumer.stop()
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
        db.session.expire_all()
        rows = db.session.scalars(select(WebhookDelivery)).all()
        assert len(receiver.received) == 2 * len(claims) == len(rows)
        assert all(r["valid"] for r in receiver.received)
        assert all(d.status is DeliveryStatus.DELIVERED and d.attempts == 1 for d in rows)
        db.session.remove()
        db.engine.dispose()
