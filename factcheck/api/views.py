"""Claim endpoints: claims:search (Google Fact Check Tools shape), claims, claims/{id}."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

from flask import current_app, jsonify, request
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from factcheck.api import bp, pagination, serializers
from factcheck.api.auth import scope_required
from factcheck.extensions import db, get_matcher
from factcheck.models import MAX_ID, ClaimStatus, TokenScope, utcnow
from factcheck.services import claims as claim_service
from factcheck.services import feeds
from factcheck.services.errors import InvalidInput
from factcheck.matching.search import SimilarClaim, search_claims
from factcheck.verdicts import RATINGS

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
# claims:search pages through at most this many results (the fused candidate lists are
# only so long, and a relevance ranking is no place to read every claim).
MAX_SEARCH_RESULTS = 100


def int_arg(name: str, *, low: int = 1, high: int = MAX_ID) -> int | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    if not re.fullmatch(r"[0-9]{1,19}", raw) or not low <= int(raw) <= high:
        raise BadRequest(f"{name} must be a whole number from {low} to {high}.")
    return int(raw)


def _date_arg(name: str) -> date | None:
    raw = request.args.get(name)
    if raw is None or not raw.strip():
        return None
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw.strip()):
            raise ValueError(raw)
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise BadRequest(f"{name} must be a date as YYYY-MM-DD.") from None


def parse_time(raw: str, name: str) -> datetime:
    """Return the UTC datetime of an ISO 8601 date or date-time, or 400 saying what it expects."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
            return datetime.combine(date.fromisoformat(raw), time.min, timezone.utc)
        value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadRequest(f"{name} must be an ISO 8601 date or date-time, "
                         "e.g. 2025-01-31 or 2025-01-31T12:00:00Z.") from exc
    try:
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).astimezone(
            timezone.utc)
    except OverflowError:  # 9999-12-31T23:59-01:00 is in year 10000 in UTC
        raise BadRequest(f"{name} is out of range: in UTC it must fall between 0001-01-01 and "
                         "9999-12-31.") from None


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)  # SQLite: naive UTC


def _matches_filters(found: SimilarClaim, language: str | None, oldest: datetime | None,
                     site: str | None) -> bool:
    claim, verdict = found.claim, found.claim.verdict
    if language and claim.language != language:
        return False
    if oldest is not None:
        dates = [_aware(verdict.published_at)] if verdict and verdict.published_at else []
        if claim.claim_date:
            dates.append(datetime.combine(claim.claim_date, time.min, timezone.utc))
        if not dates or max(dates) < oldest:  # age: the newer of claim date and review date
            return False
    if site:
        return verdict is not None and serializers.review_site(verdict) == site
    return True


@bp.get("/claims:search")
@scope_required(TokenScope.READ)
def search():  # noqa: ANN201
    """Return the stored claims most similar to `query`, in the Fact Check Tools shape."""
    query = request.args.get("query", "")
    size = pagination.page_size()
    language = request.args.get("languageCode", "").strip().lower() or None
    if language and not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})?", language):
        raise BadRequest("languageCode must be a BCP-47 language code such as en or en-US.")
    max_age = int_arg("maxAgeDays", high=100_000)
    site = request.args.get("reviewPublisherSiteFilter", "").strip().lower() or None
    claimant = request.args.get("claimant", "").strip() or None
    if claimant and len(claimant) > 200:
        raise BadRequest("claimant is too long (200 characters at most).")
    claim_date = _date_arg("claimDate")
    key = pagination.fingerprint("search", " ".join(query.split()), language, max_age, site,
                                 claimant, claim_date and claim_date.isoformat())
    cursor = pagination.read_token(key)
    offset = cursor.get("o", 0) if cursor else 0
    if not isinstance(offset, int) or not 0 <= offset < MAX_SEARCH_RESULTS:
        raise BadRequest("pageToken is out of range.")
    filtered = bool(language or max_age or site)
    wanted = MAX_SEARCH_RESULTS if filtered else min(offset + size + 1, MAX_SEARCH_RESULTS)
    found = search_claims(db.session, get_matcher(), query, k=wanted,
                          max_chars=current_app.config["MAX_SEARCH_CHARS"],
                          claimant=claimant, claim_date=claim_date)
    if filtered:
        oldest = utcnow() - timedelta(days=max_age) if max_age else None
        found = [f for f in found if _matches_filters(f, language, oldest, site)]
    page = found[offset:offset + size]
    body = {"claims": [serializers.search_item(f) for f in page]}
    if len(found) > offset + size and offset + size < MAX_SEARCH_RESULTS:
        body["nextPageToken"] = pagination.make_token(key, {"o": offset + size})
    return jsonify(body)


