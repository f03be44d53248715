"""Ingest articles: clean the body, split it into claims, embed them, store it all at once."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from factcheck.matching import Matcher
from factcheck.matching.dense import dense_retriever
from factcheck.matching.embedder import to_blob
from factcheck.models import (
    Article,
    Claim,
    ClaimLink,
    Origin,
    Review,
    User,
    utcnow,
    valid_id,
)
from factcheck.services import alerts, audit, webhooks
from factcheck.services.errors import InvalidInput, NotFound, TooLarge
from factcheck.services.extraction import ExtractedClaim, extract_many
from factcheck.services.languages import resolve_language
from factcheck.services.links import Thresholds, add_suggestions, similar_stored
from factcheck.services.transaction import transaction
from factcheck.text import DecodeError, clean_html, clean_text, decode_bytes, markdown_to_text
from factcheck.text.claims import ArticleText

FORMATS = {"text": clean_text, "markdown": markdown_to_text, "html": clean_html}
FORMAT_BY_SUFFIX = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}


@dataclass(frozen=True, slots=True)
class IngestResult:
    article: Article
    created: bool  # False: the same text was already stored, and that article is returned


def read_document(data: bytes, filename: str, *, fmt: str | None = None) -> tuple[str, str]:
    """Return (text, format) of a file's DATA; the format comes from FILENAME unless given.

    Raises InvalidInput when the bytes are binary or not in a readable encoding.
    """
    try:
        text = decode_bytes(data)
    except DecodeError as exc:
        raise InvalidInput(str(exc)) from exc
    return text, fmt or FORMAT_BY_SUFFIX.get(Path(filename).suffix.lower(), "text")


def content_hash(body: str) -> str:
    """Return the hash that identifies an article's clean text."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def prepare_body(raw: str, *, fmt: str = "text", max_chars: int = 500_000) -> str:
    """Return the clean text of RAW in format FMT, or raise a ServiceError saying what is wrong."""
    if fmt not in FORMATS:
        raise InvalidInput(f"Unknown format {fmt!r}: use one of {', '.join(FORMATS)}.")
    if len(raw) > max_chars * 4:  # cleaning a huge document would be wasted work
        raise TooLarge(
            f"The article is too long ({len(raw):,} characters; the limit is {max_chars:,})."
        )
    body = FORMATS[fmt](raw)
    if not body:
        raise InvalidInput("The article is empty: paste its text or upload a file.")
    if len(body) > max_chars:
        raise TooLarge(
            f"The article is too long ({len(body):,} characters; the limit is {max_chars:,})."
        )
    return body


def new_claim(
    extracted: ExtractedClaim,
    matcher: Matcher,
    now: datetime,
    *,
    article_date: date | None,
    language: str,
) -> Claim:
    """Return an unsaved article Claim for an extracted claim, made on ARTICLE_DATE, in the
    article's LANGUAGE, with the multilingual vector extract_many gave it (if any)."""
    draft = extracted.draft
    multilingual = matcher.multilingual if extracted.multilingual is not None else None
    return Claim(
        text=draft.text,
        sentence=draft.sentence,
        start=draft.start,
        end=draft.end,
        spans=[list(span) for span in draft.spans],
        claim_date=article_date,
        checkworthiness=extracted.checkworthiness,
        kind=draft.kind,
        origin=Origin.ARTICLE,
        embedding=to_blob(extracted.embedding),
        embedding_model=matcher.embedder.name,
        embedded_at=now,
        language=language,
        multilingual_embedding=to_blob(extracted.multilingual) if multilingual else None,
        multilingual_model=multilingual.embedder.name if multilingual else None,
    )


def stack_vectors(matcher: Matcher, extracted: list[ExtractedClaim]) -> np.ndarray:
    """Return the matching vectors of EXTRACTED as one matrix (empty rows for none)."""
    if not extracted:
        return np.zeros((0, matcher.embedder.dimension), dtype=np.float32)
    return np.stack([c.embedding for c in extracted])


def article_text(
    matcher: Matcher,
    *,
    title: str,
    body: str,
    fmt: str = "text",
    max_chars: int = 500_000,
    published_at: datetime | None = None,
    language: str | None = None,
) -> ArticleText:
    """Return what extraction reads of the article ingest_article would store with these
    arguments: the clean body, the tidied title, its day and its language (given or detected).
    Raises a ServiceError for a body or title that cannot be stored."""
    body = prepare_body(body, fmt=fmt, max_chars=max_chars)
    title = " ".join(title.split())
    if not title:
        raise InvalidInput("The article needs a title.")
    return ArticleText(
        body=body,
        language=resolve_language(matcher, language, title, body),
        article_date=published_at.date() if published_at else None,
        title=title,
    )


