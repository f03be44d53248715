"""Rate-limit counts shared by every worker: the SQLite storage for `limits`, and its choice."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from factcheck.ratelimit import SQLiteStorage, storage_uri
from tests.conftest import make_app


def test_two_workers_share_one_count(tmp_path):
    uri = f"sqlite:///{tmp_path / 'ratelimit.sqlite3'}"
    first, second = storage_from_string(uri), storage_from_string(uri)  # two processes' views
    assert isinstance(first, SQLiteStorage)
    limit = parse("3 per minute")
    workers = [FixedWindowRateLimiter(first), FixedWindowRateLimiter(second)]
    hits = [workers[n % 2].hit(limit, "reader:10.0.0.1") for n in range(4)]
    assert hits == [True, True, True, False]
    assert workers[1].hit(limit, "reader:10.0.0.2")  # another address has its own count
    assert first.get_expiry("LIMITER/reader:10.0.0.1/3/1/minute") > time.time()


def test_concurrent_hits_are_all_counted(tmp_path):
    storage = SQLiteStorage(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda _: storage.incr("k", 60), range(200)))
    assert storage.get("k") == 200


def test_a_window_ends_and_counting_starts_again(tmp_path):
    storage = SQLiteStorage(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    assert storage.incr("k", 1) == 1 and storage.incr("k", 1) == 2
    time.sleep(1.1)
    assert storage.get("k") == 0 and storage.incr("k", 1) == 1
    storage.clear("k")
    assert storage.get("k") == 0 and storage.check()


def test_the_store_follows_the_database_and_the_job_engine(tmp_path):
    instance = str(tmp_path / "instance")
    base = {"JOBS_URL": None, "SQLALCHEMY_DATABASE_URI": "sqlite://"}
    assert storage_uri(base, instance) == "memory://"  # one process holds that database
    on_file = {**base, "SQLALCHEMY_DATABASE_URI": "sqlite:////srv/desk/factcheck.sqlite3"}
    assert storage_uri(on_file, instance) == "sqlite:////srv/desk/ratelimit.sqlite3"
    pg = {
        "JOBS_URL": "sqlite:////srv/jobs/jobs.sqlite3",
        "SQLALCHEMY_DATABASE_URI": "postgresql://h/d",
    }
    assert storage_uri(pg, instance) == "sqlite:////srv/jobs/ratelimit.sqlite3"
    redis = {**pg, "JOBS_URL": "redis://broker:6379/0"}
    assert storage_uri(redis, instance) == "redis://broker:6379/0"


def test_an_app_on_a_database_file_counts_in_a_file_beside_it(tmp_path):
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'desk.sqlite3'}")
    assert app.config["RATELIMIT_STORAGE_URI"] == f"sqlite:///{tmp_path / 'ratelimit.sqlite3'}"
    explicit = make_app(tmp_path, RATELIMIT_STORAGE_URI="memory://")
    assert explicit.config["RATELIMIT_STORAGE_URI"] == "memory://"
