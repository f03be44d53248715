"""The Riverton demo: sample checked claims and one sample article, all invented.

It is loaded into an empty database on the first run (or when asked), marked as demo
everywhere, kept out of the queue, the dashboard, the similar-claim lists and new links once
real work exists (an article or claim that is not the demo's), and removed as a whole by
`remove_demo` (with its links, alerts, deliveries and audit rows).
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

from sqlalchemy import delete, exists, or_, select, update
from sqlalchemy.orm import Session

from factcheck.matching import Matcher
from factcheck.matching.dense import dense_retriever
from factcheck.models import (
    Alert,
    Article,
    ArticleRevision,
    ArticleUrl,
    AuditEvent,
    Claim,
    ClaimLink,
    Review,
    Source,
    User,
    WebhookDelivery,
)
from factcheck.services import audit
from factcheck.services.articles import ingest_article
from factcheck.services.claims import import_claims, read_jsonl
from factcheck.services.transaction import transaction

DEMO_ARTICLE_TITLE = "Riverton's year in numbers (sample article)"
DEMO_OUTLET = "Riverton Courier (sample)"


@dataclass(frozen=True, slots=True)
class Removed:
    articles: int
    claims: int
    reviews: int
    links: int
    alerts: int
    audit_events: int


def load_demo(
    session: Session, matcher: Matcher, *, submitted_by: User | None = None, mark: bool = True
) -> tuple[int, bool]:
    """Import the demo claims and article, marked as demo; return (claims imported, article
    created). Running it again changes nothing: both steps skip what is already stored.

    MARK=False stores the same data as ordinary checks (load_samples).
    """
    demo = resources.files("factcheck") / "demo"
    records, errors = read_jsonl(demo.joinpath("claims.jsonl").read_text("utf-8").splitlines())
    if errors:  # the file ships with the package: a bad line is a bug, not user input
        raise RuntimeError(f"demo claims are broken: {errors}")
    report = import_claims(session, matcher, records, is_demo=mark)

    result = ingest_article(
        session,
        matcher,
        title=DEMO_ARTICLE_TITLE,
        fmt="markdown",
        body=demo.joinpath("article.md").read_text("utf-8"),
        outlet=DEMO_OUTLET,
        submitted_by=submitted_by,
        is_demo=mark,
    )
    return report.imported, result.created


def load_samples(
    session: Session, matcher: Matcher, *, submitted_by: User | None = None
) -> tuple[int, bool]:
    """Store the demo's claims and article as ordinary (unmarked) checks: stored verdicts to
    match against, for tests and benchmarks. Never for a desk: use load_demo."""
    return load_demo(session, matcher, submitted_by=submitted_by, mark=False)


def is_empty(session: Session) -> bool:
    """True when the database holds no article and no claim (a first run)."""
    return not session.scalar(select(exists().where(Article.id.is_not(None)))) and not (
        session.scalar(select(exists().where(Claim.id.is_not(None))))
    )


def has_demo(session: Session) -> bool:
    """True when demo claims are stored."""
    return bool(session.scalar(select(exists().where(Claim.is_demo.is_(True)))))


def real_work_exists(session: Session) -> bool:
    """True once an article or a claim that is not the demo's is stored."""
    return bool(
        session.scalar(select(exists().where(Claim.is_demo.is_(False))))
        or session.scalar(select(exists().where(Article.is_demo.is_(False))))
    )


def demo_hidden(session: Session) -> bool:
    """True when demo claims are stored and real work exists: the demo then stays out of the
    queue, the dashboard, the similar-claim lists and new links (before, it is what there is
    to try)."""
    return has_demo(session) and real_work_exists(session)


def hidden_demo_ids(session: Session) -> set[int]:
    """Return the ids of the demo claims to keep out of lists (none while demo_hidden is
    False)."""
    return demo_claim_ids(session) if demo_hidden(session) else set()


def demo_claim_ids(session: Session) -> set[int]:
    """Return the ids of every demo claim."""
    return set(session.scalars(select(Claim.id).where(Claim.is_demo.is_(True))))


def remove_demo(session: Session, matcher: Matcher, *, actor: User | None = None) -> Removed:
    """Delete the demo and everything that points at it; commit, and bring the in-memory
    vector index into step (the vector log records every deleted claim)."""
    with transaction(session):
        claim_ids = select(Claim.id).where(Claim.is_demo.is_(True)).scalar_subquery()
        article_ids = select(Article.id).where(Article.is_demo.is_(True)).scalar_subquery()
        claims = set(session.scalars(select(Claim.id).where(Claim.is_demo.is_(True))))
        articles = set(session.scalars(select(Article.id).where(Article.is_demo.is_(True))))
        reviews = select(Review.id).where(Review.claim_id.in_(claim_ids)).scalar_subquery()
        alerts = (
            select(Alert.id)
            .where(or_(Alert.claim_id.in_(claim_ids), Alert.other_id.in_(claim_ids)))
            .scalar_subquery()
        )
        session.execute(
            delete(WebhookDelivery).where(
                or_(WebhookDelivery.review_id.in_(reviews), WebhookDelivery.alert_id.in_(alerts))
            )
        )
        alert_count = session.execute(delete(Alert).where(Alert.id.in_(alerts))).rowcount
        link_count = session.execute(
            delete(ClaimLink).where(
                or_(ClaimLink.claim_id.in_(claim_ids), ClaimLink.other_id.in_(claim_ids))
            )
        ).rowcount
        session.execute(delete(Source).where(Source.review_id.in_(reviews)))
        session.execute(update(Review).where(Review.id.in_(reviews)).values(correction_of_id=None))
        review_count = session.execute(delete(Review).where(Review.id.in_(reviews))).rowcount
        audit_count = session.execute(
            delete(AuditEvent).where(
                or_(
                    (AuditEvent.entity_type == "claim") & AuditEvent.entity_id.in_(claims),
                    (AuditEvent.entity_type == "article") & AuditEvent.entity_id.in_(articles),
                )
                if claims or articles
                else AuditEvent.id.is_(None)
            )
        ).rowcount
        session.execute(delete(Claim).where(Claim.id.in_(claims)))
        session.execute(delete(ArticleUrl).where(ArticleUrl.article_id.in_(article_ids)))
        session.execute(delete(ArticleRevision).where(ArticleRevision.article_id.in_(article_ids)))
        session.execute(
            update(Article).where(Article.revision_of_id.in_(articles)).values(revision_of_id=None)
        )
        session.execute(delete(Article).where(Article.id.in_(articles)))
        removed = Removed(
            len(articles), len(claims), review_count, link_count, alert_count, audit_count
        )
        audit.record(session, actor, "demo.removed", "claim", 0, claims=len(claims))
    dense_retriever(session, matcher).catch_up()
    return removed
