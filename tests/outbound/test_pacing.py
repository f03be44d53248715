"""One request per interval to a host, shared by processes through the job engine's storage."""

from __future__ import annotations

import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path

import pytest

from factcheck.outbound.pacing import LocalPacer, RedisPacer, SqlitePacer
from tests.http_server import Reply, Site

ROOT = Path(__file__).resolve().parents[2]
INTERVAL = 0.5
PAGES = 3

# A process of the app fetching PAGES pages of one host through its own fetcher (get_fetcher:
# the pacer comes from JOBS_URL, as in a consumer or a web worker), once the go file exists.
FETCHING = """
import sys, time
from pathlib import Path
from factcheck import create_app
from factcheck.extensions import db, get_fetcher

jobs_url, base, go, name, pages = sys.argv[1:]
app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "pace",
                  "JOBS_URL": jobs_url, "FETCH_ALLOW_HOSTS": "127.0.0.1",
                  "FETCH_MIN_INTERVAL_SECONDS": INTERVAL})
with app.app_context():
    db.create_all()  # the fetcher reads the publishing settings (its User-Agent names the site)
    fetcher = get_fetcher()
    print("ready", flush=True)
    while not Path(go).exists():
        time.sleep(0.005)
    for number in range(int(pages)):
        fetcher.get(f"{base}/{name}/{number}")
""".replace("INTERVAL", repr(INTERVAL))


def fetch_in_two_processes(jobs_url: str, tmp_path: Path) -> list[float]:
    """Return when the site saw each request of two processes fetching at the same time."""
    routes = {f"/{name}/{n}": Reply(b"<p>x</p>") for name in "ab" for n in range(PAGES)}
    go = tmp_path / "go"
    with Site(routes) as site:
        processes = [
            subprocess.Popen(
                [sys.executable, "-c", FETCHING, jobs_url, site.url, str(go), name, str(PAGES)],
                cwd=ROOT,
                stdout=subprocess.PIPE,
                text=True,
            )
            for name in "ab"
        ]
        try:
            for process in processes:
                assert process.stdout.readline().strip() == "ready"
            go.touch()  # both start fetching now
            for process in processes:
                assert process.wait(timeout=120) == 0
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                    process.wait()
                process.stdout.close()
        paths = site.paths()
        times = sorted(seen.at for seen in site.seen)
    assert sorted(p for p in paths if p != "/robots.txt") == sorted(routes)
    assert len(times) == 2 + 2 * PAGES  # each process reads robots.txt once, then its pages
    return times


@pytest.mark.slow  # two processes of the app
def test_two_processes_on_the_sqlite_queue_share_the_turns_of_a_host(tmp_path):
    times = fetch_in_two_processes(f"sqlite:///{tmp_path / 'jobs.sqlite3'}", tmp_path)
    assert all(later - earlier >= INTERVAL * 0.9 for earlier, later in pairwise(times)), times


@pytest.mark.slow  # two processes of the app
def test_two_processes_on_redis_share_the_turns_of_a_host(tmp_path, redis_url):
    times = fetch_in_two_processes(redis_url, tmp_path)
    assert all(later - earlier >= INTERVAL * 0.9 for earlier, later in pairwise(times)), times


@pytest.mark.parametrize("kind", ["local", "sqlite", "redis"])
def test_each_reservation_waits_one_interval_more_and_hosts_do_not_wait_for_each_other(
    kind, tmp_path, request
):
    if kind == "redis":
        pacer = RedisPacer(request.getfixturevalue("redis_url"), 10.0)
    elif kind == "sqlite":
        pacer = SqlitePacer(str(tmp_path / "jobs.sqlite3"), 10.0)
    else:
        pacer = LocalPacer(10.0)
    started = time.monotonic()
    waits = [pacer.reserve("a.example") for _ in range(3)]
    other = pacer.reserve("b.example")
    spent = time.monotonic() - started
    pacer.close()
    assert waits[0] == 0.0 and other == 0.0
    # Each turn comes 10 s after the last; a slow machine only shortens what is left to wait.
    assert 10.0 - spent <= waits[1] <= 10.0 and 20.0 - spent <= waits[2] <= 20.0
