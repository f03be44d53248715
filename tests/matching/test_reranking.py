"""Re-ranking the fused candidates, on SQLite and PostgreSQL, with the real model."""

from datetime import UTC, date

import numpy as np
import pytest
from sqlalchemy import select

from factcheck.matching.embedder import from_blob
from factcheck.matching.fulltext import lexical_fields
from factcheck.matching.search import QueryMeta, retrieve
from factcheck.models import Claim
from factcheck.services.claims import ClaimRecord, import_claims

SAME = "The unemployment rate fell to four percent last year."


@pytest.fixture
def twins(session, matcher) -> dict[str, int]:
    """Two stored claims with the same words, made by different people years apart."""
    import_claims(
        session,
        matcher,
        [
            ClaimRecord(
                text=SAME, claimant="Jane Roe", claim_date=date(2016, 9, 20), external_id="roe"
            ),
            ClaimRecord(
                text=SAME, claimant="John Doe", claim_date=date(2008, 1, 5), external_id="doe"
            ),
            ClaimRecord(
                text="Bats are completely blind.", context="Are bats blind?", external_id="bats"
            ),
        ],
    )
    return {c.external_id: c.id for c in session.scalars(select(Claim))}


def best(session, matcher, query: str, meta: QueryMeta | None, k: int = 2) -> list[int]:
    found = retrieve(
        session,
        matcher,
        matcher.embedder.encode([query]),
        [query],
        k=k,
        metadata=[meta] if meta else None,
    )
    return [m.claim_id for m in found[0]]


def test_the_claimant_and_the_date_decide_between_claims_that_read_the_same(
    session, matcher, twins
):
    query = "Unemployment fell to four percent last year."
    assert best(session, matcher, query, QueryMeta(claimant="DOE", date=date(2008, 1, 9))) == [
        twins["doe"],
        twins["roe"],
    ]
    assert best(session, matcher, query, QueryMeta(claimant="ROE", date=date(2016, 9, 26))) == [
        twins["roe"],
        twins["doe"],
    ]
    # The speaker alone is enough; unknown metadata leaves both, in the fusion's order.
    assert best(session, matcher, query, QueryMeta(claimant="John Doe"))[0] == twins["doe"]
    assert set(best(session, matcher, query, None)) == {twins["roe"], twins["doe"]}


@pytest.mark.model
def test_matches_keep_their_cosine_and_switching_re_ranking_off_gives_the_fusion(
    session, matcher, twins
):
    query = "Are bats really blind?"
    vector = matcher.embedder.encode([query])
    reranked = retrieve(session, matcher, vector, [query], k=3)[0]
    assert reranked[0].claim_id == twins["bats"]
    stored = from_blob(session.get(Claim, twins["bats"]).embedding)
    assert reranked[0].similarity == pytest.approx(float(stored @ vector[0]), abs=1e-5)
    model, matcher.reranker = matcher.reranker, None
    try:
        fused = retrieve(session, matcher, vector, [query], k=3)[0]
    finally:
        matcher.reranker = model
    assert fused[0].claim_id == twins["bats"]
    assert {m.claim_id for m in fused} == {m.claim_id for m in reranked}


def test_import_stores_the_context_vector_and_lexical_fields_tell_text_from_context(
    session, matcher, twins
):
    bats = session.get(Claim, twins["bats"])
    expected = matcher.embedder.encode(["Are bats blind?"])[0]
    assert np.allclose(from_blob(bats.context_embedding), expected, atol=1e-5)
    assert session.get(Claim, twins["roe"]).context_embedding is None
    scores = {
        c: fields for c, _, fields in lexical_fields(session, "blind bats unemployment", matcher)
    }
    assert scores[twins["bats"]][0] > 0 and scores[twins["bats"]][1] > 0
    assert scores[twins["roe"]][0] > 0 and scores[twins["roe"]][1] == 0
    assert lexical_fields(session, "the of and", matcher) == []


@pytest.mark.model
def test_an_article_claim_brings_its_article_date_to_the_re_ranker(session, matcher):
    """The same words in articles years apart: the query's date picks the right one."""
    from datetime import datetime

    from factcheck.services.articles import ingest_article

    ids = {}
    for year, day in ((2008, date(2008, 1, 5)), (2016, date(2016, 9, 20))):
        article = ingest_article(
            session,
            matcher,
            title=f"Jobs {year}",
            body=f"{SAME}\n\nThe report came out in {year}.",
            published_at=datetime.combine(day, datetime.min.time(), UTC),
        ).article
        ids[year] = article.claims[0].id
        assert article.claims[0].claim_date == day
    query = "Unemployment fell to four percent last year."
    assert best(session, matcher, query, QueryMeta(date=date(2008, 1, 9))) == [ids[2008], ids[2016]]
    assert best(session, matcher, query, QueryMeta(date=date(2016, 9, 26))) == [
        ids[2016],
        ids[2008],
    ]
