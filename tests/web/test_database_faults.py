"""A database that cannot be written (read-only, disk full): the page says so, nothing saved."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from factcheck import create_app
from factcheck.extensions import db
from factcheck.models import Article
from factcheck.services.users import create_user
from tests.conftest import PASSWORD, login, make_app

MESSAGE = "The database cannot be written: nothing was saved."
ARTICLE = {"title": "Crime", "body": "Crime fell 8 percent in Riverton last year. " * 200}


@pytest.fixture
def database(tmp_path):
    """A database file with a checker, and the app that writes it."""
    path = tmp_path / "factcheck.sqlite3"
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}")
    with app.app_context():
        create_user(db.session, email="checker@example.org", password=PASSWORD, role="checker")
        db.session.remove()
    return path, app


def articles(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Article))


def test_a_read_only_database_file_answers_503(database):
    path, writable = database
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///file:{path}?mode=ro&uri=true",
        }
    )
    client = login(app.test_client(), "checker")
    assert client.get("/queue").status_code == 200  # reading goes on
    response = client.post("/articles/new", data=ARTICLE)
    assert response.status_code == 503 and MESSAGE in response.text
    assert articles(writable) == 0


def test_a_full_disk_answers_503_and_saves_nothing(database):
    _path, app = database
    client = login(app.test_client(), "checker")
    with app.app_context():
        engine = db.engine

        def full(dbapi_connection, record) -> None:
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

        event.listen(engine, "connect", full)
        engine.dispose()
    response = client.post("/articles/new", data=ARTICLE)
    assert response.status_code == 503 and MESSAGE in response.text
    assert "Internal Server Error" not in response.text
    assert articles(app) == 0
