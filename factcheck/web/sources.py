"""Admins' page of monitored sources: register feeds, see each one's health, poll or pause."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import IntegerField, StringField, SubmitField
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional

from factcheck.extensions import db, outbound_policy
from factcheck.job_engine import get_engine
from factcheck.models import Role
from factcheck.services import sources
from factcheck.services.errors import ServiceError
from factcheck.web.forms import BaseForm
from factcheck.web.permissions import roles_required

bp = Blueprint("sources", __name__, url_prefix="/admin/sources")


class SourceForm(BaseForm):
    name = StringField(
        "Name (the outlet of its articles)", validators=[DataRequired(), Length(max=200)]
    )
    feed_url = StringField(
        "Feed or news sitemap address",
        validators=[
            DataRequired(),
            URL(require_tld=False, message="Give an http(s):// address."),
            Length(max=2000),
        ],
    )
    interval = IntegerField(
        "Poll every (minutes)", default=30, validators=[DataRequired(), NumberRange(1, 10080)]
    )
    language = StringField(
        "Language (when a page does not say)", validators=[Optional(), Length(max=3)]
    )
    submit = SubmitField("Add source")


class SourceActionForm(BaseForm):
    """Poll now, pause or resume: the button pressed says which."""

    poll = SubmitField("Poll now")
    pause = SubmitField("Pause")
    resume = SubmitField("Resume")


def _page(form: SourceForm | None = None, status: int = 200):
    return render_template(
        "sources/index.html",
        sources=sources.list_sources(db.session),
        form=form or SourceForm(formdata=None),
        action_form=SourceActionForm(formdata=None),
    ), status


@bp.get("/")
@roles_required(Role.ADMIN)
def index():
    """List the sources with their health, and the form to add one."""
    return _page()


@bp.post("/")
@roles_required(Role.ADMIN)
def add():
    """Register a feed; its first poll is queued at once."""
    form = SourceForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    try:
        source = sources.add_source(
            db.session,
            name=form.name.data,
            feed_url=form.feed_url.data,
            interval_minutes=form.interval.data,
            language=form.language.data,
            actor=current_user,
            policy=outbound_policy(),
        )
    except ServiceError as exc:
        form.feed_url.errors = [*form.feed_url.errors, exc.message]
        return _page(form, exc.status_code)
    get_engine().enqueue("poll_source", {"source_id": source.id}, key=f"poll:{source.id}")
    flash(f"Source “{source.name}” is added; its first poll is queued.", "success")
    return redirect(url_for("sources.index"))


@bp.post("/<int:source_id>")
@roles_required(Role.ADMIN)
def act(source_id: int):
    """Poll a source now, or pause or resume it."""
    form = SourceActionForm()
    if not form.validate_on_submit():
        return _page(status=400)
    source = sources.get_source(db.session, source_id)
    if form.poll.data:
        get_engine().enqueue("poll_source", {"source_id": source.id}, key=f"poll:{source.id}")
        flash(f"A poll of “{source.name}” is queued.", "success")
    else:
        source = sources.set_active(
            db.session, source.id, bool(form.resume.data), actor=current_user
        )
        flash(f"“{source.name}” is {'active' if source.active else 'paused'}.", "success")
    return redirect(url_for("sources.index"))
