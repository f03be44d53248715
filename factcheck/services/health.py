"""Checks a server makes before it takes requests."""

from __future__ import annotations

from sqlalchemy import delete, false
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from factcheck.models import User
from factcheck.services.errors import Unavailable, cannot_write


def ensure_writable(session: Session) -> None:
    """Raise Unavailable if the database refuses writes (a read-only file, connection or
    server); the check writes nothing. Other faults (no tables yet) are for later steps."""
    try:
        # A write of no rows, rolled back: refused all the same by a read-only database
        # (SQLite's BEGIN IMMEDIATE is not: a read-only WAL file still grants it).
        session.execute(delete(User).where(false()))
    except DBAPIError as exc:
        if not cannot_write(exc):
            return
        reason = str(getattr(exc, "orig", exc)).strip()
        raise Unavailable(f"The database cannot be written ({reason}).") from None
    finally:
        session.rollback()
