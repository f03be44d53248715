"""Background jobs the API started (a long article, an article by URL): their status."""

from __future__ import annotations

from typing import Any

from flask import jsonify, url_for

from factcheck.api import bp
from factcheck.api.auth import current_token, scope_required
from factcheck.extensions import db
from factcheck.models import Job, TokenScope
from factcheck.services import jobs as job_service
from factcheck.services.claimreview import iso
from factcheck.services.errors import NotFound


def job_json(job: Job) -> dict[str, Any]:
    """Return what a client sees of JOB: its state, and the article once it is stored."""
    result = job.result or {}
    error = job_service.public_error(job)
    article_id = result.get("articleId")
    return {
        "id": job.id,
        "kind": job.name,
        "status": job.status.value,
        "attempts": job.attempts,
        "maxAttempts": job.max_attempts,
        "error": error,
        "createdAt": iso(job.created_at),
        "startedAt": iso(job.started_at),
        "finishedAt": iso(job.finished_at),
        "outcome": result.get("outcome"),
        "article": None
        if article_id is None
        else {"id": article_id, "url": url_for("api.get_article", article_id=article_id)},
    }


def accepted(job: Job):
    """Answer 202 with JOB and where to follow it."""
    location = url_for("api.get_job", job_id=job.id)
    return jsonify(job_json(job)), 202, {"Location": location}


@bp.get("/jobs/<int:job_id>")
@scope_required(TokenScope.READ)
def get_job(job_id: int):
    """Return a job this token's user started (admins see every job)."""
    job = job_service.get_job(db.session, job_id)
    user = current_token().user
    if not job_service.may_see(job, user):
        raise NotFound(f"There is no job with id {job_id}.")
    return jsonify(job_json(job))
