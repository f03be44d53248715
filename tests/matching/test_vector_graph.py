"""SQLite above VECTOR_GRAPH_MIN_CLAIMS: the HNSW graph finds what the exact scan finds.

Real SQLite files, the real model, and the services the product calls: import, edit, search,
deletion by another process, and a restart that loads the saved graph.
"""

from itertools import product
from pathlib import Path

import numpy as np
import pytest
from flask import Flask
from sqlalchemy import select, update

from factcheck.extensions import db, get_matcher
from factcheck.matching import VectorIndex
from factcheck.matching.dense import dense_retriever, sync_index
from factcheck.matching.embedder import to_blob
from factcheck.matching.search import search_claims
from factcheck.models import Claim, Role
from factcheck.services.claim_edits import edit_claim
from factcheck.services.claims import ClaimRecord, import_claims
from factcheck.services.users import create_user
from tests.conftest import make_app

pytestmark = pytest.mark.sqlite_only  # PostgreSQL has its own HNSW index (pgvector)

PLACES = [
    "The city council",
    "The state of Ohio",
    "The school district",
    "The hospital",
    "The national railway",
    "The farm bureau",
]
ACTS = [
    "spent 12 million dollars on new bridges",
    "cut its police budget by 15 percent",
    "doubled the number of teachers",
    "closed three libraries",
    "hired 400 nurses",
    "raised the minimum wage to 15 dollars",
    "planted a million trees",
]
TEXTS = [
    f"{place} {act} in {year}."
    for (place, act), year in zip(
        product(PLACES, ACTS), [2015, 2017, 2019, 2021, 2023, 2024, 2020] * 6, strict=False
    )
]
QUERIES = [
    "Ohio paid for bridges",
    "a hospital took on hundreds of nurses",
    "trees planted by farmers",
    "libraries shut by the council",
    "teachers doubled",
]


def graph_app(tmp_path: Path, **overrides: object) -> Flask:
    config = {
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'claims.sqlite3'}",
        "VECTOR_GRAPH_MIN_CLAIMS": 30,
        "VECTOR_GRAPH_BACKGROUND": False,
        "VECTOR_GRAPH_THREADS": 1,
    }
    config.update(overrides)
    return make_app(tmp_path, **config)


def exact_top(index: VectorIndex, queries: np.ndarray, k: int) -> list[list[int]]:
    ids = index.ids()
    exact = VectorIndex(index.dimension)
    exact.replace_all(ids, np.stack([index.vector(int(i)) for i in ids]))
    return [[m.claim_id for m in row] for row in exact.search(queries, k)]


def dense_top(queries: np.ndarray, k: int) -> list[list[int]]:
    found = dense_retriever(db.session, get_matcher()).search(queries, k)
    return [[m.claim_id for m in row] for row in found]


def test_graph_search_matches_exact_search_and_follows_edits_and_deletions(tmp_path: Path):
    app = graph_app(tmp_path)
    with app.app_context():
        matcher = get_matcher()
        import_claims(db.session, matcher, [ClaimRecord(text=t) for t in TEXTS])
        sync_index(db.session, matcher)  # the first search loads the index (and the graph)
        assert matcher.index.approximate and len(matcher.index) == len(TEXTS)
        assert (tmp_path / "claims.sqlite3.hnsw").exists()
        queries = matcher.embedder.encode(QUERIES)
        assert dense_top(queries, 10) == exact_top(matcher.index, queries, 10)
        [best] = search_claims(db.session, matcher, "Ohio paid for bridges", k=1)
        assert (
            best.claim.text == "The state of Ohio spent 12 million dollars on new bridges in 2015."
        )

        # A checker rewrites a claim: its new vector replaces the old one in the graph.
        checker = create_user(
            db.session,
            email="c@example.org",
            password="correct horse battery",
            role=Role.CHECKER,
            name="C",
        )
        claim = db.session.scalar(select(Claim).where(Claim.text == TEXTS[0]))
        edit_claim(
            db.session,
            matcher,
            claim,
            text="Volcanic ash grounded every flight in Iceland.",
            actor=checker,
        )
        [found] = search_claims(
            db.session, matcher, "Volcanic ash grounded every flight in Iceland.", k=1
        )
        assert (found.claim.id, round(found.similarity, 4)) == (claim.id, 1.0)
        old = matcher.embedder.encode([TEXTS[0]])
        assert claim.id not in dense_top(old, 3)[0]

        # Another process deletes a claim: the next sync takes it out of the graph too.
        gone = db.session.scalar(select(Claim).where(Claim.text == TEXTS[1]))
        gone_id = gone.id
        db.session.delete(gone)
        db.session.commit()
        sync_index(db.session, matcher)
        assert len(matcher.index) == len(TEXTS) - 1 and matcher.index.approximate
        assert gone_id not in dense_top(matcher.embedder.encode([TEXTS[1]]), 10)[0]
        assert dense_top(queries, 10) == exact_top(matcher.index, queries, 10)
        db.session.remove()
        db.engine.dispose()


def test_a_restart_loads_the_saved_graph_and_fixes_what_changed_behind_its_back(tmp_path: Path):
    first = graph_app(tmp_path)
    with first.app_context():
        import_claims(db.session, get_matcher(), [ClaimRecord(text=t) for t in TEXTS])
        sync_index(db.session, get_matcher())  # builds and saves the graph
        db.engine.dispose()
    with graph_app(tmp_path).app_context():  # a new worker on the same database
        matcher = get_matcher()
        sync_index(db.session, matcher, force=True)
        assert matcher.index.graph_made_by == "loaded"
        # Written straight to the database while no worker runs: one claim re-embedded
        # with another text's vector, one deleted.
        vector = matcher.embedder.encode(["Penguins were seen in the Sahara."])[0]
        moved = db.session.scalar(select(Claim.id).where(Claim.text == TEXTS[5]))
        db.session.execute(update(Claim).where(Claim.id == moved).values(embedding=to_blob(vector)))
        db.session.execute(Claim.__table__.delete().where(Claim.text == TEXTS[6]))
        db.session.commit()
        db.engine.dispose()
    with graph_app(tmp_path).app_context():
        matcher = get_matcher()
        sync_index(db.session, matcher, force=True)
        assert matcher.index.graph_made_by == "loaded, 2 changed"
        queries = np.vstack([matcher.embedder.encode(QUERIES), vector])
        assert dense_top(queries, 10) == exact_top(matcher.index, queries, 10)
        assert dense_top(vector[None, :], 1) == [[moved]]
        db.engine.dispose()


def test_below_the_threshold_search_stays_exact(tmp_path: Path):
    with graph_app(tmp_path, VECTOR_GRAPH_MIN_CLAIMS=1000).app_context():
        matcher = get_matcher()
        import_claims(db.session, matcher, [ClaimRecord(text=t) for t in TEXTS])
        assert not matcher.index.approximate
        assert not (tmp_path / "claims.sqlite3.hnsw").exists()
        queries = matcher.embedder.encode(QUERIES)
        assert dense_top(queries, 10) == exact_top(matcher.index, queries, 10)
        db.engine.dispose()
