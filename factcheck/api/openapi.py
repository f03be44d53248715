"""The OpenAPI 3.1 description of /api/v1, served at /api/v1/openapi.json."""

from __future__ import annotations

from functools import cache
from typing import Any

from flask import jsonify

from factcheck.api import bp
from factcheck.api.pagination import MAX_PAGE_SIZE
from factcheck.models import MAX_ID, ClaimStatus, Stance
from factcheck.verdicts import RATINGS


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(kind: str, **extra: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], **extra}


def _object(properties: dict[str, Any], required: list[str] | None = None) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
    }


STRING, INTEGER, NUMBER = {"type": "string"}, {"type": "integer"}, {"type": "number"}
RELATION = {"type": "string", "enum": ["same", "similar", "near_miss", "related"]}

SCHEMAS: dict[str, Any] = {
    "Error": _object({"error": _object({"code": STRING, "message": STRING})}),
    "Publisher": _object({"name": STRING, "site": STRING}, required=[]),
    "ClaimReviewSummary": _object(
        {
            "publisher": _ref("Publisher"),
            "url": {
                **STRING,
                "description": "Where the verdict is published: our public verdict page "
                "(/v/...), or another desk's page for an imported verdict.",
            },
            "title": {**STRING, "description": "The verdict's one-line conclusion."},
            "reviewDate": {"type": "string", "format": "date-time"},
            "textualRating": STRING,
            "languageCode": STRING,
            "rating": {"type": "string", "enum": list(RATINGS)},
            "reviewId": INTEGER,
        },
        required=["publisher", "url", "textualRating", "languageCode", "rating", "reviewId"],
    ),
    "NearMiss": _object({"kind": STRING, "query": STRING, "claim": STRING}),
    "SearchClaim": _object(
        {
            "text": STRING,
            "claimant": STRING,
            "claimDate": {"type": "string", "format": "date"},
            "claimReview": {"type": "array", "items": _ref("ClaimReviewSummary")},
            "id": INTEGER,
            "similarity": NUMBER,
            "match": {
                "type": "number",
                "minimum": 0,
                "maximum": 1,
                "description": (
                    "The re-ranker's calibrated probability that this is the query's claim: "
                    "results are ordered by it. Left out when the claim was not re-ranked."
                ),
            },
            "relation": RELATION,
            "nearMiss": {"type": "array", "items": _ref("NearMiss")},
        },
        required=["text", "claimReview", "id", "similarity", "relation", "nearMiss"],
    ),
    "SearchResponse": _object(
        {"claims": {"type": "array", "items": _ref("SearchClaim")}, "nextPageToken": STRING},
        required=["claims"],
    ),
    "CarriedVerdict": _object(
        {"claimId": INTEGER, "rating": STRING, "claimReview": _ref("ClaimReviewSummary")}
    ),
    "Claim": _object(
        {
            "id": INTEGER,
            "text": STRING,
            "claimant": _nullable("string"),
            "claimDate": _nullable("string", format="date"),
            "status": {"type": "string", "enum": [s.value for s in ClaimStatus]},
            "origin": STRING,
            "languageCode": STRING,
            "checkworthiness": _nullable("number"),
            "kind": _nullable("string"),
            "article": {
                "oneOf": [
                    {"type": "null"},
                    _object(
                        {
                            "id": INTEGER,
                            "sentence": _nullable("string"),
                            "start": _nullable("integer"),
                            "end": _nullable("integer"),
                        }
                    ),
                ]
            },
            "rating": _nullable("string"),
            "claimReview": {"type": "array", "items": _ref("ClaimReviewSummary")},
            "carriedVerdict": {"oneOf": [{"type": "null"}, _ref("CarriedVerdict")]},
            "createdAt": STRING,
            "updatedAt": STRING,
        }
    ),
    "ClaimList": _object(
        {"claims": {"type": "array", "items": _ref("Claim")}, "nextPageToken": STRING},
        required=["claims"],
    ),
    "ArticleClaim": {
        "allOf": [
            _ref("Claim"),
            _object({"matches": {"type": "array", "items": _ref("SearchClaim")}}),
        ]
    },
    "Article": _object(
        {
            "id": INTEGER,
            "title": STRING,
            "url": _nullable("string"),
            "outlet": _nullable("string"),
            "author": _nullable("string"),
            "publishedAt": _nullable("string"),
            "languageCode": STRING,
            "createdAt": STRING,
            "revision": {"type": "integer", "minimum": 1},
            "fetchedAt": _nullable("string", format="date-time"),
            "claims": {"type": "array", "items": _ref("ArticleClaim")},
        }
    ),
    "ArticleInput": {"oneOf": [_ref("ArticleTextInput"), _ref("ArticleUrlInput")]},
    "ArticleUrlInput": {
        **_object(
            {
                "url": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 2000,
                    "pattern": "^https?://",
                    "description": "The page to fetch: its main text, title, author, date and "
                    "language come from it. A URL stored before gives the stored "
                    "article (a new revision when the page's text changed).",
                },
                "title": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 500,
                    "description": "Instead of the page's title.",
                },
                "outlet": {
                    "type": "string",
                    "maxLength": 200,
                    "description": "Instead of the site's name.",
                },
            },
            required=["url"],
        ),
        "additionalProperties": False,
    },
    "ArticleTextInput": {
        **_object(
            {
                "title": {
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 500,
                    "description": "Must contain a visible character.",
                },
                "body": {
                    "type": "string",
                    "minLength": 1,
                    "description": "The article text (plain text, Markdown or HTML, see format): "
                    "at most MAX_ARTICLE_CHARS characters once cleaned (50,000 by "
                    "default), or 413.",
                },
                # Optional fields may be null, which means the same as leaving them out.
                "url": _nullable("string", format="uri", pattern="^https?://"),
                "outlet": _nullable("string", maxLength=200),
                "author": _nullable("string", maxLength=200),
                "format": {"enum": ["text", "markdown", "html", None]},
                "publishedAt": _nullable("string", format="date"),
                "languageCode": _nullable(
                    "string",
                    maxLength=40,
                    pattern="^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$",
                    description="The article's language (BCP-47, e.g. ru); detected when "
                    "not given.",
                ),
            },
            required=["title", "body"],
        ),
        "description": "Text fields must be valid Unicode (no unpaired surrogates such as "
        "\\ud800); the object must be flat.",
    },
    "ArticleSummary": _object(
        {
            "id": INTEGER,
            "title": STRING,
            "url": _nullable("string"),
            "outlet": _nullable("string"),
            "languageCode": STRING,
            "source": {"oneOf": [{"type": "null"}, _object({"id": INTEGER, "name": STRING})]},
            "publishedAt": _nullable("string"),
            "createdAt": STRING,
            "revision": INTEGER,
        }
    ),
    "ArticleList": _object(
        {"articles": {"type": "array", "items": _ref("ArticleSummary")}, "nextPageToken": STRING},
        required=["articles"],
    ),
    "Alert": _object(
        {
            "id": INTEGER,
            "state": {"type": "string", "enum": ["open", "confirmed", "dismissed"]},
            "createdAt": STRING,
            "similarity": NUMBER,
            "automatic": {"type": "boolean"},
            "claim": _object(
                {
                    "id": INTEGER,
                    "text": STRING,
                    "sentence": _nullable("string"),
                    "article": {
                        "oneOf": [
                            {"type": "null"},
                            _object(
                                {
                                    "id": INTEGER,
                                    "title": STRING,
                                    "url": _nullable("string"),
                                    "outlet": _nullable("string"),
                                    "publishedAt": _nullable("string"),
                                }
                            ),
                        ]
                    },
                }
            ),
            "earlier": _object(
                {
                    "claimId": INTEGER,
                    "text": STRING,
                    "claimReview": {"oneOf": [{"type": "null"}, _ref("ClaimReviewSummary")]},
                }
            ),
            "outletsThisWeek": INTEGER,
        }
    ),
    "AlertList": _object(
        {"alerts": {"type": "array", "items": _ref("Alert")}, "nextPageToken": STRING},
        required=["alerts"],
    ),
    "Job": _object(
        {
            "id": INTEGER,
            "kind": STRING,
            "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
            "attempts": INTEGER,
            "maxAttempts": INTEGER,
            "error": _nullable("string", description="Why the last attempt failed."),
            "createdAt": STRING,
            "startedAt": _nullable("string"),
            "finishedAt": _nullable("string"),
            "outcome": {
                "type": ["string", "null"],
                "enum": ["created", "unchanged", "revised", None],
            },
            "article": {"oneOf": [{"type": "null"}, _object({"id": INTEGER, "url": STRING})]},
        }
    ),
    "CheckInput": {
        **_object(
            {
                "text": {"type": "string", "minLength": 1},
                "format": {"enum": ["text", "markdown", "html", None]},
            },
            required=["text"],
        ),
        "description": "text must be valid Unicode (no unpaired surrogates).",
    },
    "ReaderRequestInput": {
        **_object(
            {
                "text": {"type": "string", "maxLength": 100_000},
                "url": {"type": "string", "maxLength": 2000},
                "note": {"type": "string", "maxLength": 100_000},
                "email": {"type": "string", "maxLength": 254},
            }
        ),
        "description": "A reader's request: the claim's text, the web address where it was "
        "seen, or both; an optional note; an optional email address to be told the verdict "
        "once (refused with 422 when the desk sends no email). Text is limited to "
        "READER_MAX_TEXT_CHARS (1,000), the note to READER_MAX_NOTE_CHARS (2,000).",
    },
    "ReaderRequest": _object(
        {
            "status": {"enum": ["answered", "received"]},
            "statusUrl": STRING,
            "emailKept": {"type": "boolean"},
            "verdict": _object(
                {
                    "claim": STRING,
                    "rating": STRING,
                    "textualRating": STRING,
                    "conclusion": STRING,
                    "url": STRING,
                },
                required=["claim", "rating", "textualRating", "conclusion", "url"],
            ),
        },
        required=["status", "statusUrl", "emailKept"],
    ),
    "CheckedClaim": _object(
        {
            "text": STRING,
            "sentence": STRING,
            "start": INTEGER,
            "end": INTEGER,
            "checkworthiness": NUMBER,
            "kind": STRING,
            "verdict": {"oneOf": [{"type": "null"}, _ref("CarriedVerdict")]},
            "matches": {"type": "array", "items": _ref("SearchClaim")},
        }
    ),
    "CheckResponse": _object({"claims": {"type": "array", "items": _ref("CheckedClaim")}}),
    "Rating": _object(
        {
            "@type": {"const": "Rating"},
            "alternateName": STRING,
            "ratingValue": {"type": "integer", "minimum": 1, "maximum": 5},
            "bestRating": {"const": 5},
            "worstRating": {"const": 1},
        },
        required=["@type", "alternateName"],
    ),
    "ClaimReview": _object(
        {
            "@context": {"const": "https://schema.org"},
            "@type": {"const": "ClaimReview"},
            "url": STRING,
            "claimReviewed": STRING,
            "reviewRating": _ref("Rating"),
            "itemReviewed": _object(
                {
                    "@type": {"const": "Claim"},
                    "author": {
                        **_object({"@type": {"enum": ["Person", "Organization"]}, "name": STRING}),
                        "description": "Who made the claim: the claimant (Person), else the "
                        "outlet whose article made it (Organization). Left out when neither "
                        "is known.",
                    },
                    "datePublished": {"type": "string", "format": "date"},
                    "appearance": {"type": "array", "items": {"type": "object"}},
                    "firstAppearance": {"type": "object"},
                },
                required=["@type"],
            ),
            "author": _object(
                {"@type": {"const": "Organization"}, "name": STRING}, required=["@type", "name"]
            ),
            "datePublished": {"type": "string", "format": "date"},
            "dateModified": {"type": "string", "format": "date-time"},
            "name": STRING,
        },
        required=[
            "@context",
            "@type",
            "url",
            "claimReviewed",
            "reviewRating",
            "itemReviewed",
            "author",
        ],
    ),
    "Source": _object(
        {
            "url": STRING,
            "title": STRING,
            "publisher": STRING,
            "quote": STRING,
            "stance": {"type": "string", "enum": [s.value for s in Stance]},
        }
    ),
    "Review": _object(
        {
            "id": INTEGER,
            "claimId": INTEGER,
            "rating": STRING,
            "textualRating": STRING,
            "conclusion": STRING,
            "explanation": STRING,
            "publishedAt": _nullable("string", format="date-time"),
            "sources": {"type": "array", "items": _ref("Source")},
            "claimReview": _ref("ClaimReview"),
        }
    ),
    "ClaimReviewFeed": _object(
        {
            "@context": {"const": "https://schema.org"},
            "@type": {"const": "DataFeed"},
            "dateModified": {"type": "string", "format": "date-time"},
            "dataFeedElement": {"type": "array", "items": _ref("ClaimReview")},
            "nextPageToken": STRING,
        },
        required=["@context", "@type", "dataFeedElement"],
    ),
}

