"""Every similarity returned is the cosine between the query's and the claim's stored vector."""

from datetime import datetime

import numpy as np
import pytest
from sqlalchemy import select

from factcheck.matching.dense import dense_retriever
from factcheck.matching.embedder import from_blob
from factcheck.matching.search import search_claims, similar_to_claims
from factcheck.models import Claim
from factcheck.services.articles import ingest_article

BELGEE_15 = "BelGee increased its production capacity by 15% in the first half of the year"


def stored_vectors(session) -> dict[int, np.ndarray]:
    return {c.id: from_blob(c.embedding) for c in session.scalars(select(Claim))}


def assert_true_cosines(vector: np.ndarray, found, stored: dict[int, np.ndarray]) -> None:
    ids = [m.claim_id for m in found]
    assert len(ids) == len(set(ids)), f"a claim appears twice: {ids}"
    for match in found:
        assert match.similarity == pytest.approx(
            float(stored[match.claim_id] @ vector), abs=1e-4
        ), match


def test_claims_of_an_ingested_article_keep_their_own_vectors(session, matcher, seed_text):
    ingest_article(
        session,
        matcher,
        title="Belarus drifting",
        body=seed_text,
        published_at=datetime(2020, 11, 27),
    )
    stored = stored_vectors(session)
    vectors = np.stack(list(stored.values()))
    for vector, found in zip(
        vectors, dense_retriever(session, matcher).search(vectors, 10), strict=True
    ):
        assert_true_cosines(vector, found, stored)


def test_searches_and_similar_claims_show_true_cosines_after_ingests(session, matcher, seed_text):
    first = ingest_article(session, matcher, title="Belarus drifting", body=seed_text).article
    second = ingest_article(
        session,
        matcher,
        title="Plant news",
        body=(
            "BelGee raised its production capacity by eleven percent in the first six months. "
            "The joint venture between Belarus and China makes hybrid crossovers."
        ),
    ).article
    stored = stored_vectors(session)
    query = matcher.embedder.encode([BELGEE_15])[0]
    for result in search_claims(session, matcher, BELGEE_15, k=10):
        assert result.similarity == pytest.approx(
            float(stored[result.claim.id] @ query), abs=1e-4
        ), result.claim.text
    claims = first.claims + second.claims
    for claim_id, found in similar_to_claims(session, matcher, claims, k=5).items():
        vector = stored[claim_id]
        for result in found:
            assert result.similarity == pytest.approx(
                float(stored[result.claim.id] @ vector), abs=1e-4
            ), result.claim.text
