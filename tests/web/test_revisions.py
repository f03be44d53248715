import pytest
from sqlalchemy import func, select

from factcheck.models import Article, ArticleRevision
from factcheck.services.articles import ingest_article
from factcheck.services.reviews import SourceInput, record_verdict
from factcheck.services.revisions import revise_article
from tests.conftest import PASSWORD, csrf_token, make_app

DRAFT = "Crime doubled since 2020. The council hired 40 new officers."
EDITED = "Crime doubled since 2020. The council hired 25 new officers."


@pytest.fixture
def draft(session, matcher, users):
    article = ingest_article(
        session,
        matcher,
        title="Council draft",
        body=DRAFT,
        is_draft=True,
        submitted_by=users["editor"],
    ).article
    record_verdict(
        session,
        article.claims[0],
        rating="false",
        reviewer=users["checker"],
        conclusion="Crime fell.",
        publish=True,
        sources=[SourceInput(url="https://stats.example")],
    )
    return article


def revise(client, article_id, **data):
    form = {"title": "Council draft", "body": EDITED, "is_draft": "y", "base_revision": "1"}
    form.update(data)
    return client.post(f"/articles/{article_id}/edit", data=form)


def revisions(session) -> int:
    return session.scalar(select(func.count(ArticleRevision.id)))


def test_the_edit_form_holds_the_current_text_and_revision(editor, draft):
    page = editor.get(f"/articles/{draft.id}/edit").text
    assert DRAFT in page and 'name="base_revision" type="hidden" value="1"' in page
    assert '<input checked id="is_draft" name="is_draft" type="checkbox"' in page


def test_resubmitting_keeps_unchanged_verdicts_and_shows_stale_claims(editor, draft, session):
    response = revise(editor, draft.id)
    assert response.status_code == 302
    page = editor.get(response.location).text
    assert "Revision 2 stored: 1 claim unchanged (their verdicts kept), 1 new, 1 stale." in page
    assert '<span class="badge draft">Draft</span>' in page
    assert 'class="hl hl-false"' in page  # the unchanged claim keeps its verdict
    stale = page[page.index('id="stale-heading"') :]
    assert "stale since revision 2" in stale and "The council hired 40 new officers." in stale
    assert f"/articles/{draft.id}/revisions/1" in page
    old = editor.get(f"/articles/{draft.id}/revisions/1").text
    assert DRAFT in old and "replaced" in old


def test_checkers_see_a_stale_claim_on_its_page(checker, draft, session, matcher, users):
    revise_article(session, matcher, draft, body=EDITED, editor=users["editor"], base_revision=1)
    gone = next(c for c in draft.claims if "40" in c.text)
    claim_page = checker.get(f"/claims/{gone.id}").text
    assert "Checker · checker" in claim_page  # logged in as the checker
    assert "Revision 2 of" in claim_page and "no longer makes this claim" in claim_page


def test_unchanged_text_only_updates_the_draft_flag(editor, draft, session):
    response = revise(editor, draft.id, body=DRAFT, is_draft="")
    assert "The text is unchanged" in editor.get(response.location).text
    assert revisions(session) == 0 and not session.get(Article, draft.id).is_draft


@pytest.mark.parametrize(
    "data, status, message",
    [
        ({"body": "  "}, 422, "The article is empty"),
        ({"base_revision": "5"}, 409, "revised meanwhile"),
        ({"base_revision": "x"}, 422, "reload the page"),
        ({"title": ""}, 422, "This field is required"),
        ({"body": "\x00\x01\x02"}, 422, "The article is empty"),
        ({"body": "x" * 50_001}, 413, "too long (50,001 characters; the limit is 50,000)"),
    ],
)
def test_bad_input_gets_a_message_and_stores_nothing(editor, draft, session, data, status, message):
    response = revise(editor, draft.id, **data)
    assert response.status_code == status and message in response.text
    assert revisions(session) == 0


def test_markup_in_a_revision_is_shown_as_text(editor, draft):
    response = revise(editor, draft.id, body="<script>alert(1)</script> Rents rose 9 percent.")
    page = editor.get(response.location).text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_checkers_cannot_revise_articles(checker, draft, session):
    assert checker.get(f"/articles/{draft.id}/edit").status_code == 403
    response = revise(checker, draft.id)
    assert response.status_code == 403 and "for the editor role" in response.text
    assert revisions(session) == 0


def test_an_unknown_revision_is_a_404(editor, draft):
    assert editor.get(f"/articles/{draft.id}/revisions/9").status_code == 404


def test_the_revision_form_needs_its_csrf_token(tmp_path, matcher):
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        from factcheck.extensions import db, get_matcher
        from factcheck.services.users import create_user

        create_user(db.session, email="editor@example.org", password=PASSWORD, role="editor")
        article = ingest_article(db.session, get_matcher(), title="T", body=DRAFT)
        client = app.test_client()
        token = csrf_token(client.get("/login").text)
        client.post(
            "/login",
            data={"email": "editor@example.org", "password": PASSWORD, "csrf_token": token},
        )
        response = revise(client, article.article.id)
        assert response.status_code == 400 and "The form expired or was forged" in response.text
        token = csrf_token(client.get(f"/articles/{article.article.id}/edit").text)
        assert revise(client, article.article.id, csrf_token=token).status_code == 302
        assert revisions(db.session) == 1
