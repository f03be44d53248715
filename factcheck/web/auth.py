"""Log in and out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from factcheck.extensions import db
from factcheck.services import users
from factcheck.web.forms import LoginForm, LogoutForm

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    # Only local paths: an absolute URL here would let a link send people to another site.
    # Browsers read a backslash as a slash and drop tabs and newlines, so "/\\evil.example"
    # and "/\t/evil.example" are "//evil.example" to them: refuse both kinds of character.
    if (target and target.startswith("/") and not target.startswith("//")
            and "\\" not in target and target.isprintable()
            and not urlsplit(target).netloc):
        return target
    return url_for("index")


@bp.route("/login", methods=["GET", "POST"])
def login():  # noqa: ANN201
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
def logout():  # noqa: ANN201
    """Log the user out (a POST with a CSRF token, so a link cannot do it)."""
    if LogoutForm().validate_on_submit():
        logout_user()
        flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
