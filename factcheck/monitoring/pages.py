"""An article page's main text and metadata (trafilatura): HTML in, an ArticlePage out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import trafilatura

from factcheck.monitoring.urls import host_of

_HTML_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([a-zA-Z]{2,3})\b", re.IGNORECASE)
HTML_TYPES = ("text/html", "application/xhtml+xml")
# Fewer words than this is a menu, a caption or a consent wall that trafilatura fell back on
# (it returns the body's text when it finds no article), not an article.
MIN_WORDS = 20


@dataclass(frozen=True, slots=True)
class ArticlePage:
    text: str  # the main text, one paragraph per block, no navigation, ads or comments
    title: str | None
    author: str | None
    published: date | None
    language: str | None  # two or three letters, from the page's own markup
    canonical_url: str | None
    site_name: str | None


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def extract_article(html: bytes, url: str) -> ArticlePage | None:
    """Return the main text and metadata of the HTML page at URL, or None without main text."""
    document = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False
    )
    text = (document.text or "").strip() if document is not None else ""
    if len(text.split()) < MIN_WORDS:
        return None
    lang = _HTML_LANG.search(html[:4096])
    return ArticlePage(
        # One block per line from trafilatura; blank lines make the paragraphs explicit.
        text="\n\n".join(line.strip() for line in text.split("\n") if line.strip()),
        title=(document.title or "").strip() or None,
        author=(document.author or "").strip() or None,
        published=_date(document.date),
        language=lang.group(1).decode("ascii").lower() if lang else None,
        canonical_url=document.url if document.url and document.url != url else None,
        site_name=(document.sitename or "").strip() or host_of(url) or None,
    )
