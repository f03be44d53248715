import re

import pytest
from sqlalchemy import select

from factcheck.extensions import db, get_matcher
from factcheck.models import Claim, LinkState
from factcheck.services.articles import ingest_article
from factcheck.services.demo import load_samples
from factcheck.services.links import Thresholds
from factcheck.services.users import create_user
from tests.conftest import PASSWORD, login, make_app


@pytest.mark.model
def test_claim_page_shows_near_misses_and_link_decisions(checker, session, matcher):
    load_samples(session, matcher)
    claim = ingest_article(
        session,
        matcher,
        title="T",
        thresholds=Thresholds(0.6, 0.99),
        body=("Riverton's city budget for 2025 grew by 4 percent compared with 2024."),
    ).article.claims[0]
    page = checker.get(f"/claims/{claim.id}").text
    assert "similar but different: 4 percent vs 40 percent" in page
    assert 'class="link-state link-suggested"' in page
    other = next(link.other for link in claim.links)
    response = checker.post(
        f"/claims/{claim.id}/links", data={"other_id": other.id, "relation": "same", "confirm": "1"}
    )
    assert response.status_code == 302
    page = checker.get(response.location).text
    assert "Link confirmed." in page and "Checked before:" in page
    session.expire_all()
    assert next(iter(claim.links)).state is LinkState.CONFIRMED


def test_bad_link_requests_are_refused(checker, editor, session, matcher):
    load_samples(session, matcher)
    claim = ingest_article(session, matcher, title="T", body="Bats are blind.").article.claims[0]
    assert (
        checker.post(
            f"/claims/{claim.id}/links",
            data={"other_id": claim.id, "relation": "same", "confirm": "1"},
        ).status_code
        == 422
    )
    assert (
        checker.post(
            f"/claims/{claim.id}/links", data={"other_id": 1, "relation": "cousin", "confirm": "1"}
        ).status_code
        == 422
    )
    assert (
        checker.post(
            f"/claims/{claim.id}/links",
            data={"other_id": 99999, "relation": "same", "confirm": "1"},
        ).status_code
        == 404
    )
    checker.post("/logout")
    from tests.conftest import login

    login(editor, "editor")
    assert (
        editor.post(
            f"/claims/{claim.id}/links", data={"other_id": 1, "relation": "same", "confirm": "1"}
        ).status_code
        == 403
    )


def similar_section(page: str) -> str:
    return page[page.index('id="similar-title"') : page.index('id="history-title"')]


@pytest.mark.model  # real similarities
def test_similar_claims_are_shown_in_the_order_of_the_figure_shown(checker, session, matcher):
    load_samples(session, matcher)
    claim = ingest_article(
        session, matcher, title="T", body=("Bats are blind, the zoo keeper said.")
    ).article.claims[0]
    section = similar_section(checker.get(f"/claims/{claim.id}").text)
    figures = [int(m) for m in re.findall(r"(\d+)% match", section)]
    assert len(figures) == 5 and figures == sorted(figures, reverse=True)
    assert "cosine 0." in section
    # The best match is likely and preselects "same"; the weak ones wait behind "show more"
    # and preselect nothing next to Confirm.
    likely, weaker = section.split('<details class="weaker">')
    assert "Bats are blind" in likely and "relation…</option>" in likely
    assert re.search(r'<option value="same" selected>', likely)
    assert "weaker candidate" in weaker
    assert not re.search(r'<option value="[a-z]+" selected>', weaker)
    assert '<option value="" selected>relation…</option>' in weaker


def test_confirming_a_link_needs_a_chosen_relation(checker, session, matcher):
    load_samples(session, matcher)
    claim = ingest_article(session, matcher, title="T", body="Bats are blind.").article.claims[0]
    response = checker.post(
        f"/claims/{claim.id}/links", data={"other_id": 1, "relation": "", "confirm": "1"}
    )
    assert response.status_code == 422
    assert "Choose how the two claims relate before confirming the link." in response.text
    response = checker.post(
        f"/claims/{claim.id}/links", data={"other_id": 1, "relation": "", "reject": "1"}
    )
    assert response.status_code == 302


def test_a_checker_cannot_give_a_claim_an_unrelated_claims_verdict(checker, session, matcher):
    load_samples(session, matcher)
    budget = session.scalar(select(Claim).where(Claim.text.like("Riverton's city budget%")))
    article = ingest_article(
        session, matcher, title="T", body="The BelGee factory makes chocolate in Ghent."
    ).article
    claim = article.claims[0]
    forged = {"other_id": budget.id, "relation": "same", "confirm": "1"}
    response = checker.post(f"/claims/{claim.id}/links", data=forged)
    assert response.status_code == 422 and "is not a candidate" in response.text
    assert "Checked before:" not in response.text
    session.expire_all()
    assert session.get(Claim, claim.id).carried_verdict is None
    assert 'class="hl hl-false"' not in article_text(checker.get(f"/articles/{article.id}").text)

    reason = "The budget speech of 2025 is about the BelGee subsidy."
    response = checker.post(f"/claims/{claim.id}/links", data={**forged, "reason": reason})
    assert response.status_code == 302
    page = checker.get(response.location).text
    assert "Checked before:" in page and reason in page  # the reason is in the history
    assert 'class="hl hl-false"' in article_text(checker.get(f"/articles/{article.id}").text)


def article_text(page: str) -> str:
    """The article's highlighted text, without the colour legend above it."""
    return page[page.index("</ul>", page.index("hl-unproven")) :]


@pytest.fixture
def two_checkers(tmp_path):
    app = make_app(tmp_path, REQUIRE_SECOND_REVIEW=True)
    with app.app_context():
        for email in ("checker@example.org", "second@example.org"):
            create_user(
                db.session,
                email=email,
                password=PASSWORD,
                role="checker",
                name=email.split("@")[0].title(),
            )
        load_samples(db.session, get_matcher())
        claim = ingest_article(
            db.session,
            get_matcher(),
            title="T",
            body=("Riverton's budget for 2025 grew by 40 percent."),
        ).article.claims[0]
        budget = db.session.scalar(select(Claim).where(Claim.text.like("Riverton's city bud%")))
        app.config["IDS"] = claim.id, budget.id
        db.session.remove()
    return app


@pytest.mark.model
def test_with_second_review_a_link_carries_a_verdict_once_another_checker_approves(two_checkers):
    claim_id, budget_id = two_checkers.config["IDS"]
    author, second = (login(two_checkers.test_client(), who) for who in ("checker", "second"))
    url = f"/claims/{claim_id}"
    response = author.post(
        f"{url}/links", data={"other_id": budget_id, "relation": "same", "confirm": "1"}
    )
    page = author.get(response.location).text
    assert "another fact-checker has to approve it" in page and "Checked before:" not in page
    assert "You proposed this link" in page
    page = second.get(url).text
    assert "Links waiting for a second fact-checker" in page
    denied = author.post(f"{url}/links/approve", data={"other_id": budget_id, "relation": "same"})
    assert denied.status_code == 403
    response = second.post(f"{url}/links/approve", data={"other_id": budget_id, "relation": "same"})
    assert response.status_code == 302
    page = second.get(response.location).text
    assert "Link approved" in page and "Checked before:" in page
    assert "approved the link to claim" in page
