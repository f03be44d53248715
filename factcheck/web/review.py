"""Fact-checker pages: the review queue, the claim workspace with its verdict form, search."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from factcheck.extensions import db, get_matcher
from factcheck.models import ClaimStatus, Role
from factcheck.services import audit
from factcheck.services import claims as claim_service
from factcheck.services.errors import ServiceError
from factcheck.services.matching import search_claims, similar_to_claims
from factcheck.services.reviews import SourceInput, record_verdict
from factcheck.web.forms import (DismissClaimForm, EditClaimForm, MergeClaimForm, SearchForm,
                                SplitClaimForm, VerdictForm)
from factcheck.web.permissions import ANY_ROLE, roles_required

bp = Blueprint("review", __name__)
PER_PAGE = 50
CONTEXT_CHARS = 400


@bp.get("/queue")
@roles_required(Role.CHECKER)
def queue():  # noqa: ANN201
    """List article claims by status, newest first."""
    status_name = request.args.get("status", ClaimStatus.NEW.value)
    try:
        status = ClaimStatus(status_name) if status_name != "all" else None
    except ValueError:
        abort(400, description=f"Unknown status {status_name!r}.")
    page = request.args.get("page", 1, type=int)
    if not 1 <= page <= 1_000_000:
        abort(400, description="Pages run from 1 to 1,000,000.")
    claims, total = claim_service.list_claims(db.session, status=status, page=page,
                                              per_page=PER_PAGE)
    return render_template("claims/queue.html", claims=claims, total=total, page=page,
                           pages=max(1, -(-total // PER_PAGE)), status=status_name,
                           counts=claim_service.count_by_status(db.session))


def _context(claim) -> tuple[str, str, str] | None:  # noqa: ANN001
    """Return (before, sentence, after) around the claim's span in its article."""
    if claim.article is None or claim.start is None:
        return None
    body = claim.article.body
    before = body[max(0, claim.start - CONTEXT_CHARS):claim.start]
    after = body[claim.end:claim.end + CONTEXT_CHARS]
    return before, body[claim.start:claim.end], after


def render_claim(claim, *, status: int = 200, **forms):  # noqa: ANN001, ANN003, ANN201
    """Render the claim workspace; FORMS (by class name) replace the blank ones, with errors."""
    verdict_form = forms.get("VerdictForm") or VerdictForm(formdata=None)
    if "VerdictForm" not in forms and claim.reviews:  # a correction starts from the last verdict
        latest = claim.reviews[-1]
        verdict_form.rating.data, verdict_form.conclusion.data = latest.rating, latest.conclusion
        verdict_form.explanation.data = latest.explanation
    edit_form = forms.get("EditClaimForm") or EditClaimForm(formdata=None, text=claim.text)
    similar = similar_to_claims(db.session, get_matcher(), [claim],
                                k=current_app.config["MATCH_TOP_K"])[claim.id]
    return render_template(
        "claims/detail.html", claim=claim, form=verdict_form, similar=similar,
        context=_context(claim), history=audit.history(db.session, "claim", claim.id),
        edit_form=edit_form,
        split_form=forms.get("SplitClaimForm") or SplitClaimForm(formdata=None),
        merge_form=forms.get("MergeClaimForm") or MergeClaimForm(formdata=None),
        dismiss_form=forms.get("DismissClaimForm") or DismissClaimForm(formdata=None),
        # Below this, claims are not alike enough for a differing detail to matter.
        near_miss_floor=current_app.config["LINK_SUGGEST_THRESHOLD"] - 0.1,
        link_states={link.other_id: link for link in claim.links}), status


@bp.get("/claims/<int:claim_id>")
@roles_required(*ANY_ROLE)
def claim_detail(claim_id: int):  # noqa: ANN201
    """Show a claim in context, its most similar stored claims and the verdict form."""
    return render_claim(claim_service.get_claim(db.session, claim_id))


@bp.post("/claims/<int:claim_id>/verdict")
@roles_required(Role.CHECKER)
def record_claim_verdict(claim_id: int):  # noqa: ANN201
    """Record a verdict (draft or published) with its sources."""
    claim = claim_service.get_claim(db.session, claim_id)
    form = VerdictForm()
    if not form.validate_on_submit():
        return render_claim(claim, status=422, VerdictForm=form)
    sources = [SourceInput(url=s.url.data, title=s.title.data or "", quote=s.quote.data or "",
                           publisher=s.publisher.data or "", stance=s.stance.data)
               for s in form.sources if s.url.data]
    try:
        record_verdict(db.session, claim, rating=form.rating.data, reviewer=current_user,
                       conclusion=form.conclusion.data or "",
                       explanation=form.explanation.data or "", sources=sources,
                       publish=form.publish.data)
    except ServiceError as exc:
        db.session.rollback()
        form.rating.errors.append(exc.message)
        return render_claim(claim_service.get_claim(db.session, claim_id),
                            status=exc.status_code, VerdictForm=form)
    flash("Verdict published." if form.publish.data else "Draft saved.", "success")
    return redirect(url_for("review.claim_detail", claim_id=claim_id))


@bp.get("/search")
@roles_required(*ANY_ROLE)
def search():  # noqa: ANN201
    """Find the stored claims most similar to free text."""
    form = SearchForm(request.args)
    results = None
    if request.args and form.validate():
        results = search_claims(db.session, get_matcher(), form.q.data, k=20,
                                max_chars=current_app.config["MAX_SEARCH_CHARS"])
    return render_template("search.html", form=form, results=results)
