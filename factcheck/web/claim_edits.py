"""Checker actions on an extracted claim: edit its text, split it, merge another in, dismiss it."""

from __future__ import annotations

from flask import current_app, flash, redirect, url_for
from flask_login import current_user

from factcheck.extensions import db, get_matcher
from factcheck.models import LinkState, Role
from factcheck.services import claim_edits, links
from factcheck.services import claims as claim_service
from factcheck.services.errors import Conflict, InvalidInput, NotFound
from factcheck.web.forms import (
    ApproveLinkForm,
    DismissClaimForm,
    EditClaimForm,
    LinkForm,
    MergeClaimForm,
    SplitClaimForm,
)
from factcheck.web.permissions import roles_required
from factcheck.web.review import bp, invalid_form, render_claim


@bp.post("/claims/<int:claim_id>/edit")
@roles_required(Role.CHECKER)
def edit_claim(claim_id: int):
    """Replace the claim's text."""
    form = EditClaimForm()
    if not form.validate_on_submit():
        return invalid_form(claim_id, form)
    claim = claim_service.get_claim(db.session, claim_id)
    claim_edits.edit_claim(
        db.session, get_matcher(), claim, text=form.text.data, actor=current_user
    )
    flash("Claim text saved.", "success")
    return redirect(url_for("review.claim_detail", claim_id=claim_id))


@bp.post("/claims/<int:claim_id>/split")
@roles_required(Role.CHECKER)
def split_claim(claim_id: int):
    """Split the claim into several, one per line."""
    form = SplitClaimForm()
    if not form.validate_on_submit():
        return invalid_form(claim_id, form)
    claim = claim_service.get_claim(db.session, claim_id)
    parts = claim_edits.split_claim(
        db.session, get_matcher(), claim, texts=form.texts.data.splitlines(), actor=current_user
    )
    flash(
        f"Split into {len(parts)} claims: " + ", ".join(f"#{part.id}" for part in parts) + ".",
        "success",
    )
    return redirect(url_for("review.claim_detail", claim_id=claim_id))


@bp.post("/claims/<int:claim_id>/merge")
@roles_required(Role.CHECKER)
def merge_claim(claim_id: int):
    """Merge another claim (a duplicate) into this one."""
    form = MergeClaimForm()
    if not form.validate_on_submit():
        return invalid_form(claim_id, form)
    keep = claim_service.get_claim(db.session, claim_id)
    other = claim_service.get_claim(db.session, form.other_id.data)
    claim_edits.merge_claims(db.session, keep, other, actor=current_user)
    flash(f"Claim #{other.id} merged into this one.", "success")
    return redirect(url_for("review.claim_detail", claim_id=claim_id))


@bp.post("/claims/<int:claim_id>/links")
@roles_required(Role.CHECKER)
def decide_link(claim_id: int):
    """Confirm (with a relation) or reject a link to a similar stored claim."""
    form = LinkForm()
    if not form.validate_on_submit():
        return invalid_form(claim_id, form)
    claim = claim_service.get_claim(db.session, claim_id)
    other = claim_service.get_claim(db.session, form.other_id.data)
    # A rejection needs no relation: it is kept as "related" when none was chosen.
    try:
        link = links.decide_link(
            db.session,
            claim,
            other,
            confirm=bool(form.confirm.data),
            relation=form.relation.data or "related",
            actor=current_user,
            reason=form.reason.data or "",
            thresholds=get_matcher().thresholds,
            second_review=current_app.config["REQUIRE_SECOND_REVIEW"],
        )
    except InvalidInput as exc:
        flash(exc.message, "error")
        return render_claim(claim_service.get_claim(db.session, claim_id), status=422)
    if link.state is LinkState.SUBMITTED:
        flash(
            "Link submitted: another fact-checker has to approve it before this claim "
            "shows the other claim's verdict.",
            "success",
        )
    else:
        flash("Link confirmed." if form.confirm.data else "Link rejected.", "success")
    return redirect(url_for("review.claim_detail", claim_id=claim_id))


@bp.post("/claims/<int:claim_id>/links/approve")
@roles_required(Role.CHECKER)
def approve_link(claim_id: int):
    """Approve another checker's verdict-carrying link (second review)."""
    form = ApproveLinkForm()
    if not form.validate_on_submit():
        return invalid_form(claim_id, form)
    claim = claim_service.get_claim(db.session, claim_id)
    link = next((link for link in claim.links if link.other_id == form.other_id.data), None)
    if link is None:
        raise NotFound(f"Claim {claim_id} has no link to claim {form.other_id.data}.")
    try:
        links.approve_link(db.session, link, approver=current_user, relation=form.relation.data)
    except Conflict as exc:
        flash(exc.message, "error")
        return render_claim(claim_service.get_claim(db.session, claim_id), status=409)
    flash("Link approved: this claim now shows the other claim's verdict.", "success")
    return redirect(url_for("review.claim_detail", claim_id=claim_id))


@bp.post("/claims/<int:claim_id>/dismiss")
@roles_required(Role.CHECKER)
def dismiss_claim(claim_id: int):
    """Dismiss the claim as not checkable."""
    form = DismissClaimForm()
    if not form.validate_on_submit():
        return invalid_form(claim_id, form)
    claim = claim_service.get_claim(db.session, claim_id)
    claim_edits.dismiss_claim(db.session, claim, reason=form.reason.data, actor=current_user)
    flash("Claim dismissed as not checkable.", "success")
    return redirect(url_for("review.claim_detail", claim_id=claim_id))
