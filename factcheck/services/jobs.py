"""Job records: what was asked, who runs it, how it went. The engine only carries job ids.

A consumer claims a job (queued -> running) in one UPDATE before running it, so a message
delivered twice runs the job once; a running job whose consumer stopped beating (killed,
machine lost) is queued again, and its work is idempotent (articles are known by URL and
text hash, deliveries by their lease), so nothing is lost and nothing is done twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, false, func, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from factcheck.models import Job, JobStatus, Role, User, as_utc, utcnow, valid_id
from factcheck.services import audit
from factcheck.services.errors import InvalidInput, NotFound
from factcheck.services.transaction import transaction

MAX_ERROR_CHARS = 4000


def create_job(
    session: Session,
    name: str,
    args: dict[str, Any],
    *,
    key: str | None = None,
    run_after: datetime | None = None,
    max_attempts: int = 3,
    created_by: User | None = None,
) -> tuple[Job, bool]:
    """Queue job NAME(ARGS) and commit; return it and whether a message must be sent.

    With KEY, a job with that key still queued is reused (moved earlier if RUN_AFTER is).
    """
    (queued,) = create_jobs(
        session,
        name,
        [(args, key)],
        run_after=run_after,
        max_attempts=max_attempts,
        created_by=created_by,
    )
    return queued


def create_jobs(
    session: Session,
    name: str,
    items: Sequence[tuple[dict[str, Any], str | None]],
    *,
    run_after: datetime | None = None,
    max_attempts: int = 3,
    created_by: User | None = None,
) -> list[tuple[Job, bool]]:
    """Queue a job NAME(ARGS) for each (ARGS, KEY) of ITEMS in one commit (see create_job)."""
    run_after = run_after or utcnow()
    queued = []
    with transaction(session):
        for args, key in items:
            existing = None
            if key is not None:
                existing = session.scalar(
                    select(Job)
                    .where(Job.key == key, Job.status == JobStatus.QUEUED)
                    .order_by(Job.id)
                    .limit(1)
                )
            if existing is not None:
                earlier = run_after < as_utc(existing.run_after)
                if earlier:
                    existing.run_after = run_after
                queued.append((existing, earlier))
                continue
            job = Job(
                name=name,
                args=args,
                key=key,
                run_after=run_after,
                max_attempts=max_attempts,
                created_by=created_by,
            )
            session.add(job)
            queued.append((job, True))
    return queued


def seconds_until_due(job: Job) -> float:
    """Return how long until JOB may run (0 when due)."""
    return max(0.0, (as_utc(job.run_after) - utcnow()).total_seconds())


def _queued_due(now: datetime) -> tuple:
    """The conditions of a job a consumer may take at NOW."""
    return (Job.status == JobStatus.QUEUED, Job.run_after <= now)


def _running_on(worker: str, now: datetime) -> dict[str, Any]:
    """The columns of a job WORKER takes at NOW."""
    return {
        "status": JobStatus.RUNNING,
        "worker": worker,
        "heartbeat_at": now,
        "started_at": now,
        "attempts": Job.attempts + 1,
    }


def claim(session: Session, job_id: int, worker: str) -> Job | None:
    """Mark the job running on WORKER and commit; None if it is not queued and due."""
    with transaction(session):
        now = utcnow()
        taken = session.execute(
            update(Job)
            .where(Job.id == job_id, *_queued_due(now))
            .values(_running_on(worker, now))
            .execution_options(synchronize_session=False)
        ).rowcount  # the commit expires all
    return session.get(Job, job_id) if taken == 1 else None


def claim_more(session: Session, name: str, worker: str, *, limit: int) -> list[Job]:
    """Mark up to LIMIT more queued, due jobs called NAME (oldest first) running on WORKER, and
    commit; return them. It takes at most half of those waiting, so that other consumers get
    work too (two queued jobs go to two consumers); one another consumer claims meanwhile is
    left to it."""
    with transaction(session):
        now = utcnow()
        waiting = session.scalar(
            select(func.count(Job.id)).where(Job.name == name, *_queued_due(now))
        )
        limit = min(limit, waiting // 2)
        if limit < 1:
            return []
        due = select(Job.id).where(Job.name == name, *_queued_due(now)).order_by(Job.id)
        taken = session.scalars(
            update(Job)
            .where(Job.id.in_(due.limit(limit).scalar_subquery()), Job.status == JobStatus.QUEUED)
            .values(_running_on(worker, now))
            .returning(Job.id)
            .execution_options(synchronize_session=False)
        ).all()
    return [session.get(Job, job_id) for job_id in sorted(taken)]


def record_progress(engine: Engine, job_id: int, *, done: int, total: int) -> None:
    """Write how far job JOB_ID is, in a transaction of its own on ENGINE (not the session's,
    which holds the job's uncommitted work)."""
    with engine.begin() as connection:
        connection.execute(
            update(Job).where(Job.id == job_id).values(progress={"done": done, "total": total})
        )


def finish(session: Session, *done: tuple[Job, dict[str, Any] | None]) -> None:
    """Record that each job of DONE succeeded, with its result, and commit once (a batch's
    jobs together: each commit waits for the database's write lock)."""
    with transaction(session):
        for job, result in done:
            job.status, job.result, job.error = JobStatus.DONE, result, None
            job.finished_at, job.heartbeat_at = utcnow(), None


def backoff(attempts: int, base_seconds: float) -> timedelta:
    """Return the wait after the ATTEMPTS-th failure: BASE, doubled each time, up to an hour."""
    return timedelta(seconds=min(3600.0, base_seconds * 2 ** max(0, attempts - 1)))


def fail(
    session: Session, job: Job, error: str, *, permanent: bool, retry_base_seconds: float
) -> Job:
    """Record JOB's failure and commit: queued again after a backoff, or failed for good."""
    with transaction(session):
        job.error, job.heartbeat_at = error[:MAX_ERROR_CHARS], None
        if permanent or job.attempts >= job.max_attempts:
            job.status, job.finished_at = JobStatus.FAILED, utcnow()
        else:
            job.status = JobStatus.QUEUED
            job.run_after = utcnow() + backoff(job.attempts, retry_base_seconds)
    return job


def heartbeat(session: Session, worker: str) -> int:
    """Tell that WORKER still runs its jobs; return how many."""
    with transaction(session):
        beaten = session.execute(
            update(Job)
            .where(Job.status == JobStatus.RUNNING, Job.worker == worker)
            .values(heartbeat_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
    return beaten


def requeue_abandoned(
    session: Session, *, silent_since: datetime, dead_workers: frozenset[str] = frozenset()
) -> list[int]:
    """Queue again the running jobs of DEAD_WORKERS and of workers silent since then; commit.

    The interrupted attempt does not count against the job's attempts.
    """
    with transaction(session):
        abandoned = list(
            session.scalars(
                select(Job).where(
                    Job.status == JobStatus.RUNNING,
                    or_(
                        Job.heartbeat_at.is_(None),
                        Job.heartbeat_at < silent_since,
                        Job.worker.in_(dead_workers) if dead_workers else false(),
                    ),
                )
            )
        )
        for job in abandoned:
            job.status, job.worker, job.heartbeat_at = JobStatus.QUEUED, None, None
            job.attempts = max(0, job.attempts - 1)
            job.run_after = utcnow()
    return [job.id for job in abandoned]


def running_workers(session: Session) -> set[str]:
    """Return the workers that have running jobs."""
    return set(
        session.scalars(
            select(Job.worker)
            .where(Job.status == JobStatus.RUNNING, Job.worker.is_not(None))
            .distinct()
        )
    )


def overdue(session: Session, *, due_before: datetime, limit: int = 1000) -> list[int]:
    """Return queued jobs that were due before DUE_BEFORE (their message may be lost)."""
    return list(
        session.scalars(
            select(Job.id)
            .where(Job.status == JobStatus.QUEUED, Job.run_after < due_before)
            .order_by(Job.run_after)
            .limit(limit)
        )
    )


def retry(session: Session, job_id: int, *, actor: User | None = None) -> Job:
    """Queue a failed job again with a fresh round of attempts, and commit."""
    with transaction(session):
        job = get_job(session, job_id)
        if job.status is not JobStatus.FAILED:
            raise InvalidInput(f"Job {job.id} is {job.status.value}; only failed jobs are retried.")
        job.status, job.attempts, job.run_after, job.finished_at = (
            JobStatus.QUEUED,
            0,
            utcnow(),
            None,
        )
        audit.record(session, actor, "job.retried", "job", job.id, name=job.name)
    return job


def may_see(job: Job, user: User) -> bool:
    """Return whether USER may follow JOB: whoever started it, and admins."""
    return job.created_by_id == user.id or user.role is Role.ADMIN


def public_error(job: Job) -> str | None:
    """Return the last line of JOB's error while it matters (never a server traceback)."""
    if job.error and job.status in (JobStatus.FAILED, JobStatus.QUEUED):
        return job.error.strip().splitlines()[-1][:1000]
    return None


def get_job(session: Session, job_id: int) -> Job:
    job = session.get(Job, job_id) if valid_id(job_id) else None
    if job is None:
        raise NotFound(f"There is no job with id {job_id}.")
    return job


def list_jobs(
    session: Session, *, statuses: tuple[JobStatus, ...] = (), limit: int = 50
) -> list[Job]:
    """Return jobs in STATUSES (all when empty), newest first."""
    query = select(Job).order_by(Job.id.desc()).limit(limit)
    if statuses:
        query = query.where(Job.status.in_(statuses))
    return list(session.scalars(query))


def counts(session: Session) -> dict[JobStatus, int]:
    """Return how many jobs are in each status."""
    found = dict(session.execute(select(Job.status, func.count()).group_by(Job.status)).all())
    return {status: found.get(status, 0) for status in JobStatus}


def prune(session: Session, *, finished_before: datetime) -> int:
    """Delete jobs that finished well (done) before FINISHED_BEFORE; commit; return how many."""
    with transaction(session):
        removed = session.execute(
            delete(Job)
            .where(Job.status == JobStatus.DONE, Job.finished_at < finished_before)
            .execution_options(synchronize_session=False)
        ).rowcount
    return removed
