"""The JSON API under /api/v1: bearer tokens, one error shape, cursor pagination, OpenAPI."""

from flask import Blueprint, current_app, request

from factcheck.api.auth import rate_limit_key
from factcheck.extensions import limiter

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.before_request
def limit_body_size() -> None:
    """Refuse large bodies before reading them (413 in the API's error shape)."""
    request.max_content_length = current_app.config["API_MAX_BODY_BYTES"]


limiter.limit(lambda: current_app.config["API_RATE_LIMIT"], key_func=rate_limit_key,
              error_message="Too many requests: slow down and retry after the time in the "
                            "Retry-After header.")(bp)

from factcheck.api import errors, views, articles, reviews, openapi  # noqa: E402,F401  (routes)
