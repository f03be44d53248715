"""Blueprints for people: auth, review (fact-checkers) and editor pages."""

from __future__ import annotations

from flask import Flask, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException

from factcheck.extensions import db, login_manager
from factcheck.matching.search import SimilarClaim
from factcheck.models import Role, User, valid_id
from factcheck.publishing import own_claim_review
from factcheck.services.errors import CANNOT_WRITE, ServiceError, Unavailable, cannot_write
from factcheck.services.public import verdict_url
from factcheck.text.language import language_name
from factcheck.verdicts import SCALE, rating_label
from factcheck.web.forms import form_problems
from factcheck.web.markdown import render_markdown


def register_web(app: Flask) -> None:
    # These add their routes to the review and editor blueprints.
    from factcheck.web import (  # noqa: F401
        claim_edits,
        queue,
        reader_desk,
        revisions,
        workflow,
    )
    from factcheck.web.admin import bp as admin_bp
    from factcheck.web.alerts import bp as alerts_bp
    from factcheck.web.auth import bp as auth_bp
    from factcheck.web.dashboard import bp as dashboard_bp
    from factcheck.web.editor import bp as editor_bp
    from factcheck.web.integrations import bp as integrations_bp
    from factcheck.web.public import bp as public_bp
    from factcheck.web.readers import bp as readers_bp
    from factcheck.web.review import bp as review_bp
    from factcheck.web.settings import bp as settings_bp
    from factcheck.web.sources import bp as sources_bp

    for blueprint in (
        auth_bp,
        review_bp,
        editor_bp,
        dashboard_bp,
        admin_bp,
        integrations_bp,
        sources_bp,
        alerts_bp,
        settings_bp,
        public_bp,
        readers_bp,
    ):
        app.register_blueprint(blueprint)
    app.add_url_rule("/", "index", index)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(ServiceError, handle_service_error)
    app.register_error_handler(DBAPIError, handle_database_error)
    app.jinja_env.filters["rating_label"] = rating_label
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["language_name"] = language_name
    app.context_processor(lambda: {"SCALE": SCALE, "open_alerts": _open_alerts})
    app.jinja_env.globals["own_claim_review"] = own_claim_review
    app.jinja_env.globals["form_problems"] = form_problems
    app.jinja_env.globals["publishing_placeholders"] = _publishing_placeholders
    app.jinja_env.globals["verdict_url"] = verdict_url
    app.jinja_env.tests["likely"] = likely


def likely(item: SimilarClaim) -> bool:
    """Jinja test: a similar claim worth a checker's look (the rest wait behind "show more")."""
    config = current_app.config
    return item.likely(
        match_floor=config["MATCH_FLOOR"], cosine_floor=config["LINK_SUGGEST_THRESHOLD"] - 0.1
    )


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    """Return the active user of a session id (id:session_version), if the session still holds."""
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit() and valid_id(int(user_id))):
        return None
    user = db.session.get(User, int(user_id))
    if user is None or not user.active or user.session_version != int(version):
        return None
    return user


def _open_alerts() -> int:
    """How many alerts wait for a checker (the nav shows it; counted when the page asks)."""
    from factcheck.services.alerts import open_count
    from factcheck.services.demo import demo_hidden

    if not current_user.is_authenticated:
        return 0
    return open_count(db.session, hide_demo=demo_hidden(db.session))


def _publishing_placeholders() -> list[str]:
    """Which publishing settings an admin still has to set (base.html warns about them)."""
    from factcheck.services.settings import current_publishing

    return current_publishing().placeholders()


def index():
    """Send each role to its home page."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.role is Role.EDITOR:
        return redirect(url_for("editor.articles"))
    return redirect(url_for("review.queue"))


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def handle_http_error(error: HTTPException):
    """Render HTTP errors as a page for people, or as the API's JSON error shape."""
    if _wants_json():
        from factcheck.api.errors import http_error

        return http_error(error)
    title = "The form expired or was forged" if isinstance(error, CSRFError) else error.name
    return render_template(
        "error.html", title=title, code=error.code, message=error.description
    ), error.code


def handle_service_error(error: ServiceError):
    if _wants_json():
        from factcheck.api.errors import json_error

        return json_error(error.status_code, error.code, error.message)
    return render_template(
        "error.html", title="That did not work", code=error.status_code, message=error.message
    ), error.status_code


def handle_database_error(error: DBAPIError):
    """Say so (503) when the database refuses writes; any other database error is a 500."""
    if not cannot_write(error):
        raise error
    # A use case has rolled its own writes back; a failed read can leave the connection in
    # an aborted transaction, which must be ended before the error page reads the user.
    db.session.rollback()
    return handle_service_error(Unavailable(CANNOT_WRITE))
