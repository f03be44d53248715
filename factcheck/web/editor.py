"""Editor pages: ingest articles and read them with every claim highlighted in place."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from factcheck.extensions import db, get_fetcher, get_matcher
from factcheck.job_engine import get_engine
from factcheck.matching.search import similar_to_claims
from factcheck.models import JobStatus
from factcheck.services import articles as article_service
from factcheck.services import jobs as job_service
from factcheck.services import pages
from factcheck.services.demo import hidden_demo_ids
from factcheck.services.errors import InvalidInput, NotFound, ServiceError
from factcheck.services.flags import Triage
from factcheck.text.multilingual import pipeline_steps
from factcheck.web.forms import ArticleForm, ArticleUrlForm
from factcheck.web.highlight import (
    article_flags,
    claim_flag,
    flagged_claims,
    highlight_pieces,
    piece_flag,
    piece_shown,
)
from factcheck.web.permissions import ANY_ROLE, roles_required

bp = Blueprint("editor", __name__, url_prefix="/articles")
ACCEPT = ",".join(article_service.FORMAT_BY_SUFFIX)  # the file types the upload takes


@bp.get("/")
@roles_required(*ANY_ROLE)
def articles():
    """List the most recent articles."""
    return render_template("articles/list.html", articles=article_service.list_articles(db.session))


def _read_upload(form: ArticleForm) -> tuple[str, str]:
    """Return (text, format) of the uploaded file, or raise InvalidInput saying what is wrong."""
    upload = form.file.data
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(f"The file is larger than {limit // (1024 * 1024)} MB.")
    return article_service.read_document(data, upload.filename or "")


def _midnight(day: date | None) -> datetime | None:
    return datetime.combine(day, time(), tzinfo=UTC) if day else None


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*ANY_ROLE)
def new_article():
    """Ingest an article pasted or uploaded, then show it."""
    form = ArticleForm()
    if form.validate_on_submit():
        try:
            body, fmt = _read_upload(form) if form.file.data else (form.body.data, form.format.data)
            result = article_service.ingest_article(
                db.session,
                get_matcher(),
                title=form.title.data,
                body=body,
                fmt=fmt,
                url=form.url.data,
                outlet=form.outlet.data,
                submitted_by=current_user,
                published_at=_midnight(form.published_on.data),
                is_draft=form.is_draft.data,
                max_chars=current_app.config["MAX_ARTICLE_CHARS"],
            )
        except ServiceError as exc:
            form.body.errors.append(exc.message)
            return _new_page(form=form), exc.status_code
        if not result.created:
            flash("This text was ingested before; here is the existing article.", "info")
        return redirect(url_for("editor.article_detail", article_id=result.article.id))
    status = 422 if form.errors else 200
    return _new_page(form=form), status


def _new_page(**forms: object) -> str:
    forms = {"form": ArticleForm(formdata=None), "url_form": ArticleUrlForm(formdata=None), **forms}
    return render_template("articles/new.html", accept=ACCEPT, **forms)


@bp.post("/fetch")
@roles_required(*ANY_ROLE)
def fetch_article():
    """Queue fetching the article at an address; its page follows the job."""
    form = ArticleUrlForm()
    if not form.validate_on_submit():
        return _new_page(url_form=form), 422
    try:
        url = pages.checked_url(form.page_url.data, get_fetcher())  # refused at once, not later
    except ServiceError as exc:
        form.page_url.errors.append(exc.message)
        return _new_page(url_form=form), exc.status_code
    job = get_engine().enqueue(
        "ingest_url",
        {"url": url, "outlet": form.page_outlet.data or None, "submitted_by_id": current_user.id},
        created_by=current_user,
    )
    return redirect(url_for("editor.fetch_status", job_id=job.id))


OUTCOME_MESSAGES = {
    "unchanged": "This page was ingested before and has not changed; here is the stored article.",
    "revised": "The page changed since it was ingested: its new text is stored as a new revision.",
}


@bp.get("/fetch/<int:job_id>")
@roles_required(*ANY_ROLE)
def fetch_status(job_id: int):
    """Follow a fetch: the article once stored, the error if it failed, else its progress."""
    job = job_service.get_job(db.session, job_id)
    if job.name != "ingest_url" or not job_service.may_see(job, current_user):
        raise NotFound(f"There is no fetch with id {job_id}.")
    if job.status is JobStatus.DONE and job.result and job.result.get("articleId"):
        if job.result.get("outcome") in OUTCOME_MESSAGES:
            flash(OUTCOME_MESSAGES[job.result["outcome"]], "info")
        return redirect(url_for("editor.article_detail", article_id=job.result["articleId"]))
    page = render_template(
        "articles/fetching.html",
        job=job,
        error=job_service.public_error(job),
        refresh_seconds=REFRESH_SECONDS,
        url_form=ArticleUrlForm(formdata=None, page_url=job.args.get("url")),
    )
    if job.status is JobStatus.FAILED:
        return page
    return page, 200, {"Refresh": str(REFRESH_SECONDS)}  # reloads itself, without scripts


REFRESH_SECONDS = 2


@bp.get("/<int:article_id>")
@roles_required(*ANY_ROLE)
def article_detail(article_id: int):
    """Show the article with its claims highlighted, the flagged ones listed beside it."""
    article = article_service.get_article(db.session, article_id, with_claims=True)
    live = [claim for claim in article.claims if not claim.stale]
    flags = article_flags(live, Triage.from_config(current_app.config))
    flags.update({claim.id: claim_flag(claim) for claim in article.claims if claim.stale})
    return render_template(
        "articles/detail.html",
        article=article,
        claims=live,
        flags=flags,
        every_claim=request.args.get("highlight") == "all",
        piece_shown=piece_shown,
        triage_cap=current_app.config["FLAG_UNCHECKED_CAP"],
        stale=[claim for claim in article.claims if claim.stale],
        flagged=flagged_claims(live, flags),
        pieces=highlight_pieces(article.body, live),
        similar=similar_to_claims(
            db.session,
            get_matcher(),
            live,
            k=3,
            exclude=() if article.is_demo else hidden_demo_ids(db.session),
        ),
        piece_flag=piece_flag,
        steps=pipeline_steps(article.language, multilingual=get_matcher().multilingual is not None),
    )
