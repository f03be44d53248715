"""Alerts on repeats: newly ingested claims that match a claim with a published verdict."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms import SubmitField

from factcheck.extensions import db, get_matcher
from factcheck.models import AlertState, Role, valid_id
from factcheck.services import alerts as alert_service
from factcheck.services.demo import demo_hidden
from factcheck.services.repeats import repeated_this_week
from factcheck.web.forms import BaseForm
from factcheck.web.permissions import ANY_ROLE, roles_required

bp = Blueprint("alerts", __name__, url_prefix="/alerts")
PAGE_SIZE = 50
STATES = {
    "open": AlertState.OPEN,
    "confirmed": AlertState.CONFIRMED,
    "dismissed": AlertState.DISMISSED,
    "all": None,
}


class AlertDecisionForm(BaseForm):
    confirm = SubmitField("Confirm: same claim")
    dismiss = SubmitField("Dismiss")


@bp.get("/")
@roles_required(*ANY_ROLE)
def index():
    """List alerts newest first: the new sentence, its outlet, the earlier verdict, the match."""
    state = request.args.get("state", "open")
    if state not in STATES:
        abort(400, description=f"state must be one of {', '.join(STATES)}.")
    before = request.args.get("before", "")
    before_id = int(before) if before.isdigit() and valid_id(int(before)) else None
    found = alert_service.list_alerts(
        db.session,
        state=STATES[state],
        before_id=before_id,
        limit=PAGE_SIZE + 1,
        hide_demo=demo_hidden(db.session),
    )
    shown = found[:PAGE_SIZE]
    return render_template(
        "alerts/index.html",
        alerts=shown,
        state=state,
        states=list(STATES),
        repeats=repeated_this_week(db.session, {a.other_id for a in shown}),
        next_before=shown[-1].id if len(found) > PAGE_SIZE else None,
        form=AlertDecisionForm(formdata=None),
        can_decide=current_user.has_role(Role.CHECKER),
    )


@bp.post("/<int:alert_id>")
@roles_required(Role.CHECKER)
def decide(alert_id: int):
    """Confirm the repeat (the earlier verdict is carried) or dismiss it."""
    form = AlertDecisionForm()
    if not form.validate_on_submit() or form.confirm.data == form.dismiss.data:
        abort(400, description="Choose Confirm or Dismiss.")
    if form.confirm.data:
        alert = alert_service.confirm(
            db.session,
            alert_id,
            actor=current_user,
            thresholds=get_matcher().thresholds,
            second_review=current_app.config["REQUIRE_SECOND_REVIEW"],
        )
        flash(
            f"Confirmed: claim {alert.claim_id} is the same as claim {alert.other_id} and "
            "carries its verdict.",
            "success",
        )
    else:
        alert = alert_service.dismiss(db.session, alert_id, actor=current_user)
        flash(f"Alert {alert.id} dismissed.", "success")
    return redirect(url_for("alerts.index"))
