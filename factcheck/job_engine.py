"""The job engine: Huey on a SQLite file (no server) by default, on Redis to scale out.

Huey carries job ids between processes, schedules retries and runs the periodic upkeep; the
job itself is a row (services/jobs.py) that a consumer claims before running it. Every job
function of factcheck/jobs.py is registered here, in one place.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import RedisHuey, SqliteHuey, crontab
from huey.api import Huey
from huey.consumer import Consumer

from factcheck.extensions import db
from factcheck.models import Job, JobStatus, User, utcnow
from factcheck.services import jobs as job_service
from factcheck.services.errors import ServiceError

log = logging.getLogger(__name__)
ENGINE_KEY = "factcheck.jobs"
_running_job: ContextVar[int | None] = ContextVar("factcheck_running_job", default=None)
JobFunction = Callable[..., dict[str, Any] | None]


def storage_url(config: Mapping[str, Any], instance_path: str) -> str:
    """Return where jobs are kept: JOBS_URL, or the SQLite file in the instance folder."""
    return config["JOBS_URL"] or f"sqlite:///{Path(instance_path) / 'jobs.sqlite3'}"


def make_huey(url: str) -> Huey:
    """Return Huey on URL: redis://... (shared broker) or sqlite:///PATH (a file, the default)."""
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("factcheck", url=url, results=False)
    if url.startswith("sqlite:///"):
        return SqliteHuey("factcheck", filename=url.removeprefix("sqlite:///"), results=False)
    raise ValueError(f"JOBS_URL must be sqlite:///PATH or redis://HOST[:PORT]/DB, not {url!r}.")


