from sqlalchemy import select

from factcheck.models import Claim, ClaimStatus
from factcheck.services.articles import ingest_article


def make_claims(session, matcher):
    return ingest_article(
        session,
        matcher,
        title="T",
        body=("Bus fares rose by 8 percent. The city opened two new lines."),
    ).article.claims


def test_claim_page_shows_sentence_to_claim_and_the_correction_forms(checker, session, matcher):
    claim = ingest_article(
        session, matcher, title="T", body=("Moreover, the city opened two new lines.")
    ).article.claims[0]
    page = checker.get(f"/claims/{claim.id}").text
    assert "From the sentence:" in page and "Moreover, the city opened two new lines." in page
    for action in ("edit", "split", "merge", "dismiss"):
        assert f'action="/claims/{claim.id}/{action}"' in page


def test_edit_split_merge_and_dismiss_through_the_forms(checker, session, matcher):
    fares, lines = make_claims(session, matcher)
    response = checker.post(f"/claims/{fares.id}/edit", data={"text": "Bus fares rose 8%."})
    assert response.status_code == 302
    assert "Claim text saved." in checker.get(response.location).text
    response = checker.post(
        f"/claims/{lines.id}/split",
        data={"texts": "The city opened a new line.\nIt opened another."},
    )
    assert response.status_code == 302
    assert checker.post(f"/claims/{fares.id}/merge", data={"other_id": lines.id}).status_code == 302
    response = checker.post(f"/claims/{fares.id}/dismiss", data={"reason": "Duplicate"})
    page = checker.get(response.location).text
    for sentence in (
        "edited the claim text",
        f"merged claim #{lines.id} into this one",
        "dismissed the claim as not checkable",
        "because: Duplicate",
    ):
        assert sentence in page  # the history timeline
    session.expire_all()
    assert session.get(Claim, fares.id).status is ClaimStatus.DISMISSED
    assert session.scalar(select(Claim).where(Claim.text == "It opened another.")) is not None


def test_bad_corrections_are_explained_and_change_nothing(checker, session, matcher):
    fares, _ = make_claims(session, matcher)
    response = checker.post(f"/claims/{fares.id}/edit", data={"text": "   "})
    assert response.status_code == 422 and "This field is required." in response.text
    response = checker.post(f"/claims/{fares.id}/split", data={"texts": "just one"})
    assert response.status_code == 422 and "at least two claims" in response.text
    response = checker.post(f"/claims/{fares.id}/merge", data={"other_id": 99999})
    assert response.status_code == 404
    session.expire_all()
    assert session.get(Claim, fares.id).text == "Bus fares rose by 8 percent."


def test_editors_cannot_correct_claims(editor, session, matcher):
    fares, _ = make_claims(session, matcher)
    assert editor.post(f"/claims/{fares.id}/dismiss", data={"reason": "x"}).status_code == 403
    assert "Correct the claim" not in editor.get(f"/claims/{fares.id}").text
