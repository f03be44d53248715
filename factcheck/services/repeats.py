"""Repeats: how many outlets carried a claim lately, read from the links made at ingest.

Every ingested claim is linked to the stored claims that say the same (auto-confirmed, or
suggested above the suggestion threshold); a repeat of a checked claim also raises an alert on
that link. A claim's repeats since a moment are the distinct outlets (an article without an
outlet counts as its own) of its own article and of the articles published (else ingested)
since then whose claims are linked to it as the same or a paraphrase: never through a
rejected link or a near miss ("11% vs 15%" is another claim). The queue ranks by the last
day's repeats; the dashboard says "repeated by N outlets this week".
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime, timedelta

from sqlalchemy import String, Subquery, cast, func, literal, select, union_all
from sqlalchemy.orm import Session, aliased

from factcheck.models import VERDICT_RELATIONS, Article, Claim, ClaimLink, LinkState, utcnow

RANKING_WINDOW = timedelta(days=1)  # "many sources in a day" moves a claim up the queue
SHOWN_WINDOW = timedelta(days=7)  # "repeated by 7 outlets this week"


def _outlet(article):
    return func.coalesce(article.outlet, literal("#") + cast(article.id, String))


def _appeared(article):
    return func.coalesce(article.published_at, article.created_at)


def repeats_subquery(since: datetime) -> Subquery:
    """Per claim id with a repeat since SINCE, the outlets carrying it (column n)."""
    this, other = aliased(Claim), aliased(Claim)
    this_article, other_article = aliased(Article), aliased(Article)
    usable = (
        ClaimLink.state != LinkState.REJECTED,
        ClaimLink.relation.in_(VERDICT_RELATIONS),
        func.coalesce(cast(ClaimLink.near_miss, String), "[]") == "[]",
    )
    ends = [  # a link counts for both of its claims
        select(this.id.label("claim_id"), _outlet(other_article).label("outlet"))
        .join(ClaimLink, this_end == this.id)
        .join(other, other_end == other.id)
        .join(other_article, other_article.id == other.article_id)
        .where(*usable, _appeared(other_article) >= since)
        for this_end, other_end in (
            (ClaimLink.claim_id, ClaimLink.other_id),
            (ClaimLink.other_id, ClaimLink.claim_id),
        )
    ]
    carried = union_all(*ends).subquery()
    own = (  # the claim's own outlet, for the claims repeated at all
        select(this.id.label("claim_id"), _outlet(this_article).label("outlet"))
        .join(this_article, this_article.id == this.article_id)
        .where(this.id.in_(select(carried.c.claim_id)))
    )
    places = union_all(select(carried.c.claim_id, carried.c.outlet), own).subquery()
    return (
        select(places.c.claim_id, func.count(places.c.outlet.distinct()).label("n"))
        .group_by(places.c.claim_id)
        .subquery("repeats")
    )


def repeated_by(session: Session, claim_ids: Collection[int], *, since: datetime) -> dict[int, int]:
    """Return, for those of CLAIM_IDS repeated since SINCE, how many outlets carried them."""
    if not claim_ids:
        return {}
    rows = repeats_subquery(since)
    found = session.execute(select(rows.c.claim_id, rows.c.n).where(rows.c.claim_id.in_(claim_ids)))
    return {claim_id: outlets for claim_id, outlets in found}


def repeated_this_week(session: Session, claim_ids: Collection[int]) -> dict[int, int]:
    """Return "repeated by N outlets this week" for those of CLAIM_IDS repeated at all: the
    figure the dashboard and the alerts show."""
    return repeated_by(session, claim_ids, since=utcnow() - SHOWN_WINDOW)
