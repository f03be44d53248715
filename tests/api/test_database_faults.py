"""A database that cannot be written (read-only, disk full): 503 saying so, nothing half-saved."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from factcheck.extensions import db
from factcheck.models import Article
from factcheck.services.errors import Unavailable
from factcheck.services.health import ensure_writable
from tests.api.conftest import assert_error

ARTICLE = {"title": "Crime", "body": "Crime fell 8 percent in Riverton last year."}


@pytest.fixture
def read_only(app, tokens):
    """From now on the database refuses writes, as a read-only file or replica does."""
    engine = db.engine
    db.session.remove()
    if engine.dialect.name == "sqlite":  # in memory: one connection, kept
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA query_only = 1")
        yield
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA query_only = 0")
        return

    def refuse_writes(dbapi_connection, record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("SET default_transaction_read_only = on")
        cursor.close()
        dbapi_connection.commit()

    event.listen(engine, "connect", refuse_writes)
    engine.dispose()
    yield
    db.session.remove()
    event.remove(engine, "connect", refuse_writes)
    engine.dispose()


def test_writes_to_a_read_only_database_answer_503_and_save_nothing(writer, read_only):
    error = assert_error(writer.post("/api/v1/articles", json=ARTICLE), 503, "unavailable")
    assert error["message"].startswith("The database cannot be written: nothing was saved.")
    assert db.session.scalar(select(func.count()).select_from(Article)) == 0


def test_reads_go_on_while_the_database_is_read_only(api, demo, read_only):
    response = api.get("/api/v1/claims?pageSize=2")
    assert response.status_code == 200 and len(response.json["claims"]) == 2


def test_the_start_up_check_passes_a_writable_database(app, tokens):
    ensure_writable(db.session)  # writable: nothing to say, nothing written


def test_the_start_up_check_refuses_a_read_only_database(read_only):
    with pytest.raises(Unavailable, match="The database cannot be written"):
        ensure_writable(db.session)
