"""Cursor pagination: pageSize (1..100) and an opaque, signed pageToken."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from flask import current_app, request
from itsdangerous import BadData, URLSafeSerializer
from werkzeug.exceptions import BadRequest

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 10


def page_size(default: int = DEFAULT_PAGE_SIZE) -> int:
    """Return the pageSize argument, or 400 with what is allowed."""
    raw = request.args.get("pageSize", str(default))
    if not re.fullmatch(r"[0-9]{1,3}", raw) or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise BadRequest(f"pageSize must be a whole number from 1 to {MAX_PAGE_SIZE}.")
    return int(raw)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="api-page-token")


def fingerprint(*parts: object) -> str:
    """Return a short digest of the query a cursor belongs to."""
    return hashlib.sha256(json.dumps(parts, default=str).encode()).hexdigest()[:16]


def make_token(query: str, cursor: dict[str, Any]) -> str:
    """Return an opaque pageToken for CURSOR within the query with fingerprint QUERY."""
    return _serializer().dumps({"q": query, **cursor})


def read_token(query: str) -> dict[str, Any] | None:
    """Return the cursor of the pageToken argument (None on the first page), or 400."""
    raw = request.args.get("pageToken")
    if not raw:
        return None
    try:
        data = _serializer().loads(raw) if len(raw) < 2000 else None
    except (BadData, ValueError, UnicodeError):
        data = None
    if not isinstance(data, dict) or data.get("q") != query:
        raise BadRequest(
            "pageToken is not one this API gave for this query: start again "
            "without it, or pass the nextPageToken of the previous page with the "
            "same arguments."
        )
    return data
