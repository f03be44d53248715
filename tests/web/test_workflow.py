"""The whole desk workflow through the web: draft, submit, second checker, correction."""

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from factcheck.extensions import db
from factcheck.models import Claim, ClaimStatus, Review, ReviewStatus, Role, User
from factcheck.services.articles import ingest_article
from factcheck.services.links import decide_link
from factcheck.services.reviews import SourceInput, record_verdict
from factcheck.services.users import create_user
from tests.conftest import PASSWORD, csrf_token, make_app

VERDICT = {
    "rating": "false",
    "conclusion": "Recorded crime fell.",
    "explanation": "Police figures show a **fall**.",
    "sources-0-url": "https://police.example/report",
    "sources-0-title": "Annual report",
    "sources-0-publisher": "Police",
    "sources-0-quote": "Crime fell 8%.",
    "sources-0-stance": "refutes",
    "sources-1-url": "https://stats.example/crime",
    "sources-1-title": "Crime statistics",
    "sources-1-stance": "context",
}


@pytest.fixture
def desk(tmp_path):
    """An app that requires a second review, with two checkers and an editor, and one claim."""
    app = make_app(tmp_path, REQUIRE_SECOND_REVIEW=True)
    with app.app_context():
        for email, role in (
            ("checker@example.org", Role.CHECKER),
            ("second@example.org", Role.CHECKER),
            ("editor@example.org", Role.EDITOR),
        ):
            create_user(
                db.session,
                email=email,
                password=PASSWORD,
                role=role,
                name=email.split("@")[0].title(),
            )
        from factcheck.extensions import get_matcher

        article = ingest_article(
            db.session,
            get_matcher(),
            title="Report",
            body=("The council met on Monday. Crime in Riverton doubled since 2020."),
        ).article
        app.config["CLAIM_ID"], app.config["ARTICLE_ID"] = article.claims[-1].id, article.id
        db.session.remove()
    return app


def one_claim(session, matcher) -> Claim:
    return ingest_article(
        session, matcher, title="T", body="Crime doubled since 2020."
    ).article.claims[0]


def client_for(app, who):
    client = app.test_client()
    response = client.post("/login", data={"email": f"{who}@example.org", "password": PASSWORD})
    assert response.status_code == 302
    return client


def review_id(page: str) -> str:
    return re.search(r'name="review_id" value="(\d+)"', page).group(1)


def approval(page: str) -> dict[str, str]:
    """The hidden fields of the approval form on a claim page: the review and its version."""
    fields = dict(re.findall(r'name="(review_id|version)" value="(\d+)"', page))
    return {"review_id": fields["review_id"], "version": fields.get("version", "")}


