"""API tokens: create one (shown once, stored as a hash), look it up, list and revoke."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, joinedload

from factcheck.models import ApiToken, TokenScope, User, as_utc, utcnow, valid_id
from factcheck.services import audit
from factcheck.services.errors import InvalidInput, NotFound, cannot_write
from factcheck.services.transaction import transaction
from factcheck.services.users import normalise_email

TOKEN_PREFIX = "fct_"
# last_used_at is written at most this often per token: a write on every request would make
# every API read a database write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(token: str) -> str:
    """Return the stored form of TOKEN (tokens are random, so a plain SHA-256 is enough)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True, slots=True)
class NewToken:
    token: ApiToken
    secret: str  # the token itself: shown once, never stored


def create_token(
    session: Session, *, email: str, name: str, scope: TokenScope | str, actor: User | None = None
) -> NewToken:
    """Create and commit a token for the user with EMAIL; return it with its one-time secret."""
    with transaction(session):
        user = session.scalar(select(User).where(User.email == normalise_email(email)))
        if user is None:
            raise NotFound(f"There is no user with the email {email}.", field="email")
        name = " ".join(name.split())
        if not name or len(name) > 120:
            raise InvalidInput(
                "Give the token a name of 1 to 120 characters (who or what uses it).", field="name"
            )
        try:
            scope = TokenScope(scope)
        except ValueError as exc:
            raise InvalidInput(
                f"Unknown scope {scope!r}: use read or write.", field="scope"
            ) from exc
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken(
            user=user,
            name=name,
            scope=scope,
            token_hash=hash_token(secret),
            prefix=secret[: len(TOKEN_PREFIX) + 6],
        )
        session.add(token)
        session.flush()
        audit.record(
            session,
            actor,
            "token.created",
            "api_token",
            token.id,
            name=name,
            scope=scope.value,
            user=user.email,
        )
    return NewToken(token, secret)


def authenticate(session: Session, secret: str) -> ApiToken | None:
    """Return the live token SECRET stands for (not revoked, user active), or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = session.scalar(
        select(ApiToken)
        .options(joinedload(ApiToken.user))
        .where(ApiToken.token_hash == hash_token(secret))
    )
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = utcnow()
    last = token.last_used_at
    if last is None or now - as_utc(last) > LAST_USED_RESOLUTION:
        try:
            with transaction(session):
                session.execute(
                    update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now)
                )
        except DBAPIError as exc:
            if not cannot_write(exc):
                raise
            # A read-only database still serves reads: only the time of last use is lost.
    return token


def list_tokens(session: Session) -> list[ApiToken]:
    """Return every token, newest first, with its user."""
    return list(
        session.scalars(
            select(ApiToken).options(joinedload(ApiToken.user)).order_by(ApiToken.id.desc())
        )
    )


def revoke_token(session: Session, token_id: int, *, actor: User | None = None) -> ApiToken:
    """Revoke the token with TOKEN_ID (at once, for every request after this one) and commit."""
    token = session.get(ApiToken, token_id) if valid_id(token_id) else None
    if token is None:
        raise NotFound(f"There is no token with id {token_id}.")
    if token.revoked_at is None:
        with transaction(session):
            token.revoked_at = utcnow()
            audit.record(session, actor, "token.revoked", "api_token", token.id, name=token.name)
    return token
