import pytest
from sqlalchemy import select

from factcheck.models import AuditEvent
from factcheck.services.articles import ingest_article
from factcheck.services.claim_edits import dismiss_claim
from factcheck.services.errors import Conflict
from factcheck.services.queue import request_check
from factcheck.services.reviews import SourceInput, record_verdict


@pytest.fixture
def claims(session, matcher):
    return ingest_article(
        session,
        matcher,
        title="T",
        body=("Crime in Riverton doubled since 2020. The council met on Monday."),
    ).article.claims


def test_a_requested_check_moves_the_claim_to_the_top_and_is_audited(session, claims, users):
    crime, meeting = claims
    assert ranked(session, users["checker"])[0] == crime  # more check-worthy
    request_check(session, meeting, users["editor"])
    assert ranked(session, users["checker"])[0] == meeting
    assert meeting.check_requested_by == users["editor"] and meeting.check_requested_at
    request_check(session, meeting, users["checker"])  # a second request changes nothing
    assert meeting.check_requested_by == users["editor"]
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "claim.check_requested")
    ).all()
    assert [(e.entity_id, e.actor) for e in events] == [(meeting.id, users["editor"])]


def test_published_and_dismissed_claims_cannot_be_requested(session, claims, users):
    crime, meeting = claims
    record_verdict(
        session,
        crime,
        rating="false",
        reviewer=users["checker"],
        conclusion="c",
        sources=[SourceInput(url="https://x.example/")],
        publish=True,
    )
    dismiss_claim(session, meeting, reason="a meeting, not a claim", actor=users["checker"])
    with pytest.raises(Conflict, match="already has a published verdict"):
        request_check(session, crime, users["editor"])
    with pytest.raises(Conflict, match="a meeting, not a claim"):
        request_check(session, meeting, users["editor"])
    assert crime.check_requested_at is None and meeting.check_requested_at is None


def ranked(session, user, **filters):
    from factcheck.extensions import db
    from factcheck.services.queue import QueueFilters, queue_select

    return list(db.session.scalars(queue_select(QueueFilters(**filters), user=user)))


@pytest.mark.model
def test_the_queue_ranks_by_worth_recency_spread_and_requests(session, matcher, users):
    from datetime import timedelta

    from factcheck.models import utcnow
    from factcheck.services.links import decide_link

    old = utcnow() - timedelta(days=400)
    body = "Unemployment in Riverton fell to 4 percent in 2024."
    first = ingest_article(session, matcher, title="Old", body=body, published_at=old).article
    claim = first.claims[0]
    fresh = ingest_article(
        session,
        matcher,
        title="Fresh",
        published_at=utcnow(),
        body="The Riverton mayor said the bridge will cost 12 million dollars.",
    )
    bridge = fresh.article.claims[0]
    checker = users["checker"]
    [only_old] = ranked(session, checker, article_id=first.id)
    assert only_old.queue_priority == pytest.approx(only_old.checkworthiness)  # old news
    assert only_old.spread == 0
    assert bridge.queue_priority is None  # only the queue's query fills it in
    rows = {c.id: c for c in ranked(session, checker)}
    assert rows[bridge.id].queue_priority == pytest.approx(bridge.checkworthiness + 0.3)
    # Two more articles repeat the unemployment claim; a checker confirms them as the same.
    for title, text in (
        ("Echo", "Riverton's unemployment rate dropped to 4 percent in 2024."),
        ("Echo 2", "In 2024 unemployment in Riverton went down to 4 percent."),
    ):
        echo = ingest_article(session, matcher, title=title, published_at=old, body=text)
        decide_link(
            session,
            echo.article.claims[0],
            claim,
            confirm=True,
            relation="paraphrase",
            actor=checker,
        )
    rows = {c.id: c for c in ranked(session, checker)}
    assert rows[claim.id].spread == 2
    assert rows[claim.id].queue_priority == pytest.approx(claim.checkworthiness + 2 * 0.15)
    request_check(session, claim, users["editor"])
    top = ranked(session, checker)[0]
    assert top.id == claim.id and top.queue_priority == pytest.approx(
        claim.checkworthiness + 0.3 + 1.0
    )


def test_queue_filters(session, matcher, users):
    from factcheck.services.errors import InvalidInput
    from factcheck.services.queue import assign

    a = ingest_article(
        session,
        matcher,
        title="A",
        outlet="Riverton Post",
        body="Crime in Riverton doubled since 2020.",
    ).article
    b = ingest_article(
        session,
        matcher,
        title="B",
        outlet="Daily",
        body="The mayor said taxes will rise by 5 percent next year.",
    ).article
    checker = users["checker"]
    assign(session, a.claims[0], assignee=checker, actor=checker)
    assert [c.id for c in ranked(session, checker, outlet="Riverton Post")] == [a.claims[0].id]
    assert [c.id for c in ranked(session, checker, assignee="me")] == [a.claims[0].id]
    assert a.claims[0].id not in {c.id for c in ranked(session, checker, assignee="nobody")}
    assert {c.article_id for c in ranked(session, checker, article_id=b.id)} == {b.id}
    assert [c.id for c in ranked(session, checker, status="in_review")] == [a.claims[0].id]
    kind = b.claims[0].kind
    assert all(c.kind == kind for c in ranked(session, checker, kind=kind))
    dismiss_claim(session, b.claims[0], reason="prediction", actor=checker)
    assert b.claims[0].id not in {c.id for c in ranked(session, checker)}  # open only
    assert b.claims[0].id in {c.id for c in ranked(session, checker, status="all")}
    for bad in ({"status": "bogus"}, {"assignee": "x' OR 1=1 --"}):
        with pytest.raises(InvalidInput):
            ranked(session, checker, **bad)


def test_assigning_moves_a_new_claim_into_review_and_back(session, claims, users):
    from factcheck.models import ClaimStatus
    from factcheck.services.errors import Forbidden, InvalidInput
    from factcheck.services.queue import assign

    crime, _ = claims
    checker = users["checker"]
    assign(session, crime, assignee=checker, actor=checker)
    assert crime.assignee == checker and crime.status is ClaimStatus.IN_REVIEW
    assign(session, crime, assignee=None, actor=checker)
    assert crime.assignee is None and crime.status is ClaimStatus.NEW
    with pytest.raises(Forbidden):
        assign(session, crime, assignee=users["editor"], actor=users["editor"])
    with pytest.raises(InvalidInput, match="not a fact-checker"):
        assign(session, crime, assignee=users["editor"], actor=checker)
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("claim.%assigned"))
    ).all()
    assert [(e.action, e.details["status_to"]) for e in events] == [
        ("claim.assigned", "in_review"),
        ("claim.unassigned", "new"),
    ]


def test_claims_a_revision_dropped_leave_the_open_queue(session, claims, users, matcher):
    from factcheck.services.revisions import revise_article

    crime, meeting = claims
    article = crime.article
    revise_article(
        session,
        matcher,
        article,
        body="The council met on Monday.",
        editor=users["editor"],
        base_revision=article.revision,
    )
    assert crime.stale_since_revision is not None
    assert crime.id not in {c.id for c in ranked(session, users["checker"])}
    assert meeting.id in {c.id for c in ranked(session, users["checker"])}
    assert crime.id in {c.id for c in ranked(session, users["checker"], status="all")}
