"""Each vector space of a worker follows claim_vector_log by itself: the multilingual indexes
see claims another process commits, and move a claim between partitions when its language
changes (SQLite)."""

import json

import pytest
from sqlalchemy import update

from factcheck.extensions import db, get_matcher
from factcheck.matching.dense import dense_retriever
from factcheck.models import Claim
from factcheck.services.claims import import_claims, read_jsonl
from tests.conftest import make_app

pytestmark = pytest.mark.sqlite_only


def held(app) -> dict[str, list[int]]:
    """Return the claim ids each in-memory index of APP's matcher holds, after a sync."""
    with app.app_context():
        matcher = get_matcher()
        for space in ("dense", "multilingual"):
            dense_retriever(db.session, matcher, space).search(
                (matcher.multilingual if space == "multilingual" else matcher).embedder.encode(
                    ["x"]
                ),
                1,
            )
        indexes = {"dense": matcher.index}
        indexes.update({f"multilingual:{p}": i for p, i in matcher.multilingual.indexes.items()})
        return {name: sorted(index.ids().tolist()) for name, index in indexes.items()}


def test_another_process_writes_and_every_space_follows(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    worker, importer = (
        make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url),
        make_app(tmp_path, SQLALCHEMY_DATABASE_URI=url),
    )
    assert held(worker) == {"dense": [], "multilingual:en": [], "multilingual:other": []}
    with importer.app_context():
        records, _ = read_jsonl(
            [
                json.dumps({"text": "The metro opened in 2020.", "language": "en"}),
                json.dumps({"text": "Метро открыли в 2020 году.", "language": "ru"}),
            ]
        )
        import_claims(db.session, get_matcher(), records)
    assert held(worker) == {"dense": [1], "multilingual:en": [1], "multilingual:other": [2]}
    with importer.app_context():
        db.session.execute(update(Claim).where(Claim.id == 2).values(language="en"))
        db.session.commit()
    assert held(worker) == {"dense": [1, 2], "multilingual:en": [1, 2], "multilingual:other": []}
    with importer.app_context():
        db.session.execute(update(Claim).where(Claim.id == 1).values(multilingual_model=None))
        db.session.commit()
    assert held(worker) == {"dense": [1, 2], "multilingual:en": [2], "multilingual:other": []}
    for app in (worker, importer):
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
