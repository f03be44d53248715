"""/articles/new: fetch an article from its address (a real page on 127.0.0.1)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from factcheck.job_engine import get_engine
from factcheck.models import Article, Job
from tests.conftest import login
from tests.http_server import Reply, Site, article_html
from tests.services.test_pages import PARAGRAPHS


def allow_loopback() -> None:
    current_app.config.update(FETCH_ALLOW_HOSTS="127.0.0.1", FETCH_MIN_INTERVAL_SECONDS=0.0)


def test_the_new_article_page_offers_both_ways_in(editor):
    page = editor.get("/articles/new")
    assert page.status_code == 200
    assert 'action="/articles/fetch"' in page.text and 'name="page_url"' in page.text
    assert 'action="/articles/new"' in page.text and 'name="body"' in page.text


def fetch(editor, url: str):
    """Post the form; return the fetch's status page address and its job id."""
    response = editor.post("/articles/fetch", data={"page_url": url})
    assert response.status_code == 302, response.text
    assert response.location.startswith("/articles/fetch/")
    return response.location, int(response.location.rsplit("/", 1)[1])


def test_an_article_by_url_is_fetched_by_a_job_whose_page_follows_it(editor, session):
    allow_loopback()
    with Site({"/story": Reply(article_html("Crime falls in Riverton", PARAGRAPHS))}) as site:
        status, job_id = fetch(editor, f"{site.url}/story")
        assert site.seen == []  # nothing fetched inside the request
        waiting = editor.get(status)
        assert waiting.status_code == 200 and waiting.headers["Refresh"] == "2"
        assert "Waiting for a job consumer" in waiting.text and f"{site.url}/story" in waiting.text
        assert f'href="{status}"' in waiting.text  # a link for whoever's browser ignores Refresh
        get_engine().run_job(job_id)  # what the consumer does with the message
        done = editor.get(status)
        assert done.status_code == 302 and done.location.startswith("/articles/")
        shown = editor.get(done.location)
        again, again_id = fetch(editor, f"{site.url}/story")
        get_engine().run_job(again_id)
        repeated = editor.get(again, follow_redirects=True)
    assert "Crime falls in Riverton" in shown.text and 'class="hl' in shown.text
    assert "ingested before and has not changed" in repeated.text
    assert session.scalar(select(func.count(Article.id))) == 1


def test_a_page_that_cannot_be_used_is_explained_on_the_fetch_page(editor, session):
    allow_loopback()
    with Site({"/doc.pdf": Reply(b"%PDF", headers={"Content-Type": "application/pdf"})}) as site:
        status, job_id = fetch(editor, f"{site.url}/doc.pdf")
        get_engine().run_job(job_id)
        failed = editor.get(status)
    assert failed.status_code == 200 and "Refresh" not in failed.headers
    assert "could not be fetched" in failed.text
    assert "is not an HTML page: it is application/pdf" in failed.text
    assert 'action="/articles/fetch"' in failed.text and "doc.pdf" in failed.text  # try again
    assert session.scalar(select(func.count(Article.id))) == 0


def test_addresses_that_cannot_be_fetched_are_refused_on_the_form_at_once(editor, session):
    refused = editor.post("/articles/fetch", data={"page_url": "http://10.0.0.1/a"})
    assert refused.status_code == 422 and "private address" in refused.text
    empty = editor.post("/articles/fetch", data={"page_url": ""})
    assert empty.status_code == 422 and "Give the article" in empty.text
    assert session.scalar(select(func.count(Job.id))) == 0


def status_for(app, role: str, path: str) -> int:
    with app.app_context():  # its own g, where flask-login keeps the user
        return login(app.test_client(), role).get(path).status_code


def test_a_fetch_is_followed_only_by_whoever_asked_and_admins(client, users, app):
    job = get_engine().enqueue(
        "ingest_url", {"url": "https://news.example/a"}, created_by=users["editor"]
    )
    assert client.get(f"/articles/fetch/{job.id}").status_code == 302  # to the login page
    assert status_for(app, "editor", f"/articles/fetch/{job.id}") == 200
    assert status_for(app, "checker", f"/articles/fetch/{job.id}") == 404
    assert status_for(app, "admin", f"/articles/fetch/{job.id}") == 200
    assert status_for(app, "admin", "/articles/fetch/987654") == 404


def test_fetching_needs_a_login(client, users):
    response = client.post("/articles/fetch", data={"page_url": "https://x.example/a"})
    assert response.status_code == 302 and "/login" in response.location


def test_fetching_needs_a_csrf_token(editor, app):
    app.config["WTF_CSRF_ENABLED"] = True
    forged = editor.post("/articles/fetch", data={"page_url": "https://x.example/a"})
    assert forged.status_code == 400 and "CSRF" in forged.text
