import pytest
from sqlalchemy import select, update

from factcheck.models import AuditEvent, ClaimStatus, Review, ReviewStatus, Role
from factcheck.services.articles import ingest_article
from factcheck.services.claim_edits import dismiss_claim, reopen_claim
from factcheck.services.errors import Conflict, Forbidden, InvalidInput
from factcheck.services.reviews import (
    SourceInput,
    approve_review,
    record_verdict,
    return_review,
    working_review,
)
from factcheck.services.users import create_user
from tests.conftest import PASSWORD

SOURCE = SourceInput(url="https://stats.example/report", title="Report", stance="refutes")


@pytest.fixture
def claim(session, matcher):
    return ingest_article(
        session, matcher, title="T", body="Crime doubled since 2020."
    ).article.claims[0]


@pytest.fixture
def second(session, users):
    return create_user(session, email="second@example.org", password=PASSWORD, role=Role.CHECKER)


def publish(session, claim, checker, rating="false", **kwargs):
    return record_verdict(
        session,
        claim,
        rating=rating,
        reviewer=checker,
        conclusion="c",
        sources=[SOURCE],
        publish=True,
        **kwargs,
    )


def actions(session, claim):
    return [
        e.action
        for e in session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_id == claim.id, AuditEvent.action.like("review.%")
            )
        )
    ]


def test_publishing_a_verdict_sets_status_sources_and_audit(session, claim, users):
    review = record_verdict(
        session,
        claim,
        rating="false",
        reviewer=users["checker"],
        conclusion="Crime fell 8 percent.",
        sources=[SOURCE],
        publish=True,
    )
    assert review.status is ReviewStatus.PUBLISHED and review.published_at is not None
    assert claim.status is ClaimStatus.PUBLISHED and claim.verdict == review
    assert review.sources[0].stance.value == "refutes"
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "review.published"))
    assert event.details["status_from"] == "new" and event.actor == users["checker"]
    assert event.details["sources"] == ["refutes: https://stats.example/report"]


def test_a_draft_keeps_the_claim_in_review_and_is_updated_in_place(session, claim, users):
    first = record_verdict(session, claim, rating="half-true", reviewer=users["checker"])
    assert claim.status is ClaimStatus.IN_REVIEW and claim.verdict is None
    assert claim.assignee == users["checker"]  # whoever drafts takes an unassigned claim
    again = record_verdict(
        session, claim, rating="false", reviewer=users["checker"], sources=[SOURCE]
    )
    assert again.id == first.id and again.rating == "false" and len(again.sources) == 1
    assert session.scalars(select(Review)).all() == [first]
    assert actions(session, claim) == ["review.drafted", "review.drafted"]


def test_a_correction_is_a_new_review_with_a_reason_and_the_old_one_stays(session, claim, users):
    old = publish(session, claim, users["checker"])
    with pytest.raises(InvalidInput, match="say what was wrong"):
        publish(session, claim, users["checker"], rating="mostly-false")
    session.rollback()
    new = publish(
        session,
        claim,
        users["checker"],
        rating="mostly-false",
        correction_reason="The 2020 figure was revised.",
    )
    assert [r.rating for r in session.scalars(select(Review))] == ["false", "mostly-false"]
    assert old.status is ReviewStatus.PUBLISHED and claim.verdict == new
    assert new.correction_of == old and new.correction_reason == "The 2020 figure was revised."
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.action == "review.published")
    ).all()[-1]
    assert event.details["corrects"] == old.id
    assert event.details["correction_reason"] == "The 2020 figure was revised."


def test_a_draft_correction_keeps_a_published_claim_published(session, claim, users):
    publish(session, claim, users["checker"])
    record_verdict(session, claim, rating="mostly-false", reviewer=users["checker"])
    assert claim.status is ClaimStatus.PUBLISHED and claim.verdict.rating == "false"


