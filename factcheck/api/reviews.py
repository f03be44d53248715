"""Review endpoints: one published review (JSON or ClaimReview JSON-LD), and the feed."""

from __future__ import annotations

import json
from datetime import datetime

from flask import Response, jsonify, request
from werkzeug.exceptions import BadRequest

from factcheck.api import bp, pagination, serializers
from factcheck.api.auth import scope_required
from factcheck.api.inputs import parse_time
from factcheck.extensions import db
from factcheck.models import TokenScope
from factcheck.publishing import claim_review_of
from factcheck.services import feeds

JSON_LD = "application/ld+json"


def json_ld(data: object) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), mimetype=JSON_LD)


@bp.get("/reviews/<int:review_id>")
@scope_required(TokenScope.READ)
def get_review(review_id: int):
    """Return a published review; ClaimReview JSON-LD when asked for application/ld+json."""
    review = feeds.get_published_review(db.session, review_id)
    accept = request.accept_mimetypes
    if accept[JSON_LD] > accept["application/json"]:
        return json_ld(claim_review_of(review))
    return jsonify(serializers.review_detail(review))


@bp.get("/claimreview")
@scope_required(TokenScope.READ)
def claimreview_feed():
    """Return our published verdicts as a ClaimReview DataFeed, oldest change first."""
    size = pagination.page_size()
    raw_since = request.args.get("since")
    since = parse_time(raw_since, "since") if raw_since is not None else None
    key = pagination.fingerprint("claimreview", raw_since)
    cursor = pagination.read_token(key)
    after = None
    if cursor is not None:
        try:
            after = (datetime.fromisoformat(cursor["t"]), int(cursor["i"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise BadRequest("pageToken is out of range.") from exc
    reviews = feeds.verdict_feed(db.session, since=since, after=after, limit=size + 1)
    items = [claim_review_of(review) for review in reviews[:size]]
    body = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "dateModified": items[-1]["dateModified"] if items else None,
        "dataFeedElement": items,
    }
    if len(reviews) > size:
        last = reviews[size - 1]
        body["nextPageToken"] = pagination.make_token(
            key, {"t": last.published_at.isoformat(), "i": last.id}
        )
    return json_ld({k: v for k, v in body.items() if v is not None})
