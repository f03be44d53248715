import re

import pytest
from sqlalchemy import select

from factcheck.models import Article, AuditEvent, Claim, ClaimStatus
from factcheck.services.articles import ingest_article
from tests.conftest import PASSWORD, csrf_token, make_app


@pytest.fixture
def claims(session, matcher):
    post = ingest_article(
        session,
        matcher,
        title="Crime report",
        outlet="Riverton Post",
        body=("Crime in Riverton doubled since 2020. The council met on Monday."),
    ).article
    daily = ingest_article(
        session,
        matcher,
        title="Budget",
        outlet="Daily",
        body=("The mayor said taxes will rise by 5 percent next year."),
    ).article
    return {"crime": post.claims[0], "meeting": post.claims[1], "taxes": daily.claims[0]}


def rows(page: str) -> list[str]:
    return re.findall(r'class="claim-link" href="/claims/(\d+)"', page)


def test_queue_shows_open_claims_ranked_with_reasons_and_keys(checker, claims):
    page = checker.get("/queue")
    assert page.status_code == 200
    order = rows(page.text)
    assert order.index(str(claims["crime"].id)) < order.index(str(claims["meeting"].id))
    assert "Riverton Post" in page.text and "Keys:" in page.text
    assert 'src="/static/queue.js"' in page.text
    script = checker.get("/static/queue.js")
    assert script.status_code == 200 and 'event.key === "j"' in script.text
    script.close()


def test_queue_filters_are_get_parameters(checker, claims):
    assert rows(checker.get("/queue?outlet=Daily").text) == [str(claims["taxes"].id)]
    article = claims["crime"].article_id
    assert set(rows(checker.get(f"/queue?article={article}").text)) == {
        str(claims["crime"].id),
        str(claims["meeting"].id),
    }
    assert rows(checker.get("/queue?assignee=me").text) == []
    assert "No claims match these filters." in checker.get("/queue?assignee=me").text
    assert rows(checker.get("/queue?status=published").text) == []
    page = checker.get("/queue?outlet=&kind=&assignee=&article=")  # an empty filter form
    assert page.status_code == 200 and len(rows(page.text)) == 3


@pytest.mark.parametrize(
    "query, status, message",
    [
        ("status=bogus", 400, "Status: Not a valid choice"),
        ("page=0", 400, "Number must be between 1 and 1000000"),
        ("page=99999999999999999999", 400, "cannot be filtered"),
        ("article=abc", 400, "Article number: Not a valid integer value"),
        ("article=-1", 400, "cannot be filtered"),
        ("assignee=1%27%20OR%201=1", 422, "Unknown assignee"),
    ],
)
def test_bad_filters_are_refused_with_a_message(checker, claims, query, status, message):
    response = checker.get(f"/queue?{query}")
    assert response.status_code == status and message in response.text


def test_assign_to_me_and_unassign_return_to_the_filtered_queue(checker, claims, session):
    crime = claims["crime"]
    response = checker.post(
        f"/claims/{crime.id}/assign", data={"next": "/queue?outlet=Riverton+Post"}
    )
    # Back on the same row of the same filtered queue (queue.js selects it again).
    assert response.status_code == 302
    assert response.location == f"/queue?outlet=Riverton+Post#queue-claim-{crime.id}"
    page = checker.get(response.location).text
    assert f"Claim {crime.id} is assigned to you." in page
    assert rows(checker.get("/queue?assignee=me").text) == [str(crime.id)]
    session.expire_all()
    assert session.get(Claim, crime.id).status is ClaimStatus.IN_REVIEW
    response = checker.post(f"/claims/{crime.id}/unassign", data={"next": "//evil.example/"})
    assert response.location == "/"  # never to another site
    assert rows(checker.get("/queue?assignee=me").text) == []
    history = checker.get(f"/claims/{crime.id}").text
    assert "assigned the claim to Checker" in history and "unassigned the claim" in history


def test_an_editor_request_moves_a_claim_to_the_top(editor, claims, session):
    meeting = claims["meeting"]
    response = editor.post(
        f"/claims/{meeting.id}/request-check", data={"next": f"/articles/{meeting.article_id}"}
    )
    assert response.status_code == 302 and response.location == f"/articles/{meeting.article_id}"
    assert "Check requested" in editor.get(response.location).text
    assert editor.get("/queue").status_code == 403
    editor.post("/logout")
    from tests.conftest import login

    login(editor, "checker")
    page = editor.get("/queue").text
    assert rows(page)[0] == str(meeting.id) and "requested by Editor" in page
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "claim.check_requested"))
    assert event.actor.email == "editor@example.org"


def test_requesting_a_published_claim_is_explained(editor, claims, session):
    meeting = claims["meeting"]
    meeting.status = ClaimStatus.DISMISSED
    meeting.dismissal_reason = "a meeting is not a claim"
    session.commit()
    response = editor.post(f"/claims/{meeting.id}/request-check")
    assert response.status_code == 409 and "a meeting is not a claim" in response.text


@pytest.mark.parametrize("path", ["assign", "unassign"])
def test_editors_cannot_assign(editor, claims, path):
    response = editor.post(f"/claims/{claims['crime'].id}/{path}")
    assert response.status_code == 403 and "for the checker role" in response.text


def test_the_queue_is_paginated(checker, session):
    article = Article(title="Many", body="x", content_hash="many")
    session.add(article)
    session.add_all(
        [
            Claim(text=f"Claim number {i}.", article=article, checkworthiness=i / 100)
            for i in range(60)
        ]
    )
    session.commit()
    first = checker.get("/queue").text
    assert len(rows(first)) == 25 and "Page 1 of 3 · 60 claims" in first
    assert 'href="/queue?page=2"' in first
    third = checker.get("/queue?page=3").text
    assert len(rows(third)) == 10 and "← previous" in third and "next →" not in third
    assert checker.get("/queue?page=9").status_code == 200  # past the end: an empty page


def test_queue_buttons_need_the_csrf_token(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        from factcheck.extensions import db
        from factcheck.services.users import create_user

        create_user(db.session, email="c@example.org", password=PASSWORD, role="checker")
        article = Article(title="A", body="Crime doubled.", content_hash="a")
        claim = Claim(text="Crime doubled.", article=article, start=0, end=14)
        db.session.add(claim)
        db.session.commit()
        client = app.test_client()
        client.post(
            "/login",
            data={
                "email": "c@example.org",
                "password": PASSWORD,
                "csrf_token": csrf_token(client.get("/login").text),
            },
        )
        for path in ("assign", "unassign", "request-check"):
            response = client.post(f"/claims/{claim.id}/{path}")
            assert response.status_code == 400 and "forged" in response.text
        db.session.expire_all()
        assert db.session.get(Claim, claim.id).assignee_id is None
        token = csrf_token(client.get("/queue").text)
        assert (
            client.post(f"/claims/{claim.id}/assign", data={"csrf_token": token}).status_code == 302
        )
