"""The review queue: ranked and filtered claims; take a claim, give it back, request a check."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from factcheck.extensions import db
from factcheck.models import Role
from factcheck.services import claims as claim_service
from factcheck.services import queue as queue_service
from factcheck.services.demo import demo_hidden
from factcheck.text.language import language_name
from factcheck.web.auth import safe_next
from factcheck.web.forms import (
    AssignForm,
    NextForm,
    QueueFilterForm,
    RequestCheckForm,
    UnassignForm,
)
from factcheck.web.permissions import ANY_ROLE, roles_required
from factcheck.web.review import bp

PER_PAGE = 25


def _filter_form() -> QueueFilterForm:
    # Empty values mean "any": drop them so defaults apply and the URLs stay short.
    args = MultiDict((key, value) for key, value in request.args.items(multi=True) if value)
    form = QueueFilterForm(args)
    choices = queue_service.filter_choices(db.session)
    form.assignee.choices = [("", "anyone"), ("me", "me"), ("nobody", "nobody")] + [
        (str(user.id), user.display_name) for user in choices["checkers"]
    ]
    form.outlet.choices = [("", "any outlet")] + [(o, o) for o in choices["outlets"]]
    form.kind.choices = [("", "any kind")] + [(k, k) for k in choices["kinds"]]
    form.language.choices = [("", "any language")] + [
        (code, language_name(code)) for code in choices["languages"]
    ]
    return form


@bp.get("/queue")
@roles_required(Role.CHECKER)
def queue():
    """Claims to check, most urgent first, with filters as GET parameters."""
    form = _filter_form()
    if not form.validate():
        problems = "; ".join(
            f"{form[name].label.text}: {' '.join(errors)}" for name, errors in form.errors.items()
        )
        abort(400, description=f"The queue cannot be filtered like that ({problems}).")
    hide_demo = demo_hidden(db.session)
    filters = queue_service.QueueFilters(
        hide_demo=hide_demo,
        status=form.status.data,
        assignee=form.assignee.data or "",
        article_id=form.article.data,
        outlet=form.outlet.data or "",
        kind=form.kind.data or "",
        language=form.language.data or "",
    )
    pagination = db.paginate(
        queue_service.queue_select(filters, user=current_user),
        page=form.page.data or 1,
        per_page=PER_PAGE,
        error_out=False,
    )
    params = {key: value for key, value in request.args.items() if value and key != "page"}
    return render_template(
        "claims/queue.html",
        form=form,
        pagination=pagination,
        params=params,
        counts=claim_service.count_by_status(db.session, hide_demo=hide_demo),
        assign_form=AssignForm(formdata=None),
        unassign_form=UnassignForm(formdata=None),
        ranking=queue_service,
    )


def _submitted(form_class: type[NextForm]) -> NextForm:
    """Return the posted button form, or stop with a 400 when it is incomplete."""
    form = form_class()
    if not form.validate_on_submit():
        abort(400, description="The form was incomplete; reload the page and try again.")
    return form


def _back(claim_id: int, next_url: str | None):
    if next_url:
        target = safe_next(next_url)
        if urlsplit(target).path == url_for("review.queue"):
            # Back on the queue, on the same row: the fragment scrolls to it and queue.js
            # selects it again, so the keyboard goes on from there.
            target = urlsplit(target)._replace(fragment=f"queue-claim-{claim_id}").geturl()
        return redirect(target)
    return redirect(url_for("review.claim_detail", claim_id=claim_id))


@bp.post("/claims/<int:claim_id>/assign")
@roles_required(Role.CHECKER)
def assign_claim(claim_id: int):
    """Take the claim: assign it to the checker who pressed the button."""
    form = _submitted(AssignForm)
    claim = claim_service.get_claim(db.session, claim_id)
    queue_service.assign(db.session, claim, assignee=current_user, actor=current_user)
    flash(f"Claim {claim_id} is assigned to you.", "success")
    return _back(claim_id, form.next.data)


@bp.post("/claims/<int:claim_id>/unassign")
@roles_required(Role.CHECKER)
def unassign_claim(claim_id: int):
    """Give the claim back to the queue."""
    form = _submitted(UnassignForm)
    claim = claim_service.get_claim(db.session, claim_id)
    queue_service.assign(db.session, claim, assignee=None, actor=current_user)
    flash(f"Claim {claim_id} is no longer assigned.", "success")
    return _back(claim_id, form.next.data)


@bp.post("/claims/<int:claim_id>/request-check")
@roles_required(*ANY_ROLE)
def request_check(claim_id: int):
    """Ask the desk to check this claim (editors do this from their articles)."""
    form = _submitted(RequestCheckForm)
    claim = claim_service.get_claim(db.session, claim_id)
    queue_service.request_check(db.session, claim, current_user)
    flash("Check requested: the claim moved up the fact-checkers' queue.", "success")
    return _back(claim_id, form.next.data)
