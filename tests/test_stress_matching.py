"""Under real concurrent use, every similarity a server shows is the true cosine (issue 11).

A gunicorn server as `make run` starts it (two workers, four threads each) answers searches
over HTTP while, at the same time, articles are ingested over the API, `flask claims import`
writes claims from another process, a checker edits and merges claims in the web UI, claims
are deleted from outside, and each worker is restarted in turn (first with the saved HNSW
graph, then without it). Every similarity returned must be the cosine between the query's
vector and that claim's stored vector, and no claim may appear twice in one answer.
"""

from __future__ import annotations

import http.cookiejar
import itertools
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import bindparam, func, select, text

from factcheck import create_app
from factcheck.extensions import db, get_matcher
from factcheck.matching.embedder import from_blob
from factcheck.matching.lexical import clean_query
from factcheck.models import Claim, ClaimStatus
from factcheck.services.demo import load_samples
from factcheck.services.tokens import create_token
from factcheck.services.users import create_user
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[1]
T0 = time.monotonic()


def trace(what: str) -> None:
    print(f"{time.monotonic() - T0:7.1f} {what}", file=sys.stderr, flush=True)


TOLERANCE = 1e-4

ARTICLES = [
    (
        "Riverton Motors, the joint venture between Riverton and Lakeside, increased its "
        "production capacity by 11% in the first half of the year. The plant makes electric "
        "buses and recently started a new model. Now the buses have local batteries, seats and "
        "windows."
    ),
    (
        "The mayor of Riverton, Ana Ruiz, said unemployment fell to 3.2 percent last year. "
        "She added that the city hired 40 new teachers and opened two libraries."
    ),
    (
        "Lakeside Steel, the largest employer in the region, cut 300 jobs in March. The company "
        "blamed cheap imports and said exports fell by a third."
    ),
    (
        "Riverton's council, which meets on Tuesdays, approved a budget of 12 million dollars. "
        "Councillors said the budget is the largest in a decade and raises park spending by 8%."
    ),
    (
        "The Lakeside ferry carried 1.4 million passengers in 2023. Its operator, Blue Water, "
        "said ticket prices will rise by 5 percent and two new boats will arrive in May."
    ),
    (
        "Riverton Motors raised its output by eleven percent in the first six months. The joint "
        "venture between Riverton and Lakeside now exports buses to four countries."
    ),
]
QUERIES = [
    "Riverton Motors increased its production capacity by 15% in the first half of the year",
    "Riverton Motors is the joint venture between Riverton and Lakeside",
    "unemployment fell to 3 percent in Riverton",
    "the council approved a budget of 12 million dollars",
    "Lakeside Steel cut jobs because of imports",
    "ferry ticket prices will rise",
    "the Millbrook council spent 40 million dollars on roads",
    "new teachers were hired in Riverton",
]
CITIES = [
    "Millbrook",
    "Ashford",
    "Kingsport",
    "Fairview",
    "Oakdale",
    "Brookfield",
    "Clayton",
    "Dunmore",
    "Elmwood",
    "Glenville",
    "Harbor City",
    "Ironwood",
    "Juniper",
    "Kelso",
    "Linden",
]
THINGS = [
    "roads",
    "schools",
    "parks",
    "police",
    "libraries",
    "bridges",
    "hospitals",
    "buses",
    "housing",
    "water pipes",
]


def import_lines() -> list[str]:
    """Return 900 claims to import (JSON lines), one in three with a verdict."""
    lines = []
    for number, (city, thing, year) in enumerate(
        itertools.product(CITIES, THINGS, range(2014, 2020))
    ):
        record = {
            "text": f"The {city} council spent {number % 90 + 3} million dollars on "
            f"{thing} in {year}.",
            "id": f"stress-{number}",
        }
        if number % 3 == 0:
            record |= {
                "rating": ["false", "true", "half-true"][number % 9 // 3],
                "claimant": f"{city} mayor",
                "date": f"{year}-06-01",
            }
        lines.append(json.dumps(record))
    return lines


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    """Return the processes whose parent is PID (gunicorn's workers)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


class Desk:
    """A checker's browser session on the web UI (cookies and CSRF tokens, real HTTP)."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def _token(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=180) as response:
            page = response.read().decode()
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)

    def post(self, path: str, form_page: str, **fields: object) -> int:
        data = urllib.parse.urlencode({"csrf_token": self._token(form_page), **fields}).encode()
        with self.opener.open(self.base + path, data=data, timeout=180) as response:
            return response.status


