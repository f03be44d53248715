"""Pages for readers (no login): send a claim to check, see what became of it, stop emails.

The spam guard needs no CAPTCHA: a honeypot field people never see, a signed time the form
was shown (a form sent within READER_MIN_FILL_SECONDS was not filled by a person), a rate
limit per address (shared with POST /api/v1/requests) and size limits.
"""

from __future__ import annotations

import time

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer

from factcheck.asking import answer_link, reader_limit, request_limits
from factcheck.extensions import db, get_matcher
from factcheck.models import ReaderRequest
from factcheck.publishing import publisher, stop_request_id
from factcheck.services import reader_requests
from factcheck.services.errors import InvalidInput
from factcheck.web.forms import AskForm, StopEmailsForm

bp = Blueprint("readers", __name__)


def _clock() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="ask-form-started")


def started_token(now: float | None = None) -> str:
    """Return the signed time the form is shown at (NOW, for tests)."""
    return _clock().dumps(round(time.time() if now is None else now, 3))


def _spam_problem(form: AskForm) -> str | None:
    """Return why the form does not look sent by a person, or None."""
    if form.website.data:
        return "The form had a field filled that people leave empty; nothing was sent."
    try:
        started = float(_clock().loads(form.started.data or ""))
    except (BadSignature, TypeError, ValueError):
        return "The form was changed or is incomplete: reload the page and send it again."
    elapsed = time.time() - started
    if elapsed > float(current_app.config["READER_FORM_MAX_AGE_SECONDS"]):
        return "The form is too old: check your text and send it again."
    if elapsed < float(current_app.config["READER_MIN_FILL_SECONDS"]):
        return "That was faster than anyone types: check your text and send it again."
    return None


def _form_page(form: AskForm, *, status: int = 200, problem: str | None = None):
    form.started.data = started_token()
    form.website.data = ""
    return render_template(
        "readers/ask.html",
        form=form,
        problem=problem,
        emails=bool(current_app.config["SMTP_HOST"]),
        limits=request_limits(),
        publisher_name=publisher().name,
    ), status


@bp.route("/ask", methods=["GET", "POST"])
@reader_limit
def ask():
    """The form a reader sends a claim with; on success, the private status page."""
    form = AskForm()
    if request.method == "GET":
        return _form_page(form)
    if not form.validate_on_submit():
        return _form_page(form, status=422, problem="Please correct the fields marked below.")
    if problem := _spam_problem(form):
        return _form_page(form, status=400, problem=problem)
    try:
        submitted = reader_requests.submit(
            db.session,
            get_matcher(),
            text=form.claim.data,
            url=form.url.data,
            note=form.note.data,
            email=form.email.data if current_app.config["SMTP_HOST"] else None,
            limits=request_limits(),
        )
    except InvalidInput as exc:
        return _form_page(form, status=422, problem=exc.message)
    flash("Thank you: your request reached the desk.", "success")
    return redirect(url_for("readers.request_status", token=submitted.token))


@bp.get("/ask/r/<token>")
def request_status(token: str):
    """The private page of a request: what the reader sent and what became of it."""
    found = reader_requests.by_token(db.session, token)
    answer = reader_requests.answer_of(found.claim)
    return render_template(
        "readers/status.html",
        found=found,
        answer=answer,
        answer_link=answer_link(answer) if answer else None,
        readers=len(reader_requests.group(db.session, found.claim)),
        stop_form=StopEmailsForm(formdata=None),
        token=token,
        publisher_name=publisher().name,
    )


@bp.post("/ask/r/<token>/stop")
def stop_status_emails(token: str):
    """Forget the reader's address from the status page."""
    found = reader_requests.by_token(db.session, token)
    if not StopEmailsForm().validate_on_submit():
        abort(400, description="The form expired: reload the page and try again.")
    reader_requests.stop_emails(db.session, found)
    flash("Your email address is deleted: we will not write to you.", "success")
    return redirect(url_for("readers.request_status", token=token))


@bp.route("/ask/stop/<token>", methods=["GET", "POST"])
def stop_emails(token: str):
    """The link in a reader's email: a button (so link scanners stop nothing), then done."""
    request_id = stop_request_id(token)
    found = db.session.get(ReaderRequest, request_id) if request_id else None
    if found is None:
        abort(404, description="This link is not valid: check that it was copied whole.")
    form = StopEmailsForm()
    stopped = False
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400, description="The form expired: reload the page and try again.")
        reader_requests.stop_emails(db.session, found)
        stopped = True
    return render_template("readers/stop.html", form=form, found=found, stopped=stopped)
