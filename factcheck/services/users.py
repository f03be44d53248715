"""Accounts: create and manage users, check passwords, make sure an admin exists."""

from __future__ import annotations

import secrets
from functools import cache

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash
from zxcvbn import zxcvbn

from factcheck.models import Role, User, valid_id
from factcheck.services import audit
from factcheck.services.errors import Conflict, InvalidInput, NotFound
from factcheck.services.transaction import transaction

MIN_PASSWORD_LENGTH = 10
# zxcvbn's 0-4 scale: 2 is "somewhat guessable" (about 10^8 guesses), which no common
# password, repeat ("aaaaaaaaaa"), sequence ("1234567890") or word plus digits reaches.
MIN_PASSWORD_SCORE = 2


EMAIL_RULE = (
    "Write the email address as name@domain, e.g. ada@newsroom.org; addresses at the "
    "test domains .test and .example are accepted too (for trials), other reserved names "
    "(.local, .invalid, .localhost, .onion) are not."
)


def normalise_email(email: str) -> str:
    """Return EMAIL in canonical form (lower case), or raise InvalidInput in our words.

    One rule for every account, the built-in admin included: a syntactically valid address
    whose domain has a dot; the test domains .test and .example count as valid (the first
    admin is admin@factcheck.example), the other special-use names do not. Nothing is looked
    up in the DNS.
    """
    email = email.strip()
    if "@" not in email:
        raise InvalidInput(f"“{email[:254]}” has no @: {EMAIL_RULE}", field="email")
    try:
        return validate_email(
            email, check_deliverability=False, test_environment=True
        ).normalized.lower()
    except EmailNotValidError as exc:
        raise InvalidInput(
            f"“{email[:254]}” is not an address we accept. {EMAIL_RULE}", field="email"
        ) from exc


def check_password(password: str, *, email: str = "", name: str = "") -> None:
    """Raise InvalidInput unless PASSWORD is long enough and not easy to guess."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")
    # zxcvbn knows common passwords, words, names, keyboard patterns, repeats and sequences;
    # it only looks at the first 100 characters (longer ones are long enough).
    verdict = zxcvbn(password[:100], user_inputs=[email, *email.split("@"), name, "factcheck"])
    if verdict["score"] < MIN_PASSWORD_SCORE:
        hint = verdict["feedback"]["warning"] or "It follows a common pattern."
        raise InvalidInput(
            f"This password is too easy to guess. {hint} Use a few unrelated "
            "words, or a password manager's random password."
        )


@cache
def _dummy_hash() -> str:
    """A hash of no one's password, checked when the email is unknown (same cost as known)."""
    return generate_password_hash(secrets.token_urlsafe(16))


def create_user(
    session: Session,
    *,
    email: str,
    password: str,
    role: Role | str,
    name: str = "",
    actor: User | None = None,
) -> User:
    """Create and commit a user; the password is stored only as a hash."""
    with transaction(session):
        email = normalise_email(email)
        try:
            role = Role(role)
        except ValueError as exc:
            raise InvalidInput(
                f"Unknown role {role!r}: use checker, editor or admin.", field="role"
            ) from exc
        try:
            check_password(password, email=email, name=name)
        except InvalidInput as exc:
            raise InvalidInput(exc.message, field="password") from exc
        if session.scalar(select(User.id).where(User.email == email)) is not None:
            raise Conflict(f"A user with the email {email} already exists.", field="email")
        user = User(
            email=email,
            name=name.strip(),
            role=role,
            password_hash=generate_password_hash(password),
        )
        session.add(user)
        session.flush()
        audit.record(session, actor, "user.created", "user", user.id, email=email, role=role.value)
    return user


def set_password(session: Session, *, email: str, password: str) -> User:
    """Give the user with EMAIL a new PASSWORD, end their sessions and commit."""
    with transaction(session):
        user = session.scalar(select(User).where(User.email == normalise_email(email)))
        if user is None:
            raise NotFound(f"There is no user with the email {email}.")
        check_password(password, email=user.email, name=user.name)
        user.password_hash = generate_password_hash(password)
        user.session_version += 1
        audit.record(session, None, "user.password_set", "user", user.id)
    return user


def list_users(session: Session) -> list[User]:
    """Return every account, active ones first, then by role and email."""
    return list(session.scalars(select(User).order_by(User.active.desc(), User.role, User.email)))


def get_user(session: Session, user_id: int) -> User:
    """Return the user with USER_ID or raise NotFound."""
    user = session.get(User, user_id) if valid_id(user_id) else None
    if user is None:
        raise NotFound(f"There is no user with id {user_id}.")
    return user


def _keep_an_admin(session: Session, user: User) -> None:
    # Taking away the last active admin would leave nobody able to manage accounts.
    others = session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.role == Role.ADMIN, User.active.is_(True), User.id != user.id)
    )
    if user.role is Role.ADMIN and user.active and not others:
        raise Conflict(
            f"{user.display_name} is the last active admin: make someone else an admin first."
        )


def set_role(session: Session, user: User, role: Role | str, *, actor: User) -> User:
    """Give USER another ROLE and commit."""
    with transaction(session):
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
        audit.record(
            session,
            actor,
            "user.role_changed",
            "user",
            user.id,
            role_from=before.value,
            role_to=role.value,
        )
    return user


def set_active(session: Session, user: User, active: bool, *, actor: User) -> User:
    """Deactivate USER (they can no longer log in) or activate them again; commit."""
    with transaction(session):
        if active == user.active:
            return user
        if not active:
            if user.id == actor.id:
                raise Conflict("You cannot deactivate your own account.")
            _keep_an_admin(session, user)
        user.active = active
        audit.record(
            session, actor, "user.activated" if active else "user.deactivated", "user", user.id
        )
    return user


def reset_password(session: Session, user: User, *, actor: User) -> str:
    """Give USER a new generated password, end their sessions, commit, and return the
    password (shown once, never stored)."""
    with transaction(session):
        password = secrets.token_urlsafe(12)
        user.password_hash = generate_password_hash(password)
        user.session_version += 1
        audit.record(session, actor, "user.password_reset", "user", user.id)
    return password


def authenticate(session: Session, email: str, password: str) -> User | None:
    """Return the active user with EMAIL and PASSWORD, or None.

    A password is checked whether or not the account exists or is active, so the time an
    answer takes does not tell which emails have accounts.
    """
    user = session.scalar(select(User).where(User.email == email.strip().lower()))
    matches = check_password_hash(user.password_hash if user else _dummy_hash(), password)
    if user is None or not user.active or not matches:
        return None
    return user


def end_sessions(session: Session, user: User) -> None:
    """End every session of USER (each device, each copy of a cookie) and commit."""
    with transaction(session):
        user.session_version += 1


def first_admin(session: Session) -> User | None:
    """Return the oldest admin account, if any."""
    return session.scalar(select(User).where(User.role == Role.ADMIN).order_by(User.id).limit(1))


def ensure_admin(
    session: Session, *, email: str | None = None, password: str | None = None
) -> tuple[User, str | None] | None:
    """Create the first admin if there is no admin yet.

    Return (user, password) where password is the generated one (None when it was given),
    or None when an admin already exists.
    """
    if first_admin(session) is not None:
        return None
    generated = None if password else secrets.token_urlsafe(12)
    user = create_user(
        session,
        email=email or "admin@factcheck.example",
        password=password or generated,
        role=Role.ADMIN,
        name="Administrator",
    )
    return user, generated