@bp.get("/claims/<int:claim_id>")
@scope_required(TokenScope.READ)
def get_claim(claim_id: int):  # noqa: ANN201
    """Return one claim with its verdict."""
    return jsonify(serializers.claim_detail(claim_service.get_claim(db.session, claim_id)))


@bp.get("/claims")
@scope_required(TokenScope.READ)
def list_claims():  # noqa: ANN201
    """Return claims by id, filtered by status, rating, article and time of last change."""
    size = pagination.page_size()
    status = request.args.get("status")
    if status is not None and status not in {s.value for s in ClaimStatus}:
        raise BadRequest(f"status must be one of {', '.join(s.value for s in ClaimStatus)}.")
    rating = request.args.get("rating")
    if rating is not None and rating not in RATINGS:
        raise BadRequest(f"rating must be one of {', '.join(RATINGS)}.")
    article_id = int_arg("articleId")
    raw_since = request.args.get("updatedSince")
    since = parse_time(raw_since, "updatedSince") if raw_since is not None else None
    key = pagination.fingerprint("claims", status, rating, article_id, raw_since)
    cursor = pagination.read_token(key)
    after = cursor.get("a", 0) if cursor else 0
    if not isinstance(after, int) or not 0 <= after <= MAX_ID:
        raise BadRequest("pageToken is out of range.")
    claims = feeds.list_claims(db.session, status=ClaimStatus(status) if status else None,
                               rating=rating, article_id=article_id, updated_since=since,
                               after_id=after, limit=size + 1)
    body = {"claims": [serializers.claim_detail(c) for c in claims[:size]]}
    if len(claims) > size:
        body["nextPageToken"] = pagination.make_token(key, {"a": claims[size - 1].id})
    return jsonify(body)


def json_body() -> dict:
    """Return the request's JSON object, or 400/415/422 saying what is wrong with it."""
    if not request.is_json:
        raise UnsupportedMediaType("Send a JSON object with 'Content-Type: application/json'.")
    try:
        data = request.get_json(silent=True)
    except RecursionError:  # the parser gives up past the interpreter's recursion limit
        raise BadRequest("The request body is nested too deeply: every field of this API "
                         "is a string, so send a flat JSON object.") from None
    if data is None:
        raise BadRequest("The request body is not valid JSON.")
    if not isinstance(data, dict):
        raise InvalidInput("The request body must be a JSON object.")
    return data


def text_field(data: dict, name: str, *, required: bool = False,
               limit: int | None = 2000) -> str | None:
    """Return DATA[NAME] as a string (None when absent), or 422 saying what it must be."""
    value = data.get(name)
    if value is None or (value == "" and not required):
        if required:
            raise InvalidInput(f"'{name}' is required.")
        return None
    if not isinstance(value, str):
        raise InvalidInput(f"'{name}' must be a string.")
    surrogate = _LONE_SURROGATE.search(value)
    if surrogate:  # JSON allows "\ud800" alone; no text can hold it (nor be stored, hashed)
        where = f"\\u{ord(surrogate.group()):04x} at character {surrogate.start():,}"
        raise InvalidInput(f"'{name}' contains an unpaired UTF-16 surrogate ({where}): send "
                           "valid Unicode text.")
    if limit is not None and len(value) > limit:
        raise InvalidInput(f"'{name}' is too long ({len(value):,} characters; limit {limit:,}).")
    return value
