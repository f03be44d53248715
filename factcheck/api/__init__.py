"""The JSON API under /api/v1: bearer tokens, one error shape, cursor pagination, OpenAPI."""

from flask import Blueprint, current_app, request
from werkzeug.exceptions import BadRequest, RequestURITooLarge

from factcheck.api.auth import rate_limit_key
from factcheck.extensions import limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def limit_body_size() -> None:
    """Refuse large bodies before reading them (413 in the API's error shape)."""
    request.max_content_length = current_app.config["API_MAX_BODY_BYTES"]


@bp.before_request
def refuse_long_urls() -> None:
    """Answer 414 in the API's error shape to a URL past API_MAX_URL_CHARS."""
    limit = current_app.config["API_MAX_URL_CHARS"]
    if len(request.path) + len(request.query_string) > limit:
        raise RequestURITooLarge(
            f"The URL is too long: the limit is {limit:,} characters "
            "(a search query can have at most "
            f"{current_app.config['MAX_SEARCH_CHARS']:,})."
        )


@bp.before_request
def refuse_unknown_parameters() -> None:
    """Answer 400 to a query parameter the endpoint does not take (a typo would be ignored)."""
    from factcheck.api.openapi import query_parameters

    if request.url_rule is None or not request.args:
        return
    allowed = query_parameters(request.url_rule.rule, request.method)
    unknown = sorted(set(request.args) - (allowed or frozenset()))
    if allowed is not None and unknown:
        takes = ", ".join(sorted(allowed)) or "no query parameters"
        raise BadRequest(
            f"Unknown query parameter {unknown[0][:100]!r}: this endpoint takes {takes}."
        )


limiter.limit(
    lambda: current_app.config["API_RATE_LIMIT"],
    key_func=rate_limit_key,
    error_message="Too many requests: slow down and retry after the time in the "
    "Retry-After header.",
)(bp)

# These modules add their routes to bp, so they are imported once it exists.
from factcheck.api import (  # noqa: E402, F401
    alerts,
    articles,
    errors,
    jobs,
    openapi,
    requests,
    reviews,
    views,
)
