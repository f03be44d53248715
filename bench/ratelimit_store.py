"""Benchmark: what one rate-limit hit costs in each store Flask-Limiter can count in.

Every API call, login failure and reader's request counts one hit. The default store became
a SQLite file shared by the gunicorn workers (factcheck/ratelimit.py) instead of per-process
memory; this measures a hit (the fixed-window `hit` Flask-Limiter makes) in memory, in the
SQLite file, and in the SQLite file from 2 processes at once (two gunicorn workers).

    python -m bench.ratelimit_store [--hits 5000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

import factcheck.ratelimit  # noqa: F401 (registers the sqlite:// storage)

LIMIT = parse("1000000 per minute")


def run(uri: str, hits: int, key: str) -> list[float]:
    """Return the seconds each of HITS hits on URI took."""
    limiter = FixedWindowRateLimiter(storage_from_string(uri))
    times = []
    for n in range(hits):
        start = time.perf_counter()
        limiter.hit(LIMIT, key, str(n % 50))  # 50 clients
        times.append(time.perf_counter() - start)
    return times


def report(name: str, times: list[float], wall: float) -> None:
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95)]
    print(
        f"{name:28} p50 {statistics.median(ordered) * 1e3:6.3f} ms  p95 {p95 * 1e3:6.3f} ms  "
        f"{len(times) / wall:8.0f} hits/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hits", type=int, default=5000)
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores, {args.hits} hits")
    with tempfile.TemporaryDirectory() as folder:
        sqlite = f"sqlite:///{Path(folder) / 'ratelimit.sqlite3'}"
        for name, uri in (("memory (one process)", "memory://"), ("sqlite file", sqlite)):
            start = time.perf_counter()
            times = run(uri, args.hits, "one")
            report(name, times, time.perf_counter() - start)
        start = time.perf_counter()
        with ProcessPoolExecutor(2) as pool:
            both = list(pool.map(run, [sqlite] * 2, [args.hits] * 2, ["a", "b"]))
        report("sqlite file, 2 processes", both[0] + both[1], time.perf_counter() - start)


if __name__ == "__main__":
    main()
