"""ClaimReview out (JSON-LD for published verdicts, on the claim page) and in (import)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from factcheck.models import Claim, Origin
from factcheck.services.articles import ingest_article
from factcheck.services.claimreview import Publisher, claim_review
from factcheck.services.claimreview_import import read_claim_reviews, read_import_file
from factcheck.services.public import slug
from factcheck.services.reviews import SourceInput, record_verdict
from factcheck.verdicts import RATINGS

SOURCE = SourceInput(url="https://stats.example/crime")
PUBLISHER = Publisher(name="Desk", site="desk.example")


def assert_google_claimreview(data: dict) -> None:
    """The fields Google's ClaimReview documentation requires (and those it recommends)."""
    assert data["@context"] == "https://schema.org" and data["@type"] == "ClaimReview"
    # Required: claimReviewed, reviewRating (with alternateName), url.
    assert isinstance(data["claimReviewed"], str) and data["claimReviewed"]
    assert re.match(r"https?://", data["url"])
    rating = data["reviewRating"]
    assert rating["@type"] == "Rating" and rating["alternateName"]
    if "ratingValue" in rating:
        assert rating["worstRating"] <= rating["ratingValue"] <= rating["bestRating"]
        assert (rating["worstRating"], rating["bestRating"]) == (1, 5)
    # Recommended: author (Organization with a name), datePublished, itemReviewed (a Claim).
    assert data["author"]["@type"] == "Organization" and data["author"]["name"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", data["datePublished"])
    assert data["itemReviewed"]["@type"] == "Claim"


@pytest.fixture
def article_claim(session, matcher):
    article = ingest_article(
        session,
        matcher,
        title="Crime report",
        url="https://news.example/c",
        body="The mayor said crime fell 8 percent in Riverton last year.",
        published_at=datetime(2025, 3, 1, tzinfo=UTC),
    ).article
    claim = article.claims[0]
    claim.claimant = "The mayor"
    session.commit()
    return claim


@pytest.mark.parametrize("rating", list(RATINGS))
def test_every_rating_makes_a_valid_claimreview(session, article_claim, users, rating):
    review = record_verdict(
        session,
        article_claim,
        rating=rating,
        reviewer=users["checker"],
        conclusion="Checked.",
        sources=[SOURCE],
        publish=True,
    )
    data = claim_review(review, page_url="https://desk.example/claims/1", publisher=PUBLISHER)
    assert_google_claimreview(data)
    assert data["reviewRating"].get("ratingValue") == RATINGS[rating].value
    assert data["itemReviewed"]["author"] == {"@type": "Person", "name": "The mayor"}
    assert data["itemReviewed"]["firstAppearance"]["url"] == "https://news.example/c"
    assert data["author"] == {
        "@type": "Organization",
        "name": "Desk",
        "url": "https://desk.example",
    }


def test_a_correction_keeps_the_first_publication_date(session, article_claim, users):
    first = record_verdict(
        session,
        article_claim,
        rating="false",
        reviewer=users["checker"],
        conclusion="No.",
        sources=[SOURCE],
        publish=True,
    )
    first.published_at = datetime(2025, 4, 2, 10, tzinfo=UTC)
    session.commit()
    second = record_verdict(
        session,
        article_claim,
        rating="half-true",
        reviewer=users["checker"],
        conclusion="Partly.",
        sources=[SOURCE],
        publish=True,
        correction_reason="New figures.",
    )
    data = claim_review(second, page_url="https://desk.example/c", publisher=PUBLISHER)
    assert data["datePublished"] == "2025-04-02" and data["dateModified"] > "2025-04-02"
    assert data["reviewRating"]["alternateName"] == "Half true"


def test_a_draft_has_no_claimreview(session, article_claim, users):
    draft = record_verdict(session, article_claim, rating="false", reviewer=users["checker"])
    with pytest.raises(ValueError):
        claim_review(draft, page_url="https://desk.example/c", publisher=PUBLISHER)


def embedded(html: str) -> list[dict]:
    return [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]


def test_the_claim_page_embeds_the_published_verdict_only(checker, session, article_claim, users):
    assert embedded(checker.get(f"/claims/{article_claim.id}").text) == []
    record_verdict(
        session,
        article_claim,
        rating="false",
        reviewer=users["checker"],
        conclusion="</script><script>alert(1)</script>",
        sources=[SOURCE],
        publish=True,
    )
    page = checker.get(f"/claims/{article_claim.id}").text
    assert "<script>alert(1)" not in page
    [data] = embedded(page)
    assert_google_claimreview(data)
    assert data["name"] == "</script><script>alert(1)</script>"
    assert data["url"] == f"http://localhost/v/{slug(article_claim)}"  # the public page


CLAIMREVIEW_FEED = {
    "@context": "https://schema.org",
    "@type": "DataFeed",
    "dataFeedElement": [
        {
            "@type": "DataFeedItem",
            "item": [
                {
                    "@type": "ClaimReview",
                    "@id": "https://other.example/fc/1",
                    "url": "https://other.example/fc/1",
                    "claimReviewed": "The river flooded 12 times in 2024.",
                    "author": {"@type": "Organization", "name": "Other Desk"},
                    "name": "The river flooded twice.",
                    "reviewRating": {
                        "@type": "Rating",
                        "alternateName": "Barely True",
                        "ratingValue": 2,
                        "bestRating": 6,
                        "worstRating": 1,
                    },
                    "itemReviewed": {
                        "@type": "Claim",
                        "datePublished": "2024-11-02",
                        "author": {"@type": "Person", "name": "A candidate"},
                    },
                }
            ],
        },
        {
            "@type": "ClaimReview",
            "url": "https://other.example/fc/2",
            "claimReviewed": "The bridge cost 3 billion dollars.",
            "author": {"@type": "Organization", "name": "Other Desk"},
            "reviewRating": {
                "@type": "Rating",
                "alternateName": "Four Pinocchios",
                "ratingValue": 1,
                "bestRating": 5,
                "worstRating": 1,
            },
        },
        {
            "@type": "ClaimReview",
            "url": "https://other.example/fc/3",
            "claimReviewed": "Nobody knows.",
            "reviewRating": {"alternateName": "Who can say"},
        },
        {
            "@type": "ClaimReview",
            "url": "javascript:alert(1)",
            "claimReviewed": "Bad URL.",
            "reviewRating": {"alternateName": "False"},
        },
    ],
}


def test_claimreview_items_map_onto_our_scale_keeping_the_label():
    records, errors = read_claim_reviews(CLAIMREVIEW_FEED)
    assert [r.text for r in records] == [
        "The river flooded 12 times in 2024.",
        "The bridge cost 3 billion dollars.",
    ]
    river, bridge = records
    assert (river.rating, river.original_rating) == ("mostly-false", "Barely True")
    assert (river.claimant, str(river.claim_date)) == ("A candidate", "2024-11-02")
    assert river.publisher == "Other Desk" and river.conclusion == "The river flooded twice."
    assert (bridge.rating, bridge.original_rating) == ("false", "Four Pinocchios")
    assert errors == [
        "item 3: rating 'Who can say' does not map onto the verdict scale",
        "item 4: 'url' must be an http:// or https:// address",
    ]


def test_one_object_a_list_and_json_lines_are_all_read():
    single = json.dumps(CLAIMREVIEW_FEED["dataFeedElement"][1])
    assert [r.text for r in read_import_file(single)[0]] == ["The bridge cost 3 billion dollars."]
    listed = json.dumps(CLAIMREVIEW_FEED["dataFeedElement"][1:3])
    records, errors = read_import_file(listed)
    assert len(records) == 1 and len(errors) == 1
    lines = '{"text": "A", "rating": "false"}\n{"text": "B"}\n'
    assert [r.text for r in read_import_file(lines)[0]] == ["A", "B"]
    assert read_import_file('{"text": "Only one line"}')[0][0].text == "Only one line"


def test_flask_claims_import_reads_a_claimreview_file(app, session, tmp_path):
    path = tmp_path / "claimreviews.json"
    path.write_text(json.dumps(CLAIMREVIEW_FEED), encoding="utf-8")
    refused = app.test_cli_runner().invoke(args=["claims", "import", str(path)])
    assert refused.exit_code == 1 and "item 3: rating 'Who can say'" in refused.output
    result = app.test_cli_runner().invoke(args=["claims", "import", str(path), "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert "Imported 2 claims" in result.output
    river = session.scalar(select(Claim).where(Claim.text.startswith("The river")))
    assert river.origin is Origin.IMPORT and river.external_id == "https://other.example/fc/1"
    assert river.verdict.rating == "mostly-false" and river.verdict.original_rating == "Barely True"
    assert river.verdict.url == "https://other.example/fc/1"
    again = app.test_cli_runner().invoke(args=["claims", "import", str(path), "--skip-invalid"])
    assert "Imported 0 claims (2 already stored" in again.output
