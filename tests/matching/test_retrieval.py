"""Dense and lexical retrieval behave the same on SQLite and PostgreSQL.

SQLite: numpy and FTS5; PostgreSQL: pgvector and tsvector.
"""

import numpy as np
import pytest
from sqlalchemy import func, select

from factcheck.matching.dense import dense_retriever
from factcheck.matching.embedder import to_blob
from factcheck.matching.fulltext import lexical_search
from factcheck.models import Claim, Origin, utcnow


def store(
    session, text: str, vector: np.ndarray, *, model: str, context: str | None = None
) -> Claim:
    claim = Claim(
        text=text,
        context=context,
        origin=Origin.IMPORT,
        embedding=to_blob(vector),
        embedding_model=model,
        embedded_at=utcnow(),
    )
    session.add(claim)
    session.commit()
    return claim


def unit(*values: float) -> np.ndarray:
    vector = np.zeros(384, dtype=np.float32)
    vector[: len(values)] = values
    return vector / np.linalg.norm(vector)


def test_lexical_search_weighs_the_claim_text_and_its_context(session, matcher):
    name = matcher.embedder.name
    in_text = store(session, "The mayor cut the library budget.", unit(1), model=name)
    in_context = store(
        session, "Parks closed early.", unit(0, 1), model=name, context="Library budget row"
    )
    store(session, "Bridges were repaired.", unit(0, 0, 1), model=name)
    found = lexical_search(session, "How much did the library budget shrink?", matcher)
    assert [claim_id for claim_id, _ in found] == [in_context.id, in_text.id]  # context x2
    assert found[0][1] > found[1][1] > 0
    # Any one of the words is enough (OR), and stemming matches "budgets".
    assert next(c for c, _ in lexical_search(session, "budgets of parks", matcher)) == in_context.id


@pytest.mark.parametrize(
    "query",
    [
        "",
        "the of and",
        "Robert'); DROP TABLE claim;--",
        'don\'t OR -not "quoted" <-> !! & |',
        "word " * 3000,
        "日本語のテキスト",
        "\x00\x1b[31m",
        "or or or",
        "'';--",
    ],
)
def test_lexical_search_takes_any_text_without_error(session, matcher, query):
    store(session, "Robert claimed the table was quoted.", unit(1), model=matcher.embedder.name)
    assert isinstance(lexical_search(session, query, matcher), list)
    assert session.scalar(select(func.count(Claim.id))) == 1


def test_dense_search_ranks_by_cosine_and_leaves_out_excluded_and_other_models(session, matcher):
    name = matcher.embedder.name
    best = store(session, "A", unit(1, 0.1), model=name)
    second = store(session, "B", unit(1, 0.5), model=name)
    third = store(session, "C", unit(0.2, 1), model=name)
    store(session, "D", unit(1), model="another-model")  # the closest, but from another model
    dense = dense_retriever(session, matcher)
    found = dense.search(np.stack([unit(1), unit(0, 1)]), 2)
    assert [[m.claim_id for m in row] for row in found] == [
        [best.id, second.id],
        [third.id, second.id],
    ]
    assert found[0][0].similarity == pytest.approx(float(unit(1, 0.1)[0]), abs=1e-5)
    assert [m.claim_id for m in dense.search(unit(1), 5, exclude=[best.id])[0]] == [
        second.id,
        third.id,
    ]
    assert dense.similarities(unit(1), [third.id, 10**6]) == {
        third.id: pytest.approx(float(unit(0.2, 1)[0]), abs=1e-5)
    }
