"""POST /api/v1/articles with {"url": ...}: 202, a job, then the article (a real local page)."""

from __future__ import annotations

import pytest
from flask import current_app

from factcheck.job_engine import get_engine
from tests.api.conftest import assert_error
from tests.http_server import Reply, Site, article_html
from tests.services.test_pages import PARAGRAPHS


def test_an_article_by_url_is_fetched_in_the_background_and_followed_by_its_job(writer):
    current_app.config.update(FETCH_ALLOW_HOSTS="127.0.0.1", FETCH_MIN_INTERVAL_SECONDS=0.0)
    with Site({"/story": Reply(article_html("Crime falls in Riverton", PARAGRAPHS))}) as site:
        queued = writer.post("/api/v1/articles", json={"url": f"{site.url}/story"})
        assert queued.status_code == 202, queued.text
        assert queued.headers["Location"] == f"/api/v1/jobs/{queued.json['id']}"
        assert queued.json["status"] == "queued" and queued.json["article"] is None
        assert site.seen == []  # nothing fetched inside the request
        get_engine().run_job(queued.json["id"])  # what the consumer does with the message
        again = writer.post("/api/v1/articles", json={"url": f"{site.url}/story#top"})
        get_engine().run_job(again.json["id"])
    done = writer.get(queued.headers["Location"])
    assert done.status_code == 200 and done.json["status"] == "done"
    assert done.json["outcome"] == "created" and done.json["attempts"] == 1
    body = writer.get(done.json["article"]["url"]).json
    assert body["title"] == "Crime falls in Riverton" and body["author"] == "Jane Doe"
    assert body["outlet"] == "Riverton Gazette" and body["publishedAt"].startswith("2024-03-05")
    assert body["revision"] == 1 and body["fetchedAt"] and body["claims"]
    second = writer.get(f"/api/v1/jobs/{again.json['id']}").json
    assert second["outcome"] == "unchanged" and second["article"]["id"] == body["id"]


def test_a_failed_fetch_is_reported_on_the_job(writer):
    current_app.config.update(FETCH_ALLOW_HOSTS="127.0.0.1", FETCH_MIN_INTERVAL_SECONDS=0.0)
    with Site({"/gone": Reply(b"<p>gone</p>", 410)}) as site:
        queued = writer.post("/api/v1/articles", json={"url": f"{site.url}/gone"})
        get_engine().run_job(queued.json["id"])
    failed = writer.get(queued.headers["Location"]).json
    assert failed["status"] == "failed" and "HTTP 410" in failed["error"]
    assert failed["article"] is None


def test_urls_that_cannot_be_fetched_are_refused_at_once(writer, api):
    error = assert_error(
        writer.post("/api/v1/articles", json={"url": "http://127.0.0.1:9/a"}), 422, "invalid_input"
    )
    assert "loopback" in error["message"]
    error = assert_error(
        writer.post("/api/v1/articles", json={"url": "https://x.example/a", "author": "me"}), 422
    )
    assert "not author" in error["message"]
    assert_error(writer.post("/api/v1/articles", json={"url": 5}), 422)
    assert_error(api.post("/api/v1/articles", json={"url": "https://x.example/a"}), 403)


def test_a_long_text_goes_to_the_background(writer):
    current_app.config["API_SYNC_MAX_CHARS"] = 100
    body = " ".join(PARAGRAPHS) * 2
    queued = writer.post("/api/v1/articles", json={"title": "Long", "body": body})
    assert queued.status_code == 202
    get_engine().run_job(queued.json["id"])
    done = writer.get(queued.headers["Location"]).json
    assert done["status"] == "done" and done["outcome"] == "created"
    assert writer.get(done["article"]["url"]).json["title"] == "Long"
    blank = writer.post("/api/v1/articles", json={"title": "  ", "body": body})
    assert_error(blank, 422)


def test_a_job_is_seen_only_by_whoever_started_it(writer, session, users, client):
    from factcheck.services.tokens import create_token
    from tests.api.conftest import ApiClient

    queued = writer.post("/api/v1/articles", json={"url": "https://news.example/a"})
    other = ApiClient(
        client, create_token(session, email="checker@example.org", name="x", scope="read").secret
    )
    assert_error(other.get(queued.headers["Location"]), 404)
    admin = ApiClient(
        client, create_token(session, email="admin@example.org", name="x", scope="read").secret
    )
    assert admin.get(queued.headers["Location"]).status_code == 200
    assert_error(writer.get("/api/v1/jobs/987654"), 404)


def test_stored_articles_are_listed_by_page_with_their_source(writer, api, session, matcher):
    from factcheck.models import MonitoredSource
    from factcheck.services.articles import ingest_article

    source = MonitoredSource(name="Gazette", feed_url="https://gazette.example/feed")
    session.add(source)
    session.commit()
    for number in range(3):
        ingest_article(
            session,
            matcher,
            title=f"Story {number}",
            body=f"Rents rose {number + 2} percent in Riverton.",
            url=f"https://gazette.example/{number}",
            prepare=lambda article, number=number: (
                setattr(article, "source", source) if number else None
            ),
        )
    first = api.get("/api/v1/articles?pageSize=2")
    assert first.status_code == 200
    assert [a["title"] for a in first.json["articles"]] == ["Story 0", "Story 1"]
    assert first.json["articles"][0]["source"] is None
    assert first.json["articles"][1]["source"] == {"id": source.id, "name": "Gazette"}
    assert first.json["articles"][1]["url"] == "https://gazette.example/1"
    second = api.get(f"/api/v1/articles?pageSize=2&pageToken={first.json['nextPageToken']}")
    assert [a["title"] for a in second.json["articles"]] == ["Story 2"]
    assert "nextPageToken" not in second.json
    from_source = api.get(f"/api/v1/articles?sourceId={source.id}").json["articles"]
    assert [a["title"] for a in from_source] == ["Story 1", "Story 2"]
    assert_error(api.get("/api/v1/articles?pageSize=0"), 400)
    assert_error(api.get("/api/v1/articles?sourceId=x"), 400)


@pytest.mark.model
def test_alerts_are_listed_newest_first_with_the_earlier_verdict(api, session, matcher, demo):
    from factcheck.services.articles import ingest_article

    article = ingest_article(
        session,
        matcher,
        title="Trivia",
        outlet="Quiz Weekly",
        url="https://quiz.example/t",
        body="Bats are blind.",
    ).article
    body = api.get("/api/v1/alerts?state=open&pageSize=1").json
    (alert,) = body["alerts"]
    assert alert["claim"]["article"] == {
        "id": article.id,
        "title": "Trivia",
        "url": "https://quiz.example/t",
        "outlet": "Quiz Weekly",
        "publishedAt": None,
    }
    assert alert["earlier"]["text"] == "Bats are blind." and alert["automatic"] is True
    assert alert["earlier"]["claimReview"]["rating"] == "false"
    assert alert["outletsThisWeek"] == 1 and alert["state"] == "open"
    older = api.get(f"/api/v1/alerts?state=open&pageSize=1&pageToken={body['nextPageToken']}")
    assert older.json["alerts"][0]["id"] < alert["id"]
    assert_error(api.get("/api/v1/alerts?state=maybe"), 400)
