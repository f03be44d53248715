"""Admin page for the publishing settings: publisher name, site and public base URL."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from factcheck.extensions import db
from factcheck.models import Role
from factcheck.services import settings as settings_service
from factcheck.services.errors import ServiceError
from factcheck.web.forms import PublishingForm, add_service_error
from factcheck.web.permissions import roles_required

bp = Blueprint("settings", __name__, url_prefix="/admin/settings")


def _page(form: PublishingForm, status: int = 200):
    return render_template(
        "settings/publishing.html",
        form=form,
        current=settings_service.current_publishing(),
        defaults=current_app.config,
    ), status


@bp.get("/")
@roles_required(Role.ADMIN)
def publishing():
    """Show the publishing settings, filled with the values in force."""
    current = settings_service.current_publishing()
    form = PublishingForm(
        formdata=None,
        data={"name": current.name, "site": current.site, "base_url": current.base_url},
    )
    return _page(form)


@bp.post("/")
@roles_required(Role.ADMIN)
def save_publishing():
    """Store the publishing settings; every ClaimReview from now on uses them."""
    form = PublishingForm()
    if not form.validate_on_submit():
        return _page(form, 422)
    try:
        changed = settings_service.save_publishing(
            db.session,
            name=form.name.data or "",
            site=form.site.data or "",
            base_url=form.base_url.data or "",
            actor=current_user,
        )
    except ServiceError as exc:
        add_service_error(form, exc)
        return _page(form, exc.status_code)
    flash("Publishing settings saved." if changed else "Nothing changed.", "success")
    return redirect(url_for("settings.publishing"))
