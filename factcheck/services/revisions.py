"""Revise an article: a new body keeps the verdicts of unchanged claims, the rest go stale.

A claim is unchanged when its normalised text is extracted again from the new body; it keeps
its row (verdicts, links, history) and its spans move to the new text. A claim the new body no
longer makes is marked stale; one that comes back in a later revision is live again.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from factcheck.matching import Matcher
from factcheck.matching.dense import dense_retriever
from factcheck.models import Article, ArticleRevision, Claim, Role, User, utcnow
from factcheck.services import alerts, audit, webhooks
from factcheck.services.articles import content_hash, new_claim, prepare_body, stack_vectors
from factcheck.services.errors import Conflict, Forbidden, InvalidInput
from factcheck.services.extraction import ExtractedClaim, extract_with
from factcheck.services.languages import embed_multilingual
from factcheck.services.links import Thresholds, add_suggestions
from factcheck.services.transaction import transaction

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


@dataclass(frozen=True, slots=True)
class RevisionResult:
    article: Article
    kept: int  # claims whose text is unchanged (verdicts kept, spans moved)
    added: int  # claims the new text makes for the first time
    stale: int  # claims the new text no longer makes
    changed: bool  # False: the text was the same, nothing but the draft flag or title changed


def normalise_claim_text(text: str) -> str:
    """Return TEXT as compared between revisions: case, quotes, spaces and end stop ignored."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    return " ".join(text.split()).rstrip(" .!?;:")


def _match(
    claims: list[Claim],
    extracted: list[ExtractedClaim],
) -> tuple[list[tuple[Claim, ExtractedClaim]], list[ExtractedClaim], list[Claim]]:
    """Pair stored CLAIMS with EXTRACTED ones by normalised text.

    Returns (kept pairs, extracted claims that are new, live claims that are gone).
    """
    pool: dict[str, list[Claim]] = {}
    for claim in sorted(claims, key=lambda c: (c.stale, c.id)):  # live claims are matched first
        pool.setdefault(normalise_claim_text(claim.text), []).append(claim)
    kept, fresh = [], []
    for item in extracted:
        candidates = pool.get(normalise_claim_text(item.draft.text))
        if candidates:
            kept.append((candidates.pop(0), item))
        else:
            fresh.append(item)
    gone = [claim for rest in pool.values() for claim in rest if not claim.stale]
    return kept, fresh, gone


def revise_article(
    session: Session,
    matcher: Matcher,
    article: Article,
    *,
    body: str,
    editor: User,
    base_revision: int,
    title: str | None = None,
    is_draft: bool | None = None,
    fmt: str = "text",
    max_chars: int = 500_000,
    thresholds: Thresholds | None = None,
) -> RevisionResult:
    """Store BODY as the next revision of ARTICLE (edited from BASE_REVISION) and commit."""
    if not editor.has_role(Role.EDITOR):
        raise Forbidden("Only editors can revise articles.")
    if base_revision != article.revision:
        raise Conflict(
            f"The article was revised meanwhile (it is now revision "
            f"{article.revision}); reload it and make your changes again."
        )
    body = prepare_body(body, fmt=fmt, max_chars=max_chars)
    title = " ".join((title if title is not None else article.title).split())[:500]
    if not title:
        raise InvalidInput("The article needs a title.")
    is_draft = article.is_draft if is_draft is None else is_draft
    digest = content_hash(body)
    if digest == article.content_hash:
        return _update_details(session, article, editor, title=title, is_draft=is_draft)
    other = session.scalar(select(Article.id).where(Article.content_hash == digest))
    if other is not None:
        raise Conflict(f"This text is already stored as article {other}.")
    return store_revision(
        session,
        matcher,
        article,
        body=body,
        title=title,
        is_draft=is_draft,
        actor=editor,
        thresholds=thresholds,
    )


def store_revision(
    session: Session,
    matcher: Matcher,
    article: Article,
    *,
    body: str,
    title: str,
    is_draft: bool,
    actor: User | None,
    thresholds: Thresholds | None = None,
) -> RevisionResult:
    """Store the clean BODY (new text, checked by the caller) as ARTICLE's next revision.

    ACTOR is the editor, or None when the page at the article's URL changed by itself.
    """
    digest = content_hash(body)
    date = article.published_at.date() if article.published_at else None
    extracted = extract_with(  # all the work before any write
        matcher, body, language=article.language, article_date=date, title=title
    )
    kept, fresh, gone = _match(list(article.claims), extracted)

    try:
        with transaction(session):
            now, number = utcnow(), article.revision + 1
            session.add(
                ArticleRevision(
                    article=article,
                    number=article.revision,
                    title=article.title,
                    body=article.body,
                    replaced_by=actor,
                    replaced_at=now,
                )
            )
            for claim, item in kept:
                claim.start, claim.end = item.draft.start, item.draft.end
                claim.spans = [list(span) for span in item.draft.spans]
                claim.sentence = item.draft.sentence
                if claim.stale:
                    audit.record(
                        session, actor, "claim.restored", "claim", claim.id, revision=number
                    )
                claim.stale_since_revision = None
            for claim in gone:
                claim.start = claim.end = None
                claim.spans = []
                claim.stale_since_revision = number
                audit.record(
                    session,
                    actor,
                    "claim.stale",
                    "claim",
                    claim.id,
                    revision=number,
                    article=article.id,
                )
            added = [
                new_claim(item, matcher, now, article_date=date, language=article.language)
                for item in fresh
            ]
            for claim in added:
                claim.article = article
            embed_multilingual(matcher, added)
            session.add_all(added)
            article.body, article.content_hash, article.revision = body, digest, number
            article.title, article.is_draft = title, is_draft
            session.flush()
            vectors = stack_vectors(matcher, fresh)
            links = add_suggestions(session, matcher, added, vectors, thresholds=thresholds)
            repeats = alerts.raise_for_links(session, links)
            audit.record(
                session,
                actor,
                "article.revised",
                "article",
                article.id,
                revision=number,
                kept=len(kept),
                added=len(added),
                stale=[c.id for c in gone],
            )
    except IntegrityError as exc:  # someone else stored the same revision number first
        raise Conflict(
            "The article was revised by someone else at the same time; reload it "
            "and make your changes again."
        ) from exc
    dense_retriever(session, matcher).catch_up()
    webhooks.enqueue_alerts(session, repeats)
    return RevisionResult(article, kept=len(kept), added=len(added), stale=len(gone), changed=True)


def _update_details(
    session: Session, article: Article, editor: User, *, title: str, is_draft: bool
) -> RevisionResult:
    """Save a new title or draft flag when the text itself is unchanged."""
    live = sum(not c.stale for c in article.claims)
    if (title, is_draft) != (article.title, article.is_draft):
        with transaction(session):
            audit.record(
                session,
                editor,
                "article.updated",
                "article",
                article.id,
                title=title,
                is_draft=is_draft,
            )
            article.title, article.is_draft = title, is_draft
    return RevisionResult(article, kept=live, added=0, stale=0, changed=False)
