"""Errors services raise; web, api and cli turn them into pages, JSON or messages."""


class ServiceError(Exception):
    """Base class: the message is written for the person who made the request."""

    status_code = 400
    code = "bad_request"
    transient = False  # True: trying again later may succeed (a timeout, a server error)

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    status_code = 404
    code = "not_found"


class InvalidInput(ServiceError):
    status_code = 422
    code = "invalid_input"


class TooLarge(ServiceError):
    status_code = 413
    code = "too_large"


class Conflict(ServiceError):
    status_code = 409
    code = "conflict"


class Forbidden(ServiceError):
    status_code = 403
    code = "forbidden"


class FetchFailed(ServiceError):
    """A page or feed could not be fetched or used (refused, timed out, not HTML, ...)."""

    status_code = 422
    code = "fetch_failed"

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message)
        self.transient = transient
