"""The public verdict pages: what anyone can read without logging in, and nothing more."""

from __future__ import annotations

import json
import re
from datetime import date

import feedparser
import pytest
from lxml import etree

from factcheck.models import Article, Claim, ClaimStatus
from factcheck.services.public import slug, verdict_url
from factcheck.services.reviews import SourceInput, record_verdict, return_review
from factcheck.services.users import create_user
from tests.conftest import PASSWORD, make_app

SOURCE = SourceInput(
    url="https://stats.example/crime", title="Crime statistics", publisher="Stats office"
)
SECRETS = ("SECRET-DRAFT", "SECRET-RETURN", "checker@example.org", "Dismissed-SECRET")


def new_claim(session, text: str, **fields) -> Claim:
    claim = Claim(text=text, **fields)
    session.add(claim)
    session.commit()
    return claim


def publish(session, claim: Claim, reviewer, **fields) -> Claim:
    fields = {"rating": "false", "conclusion": "It fell.", "sources": [SOURCE], **fields}
    record_verdict(session, claim, reviewer=reviewer, publish=True, **fields)
    return claim


def ld_json(html: str) -> dict:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(found) == 1
    return json.loads(found[0])


@pytest.fixture
def published(session, users):
    """A published verdict with Markdown, a claimant and a claim date."""
    claim = new_claim(
        session,
        "Crime in Riverton fell 8 percent last year.",
        claimant="The mayor",
        claim_date=date(2025, 3, 1),
    )
    return publish(
        session,
        claim,
        users["checker"],
        conclusion="Recorded crime rose 2 percent.",
        explanation="Police figures show a **rise**.\n\n<script>alert(1)</script>"
        "\n\n[x](javascript:alert(1))",
    )


def test_a_verdict_page_shows_the_verdict_to_anyone(client, published):
    url = f"/v/{published.id}-crime-in-riverton-fell-8-percent-last-year"
    response = client.get(url)
    assert response.status_code == 200
    page = response.text
    assert "Crime in Riverton fell 8 percent last year." in page
    assert "The mayor" in page and "2025-03-01" in page
    assert "False</span>" in page and "Recorded crime rose 2 percent." in page
    assert "<strong>rise</strong>" in page  # Markdown, sanitised
    assert "<script>alert" not in page and 'href="javascript:' not in page
    assert 'href="https://stats.example/crime"' in page and "Crime statistics" in page
    canonical = f"http://localhost{url}"
    assert f'<link rel="canonical" href="{canonical}">' in page
    assert f'<meta property="og:url" content="{canonical}">' in page
    assert '<meta name="twitter:card" content="summary">' in page
    assert '<meta property="og:title" content="False: Crime in Riverton' in page
    data = ld_json(page)
    assert data["url"] == canonical
    assert data["itemReviewed"]["author"] == {"@type": "Person", "name": "The mayor"}
    assert data["reviewRating"]["alternateName"] == "False"
    assert "<script src" not in page  # no JavaScript needed


def test_other_addresses_of_a_verdict_redirect_to_its_own(client, published):
    own = f"http://localhost/v/{slug(published)}"
    for old in (f"/v/{published.id}", f"/v/{published.id}-an-older-title", f"/v/0{published.id}"):
        response = client.get(old)
        assert response.status_code == 301
        assert response.headers["Location"] == own
    assert client.get(own).status_code == 200
    assert client.get("/v/not-a-claim").status_code == 404
    assert client.get("/v/99999-nothing").status_code == 404


def test_nothing_unpublished_is_public(client, session, users):
    checker = users["checker"]
    fresh = new_claim(session, "A claim nobody checked yet.")
    drafted = new_claim(session, "A claim with a draft verdict.")
    record_verdict(
        session, drafted, rating="true", reviewer=checker, explanation="SECRET-DRAFT notes"
    )
    dismissed = new_claim(
        session,
        "A dismissed claim.",
        status=ClaimStatus.DISMISSED,
        dismissal_reason="Dismissed-SECRET",
    )
    imported = new_claim(session, "Another desk checked this.")
    publish(session, imported, checker)
    imported.verdict.publisher, imported.verdict.url = "Other desk", "https://other.example/1"
    session.commit()
    for claim in (fresh, drafted, dismissed, imported):
        assert client.get(f"/v/{claim.id}").status_code == 404
    listing = client.get("/v/").text
    assert "No published verdict matches" in listing
    for claim in (fresh, drafted, dismissed, imported):
        assert claim.text not in listing
    assert "<loc>" in client.get("/sitemap.xml").text
    assert "/v/" + str(drafted.id) not in client.get("/sitemap.xml").text
    assert feedparser.parse(client.get("/v/feed.atom").data).entries == []


def test_no_draft_reviewer_or_note_leaks(client, session, users, published):
    checker, second = (
        users["checker"],
        create_user(
            session, email="second@example.org", password=PASSWORD, role="checker", name=""
        ),
    )
    # A correction in progress, sent back once with a reason, on a published verdict.
    record_verdict(
        session,
        published,
        rating="true",
        reviewer=checker,
        conclusion="SECRET-DRAFT conclusion",
        explanation="SECRET-DRAFT explanation",
        sources=[SourceInput(url="https://secret.example/SECRET-DRAFT")],
        publish=True,
        second_review=True,
        correction_reason="SECRET-DRAFT reason",
    )
    return_review(session, published.reviews[-1], actor=second, reason="SECRET-RETURN fix it")
    article = Article(title="Unpublished draft SECRET-DRAFT", body="x", content_hash="h")
    article.is_draft, article.outlet = True, "Courier"
    drafted_source = new_claim(session, "A claim from a draft article.", article=article)
    publish(session, drafted_source, checker)

    from flask import current_app

    pages = [
        current_app.test_client().get(path).text
        for path in (
            verdict_url(published),
            verdict_url(drafted_source),
            "/v/",
            "/v/feed.atom",
            "/sitemap.xml",
        )
    ]
    for page in pages:
        for secret in SECRETS:
            assert secret not in page
        assert "Checker" not in page  # the checker's name, hidden by default
    data = ld_json(pages[1])
    assert "appearance" not in data["itemReviewed"] and "author" not in data["itemReviewed"]


