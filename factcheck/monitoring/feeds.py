"""What a monitored source lists: RSS/Atom feeds (feedparser) and news sitemaps (lxml)."""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from datetime import UTC, datetime

import feedparser
from lxml import etree

_SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
_NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


class FeedError(ValueError):
    """The document is not a feed or a sitemap we can read; the message says what it is."""


@dataclass(frozen=True, slots=True)
class FeedItem:
    url: str
    title: str | None
    published: datetime | None


@dataclass(frozen=True, slots=True)
class FeedContent:
    kind: str  # "rss", "atom" or "sitemap"
    title: str | None
    items: tuple[FeedItem, ...]  # in the document's order, each link once


def _web_link(link: str | None, base: str) -> str | None:
    if not link:
        return None
    url = urllib.parse.urljoin(base, link.strip())
    return url if urllib.parse.urlsplit(url).scheme in ("http", "https") else None


def _unique(items: list[FeedItem]) -> tuple[FeedItem, ...]:
    seen: dict[str, FeedItem] = {}
    for item in items:
        seen.setdefault(item.url, item)
    return tuple(seen.values())


def _struct_time(value: object) -> datetime | None:
    try:
        return datetime(*value[:6], tzinfo=UTC) if value else None  # type: ignore[index]
    except (TypeError, ValueError):
        return None


def _iso(value: str | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat(value.strip()) if value else None
    except ValueError:
        return None
    return moment.replace(tzinfo=moment.tzinfo or UTC) if moment else None


def _sitemap(root: etree._Element, base: str) -> FeedContent:
    if root.tag == f"{_SITEMAP}sitemapindex":
        raise FeedError(
            "This is a sitemap index (a list of sitemaps): register the news sitemap itself."
        )
    items = []
    for node in root.iter(f"{_SITEMAP}url"):
        url = _web_link(node.findtext(f"{_SITEMAP}loc"), base)
        if url is None:
            continue
        news = node.find(f"{_NEWS}news")
        title = news.findtext(f"{_NEWS}title") if news is not None else None
        published = news.findtext(f"{_NEWS}publication_date") if news is not None else None
        items.append(
            FeedItem(
                url,
                (title or "").strip() or None,
                _iso(published or node.findtext(f"{_SITEMAP}lastmod")),
            )
        )
    return FeedContent("sitemap", None, _unique(items))


def parse_feed(data: bytes, base_url: str) -> FeedContent:
    """Return the items DATA lists (an RSS/Atom feed or a news sitemap), or raise FeedError."""
    head = data[:2048].lstrip()
    if b"<urlset" in head or b"<sitemapindex" in head:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
        try:
            return _sitemap(etree.fromstring(data, parser=parser), base_url)
        except etree.XMLSyntaxError as exc:
            raise FeedError(f"The sitemap is not well-formed XML: {exc}.") from exc
    parsed = feedparser.parse(data, response_headers={"content-location": base_url})
    version = parsed.get("version") or ""
    problem = parsed.get("bozo_exception")
    if not version and not parsed.entries:
        raise FeedError(
            "This is not an RSS or Atom feed, nor a news sitemap"
            + (f" ({problem})." if problem else ".")
        )
    items = []
    for entry in parsed.entries:
        url = _web_link(entry.get("link") or entry.get("id"), base_url)
        if url is not None:
            items.append(
                FeedItem(
                    url,
                    (entry.get("title") or "").strip() or None,
                    _struct_time(entry.get("published_parsed") or entry.get("updated_parsed")),
                )
            )
    if parsed.get("bozo") and not items:  # broken, and nothing could be recovered from it
        raise FeedError(f"The feed is malformed ({problem}) and no item could be read.")
    kind = "atom" if version.startswith("atom") else "rss"
    return FeedContent(kind, (parsed.feed.get("title") or "").strip() or None, _unique(items))
