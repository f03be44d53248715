"""Pages for anyone, no login: published verdicts, their index, the sitemap and the feed."""

from __future__ import annotations

import re

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from werkzeug.exceptions import BadRequest, NotFound

from factcheck.extensions import db
from factcheck.publishing import claim_review_of, publisher
from factcheck.services import public
from factcheck.services.claimreview import iso
from factcheck.services.settings import public_base_url
from factcheck.verdicts import SCALE
from factcheck.web.feed import verdict_feed

bp = Blueprint("public", __name__)
# Pages are the same for everyone: caches and browsers may keep them a few minutes.
CACHE_SECONDS = 300


def _cached(response: Response) -> Response:
    response.cache_control.public = True
    response.cache_control.max_age = CACHE_SECONDS
    return response


def _page_arg() -> int:
    raw = request.args.get("page", "1")
    if not re.fullmatch(r"[0-9]{1,6}", raw) or int(raw) < 1:
        raise BadRequest("The page number must be a whole number from 1.")
    return int(raw)


@bp.get("/v/")
def index():
    """List published verdicts, newest first, with search and a rating filter."""
    query = request.args.get("q", "")
    rating = request.args.get("rating") or None
    page = public.list_verdicts(db.session, query=query, rating=rating, page=_page_arg())
    if page.page > 1 and not page.items:
        raise NotFound("This page is past the last page of verdicts.")
    response = Response(
        render_template(
            "public/index.html",
            page=page,
            query=" ".join(query.split()),
            rating=rating,
            scale=SCALE,
            canonical=public.public_url(url_for("public.index")),
        )
    )
    return _cached(response)


@bp.get("/v/<slug>")
def verdict(slug: str):
    """Show one published verdict; any other slug of the same claim redirects to its own."""
    claim_id = public.claim_id_of(slug)
    if claim_id is None:
        raise NotFound("There is no published verdict at this address.")
    claim = public.get_verdict(db.session, claim_id)
    current = public.slug(claim)
    if slug != current:
        return redirect(public.verdict_url(claim), code=301)
    review = claim.verdict
    show_reviewers = bool(current_app.config["PUBLIC_SHOW_REVIEWERS"])
    response = Response(
        render_template(
            "public/verdict.html",
            claim=claim,
            review=review,
            claimreview=claim_review_of(review),
            history=public.published_history(claim),
            corrections=public.corrections(claim),
            reviewers=show_reviewers,
            canonical=public.verdict_url(claim),
            publisher=publisher(),
        )
    )
    return _cached(response)


@bp.get("/v/feed.atom")
def feed():
    """The newest published verdicts as an Atom feed."""
    entries = public.latest_verdicts(db.session)
    body = verdict_feed(entries, publisher=publisher())
    return _cached(Response(body, mimetype="application/atom+xml"))


@bp.get("/sitemap.xml")
def sitemap():
    """Every published verdict's page, for search engines."""
    rows = public.sitemap_rows(db.session)
    base = public_base_url()  # once for the 10,000 links, out of the loop
    pages = [
        (f"{base}{url_for('public.verdict', slug=public.slug_of(claim_id, text))}", iso(published))
        for claim_id, text, published in rows
    ]
    newest = max((published for _, _, published in rows if published), default=None)
    body = render_template(
        "public/sitemap.xml",
        index_url=f"{base}{url_for('public.index')}",
        index_modified=iso(newest),
        pages=pages,
    )
    return _cached(Response(body, mimetype="application/xml"))


@bp.context_processor
def _names() -> dict[str, object]:
    return {"publisher_name": publisher().name, "public_slug": public.slug}