def test_draft_submit_second_review_publish_and_correct(desk):
    claim_id = desk.config["CLAIM_ID"]
    author, second, editor = (client_for(desk, who) for who in ("checker", "second", "editor"))
    url = f"/claims/{claim_id}"

    # A draft: nothing public yet; the form comes back filled in.
    response = author.post(f"{url}/verdict", data={**VERDICT, "save_draft": "Save draft"})
    assert response.status_code == 302
    page = author.get(url).text
    assert "Draft saved." in page and 'value="Recorded crime fell."' in page
    assert 'value="https://stats.example/crime"' in page

    # Submitted: waiting for a second checker, who is not the author.
    response = author.post(f"{url}/verdict", data={**VERDICT, "publish": "Submit for approval"})
    page = author.get(response.location).text
    assert "another fact-checker has to approve it" in page
    assert "You wrote this verdict" in page and "Approve and publish" not in page
    denied = author.post(f"{url}/approve", data=approval(second.get(url).text))
    assert denied.status_code == 403
    assert "You wrote this verdict: another fact-checker has to approve it." in denied.text
    assert editor.post(f"{url}/approve", data={"review_id": 1}).status_code == 403
    with desk.app_context():
        assert db.session.get(Claim, claim_id).status is ClaimStatus.CHECKED

    # The second checker sends it back once, then approves the revised verdict.
    page = second.get(url).text
    assert "Waiting for a second fact-checker" in page and "Approve and publish" in page
    response = second.post(f"{url}/return", data={"review_id": review_id(page), "reason": ""})
    assert response.status_code == 422 and "This field is required" in response.text
    second.post(
        f"{url}/return",
        data={"review_id": review_id(page), "reason": "Name the police report's year."},
    )
    page = author.get(url).text
    assert "sent the verdict back to Checker" in page and "Name the police report" in page
    author.post(
        f"{url}/verdict",
        data={**VERDICT, "sources-0-title": "Annual report 2024", "publish": "Submit for approval"},
    )
    page = second.get(url).text
    response = second.post(f"{url}/approve", data=approval(page))
    assert response.status_code == 302
    page = editor.get(url).text
    assert "Verdict approved and published." not in page  # the flash was the approver's
    assert "Recorded crime fell." in page and "Annual report 2024" in page
    assert "approved by Second" in page and "<strong>fall</strong>" in page
    article = editor.get(f"/articles/{desk.config['ARTICLE_ID']}").text
    assert 'class="hl hl-false"' in article

    # A correction: a reason is required; the old verdict stays in the history.
    correction = {
        **VERDICT,
        "rating": "mostly-false",
        "conclusion": "Crime rose 3%, not 100%.",
        "publish": "Submit for approval",
    }
    response = author.post(f"{url}/verdict", data=correction)
    assert response.status_code == 422 and "say what was wrong with it" in response.text
    author.post(
        f"{url}/verdict", data={**correction, "correction_reason": "The 2020 baseline was revised."}
    )
    second.post(f"{url}/approve", data=approval(second.get(url).text))
    page = author.get(url).text
    assert "corrected later" in page and "current verdict" in page
    assert "because: The 2020 baseline was revised." in page
    assert "correction, because: The 2020 baseline was revised." in page  # the timeline
    with desk.app_context():
        reviews = db.session.scalars(select(Review).where(Review.claim_id == claim_id)).all()
        assert [(r.rating, r.status, r.approved_by.email) for r in reviews] == [
            ("false", ReviewStatus.PUBLISHED, "second@example.org"),
            ("mostly-false", ReviewStatus.PUBLISHED, "second@example.org"),
        ]
        assert reviews[1].correction_of_id == reviews[0].id


def test_without_second_review_submitting_publishes(checker, session, matcher):
    claim = one_claim(session, matcher)
    page = checker.get(f"/claims/{claim.id}").text
    assert 'value="Publish verdict"' in page and "Submit for approval" not in page
    response = checker.post(f"/claims/{claim.id}/verdict", data={**VERDICT, "publish": "Publish"})
    assert "Verdict published." in checker.get(response.location).text
    session.expire_all()
    assert session.get(Claim, claim.id).status is ClaimStatus.PUBLISHED


def test_add_a_source_works_without_javascript(checker, session, matcher):
    claim = one_claim(session, matcher)
    page = checker.get(f"/claims/{claim.id}").text
    assert 'name="sources-1-url"' in page and 'name="sources-2-url"' not in page
    response = checker.post(f"/claims/{claim.id}/verdict", data={**VERDICT, "add_source": "1"})
    assert response.status_code == 200
    assert 'name="sources-2-url"' in response.text
    assert 'value="https://stats.example/crime"' in response.text  # nothing typed is lost
    assert session.scalar(select(Review)) is None  # and nothing is saved yet
    many = {
        **VERDICT,
        **{f"sources-{i}-url": f"https://x.example/{i}" for i in range(20)},
        "publish": "Publish",
    }
    response = checker.post(f"/claims/{claim.id}/verdict", data=many)
    assert response.status_code == 302
    session.expire_all()
    assert len(session.scalar(select(Review)).sources) == 20


def test_more_sources_than_allowed_are_refused_not_silently_dropped(checker, session, matcher):
    claim = one_claim(session, matcher)
    too_many = {
        **VERDICT,
        **{f"sources-{i}-url": f"https://x.example/{i}" for i in range(21)},
        "publish": "Publish",
    }
    response = checker.post(f"/claims/{claim.id}/verdict", data=too_many)
    assert response.status_code == 422 and "at most 20 sources" in response.text
    assert session.scalar(select(Review)) is None  # nothing half-saved