def worker_name() -> str:
    """Return this process's name in job rows: host:pid."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _dead_local_workers(workers: set[str]) -> frozenset[str]:
    """Return the WORKERS on this host whose process no longer exists."""
    host, dead = socket.gethostname(), set()
    for worker in workers:
        name, _, pid = worker.rpartition(":")
        if name == host and pid.isdigit() and int(pid) != os.getpid():
            try:
                os.kill(int(pid), 0)
            except ProcessLookupError:
                dead.add(worker)
            except PermissionError:
                pass
    return frozenset(dead)


class JobEngine:
    """Queue jobs from any process of APP; run them in a consumer (`flask jobs work`)."""

    def __init__(self, app: Flask, functions: dict[str, JobFunction]) -> None:
        self.app, self.functions = app, functions
        config = app.config
        self.huey = make_huey(storage_url(config, app.instance_path))
        self.retry_base_seconds = float(config["JOBS_RETRY_BASE_SECONDS"])
        self.heartbeat_seconds = float(config["JOBS_HEARTBEAT_SECONDS"])
        self.silent_after = timedelta(seconds=float(config["JOBS_SILENT_AFTER_SECONDS"]))
        self._run = self.huey.task(name="factcheck.run_job")(self.run_job)
        self.huey.periodic_task(crontab(minute="*"), name="factcheck.upkeep")(self.upkeep)

    # Producing -----------------------------------------------------------------------------

    def enqueue(
        self,
        name: str,
        args: dict[str, Any] | None = None,
        *,
        key: str | None = None,
        delay: float = 0.0,
        created_by: User | None = None,
        max_attempts: int | None = None,
    ) -> Job:
        """Record job NAME(ARGS), committed, and hand its id to the engine; return the job."""
        (job,) = self.enqueue_many(
            name,
            [(args or {}, key)],
            delay=delay,
            created_by=created_by,
            max_attempts=max_attempts,
        )
        return job

    def enqueue_many(
        self,
        name: str,
        items: Sequence[tuple[dict[str, Any], str | None]],
        *,
        delay: float = 0.0,
        created_by: User | None = None,
        max_attempts: int | None = None,
    ) -> list[Job]:
        """Record a job NAME(ARGS) per (ARGS, KEY) of ITEMS in one commit, then hand them
        to the engine; return the jobs."""
        if name not in self.functions:
            raise ValueError(f"Unknown job {name!r}.")
        queued = job_service.create_jobs(
            db.session,
            name,
            items,
            created_by=created_by,
            run_after=utcnow() + timedelta(seconds=delay),
            max_attempts=max_attempts or int(self.app.config["JOBS_MAX_ATTEMPTS"]),
        )
        for job, send in queued:
            if send:
                self.send(job.id, delay=delay)
        return [job for job, _ in queued]

    def send(self, job_id: int, *, delay: float = 0.0) -> None:
        """Hand JOB_ID to the engine (to run after DELAY seconds)."""
        if delay > 0:
            self._run.schedule(args=(job_id,), delay=delay)
        else:
            self._run(job_id)

    # Consuming -----------------------------------------------------------------------------

    def run_job(self, job_id: int) -> None:
        """Run job JOB_ID if it is still queued (a consumer's worker calls this); a job function
        that takes batches (in_batches) gets more queued jobs of its kind with it."""
        with self.app.app_context():
            session = db.session
            try:
                job = job_service.claim(session, job_id, worker_name())
                if job is None:
                    return  # done, running elsewhere, or not due yet: a duplicate message
                function = self.functions[job.name]
                batch: Batch | None = getattr(function, "batch", None)
                more = (
                    job_service.claim_more(session, job.name, worker_name(), limit=batch.size - 1)
                    if batch is not None
                    else []
                )
                if more:
                    self._run_batch(batch, [job, *more])  # type: ignore[arg-type]
                else:
                    self._run_one(function, job)
            finally:
                session.remove()

    def _run_one(self, function: JobFunction, job: Job) -> None:
        running = _running_job.set(job.id)
        try:
            result = function(**job.args)
        except Exception as exc:  # recorded on the job for people
            self._failed(job.id, exc)
            return
        finally:
            _running_job.reset(running)
        job_service.finish(db.session, (job, result))

    def _run_batch(self, batch: Batch, jobs: list[Job]) -> None:
        """Run JOBS in one call of BATCH's function; settle each with its own outcome."""
        try:
            outcomes = batch.run([job.args for job in jobs])
        except Exception:  # the batch as a whole broke: each job on its own, to tell which
            log.exception("A batch of %s jobs failed; running them one by one", len(jobs))
            db.session.rollback()
            for job in jobs:  # still this session's (a rollback only expires them)
                self._run_one(self.functions[job.name], job)
            return
        pairs = list(zip(jobs, outcomes, strict=True))
        done = [(job, outcome) for job, outcome in pairs if not isinstance(outcome, Exception)]
        if done:
            job_service.finish(db.session, *done)
        for job, outcome in pairs:
            if isinstance(outcome, Exception):
                self._failed(job.id, outcome)

    def _failed(self, job_id: int, exc: Exception) -> None:
        """Record EXC on job JOB_ID: queued again after a backoff, or failed for good."""
        session = db.session
        # The job's use cases rolled their own writes back; this ends whatever a failed read
        # left open, so the failure can be recorded (like a request's teardown, the engine is
        # the boundary of a job).
        session.rollback()
        job = session.get(Job, job_id)
        permanent = isinstance(exc, ServiceError) and not exc.transient
        message = (
            exc.message
            if isinstance(exc, ServiceError)
            else "".join(traceback.format_exception(exc))
        )
        log.warning(
            "Job %s (%s) failed: %s", job_id, job.name, message.splitlines()[-1] if message else exc
        )
        job = job_service.fail(
            session,
            job,
            message,
            permanent=permanent,
            retry_base_seconds=self.retry_base_seconds,
        )
        if job.status is JobStatus.QUEUED:
            self.send(job.id, delay=job_service.seconds_until_due(job))

    def upkeep(self) -> None:
        """Every minute: requeue jobs of dead consumers, resend lost messages, drop old rows,
        and run the job functions marked every_minute (they only queue other jobs)."""
        with self.app.app_context():
            try:
                self.recover()
                job_service.prune(
                    db.session,
                    finished_before=utcnow()
                    - timedelta(days=float(self.app.config["JOBS_KEEP_DAYS"])),
                )
                for name, function in self.functions.items():
                    if getattr(function, "every_minute", False):
                        try:
                            function()
                        except Exception:  # the next minute tries again
                            db.session.rollback()  # as in run_job: the step's boundary
                            log.exception("Upkeep step %s failed", name)
            finally:
                db.session.remove()

    def recover(self) -> list[int]:
        """Requeue abandoned jobs and resend messages for overdue ones; return their ids."""
        session = db.session
        dead = _dead_local_workers(job_service.running_workers(session))
        requeued = job_service.requeue_abandoned(
            session, silent_since=utcnow() - self.silent_after, dead_workers=dead
        )
        overdue = job_service.overdue(session, due_before=utcnow() - timedelta(seconds=30))
        if overdue:
            pending = {
                task.args[0] for task in self.huey.pending() + self.huey.scheduled() if task.args
            }
            requeued += [job_id for job_id in overdue if job_id not in pending]
        for job_id in dict.fromkeys(requeued):
            self.send(job_id)
        if requeued:
            log.warning(
                "Requeued jobs %s (their consumer stopped or their message was lost)", requeued
            )
        return requeued

    def consumer(self, *, workers: int = 1, periodic: bool = True) -> Consumer:
        """Return a Huey consumer for this engine (not started)."""
        return self.huey.create_consumer(
            workers=workers,
            worker_type="thread",
            periodic=periodic,
            max_delay=1.0,
            check_worker_health=True,
        )

    def work(self, *, workers: int = 1, periodic: bool = True) -> None:
        """Run a consumer in this process until SIGINT/SIGTERM: recover, beat, consume."""
        with self.app.app_context():
            try:
                self.recover()
            finally:
                db.session.remove()
        beating = Heartbeat(self)
        beating.start()
        try:
            self.consumer(workers=workers, periodic=periodic).run()
        finally:
            beating.stop()


class Heartbeat:
    """Tells, every few seconds, that this process still runs its jobs."""

    def __init__(self, engine: JobEngine) -> None:
        self.engine, self._stop = engine, threading.Event()
        self._thread = threading.Thread(target=self._run, name="job-heartbeat", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self.engine.heartbeat_seconds):
            with self.engine.app.app_context():
                try:
                    job_service.heartbeat(db.session, worker_name())
                except Exception:  # the next beat tries again
                    log.exception("Job heartbeat failed")
                finally:
                    db.session.remove()


class BackgroundConsumer:
    """A consumer in threads of this process, for tests and benchmarks (no signal handlers)."""

    def __init__(self, engine: JobEngine, *, workers: int = 1, periodic: bool = False) -> None:
        self.engine = engine
        self.consumer = engine.consumer(workers=workers, periodic=periodic)
        self.heartbeat = Heartbeat(engine)

    def __enter__(self) -> BackgroundConsumer:
        with self.engine.app.app_context():
            try:
                self.engine.recover()
            finally:
                db.session.remove()
        self.heartbeat.start()
        self.consumer.scheduler.start()
        for _, thread in self.consumer.worker_threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.consumer.stop(graceful=True)
        self.heartbeat.stop()


class Progress:
    """Counts a job's steps (call it with how many were done) and writes them on the job's row
    at most every INTERVAL seconds, on a connection of its own: the job's transaction is not
    committed early, and `flask jobs` shows how far it is."""

    def __init__(self, total: int, *, interval: float = 1.0) -> None:
        self.job_id, self.total, self.done = _running_job.get(), total, 0
        self.interval, self._written_at = interval, float("-inf")
        self._write()

    def __call__(self, steps: int = 1) -> None:
        self.done += steps
        if time.monotonic() - self._written_at >= self.interval or self.done >= self.total:
            self._write()

    def _write(self) -> None:
        if self.job_id is None:  # not in a job (called directly, e.g. by a test)
            return
        job_service.record_progress(db.engine, self.job_id, done=self.done, total=self.total)
        self._written_at = time.monotonic()


def every_minute(function: JobFunction) -> JobFunction:
    """Mark a job function to be queued once a minute by the upkeep (e.g. polling feeds)."""
    function.every_minute = True  # type: ignore[attr-defined]
    return function


@dataclass(frozen=True, slots=True)
class Batch:
    """How a job function takes several queued jobs at once: RUN gets their arguments and
    returns each one's result, or the exception it failed with, in order."""

    run: Callable[[list[dict[str, Any]]], list[dict[str, Any] | Exception | None]]
    size: int


def in_batches(
    run: Callable[[list[dict[str, Any]]], list[dict[str, Any] | Exception | None]], *, size: int
) -> Callable[[JobFunction], JobFunction]:
    """Mark a job function whose queued jobs a consumer may run SIZE at a time through RUN
    (each still a job of its own: claimed, retried and shown one by one)."""

    def mark(function: JobFunction) -> JobFunction:
        function.batch = Batch(run, size)  # type: ignore[attr-defined]
        return function

    return mark


def get_engine() -> JobEngine:
    """Return the current app's job engine."""
    return current_app.extensions[ENGINE_KEY]


def init_app(app: Flask) -> None:
    from factcheck.jobs import JOBS  # the job functions call services, which never import this

    app.extensions[ENGINE_KEY] = JobEngine(app, JOBS)
