import pytest
from sqlalchemy import select

from factcheck.models import AuditEvent
from factcheck.services.articles import ingest_article
from factcheck.services.claim_edits import dismiss_claim
from factcheck.services.claims import list_claims
from factcheck.services.errors import Conflict
from factcheck.services.queue import request_check
from factcheck.services.reviews import SourceInput, record_verdict


@pytest.fixture
def claims(session, matcher):
    return ingest_article(session, matcher, title="T", body=(
        "Crime in Riverton doubled since 2020. The council met on Monday.")).article.claims


def test_a_requested_check_moves_the_claim_to_the_top_and_is_audited(session, claims, users):
    crime, meeting = claims
    assert list_claims(session)[0][0] == crime  # more check-worthy
    request_check(session, meeting, users["editor"])
    assert list_claims(session)[0][0] == meeting
    assert meeting.check_requested_by == users["editor"] and meeting.check_requested_at
    request_check(session, meeting, users["checker"])  # a second request changes nothing
    assert meeting.check_requested_by == users["editor"]
    events = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "claim.check_requested")).all()
    assert [(e.entity_id, e.actor) for e in events] == [(meeting.id, users["editor"])]


def test_published_and_dismissed_claims_cannot_be_requested(session, claims, users):
    crime, meeting = claims
    record_verdict(session, crime, rating="false", reviewer=users["checker"], conclusion="c",
                   sources=[SourceInput(url="https://x.example/")], publish=True)
    dismiss_claim(session, meeting, reason="a meeting, not a claim", actor=users["checker"])
    with pytest.raises(Conflict, match="already has a published verdict"):
        request_check(session, crime, users["editor"])
    with pytest.raises(Conflict, match="a meeting, not a claim"):
        request_check(session, meeting, users["editor"])
    assert crime.check_requested_at is None and meeting.check_requested_at is None
