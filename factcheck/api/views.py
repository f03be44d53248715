"""Claim endpoints: claims:search (Google Fact Check Tools shape), claims, claims/{id}."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta

from flask import current_app, jsonify, request
from werkzeug.exceptions import BadRequest

from factcheck.api import bp, pagination, serializers
from factcheck.api.auth import scope_required
from factcheck.api.inputs import date_arg, int_arg, parse_time
from factcheck.extensions import db, get_matcher
from factcheck.matching.search import SimilarClaim, search_claims
from factcheck.models import MAX_ID, ClaimStatus, TokenScope, as_utc, utcnow
from factcheck.services import claims as claim_service
from factcheck.services import feeds
from factcheck.services.demo import hidden_demo_ids
from factcheck.text.language import normalise_code
from factcheck.verdicts import RATINGS

# claims:search pages through at most this many results (the fused candidate lists are
# only so long, and a relevance ranking is no place to read every claim).
MAX_SEARCH_RESULTS = 100


def _matches_filters(
    found: SimilarClaim, language: str | None, oldest: datetime | None, site: str | None
) -> bool:
    claim, verdict = found.claim, found.claim.verdict
    if language and claim.language != language:
        return False
    if oldest is not None:
        dates = [as_utc(verdict.published_at)] if verdict and verdict.published_at else []
        if claim.claim_date:
            dates.append(datetime.combine(claim.claim_date, time.min, UTC))
        if not dates or max(dates) < oldest:  # age: the newer of claim date and review date
            return False
    if site:
        return verdict is not None and serializers.review_site(verdict) == site
    return True


def _search_offset(key: str) -> int:
    """Return where the page starts: the pageToken's place, else Google's `offset`, else 0."""
    cursor = pagination.read_token(key)
    if cursor is None:
        return int_arg("offset", low=0, high=MAX_SEARCH_RESULTS - 1) or 0
    offset = cursor.get("o", 0)
    if not isinstance(offset, int) or not 0 <= offset < MAX_SEARCH_RESULTS:
        raise BadRequest("pageToken is out of range.")
    return offset


@bp.get("/claims:search")
@scope_required(TokenScope.READ)
def search():
    """Return the stored claims most similar to `query`, in the Fact Check Tools shape."""
    query = request.args.get("query", "")
    size = pagination.page_size()
    language = request.args.get("languageCode", "").strip().lower() or None
    if language and not re.fullmatch(r"[a-z]{2,3}(-[a-z0-9]{2,8})?", language):
        raise BadRequest("languageCode must be a BCP-47 language code such as en or en-US.")
    language = normalise_code(language)  # claims store ISO 639-1: "en-US" finds "en"
    max_age = int_arg("maxAgeDays", high=100_000)
    site = request.args.get("reviewPublisherSiteFilter", "").strip().lower() or None
    claimant = request.args.get("claimant", "").strip() or None
    if claimant and len(claimant) > 200:
        raise BadRequest("claimant is too long (200 characters at most).")
    claim_date = date_arg("claimDate")
    include = request.args.get("include", "").strip()
    if include not in ("", "unreviewed"):
        raise BadRequest(
            "include must be 'unreviewed' (claims without a verdict too), or left out."
        )
    reviewed_only = include != "unreviewed"
    key = pagination.fingerprint(
        "search",
        " ".join(query.split()),
        language,
        max_age,
        site,
        claimant,
        claim_date and claim_date.isoformat(),
        include,
    )
    offset = _search_offset(key)
    wanted = offset + size + 1
    # Filters on the claims found need a longer list to fill a page: the metadata filters get
    # the longest; reviewed claims alone (the default) first try three pages' worth.
    metadata = bool(language or max_age or site)
    k = (
        MAX_SEARCH_RESULTS
        if metadata
        else min(wanted * (3 if reviewed_only else 1), MAX_SEARCH_RESULTS)
    )
    oldest = utcnow() - timedelta(days=max_age) if max_age else None
    while True:
        candidates = search_claims(
            db.session,
            get_matcher(),
            query,
            k=k,
            max_chars=current_app.config["MAX_SEARCH_CHARS"],
            claimant=claimant,
            claim_date=claim_date,
            exclude=hidden_demo_ids(db.session),
        )
        found = [
            f
            for f in candidates
            if _matches_filters(f, language, oldest, site)
            and (f.claim.verdict is not None or not reviewed_only)
        ]
        if len(found) >= wanted or len(candidates) < k or k >= MAX_SEARCH_RESULTS:
            break
        k = MAX_SEARCH_RESULTS
    page = found[offset : offset + size]
    body = {"claims": [serializers.search_item(f) for f in page]}
    if len(found) > offset + size and offset + size < MAX_SEARCH_RESULTS:
        body["nextPageToken"] = pagination.make_token(key, {"o": offset + size})
    return jsonify(body)


@bp.get("/claims/<int:claim_id>")
@scope_required(TokenScope.READ)
def get_claim(claim_id: int):
    """Return one claim with its verdict."""
    return jsonify(serializers.claim_detail(claim_service.get_claim(db.session, claim_id)))


@bp.get("/claims")
@scope_required(TokenScope.READ)
def list_claims():
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
    claims = feeds.list_claims(
        db.session,
        status=ClaimStatus(status) if status else None,
        rating=rating,
        article_id=article_id,
        updated_since=since,
        after_id=after,
        limit=size + 1,
    )
    body = {"claims": [serializers.claim_detail(c) for c in claims[:size]]}
    if len(claims) > size:
        body["nextPageToken"] = pagination.make_token(key, {"a": claims[size - 1].id})
    return jsonify(body)
