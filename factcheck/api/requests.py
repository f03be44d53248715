"""POST /api/v1/requests: readers' claims sent by other apps (a chat bot, a site's widget).

No token: it is the API twin of the /ask form, limited per client address like it.
"""

from __future__ import annotations

from flask import jsonify

from factcheck.api import bp
from factcheck.api.auth import public
from factcheck.api.inputs import json_body, text_field
from factcheck.asking import answer_link, reader_limit, request_limits
from factcheck.extensions import db, get_matcher
from factcheck.publishing import public_url
from factcheck.services import reader_requests
from factcheck.verdicts import rating_label


@bp.post("/requests")
@public
@reader_limit
def create_request():
    """Store a reader's request, matched at once; answer with its status and any verdict."""
    data = json_body()
    submitted = reader_requests.submit(
        db.session,
        get_matcher(),
        text=text_field(data, "text", limit=None),
        url=text_field(data, "url", limit=None),
        note=text_field(data, "note", limit=None),
        email=text_field(data, "email", limit=None),
        channel="api",
        limits=request_limits(),
    )
    status_url = public_url("readers.request_status", token=submitted.token)
    body: dict[str, object] = {
        "status": "answered" if submitted.answer is not None else "received",
        "statusUrl": status_url,
        "emailKept": submitted.request.email is not None,
    }
    if (answer := submitted.answer) is not None:
        body["verdict"] = {
            "claim": answer.claim.text,
            "rating": answer.rating,
            "textualRating": answer.original_rating or rating_label(answer.rating),
            "conclusion": answer.conclusion,
            "url": answer_link(answer),
        }
    return jsonify(body), 201, {"Location": status_url}
