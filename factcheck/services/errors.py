"""Errors services raise; web, api and cli turn them into pages, JSON or messages."""

SQLITE_READONLY, SQLITE_FULL = 8, 13  # primary result codes (extended codes keep them low)
# PostgreSQL: read_only_sql_transaction (a replica, default_transaction_read_only), disk_full.
POSTGRES_CANNOT_WRITE = {"25006", "53100"}
CANNOT_WRITE = (
    "The database cannot be written: nothing was saved. It is read-only or its "
    "disk is full: tell whoever runs this server, then try again."
)


class ServiceError(Exception):
    """Base class: the message is written for the person who made the request."""

    status_code = 400
    code = "bad_request"
    transient = False  # True: trying again later may succeed (a timeout, a server error)

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field  # the input it is about (a form field's id), when it is about one


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


class Unavailable(ServiceError):
    status_code = 503
    code = "unavailable"


class EmailFailed(ServiceError):
    """The SMTP server could not be reached or refused to send: tried again later."""

    status_code = 503
    code = "email_failed"
    transient = True


def cannot_write(error: BaseException) -> bool:
    """Return True if ERROR (a driver's, or SQLAlchemy's around one) says the database refuses
    writes: a read-only file or server, or a full disk."""
    error = getattr(error, "orig", None) or error
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (SQLITE_READONLY, SQLITE_FULL)
    return getattr(error, "sqlstate", None) in POSTGRES_CANNOT_WRITE


class FetchFailed(ServiceError):
    """A page or feed could not be fetched or used (refused, timed out, not HTML, ...)."""

    status_code = 422
    code = "fetch_failed"

    def __init__(self, message: str, *, transient: bool = False) -> None:
        super().__init__(message, field=None)
        self.transient = transient