def test_the_desk_may_name_its_checkers_never_their_emails(tmp_path):
    app = make_app(tmp_path, PUBLIC_SHOW_REVIEWERS=True)
    with app.app_context():
        from factcheck.extensions import db

        named = create_user(
            db.session, email="named@example.org", password=PASSWORD, role="checker", name="Ann"
        )
        anonymous = create_user(
            db.session, email="anon@example.org", password=PASSWORD, role="checker", name=""
        )
        first = publish(db.session, new_claim(db.session, "First claim."), named)
        second = publish(db.session, new_claim(db.session, "Second claim."), anonymous)
        client = app.test_client()
        assert "checked by Ann" in client.get(verdict_url(first)).text
        page = client.get(verdict_url(second)).text
        assert "checked by" not in page and "anon@example.org" not in page


def test_a_correction_says_what_changed_when_and_why(client, session, users, published):
    publish(
        session,
        published,
        users["checker"],
        rating="mostly-false",
        conclusion="Crime rose 1 percent.",
        correction_reason="The police revised their figures.",
    )
    page = client.get(verdict_url(published)).text
    corrections = page.split('id="corrections"', 1)[1]
    assert "rating changed from False to Mostly false" in corrections
    assert "the conclusion was “Recorded crime rose 2 percent”." in corrections
    assert "Why: The police revised their figures." in corrections
    assert "Mostly false</span>" in page
    data = ld_json(page)
    assert data["reviewRating"]["alternateName"] == "Mostly false"
    assert data["datePublished"] <= data["dateModified"]


def test_the_index_lists_newest_first_with_search_rating_and_pages(client, session, users):
    checker = users["checker"]
    for number in range(23):
        rating = "true" if number % 2 else "false"
        claim = new_claim(session, f"Claim number {number} about buses.", claimant="Mayor")
        publish(session, claim, checker, rating=rating)
    first = client.get("/v/").text
    titles = re.findall(r"Claim number (\d+) about", first)
    assert titles == [str(n) for n in range(22, 2, -1)]  # 20 a page, newest first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = client.get("/v/?page=2").text
    assert re.findall(r"Claim number (\d+) about", second) == ["2", "1", "0"]
    assert 'rel="next"' not in second and 'rel="prev"' in second
    found = client.get("/v/?q=NUMBER+12+buses").text
    assert re.findall(r"Claim number (\d+) about", found) == ["12"]
    trues = client.get("/v/?rating=true").text
    odd = [str(n) for n in range(21, 0, -2)]
    assert re.findall(r"Claim number (\d+) about", trues) == odd
    assert client.get("/v/?q=100%25").status_code == 200  # LIKE wildcards are text
    assert client.get("/v/?rating=bogus").status_code == 422
    assert client.get("/v/?page=0").status_code == 400
    assert client.get("/v/?page=x").status_code == 400
    assert client.get("/v/?page=9").status_code == 404
    assert client.get("/v/?q=" + "x" * 201).status_code == 422


def test_sitemap_and_feed_carry_the_public_addresses(tmp_path):
    app = make_app(tmp_path, PUBLIC_BASE_URL="https://desk.example/")
    with app.app_context():
        from factcheck.extensions import db

        checker = create_user(
            db.session, email="c@example.org", password=PASSWORD, role="checker", name="C"
        )
        claims = [
            publish(db.session, new_claim(db.session, f"Claim {n} & more."), checker)
            for n in range(3)
        ]
        client = app.test_client()
        sitemap = etree.fromstring(client.get("/sitemap.xml").data)
        ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
        locs = sitemap.xpath("//s:loc/text()", namespaces=ns)
        assert locs == ["https://desk.example/v/"] + [verdict_url(c) for c in claims]
        assert verdict_url(claims[0]) == f"https://desk.example/v/{claims[0].id}-claim-0-more"
        assert len(sitemap.xpath("//s:lastmod", namespaces=ns)) == 4
        response = client.get("/v/feed.atom")
        assert response.mimetype == "application/atom+xml"
        feed = feedparser.parse(response.data)
        assert not feed.bozo
        assert [e.link for e in feed.entries] == [verdict_url(c) for c in reversed(claims)]
        assert feed.entries[0].title == "False: Claim 2 & more."
        assert "/v/feed.atom" in client.get("/v/").text  # the index links its feed


def test_the_desk_links_a_published_verdict_to_its_public_page(checker, published):
    page = checker.get(f"/claims/{published.id}").text
    assert f'<a href="http://localhost/v/{slug(published)}">public page</a>' in page


def test_cached_pages_set_no_cookie_even_for_a_checker(checker, published):
    for path in (verdict_url(published), "/v/", "/v/feed.atom", "/sitemap.xml"):
        response = checker.get(path)
        assert response.status_code == 200
        assert "public" in response.headers["Cache-Control"]
        assert "Set-Cookie" not in response.headers
