import pytest
from sqlalchemy import select

from factcheck.models import Claim, ClaimStatus, Review
from factcheck.services.articles import ingest_article
from factcheck.services.demo import load_samples


@pytest.fixture
def claim(session, matcher) -> Claim:
    load_samples(session, matcher)
    article = ingest_article(
        session,
        matcher,
        title="Report",
        body=(
            "The council met on Monday. Crime in Riverton doubled since 2020. "
            "The vote is next week."
        ),
    )
    return article.article.claims[1]


VERDICT = {
    "rating": "false",
    "conclusion": "Recorded crime fell.",
    "explanation": "Police figures.",
    "sources-0-url": "https://police.example/report",
    "sources-0-title": "Annual report",
    "sources-0-publisher": "Police",
    "sources-0-quote": "Crime fell 8%.",
    "sources-0-stance": "refutes",
    "publish": "Publish verdict",
}


def test_claim_page_shows_context_similar_claims_and_the_form(checker, claim):
    page = checker.get(f"/claims/{claim.id}")
    assert page.status_code == 200
    assert "The council met on Monday. <mark" in page.text  # the sentence in its context
    assert "Crime in Riverton has doubled since 2020." in page.text  # the stored look-alike
    assert 'name="sources-0-url"' in page.text and "Publish verdict" in page.text


def test_verdict_round_trip(checker, claim, session):
    response = checker.post(f"/claims/{claim.id}/verdict", data=VERDICT)
    assert response.status_code == 302
    page = checker.get(response.location)
    assert "Verdict published." in page.text
    assert "Recorded crime fell." in page.text and "Annual report" in page.text
    assert "published the verdict False" in page.text  # the history
    session.expire_all()
    stored = session.scalar(select(Review).where(Review.claim_id == claim.id))
    assert stored.rating == "false" and stored.sources[0].quote == "Crime fell 8%."
    assert session.get(Claim, claim.id).status is ClaimStatus.PUBLISHED
    article_page = checker.get(f"/articles/{claim.article_id}")
    assert (
        f'<span class="hl-wrap" id="claim-{claim.id}"><a class="hl hl-false"' in article_page.text
    )


def test_saving_a_draft_needs_no_source(checker, claim, session):
    response = checker.post(
        f"/claims/{claim.id}/verdict", data={"rating": "half-true", "save_draft": "Save draft"}
    )
    assert response.status_code == 302
    assert session.get(Claim, claim.id).status is ClaimStatus.IN_REVIEW


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"sources-0-url": ""}, "A source needs a URL"),
        ({"conclusion": ""}, "A published verdict needs a one-line conclusion."),
        ({"rating": "sort-of"}, "Not a valid choice"),
        ({"rating": ""}, "Choose a rating."),
        ({"sources-0-url": "javascript:alert(1)"}, "starting with https://"),
    ],
)
def test_invalid_verdicts_are_explained_and_not_stored(checker, claim, session, changes, message):
    response = checker.post(f"/claims/{claim.id}/verdict", data={**VERDICT, **changes})
    assert response.status_code == 422 and message in response.text
    assert session.scalar(select(Review).where(Review.claim_id == claim.id)) is None


def test_editors_see_claims_but_cannot_record_verdicts(editor, claim, session):
    page = editor.get(f"/claims/{claim.id}")
    assert page.status_code == 200 and "Publish verdict" not in page.text
    assert editor.post(f"/claims/{claim.id}/verdict", data=VERDICT).status_code == 403
    assert session.scalar(select(Review).where(Review.claim_id == claim.id)) is None


def test_queue_lists_claims_by_status_most_check_worthy_first(checker, claim):
    page = checker.get("/queue?status=new")
    assert "Crime in Riverton doubled since 2020." in page.text
    # the crime statistic outranks "The council met on Monday." and "The vote is next week."
    assert page.text.index("Crime in Riverton doubled") < page.text.index("The vote is next week")
    assert checker.get("/queue?status=bogus").status_code == 400
    assert checker.get("/queue?page=0").status_code == 400


def test_unknown_claim_is_a_404_page(checker):
    response = checker.get("/claims/424242")
    assert response.status_code == 404 and "There is no claim with id 424242" in response.text


@pytest.mark.model
def test_search_page_finds_stored_claims_with_verdicts(checker, session, matcher):
    load_samples(session, matcher)
    page = checker.get("/search?q=goldfish+forget+everything+in+seconds")
    assert page.status_code == 200
    assert page.text.index("Goldfish have a memory span") < page.text.index("Bats are blind")
    assert checker.get("/search?q=" + "x" * 2001).status_code == 200  # form error, not a 500


@pytest.mark.parametrize(
    "path", ["/claims/99999999999999999999999", "/articles/99999999999999999999999"]
)
def test_enormous_ids_are_404_not_500(checker, path):
    assert checker.get(path).status_code == 404


def test_enormous_page_numbers_and_ids_in_forms_are_refused(checker, claim):
    assert checker.get("/queue?page=99999999999999999999").status_code == 400
    response = checker.post(f"/claims/{claim.id}/merge", data={"other_id": "9" * 25})
    assert response.status_code == 422
