"""claims:search as clients of Google's Fact Check Tools API expect it (issue 16, item 5)."""

from __future__ import annotations

from datetime import UTC, datetime

from factcheck.services.articles import ingest_article
from factcheck.services.public import slug
from factcheck.services.reviews import SourceInput, record_verdict
from tests.api.conftest import assert_error

BATS = "bats cannot see"


def nulls(value, path="") -> list[str]:
    """Return the paths of every null in a JSON value."""
    if value is None:
        return [path]
    if isinstance(value, dict):
        return [p for key, item in value.items() for p in nulls(item, f"{path}.{key}")]
    if isinstance(value, list):
        return [p for i, item in enumerate(value) for p in nulls(item, f"{path}[{i}]")]
    return []


def bats_article(session, matcher):
    """An article whose claim reads like the demo's checked 'Bats are blind.', unchecked."""
    return ingest_article(
        session,
        matcher,
        title="Night animals",
        url="https://news.example/bats",
        outlet="Evening Post",
        body="Bats are completely blind animals.",
        published_at=datetime(2025, 5, 2, tzinfo=UTC),
    ).article


def test_search_answers_reviewed_claims_unless_asked_for_unreviewed(api, demo, session, matcher):
    unchecked = bats_article(session, matcher).claims[0]
    default = api.get("/api/v1/claims:search", query_string={"query": BATS}).json["claims"]
    assert default and all(item["claimReview"] for item in default)
    assert unchecked.id not in [item["id"] for item in default]
    everything = api.get(
        "/api/v1/claims:search", query_string={"query": BATS, "include": "unreviewed"}
    ).json["claims"]
    assert unchecked.id in [item["id"] for item in everything]
    found = next(item for item in everything if item["id"] == unchecked.id)
    assert found["claimReview"] == [] and "claimant" not in found
    response = api.get("/api/v1/claims:search", query_string={"query": BATS, "include": "all"})
    assert "include must be 'unreviewed'" in assert_error(response, 400)["message"]


def test_search_takes_googles_offset_beside_the_page_token(api, demo):
    def ids(**args):
        body = api.get("/api/v1/claims:search", query_string={"query": "budget", **args}).json
        return [item["id"] for item in body["claims"]], body.get("nextPageToken")

    everything, _ = ids(pageSize=10)
    assert len(everything) >= 5
    assert ids(pageSize=2, offset=2)[0] == everything[2:4]
    assert ids(pageSize=2, offset=0)[0] == everything[:2]
    first, token = ids(pageSize=2)
    assert first == everything[:2]
    # A pageToken wins over an offset, as in Google's API.
    assert ids(pageSize=2, pageToken=token, offset=7)[0] == everything[2:4]
    for bad in ("-1", "100", "two"):
        response = api.get(f"/api/v1/claims:search?query=budget&offset={bad}")
        assert (
            "offset must be a whole number from 0 to 99" in assert_error(response, 400)["message"]
        )


def test_search_leaves_out_fields_without_a_value(api, demo, session, matcher, users):
    article = bats_article(session, matcher)
    claim = article.claims[0]
    record_verdict(
        session,
        claim,
        rating="false",
        reviewer=users["checker"],
        sources=[SourceInput(url="https://zoo.example/bats")],
    )  # a draft: the claim stays unreviewed
    body = api.get(
        "/api/v1/claims:search",
        query_string={"query": BATS, "include": "unreviewed", "pageSize": 20},
    ).json
    assert nulls(body) == []
    item = next(item for item in body["claims"] if item["id"] == claim.id)
    assert "claimant" not in item and "claimDate" in item  # the article's date


def test_claimreview_names_who_made_the_claim(api, session, matcher, users):
    article = bats_article(session, matcher)
    claim = article.claims[0]
    review = record_verdict(
        session,
        claim,
        rating="false",
        reviewer=users["checker"],
        conclusion="Every bat species can see.",
        sources=[SourceInput(url="https://zoo.example/bats")],
        publish=True,
    )
    ld = api.get(f"/api/v1/reviews/{review.id}").json
    ld = ld.get("claimReview", ld)
    assert ld["itemReviewed"]["author"] == {"@type": "Organization", "name": "Evening Post"}
    assert ld["url"] == f"http://localhost/v/{slug(claim)}"
    claim.claimant = "A zoo keeper"
    session.commit()
    ld = api.get(f"/api/v1/reviews/{review.id}").json
    ld = ld.get("claimReview", ld)
    assert ld["itemReviewed"]["author"] == {"@type": "Person", "name": "A zoo keeper"}
    summary = api.get("/api/v1/claims:search", query_string={"query": BATS}).json["claims"][0]
    assert summary["id"] == claim.id
    assert summary["claimReview"][0]["url"] == f"http://localhost/v/{slug(claim)}"
