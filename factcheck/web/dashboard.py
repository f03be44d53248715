"""The dashboard for editors and checkers: flagged statements across articles."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, render_template, request
from wtforms.fields.choices import SelectChoice

from factcheck.extensions import db
from factcheck.services import dashboard as dashboard_service
from factcheck.services import reader_requests
from factcheck.services.consistency import conflicts
from factcheck.services.demo import demo_hidden
from factcheck.services.flags import Triage
from factcheck.text.language import language_name
from factcheck.web.forms import DashboardForm
from factcheck.web.highlight import claim_flag
from factcheck.web.permissions import ANY_ROLE, roles_required

bp = Blueprint("dashboard", __name__)
PER_PAGE = 50


@bp.get("/dashboard")
@roles_required(*ANY_ROLE)
def dashboard():
    """List flagged statements, filtered by outlet, article date and verdict."""
    form = DashboardForm(request.args)
    form.outlet.choices = [
        SelectChoice("", "any outlet"),
        *(SelectChoice(name, name) for name in dashboard_service.outlets(db.session)),
    ]
    form.language.choices = [
        SelectChoice("", "any language"),
        *(
            SelectChoice(code, language_name(code))
            for code in dashboard_service.languages(db.session)
        ),
    ]
    if request.args and not form.validate():
        messages = [f"{form[name].label.text}: {errors[0]}" for name, errors in form.errors.items()]
        abort(400, description="The filters are not valid. " + " ".join(messages))
    page = request.args.get("page", 1, type=int)
    if not 1 <= page <= 100_000:
        abort(400, description="Pages run from 1 to 100,000.")
    filters = dashboard_service.DashboardFilter(
        hide_demo=demo_hidden(db.session),
        outlet=form.outlet.data or None,
        language=form.language.data or None,
        date_from=form.date_from.data,
        date_to=form.date_to.data,
        verdict=form.verdict.data or None,
    )
    result = dashboard_service.dashboard(
        db.session,
        filters,
        page=page,
        per_page=PER_PAGE,
        triage=Triage.from_config(current_app.config),
    )
    args = {name: value for name, value in request.args.items() if name != "page"}
    return render_template(
        "dashboard.html",
        triage_cap=current_app.config["FLAG_UNCHECKED_CAP"],
        form=form,
        result=result,
        page=page,
        pages=max(1, -(-result.total // PER_PAGE)),
        args=args,
        conflicts=conflicts(db.session),
        most_asked=reader_requests.most_asked(db.session),
        flags={claim.id: claim_flag(claim) for claim in result.flagged},
    )
