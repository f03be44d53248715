"""Every API endpoint: success, auth failure, bad input, pagination to the end."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from factcheck.models import ApiToken, Article, Claim
from factcheck.services.articles import ingest_article
from factcheck.services.reviews import SourceInput, record_verdict
from factcheck.services.tokens import revoke_token
from tests.api.conftest import ApiClient, assert_error
from tests.conftest import make_app

SOURCE = SourceInput(url="https://stats.example/crime", title="Crime statistics")
READ_ENDPOINTS = [
    "/api/v1/claims:search?query=budget",
    "/api/v1/claims",
    "/api/v1/claims/1",
    "/api/v1/articles/1",
    "/api/v1/reviews/1",
    "/api/v1/claimreview",
]


def pages(api: ApiClient, url: str, key: str) -> list[list[dict]]:
    """Follow nextPageToken from URL to the last page; return the items of each page."""
    found, token = [], None
    for _ in range(100):
        response = api.get(f"{url}&pageToken={quote(token)}" if token else url)
        assert response.status_code == 200, response.text
        found.append(response.json[key])
        token = response.json.get("nextPageToken")
        if token is None:
            return found
    raise AssertionError("pagination never ended")


@pytest.fixture
def published(session, matcher, users):
    """An article of three claims, each with a published verdict of ours."""
    article = ingest_article(
        session,
        matcher,
        title="Crime",
        url="https://news.example/crime",
        body="Crime fell 8 percent in Riverton last year. "
        "The mayor hired 40 new police officers. "
        "Riverton has the lowest taxes in the state.",
    ).article
    for claim, rating in zip(article.claims, ["true", "false", "half-true"], strict=True):
        record_verdict(
            session,
            claim,
            rating=rating,
            reviewer=users["checker"],
            conclusion=f"Checked: {rating}.",
            sources=[SOURCE],
            publish=True,
        )
    return article


@pytest.mark.parametrize("url", READ_ENDPOINTS)
def test_reads_need_a_token_by_default(client, url):
    assert_error(client.get(url), 401, "unauthenticated")
    response = client.get(url, headers={"Authorization": "Bearer fct_not-a-real-token"})
    assert_error(response, 401)
    response = client.get(url, headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert "Bearer" in assert_error(response, 401)["message"]


def test_open_reads_setting_lets_callers_without_a_token_read(tmp_path, matcher):
    app = make_app(tmp_path, API_OPEN_READS=True)
    with app.app_context():
        client = app.test_client()
        assert client.get("/api/v1/claims").status_code == 200
        bad = client.get("/api/v1/claims", headers={"Authorization": "Bearer fct_wrong"})
        assert_error(bad, 401)
        assert_error(client.post("/api/v1/articles", json={"title": "t", "body": "b"}), 401)


def test_a_revoked_token_or_an_inactive_user_is_refused(api, session, users, tokens):
    assert api.get("/api/v1/claims").status_code == 200
    users["editor"].active = False
    session.commit()
    assert_error(api.get("/api/v1/claims"), 401)
    users["editor"].active = True
    session.commit()
    assert api.get("/api/v1/claims").status_code == 200
    for token in session.scalars(select(ApiToken)):
        revoke_token(session, token.id)
    assert_error(api.get("/api/v1/claims"), 401, "unauthenticated")


@pytest.mark.model
def test_search_pages_to_the_end_without_repeats(api, demo):
    found = pages(api, "/api/v1/claims:search?query=Riverton+budget&pageSize=7", "claims")
    ids = [item["id"] for page in found for item in page]
    assert len(found) > 2 and all(len(page) == 7 for page in found[:-1])
    assert len(ids) == len(set(ids)) and len(ids) <= 100
    similarities = [item["similarity"] for page in found for item in page]
    assert similarities[0] == max(similarities)
    assert {item["relation"] for page in found for item in page} <= {
        "same",
        "similar",
        "near_miss",
        "related",
    }


def test_search_refuses_forged_or_foreign_page_tokens(api, demo):
    first = api.get("/api/v1/claims:search?query=budget&pageSize=2").json
    token = first["nextPageToken"]
    for bad in [token[:-2] + "xx", "A" * 40, "%00", "eyJxIjoiYSIsIm8iOjk5OTk5fQ", "é" * 10]:
        assert_error(
            api.get(
                "/api/v1/claims:search",
                query_string={"query": "budget", "pageSize": 2, "pageToken": bad},
            ),
            400,
            "invalid_argument",
        )
    other = api.get(
        "/api/v1/claims:search", query_string={"query": "bats", "pageSize": 2, "pageToken": token}
    )
    assert "same arguments" in assert_error(other, 400)["message"]
    assert_error(api.get("/api/v1/claims", query_string={"pageToken": token}), 400)


def test_search_filters_by_language_age_and_publisher_site(api, demo, published):
    url = "/api/v1/claims:search?query=crime+fell+in+Riverton&pageSize=100&include=unreviewed"
    everything = api.get(url).json["claims"]
    ours = api.get(url + "&reviewPublisherSiteFilter=factcheck.example").json["claims"]
    assert ours and all(
        c["claimReview"][0]["publisher"]["site"] == "factcheck.example" for c in ours
    )
    assert len(ours) < len(everything)
    assert api.get(url + "&languageCode=fr").json["claims"] == []
    assert len(api.get(url + "&languageCode=en").json["claims"]) == len(everything)
    recent = api.get(url + "&maxAgeDays=1").json["claims"]
    assert {c["id"] for c in recent} >= {c.id for c in published.claims}
    assert len(recent) < len(everything)  # the demo's claim dates are older
    for bad in ["languageCode=english!", "maxAgeDays=0", "maxAgeDays=-3", "maxAgeDays=x"]:
        assert_error(api.get(f"{url}&{bad}"), 400, "invalid_argument")


def test_claims_list_filters_and_pages_to_the_end(api, demo, published, session):
    found = pages(api, "/api/v1/claims?pageSize=10", "claims")
    ids = [c["id"] for page in found for c in page]
    assert ids == sorted(ids) and len(ids) == session.scalar(select(func.count(Claim.id)))
    mine = api.get(f"/api/v1/claims?articleId={published.id}&status=published").json["claims"]
    assert [c["id"] for c in mine] == [c.id for c in published.claims]
    rated = api.get("/api/v1/claims?rating=half-true&articleId=" + str(published.id)).json
    assert [c["rating"] for c in rated["claims"]] == ["half-true"]
    since = api.get("/api/v1/claims?updatedSince=2999-01-01").json["claims"]
    assert since == []
    recent = api.get("/api/v1/claims?updatedSince=2000-01-01T00:00:00Z&pageSize=100").json
    assert len(recent["claims"]) == min(100, len(ids))
    for bad in [
        "status=bogus",
        "rating=very-false",
        "articleId=0",
        "articleId=x",
        "updatedSince=yesterday",
        "pageSize=101",
    ]:
        assert_error(api.get(f"/api/v1/claims?{bad}"), 400, "invalid_argument")


@pytest.mark.model  # matches by real similarity
def test_post_article_stores_it_with_claims_matches_and_carried_verdicts(writer, demo, session):
    text = "Bats are blind, the report said. Riverton's budget grew by 40 percent in 2025."
    response = writer.post(
        "/api/v1/articles",
        json={
            "title": "Bats and budgets",
            "body": text,
            "url": "https://news.example/bats",
            "outlet": "The Example",
            "publishedAt": "2025-03-01",
        },
    )
    assert response.status_code == 201, response.text
    article = response.json
    assert article["title"] == "Bats and budgets"
    assert article["publishedAt"].startswith("2025-03-01")
    assert len(article["claims"]) >= 2
    bats = next(c for c in article["claims"] if "bats are blind" in c["text"].lower())
    best = bats["matches"][0]
    assert best["text"] == "Bats are blind." and best["claimReview"][0]["rating"] == "false"
    assert bats["carriedVerdict"]["rating"] == "false"  # confirmed automatically at ingest
    stored = session.get(Article, article["id"])
    assert stored.submitted_by.email == "editor@example.org"
    again = writer.post("/api/v1/articles", json={"title": "Again", "body": text})
    assert again.status_code == 200 and again.json["id"] == article["id"]
    fetched = writer.get(f"/api/v1/articles/{article['id']}").json
    assert [c["id"] for c in fetched["claims"]] == [c["id"] for c in article["claims"]]


def test_post_article_needs_write_and_explains_bad_input(api, writer, app):
    assert (
        "write"
        in assert_error(
            api.post("/api/v1/articles", json={"title": "t", "body": "b"}), 403, "forbidden"
        )["message"]
    )
    cases = [
        ({"data": "{not json", "content_type": "application/json"}, 400),
        ({"data": "title=x", "content_type": "application/x-www-form-urlencoded"}, 415),
        ({"json": ["a", "list"]}, 422),
        ({"json": {"body": "Text."}}, 422),
        ({"json": {"title": "T"}}, 422),
        ({"json": {"title": 5, "body": "Text."}}, 422),
        ({"json": {"title": "T", "body": "   "}}, 422),
        ({"json": {"title": "T", "body": "Text.", "url": "javascript:alert(1)"}}, 422),
        ({"json": {"title": "T", "body": "Text.", "format": "pdf"}}, 422),
        ({"json": {"title": "T", "body": "Text.", "publishedAt": "March"}}, 422),
        ({"json": {"title": "T", "body": "x" * 2_000_001}}, 413),
        # Past what ingests in well under half a minute (bench/article_limit.py).
        ({"json": {"title": "T", "body": "Crime fell. " * 4_200}}, 413),
        ({"data": b"\xff\xfe\x00garbage", "content_type": "application/json"}, 400),
    ]
    for kwargs, status in cases:
        assert_error(writer.post("/api/v1/articles", **kwargs), status)
    app.config["API_MAX_BODY_BYTES"] = 1000
    assert_error(
        writer.post("/api/v1/articles", json={"title": "T", "body": "x" * 2000}), 413, "too_large"
    )


def test_get_article_unknown_is_404(api):
    assert_error(api.get("/api/v1/articles/424242"), 404, "not_found")
    assert_error(api.get("/api/v1/articles/99999999999999999999"), 404)


@pytest.mark.model
def test_check_finds_claims_and_verdicts_and_stores_nothing(api, demo, session):
    before = (
        session.scalar(select(func.count(Claim.id))),
        session.scalar(select(func.count(Article.id))),
    )
    response = api.post("/api/v1/check", json={"text": "Everyone knows bats are blind."})
    assert response.status_code == 200, response.text
    claims = response.json["claims"]
    assert len(claims) == 1 and claims[0]["matches"][0]["text"] == "Bats are blind."
    assert claims[0]["verdict"]["rating"] == "false"
    assert claims[0]["verdict"]["claimReview"]["textualRating"] == "False"
    after = (
        session.scalar(select(func.count(Claim.id))),
        session.scalar(select(func.count(Article.id))),
    )
    assert before == after


def test_check_explains_bad_input(api, app):
    for kwargs, status in [
        ({"json": {}}, 422),
        ({"json": {"text": ""}}, 422),
        ({"json": {"text": ["x"]}}, 422),
        ({"data": "text"}, 415),
        ({"json": {"text": "<script></script>", "format": "html"}}, 422),
    ]:
        assert_error(api.post("/api/v1/check", **kwargs), status)
    app.config["API_CHECK_MAX_CHARS"] = 100
    assert_error(api.post("/api/v1/check", json={"text": "Word. " * 100}), 413, "too_large")
    assert_error(api.client.post("/api/v1/check", json={"text": "x"}), 401)


def test_review_as_json_and_as_claimreview(api, published, session):
    review = published.claims[0].verdict
    body = api.get(f"/api/v1/reviews/{review.id}").json
    assert body["rating"] == "true" and body["sources"][0]["url"] == SOURCE.url
    assert body["claimReview"]["@type"] == "ClaimReview"
    response = api.get(f"/api/v1/reviews/{review.id}", headers={"Accept": "application/ld+json"})
    assert response.mimetype == "application/ld+json"
    data = json.loads(response.data)
    assert data["claimReviewed"] == published.claims[0].text
    assert data["reviewRating"]["ratingValue"] == 5
    draft = record_verdict(session, published.claims[1], rating="true", reviewer=review.reviewer)
    assert_error(api.get(f"/api/v1/reviews/{draft.id}"), 404, "not_found")
    assert_error(api.get("/api/v1/reviews/0"), 404)


def test_claimreview_feed_pages_and_shows_corrections_last(api, published, session, users, demo):
    found = pages(api, "/api/v1/claimreview?pageSize=2", "dataFeedElement")
    items = [item for page in found for item in page]
    # Only our own verdicts: the demo's imported ones belong to their publishers.
    assert [i["claimReviewed"] for i in items] == [c.text for c in published.claims]
    stamps = [i["dateModified"] for i in items]
    assert stamps == sorted(stamps)
    record_verdict(
        session,
        published.claims[0],
        rating="mostly-true",
        reviewer=users["checker"],
        conclusion="Corrected.",
        sources=[SOURCE],
        publish=True,
        correction_reason="New figures.",
    )
    since = api.get("/api/v1/claimreview", query_string={"since": stamps[-1]})
    newest = json.loads(since.data)["dataFeedElement"]
    assert newest[-1]["claimReviewed"] == published.claims[0].text
    assert newest[-1]["reviewRating"]["ratingValue"] == 4
    assert newest[-1]["datePublished"] <= newest[-1]["dateModified"][:10]
    everything = [
        i for page in pages(api, "/api/v1/claimreview?pageSize=10", "dataFeedElement") for i in page
    ]
    assert len(everything) == 3  # one entry per claim: the corrected one replaced
    assert_error(api.get("/api/v1/claimreview?since=last+week"), 400, "invalid_argument")


def test_rate_limit_is_per_token_and_says_when_to_retry(tmp_path, users_app_tokens):
    app, read, other = users_app_tokens
    client = app.test_client()
    auth = {"Authorization": f"Bearer {read}"}
    for _ in range(3):
        assert client.get("/api/v1/claims", headers=auth).status_code == 200
    limited = client.get("/api/v1/claims", headers=auth)
    assert_error(limited, 429, "rate_limited")
    assert int(limited.headers["Retry-After"]) > 0
    assert (
        client.get("/api/v1/claims", headers={"Authorization": f"Bearer {other}"}).status_code
        == 200
    )


@pytest.fixture
def users_app_tokens(tmp_path):
    from factcheck.extensions import db
    from factcheck.services.tokens import create_token
    from factcheck.services.users import create_user

    app = make_app(tmp_path, API_RATE_LIMIT="3 per minute")
    with app.app_context():
        create_user(db.session, email="r@example.org", password="long enough pw", role="editor")
        yield (
            app,
            create_token(db.session, email="r@example.org", name="a", scope="read").secret,
            create_token(db.session, email="r@example.org", name="b", scope="read").secret,
        )
        db.session.remove()


def test_every_api_view_states_the_scope_it_needs(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint != "api.openapi_document":
            view = app.view_functions[rule.endpoint]
            # A token scope, or an explicit choice to be open (readers' requests).
            assert getattr(view, "required_scope", None) is not None or getattr(
                view, "public", False
            ), rule.rule
