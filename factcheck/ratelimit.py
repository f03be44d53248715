"""Rate-limit counts every gunicorn worker shares, on the stores the project already has.

Flask-Limiter counts with the `limits` library, which keeps counts in memory (per process),
Redis, Memcached or MongoDB. With the job engine on Redis the counts go there too; the
embedded default has no server, so this adds a `sqlite:///PATH` storage for `limits` (fixed
windows: a count and its expiry per key) that the workers of one machine share.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar

from limits.storage import Storage

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS ratelimit "
    "(key TEXT PRIMARY KEY, count INTEGER NOT NULL, expires REAL NOT NULL)"
)
# One statement, so two workers counting the same key at once never lose a hit.
_INCREMENT = (
    "INSERT INTO ratelimit (key, count, expires) VALUES (:key, :amount, :expires) "
    "ON CONFLICT (key) DO UPDATE SET "
    "count = CASE WHEN expires <= :now THEN :amount ELSE count + :amount END, "
    "expires = CASE WHEN expires <= :now THEN :expires ELSE expires END "
    "RETURNING count"
)
_PRUNE_EVERY = 500  # increments between deletions of expired keys


class SQLiteStorage(Storage):
    """Counts in a SQLite file (WAL), shared by the processes of one machine."""

    STORAGE_SCHEME: ClassVar[list[str]] = ["sqlite"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: Any):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self.path = (uri or "").removeprefix("sqlite:///")
        if not self.path:
            raise ValueError("The rate-limit storage needs a file: sqlite:///PATH.")
        self._increments = itertools.count()
        self._local = threading.local()
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        connection = self._connection()
        if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            connection.execute("PRAGMA journal_mode=WAL")  # kept in the file
        connection.execute(_SCHEMA)

    def _connection(self) -> sqlite3.Connection:
        """Return this thread's connection (opened once: a hit is then one statement)."""
        # A forked process (gunicorn with preload_app) must not use its parent's connection.
        if getattr(self._local, "pid", None) != os.getpid():
            connection = sqlite3.connect(self.path, timeout=10.0, isolation_level=None)
            # Counts are worth nothing after a crash: no waiting for the disk on each hit.
            connection.execute("PRAGMA synchronous=OFF")
            self._local.connection, self._local.pid = connection, os.getpid()
        return self._local.connection

    @property
    def base_exceptions(self) -> type[Exception]:
        return sqlite3.Error

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        connection = self._connection()
        # fetchall: the statement, and with it the write, ends before the next one.
        ((count,),) = connection.execute(
            _INCREMENT, {"key": key, "amount": amount, "expires": now + expiry, "now": now}
        ).fetchall()
        if next(self._increments) % _PRUNE_EVERY == 0:
            connection.execute("DELETE FROM ratelimit WHERE expires <= ?", (now,))
        return int(count)

    def get(self, key: str) -> int:
        row = (
            self._connection()
            .execute(
                "SELECT count FROM ratelimit WHERE key = ? AND expires > ?", (key, time.time())
            )
            .fetchone()
        )
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        now = time.time()
        row = (
            self._connection()
            .execute("SELECT expires FROM ratelimit WHERE key = ? AND expires > ?", (key, now))
            .fetchone()
        )
        return float(row[0]) if row else now

    def check(self) -> bool:
        try:
            self._connection().execute("SELECT 1 FROM ratelimit LIMIT 1").fetchall()
        except sqlite3.Error:
            return False
        return True

    def reset(self) -> int | None:
        return self._connection().execute("DELETE FROM ratelimit").rowcount

    def clear(self, key: str) -> None:
        self._connection().execute("DELETE FROM ratelimit WHERE key = ?", (key,))


def storage_uri(config: Mapping[str, Any], instance_path: str) -> str:
    """Return where rate-limit counts live when RATELIMIT_STORAGE_URI is not set.

    The job engine's Redis when it has one; else a SQLite file beside the SQLite database (or
    beside the jobs file, with PostgreSQL); memory for an in-memory database, which one
    process holds anyway.
    """
    jobs = config.get("JOBS_URL") or ""
    if jobs.startswith(("redis://", "rediss://", "unix://")):
        return jobs
    database = str(config["SQLALCHEMY_DATABASE_URI"])
    if database in ("sqlite://", "sqlite:///:memory:"):
        return "memory://"
    if database.startswith("sqlite:///") and "mode=memory" not in database:
        path = database.removeprefix("sqlite:///").removeprefix("file:").split("?", 1)[0]
        folder = Path(path).parent
    elif jobs.startswith("sqlite:///"):
        folder = Path(jobs.removeprefix("sqlite:///")).parent
    else:
        folder = Path(instance_path)
    return f"sqlite:///{folder / 'ratelimit.sqlite3'}"
