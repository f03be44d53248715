"""Turn claims, reviews and articles into the JSON clients know (Google Fact Check Tools)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

from flask import current_app

from factcheck.matching.search import SimilarClaim
from factcheck.models import Article, Claim, Review
from factcheck.publishing import claim_review_of, publisher
from factcheck.services.checking import CheckedClaim
from factcheck.services.claimreview import is_own, iso
from factcheck.services.public import verdict_url
from factcheck.verdicts import rating_label


def review_site(review: Review) -> str | None:
    """Return the site (host name) that published REVIEW."""
    if is_own(review):
        return publisher().site
    return urlsplit(review.url).hostname if review.url else None


def _present(fields: dict[str, Any]) -> dict[str, Any]:
    """Return FIELDS without those that have no value (clients expect them left out)."""
    return {key: value for key, value in fields.items() if value is not None}


def claim_review(review: Review) -> dict[str, Any]:
    """Return REVIEW in the claimReview shape of the Fact Check Tools API, plus our fields;
    fields without a value are left out, as Google does."""
    own = is_own(review)
    publisher_name = publisher().name if own else review.publisher
    return _present(
        {
            "publisher": _present({"name": publisher_name, "site": review_site(review)}),
            "url": verdict_url(review.claim) if own or not review.url else review.url,
            "title": review.conclusion or None,
            "reviewDate": iso(review.published_at),
            "textualRating": review.original_rating or rating_label(review.rating),
            "languageCode": review.claim.language,
            "rating": review.rating,
            "reviewId": review.id,
        }
    )


def relation(found: SimilarClaim) -> str:
    """Return how a found claim relates to the query: same, similar, near_miss or related."""
    config = current_app.config
    if found.near_miss and found.similarity >= config["LINK_SUGGEST_THRESHOLD"] - 0.1:
        return "near_miss"
    if found.similarity >= config["LINK_AUTO_THRESHOLD"]:
        return "same"
    return "similar" if found.similarity >= config["LINK_SUGGEST_THRESHOLD"] else "related"


def search_item(found: SimilarClaim) -> dict[str, Any]:
    """Return one entry of claims:search: the Google shape plus id, similarity, match, relation;
    fields without a value are left out."""
    claim, verdict = found.claim, found.claim.verdict
    return _present(
        {
            "text": claim.text,
            "claimant": claim.claimant,
            "claimDate": iso(claim.claim_date),
            "claimReview": [claim_review(verdict)] if verdict else [],
            "id": claim.id,
            "similarity": round(found.similarity, 4),
            "match": None if found.match is None else round(found.match, 4),
            "relation": relation(found),
            "nearMiss": [
                {"kind": d.kind, "query": d.left, "claim": d.right} for d in found.differences
            ],
        }
    )


def _carried(claim: Claim) -> dict[str, Any] | None:
    carried = None if claim.verdict else claim.carried_verdict
    if carried is None:
        return None
    return {
        "claimId": carried.claim_id,
        "rating": carried.rating,
        "claimReview": claim_review(carried),
    }


def claim_detail(claim: Claim) -> dict[str, Any]:
    """Return the full JSON of one claim, its place in its article and its verdict."""
    verdict = claim.verdict
    return {
        "id": claim.id,
        "text": claim.text,
        "claimant": claim.claimant,
        "claimDate": iso(claim.claim_date),
        "status": claim.status.value,
        "origin": claim.origin.value,
        "languageCode": claim.language,
        "checkworthiness": claim.checkworthiness,
        "kind": claim.kind,
        "article": None
        if claim.article_id is None
        else {
            "id": claim.article_id,
            "sentence": claim.sentence,
            "start": claim.start,
            "end": claim.end,
        },
        "rating": verdict.rating if verdict else None,
        "claimReview": [claim_review(verdict)] if verdict else [],
        "carriedVerdict": _carried(claim),
        "createdAt": iso(claim.created_at),
        "updatedAt": iso(claim.updated_at),
    }


def match_items(found: Iterable[SimilarClaim]) -> list[dict[str, Any]]:
    return [search_item(item) for item in found]


def article_summary(article: Article) -> dict[str, Any]:
    """Return an article's details without its text or claims (for lists)."""
    return {
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "outlet": article.outlet,
        "languageCode": article.language,
        "source": None
        if article.source is None
        else {"id": article.source.id, "name": article.source.name},
        "publishedAt": iso(article.published_at),
        "createdAt": iso(article.created_at),
        "revision": article.revision,
    }


def article_detail(article: Article, matches: dict[int, list[SimilarClaim]]) -> dict[str, Any]:
    """Return an article with its claims, each with its best stored matches."""
    return {
        "id": article.id,
        "title": article.title,
        "url": article.url,
        "outlet": article.outlet,
        "author": article.author,
        "publishedAt": iso(article.published_at),
        "languageCode": article.language,
        "createdAt": iso(article.created_at),
        "revision": article.revision,
        "fetchedAt": iso(article.fetched_at),
        "claims": [
            {**claim_detail(claim), "matches": match_items(matches.get(claim.id, []))}
            for claim in article.claims
        ],
    }


def checked_claim(checked: CheckedClaim) -> dict[str, Any]:
    """Return a claim found by POST /check with its matches and the verdict they carry."""
    draft = checked.extracted.draft
    carried = next(
        (m for m in checked.matches if m.claim.verdict is not None and relation(m) == "same"), None
    )
    return {
        "text": draft.text,
        "sentence": draft.sentence,
        "start": draft.start,
        "end": draft.end,
        "checkworthiness": checked.extracted.checkworthiness,
        "kind": draft.kind,
        "verdict": None
        if carried is None
        else {
            "claimId": carried.claim.id,
            "rating": carried.claim.verdict.rating,
            "claimReview": claim_review(carried.claim.verdict),
        },
        "matches": match_items(checked.matches),
    }


def review_detail(review: Review) -> dict[str, Any]:
    """Return a published review: our JSON plus its ClaimReview."""
    return {
        "id": review.id,
        "claimId": review.claim_id,
        "rating": review.rating,
        "textualRating": review.original_rating or rating_label(review.rating),
        "conclusion": review.conclusion,
        "explanation": review.explanation,
        "publishedAt": iso(review.published_at),
        "sources": [
            {
                "url": s.url,
                "title": s.title,
                "publisher": s.publisher,
                "quote": s.quote,
                "stance": s.stance.value,
            }
            for s in review.sources
        ],
        "claimReview": claim_review_of(review),
    }
