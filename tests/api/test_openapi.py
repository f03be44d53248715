"""The OpenAPI document is true: schemathesis fuzzes the live app on a loopback port."""

from __future__ import annotations

import json
import threading

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode, checks
from schemathesis.core.parameters import ParameterLocation
from werkzeug.serving import make_server

from factcheck import create_app
from factcheck.api.openapi import document
from factcheck.extensions import db, get_matcher
from factcheck.models import Article
from factcheck.services.demo import load_samples
from factcheck.services.reviews import SourceInput, record_verdict
from factcheck.services.tokens import create_token
from factcheck.services.users import create_user

# What a careless or hostile client sends that a schema does not generate: each case is sent
# as generated, or with one of these (tests/api/test_malformed.py checks each answer's words).
HOSTILE = ("as generated", "lone surrogate", "deep nesting", "extreme date")
EXTREME_DATES = (
    "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:30:00+01:00",
    "9999-12-31T23:59:59.999999-00:01",
)
DEPTH = 1_000


def fields_of(schema: str) -> list[str]:
    """Return the properties of component SCHEMA (of each alternative, for a oneOf)."""
    found = document()["components"]["schemas"][schema]
    if "oneOf" in found:
        return sorted(
            {
                field
                for choice in found["oneOf"]
                for field in fields_of(choice["$ref"].rsplit("/", 1)[1])
            }
        )
    return sorted(found["properties"])


def make_hostile(case, label: str, kind: str, pick: int) -> None:
    """Change CASE (of operation LABEL) into the KIND of malformed request; PICK chooses."""
    method, path = label.split(" ", 1)
    operation = document()["paths"][path][method.lower()]
    dates = [
        p["name"]
        for p in operation.get("parameters", [])
        if p["schema"].get("format") == "date-time"
    ]
    if kind == "extreme date" and dates:
        case.query = {
            **(case.query or {}),
            dates[pick % len(dates)]: EXTREME_DATES[pick % len(EXTREME_DATES)],
        }
    if kind not in ("lone surrogate", "deep nesting") or "requestBody" not in operation:
        return
    # A field the API reads (it ignores others, whatever they hold).
    schema = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit(
        "/", 1
    )[1]
    fields = fields_of(schema)
    body = case.body if isinstance(case.body, dict) else {}
    key = fields[pick % len(fields)]
    if kind == "lone surrogate":
        value = body.get(key) if isinstance(body.get(key), str) else ""
        cut = pick % (len(value) + 1)
        # JSON escapes it as \ud800 (ensure_ascii): how such a client sends it.
        case.body = json.dumps({**body, key: value[:cut] + "\ud800" + value[cut:]}).encode()
    elif kind == "deep nesting":
        rest = {k: v for k, v in body.items() if k != key}
        case.body = (
            json.dumps(rest)[:-1]
            + (", " if rest else "")
            + f'"{key}": '
            + "[" * DEPTH
            + "]" * DEPTH
            + "}"
        ).encode()


@pytest.fixture(scope="module")
def live_api(tmp_path_factory):
    """A real server on a loopback port with the demo data, a verdict of ours and a write token."""
    path = tmp_path_factory.mktemp("openapi") / "api.sqlite3"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "openapi",
            "API_RATE_LIMIT": "100000/minute",
            "READER_RATE_LIMIT": "100000/minute",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "JOBS_URL": f"sqlite:///{path.with_name('jobs.sqlite3')}",
        }
    )
    with app.app_context():
        db.create_all()
        checker = create_user(
            db.session, email="c@example.org", password="long password", role="checker"
        )
        load_samples(db.session, get_matcher())
        article = db.session.get(Article, 1)
        record_verdict(
            db.session,
            article.claims[0],
            rating="false",
            reviewer=checker,
            conclusion="Checked.",
            publish=True,
            sources=[SourceInput(url="https://stats.example/x")],
        )
        token = create_token(db.session, email="c@example.org", name="fuzz", scope="write").secret
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", token
    server.shutdown()
    thread.join()
    server.server_close()


@pytest.fixture(scope="module")
def api_schema(live_api):
    base, _ = live_api
    return schemathesis.openapi.from_url(f"{base}/api/v1/openapi.json")


# Every operation but the document itself (schemathesis leaves out the schema's own URL).
OPERATIONS = [
    f"{method.upper()} {path}"
    for path, item in document()["paths"].items()
    for method in item
    if path != "/openapi.json"
]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("label", OPERATIONS)
def test_api_matches_its_openapi_document(api_schema, live_api, label, mode):
    """Generated requests (valid, then invalid) never get a 5xx, and answers fit the document."""
    base, token = live_api
    labels = {result.ok().label: result.ok() for result in api_schema.get_all_operations()}
    assert label in labels, sorted(labels)
    operation = labels[label]

    @given(
        case=operation.as_strategy(generation_mode=mode),
        hostile=st.sampled_from(HOSTILE),
        pick=st.integers(min_value=0, max_value=1_000),
    )
    @settings(  # examples per operation and mode: the Hypothesis profile (tests/conftest.py)
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case, hostile: str, pick: int) -> None:
        make_hostile(case, label, hostile, pick)
        # Not checked: that every schema-valid request gets a 2xx. An opaque pageToken, or a
        # text that is only control characters, is valid by the schema and refused by design
        # with a 400/422 that says why (the status codes themselves are checked).
        # A valid token, unless the case is about a wrong or missing Authorization header.
        header = case.meta.components.get(ParameterLocation.HEADER) if case.meta else None
        auth = header is None or header.mode is GenerationMode.POSITIVE
        case.call_and_validate(
            base_url=f"{base}/api/v1",
            headers={"Authorization": f"Bearer {token}"} if auth else None,
            excluded_checks=[checks.positive_data_acceptance],
        )

    check()


def test_the_document_describes_every_api_route(app):
    paths = set(document()["paths"])
    routes = {
        rule.rule.removeprefix("/api/v1")
        .replace("<int:claim_id>", "{claimId}")
        .replace("<int:article_id>", "{articleId}")
        .replace("<int:review_id>", "{reviewId}")
        .replace("<int:job_id>", "{jobId}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
    }
    assert paths == routes


def test_the_document_is_served_to_anyone(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.json["openapi"] == "3.1.0"
    assert response.json["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
