"""Articles from their URL: fetch the page, take its main text and metadata, ingest it once.

A URL is known by every address that led to the article (the link given, the final URL after
redirects, the page's canonical URL) and by the text's hash, so the same story reached by two
links is one article. Fetching a known URL again stores a new revision when its text changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from factcheck.matching import Matcher
from factcheck.models import Article, ArticleUrl, MonitoredSource, User, utcnow
from factcheck.monitoring.pages import HTML_TYPES, ArticlePage, extract_article
from factcheck.monitoring.urls import host_of, normalize_url
from factcheck.outbound import Fetcher, FetchError, Page, Refused
from factcheck.services import sources
from factcheck.services.articles import article_text, content_hash, prepare_body, store_article
from factcheck.services.errors import Conflict, FetchFailed, InvalidInput
from factcheck.services.extraction import ExtractedClaim, extract_many
from factcheck.services.links import Thresholds
from factcheck.services.revisions import store_revision
from factcheck.services.transaction import transaction
from factcheck.text.claims import ArticleText

MAX_URL_CHARS = 2000


@dataclass(frozen=True, slots=True)
class UrlIngestResult:
    article: Article
    outcome: str  # "created", "revised" (the page's text changed) or "unchanged"

    @property
    def created(self) -> bool:
        return self.outcome == "created"


def checked_url(url: str, fetcher: Fetcher) -> str:
    """Return URL stripped, or raise InvalidInput saying why it cannot be fetched."""
    url = (url or "").strip()
    if not url:
        raise InvalidInput("Give the article's address (an http:// or https:// URL).")
    if len(url) > MAX_URL_CHARS:
        raise InvalidInput(f"The address is longer than {MAX_URL_CHARS:,} characters.")
    try:
        fetcher.policy.check_url(url)
        normalize_url(url)
        return url
    except Refused as exc:
        raise InvalidInput(f"This address cannot be fetched: {exc.message}.") from exc
    except ValueError as exc:
        raise InvalidInput(f"This address is malformed: {exc}.") from exc


def find_by_url(session: Session, *urls: str) -> Article | None:
    """Return the article known at any of URLS (normalised), or None."""
    wanted = [normalize_url(url) for url in urls if url]
    return (
        session.scalar(select(Article).join(ArticleUrl).where(ArticleUrl.url.in_(wanted)).limit(1))
        if wanted
        else None
    )


def fetch_page(
    fetcher: Fetcher, url: str, *, etag: str | None = None, last_modified: str | None = None
) -> Page:
    """GET URL as an HTML page, or raise FetchFailed with what went wrong."""
    try:
        page = fetcher.get(url, etag=etag, last_modified=last_modified)
    except FetchError as exc:
        transient = exc.kind in ("timeout", "network") or (
            exc.kind == "http"
            and exc.status is not None
            and (exc.status >= 500 or exc.status == 429)
        )
        raise FetchFailed(exc.message, transient=transient) from exc
    if not page.not_modified and page.content_type not in HTML_TYPES:
        shown = page.content_type or "of no declared type"
        raise FetchFailed(f"{url} is not an HTML page: it is {shown}.")
    return page


def _remember(session: Session, article: Article, page: Page, urls: list[str]) -> None:
    """Record the fetch on ARTICLE and every address of it not yet known (uncommitted)."""
    article.fetched_at = utcnow()
    article.http_etag = (page.etag or "")[:200] or None
    article.http_last_modified = (page.last_modified or "")[:100] or None
    known = set(session.scalars(select(ArticleUrl.url).where(ArticleUrl.url.in_(urls))))
    known |= {row.url for row in article.urls}
    for url in dict.fromkeys(urls):
        if url not in known:
            article.urls.append(ArticleUrl(url=url))


def _midnight(page: ArticlePage) -> datetime | None:
    return datetime.combine(page.published, time(), UTC) if page.published else None


@dataclass(frozen=True, slots=True)
class UrlRequest:
    """An article asked for by its URL (ingest_url's arguments)."""

    url: str
    outlet: str | None = None
    title: str | None = None
    submitted_by: User | None = None
    source: MonitoredSource | None = None


@dataclass(frozen=True, slots=True)
class _Fetched:
    """A fetched page with main text, not stored yet."""

    request: UrlRequest
    url: str
    page: Page
    extracted: ArticlePage
    body: str
    urls: list[str]
    digest: str
    existing: Article | None  # stored under one of its URLs or with the same text


def ingest_url(
    session: Session,
    matcher: Matcher,
    fetcher: Fetcher,
    url: str,
    *,
    outlet: str | None = None,
    title: str | None = None,
    submitted_by: User | None = None,
    source: MonitoredSource | None = None,
    max_chars: int = 500_000,
    thresholds: Thresholds | None = None,
) -> UrlIngestResult:
    """Fetch the article at URL and store it (or its new revision); idempotent on URL and text.

    An item of a monitored SOURCE gets the source as outlet (and language, when the page does
    not say) unless OUTLET is given.

    Raises InvalidInput for an address that cannot be fetched or a page without main text,
    FetchFailed when the fetch fails (refused, timeout, HTTP error, too large, not HTML).
    """
    (result,) = ingest_urls(
        session,
        matcher,
        fetcher,
        [UrlRequest(url, outlet, title, submitted_by, source)],
        max_chars=max_chars,
        thresholds=thresholds,
    )
    if isinstance(result, Exception):
        raise result
    return result


def ingest_urls(
    session: Session,
    matcher: Matcher,
    fetcher: Fetcher,
    requests: Sequence[UrlRequest],
    *,
    max_chars: int = 500_000,
    thresholds: Thresholds | None = None,
) -> list[UrlIngestResult | Exception]:
    """ingest_url for each of REQUESTS, one after another, but with the claims of the new
    articles extracted all at once (extract_many: a consumer taking several queued pages spends
    10-15 % less CPU on each, bench/README.md). A request that fails gets its exception in its
    place; the others are stored, each in its own transaction."""
    results: list[UrlIngestResult | Exception | _Fetched] = []
    for request in requests:
        try:
            results.append(_fetch(session, fetcher, request, max_chars))
        except Exception as exc:  # this request's failure, told to its caller
            session.rollback()  # only reads were open
            results.append(exc)
    texts: dict[int, ArticleText] = {}
    for at, fetched in enumerate(results):
        if isinstance(fetched, _Fetched) and fetched.existing is None:
            try:
                texts[at] = article_text(matcher, **_fields(fetched), max_chars=max_chars)
            except Exception as exc:
                results[at] = exc
    claims = dict(zip(texts, extract_many(matcher, list(texts.values())), strict=True))
    for at, fetched in enumerate(results):
        if isinstance(fetched, _Fetched):
            try:
                results[at] = (
                    _update(session, matcher, fetched, thresholds)
                    if fetched.existing is not None
                    else _store(session, matcher, fetched, texts[at], claims[at], thresholds)
                )
            except Exception as exc:
                session.rollback()  # its transaction rolled its writes back; reads end here
                results[at] = exc
    return results  # type: ignore[return-value]


def _fetch(
    session: Session, fetcher: Fetcher, request: UrlRequest, max_chars: int
) -> UrlIngestResult | _Fetched:
    """Fetch REQUEST's page and read its main text; the result when nothing is left to store."""
    url = checked_url(request.url, fetcher)  # fetched as given, stored normalised
    existing = find_by_url(session, url)
    page = fetch_page(
        fetcher,
        url,
        etag=existing.http_etag if existing else None,
        last_modified=existing.http_last_modified if existing else None,
    )
    if page.not_modified:
        if existing is None:  # a validator we never sent: treat as an empty answer
            raise FetchFailed(f"{url} answered 304 Not Modified to a first request.")
        with transaction(session):
            existing.fetched_at = utcnow()
            _count(session, request.source, created=False)
        return UrlIngestResult(existing, "unchanged")
    extracted = extract_article(page.body, page.url)
    if extracted is None:
        raise InvalidInput(
            f"No article text was found at {url}: the page has no main text "
            "(a front page, a video, or a page that needs JavaScript?)."
        )
    body = prepare_body(extracted.text, max_chars=max_chars)
    urls = [normalize_url(u) for u in (url, page.url, extracted.canonical_url) if u]
    digest = content_hash(body)
    existing = (
        existing
        or find_by_url(session, *urls)
        or session.scalar(select(Article).where(Article.content_hash == digest))
    )
    return _Fetched(request, url, page, extracted, body, urls, digest, existing)


def _fields(fetched: _Fetched) -> dict[str, Any]:
    """The article_text arguments of a fetched page."""
    request, extracted, source = fetched.request, fetched.extracted, fetched.request.source
    return {
        "title": request.title or extracted.title or host_of(fetched.page.url) or fetched.url,
        "body": fetched.body,
        "published_at": _midnight(extracted),
        "language": extracted.language or (source.language if source else None),
    }


def _store(
    session: Session,
    matcher: Matcher,
    fetched: _Fetched,
    text: ArticleText,
    claims: list[ExtractedClaim],
    thresholds: Thresholds | None,
) -> UrlIngestResult:
    """Store a fetched page not stored yet as a new article of TEXT with CLAIMS; if it was
    stored meanwhile (by another worker), record the fetch on that one."""
    request, page, urls, extracted = fetched.request, fetched.page, fetched.urls, fetched.extracted
    source = request.source

    def prepare(article: Article) -> None:
        article.source = source
        _remember(session, article, page, urls)
        _count(session, source, created=True)

    try:
        result = store_article(
            session,
            matcher,
            text,
            claims,
            url=urls[-1],
            outlet=request.outlet or (source.name if source else None) or extracted.site_name,
            author=(extracted.author or "")[:200] or None,
            published_at=_midnight(extracted),
            submitted_by=request.submitted_by,
            prepare=prepare,
            thresholds=thresholds,
        )
    except IntegrityError:  # another worker stored one of these URLs meanwhile
        result = None
    if result is not None and result.created:
        return UrlIngestResult(result.article, "created")
    # The same text or one of these URLs was stored meanwhile (by another worker).
    stored = (result.article if result else None) or find_by_url(session, *urls)
    if stored is None:
        raise Conflict(
            f"{fetched.url} was being stored by someone else at the same time; try again."
        )
    with transaction(session):
        _remember(session, stored, page, urls)
        _count(session, source, created=False)
    return UrlIngestResult(stored, "unchanged")


def _update(
    session: Session, matcher: Matcher, fetched: _Fetched, thresholds: Thresholds | None
) -> UrlIngestResult:
    """Record a new fetch of the stored article; its text changed: store it as a revision."""
    article, digest = fetched.existing, fetched.digest
    assert article is not None
    with transaction(session):  # the fetch is recorded with the revision it brings, if any
        _remember(session, article, fetched.page, fetched.urls)
        _count(session, fetched.request.source, created=False)
        other = session.scalar(select(Article.id).where(Article.content_hash == digest))
        if digest == article.content_hash or other is not None:
            return UrlIngestResult(article, "unchanged")
        store_revision(
            session,
            matcher,
            article,
            body=fetched.body,
            is_draft=article.is_draft,
            title=(fetched.extracted.title or article.title)[:500],
            actor=fetched.request.submitted_by,
            thresholds=thresholds,
        )
    return UrlIngestResult(article, "revised")


def _count(session: Session, source: MonitoredSource | None, *, created: bool) -> None:
    """Count a page of SOURCE on it, ingested or skipped (stored already), in the transaction
    that stores what the page brought (so a consumer killed between the two miscounts
    nothing)."""
    if source is not None:
        sources.record_ingest(session, source.id, created)
