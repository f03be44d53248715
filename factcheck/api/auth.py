"""Bearer-token authentication for the API: who is asking, and may they?"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, request
from werkzeug.exceptions import Forbidden, Unauthorized

from factcheck.extensions import db
from factcheck.models import ApiToken, TokenScope
from factcheck.services import tokens

_TOKEN_KEY = "factcheck.api_token"


def _bearer() -> str | None:
    """Return the token in the Authorization header, None without one; 401 if malformed."""
    header = request.headers.get("Authorization")
    if header is None:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        raise Unauthorized("Send the token as 'Authorization: Bearer <token>'.")
    return value.strip()


def rate_limit_key() -> str:
    """Return the rate-limit bucket: the token presented (hashed), or the client address."""
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer " and header[7:].strip():
        digest = hashlib.sha256(header[7:].strip().encode("utf-8", "replace")).hexdigest()
        return "token:" + digest[:32]
    return "addr:" + (request.remote_addr or "unknown")


def current_token() -> ApiToken | None:
    """Return the valid token of this request, None without one; 401 for a bad one."""
    # Kept with the request (not g: tests reuse one app context for several requests).
    if _TOKEN_KEY not in request.environ:
        secret = _bearer()
        token = None
        if secret is not None:
            token = tokens.authenticate(db.session, secret)
            if token is None:
                raise Unauthorized("The token is unknown or was revoked.")
        request.environ[_TOKEN_KEY] = token
    return request.environ[_TOKEN_KEY]


def scope_required(scope: TokenScope) -> Callable:
    """Require a token with SCOPE; reads may be open (API_OPEN_READS) to callers without one."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            token = current_token()
            if token is None:
                if scope is TokenScope.READ and current_app.config["API_OPEN_READS"]:
                    return view(*args, **kwargs)
                raise Unauthorized(
                    "This endpoint needs an API token: send "
                    "'Authorization: Bearer <token>' (ask an admin for one)."
                )
            if not token.allows(scope):
                raise Forbidden(
                    f"This token has the {token.scope.value} scope; "
                    f"this endpoint needs {scope.value}."
                )
            return view(*args, **kwargs)

        wrapped.required_scope = scope  # read by the test that checks every endpoint is guarded
        return wrapped

    return decorator


def public(view: Callable) -> Callable:
    """Mark VIEW as open to anyone, without a token (readers' requests): a stated choice."""
    view.required_scope = None
    view.public = True
    return view
