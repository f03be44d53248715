"""Reading feeds and news sitemaps: pure parsing, no network."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from factcheck.monitoring.feeds import FeedError, parse_feed
from factcheck.monitoring.pages import extract_article
from factcheck.monitoring.urls import normalize_url
from tests.http_server import article_html, rss

BASE = "https://gazette.example/feed.xml"


def test_rss_items_come_with_absolute_links_titles_and_dates_each_once():
    content = parse_feed(
        rss(
            [
                ("/2024/a", "A"),
                ("https://gazette.example/2024/b", "B"),
                ("/2024/a", "A again"),
                ("javascript:alert(1)", "bad"),
            ]
        ),
        BASE,
    )
    assert content.kind == "rss" and content.title == "Riverton Gazette"
    assert [item.url for item in content.items] == [
        "https://gazette.example/2024/a",
        "https://gazette.example/2024/b",
    ]
    assert content.items[0].title == "A"
    assert content.items[0].published == datetime(2024, 3, 5, 9, tzinfo=UTC)


def test_atom_entries_are_read():
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Wire</title><id>urn:x</id>
<updated>2024-03-05T09:00:00Z</updated>
<entry><title>Budget vote</title><link href="https://wire.example/budget"/><id>urn:1</id>
<updated>2024-03-05T09:00:00Z</updated></entry></feed>"""
    content = parse_feed(atom, "https://wire.example/atom")
    assert content.kind == "atom" and [i.url for i in content.items] == [
        "https://wire.example/budget"
    ]


def test_a_news_sitemap_is_read_and_an_index_is_explained():
    sitemap = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://gazette.example/2024/c</loc><news:news><news:title>C</news:title>
<news:publication_date>2024-03-05T09:00:00+00:00</news:publication_date></news:news></url>
</urlset>"""
    content = parse_feed(sitemap, "https://gazette.example/news-sitemap.xml")
    assert content.kind == "sitemap" and content.items[0].title == "C"
    assert content.items[0].url == "https://gazette.example/2024/c"
    index = (
        b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/'
        b'sitemap/0.9"><sitemap><loc>https://g.example/s1.xml</loc></sitemap></sitemapindex>'
    )
    with pytest.raises(FeedError, match="sitemap index"):
        parse_feed(index, BASE)


@pytest.mark.parametrize(
    "data",
    [
        b"<html><body><p>Just a page</p></body></html>",
        b"\x00\x01 binary",
        b"",
        b"<rss><channel><item>",
        b'<?xml version="1.0"?><urlset><url><loc>x',
    ],
)
def test_what_is_not_a_feed_is_refused_with_a_reason(data):
    with pytest.raises(FeedError) as refused:
        parse_feed(data, BASE)
    assert "feed" in str(refused.value) or "sitemap" in str(refused.value)


@pytest.mark.slow  # 10,000 items
def test_a_feed_of_ten_thousand_items_is_read_whole():
    content = parse_feed(rss([(f"/item/{n}", f"Item {n}") for n in range(10_000)]), BASE)
    assert len(content.items) == 10_000


def test_urls_are_compared_without_trackers_fragments_or_default_ports():
    assert (
        normalize_url("HTTPS://Gazette.Example:443/a?utm_source=x&id=2&fbclid=y#top")
        == "https://gazette.example/a?id=2"
    )
    assert normalize_url("http://gazette.example") == "http://gazette.example/"


def test_an_article_page_gives_its_main_text_and_metadata():
    page = extract_article(
        article_html(
            "Budget vote",
            [
                "The council approved a budget of 12 million dollars on Monday, "
                "its largest since the city was founded in 1871, officials said."
            ],
            canonical="https://gazette.example/budget",
            lang="fr",
        ),
        "https://gazette.example/x",
    )
    assert page.title == "Budget vote" and page.language == "fr"
    assert page.canonical_url == "https://gazette.example/budget"
    assert "12 million dollars" in page.text and "All rights reserved" not in page.text
    assert (
        extract_article(b"<html><body><nav>Home</nav></body></html>", "https://x.example/") is None
    )
