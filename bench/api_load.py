"""Benchmark: claims:search under concurrent load, over HTTP, against gunicorn with 2 workers.

A SQLite database of 35,000 claims (the texts of the CheckThat! verified claims, synthetic
sentences when ../shared is absent, with synthetic vectors: only the queries need the model;
every fifth claim has a published verdict) is served by `gunicorn --workers 2` on a loopback
port; a second process runs 16 clients with keep-alive connections for 30 s and the numbers
are printed: p50, p95, requests per second, errors.

    python -m bench.api_load [--claims 35000] [--clients 16] [--seconds 30]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np

from bench.corpus import QUERIES, claim_texts, unit_rows
from bench.timing import ms, percentiles

ROOT = Path(__file__).resolve().parents[1]

MORE_QUERIES = [
    *QUERIES,
    "the minister said taxes will fall next year",
    "a photo shows a shark on a flooded highway",
    "the city has the lowest crime rate in the country",
    "inflation reached 9 percent in June",
]


def build_database(path: Path, n: int) -> str:
    """Fill a SQLite file with N claims (every fifth with a published verdict); return a token."""
    from factcheck import create_app
    from factcheck.extensions import db, get_matcher
    from factcheck.models import Claim, ClaimStatus, Origin, Review, ReviewStatus, utcnow
    from factcheck.services.tokens import create_token
    from factcheck.services.users import create_user

    app = create_app(
        {
            "SECRET_KEY": "bench",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "WEBHOOK_WORKER": False,
        }
    )
    with app.app_context():
        db.create_all()
        name = get_matcher().embedder.name  # the model name only: nothing is encoded here
        now = utcnow()
        vectors = unit_rows(np.random.default_rng(2), n)
        db.session.execute(
            db.insert(Claim),
            [
                {
                    "text": text,
                    "origin": Origin.IMPORT,
                    "embedding": vector.tobytes(),
                    "embedding_model": name,
                    "embedded_at": now,
                    "spans": [],
                    "status": ClaimStatus.PUBLISHED if i % 5 == 0 else ClaimStatus.NEW,
                }
                for i, (text, vector) in enumerate(zip(claim_texts(n), vectors, strict=True))
            ],
        )
        ids = db.session.scalars(db.select(Claim.id).order_by(Claim.id)).all()
        db.session.execute(
            db.insert(Review),
            [
                {
                    "claim_id": claim_id,
                    "rating": "false",
                    "conclusion": "Bench verdict.",
                    "explanation": "",
                    "status": ReviewStatus.PUBLISHED,
                    "published_at": now,
                    "url": f"https://bench.example/fc/{claim_id}",
                    "publisher": "Bench desk",
                }
                for claim_id in ids[::5]
            ],
        )
        db.session.commit()
        create_user(db.session, email="bench@example.org", password="bench password", role="editor")
        token = create_token(
            db.session, email="bench@example.org", name="bench", scope="read"
        ).secret
        db.session.remove()
        db.engine.dispose()
    return token


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(db_path: Path, port: int, workers: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "FACTCHECK_DATABASE_URL": f"sqlite:///{db_path}",
        "FACTCHECK_SECRET_KEY": "bench",
        "FACTCHECK_API_RATE_LIMIT": "10000000 per minute",
        "FACTCHECK_WEBHOOK_WORKER": "false",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return subprocess.Popen(
        [
            str(gunicorn),
            "--config",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "/dev/null",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_ready(url: str, server: subprocess.Popen, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped:\n{server.stderr.read()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/api/v1/openapi.json", timeout=5):
                return
        except OSError:
            time.sleep(0.5)
    raise SystemExit("gunicorn did not answer in time")


def run_clients(url: str, token: str, clients: int, seconds: float) -> dict:
    """Send claims:search from CLIENTS threads for SECONDS; return latencies and errors."""
    parsed = urllib.parse.urlsplit(url)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(number: int) -> None:
        connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
        headers = {"Authorization": f"Bearer {token}"}
        i = number
        while time.monotonic() < deadline:
            query = urllib.parse.quote(MORE_QUERIES[i % len(MORE_QUERIES)])
            i += 1
            start = time.perf_counter()
            try:
                connection.request(
                    "GET", f"/api/v1/claims:search?query={query}&pageSize=10", headers=headers
                )
                response = connection.getresponse()
                body = response.read()
                ok = response.status == 200 and b'"claims"' in body
            except (OSError, http.client.HTTPException) as exc:
                ok, body = False, repr(exc).encode()
                connection.close()
                connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=60)
            elapsed = time.perf_counter() - start
            with lock:
                (latencies if ok else errors).append(elapsed if ok else body[:200].decode())
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "errors": errors, "seconds": seconds}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=35_000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--client", nargs=2, metavar=("URL", "TOKEN"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:  # the load generator: a second process
        print(json.dumps(run_clients(*args.client, args.clients, args.seconds)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        db_path = Path(tmp) / "load.sqlite3"
        start = time.perf_counter()
        token = build_database(db_path, args.claims)
        print(
            f"database of {args.claims:,} claims built in {time.perf_counter() - start:.1f} s",
            flush=True,
        )
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        server = start_gunicorn(db_path, port, args.workers)
        try:
            wait_ready(url, server)
            run_clients(url, token, args.workers * 2, 3.0)  # warm-up: every worker, every path
            result = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--client",
                    url,
                    token,
                    "--clients",
                    str(args.clients),
                    "--seconds",
                    str(args.seconds),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)
    data = json.loads(result.stdout)
    latencies, errors = data["latencies"], data["errors"]
    if not latencies:
        raise SystemExit(f"no successful request; errors: {errors[:3]}")
    p50, p95 = percentiles(latencies)
    print(
        f"claims:search over HTTP, {args.claims:,} claims, gunicorn {args.workers} workers, "
        f"{args.clients} clients for {args.seconds:.0f} s: p50 {ms(p50)}, p95 {ms(p95)}, "
        f"{len(latencies) / args.seconds:.1f} requests/s, {len(errors)} errors"
    )
    if errors:
        print(f"first errors: {errors[:3]}")


if __name__ == "__main__":
    main()
