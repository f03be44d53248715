"""Repeated by N outlets: claims many sources carry lately rise in the queue and the dashboard."""

from datetime import timedelta

import pytest

from factcheck.models import utcnow
from factcheck.services.articles import ingest_article
from factcheck.services.dashboard import DashboardFilter, dashboard
from factcheck.services.links import decide_link
from factcheck.services.repeats import repeated_by
from tests.services.test_queue import ranked

pytestmark = pytest.mark.model  # repeats come from links made by real similarities

CLAIM = "Unemployment in Riverton fell to 4 percent in 2024."
REPEATS = [
    ("Gazette", "Riverton's unemployment rate dropped to 4 percent in 2024."),
    ("Courier", "In 2024 unemployment in Riverton went down to 4 percent."),
    ("Courier", "Unemployment in Riverton fell to 4 percent in 2024, the city said."),
]


def article(session, matcher, outlet, body, *, days_ago=0.0):
    return ingest_article(
        session,
        matcher,
        title=f"{outlet}: {body[:20]}",
        body=body,
        outlet=outlet,
        published_at=utcnow() - timedelta(days=days_ago),
    ).article


def test_outlets_repeating_a_claim_today_raise_it_in_the_queue(session, matcher, users):
    first = article(session, matcher, "Herald", CLAIM).claims[0]
    bridge = article(session, matcher, "Herald", "The bridge will cost 12 million dollars.")
    before = {c.id: (c.queue_priority, c.repeats) for c in ranked(session, users["checker"])}
    assert before[first.id][1] == 0
    for outlet, body in REPEATS:  # suggested links only: no one confirmed them
        article(session, matcher, outlet, body)
    # Not repeats: another number (a near miss), last week's story, a link a checker rejected.
    article(session, matcher, "Tribune", "Unemployment in Riverton fell to 9 percent in 2024.")
    article(session, matcher, "Ledger", REPEATS[0][1] + " Officials agreed.", days_ago=3)
    rejected = article(session, matcher, "Post", REPEATS[1][1] + " Really.").claims[0]
    decide_link(session, rejected, first, confirm=False, relation="same", actor=users["checker"])
    rows = {c.id: c for c in ranked(session, users["checker"])}
    assert rows[first.id].repeats == 3  # Herald, Gazette, Courier
    assert rows[first.id].queue_priority == pytest.approx(before[first.id][0] + 2 * 0.1)
    assert rows[bridge.claims[0].id].repeats == 0
    assert repeated_by(session, [first.id], since=utcnow() - timedelta(days=7)) == {first.id: 4}


def test_the_dashboard_puts_a_claim_repeated_this_week_first_and_says_so(
    session, matcher, users, editor
):
    first = article(session, matcher, "Herald", CLAIM, days_ago=2).claims[0]
    worthier = article(
        session, matcher, "Herald", "The mayor said crime doubled since 2020 in Riverton."
    ).claims[0]
    plain = dashboard(session, DashboardFilter())
    assert plain.repeats == {}
    for outlet, body in REPEATS[:2]:
        article(session, matcher, outlet, body, days_ago=1.5)
    result = dashboard(session, DashboardFilter())
    assert result.repeats[first.id] == 3
    order = [c.id for c in result.flagged]
    assert order.index(first.id) < order.index(worthier.id)
    page = editor.get("/dashboard")
    assert "repeated by 3 outlets this week" in page.text
