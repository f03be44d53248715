"""A worker's in-memory vector index follows only what is committed, whoever commits it (SQLite)."""

from datetime import datetime

import numpy as np
import pytest
from sqlalchemy import create_engine, text

from factcheck.extensions import db, get_matcher
from factcheck.matching.dense import dense_retriever
from factcheck.matching.embedder import to_blob
from factcheck.models import Claim, Origin, utcnow
from tests.conftest import make_app

pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def file_app(tmp_path):
    app = make_app(tmp_path, SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'sync.sqlite3'}")
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def unit(i: int) -> np.ndarray:
    vector = np.zeros(384, dtype=np.float32)
    vector[i] = 1.0
    return vector


def claim(text_: str, vector: np.ndarray, model: str) -> Claim:
    return Claim(
        text=text_,
        origin=Origin.IMPORT,
        embedding=to_blob(vector),
        embedding_model=model,
        embedded_at=utcnow(),
    )


def found(vector: np.ndarray) -> dict[int, float]:
    matches = dense_retriever(db.session, get_matcher()).search(vector, 10)[0]
    return {m.claim_id: round(m.similarity, 6) for m in matches}


def test_a_rolled_back_claim_never_enters_the_index(file_app):
    model = get_matcher().embedder.name
    db.session.add(claim("Kept.", unit(0), model))
    db.session.commit()
    db.session.add(claim("Rolled back.", unit(1), model))
    db.session.flush()  # a search inside the writing transaction (as link suggestions do)
    assert found(unit(1)) == {1: 0.0}
    db.session.rollback()
    db.session.add(claim("Committed later under the same id.", unit(2), model))
    db.session.commit()
    dense_retriever(db.session, get_matcher()).catch_up()
    assert found(unit(1)) == {1: 0.0, 2: 0.0}
    assert found(unit(2)) == {1: 0.0, 2: 1.0}


def test_changes_committed_by_another_process_are_followed_whatever_their_timestamps(file_app):
    model = get_matcher().embedder.name
    db.session.add_all([claim("One.", unit(0), model), claim("Two.", unit(1), model)])
    db.session.commit()
    assert found(unit(0)) == {1: 1.0, 2: 0.0}
    other = create_engine(db.engine.url)  # another process: its own connection, its own clock
    with other.begin() as connection:
        connection.execute(
            text("UPDATE claim SET embedding = :blob, embedded_at = :old WHERE id = 2"),
            {"blob": to_blob(unit(0)), "old": datetime(2001, 1, 1)},
        )
        connection.execute(text("DELETE FROM claim WHERE id = 1"))
    other.dispose()
    assert found(unit(0)) == {2: 1.0}