class Stress:
    """The server, the clients, and what every claim's vector has been during the run."""

    def __init__(self, base: str, tokens: dict[str, str], app) -> None:
        self.base, self.tokens, self.app = base, tokens, app
        self.history: dict[int, list[np.ndarray]] = defaultdict(list)  # vectors before edits
        self.history_lock = threading.Lock()
        self.checked = 0
        self.failures: list[str] = []

    def api(self, method: str, path: str, body: dict | None = None, *, scope: str = "read") -> dict:
        request = urllib.request.Request(
            self.base + path,
            method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={
                "Authorization": f"Bearer {self.tokens[scope]}",
                "Content-Type": "application/json",
            },
        )
        with urllib.request.urlopen(request, timeout=180) as response:
            return json.loads(response.read())

    def stored(self, ids: list[int]) -> dict[int, np.ndarray]:
        """Return the committed vectors of IDS (claims deleted meanwhile are left out)."""
        with self.app.app_context():
            rows = db.session.execute(
                select(Claim.id, Claim.embedding).where(Claim.id.in_(ids))
            ).all()
            db.session.remove()
        return {claim_id: from_blob(blob) for claim_id, blob in rows if blob is not None}

    def search_and_check(self, query: str, *, settled: bool) -> None:
        """Search over HTTP and compare each similarity with the stored vectors.

        While writers run, a claim edited meanwhile may be shown with its vector from before
        the edit (until the worker's next sync); once SETTLED, only the current one counts.
        """
        with self.app.app_context():
            vector = get_matcher().embedder.encode([clean_query(query) or query])[0]
        found = self.api(
            "GET",
            "/api/v1/claims:search?" + urllib.parse.urlencode({"query": query, "pageSize": 10}),
        )["claims"]
        ids = [item["id"] for item in found]
        if len(ids) != len(set(ids)):
            self.failures.append(f"{query!r}: a claim appears twice: {ids}")
        stored = self.stored(ids)
        for item in found:
            versions = [stored[item["id"]]] if item["id"] in stored else []
            if not settled:
                with self.history_lock:
                    versions += self.history.get(item["id"], [])
            true = [float(v @ vector) for v in versions]
            if not any(abs(item["similarity"] - t) <= TOLERANCE for t in true):
                self.failures.append(
                    f"{query!r}: claim {item['id']} ({item['text']!r}) shown "
                    f"at {item['similarity']:.4f}, its cosine is {true}"
                )
        self.checked += len(found)


