"""The Atom feed of published verdicts (feedgen writes the XML)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from flask import url_for

from factcheck.models import utcnow
from factcheck.services import public
from factcheck.services.claimreview import Publisher
from factcheck.verdicts import rating_label


def _aware(value: datetime | None) -> datetime:
    if value is None:
        return utcnow()
    return value if value.tzinfo else value.replace(tzinfo=UTC)  # SQLite: naive UTC


def verdict_feed(entries: Sequence[public.Listed], *, publisher: Publisher) -> bytes:
    """Return ENTRIES (newest first) as an Atom document."""
    feed = FeedGenerator()
    index = public.public_url(url_for("public.index"))
    feed.id(index)
    feed.title(f"Verdicts of {publisher.name}")
    feed.author({"name": publisher.name, **({"uri": publisher.url} if publisher.url else {})})
    feed.link(href=index, rel="alternate")
    feed.link(href=public.public_url(url_for("public.feed")), rel="self")
    feed.language("en")
    feed.updated(_aware(entries[0].review.published_at) if entries else utcnow())
    for item in reversed(entries):  # feedgen puts each new entry first
        claim, review = item.claim, item.review
        url = public.verdict_url(claim)
        entry = feed.add_entry()
        entry.id(url)
        entry.link(href=url, rel="alternate")
        entry.title(f"{rating_label(review.rating)}: {claim.text}")
        entry.summary(review.conclusion or rating_label(review.rating))
        entry.updated(_aware(review.published_at))
        entry.category(term=review.rating, label=rating_label(review.rating))
    return feed.atom_str(pretty=True)