UNSAFE = (
    "<script>alert(1)</script> [click](javascript:alert(2)) "
    "<img src=x onerror=alert(3)> [ok](https://ok.example) "
    '<a href="javascript:alert(4)" onclick="alert(5)">x</a> '
    "[data](data:text/html;base64,PHNjcmlwdD4=) ![pixel](https://track.example/p.gif)"
)


class Tags(HTMLParser):
    """Every real tag and attribute in a piece of HTML (escaped text is not a tag)."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        self.names.add(tag)
        self.attributes += [(name.lower(), (value or "").strip().lower()) for name, value in attrs]


def test_markdown_explanations_are_rendered_safely(checker, session, matcher):
    claim = one_claim(session, matcher)
    response = checker.post(
        f"/claims/{claim.id}/verdict", data={**VERDICT, "explanation": UNSAFE, "publish": "Publish"}
    )
    assert response.status_code == 302
    page = checker.get(f"/claims/{claim.id}").text
    shown = page[page.index('id="reviews-title"') : page.index('id="similar-title"')]
    assert '<a href="https://ok.example" rel="noopener noreferrer nofollow">ok</a>' in shown
    tags = Tags()
    tags.feed(shown)
    assert "script" not in tags.names and "img" not in tags.names
    assert not [a for a in tags.attributes if a[0].startswith("on")]  # no event handlers
    assert [
        v
        for name, v in tags.attributes
        if name == "href"
        if not v.startswith(("https://", "http://", "/"))
    ] == []  # no javascript: or data: links
    assert "&lt;script&gt;" in shown  # shown as text, so the checker sees what was typed


@pytest.mark.model
def test_conflicting_verdicts_warn_on_both_claim_pages(checker, session, matcher, users):
    first = ingest_article(
        session, matcher, title="One", body="Crime in Riverton doubled since 2020."
    ).article.claims[0]
    second = ingest_article(
        session, matcher, title="Two", body="Riverton has seen crime double since 2020."
    ).article.claims[0]
    for claim, rating in ((first, "false"), (second, "true")):
        record_verdict(
            session,
            claim,
            rating=rating,
            reviewer=users["checker"],
            conclusion="c",
            sources=[SourceInput(url="https://x.example")],
            publish=True,
        )
    assert "Inconsistent verdicts" not in checker.get(f"/claims/{first.id}").text
    response = checker.post(
        f"/claims/{second.id}/links",
        data={"other_id": first.id, "relation": "paraphrase", "confirm": "1"},
    )
    assert response.status_code == 302
    for claim, other in ((first, second), (second, first)):
        page = checker.get(f"/claims/{claim.id}").text
        assert "Inconsistent verdicts" in page and f"claim #{other.id}" in page
    assert f"confirmed claim #{second.id}" not in page
    first_page = checker.get(f"/claims/{first.id}").text
    assert f"confirmed a link to claim #{second.id} as paraphrase" in first_page  # incoming link
    decide_link(session, second, first, confirm=False, relation="related", actor=users["checker"])
    assert "Inconsistent verdicts" not in checker.get(f"/claims/{first.id}").text


def test_dismiss_with_a_reason_and_reopen(checker, session, matcher):
    claim = one_claim(session, matcher)
    checker.post(f"/claims/{claim.id}/dismiss", data={"reason": "It is a forecast."})
    page = checker.get(f"/claims/{claim.id}").text
    assert "Dismissed as not checkable</strong>: It is a forecast." in page
    assert 'id="verdict-form"' not in page
    response = checker.post(f"/claims/{claim.id}/verdict", data={**VERDICT, "publish": "Publish"})
    assert response.status_code == 409 and "reopen it" in response.text
    assert checker.post(f"/claims/{claim.id}/reopen").status_code == 302
    page = checker.get(f"/claims/{claim.id}").text
    assert "reopened the claim" in page and 'id="verdict-form"' in page


@pytest.mark.parametrize(
    "path, data",
    [
        ("verdict", {**VERDICT, "publish": "Publish"}),
        ("approve", {"review_id": 1}),
        ("return", {"review_id": 1, "reason": "x"}),
        ("reopen", {}),
        ("dismiss", {"reason": "x"}),
        ("links", {"other_id": 1, "confirm": "1"}),
    ],
)
def test_editors_cannot_change_verdicts_or_status(editor, session, matcher, path, data):
    claim = one_claim(session, matcher)
    response = editor.post(f"/claims/{claim.id}/{path}", data=data)
    assert response.status_code == 403 and "for the checker role" in response.text
    session.expire_all()
    assert session.get(Claim, claim.id).status is ClaimStatus.NEW


def test_workflow_forms_need_the_csrf_token(tmp_path):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True, REQUIRE_SECOND_REVIEW=True)
    with app.app_context():
        from factcheck.extensions import get_matcher

        for email in ("a@example.org", "b@example.org"):
            create_user(db.session, email=email, password=PASSWORD, role="checker")
        claim = ingest_article(
            db.session, get_matcher(), title="T", body="Crime doubled since 2020."
        ).article.claims[0]
        author = db.session.scalar(select(User).where(User.email == "a@example.org"))
        review = record_verdict(
            db.session,
            claim,
            rating="false",
            reviewer=author,
            conclusion="c",
            sources=[SourceInput(url="https://x.example")],
            publish=True,
            second_review=True,
        )
        client = app.test_client()
        client.post(
            "/login",
            data={
                "email": "b@example.org",
                "password": PASSWORD,
                "csrf_token": csrf_token(client.get("/login").text),
            },
        )
        for path, data in (
            ("verdict", VERDICT),
            ("approve", {"review_id": review.id}),
            ("return", {"review_id": review.id, "reason": "x"}),
        ):
            response = client.post(f"/claims/{claim.id}/{path}", data=data)
            assert response.status_code == 400 and "forged" in response.text
        db.session.expire_all()
        assert db.session.get(Review, review.id).status is ReviewStatus.SUBMITTED
        page = client.get(f"/claims/{claim.id}").text
        response = client.post(
            f"/claims/{claim.id}/approve", data={**approval(page), "csrf_token": csrf_token(page)}
        )
        assert response.status_code == 302


def test_approval_signs_off_only_the_version_the_approver_read(desk):
    """Checker 2 opens a submitted "false"; checker 1 re-submits "true"; the sign-off of the
    page checker 2 read is refused, and nothing is published until they approve what is there."""
    claim_id = desk.config["CLAIM_ID"]
    author, second = client_for(desk, "checker"), client_for(desk, "second")
    url = f"/claims/{claim_id}"
    author.post(f"{url}/verdict", data={**VERDICT, "publish": "Submit for approval"})
    opened = second.get(url).text
    assert "Recorded crime fell." in opened
    author.post(
        f"{url}/verdict",
        data={
            **VERDICT,
            "rating": "true",
            "conclusion": "Crime did double.",
            "publish": "Submit for approval",
        },
    )
    response = second.post(f"{url}/approve", data=approval(opened))
    assert response.status_code == 409
    assert "this verdict changed since you opened it: review again" in response.text.lower()
    assert "Crime did double." in response.text  # the page shows what is there now
    with desk.app_context():
        claim = db.session.get(Claim, claim_id)
        assert claim.verdict is None and claim.status is ClaimStatus.CHECKED

    # A change of sources alone is a change too.
    opened = second.get(url).text
    author.post(
        f"{url}/verdict",
        data={
            **VERDICT,
            "rating": "true",
            "conclusion": "Crime did double.",
            "sources-1-url": "https://other.example/doubled",
            "publish": "Submit for approval",
        },
    )
    response = second.post(f"{url}/approve", data=approval(opened))
    assert response.status_code == 409

    # Without the version, nothing is approved either.
    response = second.post(f"{url}/approve", data={"review_id": approval(opened)["review_id"]})
    assert response.status_code == 422

    current = second.get(url).text
    response = second.post(f"{url}/approve", data=approval(current))
    assert response.status_code == 302
    with desk.app_context():
        claim = db.session.get(Claim, claim_id)
        assert claim.verdict.rating == "true"
        assert [s.url for s in claim.verdict.sources][-1] == "https://other.example/doubled"
