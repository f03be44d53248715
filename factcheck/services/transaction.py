"""The unit of work: every use case's writes commit together, or none of them is kept.

    with transaction(session):
        session.add(review)
        audit.record(session, ...)

commits when the block ends and rolls everything back when it raises (a ServiceError, a
database error, anything), then lets the error through. A use case that calls another inside
its block joins it: the inner block only flushes (so a constraint it breaks raises inside it)
and the outer one commits or rolls back. An error that an inner block raises dooms the outer
one even if the caller catches it, so a half-done inner step is never committed (the outer
block raises TransactionAborted instead).

Views, the API, the CLI and jobs call use cases and never commit or roll back themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

_DEPTH = "factcheck.transaction_depth"
_DOOMED = "factcheck.transaction_doomed"


class TransactionAborted(RuntimeError):
    """An inner block failed, and its error was caught: the outer block was rolled back."""


@contextmanager
def transaction(session: Session) -> Iterator[Session]:
    """Commit SESSION when the block ends, roll it back if the block raises; nested blocks join
    the outermost one."""
    depth = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1
    try:
        yield session
        if depth:
            session.flush()  # an inner step's database errors surface inside it
    except BaseException:
        if depth:
            session.info[_DOOMED] = True
        else:
            session.rollback()
        raise
    else:
        if depth:
            return
        if session.info.pop(_DOOMED, False):
            session.rollback()
            raise TransactionAborted(
                "A step of this change failed and was caught: nothing was saved."
            )
        try:
            session.commit()
        except BaseException:
            session.rollback()
            raise
    finally:
        session.info[_DEPTH] = depth
        if not depth:
            session.info.pop(_DOOMED, None)
