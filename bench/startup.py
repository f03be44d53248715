"""Benchmark: how long a restarted gunicorn takes to serve, and to be warm.

Starts gunicorn with gunicorn.conf.py (one worker by default) on a temporary SQLite database
holding the demo's claims as ordinary checks, then prints the seconds until GET /login first
answers 200 (serving) and until the worker logs "ready" (parser, model and vector index
loaded). Run it twice: the second run is the restart (the ONNX export is cached in the
instance folder by then). `python -m bench.startup [--workers N] [--runs N]`.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from factcheck import create_app
from factcheck.extensions import db, get_matcher
from factcheck.services.demo import load_samples

ROOT = Path(__file__).resolve().parents[1]


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def one_start(database: Path, folder: Path, workers: int) -> tuple[float, float]:
    """Return (seconds to the first 200 on /login, seconds to the worker's "ready" line)."""
    port = _port()
    env = {
        **os.environ,
        "FACTCHECK_DATABASE_URL": f"sqlite:///{database}",
        "FACTCHECK_SECRET_KEY": "bench",
        "FACTCHECK_JOBS_URL": f"sqlite:///{folder / 'jobs.sqlite3'}",
    }
    log = folder / f"gunicorn-{port}.log"
    started = time.perf_counter()
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "--config",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    serving = ready = None
    try:
        while time.perf_counter() - started < 600 and (serving is None or ready is None):
            if serving is None:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/login") as response:
                        if response.status == 200:
                            serving = time.perf_counter() - started
                except (urllib.error.URLError, ConnectionError):
                    pass
            if ready is None and "ready in" in log.read_text():
                ready = time.perf_counter() - started
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=60)
    if serving is None or ready is None:
        sys.exit(f"gunicorn did not start in time; its log:\n{log.read_text()}")
    return serving, ready


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        database = folder / "bench.sqlite3"
        app = create_app(
            {"SECRET_KEY": "bench", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"}
        )
        with app.app_context():
            db.create_all()
            load_samples(db.session, get_matcher())
            db.engine.dispose()
        print(f"load average {os.getloadavg()[0]:.1f}; {args.workers} worker(s)")
        for run in range(1, args.runs + 1):
            serving, ready = one_start(database, folder, args.workers)
            print(f"start {run}: serving after {serving:.1f} s, warm after {ready:.1f} s")


if __name__ == "__main__":
    main()
