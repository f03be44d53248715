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
import traceback
from collections.abc import Callable
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
JobFunction = Callable[..., dict[str, Any] | None]


def make_huey(url: str | None, instance_path: str) -> Huey:
    """Return Huey on URL: redis://... (shared broker) or sqlite:///PATH (a file, the default)."""
    url = url or f"sqlite:///{Path(instance_path) / 'jobs.sqlite3'}"
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
        self.huey = make_huey(config["JOBS_URL"], app.instance_path)
        self.retry_base_seconds = float(config["JOBS_RETRY_BASE_SECONDS"])
        self.heartbeat_seconds = float(config["JOBS_HEARTBEAT_SECONDS"])
        self.silent_after = timedelta(seconds=float(config["JOBS_SILENT_AFTER_SECONDS"]))
        self._run = self.huey.task(name="factcheck.run_job")(self.run_job)
        self.huey.periodic_task(crontab(minute="*"), name="factcheck.upkeep")(self.upkeep)

    # Producing -----------------------------------------------------------------------------

    def enqueue(self, name: str, args: dict[str, Any] | None = None, *, key: str | None = None,
                delay: float = 0.0, created_by: User | None = None,
                max_attempts: int | None = None) -> Job:
        """Record job NAME(ARGS), committed, and hand its id to the engine; return the job."""
        if name not in self.functions:
            raise ValueError(f"Unknown job {name!r}.")
        job, send = job_service.create_job(
            db.session, name, args or {}, key=key, created_by=created_by,
            run_after=utcnow() + timedelta(seconds=delay),
            max_attempts=max_attempts or int(self.app.config["JOBS_MAX_ATTEMPTS"]))
        if send:
            self.send(job.id, delay=delay)
        return job

    def send(self, job_id: int, *, delay: float = 0.0) -> None:
        """Hand JOB_ID to the engine (to run after DELAY seconds)."""
        if delay > 0:
            self._run.schedule(args=(job_id,), delay=delay)
        else:
            self._run(job_id)

    # Consuming -----------------------------------------------------------------------------

    def run_job(self, job_id: int) -> None:
        """Run job JOB_ID if it is still queued (a consumer's worker calls this)."""
        with self.app.app_context():
            session = db.session
            try:
                job = job_service.claim(session, job_id, worker_name())
                if job is None:
                    return  # done, running elsewhere, or not due yet: a duplicate message
                try:
                    result = self.functions[job.name](**job.args)
                except Exception as exc:  # noqa: BLE001  (recorded on the job for people)
                    session.rollback()
                    job = session.get(Job, job_id)
                    permanent = isinstance(exc, ServiceError) and not exc.transient
                    message = (exc.message if isinstance(exc, ServiceError)
                               else "".join(traceback.format_exception(exc)))
                    log.warning("Job %s (%s) failed: %s", job_id, job.name,
                                message.splitlines()[-1] if message else exc)
                    job = job_service.fail(session, job, message, permanent=permanent,
                                           retry_base_seconds=self.retry_base_seconds)
                    if job.status is JobStatus.QUEUED:
                        self.send(job.id, delay=job_service.seconds_until_due(job))
                    return
                job_service.finish(session, job, result)
            finally:
                session.remove()

    def upkeep(self) -> None:
        """Every minute: requeue jobs of dead consumers, resend lost messages, drop old rows,
        and run the job functions marked every_minute (they only queue other jobs)."""
        with self.app.app_context():
            try:
                self.recover()
                job_service.prune(db.session, finished_before=utcnow() - timedelta(
                    days=float(self.app.config["JOBS_KEEP_DAYS"])))
                for name, function in self.functions.items():
                    if getattr(function, "every_minute", False):
                        try:
                            function()
                        except Exception:  # noqa: BLE001  (the next minute tries again)
                            db.session.rollback()
                            log.exception("Upkeep step %s failed", name)
            finally:
                db.session.remove()

    def recover(self) -> list[int]:
        """Requeue abandoned jobs and resend messages for overdue ones; return their ids."""
        session = db.session
        dead = _dead_local_workers(job_service.running_workers(session))
        requeued = job_service.requeue_abandoned(
            session, silent_since=utcnow() - self.silent_after, dead_workers=dead)
        overdue = job_service.overdue(session, due_before=utcnow() - timedelta(seconds=30))
        if overdue:
            pending = {task.args[0] for task in self.huey.pending() + self.huey.scheduled()
                       if task.args}
            requeued += [job_id for job_id in overdue if job_id not in pending]
        for job_id in dict.fromkeys(requeued):
            self.send(job_id)
        if requeued:
            log.warning("Requeued jobs %s (their consumer stopped or their message was lost)",
                        requeued)
        return requeued

    def consumer(self, *, workers: int = 1, periodic: bool = True) -> Consumer:
        """Return a Huey consumer for this engine (not started)."""
        return self.huey.create_consumer(workers=workers, worker_type="thread",
                                         periodic=periodic, max_delay=1.0,
                                         check_worker_health=True)

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
                except Exception:  # noqa: BLE001  (the next beat tries again)
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


def every_minute(function: JobFunction) -> JobFunction:
    """Mark a job function to be queued once a minute by the upkeep (e.g. polling feeds)."""
    function.every_minute = True  # type: ignore[attr-defined]
    return function


def get_engine() -> JobEngine:
    """Return the current app's job engine."""
    return current_app.extensions[ENGINE_KEY]


def init_app(app: Flask) -> None:
    from factcheck.jobs import JOBS  # the job functions call services, which never import this

    app.extensions[ENGINE_KEY] = JobEngine(app, JOBS)
