"""/alerts: the repeats of checked claims, newest first; checkers confirm or dismiss them."""

from __future__ import annotations

import pytest

from factcheck.models import AlertState
from factcheck.services import alerts
from factcheck.services.articles import ingest_article
from factcheck.services.demo import load_samples
from tests.conftest import login

pytestmark = pytest.mark.model  # real similarities: see tests/conftest.py


@pytest.fixture
def repeat(session, matcher, users):
    load_samples(session, matcher)
    return ingest_article(
        session,
        matcher,
        title="Trivia night",
        outlet="Quiz Weekly",
        url="https://quiz.example/trivia",
        body="Quiz hosts say that bats are blind.",
    ).article


def test_alerts_show_the_sentence_outlet_url_verdict_and_match(client, repeat, session):
    checker = login(client, "checker")
    page = checker.get("/alerts/")
    assert page.status_code == 200
    open_now = alerts.open_count(session)
    assert f'<span class="nav-count" aria-label="{open_now} open">{open_now}</span>' in page.text
    assert "Quiz hosts say that bats are blind." in page.text
    assert "Quiz Weekly" in page.text and "https://quiz.example/trivia" in page.text
    assert "Bats are blind." in page.text and "rating-false" in page.text
    assert "Confirm: same claim" in page.text and "Dismiss" in page.text


def test_a_checker_confirms_or_dismisses_and_the_count_goes_down(client, repeat, session):
    checker = login(client, "checker")
    mine = [a for a in alerts.list_alerts(session) if a.claim.article_id == repeat.id]
    before = alerts.open_count(session)
    response = checker.post(
        f"/alerts/{mine[0].id}", data={"confirm": "Confirm: same claim"}, follow_redirects=True
    )
    assert "carries its verdict" in response.text
    assert alerts.get_alert(session, mine[0].id).state is AlertState.CONFIRMED
    assert alerts.open_count(session) == before - 1
    again = checker.post(f"/alerts/{mine[0].id}", data={"dismiss": "Dismiss"})
    assert again.status_code == 409
    confirmed = checker.get("/alerts/?state=confirmed")
    assert "Quiz hosts say that bats are blind." in confirmed.text
    assert checker.get("/alerts/?state=bogus").status_code == 400
    assert checker.post("/alerts/999", data={"dismiss": "Dismiss"}).status_code == 404


def test_editors_see_alerts_but_do_not_decide(client, repeat, session):
    editor = login(client, "editor")
    page = editor.get("/alerts/")
    assert page.status_code == 200 and "Quiz hosts say" in page.text
    assert "Confirm: same claim" not in page.text
    alert = alerts.list_alerts(session)[0]
    assert editor.post(f"/alerts/{alert.id}", data={"confirm": "x"}).status_code == 403
