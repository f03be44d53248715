import re

from factcheck.models import LinkState
from factcheck.services.articles import ingest_article
from factcheck.services.demo import load_demo
from factcheck.services.links import Thresholds


def test_claim_page_shows_near_misses_and_link_decisions(checker, session, matcher):
    load_demo(session, matcher)
    claim = ingest_article(session, matcher, title="T", thresholds=Thresholds(0.6, 0.99), body=(
        "Riverton's city budget for 2025 grew by 4 percent compared with 2024.")).article.claims[0]
    page = checker.get(f"/claims/{claim.id}").text
    assert "similar but different: 4 percent vs 40 percent" in page
    assert 'class="link-state link-suggested"' in page
    other = next(link.other for link in claim.links)
    response = checker.post(f"/claims/{claim.id}/links",
                            data={"other_id": other.id, "relation": "same", "confirm": "1"})
    assert response.status_code == 302
    page = checker.get(response.location).text
    assert "Link confirmed." in page and "Checked before:" in page
    session.expire_all()
    assert next(iter(claim.links)).state is LinkState.CONFIRMED


def test_bad_link_requests_are_refused(checker, editor, session, matcher):
    load_demo(session, matcher)
    claim = ingest_article(session, matcher, title="T", body="Bats are blind.").article.claims[0]
    assert checker.post(f"/claims/{claim.id}/links", data={
        "other_id": claim.id, "relation": "same", "confirm": "1"}).status_code == 422
    assert checker.post(f"/claims/{claim.id}/links", data={
        "other_id": 1, "relation": "cousin", "confirm": "1"}).status_code == 422
    assert checker.post(f"/claims/{claim.id}/links", data={
        "other_id": 99999, "relation": "same", "confirm": "1"}).status_code == 404
    checker.post("/logout")
    from tests.conftest import login

    login(editor, "editor")
    assert editor.post(f"/claims/{claim.id}/links", data={
        "other_id": 1, "relation": "same", "confirm": "1"}).status_code == 403


def similar_section(page: str) -> str:
    return page[page.index('id="similar-title"'):page.index('id="history-title"')]


def test_similar_claims_are_shown_in_the_order_of_the_figure_shown(checker, session, matcher):
    load_demo(session, matcher)
    claim = ingest_article(session, matcher, title="T", body=(
        "Bats are blind, the zoo keeper said.")).article.claims[0]
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
    load_demo(session, matcher)
    claim = ingest_article(session, matcher, title="T", body="Bats are blind.").article.claims[0]
    response = checker.post(f"/claims/{claim.id}/links",
                            data={"other_id": 1, "relation": "", "confirm": "1"})
    assert response.status_code == 422
    assert "Choose how the two claims relate before confirming the link." in response.text
    response = checker.post(f"/claims/{claim.id}/links",
                            data={"other_id": 1, "relation": "", "reject": "1"})
    assert response.status_code == 302
