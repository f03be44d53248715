"""Many queries in one call find exactly what one query at a time finds, on both databases."""

import numpy as np
import pytest
from sqlalchemy import Float, select
from sqlalchemy import text as sql_text

from factcheck.matching import Match
from factcheck.matching.dense import dense_retriever
from factcheck.matching.embedder import from_blob, to_blob
from factcheck.matching.fulltext import lexical_fields_many, lexical_search, lexical_search_many
from factcheck.matching.lexical import clean_query, fts_query, websearch_query
from factcheck.matching.search import similar_to_claims
from factcheck.models import Claim, Origin, utcnow
from factcheck.services.articles import ingest_article

QUERIES = [
    "Lukashenko has ruled Belarus since 1994",
    "the opposition candidate was jailed",
    "protesters filled the streets of Minsk",
    "the election was rigged",
    "unemployment fell to a record low",
    "the of and",
    "",
    "Robert'); DROP TABLE claim;--",
]


@pytest.fixture
def stored(session, matcher, seed_text) -> list[Claim]:
    """The seed article's claims, plus a few imported claims (one of another model)."""
    article = ingest_article(session, matcher, title="Seed", body=seed_text).article
    texts = [
        "Belarus held a presidential election in August 2020.",
        "Crime doubled in the city last year.",
        "Vaccines do not cause autism.",
    ]
    vectors = matcher.embedder.encode(texts)
    for text, vector in zip(texts, vectors, strict=True):
        session.add(
            Claim(
                text=text,
                origin=Origin.IMPORT,
                embedding=to_blob(vector),
                embedding_model=matcher.embedder.name,
                embedded_at=utcnow(),
            )
        )
    session.add(
        Claim(
            text="Belarus held an election.",
            origin=Origin.IMPORT,
            embedding=to_blob(vectors[0]),
            embedding_model="another-model",
            embedded_at=utcnow(),
        )
    )
    session.commit()
    return list(article.claims)


def one_by_one(session, matcher, vector: np.ndarray, k: int, exclude: list[int]) -> list[Match]:
    """The search one vector at a time, as PgvectorDense ran it before it was batched."""
    if session.get_bind().dialect.name != "postgresql":
        return dense_retriever(session, matcher).search(vector, k, exclude=exclude)[0]
    distance = Claim.embedding.op("<=>", return_type=Float)(to_blob(vector))
    query = (
        select(Claim.id, distance)
        .where(Claim.embedding_model == matcher.embedder.name)
        .order_by(distance)
        .limit(k)
    )
    if exclude:
        query = query.where(Claim.id.not_in(exclude))
    return [
        Match(claim_id, 1.0 - d)
        for claim_id, d in sorted(session.execute(query).all(), key=lambda r: r[1])
    ]


@pytest.mark.parametrize("k", [1, 5, 1000])  # 1000: more than the collection holds
def test_batched_dense_search_equals_one_query_at_a_time(session, matcher, stored, k):
    vectors = matcher.embedder.encode(QUERIES)
    dense = dense_retriever(session, matcher)
    for exclude in ([], [c.id for c in stored[::2]]):
        batched = dense.search(vectors, k, exclude=exclude)
        expected = [one_by_one(session, matcher, v, k, exclude) for v in vectors]
        assert [[m.claim_id for m in row] for row in batched] == [
            [m.claim_id for m in row] for row in expected
        ]
        for got, want in zip(batched, expected, strict=True):
            assert [m.similarity for m in got] == pytest.approx(
                [m.similarity for m in want], abs=1e-6
            )
        current = len(stored) + 3 - len(exclude)  # the other model's claim never counts
        assert all(len(row) == min(k, current) for row in batched)
        assert not {m.claim_id for row in batched for m in row} & set(exclude)
    assert dense.search(vectors[:0], 5) == []
    assert dense.search(vectors, 0) == [[] for _ in QUERIES]


