"""Editor pages for drafts: edit an article's text and re-submit it as its next revision."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from factcheck.extensions import db, get_matcher
from factcheck.models import Role
from factcheck.services import articles as article_service
from factcheck.services.errors import ServiceError
from factcheck.services.revisions import revise_article
from factcheck.web.editor import bp
from factcheck.web.forms import RevisionForm
from factcheck.web.permissions import ANY_ROLE, roles_required


@bp.route("/<int:article_id>/edit", methods=["GET", "POST"])
@roles_required(Role.EDITOR)
def edit_article(article_id: int):
    """Edit the article's text; re-submitting stores a revision and checks it again."""
    article = article_service.get_article(db.session, article_id, with_claims=True)
    form = RevisionForm(obj=article, base_revision=str(article.revision))
    if form.validate_on_submit():
        try:
            result = revise_article(
                db.session,
                get_matcher(),
                article,
                body=form.body.data,
                editor=current_user,
                base_revision=int(form.base_revision.data),
                title=form.title.data,
                is_draft=form.is_draft.data,
                max_chars=current_app.config["MAX_ARTICLE_CHARS"],
            )
        except ServiceError as exc:
            form.body.errors.append(exc.message)
            return render_template(
                "articles/edit.html", article=article, form=form
            ), exc.status_code
        if result.changed:
            flash(
                f"Revision {article.revision} stored: {_claims(result.kept)} unchanged (their "
                f"verdicts kept), {result.added} new, {result.stale} stale.",
                "success",
            )
        else:
            flash("The text is unchanged; nothing to check again.", "info")
        return redirect(url_for("editor.article_detail", article_id=article.id))
    status = 422 if form.errors else 200
    return render_template("articles/edit.html", article=article, form=form), status


def _claims(count: int) -> str:
    return f"{count} claim" if count == 1 else f"{count} claims"


@bp.get("/<int:article_id>/revisions/<int:number>")
@roles_required(*ANY_ROLE)
def article_revision(article_id: int, number: int):
    """Show an earlier text of the article."""
    article = article_service.get_article(db.session, article_id)
    revision = next((r for r in article.revisions if r.number == number), None)
    if revision is None:
        abort(404, description=f"Article {article_id} has no earlier revision {number}.")
    return render_template("articles/revision.html", article=article, revision=revision)
