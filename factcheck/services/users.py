"""Accounts: create and manage users, check passwords, make sure an admin exists."""

from __future__ import annotations

import secrets

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from factcheck.models import MAX_ID, Role, User
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
                name: str = "", actor: User | None = None) -> User:
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
    audit.record(session, actor, "user.created", "user", user.id, email=email, role=role.value)
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


def list_users(session: Session) -> list[User]:
    """Return every account, active ones first, then by role and email."""
    return list(session.scalars(select(User).order_by(User.active.desc(), User.role, User.email)))


def get_user(session: Session, user_id: int) -> User:
    """Return the user with USER_ID or raise NotFound."""
    user = session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if user is None:
        raise NotFound(f"There is no user with id {user_id}.")
    return user


def _keep_an_admin(session: Session, user: User) -> None:
    # Taking away the last active admin would leave nobody able to manage accounts.
    others = session.scalar(select(func.count()).select_from(User).where(
        User.role == Role.ADMIN, User.active.is_(True), User.id != user.id))
    if user.role is Role.ADMIN and user.active and not others:
        raise Conflict(f"{user.display_name} is the last active admin: make someone else an "
                       "admin first.")


def set_role(session: Session, user: User, role: Role | str, *, actor: User) -> User:
    """Give USER another ROLE and commit."""
    try:
        role = Role(role)
    except ValueError as exc:
        raise InvalidInput(f"Unknown role {role!r}: use checker, editor or admin.") from exc
    if role is user.role:
        return user
    if role is not Role.ADMIN:
        _keep_an_admin(session, user)
    before = user.role
    user.role = role
    audit.record(session, actor, "user.role_changed", "user", user.id, role_from=before.value,
                 role_to=role.value)
    session.commit()
    return user


def set_active(session: Session, user: User, active: bool, *, actor: User) -> User:
    """Deactivate USER (they can no longer log in) or activate them again; commit."""
    if active == user.active:
        return user
    if not active:
        if user.id == actor.id:
            raise Conflict("You cannot deactivate your own account.")
        _keep_an_admin(session, user)
    user.active = active
    audit.record(session, actor, "user.activated" if active else "user.deactivated", "user",
                 user.id)
    session.commit()
    return user


def reset_password(session: Session, user: User, *, actor: User) -> str:
    """Give USER a new generated password, commit, and return it (shown once, never stored)."""
    password = secrets.token_urlsafe(12)
    user.password_hash = generate_password_hash(password)
    audit.record(session, actor, "user.password_reset", "user", user.id)
    session.commit()
    return password


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
