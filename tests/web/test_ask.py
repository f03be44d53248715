"""Readers send claims on /ask: no login, CSRF, a spam guard without CAPTCHA, a private page."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest

from factcheck.extensions import db
from factcheck.jobs import forget_reader_emails
from factcheck.models import Claim, Origin, ReaderRequest, utcnow
from factcheck.publishing import stop_token
from factcheck.services.articles import ingest_article
from factcheck.services.reviews import SourceInput, record_verdict
from factcheck.services.users import create_user
from factcheck.web.readers import started_token
from tests.conftest import PASSWORD, csrf_token, make_app

FARES = "Bus fares rose 12 percent in 2024."


@pytest.fixture
def reader_app(tmp_path):
    """An app with CSRF on, as readers get it, and an SMTP host so the email field shows."""
    app = make_app(
        tmp_path,
        WTF_CSRF_ENABLED=True,
        SMTP_HOST="127.0.0.1",
        READER_RATE_LIMIT="100 per minute",
    )
    with app.app_context():
        yield app
        db.session.remove()


@pytest.fixture
def reader(reader_app):
    return reader_app.test_client()


def form_data(client, **fields) -> dict[str, str]:
    """The /ask form as a person sends it: CSRF token, a start time 10 s ago, empty honeypot."""
    page = client.get("/ask").text
    data = {"csrf_token": csrf_token(page), "started": started_token(time.time() - 10)}
    data.update({"claim": "", "url": "", "note": "", "email": "", "website": ""})
    data.update(fields)
    return data


@pytest.fixture
def published(reader_app):
    checker = create_user(db.session, email="c@example.org", password=PASSWORD, role="checker")
    article = ingest_article(
        db.session,
        reader_app.extensions["factcheck.matcher"],
        title="Budget",
        body=f"{FARES} The library budget was cut by 30 percent.",
        submitted_by=checker,
    ).article
    claim = article.claims[0]
    record_verdict(
        db.session,
        claim,
        rating="false",
        reviewer=checker,
        publish=True,
        conclusion="Fares rose 3 percent.",
        sources=[SourceInput(url="https://stats.example/fares")],
    )
    return claim


def test_the_form_is_public_and_asks_for_what_it_needs(reader):
    page = reader.get("/ask")
    assert page.status_code == 200
    for label in ("The claim you saw", "Where you saw it", "Your email"):
        assert label in page.text
    assert 'name="csrf_token"' in page.text and 'name="started"' in page.text
    assert 'class="hp" aria-hidden="true"' in page.text and 'tabindex="-1"' in page.text


def test_no_email_field_without_an_smtp_server(tmp_path):
    app = make_app(tmp_path)
    assert 'name="email"' not in app.test_client().get("/ask").text


def test_a_new_claim_joins_the_desk_and_the_reader_gets_a_private_page(reader):
    response = reader.post(
        "/ask",
        data=form_data(
            reader,
            claim="The mayor  said crime fell by half since 2020.",
            url="https://social.example/post/1",
            note="Shared widely in my town.",
            email="reader@example.org",
        ),
    )
    assert response.status_code == 302
    status_url = response.location
    assert re.fullmatch(r"/ask/r/[A-Za-z0-9_-]{32}", status_url)
    page = reader.get(status_url).text
    assert "Thank you: your request reached the desk." in page
    assert "Waiting for the desk" in page and "You are the first to ask" in page
    assert "The mayor said crime fell by half since 2020." in page
    assert "reader@example.org" not in page  # never shown, even on the private page
    request = db.session.scalars(db.select(ReaderRequest)).one()
    assert request.email == "reader@example.org" and request.token_hash not in status_url
    assert request.claim.origin is Origin.READER and request.claim.embedding is not None


def test_a_claim_with_a_published_verdict_is_answered_at_once(reader, published):
    response = reader.post("/ask", data=form_data(reader, claim=FARES, email="r@example.org"))
    page = reader.get(response.location).text
    assert "Checked: False" in page and "Fares rose 3 percent." in page
    assert re.search(rf'href="[^"]*/v/{published.id}(-[^"]*)?"', page)  # its public page
    request = db.session.scalars(db.select(ReaderRequest)).one()
    # Told on the spot: the address is not kept.
    assert request.claim_id == published.id and request.answered_at and request.email is None


def test_the_same_claim_twice_is_one_group(reader):
    first = reader.post("/ask", data=form_data(reader, claim="Crime fell by half in Riverton."))
    second = reader.post("/ask", data=form_data(reader, claim="Crime fell by half in Riverton."))
    assert first.status_code == second.status_code == 302
    requests = db.session.scalars(db.select(ReaderRequest)).all()
    assert len({r.claim_id for r in requests}) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(Claim)) == 1
    assert "2 readers asked about this claim." in reader.get(second.location).text


@pytest.mark.parametrize(
    ("fields", "status", "message"),
    [
        ({"website": "http://spam.example"}, 400, "a field filled that people leave empty"),
        ({"started": "forged"}, 400, "The form was changed or is incomplete"),
        ({"claim": "", "url": ""}, 422, "Tell us the claim, or the address"),
        ({"url": "javascript:alert(1)"}, 422, "Please correct the fields"),
        ({"email": "not an address"}, 422, "The email address is not valid"),
        (
            {"claim": "x" * 1001},
            422,
            "The claim is too long (1,001 characters; the limit is 1,000)",
        ),
    ],
)
def test_bad_or_automated_requests_are_refused_with_a_reason(reader, fields, status, message):
    data = form_data(reader, claim="Crime fell by half.")
    data.update(fields)
    response = reader.post("/ask", data=data)
    assert response.status_code == status and message in response.text
    assert db.session.scalars(db.select(ReaderRequest)).all() == []
    assert 'name="claim"' in response.text  # the form comes back, with what was typed


def test_a_form_sent_faster_than_a_person_types_is_refused(reader):
    data = form_data(reader, claim="Crime fell by half.", started=started_token())
    response = reader.post("/ask", data=data)
    assert response.status_code == 400 and "faster than anyone types" in response.text
    assert db.session.scalars(db.select(ReaderRequest)).all() == []


def test_the_form_needs_its_csrf_token(reader):
    data = form_data(reader, claim="Crime fell by half.")
    del data["csrf_token"]
    response = reader.post("/ask", data=data)
    assert response.status_code == 400
    assert db.session.scalars(db.select(ReaderRequest)).all() == []


def test_readers_are_rate_limited_per_address(tmp_path):
    app = make_app(tmp_path, READER_RATE_LIMIT="2 per minute", READER_MIN_FILL_SECONDS=0)
    with app.app_context():
        client = app.test_client()
        codes = [
            client.post(
                "/ask", data={"claim": f"Claim number {n}", "started": started_token()}
            ).status_code
            for n in range(3)
        ]
        assert codes == [302, 302, 429]
        refused = client.post("/ask", data={"claim": "again", "started": started_token()})
        assert "Too many requests from your address" in refused.text
        other = client.post(
            "/ask",
            data={"claim": "from elsewhere", "started": started_token()},
            environ_base={"REMOTE_ADDR": "10.0.0.9"},
        )
        assert other.status_code == 302
        assert client.get("/ask").status_code == 200  # reading the form is not counted
        db.session.remove()


def test_an_unknown_status_link_is_404(reader):
    assert reader.get("/ask/r/not-a-real-token").status_code == 404


def test_the_reader_stops_emails_from_the_private_page(reader):
    response = reader.post("/ask", data=form_data(reader, claim="Crime fell.", email="r@ex.org"))
    page = reader.get(response.location).text
    stopped = reader.post(f"{response.location}/stop", data={"csrf_token": csrf_token(page)})
    assert stopped.status_code == 302
    assert db.session.scalars(db.select(ReaderRequest)).one().email is None
    assert "Your email address is deleted" in reader.get(response.location).text


def test_the_stop_link_of_an_email_asks_then_forgets_every_copy_of_the_address(reader):
    for text in ("Crime fell.", "Fares rose."):
        reader.post("/ask", data=form_data(reader, claim=text, email="r@ex.org"))
    first = db.session.scalars(db.select(ReaderRequest)).first()
    link = f"/ask/stop/{stop_token(first.id)}"
    page = reader.get(link)
    assert page.status_code == 200 and "Stop emails" in page.text
    assert all(r.email == "r@ex.org" for r in db.session.scalars(db.select(ReaderRequest)))
    done = reader.post(link, data={"csrf_token": csrf_token(page.text)})
    assert "Your address is deleted" in done.text
    db.session.expire_all()
    assert all(r.email is None for r in db.session.scalars(db.select(ReaderRequest)))
    assert reader.get("/ask/stop/1.forged").status_code == 404


def test_private_pages_are_kept_out_of_search_engines_and_referrers(reader):
    response = reader.post("/ask", data=form_data(reader, claim="Crime fell."))
    page = reader.get(response.location).text
    assert '<meta name="robots" content="noindex">' in page
    assert '<meta name="referrer" content="no-referrer">' in page


def test_old_addresses_are_forgotten_by_the_upkeep(reader):
    reader.post("/ask", data=form_data(reader, claim="Crime fell.", email="r@ex.org"))
    request = db.session.scalars(db.select(ReaderRequest)).one()
    request.created_at = utcnow() - timedelta(days=91)
    db.session.commit()
    assert forget_reader_emails() == {"forgotten": 1}
    db.session.expire_all()
    assert request.email is None


def test_the_form_and_the_api_share_one_budget_per_address(tmp_path):
    app = make_app(tmp_path, READER_RATE_LIMIT="2 per minute", READER_MIN_FILL_SECONDS=0)
    with app.app_context():
        client = app.test_client()
        form = client.post("/ask", data={"claim": "Crime fell.", "started": started_token()})
        api = client.post("/api/v1/requests", json={"text": "Fares rose."})
        third = client.post("/api/v1/requests", json={"text": "Rents fell."})
        assert (form.status_code, api.status_code, third.status_code) == (302, 201, 429)
        assert "Too many requests from your address" in third.json["error"]["message"]
        db.session.remove()
