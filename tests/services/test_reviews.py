import pytest
from sqlalchemy import select

from factcheck.models import AuditEvent, ClaimStatus, Review, ReviewStatus
from factcheck.services.articles import ingest_article
from factcheck.services.errors import Forbidden, InvalidInput
from factcheck.services.reviews import SourceInput, record_verdict

SOURCE = SourceInput(url="https://stats.example/report", title="Report", stance="refutes")


@pytest.fixture
def claim(session, matcher):
    return ingest_article(session, matcher, title="T", body="Crime doubled since 2020.").article.claims[0]


def test_publishing_a_verdict_sets_status_sources_and_audit(session, claim, users):
    review = record_verdict(session, claim, rating="false", reviewer=users["checker"],
                            conclusion="Crime fell 8 percent.", sources=[SOURCE], publish=True)
    assert review.status is ReviewStatus.PUBLISHED and review.published_at is not None
    assert claim.status is ClaimStatus.PUBLISHED and claim.verdict == review
    assert review.sources[0].stance.value == "refutes"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "review.published"))
    assert event.details["status_from"] == "new" and event.actor == users["checker"]


def test_a_draft_keeps_the_claim_in_review_without_a_verdict(session, claim, users):
    record_verdict(session, claim, rating="half-true", reviewer=users["checker"])
    assert claim.status is ClaimStatus.IN_REVIEW and claim.verdict is None


def test_a_correction_is_a_new_review_and_the_old_one_stays(session, claim, users):
    for rating in ("false", "mostly-false"):
        record_verdict(session, claim, rating=rating, reviewer=users["checker"], conclusion="c",
                       sources=[SOURCE], publish=True)
    assert [r.rating for r in session.scalars(select(Review))] == ["false", "mostly-false"]
    assert claim.verdict.rating == "mostly-false"


@pytest.mark.parametrize("kwargs, error, message", [
    ({"rating": "sort-of"}, InvalidInput, "Unknown rating"),
    ({"rating": "false", "publish": True, "sources": [SOURCE]}, InvalidInput, "conclusion"),
    ({"rating": "false", "publish": True, "conclusion": "c"}, InvalidInput, "source"),
])
def test_invalid_verdicts_are_refused(session, claim, users, kwargs, error, message):
    with pytest.raises(error, match=message):
        record_verdict(session, claim, reviewer=users["checker"], **kwargs)
    assert session.scalar(select(Review)) is None


def test_editors_cannot_record_verdicts(session, claim, users):
    with pytest.raises(Forbidden):
        record_verdict(session, claim, rating="true", reviewer=users["editor"])


def test_a_draft_correction_keeps_a_published_claim_published(session, claim, users):
    record_verdict(session, claim, rating="false", reviewer=users["checker"], conclusion="c",
                   sources=[SOURCE], publish=True)
    record_verdict(session, claim, rating="mostly-false", reviewer=users["checker"])
    assert claim.status is ClaimStatus.PUBLISHED and claim.verdict.rating == "false"
