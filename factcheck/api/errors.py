"""The API's one error shape: {"error": {"code": ..., "message": ...}}, with clear messages."""

from __future__ import annotations

from flask import Response, current_app, jsonify
from werkzeug.exceptions import HTTPException

from factcheck.api import bp

CODES = {
    400: "invalid_argument",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
    503: "unavailable",
}


def json_error(status: int, code: str, message: str) -> tuple[Response, int]:
    """Return a JSON error response with STATUS."""
    return jsonify({"error": {"code": code, "message": message}}), status


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    """Answer HTTP errors raised inside the API in its error shape."""
    status = error.code or 500
    message = error.description or ""
    if status == 413:
        message = (
            f"The request body is too large: the limit is "
            f"{current_app.config['API_MAX_BODY_BYTES']:,} bytes."
        )
    elif status == 400 and message.startswith("The browser (or proxy) sent a request"):
        message = "The request body is not valid JSON."
    response, status = json_error(status, CODES.get(status, "error"), message)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="factcheck"'
    if status == 405 and getattr(error, "valid_methods", None):
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response, status
