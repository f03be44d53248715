"""Log in and out."""

from __future__ import annotations

import hashlib
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from factcheck.extensions import db, limiter
from factcheck.services import users
from factcheck.web.forms import LoginForm, LogoutForm

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    # Only local paths: an absolute URL here would let a link send people to another site.
    # Browsers read a backslash as a slash and drop tabs and newlines, so "/\\evil.example"
    # and "/\t/evil.example" are "//evil.example" to them: refuse both kinds of character.
    if (
        target
        and target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and target.isprintable()
        and not urlsplit(target).netloc
    ):
        return target
    return url_for("index")


def _account_key() -> str:
    """Rate-limit bucket of a login attempt: the account it names."""
    email = (request.form.get("email") or "").strip().lower()[:254]
    return "login-account:" + hashlib.sha256(email.encode("utf-8", "replace")).hexdigest()


def _address_key() -> str:
    return "login-address:" + (request.remote_addr or "unknown")


def _failed(response: Response) -> bool:
    return response.status_code != 302  # a successful login redirects


TOO_MANY = (
    "Too many failed logins for this account or from this address: wait 15 minutes "
    "and try again, or ask an admin to reset the password."
)


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_FAILURES_PER_ACCOUNT"],
    key_func=_account_key,
    methods=["POST"],
    deduct_when=_failed,
    error_message=TOO_MANY,
)
@limiter.limit(
    lambda: current_app.config["LOGIN_FAILURES_PER_ADDRESS"],
    key_func=_address_key,
    methods=["POST"],
    deduct_when=_failed,
    error_message=TOO_MANY,
)
def login():
    """Show the login form and log the user in."""
    if current_user.is_authenticated:
        return redirect(url_for("index"))
    form = LoginForm()
    if form.validate_on_submit():
        user = users.authenticate(db.session, form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            return redirect(safe_next(request.args.get("next")))
        flash("Wrong email or password.", "error")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """Log the user out (a POST with a CSRF token, so a link cannot do it).

    Every session of the user ends, on other devices too: a session cookie is kept by the
    browser, so only a new session version makes a copy of it worthless.
    """
    if LogoutForm().validate_on_submit():
        users.end_sessions(db.session, current_user)
        logout_user()
        flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
