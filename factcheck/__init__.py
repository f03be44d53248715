"""factcheck: a fact-claim checking workbench."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from factcheck import job_engine, ratelimit, security
from factcheck.config import Defaults
from factcheck.extensions import MATCHER_KEY, csrf, db, limiter, login_manager, migrate
from factcheck.matching import Matcher


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Create the Flask app: defaults, then instance/config.py, then FACTCHECK_* env vars."""
    app = Flask(__name__, instance_relative_config=True, template_folder="../templates")
    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        app.config.from_prefixed_env("FACTCHECK")
        if "DATABASE_URL" in app.config:
            app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    else:
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config["SQLALCHEMY_DATABASE_URI"]:
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            f"sqlite:///{Path(app.instance_path) / 'factcheck.sqlite3'}"
        )
    if not app.config["MODEL_CACHE_DIR"]:
        app.config["MODEL_CACHE_DIR"] = str(Path(app.instance_path) / "models")
    if not app.config["RATELIMIT_STORAGE_URI"]:
        app.config["RATELIMIT_STORAGE_URI"] = ratelimit.storage_uri(app.config, app.instance_path)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path))

    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    return app


def _instance_secret(instance: Path) -> str:
    """Return the secret key kept in the instance folder, creating it on first run."""
    path = instance / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    # WAL lets readers work while a writer commits; foreign keys are off by default in SQLite.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(Path(app.root_path).parent / "migrations"), render_as_batch=True
    )
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    security.init_app(app)
    app.extensions[MATCHER_KEY] = Matcher.from_config(app.config)
    job_engine.init_app(app)
    from factcheck.jobs import on_deliveries_queued, on_replies_due
    from factcheck.services.reader_requests import replies_due
    from factcheck.services.webhooks import deliveries_queued

    deliveries_queued.connect(on_deliveries_queued)
    replies_due.connect(on_replies_due)


def register_blueprints(app: Flask) -> None:
    from factcheck.api import bp as api_bp
    from factcheck.web import register_web

    register_web(app)
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)


def register_cli(app: Flask) -> None:
    from factcheck.cli import COMMANDS

    for command in COMMANDS:
        app.cli.add_command(command)
