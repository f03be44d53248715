"""Articles by URL: fetched from a real local server, extracted, stored once, revised on change."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import func, select

from factcheck.matching.embedder import from_blob
from factcheck.models import Article, ArticleRevision, ArticleUrl
from factcheck.outbound import Fetcher, FetchSettings, OutboundPolicy
from factcheck.services.errors import FetchFailed, InvalidInput
from factcheck.services.pages import UrlRequest, ingest_url, ingest_urls
from factcheck.services.sources import add_source
from tests.http_server import Reply, Site, article_html

PARAGRAPHS = [
    "Crime fell 8 percent in Riverton last year, the mayor said on Tuesday.",
    "The city hired 40 new police officers in 2023, according to the budget office.",
    "Unemployment in Riverton rose to 5.2 percent, the highest level since 2015.",
]
HTML = {"Content-Type": "text/html; charset=utf-8"}


@pytest.fixture
def fetcher():
    client = Fetcher(
        OutboundPolicy.from_setting("127.0.0.1"),
        FetchSettings(
            min_interval_seconds=0.0, read_timeout=5.0, deadline_seconds=10.0, max_bytes=200_000
        ),
    )
    yield client
    client.close()


def versioned(versions: list[bytes]):
    """A route serving the last of VERSIONS with an ETag per version (304 to the current one)."""

    def page(seen):
        etag = f'"v{len(versions)}"'
        if seen.headers.get("if-none-match") == etag:
            return Reply(b"", 304, headers={"ETag": etag})
        return Reply(versions[-1], headers={**HTML, "ETag": etag})

    return page


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_an_article_by_url_keeps_its_text_metadata_and_addresses(session, matcher, fetcher):
    with Site() as site:
        canonical = f"{site.url}/2024/crime-falls"
        site.routes["/story?utm_source=feed"] = Reply(
            article_html("Crime falls in Riverton", PARAGRAPHS, canonical=canonical),
            headers={**HTML, "ETag": '"v1"'},
        )
        result = ingest_url(
            session, matcher, fetcher, f"{site.url}/story?utm_source=feed", outlet=None
        )
    article = result.article
    assert result.outcome == "created"
    assert article.title == "Crime falls in Riverton"
    assert article.author == "Jane Doe" and article.outlet == "Riverton Gazette"
    assert article.published_at.date().isoformat() == "2024-03-05"
    assert article.language == "en" and article.url == canonical
    assert article.http_etag == '"v1"' and article.fetched_at is not None
    assert "Crime fell 8 percent in Riverton" in article.body
    assert "All rights reserved" not in article.body and "Home" not in article.body
    assert any("8 percent" in claim.text for claim in article.claims)
    assert sorted(u.url for u in article.urls) == sorted([f"{site.url}/story", canonical])


def test_a_stored_url_returns_the_stored_article_and_a_changed_page_becomes_a_revision(
    session, matcher, fetcher
):
    versions = [article_html("Crime falls", PARAGRAPHS)]
    page = versioned(versions)

    with Site({"/story": page}) as site:
        first = ingest_url(session, matcher, fetcher, f"{site.url}/story")
        again = ingest_url(session, matcher, fetcher, f"{site.url}/story")
        assert site.seen[-1].headers["if-none-match"] == '"v1"'
        versions.append(
            article_html(
                "Crime falls",
                [
                    PARAGRAPHS[0],
                    "The city hired 60 new police officers in 2023, the budget office said.",
                    PARAGRAPHS[2],
                ],
            )
        )
        revised = ingest_url(session, matcher, fetcher, f"{site.url}/story")
    assert (first.outcome, again.outcome, revised.outcome) == ("created", "unchanged", "revised")
    assert first.article.id == again.article.id == revised.article.id
    assert revised.article.revision == 2 and "60 new police officers" in revised.article.body
    assert count(session, Article) == 1 and count(session, ArticleRevision) == 1
    stale = [claim for claim in revised.article.claims if claim.stale]
    assert stale and all("40" in claim.text for claim in stale)


def test_the_same_story_under_two_urls_is_one_article(session, matcher, fetcher):
    with Site() as site:
        canonical = f"{site.url}/2024/crime-falls"
        site.routes.update(
            {
                "/a": Reply(article_html("Crime falls", PARAGRAPHS, canonical=canonical)),
                "/b": Reply(article_html("Crime falls", PARAGRAPHS, canonical=canonical)),
                "/syndicated": Reply(
                    article_html("Crime falls", PARAGRAPHS, site_name="Other Paper")
                ),
            }
        )
        results = [
            ingest_url(session, matcher, fetcher, f"{site.url}{path}")
            for path in ("/a", "/b", "/syndicated", "/b")
        ]
        assert site.paths().count("/b") == 2  # a known URL is fetched again (conditionally)
    assert [r.outcome for r in results] == ["created", "unchanged", "unchanged", "unchanged"]
    assert len({r.article.id for r in results}) == 1 and count(session, Article) == 1
    assert count(session, ArticleUrl) == 4  # /a, the canonical URL, /b, /syndicated


@pytest.mark.parametrize(
    ("route", "error", "message"),
    [
        (
            Reply(b"%PDF-1.7 ...", headers={"Content-Type": "application/pdf"}),
            FetchFailed,
            "is not an HTML page: it is application/pdf",
        ),
        (Reply(b"<p>" + b"x" * 300_000 + b"</p>"), FetchFailed, "the limit is 200,000"),
        pytest.param(  # waits out the read timeout
            Reply(b"<p>late</p>", delay=8.0),
            FetchFailed,
            "did not answer in time",
            marks=pytest.mark.slow,
        ),
        (Reply(b"<p>gone</p>", 404), FetchFailed, "HTTP 404"),
        (Reply(b"<p>boom</p>", 500), FetchFailed, "HTTP 500"),
        (Reply(b"<html><body><nav>Home</nav></body></html>"), InvalidInput, "No article text"),
    ],
)
def test_pages_that_cannot_be_used_are_refused_clearly_and_nothing_is_stored(
    session, matcher, fetcher, route, error, message
):
    with Site({"/page": route}) as site, pytest.raises(error) as refused:
        ingest_url(session, matcher, fetcher, f"{site.url}/page")
    assert message in refused.value.message
    assert count(session, Article) == 0 and count(session, ArticleUrl) == 0


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:9/x", "loopback"),
        ("http://169.254.169.254/latest/", "cloud metadata"),
        ("ftp://example.org/a", "only http:// and https://"),
        ("", "Give the article's address"),
        ("http://10.1.2.3/a", "private"),
    ],
)
def test_addresses_that_may_not_be_fetched_are_refused(session, matcher, url, message):
    with Fetcher(OutboundPolicy(), FetchSettings()) as strict, pytest.raises(InvalidInput) as err:
        ingest_url(session, matcher, strict, url)
    assert message in err.value.message


def test_a_batch_of_pages_reads_each_language_once_and_stores_every_vector(
    session, matcher, fetcher, monkeypatch
):
    """ingest_urls extracts its new pages together: each page's language is detected once
    (the pages do not say it), and each claim is stored with the multilingual encoder's
    vector of its own text, as if it had been ingested alone."""
    detected = []
    language_of = matcher.language_of
    monkeypatch.setattr(
        matcher, "language_of", lambda text: detected.append(text) or language_of(text)
    )
    russian = [
        "Безработица в Минске в прошлом году снизилась до 4 процентов, сообщил мэр.",
        "Город нанял 40 новых полицейских в 2023 году, по данным бюджетного управления.",
        "Число краж в центре города выросло на 12 процентов за первые три месяца года.",
    ]
    jobs = [
        "The Riverton plant will close in May, putting 600 people out of work.",
        "The company said sales had fallen by a third since 2021.",
        "The council will vote on a rescue plan worth 12 million dollars next week.",
    ]
    with Site() as site:
        site.routes["/a"] = Reply(article_html("Crime falls", PARAGRAPHS, lang=""), headers=HTML)
        site.routes["/b"] = Reply(article_html("Plant to close", jobs, lang=""), headers=HTML)
        site.routes["/c"] = Reply(article_html("Минск", russian, lang=""), headers=HTML)
        site.routes["/gone"] = Reply(b"gone", status=404, headers={"Content-Type": "text/plain"})
        requests = [UrlRequest(f"{site.url}/{path}") for path in ("a", "gone", "b", "c")]
        a, gone, b, c = ingest_urls(session, matcher, fetcher, requests)
    assert isinstance(gone, FetchFailed) and "404" in gone.message
    assert [getattr(r, "message", None) for r in (a, b, c)] == [None] * 3
    assert [r.outcome for r in (a, b, c)] == ["created"] * 3
    assert [r.article.language for r in (a, b, c)] == ["en", "en", "ru"]
    assert len(detected) == 3
    space = matcher.multilingual
    claims = [claim for r in (a, b, c) for claim in r.article.claims]
    assert len(claims) >= 5
    for claim in claims:
        assert claim.multilingual_model == space.embedder.name
        np.testing.assert_allclose(
            from_blob(claim.multilingual_embedding),
            space.embedder.encode([claim.text])[0],
            atol=1e-6,
        )


def test_each_page_of_a_source_is_counted_on_it_with_what_it_stored(session, matcher, fetcher):
    """ingest_url counts a source's page in the transaction that stores it: a new article as
    ingested; the page unchanged (304), stored under another address, or revised as skipped."""
    versions = [article_html("Crime falls", PARAGRAPHS)]
    page = versioned(versions)

    with Site({"/story": page, "/again": page}) as site:
        source = add_source(
            session, name="Gazette", feed_url=f"{site.url}/feed", policy=fetcher.policy
        )

        def counts(url: str) -> tuple[str, int, int]:
            outcome = ingest_url(session, matcher, fetcher, f"{site.url}{url}", source=source)
            session.refresh(source)
            return outcome.outcome, source.items_ingested, source.items_skipped

        assert counts("/story") == ("created", 1, 0)
        assert counts("/story") == ("unchanged", 1, 1)  # 304 Not Modified
        assert counts("/again") == ("unchanged", 1, 2)  # the same text at another address
        versions.append(article_html("Crime falls", PARAGRAPHS[:2]))
        assert counts("/story") == ("revised", 1, 3)
