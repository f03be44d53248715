"""Malformed input gets a clear 4xx in the API's error shape, never a server error."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from factcheck.models import Article
from tests.api.conftest import assert_error

JSON = {"Content-Type": "application/json"}


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [1_000, 100_000])
@pytest.mark.parametrize("url, field", [("/api/v1/articles", "title"), ("/api/v1/check", "text")])
def test_deeply_nested_json_is_refused(writer, url, field, depth):
    body = f'{{"{field}": {nested(depth)}, "body": "Crime fell."}}'
    error = assert_error(writer.post(url, data=body, headers=JSON), 400, "invalid_argument")
    assert "nested too deeply" in error["message"]
    # Less deep, it is parsed, and refused for what it is: not a string.
    body = f'{{"{field}": {nested(900)}, "body": "Crime fell."}}'
    error = assert_error(writer.post(url, data=body, headers=JSON), 422, "invalid_input")
    assert f"'{field}' must be a string" in error["message"]


@pytest.mark.parametrize("field", ["title", "body", "url", "outlet", "author"])
def test_lone_surrogates_in_an_article_are_refused(writer, session, field):
    article = {"title": "Crime", "body": "Crime fell 8 percent.", field: "Crime \ud800 fell"}
    body = (
        "{"
        + ", ".join(
            f'"{k}": "{v.replace(chr(0xD800), chr(92) + "ud800")}"' for k, v in article.items()
        )
        + "}"
    )
    error = assert_error(writer.post("/api/v1/articles", data=body, headers=JSON), 422)
    assert f"'{field}'" in error["message"] and "surrogate" in error["message"]
    assert session.scalar(select(func.count()).select_from(Article)) == 0


def test_lone_surrogates_in_a_text_to_check_are_refused(api):
    body = '{"text": "Crime \\udfff fell 8 percent."}'
    error = assert_error(api.post("/api/v1/check", data=body, headers=JSON), 422)
    assert "'text'" in error["message"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/claims?updatedSince=9999-12-31T23:59:59-23:59",
        "/api/v1/claims?updatedSince=0001-01-01T00:30:00%2B01:00",
        "/api/v1/claimreview?since=0001-01-01T00:30:00%2B01:00",
        "/api/v1/claimreview?since=9999-12-31T23:59:59-23:59",
    ],
)
def test_dates_beyond_what_a_time_zone_can_shift_are_refused(api, url):
    error = assert_error(api.get(url), 400, "invalid_argument")
    assert "out of range" in error["message"]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/claims/99999999999999999999",
        "/api/v1/articles/9223372036854775808",
        "/api/v1/reviews/99999999999999999999",
    ],
)
def test_ids_past_the_largest_key_are_not_found(api, url):
    assert_error(api.get(url), 404, "not_found")


def test_an_over_long_url_is_414_in_the_error_shape(api, app):
    limit = app.config["API_MAX_URL_CHARS"]
    error = assert_error(api.get("/api/v1/claims:search?query=" + "a" * limit), 414, "uri_too_long")
    assert f"{limit:,}" in error["message"]
    assert api.get("/api/v1/claims:search?query=" + "a" * 1000).status_code == 200
