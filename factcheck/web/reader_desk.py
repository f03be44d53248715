"""The desk's side of readers' requests: merge a claim's group into another, or split it."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_login import current_user

from factcheck.extensions import db, get_matcher
from factcheck.models import Role
from factcheck.services import claims as claim_service
from factcheck.services import reader_requests
from factcheck.web.forms import MoveRequestsForm
from factcheck.web.permissions import roles_required
from factcheck.web.review import bp


@bp.post("/claims/<int:claim_id>/readers/move")
@roles_required(Role.CHECKER)
def move_reader_requests(claim_id: int):
    """Move the chosen readers' requests to another claim (merge) or a new one (split)."""
    claim = claim_service.get_claim(db.session, claim_id)
    form = MoveRequestsForm()
    if not form.validate_on_submit():
        problems = "; ".join(e for errors in form.errors.values() for e in errors)
        abort(400, description=f"The form was incomplete ({problems}); reload the page.")
    if form.merge.data and form.target.data is None:
        abort(400, description="Give the number of the claim to move the requests to.")
    target = claim_service.get_claim(db.session, form.target.data) if form.merge.data else None
    joined = reader_requests.move_requests(
        db.session,
        claim,
        form.requests.data or [],
        target=target,
        matcher=get_matcher(),
        actor=current_user,
    )
    moved = len(form.requests.data or [])
    flash(f"Moved {moved} request{'s' if moved != 1 else ''} to claim {joined.id}.", "success")
    return redirect(url_for("review.claim_detail", claim_id=claim.id) + "#readers-title")
