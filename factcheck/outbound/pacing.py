"""At most one request per interval to each host, shared by every process that fetches.

Each caller reserves the host's next free turn and sleeps until it: the turn is kept where
every process of a deployment can see it, in the job engine's storage. On the embedded default
that is the queue's SQLite file (one machine; a transaction per reservation), and with a Redis
broker it is Redis (every machine; an atomic script on the server's clock). `limits`, which
the API's rate limits use, has no SQLite storage and only refuses requests over the limit,
whereas a fetch should wait for its turn, so this is the few lines it takes.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from contextlib import closing
from typing import Protocol

import redis

# Turns further back than this are forgotten (the table only keeps hosts fetched lately).
FORGET_AFTER_SECONDS = 300.0


class Pacer(Protocol):
    def reserve(self, host: str) -> float:
        """Take HOST's next turn; return the seconds to wait for it (0: go now)."""

    def close(self) -> None: ...


class LocalPacer:
    """Turns kept in this process (tests, or a fetcher with no job engine beside it)."""

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def reserve(self, host: str) -> float:
        with self._lock:
            now = time.monotonic()
            turn = max(now, self._next.get(host, now))
            self._next[host] = turn + self.interval
        return turn - now

    def close(self) -> None:
        pass


class SqlitePacer:
    """Turns kept in a table of a SQLite file (the job queue's), shared by its processes."""

    def __init__(self, path: str, interval: float) -> None:
        self.path, self.interval = path, interval
        with closing(self._connect()) as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS factcheck_fetch_turn "
                "(host TEXT PRIMARY KEY, next_at REAL NOT NULL)"
            )

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        conn.execute("PRAGMA synchronous=OFF")  # a turn lost in a crash costs nothing
        return conn

    def reserve(self, host: str) -> float:
        with closing(self._connect()) as conn:
            conn.execute("BEGIN IMMEDIATE")  # one reservation at a time, across processes
            try:
                now = time.time()
                row = conn.execute(
                    "SELECT next_at FROM factcheck_fetch_turn WHERE host = ?", (host,)
                ).fetchone()
                turn = max(now, row[0] if row else now)
                conn.execute(
                    "INSERT INTO factcheck_fetch_turn (host, next_at) VALUES (?, ?) "
                    "ON CONFLICT (host) DO UPDATE SET next_at = excluded.next_at",
                    (host, turn + self.interval),
                )
                conn.execute(
                    "DELETE FROM factcheck_fetch_turn WHERE next_at < ?",
                    (now - FORGET_AFTER_SECONDS,),
                )
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return turn - now

    def close(self) -> None:
        pass


# KEYS[1]: the host's key; ARGV[1]: the interval in microseconds. Returns the wait in µs.
_RESERVE = """
local now = redis.call('TIME')
now = tonumber(now[1]) * 1000000 + tonumber(now[2])
local turn = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
local after = turn + tonumber(ARGV[1])
redis.call('SET', KEYS[1], string.format('%.0f', after), 'PX',
           math.ceil((after - now) / 1000) + 1000)
return turn - now
"""


class RedisPacer:
    """Turns kept in Redis (the job broker), shared by every machine's processes."""

    def __init__(self, url: str, interval: float) -> None:
        self.interval = interval
        self.client = redis.Redis.from_url(url)
        self._reserve = self.client.register_script(_RESERVE)

    def reserve(self, host: str) -> float:
        waited = self._reserve(
            keys=[f"factcheck:fetch-turn:{host}"], args=[round(self.interval * 1_000_000)]
        )
        return int(waited) / 1_000_000

    def close(self) -> None:
        self.client.close()


def pacer_for(storage_url: str | None, interval: float) -> Pacer:
    """Return the pacer keeping turns in STORAGE_URL (the job engine's), or in this process."""
    if storage_url and storage_url.startswith(("redis://", "rediss://", "unix://")):
        return RedisPacer(storage_url, interval)
    if storage_url and storage_url.startswith("sqlite:///"):
        return SqlitePacer(storage_url.removeprefix("sqlite:///"), interval)
    return LocalPacer(interval)
