"""The second checker's sign-off (approve or send back) and reopening a dismissed claim."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_login import current_user

from factcheck.extensions import db
from factcheck.models import Review, Role
from factcheck.services import claim_edits, reviews
from factcheck.services import claims as claim_service
from factcheck.services.errors import Conflict, NotFound
from factcheck.web.forms import ApproveForm, ReopenForm, ReturnForm
from factcheck.web.permissions import roles_required
from factcheck.web.review import bp, invalid_form, render_claim


def _review_of(claim_id: int, review_id: int) -> Review:
    review = db.session.get(Review, review_id)
    if review is None or review.claim_id != claim_id:
        raise NotFound(f"Claim {claim_id} has no review {review_id}.")
    return review


@bp.post("/claims/<int:claim_id>/approve")
@roles_required(Role.CHECKER)
def approve_review(claim_id: int):
    """Approve another checker's submitted verdict, which publishes it."""
    form = ApproveForm()
    if not form.validate_on_submit():
        return invalid_form(claim_id, form)
    try:
        reviews.approve_review(
            db.session,
            _review_of(claim_id, form.review_id.data),
            approver=current_user,
            version=form.version.data,
        )
    except Conflict as exc:
        # Show the claim as it is now, so the approver reads what there is to approve.
        flash(exc.message, "error")
        return render_claim(claim_service.get_claim(db.session, claim_id), status=409)
    flash("Verdict approved and published.", "success")
    return redirect(url_for("review.claim_detail", claim_id=claim_id))


@bp.post("/claims/<int:claim_id>/return")
@roles_required(Role.CHECKER)
def return_review(claim_id: int):
    """Send a submitted verdict back to its author with what to change."""
    form = ReturnForm()
    if not form.validate_on_submit():
        return invalid_form(claim_id, form)
    reviews.return_review(
        db.session,
        _review_of(claim_id, form.review_id.data),
        actor=current_user,
        reason=form.reason.data,
    )
    flash("Verdict sent back to its author as a draft.", "success")
    return redirect(url_for("review.claim_detail", claim_id=claim_id))


@bp.post("/claims/<int:claim_id>/reopen")
@roles_required(Role.CHECKER)
def reopen_claim(claim_id: int):
    """Put a dismissed claim back in the queue."""
    form = ReopenForm()
    if not form.validate_on_submit():
        return invalid_form(claim_id, form)
    claim_edits.reopen_claim(
        db.session, claim_service.get_claim(db.session, claim_id), actor=current_user
    )
    flash("Claim reopened: it is back in the queue.", "success")
    return redirect(url_for("review.claim_detail", claim_id=claim_id))
