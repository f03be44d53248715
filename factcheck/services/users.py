"""Accounts: create users, check passwords, make sure an admin exists."""

from __future__ import annotations

import secrets

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from factcheck.models import Role, User
from factcheck.services import audit
from factcheck.services.errors import Conflict, InvalidInput, NotFound

MIN_PASSWORD_LENGTH = 10


def normalise_email(email: str) -> str:
    """Return EMAIL in canonical form, or raise InvalidInput with the reason."""
    try:
        return validate_email(email.strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidInput(f"Invalid email address: {exc}") from exc


def create_user(session: Session, *, email: str, password: str, role: Role | str,
                name: str = "") -> User:
    """Create and commit a user; the password is stored only as a hash."""
    email = normalise_email(email)
    try:
        role = Role(role)
    except ValueError as exc:
        raise InvalidInput(f"Unknown role {role!r}: use checker, editor or admin.") from exc
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise Conflict(f"A user with the email {email} already exists.")
    user = User(email=email, name=name.strip(), role=role,
                password_hash=generate_password_hash(password))
    session.add(user)
    session.flush()
    audit.record(session, None, "user.created", "user", user.id, email=email, role=role.value)
    session.commit()
    return user


def set_password(session: Session, *, email: str, password: str) -> User:
    """Give the user with EMAIL a new PASSWORD and commit."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    user = session.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None:
        raise NotFound(f"There is no user with the email {email}.")
    user.password_hash = generate_password_hash(password)
    audit.record(session, None, "user.password_set", "user", user.id)
    session.commit()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the active user with EMAIL and PASSWORD, or None."""
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None or not user.active or not check_password_hash(user.password_hash, password):
        return None
    return user


def first_admin(session: Session) -> User | None:
    """Return the oldest admin account, if any."""
    return session.scalar(select(User).where(User.role == Role.ADMIN).order_by(User.id).limit(1))


def ensure_admin(session: Session, *, email: str | None = None,
                 password: str | None = None) -> tuple[User, str | None] | None:
    """Create the first admin if there is no admin yet.

    Return (user, password) where password is the generated one (None when it was given),
    or None when an admin already exists.
    """
    if first_admin(session) is not None:
        return None
    generated = None if password else secrets.token_urlsafe(12)
    user = create_user(session, email=email or "admin@factcheck.example",
                       password=password or generated, role=Role.ADMIN, name="Administrator")
    return user, generated
