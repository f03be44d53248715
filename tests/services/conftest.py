"""Fixtures for the job engine's tests: an app on a file database and a wait for jobs."""

from __future__ import annotations

import time

import pytest

from factcheck.extensions import db
from factcheck.models import Job, JobStatus
from tests.conftest import make_app


@pytest.fixture
def jobs_app(tmp_path, database_url):
    """An app on a file database (the consumer has its own connections), fast retries."""
    if database_url == "sqlite://":
        database_url = f"sqlite:///{tmp_path / 'jobs-app.sqlite3'}"
    app = make_app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI=database_url,
        JOBS_RETRY_BASE_SECONDS=0.2,
        FETCH_ALLOW_HOSTS="127.0.0.1",
        FETCH_MIN_INTERVAL_SECONDS=0.0,
        FETCH_READ_TIMEOUT_SECONDS=5.0,
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def wait_for_jobs(*ids: int, timeout: float = 120.0) -> list[Job]:
    deadline = time.monotonic() + timeout
    while True:
        db.session.expire_all()
        jobs = [db.session.get(Job, job_id) for job_id in ids]
        if all(job.status in (JobStatus.DONE, JobStatus.FAILED) for job in jobs):
            return jobs
        assert time.monotonic() < deadline, [(j.id, j.status, j.error) for j in jobs]
        time.sleep(0.1)