ERRORS = {
    "400": "Bad argument (the message says which and why).",
    "401": "No token, a malformed Authorization header, or an unknown or revoked token.",
    "403": "The token's scope does not allow this.",
    "404": "No such resource.",
    "413": "The request body is too large.",
    "414": "The URL is longer than API_MAX_URL_CHARS (8,000 characters by default): a long "
    "query of non-ASCII text, percent-encoded, can reach it.",
    "415": "The body is not JSON.",
    "422": "The input is well-formed but unusable (the message says why).",
    "429": "Too many requests for this token: see Retry-After.",
    "503": "The database cannot be written (read-only, or its disk is full): nothing was saved.",
}


def _param(
    name: str, schema: dict, description: str, where: str = "query", required: bool = False
) -> dict[str, Any]:
    return {
        "name": name,
        "in": where,
        "required": required or where == "path",
        "schema": schema,
        "description": description,
    }


PAGE = [
    _param(
        "pageSize",
        {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": 10},
        "Results per page.",
    ),
    _param(
        "pageToken",
        {"type": "string"},
        "The nextPageToken of the previous page (opaque), with the same arguments.",
    ),
]


def _operation(
    summary: str,
    schema: str,
    *,
    params: list | None = None,
    codes: str = "",
    body: str | None = None,
    media: str = "application/json",
    ok: str = "200",
    extra_media: str | None = None,
) -> dict[str, Any]:
    content = {media: {"schema": _ref(schema)}}
    if extra_media:
        content[extra_media] = {"schema": _ref("ClaimReview")}
    accepted = {
        "202": {
            "description": "Accepted: the work goes on in the background; follow "
            "the job at the Location header.",
            "headers": {"Location": {"schema": STRING}},
            "content": {"application/json": {"schema": _ref("Job")}},
        }
    }
    operation: dict[str, Any] = {
        "summary": summary,
        "parameters": params or [],
        "responses": {
            **{
                status: {"description": "OK", "content": content}
                for status in ok.split()
                if status != "202"
            },
            **(accepted if "202" in ok.split() else {}),
            **{
                code: {
                    "description": ERRORS[code],
                    "content": {"application/json": {"schema": _ref("Error")}},
                }
                for code in ["401", "414", "429", *codes.split()]
            },
        },
    }
    if body:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": _ref(body)}},
        }
    return operation


