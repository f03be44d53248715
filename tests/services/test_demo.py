"""The Riverton demo: marked, kept out of real work, removed as a whole."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from factcheck.matching.search import similar_to_claims
from factcheck.models import Alert, AuditEvent, Claim, ClaimLink, Review, User
from factcheck.services import demo
from factcheck.services.articles import ingest_article
from factcheck.services.queue import QueueFilters, queue_select

REAL = "Crime in Riverton has doubled since 2020. The new tram line cost twice as much as planned."


def count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


def test_the_demo_is_marked_and_shown_until_real_work_exists(session, matcher, users):
    assert demo.is_empty(session)
    imported, created = demo.load_demo(session, matcher)
    assert imported == 41 and created
    assert not demo.is_empty(session)
    assert count(session, Claim, Claim.is_demo.is_(False)) == 0
    assert not demo.demo_hidden(session)  # the demo is all there is to try
    queue = session.scalars(queue_select(QueueFilters(), user=users["checker"])).all()
    assert queue and all(c.is_demo for c in queue)

    real = ingest_article(session, matcher, title="Real news", body=REAL).article
    assert not real.is_demo and not any(c.is_demo for c in real.claims)
    # A real claim that repeats a demo claim is not linked to it (no alert either).
    assert count(session, ClaimLink, ClaimLink.claim_id.in_([c.id for c in real.claims])) == 0
    assert demo.demo_hidden(session)
    hidden = demo.hidden_demo_ids(session)
    filters = QueueFilters(hide_demo=True)
    queue = session.scalars(queue_select(filters, user=users["checker"])).all()
    assert queue and not any(c.is_demo for c in queue)
    similar = similar_to_claims(session, matcher, real.claims, k=5, exclude=hidden)
    assert all(not s.claim.is_demo for found in similar.values() for s in found)


@pytest.mark.model  # the demo article repeats demo claims in other words
def test_removing_the_demo_takes_everything_and_the_index_agrees(session, matcher, users):
    demo.load_demo(session, matcher)
    real = ingest_article(session, matcher, title="Real news", body=REAL).article
    real_ids = {c.id for c in real.claims}
    demo_ids = demo.demo_claim_ids(session)
    assert count(session, Alert) > 0  # the demo article repeats demo claims
    matcher_ids = {int(i) for i in matcher.index.ids()}
    if session.get_bind().dialect.name == "sqlite":
        assert demo_ids <= matcher_ids

    removed = demo.remove_demo(session, matcher, actor=users["admin"])
    assert removed.claims == len(demo_ids) and removed.articles == 1 and removed.reviews >= 41
    assert count(session, Claim, Claim.is_demo.is_(True)) == 0
    assert {c for c in session.scalars(select(Claim.id))} == real_ids
    assert count(session, Alert) == 0 and count(session, Review) == 0
    assert count(session, ClaimLink) == 0
    assert (
        count(
            session,
            AuditEvent,
            AuditEvent.entity_type == "claim",
            AuditEvent.entity_id.in_(demo_ids),
        )
        == 0
    )
    assert count(session, User) == len(users)  # nobody's account goes with it
    if session.get_bind().dialect.name == "sqlite":
        # The in-memory index follows the vector log: exactly the claims left.
        assert {int(i) for i in matcher.index.ids()} == real_ids
    found = similar_to_claims(session, matcher, real.claims, k=5)
    assert all(s.claim.id in real_ids for f in found.values() for s in f)
    assert not demo.has_demo(session) and not demo.demo_hidden(session)


@pytest.mark.sqlite_only
def test_the_cli_loads_into_an_empty_database_only_and_removes(app, session, matcher):
    runner = app.test_cli_runner()
    ingest_article(session, matcher, title="Real news", body=REAL)
    out = runner.invoke(args=["demo", "load", "--if-empty"]).output
    assert "not loaded" in out and not demo.has_demo(session)
    out = runner.invoke(args=["demo", "load"]).output
    assert "41 sample claims imported" in out and demo.has_demo(session)
    out = runner.invoke(args=["demo", "remove"]).output
    assert "Demo removed:" in out and "audit rows" in out
    assert not demo.has_demo(session)


@pytest.mark.model  # the demo article repeats demo claims in other words
def test_demo_alerts_stay_out_once_real_work_exists(session, matcher):
    from factcheck.services.alerts import list_alerts, open_count

    demo.load_demo(session, matcher)
    shown = open_count(session)
    assert shown > 0  # the demo article repeats demo verdicts: something to try
    ingest_article(session, matcher, title="Real news", body=REAL)
    assert demo.demo_hidden(session)
    assert open_count(session, hide_demo=True) == 0
    assert list_alerts(session, hide_demo=True) == []
    assert len(list_alerts(session)) == shown
