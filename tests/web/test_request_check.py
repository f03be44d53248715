import pytest

from factcheck.models import Claim
from factcheck.services.articles import ingest_article
from factcheck.services.reviews import SourceInput, record_verdict
from tests.conftest import PASSWORD, csrf_token, make_app


@pytest.fixture
def article(session, matcher, users):
    return ingest_article(
        session,
        matcher,
        title="Budget",
        body="Bus fares rose 12 percent in 2024. The library budget was cut by 30 percent.",
        submitted_by=users["editor"],
    ).article


def button(claim_id: int) -> str:
    return f'action="/claims/{claim_id}/request-check"'


@pytest.mark.model
def test_an_editor_requests_a_check_from_the_article(editor, article, session, users):
    fares = article.claims[0]
    page = editor.get(f"/articles/{article.id}").text
    assert button(fares.id) in page
    response = editor.post(
        f"/claims/{fares.id}/request-check",
        data={"next": f"/articles/{article.id}#note-{fares.id}"},
    )
    assert response.status_code == 302
    assert response.location == f"/articles/{article.id}#note-{fares.id}"
    page = editor.get(response.location).text
    assert "Check requested: the claim moved up" in page
    assert button(fares.id) not in page and "Check requested " in page and "by Editor" in page
    assert ">check requested</span>" in page  # the highlight's label says so too
    assert session.get(Claim, fares.id).check_requested_by == users["editor"]


def test_checkers_get_no_request_button(checker, article):
    assert "Request a check" not in checker.get(f"/articles/{article.id}").text


def test_checked_claims_get_no_request_button(editor, article, session, users):
    fares = article.claims[0]
    record_verdict(
        session,
        fares,
        rating="true",
        reviewer=users["checker"],
        publish=True,
        conclusion="c",
        sources=[SourceInput(url="https://stats.example")],
    )
    assert button(fares.id) not in editor.get(f"/articles/{article.id}").text
    response = editor.post(f"/claims/{fares.id}/request-check")
    assert response.status_code == 409 and "already has a published verdict" in response.text


def test_requesting_a_check_needs_the_csrf_token(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        from factcheck.extensions import db, get_matcher
        from factcheck.services.users import create_user

        create_user(db.session, email="editor@example.org", password=PASSWORD, role="editor")
        claim = ingest_article(
            db.session, get_matcher(), title="T", body="Bus fares rose 12 percent in 2024."
        ).article.claims[0]
        client = app.test_client()
        client.post(
            "/login",
            data={
                "email": "editor@example.org",
                "password": PASSWORD,
                "csrf_token": csrf_token(client.get("/login").text),
            },
        )
        response = client.post(f"/claims/{claim.id}/request-check")
        assert response.status_code == 400 and "The form expired or was forged" in response.text
        db.session.expire_all()
        assert db.session.get(Claim, claim.id).check_requested_at is None
        token = csrf_token(client.get(f"/articles/{claim.article_id}").text)
        assert (
            client.post(f"/claims/{claim.id}/request-check", data={"csrf_token": token}).status_code
            == 302
        )
