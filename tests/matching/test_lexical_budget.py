"""SQLite BM25 past LEXICAL_ROW_BUDGET: rows need a selective term; common terms still score."""

import numpy as np
import pytest
from flask import Flask

from factcheck.extensions import db, get_matcher
from factcheck.matching.embedder import to_blob
from factcheck.matching.fulltext import lexical_search
from factcheck.models import Claim, Origin, utcnow
from tests.conftest import make_app

pytestmark = pytest.mark.sqlite_only  # the budget is for FTS5; PostgreSQL ranks its own way


def budget_app(tmp_path, budget: int) -> Flask:
    app = make_app(tmp_path, LEXICAL_ROW_BUDGET=budget)
    vector = np.zeros(384, dtype=np.float32)
    vector[0] = 1.0
    texts = [f"The senate passed budget bill number {i}." for i in range(12)] + [
        "The senate blocked the filibuster.",
        "A filibuster ran for a day.",
        "Nobody voted on the filibuster bill.",
    ]
    with app.app_context():
        name = get_matcher().embedder.name
        db.session.add_all(
            Claim(
                text=t,
                origin=Origin.IMPORT,
                embedding=to_blob(vector),
                embedding_model=name,
                embedded_at=utcnow(),
            )
            for t in texts
        )
        db.session.commit()
    return app


def ranked_texts(query: str) -> list[str]:
    found = lexical_search(db.session, query, get_matcher())
    texts = {c.id: c.text for c in db.session.scalars(db.select(Claim))}
    return [texts[claim_id] for claim_id, _ in found]


def test_over_budget_only_rows_with_the_rare_term_match_and_common_terms_break_ties(tmp_path):
    with budget_app(tmp_path, budget=5).app_context():
        found = ranked_texts("senate filibuster bill")
        # "senate" (13 rows) and "bill" (13) exceed the budget: only the three filibuster
        # rows match, and those with the common words too come first.
        assert len(found) == 3 and all("filibuster" in text for text in found)
        assert found[-1] == "A filibuster ran for a day."
        assert set(found[:2]) == {
            "The senate blocked the filibuster.",
            "Nobody voted on the filibuster bill.",
        }
        # Only common terms: the rarest one is kept, so the search still finds rows.
        assert len(ranked_texts("senate budget")) == 12
        db.session.remove()
        db.engine.dispose()


def test_within_budget_every_term_matches(tmp_path):
    with budget_app(tmp_path, budget=50_000).app_context():
        assert len(ranked_texts("senate filibuster bill")) == 15
        db.session.remove()
        db.engine.dispose()
