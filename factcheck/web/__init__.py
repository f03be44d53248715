"""Blueprints for people: auth, review (fact-checkers) and editor pages."""

from __future__ import annotations

from flask import Flask, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from factcheck.extensions import db, login_manager
from factcheck.models import Role, User
from factcheck.publishing import own_claim_review
from factcheck.services.errors import ServiceError
from factcheck.verdicts import SCALE, rating_label
from factcheck.web.markdown import render_markdown


def register_web(app: Flask) -> None:
    # These add their routes to the review and editor blueprints.
    from factcheck.web import claim_edits, queue, revisions, workflow  # noqa: F401
    from factcheck.web.admin import bp as admin_bp
    from factcheck.web.auth import bp as auth_bp
    from factcheck.web.dashboard import bp as dashboard_bp
    from factcheck.web.editor import bp as editor_bp
    from factcheck.web.integrations import bp as integrations_bp
    from factcheck.web.review import bp as review_bp
    from factcheck.web.alerts import bp as alerts_bp
    from factcheck.web.sources import bp as sources_bp

    for blueprint in (auth_bp, review_bp, editor_bp, dashboard_bp, admin_bp, integrations_bp,
                      sources_bp, alerts_bp):
        app.register_blueprint(blueprint)
    app.add_url_rule("/", "index", index)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(ServiceError, handle_service_error)
    app.jinja_env.filters["rating_label"] = rating_label
    app.jinja_env.filters["markdown"] = render_markdown
    app.context_processor(lambda: {"SCALE": SCALE, "open_alerts": _open_alerts})
    app.jinja_env.globals["own_claim_review"] = own_claim_review


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None


def _open_alerts() -> int:
    """How many alerts wait for a checker (the nav shows it; counted when the page asks)."""
    from factcheck.services.alerts import open_count

    return open_count(db.session) if current_user.is_authenticated else 0


def index():  # noqa: ANN201
    """Send each role to its home page."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    if current_user.role is Role.EDITOR:
        return redirect(url_for("editor.articles"))
    return redirect(url_for("review.queue"))


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def handle_http_error(error: HTTPException):  # noqa: ANN201
    """Render HTTP errors as a page for people, or as the API's JSON error shape."""
    if _wants_json():
        from factcheck.api.errors import http_error

        return http_error(error)
    title = "The form expired or was forged" if isinstance(error, CSRFError) else error.name
    return render_template("error.html", title=title, code=error.code,
                           message=error.description), error.code


def handle_service_error(error: ServiceError):  # noqa: ANN201
    if _wants_json():
        from factcheck.api.errors import json_error

        return json_error(error.status_code, error.code, error.message)
    return render_template("error.html", title="That did not work", code=error.status_code,
                           message=error.message), error.status_code


def _code_name(error: HTTPException) -> str:
    return (error.name or "error").lower().replace(" ", "_")
