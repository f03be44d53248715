"""Beyond English: languages stored everywhere, matching across languages, other-language
articles. Runs on SQLite and PostgreSQL; what needs real similarities or scores (across
languages, check-worthiness) is marked `model` and gets the real encoders."""

import json

import pytest
from sqlalchemy import select, update

from factcheck.matching.fulltext import lexical_fields_many
from factcheck.matching.search import search_claims, similar_to_claims
from factcheck.models import Claim, ClaimLink
from factcheck.services.articles import ingest_article
from factcheck.services.claimreview_import import read_claim_reviews
from factcheck.services.claims import (
    count_without_current_vector,
    import_claims,
    read_jsonl,
    reindex_claims,
)

CHECKED = [
    {
        "text": "Lukashenko won the 2020 presidential election in Belarus with 80 percent.",
        "rating": "false",
        "id": "fc-1",
    },
    {"text": "The river flooded 12 times in 2023.", "rating": "true", "id": "fc-2"},
    {"text": "Minsk opened a new metro line in 2020.", "rating": "true", "id": "fc-3"},
]
RUSSIAN_ARTICLE = (
    "Лукашенко победил на президентских выборах 2020 года в Беларуси, набрав 80 процентов. "
    "Добрый вечер и добро пожаловать.\n\n"
    "Безработица в Минске в прошлом году снизилась до 4 процентов."
)


def imported(session, matcher, rows=CHECKED):
    records, errors = read_jsonl([json.dumps(row) for row in rows])
    assert errors == []
    import_claims(session, matcher, records)


def test_imported_claims_store_a_detected_or_given_language(session, matcher):
    imported(session, matcher, [*CHECKED, {"text": "Выборы были честными.", "language": "ru"}])
    languages = {c.text: c.language for c in session.scalars(select(Claim))}
    assert languages[CHECKED[0]["text"]] == "en"
    assert languages["Выборы были честными."] == "ru"
    records, errors = read_jsonl([json.dumps({"text": "x", "language": "english!"})])
    assert records == []
    assert errors == ["line 1: 'english!' is not a language code such as en or ru."]


def test_claimreview_in_language_sets_the_claims_language(session, matcher):
    records, errors = read_claim_reviews(
        {
            "@type": "ClaimReview",
            "claimReviewed": "Biden 2020",
            "inLanguage": {"@type": "Language", "name": "Spanish", "alternateName": "es"},
            "reviewRating": {"alternateName": "False"},
        }
    )
    assert errors == []
    import_claims(session, matcher, records)
    assert session.scalars(select(Claim)).one().language == "es"


@pytest.mark.model
def test_a_russian_article_is_split_into_sentence_claims_in_russian(session, matcher):
    result = ingest_article(session, matcher, title="Выборы", body=RUSSIAN_ARTICLE)
    article = result.article
    assert article.language == "ru"
    texts = [c.text for c in article.claims]
    assert texts[0].startswith("Лукашенко победил")
    assert all(article.body[c.start : c.end] == c.text for c in article.claims)
    assert {c.language for c in article.claims} == {"ru"}
    assert all(c.multilingual_model == matcher.multilingual.embedder.name for c in article.claims)
    scores = {c.text: c.checkworthiness for c in article.claims}
    assert scores["Добрый вечер и добро пожаловать."] < 0.5 < scores[texts[0]]


@pytest.mark.model
def test_a_russian_query_finds_the_english_fact_check(session, matcher):
    imported(session, matcher)
    found = search_claims(
        session, matcher, "Лукашенко победил на выборах 2020 года в Беларуси с 80 процентами"
    )
    assert found[0].claim.external_id == "fc-1"
    assert found[0].match is not None and found[0].match > 0.5


@pytest.mark.model
def test_an_english_claim_finds_a_russian_one_through_the_multilingual_vector(session, matcher):
    ingest_article(session, matcher, title="Выборы", body=RUSSIAN_ARTICLE)
    found = search_claims(
        session, matcher, "Unemployment in Minsk fell to 4 percent last year.", language="en"
    )
    assert found[0].claim.language == "ru"
    assert found[0].claim.text.startswith("Безработица")


def test_english_pairs_keep_the_english_pipeline(session, matcher):
    """With or without the multilingual space, English queries rank English claims alike."""
    imported(session, matcher)
    query = "Did Lukashenko really get 80% in the 2020 election?"
    with_space = [
        (f.claim.id, f.similarity, f.match) for f in search_claims(session, matcher, query)
    ]
    space, matcher.multilingual = matcher.multilingual, None
    try:
        alone = [
            (f.claim.id, f.similarity, f.match) for f in search_claims(session, matcher, query)
        ]
    finally:
        matcher.multilingual = space
    assert with_space == alone


def test_bm25_searches_only_the_claims_in_the_querys_language(session, matcher):
    imported(session, matcher, [{"text": "Minsk Minsk metro.", "language": "en"}, *CHECKED])
    imported(session, matcher, [{"text": "Minsk метро открыто.", "language": "ru", "id": "r"}])
    ids = {c.text: c.id for c in session.scalars(select(Claim))}
    russian, anywhere = lexical_fields_many(
        session, ["Minsk", "Minsk"], matcher, languages=["ru", None]
    )
    assert [row[0] for row in russian] == [ids["Minsk метро открыто."]]
    assert ids["Minsk Minsk metro."] in [row[0] for row in anywhere]


@pytest.mark.model
def test_a_repeat_in_russian_is_linked_to_the_english_verdict(session, matcher):
    imported(session, matcher)
    article = ingest_article(session, matcher, title="Выборы", body=RUSSIAN_ARTICLE).article
    links = session.scalars(select(ClaimLink)).all()
    claim = article.claims[0]
    assert [(link.claim_id, link.other.external_id) for link in links] == [(claim.id, "fc-1")]
    similar = similar_to_claims(session, matcher, [claim])[claim.id]
    assert similar[0].claim.external_id == "fc-1"


@pytest.mark.model
def test_reindex_one_model_gives_back_the_missing_multilingual_vectors(session, matcher):
    imported(session, matcher)
    session.execute(update(Claim).values(multilingual_embedding=None, multilingual_model=None))
    session.commit()
    assert count_without_current_vector(session, matcher, space="multilingual") == 3
    assert count_without_current_vector(session, matcher, space="dense") == 0
    assert reindex_claims(session, matcher, only_missing=True, space="multilingual") == 3
    assert count_without_current_vector(session, matcher) == 0
    found = search_claims(session, matcher, "Минск открыл новую линию метро в 2020 году")
    assert found[0].claim.external_id == "fc-3"
