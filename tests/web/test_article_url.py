"""/articles/new: fetch an article from its address (a real page on 127.0.0.1)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from factcheck.models import Article
from tests.http_server import Reply, Site, article_html
from tests.services.test_pages import PARAGRAPHS


def allow_loopback() -> None:
    current_app.config.update(FETCH_ALLOW_HOSTS="127.0.0.1", FETCH_MIN_INTERVAL_SECONDS=0.0)


def test_the_new_article_page_offers_both_ways_in(editor):
    page = editor.get("/articles/new")
    assert page.status_code == 200
    assert 'action="/articles/fetch"' in page.text and 'name="page_url"' in page.text
    assert 'action="/articles/new"' in page.text and 'name="body"' in page.text


def test_an_article_fetched_by_url_is_shown_and_fetching_it_again_says_so(editor, session):
    allow_loopback()
    with Site({"/story": Reply(article_html("Crime falls in Riverton", PARAGRAPHS))}) as site:
        first = editor.post("/articles/fetch", data={"page_url": f"{site.url}/story"})
        assert first.status_code == 302
        shown = editor.get(first.location)
        again = editor.post("/articles/fetch", data={"page_url": f"{site.url}/story"},
                            follow_redirects=True)
    assert "Crime falls in Riverton" in shown.text and 'class="hl' in shown.text
    assert "ingested before and has not changed" in again.text
    assert session.scalar(select(func.count(Article.id))) == 1


def test_a_page_that_cannot_be_used_is_explained_on_the_form(editor, session):
    allow_loopback()
    with Site({"/doc.pdf": Reply(b"%PDF", headers={"Content-Type": "application/pdf"})}) as site:
        response = editor.post("/articles/fetch", data={"page_url": f"{site.url}/doc.pdf"})
    assert response.status_code == 422
    assert "is not an HTML page: it is application/pdf" in response.text
    refused = editor.post("/articles/fetch", data={"page_url": "http://10.0.0.1/a"})
    assert refused.status_code == 422 and "private address" in refused.text
    empty = editor.post("/articles/fetch", data={"page_url": ""})
    assert empty.status_code == 422 and "Give the article" in empty.text
    assert session.scalar(select(func.count(Article.id))) == 0


def test_fetching_needs_a_login(client, users):
    response = client.post("/articles/fetch", data={"page_url": "https://x.example/a"})
    assert response.status_code == 302 and "/login" in response.location


def test_fetching_needs_a_csrf_token(editor, app):
    app.config["WTF_CSRF_ENABLED"] = True
    forged = editor.post("/articles/fetch", data={"page_url": "https://x.example/a"})
    assert forged.status_code == 400 and "CSRF" in forged.text
