"""Settings an admin changes in the UI: the publisher of our ClaimReview and where people read
our verdicts. Each is stored in the `setting` table and falls back to the configuration value
of the same name (factcheck/config.py), so a fresh install runs on the defaults."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from factcheck.models import Setting, User
from factcheck.services import audit
from factcheck.services.errors import InvalidInput
from factcheck.services.transaction import transaction

PUBLISHING_KEYS = ("PUBLISHER_NAME", "PUBLISHER_SITE", "PUBLIC_BASE_URL")
_PUBLISHING_KEY = "factcheck.publishing"  # the settings read by this request (WSGI environ)
# The shipped defaults: a desk that still shows them publishes under an invented name.
PLACEHOLDER_NAME = "factcheck desk"
PLACEHOLDER_DOMAINS = (".example", ".test", ".invalid", "localhost")
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9-]{1,63})*$")


@dataclass(frozen=True, slots=True)
class Publishing:
    name: str  # the publisher of our ClaimReview
    site: str  # its web site, a host name ("desk.example.org")
    base_url: str  # where our verdict pages live ("https://desk.example.org"); "" = not set

    @property
    def home(self) -> str:
        """Where people read our verdicts: the base URL, else https://SITE."""
        return self.base_url.rstrip("/") or f"https://{self.site}"

    def placeholders(self) -> list[str]:
        """Return the labels of the settings that still hold placeholders."""
        found = []
        if self.name == PLACEHOLDER_NAME:
            found.append("publisher name")
        if _placeholder_host(self.site):
            found.append("publisher site")
        if not self.base_url or _placeholder_host(urlsplit(self.base_url).hostname or ""):
            found.append("public base URL")
        return found


def _placeholder_host(host: str) -> bool:
    return host == "localhost" or host.endswith(PLACEHOLDER_DOMAINS)


def publishing(session: Session, defaults: Mapping[str, Any]) -> Publishing:
    """Return the publishing settings: the stored ones, else DEFAULTS (the app's config)."""
    rows = session.execute(
        select(Setting.key, Setting.value).where(Setting.key.in_(PUBLISHING_KEYS))
    )
    stored = {key: value for key, value in rows}

    def value(key: str) -> str:
        return stored[key] if key in stored else str(defaults.get(key) or "")

    return Publishing(value("PUBLISHER_NAME"), value("PUBLISHER_SITE"), value("PUBLIC_BASE_URL"))


def clean_site(site: str) -> str:
    """Return SITE as a bare host name, or raise InvalidInput saying how to write it."""
    site = site.strip().lower()
    if "://" in site:
        site = urlsplit(site).hostname or ""
    site = site.rstrip("/")
    if not _HOST.match(site):
        raise InvalidInput(
            "Give the site as a host name, like desk.example.org (no https:// and no path).",
            field="site",
        )
    return site


def clean_base_url(url: str) -> str:
    """Return URL without its trailing slash, or raise InvalidInput saying how to write it."""
    url = url.strip()
    if not url:
        return ""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(
            "Start the public base URL with https://, like https://desk.example.org.",
            field="base_url",
        )
    if parts.query or parts.fragment:
        raise InvalidInput(
            "The public base URL ends at its path: no ? or # part.", field="base_url"
        )
    return url.rstrip("/")


def save_publishing(
    session: Session, *, name: str, site: str, base_url: str, actor: User
) -> dict[str, str]:
    """Store the publishing settings and commit; return the values that changed (audited)."""
    with transaction(session):
        name = " ".join(name.split())
        if not name or len(name) > 200:
            raise InvalidInput("Give the publisher's name (1 to 200 characters).", field="name")
        values = {
            "PUBLISHER_NAME": name,
            "PUBLISHER_SITE": clean_site(site),
            "PUBLIC_BASE_URL": clean_base_url(base_url),
        }
        stored = {s.key: s for s in session.scalars(select(Setting).where(Setting.key.in_(values)))}
        changed = {}
        for key, value in values.items():
            row = stored.get(key)
            if row is None:
                session.add(Setting(key=key, value=value, updated_by=actor))
            elif row.value != value:
                row.value, row.updated_by = value, actor
            else:
                continue
            changed[key] = value
        if changed:
            audit.record(session, actor, "settings.changed", "setting", 0, **changed)
    return changed


def current_publishing() -> Publishing:
    """Return the current app's publishing settings, read from the database: once per request
    (a page may build thousands of public links: the sitemap), else at each call, so every
    worker and job sees a change at once.

    Unlike the rest of this module it reads the current app (and the session bound to it),
    so that views, serializers, jobs and templates can ask without passing anything.
    """
    from flask import current_app, has_request_context, request

    from factcheck.extensions import db

    if not has_request_context():
        return publishing(db.session, current_app.config)
    cached = request.environ.get(_PUBLISHING_KEY)
    if cached is None:
        cached = request.environ[_PUBLISHING_KEY] = publishing(db.session, current_app.config)
    return cached


def public_base_url() -> str:
    """Return where people read our pages, without a trailing slash ("https://desk.example.org").

    The one entry point for public links (verdict pages, ClaimReview urls): the admin's
    setting, else PUBLIC_BASE_URL from the configuration, else the address the current request
    came to, else https://PUBLISHER_SITE.
    """
    from flask import has_request_context, request

    settings = current_publishing()
    if not settings.base_url and has_request_context():
        return request.url_root.rstrip("/")
    return settings.home
