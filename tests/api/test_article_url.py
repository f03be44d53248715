"""POST /api/v1/articles with {"url": ...}: the page is fetched from a real local server."""

from __future__ import annotations

from flask import current_app

from tests.api.conftest import assert_error
from tests.http_server import Reply, Site, article_html
from tests.services.test_pages import PARAGRAPHS


def test_an_article_by_url_is_created_then_found_again(writer):
    current_app.config.update(FETCH_ALLOW_HOSTS="127.0.0.1", FETCH_MIN_INTERVAL_SECONDS=0.0)
    with Site({"/story": Reply(article_html("Crime falls in Riverton", PARAGRAPHS))}) as site:
        created = writer.post("/api/v1/articles", json={"url": f"{site.url}/story"})
        again = writer.post("/api/v1/articles", json={"url": f"{site.url}/story#top"})
    assert created.status_code == 201, created.text
    body = created.json
    assert body["title"] == "Crime falls in Riverton" and body["author"] == "Jane Doe"
    assert body["outlet"] == "Riverton Gazette" and body["publishedAt"].startswith("2024-03-05")
    assert body["revision"] == 1 and body["fetchedAt"] and body["claims"]
    assert again.status_code == 200 and again.json["id"] == body["id"]


def test_urls_that_cannot_be_fetched_get_clear_errors(writer, api):
    error = assert_error(writer.post("/api/v1/articles", json={"url": "http://127.0.0.1:9/a"}),
                         422, "invalid_input")
    assert "loopback" in error["message"]
    error = assert_error(writer.post("/api/v1/articles", json={"url": "https://x.example/a",
                                                               "author": "me"}), 422)
    assert "not author" in error["message"]
    assert_error(writer.post("/api/v1/articles", json={"url": 5}), 422)
    assert_error(api.post("/api/v1/articles", json={"url": "https://x.example/a"}), 403)
    current_app.config.update(FETCH_ALLOW_HOSTS="127.0.0.1", FETCH_MIN_INTERVAL_SECONDS=0.0)
    with Site({"/gone": Reply(b"<p>gone</p>", 410)}) as site:
        error = assert_error(writer.post("/api/v1/articles", json={"url": f"{site.url}/gone"}),
                             422, "fetch_failed")
    assert "HTTP 410" in error["message"]
