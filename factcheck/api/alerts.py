"""Alerts on repeats for API clients: newest first, paged."""

from __future__ import annotations

from typing import Any

from flask import jsonify, request
from werkzeug.exceptions import BadRequest

from factcheck.api import bp, pagination
from factcheck.api.auth import scope_required
from factcheck.api.serializers import claim_review
from factcheck.extensions import db
from factcheck.models import MAX_ID, Alert, AlertState, TokenScope
from factcheck.services import alerts as alert_service
from factcheck.services.claimreview import iso
from factcheck.services.repeats import repeated_this_week

STATES = [s.value for s in AlertState]


def alert_json(alert: Alert, repeats: dict[int, int]) -> dict[str, Any]:
    claim, article = alert.claim, alert.claim.article
    verdict = alert.review or alert.other.verdict
    return {
        "id": alert.id,
        "state": alert.state.value,
        "createdAt": iso(alert.created_at),
        "similarity": alert.similarity,
        "automatic": alert.automatic,
        "claim": {
            "id": claim.id,
            "text": claim.text,
            "sentence": claim.sentence,
            "article": None
            if article is None
            else {
                "id": article.id,
                "title": article.title,
                "url": article.url,
                "outlet": article.outlet,
                "publishedAt": iso(article.published_at),
            },
        },
        "earlier": {
            "claimId": alert.other_id,
            "text": alert.other.text,
            "claimReview": None if verdict is None else claim_review(verdict),
        },
        "outletsThisWeek": repeats.get(alert.other_id, 0),
    }


@bp.get("/alerts")
@scope_required(TokenScope.READ)
def list_alerts():
    """Return alerts newest first, optionally in one state."""
    size = pagination.page_size()
    state = request.args.get("state")
    if state is not None and state not in STATES:
        raise BadRequest(f"state must be one of {', '.join(STATES)}.")
    key = pagination.fingerprint("alerts", state)
    cursor = pagination.read_token(key)
    before = cursor.get("b") if cursor else None
    if before is not None and (not isinstance(before, int) or not 0 <= before <= MAX_ID):
        raise BadRequest("pageToken is out of range.")
    found = alert_service.list_alerts(
        db.session, state=AlertState(state) if state else None, before_id=before, limit=size + 1
    )
    shown = found[:size]
    repeats = repeated_this_week(db.session, {a.other_id for a in shown})
    body: dict[str, Any] = {"alerts": [alert_json(a, repeats) for a in shown]}
    if len(found) > size:
        body["nextPageToken"] = pagination.make_token(key, {"b": shown[-1].id})
    return jsonify(body)
