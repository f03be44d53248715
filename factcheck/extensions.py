"""Flask extensions, created unbound here and bound to an app in create_app."""

from collections.abc import Mapping
from typing import Any

from flask import current_app
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from factcheck.matching import Matcher
from factcheck.models import Base
from factcheck.outbound import Fetcher, FetchSettings, OutboundPolicy
from factcheck.outbound.pacing import pacer_for

MATCHER_KEY = "factcheck.matcher"
FETCHER_KEY = "factcheck.fetcher"

db = SQLAlchemy(metadata=Base.metadata)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
# Keys come from the API's token (or the client address); limits are set on the API blueprint.
limiter = Limiter(key_func=lambda: "global", default_limits=[])
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see this page."
login_manager.login_message_category = "info"


def get_matcher() -> Matcher:
    """Return the current app's matcher (embedder and vector index)."""
    return current_app.extensions[MATCHER_KEY]


def outbound_policy(config: Mapping[str, Any] | None = None) -> OutboundPolicy:
    """Return the outbound address policy of CONFIG (the current app's by default)."""
    config = current_app.config if config is None else config
    return OutboundPolicy.from_setting(config["FETCH_ALLOW_HOSTS"])


def make_fetcher(
    config: Mapping[str, Any], pacing_url: str | None = None, site: str | None = None
) -> Fetcher:
    """Return a Fetcher with the FETCH_* settings of CONFIG, its turns per host kept at
    PACING_URL (the job engine's storage; this process alone when None). Its User-Agent
    names SITE (where people read our verdicts; else CONFIG's) unless FETCH_USER_AGENT is set."""
    site = site or config["PUBLIC_BASE_URL"] or f"https://{config['PUBLISHER_SITE']}"
    agent = config["FETCH_USER_AGENT"] or f"factcheck/0.1 (fact-checking workbench; +{site})"
    interval = float(config["FETCH_MIN_INTERVAL_SECONDS"])
    return Fetcher(
        outbound_policy(config),
        FetchSettings(
            user_agent=agent,
            connect_timeout=float(config["FETCH_CONNECT_TIMEOUT_SECONDS"]),
            read_timeout=float(config["FETCH_READ_TIMEOUT_SECONDS"]),
            deadline_seconds=float(config["FETCH_DEADLINE_SECONDS"]),
            max_bytes=int(config["FETCH_MAX_BYTES"]),
            min_interval_seconds=interval,
            respect_robots=bool(config["FETCH_RESPECT_ROBOTS"]),
        ),
        pacer=pacer_for(pacing_url, interval) if interval > 0 else None,
    )


def get_fetcher() -> Fetcher:
    """Return the current app's fetcher (it keeps robots.txt and pacing between requests).

    Made on first use, and again if a FETCH_* setting or the site (settings page) changed.
    Its turns per host are kept in the job engine's storage, so every process of the
    deployment shares them.
    """
    from factcheck.job_engine import storage_url  # the engine's module imports this one
    from factcheck.services.settings import current_publishing

    config = current_app.config
    site = current_publishing().home  # the settings page names the site in the User-Agent
    fetch = ((key, str(value)) for key, value in config.items() if key.startswith("FETCH_"))
    settings = (*fetch, ("JOBS_URL", str(config.get("JOBS_URL"))), ("site", site))
    cached = current_app.extensions.get(FETCHER_KEY)
    if cached is None or cached[0] != settings:
        if cached is not None:
            cached[1].close()
        pacing = storage_url(config, current_app.instance_path)
        cached = current_app.extensions[FETCHER_KEY] = (
            settings,
            make_fetcher(config, pacing, site=site),
        )
    return cached[1]
