"""The API and languages: an article's languageCode, claims:search across languages."""

import json

import pytest

from factcheck.services.claims import import_claims, read_jsonl
from tests.api.conftest import assert_error

FACT_CHECKS = [
    {
        "text": "Lukashenko won the 2020 presidential election in Belarus with 80 percent.",
        "rating": "false",
        "id": "fc-belarus",
    },
    {"text": "Минск открыл новую линию метро в 2020 году.", "rating": "true", "id": "fc-metro"},
]


def test_an_article_given_in_a_language_keeps_it_and_its_claims_do_too(writer):
    response = writer.post(
        "/api/v1/articles",
        json={
            "title": "Выборы",
            "body": "Лукашенко победил на выборах 2020 года, набрав 80 процентов.",
            "languageCode": "ru-RU",
        },
    )
    assert response.status_code == 201, response.json
    assert response.json["languageCode"] == "ru"
    assert {c["languageCode"] for c in response.json["claims"]} == {"ru"}


def test_a_language_code_that_is_no_code_is_refused(writer):
    response = writer.post(
        "/api/v1/articles", json={"title": "T", "body": "Some text.", "languageCode": "english!"}
    )
    assert "not a language code" in assert_error(response, 422)["message"]


@pytest.mark.model
def test_search_finds_claims_in_other_languages_and_filters_by_language(api, session, matcher):
    records, _ = read_jsonl([json.dumps(row) for row in FACT_CHECKS])
    import_claims(session, matcher, records)
    url = "/api/v1/claims:search"
    russian = api.get(url, query_string={"query": "Лукашенко победил на выборах с 80 процентами"})
    assert russian.json["claims"][0]["text"] == FACT_CHECKS[0]["text"]
    english = api.get(url, query_string={"query": "Minsk opened a new metro line in 2020"})
    assert english.json["claims"][0]["text"] == FACT_CHECKS[1]["text"]
    only = api.get(url, query_string={"query": "metro in Minsk", "languageCode": "RU"})
    assert [c["text"] for c in only.json["claims"]] == [FACT_CHECKS[1]["text"]]
    regional = api.get(url, query_string={"query": "Lukashenko election", "languageCode": "en-US"})
    assert [c["text"] for c in regional.json["claims"]] == [FACT_CHECKS[0]["text"]]
