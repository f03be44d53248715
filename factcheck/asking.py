"""App glue for readers' requests, shared by /ask and POST /api/v1/requests: one rate limit
per address over both, the size limits of the configuration, where an answer is read."""

from __future__ import annotations

from flask import current_app, request

from factcheck.extensions import limiter
from factcheck.models import Review
from factcheck.services.claimreview import is_own
from factcheck.services.public import verdict_url
from factcheck.services.reader_requests import RequestLimits


def reader_address() -> str:
    """Return the rate-limit bucket of a reader: the client address (behind TRUSTED_PROXIES)."""
    return "reader:" + (request.remote_addr or "unknown")


# One budget per address for the form and the API together; reading pages is not counted.
reader_limit = limiter.shared_limit(
    lambda: current_app.config["READER_RATE_LIMIT"],
    scope="reader-requests",
    key_func=reader_address,
    methods=["POST"],
    error_message="Too many requests from your address: please wait a while before sending "
    "another claim.",
)


def request_limits() -> RequestLimits:
    """Return the READER_* size limits, and whether replies can be emailed (SMTP_HOST)."""
    config = current_app.config
    return RequestLimits(
        max_text_chars=int(config["READER_MAX_TEXT_CHARS"]),
        max_note_chars=int(config["READER_MAX_NOTE_CHARS"]),
        emails_allowed=bool(config["SMTP_HOST"]),
    )


def answer_link(review: Review) -> str:
    """Return where a reader reads a verdict: our public page, or the other desk's."""
    return verdict_url(review.claim) if is_own(review) or not review.url else str(review.url)
