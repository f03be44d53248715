from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from factcheck.matching.search import search_claims, similar_to_claims
from factcheck.models import Article, AuditEvent, Claim
from factcheck.services.articles import ingest_article
from factcheck.services.demo import load_samples
from factcheck.services.errors import InvalidInput, TooLarge


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


@pytest.mark.model
def test_ingest_stores_scored_embedded_atomic_claims_with_exact_spans(session, matcher):
    body = (
        "The mayor said unemployment fell to 3.2 percent.  Rents rose and wages fell.\n\n"
        "Leave a Reply"
    )
    result = ingest_article(session, matcher, title="Council report", body=body)
    article = result.article
    assert result.created and article.id
    assert [c.text for c in article.claims] == [
        "The mayor said unemployment fell to 3.2 percent.",
        "Rents rose.",
        "Wages fell.",
    ]
    assert [article.body[c.start : c.end] for c in article.claims] == [
        "The mayor said unemployment fell to 3.2 percent.",
        "Rents rose",
        "wages fell",
    ]
    assert article.claims[2].sentence == "Rents rose and wages fell."
    assert article.claims[0].kind == "quantity" and article.claims[0].checkworthiness > 0.5
    for claim in article.claims:
        assert claim.spans == [[claim.start, claim.end]]
        assert len(claim.embedding) == 384 * 4
        assert claim.embedding_model == matcher.embedder.name
    assert session.scalar(select(AuditEvent.action)) == "article.ingested"


def test_reingesting_the_same_text_returns_the_existing_article(session, matcher):
    first = ingest_article(session, matcher, title="A", body="Prices rose by 5 percent.")
    again = ingest_article(session, matcher, title="B", body="  Prices rose by 5 percent.\r\n")
    assert not again.created and again.article.id == first.article.id
    assert count(session, Article) == 1 and count(session, Claim) == 1


@pytest.mark.parametrize(
    "body, error, message",
    [
        ("", InvalidInput, "empty"),
        ("   \n\t  \n", InvalidInput, "empty"),
        ("x" * 500_001, TooLarge, "too long"),
    ],
)
def test_bad_bodies_are_refused_and_nothing_is_written(session, matcher, body, error, message):
    with pytest.raises(error, match=message):
        ingest_article(session, matcher, title="T", body=body)
    assert count(session, Article) == 0 and count(session, Claim) == 0


@pytest.mark.model
def test_seed_article_is_ingested_and_matched_against_stored_claims(session, matcher, seed_text):
    load_samples(session, matcher)
    result = ingest_article(session, matcher, title="Belarus drifting", body=seed_text)
    claims = result.article.claims
    assert len(claims) == 46  # atomic claims; the repeated bullets are merged
    assert all(result.article.body[c.start : c.end] for c in claims)
    assert not any("Leave a Reply" in c.text or "Kitova" in c.text for c in claims)
    similar = similar_to_claims(session, matcher, claims, k=5)
    lukashenko = next(c for c in claims if c.text.startswith("Alexander Lukashenko is a"))
    best = similar[lukashenko.id][0]
    assert best.claim.text == "Alexander Lukashenko has been president of Belarus since 1994."
    assert best.claim.verdict.rating == "true"
    # Matches come from stored claims, never from the article's own sentences.
    assert all(s.claim.article_id != result.article.id for found in similar.values() for s in found)


def test_the_claim_text_is_the_claim_and_its_dates_are_fields(session, matcher, seed_text):
    published = datetime(2020, 11, 27, tzinfo=UTC)
    claims = ingest_article(
        session, matcher, title="Belarus drifting", body=seed_text, published_at=published
    ).article.claims
    assert not [c.text for c in claims if "article of" in c.text or "2020-11-27" in c.text]
    assert {c.claim_date for c in claims} == {date(2020, 11, 27)}
    belgee = next(c for c in claims if "11%" in c.text)
    assert belgee.text == (
        "BelGee increased its production capacity by 11% in the first half of the year."
    )
    assert [str(r) for r in belgee.date_references] == [
        "the first half of the year: first half of 2020"
    ]
    lavrov = next(c for c in claims if c.text.startswith("On November 25th"))
    assert [str(r) for r in lavrov.date_references] == ["November 25th: 2020-11-25"]


@pytest.mark.model
def test_search_finds_a_paraphrase_of_a_stored_claim(session, matcher):
    load_samples(session, matcher)
    results = search_claims(session, matcher, "do bats have no eyesight?", k=3)
    assert results[0].claim.text == "Bats are blind."
    assert results[0].claim.verdict.rating == "false"
    with pytest.raises(InvalidInput, match="Enter some text"):
        search_claims(session, matcher, "   ")


def test_a_headline_repeating_the_title_gives_no_claim(session, matcher):
    body = "Council Cuts Taxes\n\nThe council cut local taxes by 3 percent on Monday."
    claims = ingest_article(session, matcher, title="Council cuts taxes", body=body).article.claims
    assert [c.text for c in claims] == ["The council cut local taxes by 3 percent on Monday."]