def _reader_request_operation() -> dict[str, Any]:
    """POST /requests: open to anyone (no token), limited per client address."""
    operation = _operation(
        "Send a reader's claim to the desk (no token); it is matched at once: a published "
        "verdict that matches comes back, else the request joins the desk's queue. Limited "
        "per client address (READER_RATE_LIMIT, shared with the /ask form).",
        "ReaderRequest",
        body="ReaderRequestInput",
        ok="201",
        codes="400 413 415 422 503",
    )
    operation["security"] = []
    del operation["responses"]["401"]
    operation["responses"]["201"]["headers"] = {"Location": {"schema": STRING}}
    return operation


def document() -> dict[str, Any]:
    """Return the OpenAPI 3.1 document of the API."""
    key = {"type": "integer", "minimum": 1, "maximum": MAX_ID}  # larger ids: 404
    claim_id = _param("claimId", key, "A claim's id.", "path")
    article_id = _param("articleId", key, "An article's id.", "path")
    review_id = _param("reviewId", key, "A review's id.", "path")
    job_id = _param("jobId", key, "A job's id.", "path")
    search_params = [
        _param(
            "query",
            {"type": "string", "minLength": 1, "maxLength": 2000, "pattern": r"\S"},
            "Free text: the claim to look for.",
            required=True,
        ),
        _param(
            "languageCode",
            {"type": "string", "pattern": "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})?$"},
            "Only claims in this language (BCP-47, e.g. en).",
        ),
        _param(
            "maxAgeDays",
            {"type": "integer", "minimum": 1, "maximum": 100000},
            "Only claims whose claim date or review date is this recent.",
        ),
        _param(
            "reviewPublisherSiteFilter",
            {"type": "string"},
            "Only claims reviewed by this site (e.g. factcheck.example).",
        ),
        _param(
            "claimant",
            {"type": "string", "maxLength": 200},
            "Who made the claim, when known: helps rank claims that read alike.",
        ),
        _param(
            "claimDate",
            {"type": "string", "format": "date"},
            "When the claim was made (YYYY-MM-DD), when known: helps rank likewise.",
        ),
        _param(
            "include",
            {"type": "string", "enum": ["unreviewed"]},
            "unreviewed: claims without a verdict too (by default only claims with a "
            "claimReview, as Google's API answers).",
        ),
        _param(
            "offset",
            {"type": "integer", "minimum": 0, "maximum": 99},
            "Where the page starts among the results (Google's offset); used only without "
            "pageToken.",
        ),
        *PAGE,
    ]
    list_params = [
        _param(
            "status",
            {"type": "string", "enum": [s.value for s in ClaimStatus]},
            "Only claims in this status.",
        ),
        _param(
            "rating",
            {"type": "string", "enum": list(RATINGS)},
            "Only claims whose current verdict has this rating.",
        ),
        _param("articleId", key, "Only claims of this article."),
        _param(
            "updatedSince",
            {"type": "string", "format": "date-time"},
            "Only claims changed or reviewed since (ISO 8601 date or date-time, within "
            "0001-01-01 and 9999-12-31 in UTC).",
        ),
        *PAGE,
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "factcheck API",
            "version": "1.0.0",
            "description": "Verdicts on claims, in the shapes fact-checking clients know: "
            "Google Fact Check Tools claims:search and schema.org "
            'ClaimReview. Errors are always {"error": {"code", '
            '"message"}}.',
        },
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": SCHEMAS,
        },
        "paths": {
            "/claims:search": {
                "get": _operation(
                    "Search stored claims by meaning (Google Fact Check Tools shape).",
                    "SearchResponse",
                    params=search_params,
                    codes="400 422",
                )
            },
            "/claims": {
                "get": _operation(
                    "List claims by filter, oldest id first.",
                    "ClaimList",
                    params=list_params,
                    codes="400",
                )
            },
            "/claims/{claimId}": {
                "get": _operation(
                    "One claim with its verdict.", "Claim", params=[claim_id], codes="404"
                )
            },
            "/articles": {
                "get": _operation(
                    "List stored articles by id, oldest first (createdAt: when ingested).",
                    "ArticleList",
                    codes="400",
                    params=[
                        _param(
                            "sourceId",
                            {"type": "integer", "minimum": 1},
                            "Only articles from this monitored source.",
                        ),
                        *PAGE,
                    ],
                ),
                "post": _operation(
                    "Submit an article: its claims with their best matches and carried "
                    "verdicts, 201 when stored, 200 when the same text was stored before. An "
                    "article by URL, or a text longer than the API's synchronous limit, is "
                    "stored in the background: 202 with the job (GET /jobs/{jobId}); an address "
                    "stored before gives the stored article, a new revision if the page changed.",
                    "Article",
                    body="ArticleInput",
                    ok="201 200 202",
                    codes="400 403 413 415 422 503",
                ),
            },
            "/alerts": {
                "get": _operation(
                    "Alerts on repeats, newest first: a newly ingested claim matching a claim "
                    "with a published verdict (also sent to webhooks as claim.repeated).",
                    "AlertList",
                    codes="400",
                    params=[
                        _param(
                            "state",
                            {"type": "string", "enum": ["open", "confirmed", "dismissed"]},
                            "Only alerts in this state.",
                        ),
                        *PAGE,
                    ],
                )
            },
            "/jobs/{jobId}": {
                "get": _operation(
                    "A background job this token's user started: its status, and the article "
                    "once stored.",
                    "Job",
                    params=[job_id],
                    codes="404",
                )
            },
            "/articles/{articleId}": {
                "get": _operation(
                    "An article with its claims, verdicts and matches.",
                    "Article",
                    params=[article_id],
                    codes="404",
                )
            },
            "/check": {
                "post": _operation(
                    "Claims found in a text with matching verdicts; nothing is stored.",
                    "CheckResponse",
                    body="CheckInput",
                    codes="400 413 415 422",
                )
            },
            "/requests": {"post": _reader_request_operation()},
            "/reviews/{reviewId}": {
                "get": _operation(
                    "A published review; ClaimReview JSON-LD with Accept: application/ld+json.",
                    "Review",
                    params=[review_id],
                    codes="404",
                    extra_media="application/ld+json",
                )
            },
            "/claimreview": {
                "get": _operation(
                    "Our published verdicts as a ClaimReview DataFeed, by dateModified.",
                    "ClaimReviewFeed",
                    media="application/ld+json",
                    codes="400",
                    params=[
                        _param(
                            "since",
                            {"type": "string", "format": "date-time"},
                            "Only verdicts published or corrected since then (within "
                            "0001-01-01 and 9999-12-31 in UTC).",
                        ),
                        *PAGE,
                    ],
                )
            },
            "/openapi.json": {
                "get": {
                    "summary": "This document.",
                    "security": [],
                    "responses": {
                        "200": {
                            "description": "OK",
                            "content": {"application/json": {"schema": {"type": "object"}}},
                        }
                    },
                }
            },
        },
    }


_PATH_PARAMS = {
    "<int:claim_id>": "{claimId}",
    "<int:article_id>": "{articleId}",
    "<int:review_id>": "{reviewId}",
    "<int:job_id>": "{jobId}",
}


def document_path(rule: str) -> str:
    """Return the document's path for the Flask URL RULE of an API route."""
    path = rule.removeprefix(bp.url_prefix or "")
    for converter, name in _PATH_PARAMS.items():
        path = path.replace(converter, name)
    return path


@cache
def query_parameters(rule: str, method: str) -> frozenset[str] | None:
    """Return the query parameters the document gives RULE and METHOD (None: not described)."""
    operation = document()["paths"].get(document_path(rule), {}).get(method.lower())
    if operation is None:
        return None
    return frozenset(p["name"] for p in operation.get("parameters", []) if p["in"] == "query")


@bp.get("/openapi.json")
def openapi_document():
    """Return the OpenAPI document (open to everyone: it describes, it does not disclose)."""
    return jsonify(document())