def start_server(port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    with log.open("wb") as errors:
        server = subprocess.Popen(
            [
                str(gunicorn),
                "--config",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--threads",
                "4",
                "--access-logfile",
                "/dev/null",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
    server.log = log
    return server


def wait_until_serving(server: subprocess.Popen, base: str, workers: int = 2) -> None:
    """Wait until WORKERS workers run and the server answers (each loads the model first)."""
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        assert server.poll() is None, server.log.read_text()[-3000:]
        try:
            with urllib.request.urlopen(f"{base}/login", timeout=5) as response:
                if response.status == 200 and len(children(server.pid)) >= workers:
                    return
        except OSError:  # not listening yet, or the workers are still loading the model
            pass
        time.sleep(0.3)
    pytest.fail("gunicorn did not start serving within 180 s")


def restart_worker(server: subprocess.Popen, base: str) -> None:
    """Stop one worker; gunicorn starts a new one, which loads its index (and graph) afresh."""
    old = sorted(children(server.pid))
    os.kill(old[0], signal.SIGTERM)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        now = children(server.pid)
        if old[0] not in now and len(now) == 2:
            break
        time.sleep(0.2)
    wait_until_serving(server, base)


@pytest.fixture(params=["sqlite", "postgresql"])
def stress_database(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'stress.sqlite3'}"
        return
    postgres = request.getfixturevalue("postgres")
    yield postgres.create_database("stress")
    postgres.drop_database("stress")


@pytest.mark.model
def test_similarities_stay_true_under_concurrent_writers_and_worker_restarts(
    stress_database: str, tmp_path: Path
) -> None:
    graph = tmp_path / "stress.hnsw"
    settings = {
        "FACTCHECK_DATABASE_URL": stress_database,
        "FACTCHECK_SECRET_KEY": "stress",
        # A graph from 500 claims on, so the import makes one and a restarted worker
        # loads it (SQLite); PostgreSQL answers from pgvector's own HNSW index.
        "FACTCHECK_VECTOR_GRAPH_MIN_CLAIMS": "500",
        "FACTCHECK_VECTOR_GRAPH_PATH": str(graph),
        "FACTCHECK_WEBHOOK_WORKER": "false",
        "FACTCHECK_API_RATE_LIMIT": "100000/minute",
    }
    env = {**os.environ, **settings}
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "stress",
            "SQLALCHEMY_DATABASE_URI": stress_database,
            "WEBHOOK_WORKER": False,
        }
    )
    with app.app_context():
        db.create_all()
        create_user(db.session, email="checker@example.org", password=PASSWORD, role="checker")
        tokens = {
            scope: create_token(
                db.session, email="checker@example.org", name=scope, scope=scope
            ).secret
            for scope in ("read", "write")
        }
        load_samples(db.session, get_matcher())
        get_matcher().embedder.load()
        db.session.remove()
    trace("setup done")
    imports = tmp_path / "claims.jsonl"
    imports.write_text("\n".join(import_lines()) + "\n")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    stress = Stress(base, tokens, app)
    server = start_server(port, env, tmp_path / "gunicorn.log")
    writers_done = threading.Event()
    try:
        wait_until_serving(server, base)
        trace("serving")

        def ingest() -> None:
            # Every article once, then more rounds (new texts) until the searchers have checked
            # enough results while writes were going on: the count does not depend on how fast
            # this machine is, only the time it takes does.
            deadline = time.monotonic() + 600
            rounds = 0
            while rounds == 0 or (stress.checked <= 100 and time.monotonic() < deadline):
                for number, body in enumerate(ARTICLES):
                    stress.api(
                        "POST",
                        "/api/v1/articles",
                        {
                            "title": f"Article {number}" + (f", round {rounds}" if rounds else ""),
                            "body": body + (f" This is round {rounds}." if rounds else ""),
                        },
                        scope="write",
                    )
                rounds += 1
            trace(f"ingested, {rounds} rounds")

        def import_claims() -> None:
            done = subprocess.run(
                [str(Path(sys.executable).with_name("flask")), "claims", "import", str(imports)],
                cwd=ROOT,
                capture_output=True,
                env={**env, "FLASK_APP": "factcheck"},
                timeout=300,
            )
            assert done.returncode == 0, done.stderr.decode()[-2000:]
            trace("imported")

        def edit_and_merge() -> None:
            desk = Desk(base)
            desk.post("/login", "/login", email="checker@example.org", password=PASSWORD)
            edited = 0
            while edited < 6:
                trace(f"edit {edited}")
                with app.app_context():
                    claims = db.session.scalars(
                        select(Claim)
                        .where(Claim.article_id.is_not(None), Claim.status == ClaimStatus.NEW)
                        .order_by(Claim.id)
                    ).all()
                    db.session.remove()
                if len(claims) < 4:
                    time.sleep(0.5)
                    continue
                claim = claims[edited % len(claims)]
                with stress.history_lock:
                    stress.history[claim.id].append(from_blob(claim.embedding))
                assert (
                    desk.post(
                        f"/claims/{claim.id}/edit",
                        f"/claims/{claim.id}",
                        text=f"Riverton Motors raised capacity by {15 + edited}% in "
                        f"the first half of the year ({claim.text})",
                    )
                    == 200
                )
                edited += 1
                if edited == 3:
                    assert (
                        desk.post(
                            f"/claims/{claims[1].id}/merge",
                            f"/claims/{claims[1].id}",
                            other_id=claims[2].id,
                        )
                        == 200
                    )

        def delete_from_outside() -> None:
            deadline = time.monotonic() + 240
            while time.monotonic() < deadline:
                with app.app_context():
                    ids = db.session.scalars(
                        select(Claim.id)
                        .where(Claim.external_id.like("stress-%"), ~Claim.reviews.any())
                        .order_by(Claim.id)
                        .limit(40)
                    ).all()
                    if len(ids) == 40:
                        with db.engine.begin() as connection:
                            connection.execute(
                                text(
                                    "DELETE FROM claim_link "
                                    "WHERE claim_id IN :ids OR other_id IN :ids"
                                ).bindparams(bindparam("ids", expanding=True)),
                                {"ids": ids},
                            )
                            connection.execute(
                                text("DELETE FROM claim WHERE id IN :ids").bindparams(
                                    bindparam("ids", expanding=True)
                                ),
                                {"ids": ids},
                            )
                        db.session.remove()
                        trace("deleted")
                        return
                    db.session.remove()
                time.sleep(0.5)
            raise AssertionError("the import never stored claims to delete")

        def restart_workers() -> None:
            while not graph.exists() and stress_database.startswith("sqlite"):
                time.sleep(0.5)  # the import's claims made the graph: the new worker loads it
            restart_worker(server, base)
            trace("restarted one")
            graph.unlink(missing_ok=True)  # and the next one builds its own
            restart_worker(server, base)
            trace("restarted two")

        def search_while_writing() -> None:
            for query in itertools.cycle(QUERIES):
                if writers_done.is_set():
                    return
                stress.search_and_check(query, settled=False)
                time.sleep(0.02)  # searches keep coming without starving the writers

        with ThreadPoolExecutor(8) as pool:
            searchers = [pool.submit(search_while_writing) for _ in range(2)]
            writers = [
                pool.submit(job)
                for job in (
                    ingest,
                    import_claims,
                    edit_and_merge,
                    delete_from_outside,
                    restart_workers,
                )
            ]
            try:
                for writer in writers:
                    writer.result(timeout=900)
            finally:
                writers_done.set()
            for searcher in searchers:
                searcher.result(timeout=120)
        during = stress.checked
        trace(f"writers done, {during} checked")
        time.sleep(2.5)  # past INDEX_REFRESH_SECONDS: every worker has synced
        for query in QUERIES * 3:  # several times each, so both workers answer
            stress.search_and_check(query, settled=True)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
        with app.app_context():
            db.engine.dispose()
    assert during > 100 and stress.checked > during, "too few results were checked"
    assert stress.failures == []
    with app.app_context():  # the run did what it says: imports, edits, deletions happened
        imported = db.session.scalar(
            select(func.count(Claim.id)).where(Claim.external_id.like("stress-%"))
        )
        db.session.remove()
        db.engine.dispose()  # close this process's connections before the database goes
    assert imported == 900 - 40