def test_batched_dense_search_ranks_by_exact_cosine(session, matcher, stored):
    vectors = matcher.embedder.encode(QUERIES[:3])
    ids = [c.id for c in stored]
    # The stored vectors, not the texts encoded again: a vector may depend on its batch.
    matrix = np.stack([from_blob(c.embedding) for c in stored])
    found = dense_retriever(session, matcher).search(vectors, 5)
    for vector, row in zip(vectors, found, strict=True):
        cosine = matrix @ vector
        want = [ids[i] for i in np.argsort(-cosine, kind="stable")[:5]]
        assert [m.claim_id for m in row if m.claim_id in ids] == [
            w for w in want if w in {m.claim_id for m in row}
        ]
        assert row[0].similarity >= row[-1].similarity


def one_text(session, matcher, text: str) -> list[tuple[int, float]]:
    """Full-text search of one text, as it ran before it was batched."""
    if session.get_bind().dialect.name == "sqlite":
        query = fts_query(clean_query(text))
        if query is None:
            return []
        rows = session.execute(
            sql_text(
                "SELECT rowid, bm25(claim_fts, 1.0, :context_weight) AS rank FROM claim_fts "
                "WHERE claim_fts MATCH :query ORDER BY rank LIMIT :limit"
            ),
            {"query": query, "limit": matcher.candidates, "context_weight": matcher.context_weight},
        ).all()
        return [(claim_id, -rank) for claim_id, rank in rows]
    query = websearch_query(clean_query(text))
    if query is None:
        return []
    scale = max(1.0, matcher.context_weight)
    rows = session.execute(
        sql_text(
            "SELECT id, ts_rank(CAST(:weights AS real[]), search_vector, query) AS rank "
            "FROM claim, websearch_to_tsquery('english', :query) AS query "
            "WHERE search_vector @@ query ORDER BY rank DESC, id LIMIT :limit"
        ),
        {
            "query": query,
            "weights": f"{{0, 0, {matcher.context_weight / scale}, {1.0 / scale}}}",
            "limit": matcher.candidates,
        },
    ).all()
    return [(claim_id, float(rank)) for claim_id, rank in rows]


def test_batched_lexical_search_equals_one_text_at_a_time(session, matcher, stored):
    texts = QUERIES + [c.text for c in stored[:6]] + ["word " * 3000]
    batched = lexical_search_many(session, texts, matcher)
    assert batched == [one_text(session, matcher, text) for text in texts]
    assert batched == [lexical_search(session, text, matcher) for text in texts]
    assert batched[0] and batched[-2]  # something is found for real claims and queries
    assert batched[5] == batched[6] == []  # only stopwords; empty
    assert lexical_search_many(session, [], matcher) == []
    # The per-field scores the re-ranker takes come from the same statement.
    fields = lexical_fields_many(session, texts, matcher)
    assert [[(c, score) for c, score, _ in rows] for rows in fields] == batched
    assert fields == [lexical_fields_many(session, [text], matcher)[0] for text in texts]
    # More texts than one SQLite statement takes (its compound SELECTs are split).
    many = [c.text for c in stored] * 10
    assert lexical_search_many(session, many, matcher) == [
        one_text(session, matcher, text) for text in many
    ]


def test_the_article_page_finds_the_same_claims_batched(session, matcher, stored, seed_text):
    """similar_to_claims on every claim at once equals asking claim by claim."""
    other = ingest_article(
        session, matcher, title="Again", body="A reprint.\n\n" + seed_text
    ).article.claims
    together = similar_to_claims(session, matcher, other, k=5)
    alone = {c.id: similar_to_claims(session, matcher, [c], k=5)[c.id] for c in other}
    assert {
        claim_id: [(s.claim.id, round(s.similarity, 5)) for s in found]
        for claim_id, found in together.items()
    } == {
        claim_id: [(s.claim.id, round(s.similarity, 5)) for s in found]
        for claim_id, found in alone.items()
    }
    assert any(found for found in together.values())
