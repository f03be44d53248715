"""API endpoints. Reads are open until token auth arrives."""

from __future__ import annotations

import re

from flask import current_app, jsonify, request

from factcheck.api import bp, serializers
from factcheck.api.errors import json_error
from factcheck.extensions import db, get_matcher
from factcheck.services import claims as claim_service
from factcheck.services.matching import search_claims

MAX_PAGE_SIZE = 100


@bp.get("/claims/<int:claim_id>")
def get_claim(claim_id: int):  # noqa: ANN201
    """Return one claim with its verdict."""
    return jsonify(serializers.claim_detail(claim_service.get_claim(db.session, claim_id)))


@bp.get("/claims:search")
def search():  # noqa: ANN201
    """Return the stored claims most similar to `query`, in the Fact Check Tools shape."""
    query = request.args.get("query", "")
    page_size = request.args.get("pageSize", "10")
    if not re.fullmatch(r"[0-9]{1,3}", page_size) or not 1 <= int(page_size) <= MAX_PAGE_SIZE:
        return json_error(400, "invalid_argument",
                          f"pageSize must be a whole number from 1 to {MAX_PAGE_SIZE}.")
    found = search_claims(db.session, get_matcher(), query, k=int(page_size),
                          max_chars=current_app.config["MAX_SEARCH_CHARS"])
    return jsonify({"claims": [serializers.search_item(f.claim, f.similarity, f.differences)
                                   for f in found]})
