"""Real HTTP: the app behind a real server on a loopback port, and gunicorn's start-up check."""

from __future__ import annotations

import http.cookiejar
import json
import os
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from factcheck import create_app
from factcheck.extensions import db, get_matcher
from factcheck.services.demo import load_samples
from factcheck.services.tokens import create_token
from factcheck.services.users import create_user
from tests.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[1]


class LiveUrl(str):
    """The server's address, and a read token for its API."""

    def __new__(cls, url: str, token: str) -> LiveUrl:
        live = super().__new__(cls, url)
        live.token = token
        return live


@pytest.fixture
def live_url(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "live",
            "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'live.sqlite3'}",
        }
    )
    with app.app_context():
        db.create_all()
        create_user(db.session, email="c@example.org", password=PASSWORD, role="checker")
        load_samples(db.session, get_matcher())
        token = create_token(db.session, email="c@example.org", name="live", scope="read")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveUrl(f"http://127.0.0.1:{server.server_port}", token.secret)
    server.shutdown()
    thread.join()


def test_login_and_pages_over_real_http(live_url):
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )
    data = urllib.parse.urlencode({"email": "c@example.org", "password": PASSWORD}).encode()
    with opener.open(f"{live_url}/login", data=data) as response:  # follows the redirect
        assert response.status == 200 and response.url == f"{live_url}/queue"
        assert "Review queue" in response.read().decode()
    with opener.open(f"{live_url}/articles/1") as response:
        page = response.read().decode()
    assert "Riverton" in page and 'class="hl' in page


@pytest.mark.model
def test_api_over_real_http(live_url):
    token = live_url.token

    def get(path: str, token: str | None = token):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return urllib.request.urlopen(urllib.request.Request(f"{live_url}{path}", headers=headers))

    query = urllib.parse.urlencode({"query": "the moon and the great wall"})
    with get(f"/api/v1/claims:search?{query}") as response:
        body = json.load(response)
    assert body["claims"][0]["text"].startswith("The Great Wall of China is visible")
    with pytest.raises(urllib.error.HTTPError) as error:
        get("/api/v1/claims/987654")
    with error.value:
        assert error.value.code == 404
        assert json.load(error.value)["error"]["code"] == "not_found"
    with pytest.raises(urllib.error.HTTPError) as error:
        get(f"/api/v1/claims:search?{query}", token=None)
    with error.value:
        assert error.value.code == 401
        assert error.value.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.model  # gunicorn starts the real app, which loads the model
def test_gunicorn_stops_with_an_install_hint_when_the_model_is_missing(tmp_path):
    env = {
        **os.environ,
        "FACTCHECK_EMBEDDING_MODEL": str(tmp_path / "missing-model"),
        "FACTCHECK_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "FACTCHECK_SECRET_KEY": "x",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [
            str(gunicorn),
            "--config",
            "gunicorn.conf.py",
            "--bind",
            "127.0.0.1:0",
            "--workers",
            "1",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "factcheck cannot start: Could not load the embedding model" in result.stderr
    assert "pip install -r requirements.txt" in result.stderr


@pytest.mark.model  # gunicorn starts the real app, which loads the model
def test_gunicorn_stops_with_our_message_when_the_database_is_read_only(tmp_path):
    path = tmp_path / "db.sqlite3"
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}
    )
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    env = {
        **os.environ,
        "FACTCHECK_DATABASE_URL": f"sqlite:///file:{path}?mode=ro&uri=true",
        "FACTCHECK_SECRET_KEY": "x",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    result = subprocess.run(
        [
            str(gunicorn),
            "--config",
            "gunicorn.conf.py",
            "--bind",
            "127.0.0.1:0",
            "--workers",
            "1",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "factcheck cannot start: The database cannot be written" in result.stderr
    assert "Traceback" not in result.stderr


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow  # gunicorn processes
def test_gunicorn_serves_while_it_warms_up_and_logs_a_start_up_summary(tmp_path):
    import time

    path = tmp_path / "db.sqlite3"
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}
    )
    with app.app_context():
        db.create_all()
        db.engine.dispose()
    port = _free_port()
    env = {
        **os.environ,
        "FACTCHECK_DATABASE_URL": f"sqlite:///{path}",
        "FACTCHECK_SECRET_KEY": "x",
        "FACTCHECK_JOBS_URL": f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = tmp_path / "gunicorn.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                str(gunicorn),
                "--config",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "wsgi:app",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 300
        status = None
        while time.monotonic() < deadline and status != 200:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login") as response:
                    status = response.status
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        assert status == 200
        while time.monotonic() < deadline and "ready in" not in log.read_text():
            time.sleep(0.5)
        text = log.read_text()
    finally:
        server.terminate()
        server.wait(timeout=60)
    assert "serving; loading the model and index meanwhile" in text
    ready = next(line for line in text.splitlines() if "ready in" in line)
    assert "parser" in ready and "vector index" in ready and "vectors in memory" in ready
    assert "multilingual encoder" in ready and "language detector" in ready
    assert f"database sqlite:///{path} (0 articles, 0 claims)" in ready
    assert "still placeholders: publisher name, publisher site, public base URL" in ready
