"""The unit of work: a use case's writes are committed together or not at all."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from factcheck.models import AuditEvent, Role, User
from factcheck.services import audit
from factcheck.services.transaction import TransactionAborted, transaction
from factcheck.services.users import create_user
from tests.conftest import PASSWORD


def emails(session) -> list[str]:
    """Return the stored users' emails, as another request would see them."""
    session.rollback()  # whatever this session has not committed is gone
    return list(session.scalars(select(User.email).order_by(User.email)))


class Boom(Exception):
    """The error a test raises inside a block."""


def user(email: str) -> User:
    return User(email=email, name="", role=Role.CHECKER, password_hash="x")


def test_the_block_commits_when_it_ends(session):
    with transaction(session):
        session.add(user("a@example.org"))
    assert emails(session) == ["a@example.org"]


def test_an_error_rolls_back_what_was_already_written(session):
    with pytest.raises(Boom), transaction(session):
        session.add(user("a@example.org"))
        session.flush()  # in the database, not yet committed
        raise Boom
    assert emails(session) == []


def test_a_use_case_that_fails_halfway_leaves_no_half_written_record(session, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("the audit log is full")

    with monkeypatch.context() as patch:
        patch.setattr(audit, "record", broken)  # fails after the user row was flushed
        with pytest.raises(RuntimeError, match="audit log"):
            create_user(session, email="a@example.org", password=PASSWORD, role=Role.CHECKER)
    # The next use case on the same session commits its own work, and only that.
    create_user(session, email="b@example.org", password=PASSWORD, role=Role.CHECKER)
    assert emails(session) == ["b@example.org"]
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == 1


def test_a_nested_block_joins_the_outer_one(session):
    with pytest.raises(Boom), transaction(session):
        with transaction(session):
            session.add(user("inner@example.org"))
        session.add(user("outer@example.org"))
        raise Boom  # the inner block's work goes too: it was never committed on its own
    assert emails(session) == []

    with transaction(session):
        with transaction(session):
            session.add(user("inner@example.org"))
        session.add(user("outer@example.org"))
    assert emails(session) == ["inner@example.org", "outer@example.org"]


def test_a_use_case_inside_another_commits_with_it(session):
    with pytest.raises(Boom), transaction(session):
        create_user(session, email="a@example.org", password=PASSWORD, role=Role.CHECKER)
        raise Boom
    assert emails(session) == []


def test_an_inner_error_that_is_caught_still_saves_nothing(session):
    with pytest.raises(TransactionAborted), transaction(session):
        session.add(user("outer@example.org"))
        try:
            with transaction(session):
                session.add(user("inner@example.org"))
                session.flush()
                raise ValueError("half done")
        except ValueError:
            pass  # the caller goes on as if nothing happened
    assert emails(session) == []

    with transaction(session):  # the next unit of work starts clean
        session.add(user("next@example.org"))
    assert emails(session) == ["next@example.org"]