def test_second_review_author_cannot_approve_another_checker_can(session, claim, users, second):
    review = publish(session, claim, users["checker"], second_review=True)
    assert review.status is ReviewStatus.SUBMITTED and claim.status is ClaimStatus.CHECKED
    assert claim.verdict is None and working_review(claim) == review
    with pytest.raises(Forbidden, match="another fact-checker has to approve"):
        approve_review(session, review, approver=users["checker"], version=review.version)
    with pytest.raises(Forbidden):
        approve_review(session, review, approver=users["editor"], version=review.version)
    assert review.status is ReviewStatus.SUBMITTED
    approve_review(session, review, approver=second, version=review.version)
    assert review.status is ReviewStatus.PUBLISHED and review.approved_by == second
    assert claim.status is ClaimStatus.PUBLISHED and claim.verdict == review
    assert actions(session, claim) == ["review.submitted", "review.published"]
    with pytest.raises(Conflict):
        approve_review(session, review, approver=second, version=review.version)


def test_a_returned_verdict_is_a_draft_again_with_the_reason(session, claim, users, second):
    review = publish(session, claim, users["checker"], second_review=True)
    with pytest.raises(InvalidInput, match="what the author should change"):
        return_review(session, review, actor=second, reason="  ")
    return_review(session, review, actor=second, reason="Source 1 is paywalled.")
    assert review.status is ReviewStatus.DRAFT and claim.status is ClaimStatus.IN_REVIEW
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "review.returned"))
    assert event.details["reason"] == "Source 1 is paywalled." and event.actor == second


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"rating": "sort-of"}, InvalidInput, "Unknown rating"),
        ({"rating": "false", "publish": True, "sources": [SOURCE]}, InvalidInput, "conclusion"),
        ({"rating": "false", "publish": True, "conclusion": "c"}, InvalidInput, "source"),
        (
            {"rating": "false", "sources": [SourceInput(url="https://x.example", stance="maybe")]},
            InvalidInput,
            "stance",
        ),
    ],
)
def test_invalid_verdicts_are_refused(session, claim, users, kwargs, error, message):
    with pytest.raises(error, match=message):
        record_verdict(session, claim, reviewer=users["checker"], **kwargs)
    session.rollback()
    assert session.scalar(select(Review)) is None


def test_editors_cannot_record_verdicts(session, claim, users):
    with pytest.raises(Forbidden):
        record_verdict(session, claim, rating="true", reviewer=users["editor"])


def test_a_dismissed_claim_takes_no_verdict_until_reopened(session, claim, users):
    dismiss_claim(session, claim, reason="an opinion", actor=users["checker"])
    assert claim.dismissal_reason == "an opinion"
    with pytest.raises(Conflict, match="reopen"):
        publish(session, claim, users["checker"])
    reopen_claim(session, claim, actor=users["checker"])
    assert claim.status is ClaimStatus.NEW and claim.dismissal_reason is None
    publish(session, claim, users["checker"])
    with pytest.raises(InvalidInput, match="correct the verdict instead"):
        dismiss_claim(session, claim, reason="changed my mind", actor=users["checker"])


def test_an_approval_names_the_version_it_read(session, claim, users, second):
    review = publish(session, claim, users["checker"], second_review=True)
    read = review.version
    publish(session, claim, users["checker"], rating="true", second_review=True)
    assert review.version == read + 1
    with pytest.raises(Conflict, match="changed since you opened it: review again"):
        approve_review(session, review, approver=second, version=read)
    assert review.status is ReviewStatus.SUBMITTED and claim.verdict is None


def test_a_save_that_lands_while_approving_is_not_published(session, claim, users, second):
    """The author saves "true" after the approver's checks passed on "false": the UPDATE that
    would publish matches no row, so nothing is published."""
    review = publish(session, claim, users["checker"], second_review=True)
    read = review.version
    # Another worker's save, behind this session's back (its loaded objects are not told).
    session.execute(
        update(Review)
        .where(Review.id == review.id)
        .values(rating="true", version=Review.version + 1)
        .execution_options(synchronize_session=False)
    )
    assert review.version == read and review.rating == "false"  # what the approver read
    with pytest.raises(Conflict, match="changed since you opened it"):
        approve_review(session, review, approver=second, version=read)
    session.expire_all()
    assert session.get(Review, review.id).status is ReviewStatus.SUBMITTED
    assert "review.published" not in actions(session, claim)
