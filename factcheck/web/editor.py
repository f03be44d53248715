"""Editor pages: ingest articles and read them with every claim highlighted in place."""

from __future__ import annotations

from datetime import date, datetime, time, timezone

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from factcheck.extensions import db, get_fetcher, get_matcher
from factcheck.services import articles as article_service
from factcheck.services import pages
from factcheck.services.errors import InvalidInput, ServiceError
from factcheck.services.links import Thresholds
from factcheck.matching.search import similar_to_claims
from factcheck.web.forms import ArticleForm, ArticleUrlForm
from factcheck.web.highlight import claim_flag, flagged_claims, highlight_pieces, piece_flag
from factcheck.web.permissions import ANY_ROLE, roles_required

bp = Blueprint("editor", __name__, url_prefix="/articles")
ACCEPT = ",".join(article_service.FORMAT_BY_SUFFIX)  # the file types the upload takes


@bp.get("/")
@roles_required(*ANY_ROLE)
def articles():  # noqa: ANN201
    """List the most recent articles."""
    return render_template("articles/list.html",
                           articles=article_service.list_articles(db.session))


def _read_upload(form: ArticleForm) -> tuple[str, str]:
    """Return (text, format) of the uploaded file, or raise InvalidInput saying what is wrong."""
    upload = form.file.data
    limit = current_app.config["MAX_UPLOAD_BYTES"]
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(f"The file is larger than {limit // (1024 * 1024)} MB.")
    return article_service.read_document(data, upload.filename or "")


def _midnight(day: date | None) -> datetime | None:
    return datetime.combine(day, time(), tzinfo=timezone.utc) if day else None


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*ANY_ROLE)
def new_article():  # noqa: ANN201
    """Ingest an article pasted or uploaded, then show it."""
    form = ArticleForm()
    if form.validate_on_submit():
        try:
            body, fmt = _read_upload(form) if form.file.data else (form.body.data, form.format.data)
            result = article_service.ingest_article(
                db.session, get_matcher(), title=form.title.data, body=body, fmt=fmt,
                url=form.url.data, outlet=form.outlet.data, submitted_by=current_user,
                published_at=_midnight(form.published_on.data), is_draft=form.is_draft.data,
                thresholds=Thresholds.from_config(current_app.config),
                max_chars=current_app.config["MAX_ARTICLE_CHARS"])
        except ServiceError as exc:
            db.session.rollback()
            form.body.errors.append(exc.message)
            return _new_page(form=form), exc.status_code
        if not result.created:
            flash("This text was ingested before; here is the existing article.", "info")
        return redirect(url_for("editor.article_detail", article_id=result.article.id))
    status = 422 if form.errors else 200
    return _new_page(form=form), status


def _new_page(**forms: object) -> str:
    forms = {"form": ArticleForm(formdata=None), "url_form": ArticleUrlForm(formdata=None),
             **forms}
    return render_template("articles/new.html", accept=ACCEPT, **forms)


@bp.post("/fetch")
@roles_required(*ANY_ROLE)
def fetch_article():  # noqa: ANN201
    """Fetch the article at an address, ingest it (or its new revision), then show it."""
    form = ArticleUrlForm()
    if not form.validate_on_submit():
        return _new_page(url_form=form), 422
    try:
        result = pages.ingest_url(
            db.session, get_matcher(), get_fetcher(), form.page_url.data,
            outlet=form.page_outlet.data or None, submitted_by=current_user,
            thresholds=Thresholds.from_config(current_app.config),
            max_chars=current_app.config["MAX_ARTICLE_CHARS"])
    except ServiceError as exc:
        db.session.rollback()
        form.page_url.errors.append(exc.message)
        return _new_page(url_form=form), exc.status_code
    messages = {"unchanged": "This page was ingested before and has not changed; here is the "
                             "stored article.",
                "revised": "The page changed since it was ingested: its new text is stored as "
                           f"revision {result.article.revision}."}
    if result.outcome in messages:
        flash(messages[result.outcome], "info")
    return redirect(url_for("editor.article_detail", article_id=result.article.id))


@bp.get("/<int:article_id>")
@roles_required(*ANY_ROLE)
def article_detail(article_id: int):  # noqa: ANN201
    """Show the article with its claims highlighted, the flagged ones listed beside it."""
    article = article_service.get_article(db.session, article_id, with_claims=True)
    live = [claim for claim in article.claims if not claim.stale]
    flags = {claim.id: claim_flag(claim) for claim in article.claims}
    return render_template(
        "articles/detail.html", article=article, claims=live, flags=flags,
        stale=[claim for claim in article.claims if claim.stale],
        flagged=flagged_claims(live, flags), pieces=highlight_pieces(article.body, live),
        similar=similar_to_claims(db.session, get_matcher(), live, k=3), piece_flag=piece_flag)
