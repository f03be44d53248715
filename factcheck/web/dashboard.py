"""The dashboard for editors and checkers: flagged statements across articles."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from wtforms.fields.choices import SelectChoice

from factcheck.extensions import db
from factcheck.services import dashboard as dashboard_service
from factcheck.services.consistency import conflicts
from factcheck.web.forms import DashboardForm
from factcheck.web.highlight import claim_flag
from factcheck.web.permissions import ANY_ROLE, roles_required

bp = Blueprint("dashboard", __name__)
PER_PAGE = 50


@bp.get("/dashboard")
@roles_required(*ANY_ROLE)
def dashboard():  # noqa: ANN201
    """List flagged statements, filtered by outlet, article date and verdict."""
    form = DashboardForm(request.args)
    form.outlet.choices = [SelectChoice("", "any outlet"), *(
        SelectChoice(name, name) for name in dashboard_service.outlets(db.session))]
    if request.args and not form.validate():
        messages = [f"{form[name].label.text}: {errors[0]}" for name, errors in form.errors.items()]
        abort(400, description="The filters are not valid. " + " ".join(messages))
    page = request.args.get("page", 1, type=int)
    if not 1 <= page <= 100_000:
        abort(400, description="Pages run from 1 to 100,000.")
    filters = dashboard_service.DashboardFilter(
        outlet=form.outlet.data or None, date_from=form.date_from.data,
        date_to=form.date_to.data, verdict=form.verdict.data or None)
    result = dashboard_service.dashboard(db.session, filters, page=page, per_page=PER_PAGE)
    args = {name: value for name, value in request.args.items() if name != "page"}
    return render_template("dashboard.html", form=form, result=result, page=page,
                           pages=max(1, -(-result.total // PER_PAGE)), args=args,
                           conflicts=conflicts(db.session),
                           flags={claim.id: claim_flag(claim) for claim in result.flagged})
