"""Fact-checker pages: the claim workspace with its verdict form, and search."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from factcheck.extensions import db, get_matcher
from factcheck.matching.search import search_claims, similar_to_claims
from factcheck.models import Claim, Role
from factcheck.services import audit, consistency, reader_requests
from factcheck.services import claims as claim_service
from factcheck.services.demo import hidden_demo_ids
from factcheck.services.errors import ServiceError
from factcheck.services.reviews import SourceInput, record_verdict, working_review
from factcheck.web.forms import (
    ApproveForm,
    AssignForm,
    DismissClaimForm,
    EditClaimForm,
    MergeClaimForm,
    MoveRequestsForm,
    ReopenForm,
    RequestCheckForm,
    ReturnForm,
    SearchForm,
    SplitClaimForm,
    UnassignForm,
    VerdictForm,
    add_service_error,
)
from factcheck.web.permissions import ANY_ROLE, roles_required
from factcheck.web.timeline import timeline

bp = Blueprint("review", __name__)
CONTEXT_CHARS = 400


def _context(claim: Claim) -> tuple[str, str, str] | None:
    """Return (before, sentence, after) around the claim's span in its article."""
    if claim.article is None or claim.start is None:
        return None
    body = claim.article.body
    before = body[max(0, claim.start - CONTEXT_CHARS) : claim.start]
    after = body[claim.end : claim.end + CONTEXT_CHARS]
    # The claim's paragraph and at most one paragraph on either side.
    before = "\n\n".join(before.split("\n\n")[-2:]).lstrip()
    after = "\n\n".join(after.split("\n\n")[:2]).rstrip()
    return before, body[claim.start : claim.end], after


def _blank_verdict_form(claim: Claim) -> VerdictForm:
    """The verdict form filled from the review in progress, or from the verdict it corrects."""
    start = working_review(claim) or claim.verdict
    if start is None:
        return VerdictForm(formdata=None)
    sources = [
        {
            "url": s.url,
            "title": s.title,
            "publisher": s.publisher,
            "quote": s.quote,
            "stance": s.stance.value,
        }
        for s in start.sources
    ]
    return VerdictForm(
        formdata=None,
        data={
            "rating": start.rating,
            "conclusion": start.conclusion,
            "explanation": start.explanation,
            "correction_reason": start.correction_reason if start is not claim.verdict else "",
            "sources": [*sources, {}],
        },
    )


def invalid_form(claim_id: int, form) -> object:
    """Render the claim workspace again (422) with FORM and the errors it found."""
    claim = claim_service.get_claim(db.session, claim_id)
    return render_claim(claim, status=422, **{type(form).__name__: form})


def render_claim(claim: Claim, *, status: int = 200, **forms):
    """Render the claim workspace; FORMS (by class name) replace the blank ones, with errors."""
    similar = similar_to_claims(
        db.session,
        get_matcher(),
        [claim],
        k=current_app.config["MATCH_TOP_K"],
        exclude=() if claim.is_demo else hidden_demo_ids(db.session),
    )[claim.id]
    pending = working_review(claim)

    def form(cls: type) -> object:
        return forms.get(cls.__name__) or cls(formdata=None)

    return render_template(
        "claims/detail.html",
        claim=claim,
        similar=similar,
        context=_context(claim),
        form=forms.get("VerdictForm") or _blank_verdict_form(claim),
        pending=pending,
        conflicts=consistency.conflicts_for(db.session, claim),
        timeline=timeline(audit.claim_history(db.session, claim.id), claim.id),
        second_review=current_app.config["REQUIRE_SECOND_REVIEW"],
        edit_form=forms.get("EditClaimForm") or EditClaimForm(formdata=None, text=claim.text),
        split_form=form(SplitClaimForm),
        merge_form=form(MergeClaimForm),
        dismiss_form=form(DismissClaimForm),
        return_form=form(ReturnForm),
        approve_form=form(ApproveForm),
        reopen_form=form(ReopenForm),
        assign_form=form(AssignForm),
        unassign_form=form(UnassignForm),
        request_form=form(RequestCheckForm),
        readers=(readers := reader_requests.group(db.session, claim)),
        reader_counts=reader_requests.count(readers),
        move_form=form(MoveRequestsForm),
        link_errors=[e for errors in forms["LinkForm"].errors.values() for e in errors]
        if "LinkForm" in forms
        else [],
        suggest_threshold=current_app.config["LINK_SUGGEST_THRESHOLD"],
        link_states={link.other_id: link for link in claim.links},
    ), status


@bp.get("/claims/<int:claim_id>")
@roles_required(*ANY_ROLE)
def claim_detail(claim_id: int):
    """Show a claim in context, its most similar stored claims and the verdict form."""
    return render_claim(claim_service.get_claim(db.session, claim_id))


@bp.post("/claims/<int:claim_id>/verdict")
@roles_required(Role.CHECKER)
def record_claim_verdict(claim_id: int):
    """Save the verdict as a draft, or submit it (published, or sent for a second review)."""
    claim = claim_service.get_claim(db.session, claim_id)
    form = VerdictForm()
    form.corrects_verdict = claim.verdict is not None
    if form.add_source.data:  # works without JavaScript: the same form with one more row
        if len(form.sources) < form.sources.max_entries:
            form.sources.append_entry()
        return render_claim(claim, VerdictForm=form)
    if not form.validate_on_submit():
        return render_claim(claim, status=422, VerdictForm=form)
    sources = [
        SourceInput(
            url=s.url.data,
            title=s.title.data or "",
            quote=s.quote.data or "",
            publisher=s.publisher.data or "",
            stance=s.stance.data,
        )
        for s in form.sources
        if s.url.data
    ]
    second_review = current_app.config["REQUIRE_SECOND_REVIEW"]
    try:
        review = record_verdict(
            db.session,
            claim,
            rating=form.rating.data,
            reviewer=current_user,
            conclusion=form.conclusion.data or "",
            explanation=form.explanation.data or "",
            sources=sources,
            publish=form.publish.data,
            second_review=second_review,
            correction_reason=form.correction_reason.data or "",
        )
    except ServiceError as exc:
        add_service_error(form, exc)
        return render_claim(
            claim_service.get_claim(db.session, claim_id), status=exc.status_code, VerdictForm=form
        )
    if not form.publish.data:
        flash("Draft saved.", "success")
    elif review.status.value == "submitted":
        flash(
            "Verdict submitted: another fact-checker has to approve it before it is published.",
            "success",
        )
    else:
        flash("Verdict published.", "success")
    return redirect(url_for("review.claim_detail", claim_id=claim_id))


@bp.get("/search")
@roles_required(*ANY_ROLE)
def search():
    """Find the stored claims most similar to free text."""
    form = SearchForm(request.args)
    results = None
    if request.args and form.validate():
        results = search_claims(
            db.session,
            get_matcher(),
            form.q.data,
            exclude=hidden_demo_ids(db.session),
            k=20,
            max_chars=current_app.config["MAX_SEARCH_CHARS"],
        )
    return render_template("search.html", form=form, results=results)
