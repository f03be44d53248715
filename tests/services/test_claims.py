import json

import numpy as np
import pytest
from sqlalchemy import select

from factcheck.matching.dense import dense_retriever, sync_index
from factcheck.matching.embedder import to_blob
from factcheck.matching.search import search_claims
from factcheck.models import Claim, Origin, utcnow
from factcheck.services.claims import import_claims, read_jsonl, reindex_claims

LINES = [
    json.dumps(
        {
            "text": "The river flooded 12 times in 2023.",
            "rating": "Barely True",
            "claimant": "A post",
            "date": "2023-05-02",
            "url": "https://fc.example/1",
            "source": "Example Checkers",
        }
    ),
    "",
    json.dumps(
        {
            "text": "The bridge opened in 1998.",
            "rating": "true",
            "sources": [{"url": "https://archive.example/b", "stance": "supports"}],
        }
    ),
    "{not json",
    json.dumps({"text": "", "rating": "true"}),
    json.dumps({"text": "Taxes fell.", "rating": "sort of"}),
]


def test_read_jsonl_parses_good_lines_and_names_each_bad_one():
    records, errors = read_jsonl(LINES)
    assert [r.text for r in records] == [
        "The river flooded 12 times in 2023.",
        "The bridge opened in 1998.",
    ]
    assert records[0].rating == "mostly-false" and records[0].original_rating == "Barely True"
    assert records[0].publisher == "Example Checkers"
    assert errors == [
        "line 4: not valid JSON (Expecting property name enclosed in double quotes)",
        "line 5: 'text' is required",
        "line 6: unknown rating 'sort of'",
    ]


@pytest.mark.model
def test_import_stores_verdicts_and_is_idempotent(session, matcher):
    records, _ = read_jsonl(LINES)
    report = import_claims(session, matcher, records)
    assert (report.imported, report.skipped_duplicates) == (2, 0)
    again = import_claims(session, matcher, records)
    assert (again.imported, again.skipped_duplicates) == (0, 2)
    claim = session.scalar(select(Claim).where(Claim.text.like("The river%")))
    assert claim.origin is Origin.IMPORT and claim.verdict.rating == "mostly-false"
    assert claim.verdict.url == "https://fc.example/1"
    assert search_claims(session, matcher, "how often did the river flood?", k=1)[0].claim == claim


@pytest.mark.sqlite_only  # PostgreSQL searches the table itself: there is no index to sync
def test_index_picks_up_claims_written_by_another_process(session, matcher):
    sync_index(session, matcher)
    assert len(matcher.index) == 0
    # Written straight to the database, as a CLI import or another web worker would.
    vector = matcher.embedder.encode(["Snow fell in July."])[0]
    session.add(
        Claim(
            text="Snow fell in July.",
            origin=Origin.IMPORT,
            embedding=to_blob(vector),
            embedding_model=matcher.embedder.name,
            embedded_at=utcnow(),
        )
    )
    session.commit()
    assert (
        search_claims(session, matcher, "It snowed in July", k=1)[0].claim.text
        == "Snow fell in July."
    )
    session.delete(session.scalar(select(Claim)))
    session.commit()
    sync_index(session, matcher)
    assert len(matcher.index) == 0


def test_reindex_re_embeds_every_claim(session, matcher):
    records, _ = read_jsonl(LINES)
    import_claims(session, matcher, records)
    for claim in session.scalars(select(Claim)):
        claim.embedding = to_blob(np.zeros(384, dtype=np.float32))
    session.commit()
    assert reindex_claims(session, matcher) == 2
    vectors = [np.frombuffer(c.embedding, np.float32) for c in session.scalars(select(Claim))]
    assert all(np.isclose(np.linalg.norm(v), 1.0, atol=1e-5) for v in vectors)
    # Dense retrieval (the in-memory index on SQLite, pgvector on PostgreSQL) has the new vectors.
    claims = list(session.scalars(select(Claim).order_by(Claim.id)))
    found = dense_retriever(session, matcher).search(
        np.stack([np.frombuffer(c.embedding, np.float32) for c in claims]), 1
    )
    assert [(m[0].claim_id, round(m[0].similarity, 4)) for m in found] == [
        (c.id, 1.0) for c in claims
    ]


@pytest.mark.parametrize(
    "line, message",
    [
        ('["a list"]', "must be a JSON object"),
        ('{"text": "x", "date": "last week"}', "'date' must be YYYY-MM-DD"),
        ('{"text": "x", "sources": [{"title": "no url"}]}', "must be an object with a 'url'"),
        (
            '{"text": "x", "sources": [{"url": "https://a.b", "stance": "maybe"}]}',
            "'stance' must be",
        ),
        ('{"text": 5}', "'text' must be a string"),
    ],
)
def test_bad_records_are_explained(line, message):
    _, errors = read_jsonl([line])
    assert len(errors) == 1 and message in errors[0]


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"text": "x", "sources": 5}', "'sources' must be a list"),
        ('{"text": "x", "sources": [{"url": "https://a.b", "stance": []}]}', "'stance' must be"),
        (
            '{"text": "x", "sources": [{"url": "https://a.b", "title": {"a": 1}}]}',
            "must be a string",
        ),
        ('{"text": "x", "sources": [{"url": "javascript:alert(1)"}]}', "http:// or https://"),
        ('{"text": "x", "url": "data:text/html,hi"}', "http:// or https://"),
        ("[" * 100000, "nested too deeply"),
    ],
)
def test_hostile_records_are_refused_line_by_line(line, message):
    _, errors = read_jsonl([line])
    assert len(errors) == 1 and message in errors[0]


def test_unrated_claims_with_a_url_are_not_imported_twice(session, matcher):
    records, _ = read_jsonl(
        ['{"text": "The dam holds 2 billion litres.", "url": "https://a.example/1"}']
    )
    assert import_claims(session, matcher, records).imported == 1
    assert import_claims(session, matcher, records).imported == 0