def ingest_article(
    session: Session,
    matcher: Matcher,
    *,
    title: str,
    body: str,
    fmt: str = "text",
    url: str | None = None,
    outlet: str | None = None,
    author: str | None = None,
    published_at: datetime | None = None,
    is_draft: bool = False,
    is_demo: bool = False,
    submitted_by: User | None = None,
    max_chars: int = 500_000,
    language: str | None = None,
    prepare: Callable[[Article], None] | None = None,
    thresholds: Thresholds | None = None,
) -> IngestResult:
    """Store an article and its atomic claims, scored and embedded; idempotent on the text.

    PREPARE, when given, is called with the new article before its one commit (to add where
    it was fetched from, say). IS_DEMO marks the article and its claims as the demo's
    (services.demo): only they are linked to the demo's verdicts.
    """
    text = article_text(
        matcher,
        title=title,
        body=body,
        fmt=fmt,
        max_chars=max_chars,
        published_at=published_at,
        language=language,
    )
    digest = content_hash(text.body)
    existing = session.scalar(select(Article).where(Article.content_hash == digest))
    if existing is not None:
        return IngestResult(existing, created=False)
    (claims,) = extract_many(matcher, [text])  # all the work before any write
    return store_article(
        session,
        matcher,
        text,
        claims,
        url=url,
        outlet=outlet,
        author=author,
        published_at=published_at,
        is_draft=is_draft,
        is_demo=is_demo,
        submitted_by=submitted_by,
        prepare=prepare,
        thresholds=thresholds,
    )


def store_article(
    session: Session,
    matcher: Matcher,
    text: ArticleText,
    claims: list[ExtractedClaim],
    *,
    url: str | None = None,
    outlet: str | None = None,
    author: str | None = None,
    published_at: datetime | None = None,
    is_draft: bool = False,
    is_demo: bool = False,
    submitted_by: User | None = None,
    prepare: Callable[[Article], None] | None = None,
    thresholds: Thresholds | None = None,
) -> IngestResult:
    """Store the article of TEXT (from article_text) with CLAIMS (extract_many's), link them and
    raise their alerts, in one transaction. Text stored meanwhile returns the stored article
    (created False; its article is None when another of the article's unique fields clashed)."""
    digest = content_hash(text.body)
    now = utcnow()
    made = [
        new_claim(c, matcher, now, article_date=text.article_date, language=text.language)
        for c in claims
    ]
    for claim in made:  # the demo's claims are linked to the demo's verdicts, and only them
        claim.is_demo = is_demo
    vectors = stack_vectors(matcher, claims)
    candidates = similar_stored(session, matcher, made, vectors)  # before the first write
    try:
        with transaction(session):
            article = Article(
                title=text.title[:500] if text.title else "",
                body=text.body,
                content_hash=digest,
                url=url or None,
                outlet=outlet or None,
                author=author or None,
                submitted_by=submitted_by,
                published_at=published_at,
                is_draft=is_draft,
                is_demo=is_demo,
                language=text.language,
            )
            article.claims = made
            session.add(article)
            if prepare is not None:
                prepare(article)
            session.flush()
            links = add_suggestions(
                session, matcher, made, vectors, thresholds=thresholds, candidates=candidates
            )
            repeats = alerts.raise_for_links(session, links)
            audit.record(
                session,
                submitted_by,
                "article.ingested",
                "article",
                article.id,
                title=article.title,
                claims=len(article.claims),
            )
    except IntegrityError:
        # The same text was stored by a concurrent request (a double click, another worker).
        return IngestResult(
            session.scalar(select(Article).where(Article.content_hash == digest)), created=False
        )
    dense_retriever(session, matcher).catch_up()
    webhooks.enqueue_alerts(session, repeats)
    return IngestResult(article, created=True)


def get_article(session: Session, article_id: int, *, with_claims: bool = False) -> Article:
    """Return the article with ARTICLE_ID or raise NotFound.

    WITH_CLAIMS loads its claims with their verdicts, sources and links in a few queries.
    """
    claims = selectinload(Article.claims)
    options = (
        [
            claims.selectinload(Claim.reviews).selectinload(Review.sources),
            claims.selectinload(Claim.check_requested_by),
            claims.selectinload(Claim.links)
            .selectinload(ClaimLink.other)
            .selectinload(Claim.reviews)
            .selectinload(Review.sources),
        ]
        if with_claims
        else []
    )
    article = session.get(Article, article_id, options=options) if valid_id(article_id) else None
    if article is None:
        raise NotFound(f"There is no article with id {article_id}.")
    return article


def list_articles(session: Session, *, limit: int = 50) -> list[Article]:
    """Return the most recently ingested articles."""
    return list(session.scalars(select(Article).order_by(Article.id.desc()).limit(limit)))


def page_articles(
    session: Session, *, after_id: int = 0, source_id: int | None = None, limit: int = 10
) -> list[Article]:
    """Return up to LIMIT articles with id > AFTER_ID (from SOURCE_ID when given), by id."""
    query = select(Article).where(Article.id > after_id).options(selectinload(Article.source))
    if source_id is not None:
        query = query.where(Article.source_id == source_id)
    return list(session.scalars(query.order_by(Article.id).limit(limit)))
