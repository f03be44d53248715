"""POST /api/v1/requests: readers' claims from other apps, no token, limited per address."""

from __future__ import annotations

import re

import pytest

from factcheck.extensions import db
from factcheck.models import ReaderRequest
from factcheck.services.articles import ingest_article
from factcheck.services.reviews import SourceInput, record_verdict
from tests.conftest import make_app

FARES = "Bus fares rose 12 percent in 2024."


@pytest.fixture
def published(session, matcher, users):
    claim = ingest_article(
        session,
        matcher,
        title="Budget",
        body=f"{FARES} The library budget was cut by 30 percent.",
        submitted_by=users["editor"],
    ).article.claims[0]
    record_verdict(
        session,
        claim,
        rating="false",
        reviewer=users["checker"],
        publish=True,
        conclusion="Fares rose 3 percent.",
        sources=[SourceInput(url="https://stats.example/fares")],
    )
    return claim


def test_a_request_needs_no_token_and_joins_the_desk(client):
    response = client.post(
        "/api/v1/requests", json={"text": "Crime fell by half.", "url": "https://x.example/p"}
    )
    assert response.status_code == 201, response.text
    assert response.json["status"] == "received" and response.json["emailKept"] is False
    assert "verdict" not in response.json
    assert response.headers["Location"] == response.json["statusUrl"]
    assert "/ask/r/" in response.json["statusUrl"]
    page = client.get(response.json["statusUrl"].removeprefix("http://localhost"))
    assert page.status_code == 200 and "Crime fell by half." in page.text
    stored = db.session.scalars(db.select(ReaderRequest)).one()
    assert stored.channel == "api" and stored.url == "https://x.example/p"


def test_a_matching_published_verdict_comes_back_at_once(client, published):
    response = client.post("/api/v1/requests", json={"text": FARES})
    assert response.status_code == 201
    assert response.json["status"] == "answered"
    verdict = response.json["verdict"]
    assert re.fullmatch(rf"http\S+/v/{published.id}(-\S*)?", verdict.pop("url"))
    assert verdict == {
        "claim": FARES,
        "rating": "false",
        "textualRating": "False",
        "conclusion": "Fares rose 3 percent.",
    }


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({}, 422, "Tell us the claim, or the address"),
        ({"text": 5}, 422, "'text' must be a string"),
        ({"text": "x" * 1001}, 422, "The claim is too long"),
        ({"url": "ftp://x.example/a"}, 422, "must be a web address"),
        ({"text": "Crime fell.", "email": "r@example.org"}, 422, "does not send replies by email"),
    ],
)
def test_bad_requests_say_what_is_wrong(client, body, status, message):
    response = client.post("/api/v1/requests", json=body)
    assert response.status_code == status and message in response.json["error"]["message"]
    assert db.session.scalars(db.select(ReaderRequest)).all() == []


@pytest.mark.sqlite_only
def test_requests_are_limited_per_address(tmp_path):
    app = make_app(tmp_path, READER_RATE_LIMIT="2 per minute")
    with app.app_context():
        client = app.test_client()
        codes = [
            client.post("/api/v1/requests", json={"text": f"Claim {n}"}).status_code
            for n in range(3)
        ]
        assert codes == [201, 201, 429]
        db.session.remove()
