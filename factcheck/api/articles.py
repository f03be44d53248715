"""Article endpoints: submit an article, read one, check a text without storing it."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from flask import current_app, jsonify
from werkzeug.exceptions import BadRequest

from factcheck.api import bp, pagination, serializers
from factcheck.api.auth import current_token, scope_required
from factcheck.api.inputs import int_arg, json_body, text_field
from factcheck.api.jobs import accepted
from factcheck.extensions import db, get_fetcher, get_matcher
from factcheck.job_engine import get_engine
from factcheck.matching.search import similar_to_claims
from factcheck.models import MAX_ID, TokenScope
from factcheck.outbound import is_web_url
from factcheck.services import articles as article_service
from factcheck.services import pages
from factcheck.services.checking import check_text
from factcheck.services.demo import hidden_demo_ids
from factcheck.services.errors import InvalidInput
from factcheck.services.languages import given_language

MATCHES_PER_CLAIM = 3


def _format(data: dict) -> str:
    fmt = text_field(data, "format", limit=20) or "text"
    if fmt not in article_service.FORMATS:
        raise InvalidInput(f"'format' must be one of {', '.join(article_service.FORMATS)}.")
    return fmt


def _article_json(article, status: int):
    matches = similar_to_claims(
        db.session,
        get_matcher(),
        article.claims,
        k=MATCHES_PER_CLAIM,
        exclude=() if article.is_demo else hidden_demo_ids(db.session),
    )
    return jsonify(serializers.article_detail(article, matches)), status


@bp.post("/articles")
@scope_required(TokenScope.WRITE)
def create_article():
    """Store an article: its claims come back with their best matches and carried verdicts."""
    data = json_body()
    max_chars = current_app.config["MAX_ARTICLE_CHARS"]
    if data.get("url") is not None and data.get("body") is None:
        return _article_from_url(data)
    body = text_field(data, "body", required=True, limit=None)  # 413 past the limit, below
    title = text_field(data, "title", required=True, limit=500)
    url = text_field(data, "url", limit=2000, required=data.get("url") is not None)
    if url is not None and not is_web_url(url.strip()):
        raise InvalidInput("'url' must be an http:// or https:// address.")
    published = text_field(data, "publishedAt", limit=10)
    try:
        published_at = (
            datetime.combine(date.fromisoformat(published), time.min, UTC) if published else None
        )
    except ValueError as exc:
        raise InvalidInput("'publishedAt' must be a date, YYYY-MM-DD.") from exc
    fields = {
        "title": title,
        "body": body,
        "fmt": _format(data),
        "url": url.strip() if url else None,
        "outlet": text_field(data, "outlet", limit=200),
        "author": text_field(data, "author", limit=200),
        "language": given_language(text_field(data, "languageCode", limit=40)),
    }
    if len(body) > current_app.config["API_SYNC_MAX_CHARS"]:
        article_service.prepare_body(body, fmt=fields["fmt"], max_chars=max_chars)  # 413/422 now
        if not title.strip():
            raise InvalidInput("The article needs a title.")
        user = current_token().user
        return accepted(
            get_engine().enqueue(
                "ingest_text",
                {
                    **fields,
                    "published_at": published_at.isoformat() if published_at else None,
                    "submitted_by_id": user.id,
                },
                created_by=user,
            )
        )
    result = article_service.ingest_article(
        db.session,
        get_matcher(),
        **fields,
        published_at=published_at,
        submitted_by=current_token().user,
        max_chars=max_chars,
    )
    return _article_json(result.article, 201 if result.created else 200)


def _article_from_url(data: dict):
    """Queue fetching the article at data["url"]: 202 with the job to follow."""
    unknown = set(data) - {"url", "title", "outlet"}
    if unknown:
        raise InvalidInput(
            f"With 'url', send only 'title' and 'outlet' (the rest comes from "
            f"the page), not {', '.join(sorted(unknown))}."
        )
    url = pages.checked_url(text_field(data, "url", required=True), get_fetcher())
    user = current_token().user
    job = get_engine().enqueue(
        "ingest_url",
        {
            "url": url,
            "title": text_field(data, "title", limit=500),
            "outlet": text_field(data, "outlet", limit=200),
            "submitted_by_id": user.id,
        },
        created_by=user,
    )
    return accepted(job)


@bp.get("/articles")
@scope_required(TokenScope.READ)
def list_articles():
    """Return stored articles by id (oldest first), optionally those of one monitored source."""
    size = pagination.page_size()
    source_id = int_arg("sourceId")
    key = pagination.fingerprint("articles", source_id)
    cursor = pagination.read_token(key)
    after = cursor.get("a", 0) if cursor else 0
    if not isinstance(after, int) or not 0 <= after <= MAX_ID:
        raise BadRequest("pageToken is out of range.")
    found = article_service.page_articles(
        db.session, after_id=after, source_id=source_id, limit=size + 1
    )
    body = {"articles": [serializers.article_summary(a) for a in found[:size]]}
    if len(found) > size:
        body["nextPageToken"] = pagination.make_token(key, {"a": found[size - 1].id})
    return jsonify(body)


@bp.get("/articles/<int:article_id>")
@scope_required(TokenScope.READ)
def get_article(article_id: int):
    """Return an article with its claims, their verdicts and best matches."""
    return _article_json(article_service.get_article(db.session, article_id), 200)


@bp.post("/check")
@scope_required(TokenScope.READ)
def check():
    """Return the claims in `text` with matching stored claims and verdicts; stores nothing."""
    data = json_body()
    max_chars = current_app.config["API_CHECK_MAX_CHARS"]
    text = text_field(data, "text", required=True, limit=None)  # 413 past the limit
    checked = check_text(
        db.session, get_matcher(), text, fmt=_format(data), k=MATCHES_PER_CLAIM, max_chars=max_chars
    )
    return jsonify({"claims": [serializers.checked_claim(c) for c in checked]})
