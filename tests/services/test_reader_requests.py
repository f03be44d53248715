"""Readers' requests: matched and grouped at once, counted in the queue, merged and split,
and answered by one email through a real SMTP server when the verdict is out."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from factcheck.extensions import db, get_matcher
from factcheck.job_engine import BackgroundConsumer, get_engine
from factcheck.models import Claim, ClaimStatus, Job, Origin, ReaderRequest, Review, utcnow
from factcheck.services import reader_requests
from factcheck.services.articles import ingest_article
from factcheck.services.errors import InvalidInput
from factcheck.services.links import decide_link
from factcheck.services.queue import QueueFilters, queue_select
from factcheck.services.reader_replies import ReplyLinks, compose
from factcheck.services.reader_requests import RequestLimits, submit
from factcheck.services.reviews import SourceInput, record_verdict
from factcheck.services.users import create_user
from tests.conftest import make_app
from tests.services.conftest import wait_for_jobs
from tests.smtp_server import REFUSED_DOMAIN

CRIME = "Crime in Riverton fell by half since 2020."
FARES = "Bus fares in Riverton rose 12 percent in 2024."
WITH_EMAIL = RequestLimits(emails_allowed=True)


def publish(session, claim, checker, *, rating="false", reason=""):
    return record_verdict(
        session,
        claim,
        rating=rating,
        reviewer=checker,
        publish=True,
        conclusion=f"Rated {rating}.",
        correction_reason=reason,
        sources=[SourceInput(url="https://stats.example/riverton")],
    )


def test_requests_about_the_same_claim_are_one_group(session, matcher):
    first = submit(session, matcher, text=CRIME)
    again = submit(session, matcher, text=f"  {CRIME} ")
    other = submit(session, matcher, text=FARES)
    assert first.request.claim_id == again.request.claim_id != other.request.claim_id
    assert first.request.claim.origin is Origin.READER
    assert first.answer is None and first.token != again.token
    assert [r.id for r in reader_requests.group(session, first.request.claim)] == [
        again.request.id,
        first.request.id,
    ]


def test_a_request_about_an_open_article_claim_joins_it(session, matcher, users):
    claim = ingest_article(
        session, matcher, title="T", body=FARES, submitted_by=users["editor"]
    ).article.claims[0]
    assert submit(session, matcher, text=FARES).request.claim_id == claim.id


def test_a_published_verdict_answers_at_once(session, matcher, users):
    claim = ingest_article(
        session, matcher, title="T", body=FARES, submitted_by=users["editor"]
    ).article.claims[0]
    review = publish(session, claim, users["checker"])
    done = submit(session, matcher, text=FARES, email="r@example.org", limits=WITH_EMAIL)
    assert done.answer == review and done.request.answered_at is not None
    assert done.request.email is None  # told on the spot: the address is not kept


def test_a_url_alone_groups_by_the_url(session, matcher):
    first = submit(session, matcher, text=None, url="https://social.example/p/1")
    again = submit(session, matcher, text="", url="https://social.example/p/1")
    assert first.request.claim_id == again.request.claim_id
    assert first.request.claim.text == "Seen at https://social.example/p/1"
    assert first.request.claim.embedding is None  # an address is not a claim to match


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"text": " ", "url": None}, "Tell us the claim"),
        ({"text": "x", "url": "javascript:alert(1)"}, "must be a web address"),
        ({"text": "x", "url": "https://news example/a"}, "must be a web address"),
        ({"text": "x", "url": "http://:80/a"}, "must be a web address"),
        ({"text": "x", "email": "a@b.org"}, "does not send replies by email"),
        ({"text": "y" * 1001}, "The claim is too long"),
        ({"text": "x", "note": "n" * 2001}, "The note is too long"),
    ],
)
def test_bad_requests_are_refused_and_nothing_is_stored(session, matcher, fields, message):
    with pytest.raises(InvalidInput, match=message):
        submit(session, matcher, **fields)
    assert session.scalars(select(ReaderRequest)).all() == []


def test_control_characters_never_reach_the_database(session, matcher):
    done = submit(session, matcher, text="Crime\x00 fell.", note="a\x00b")
    assert done.request.text == "Crime fell." and done.request.note == "ab"


def test_the_queue_counts_readers_and_ranks_by_them(session, matcher, users):
    for _ in range(3):
        asked = submit(session, matcher, text=CRIME).request.claim
    once = submit(session, matcher, text=FARES).request.claim
    old = session.scalars(select(ReaderRequest).where(ReaderRequest.claim_id == asked.id)).first()
    old.created_at = utcnow() - timedelta(days=10)
    session.commit()
    ranked = session.scalars(queue_select(QueueFilters(), user=users["checker"])).all()
    by_id = {c.id: c for c in ranked}
    assert (by_id[asked.id].readers, by_id[asked.id].readers_week) == (3, 2)
    assert by_id[asked.id].readers_today == 2 and by_id[once.id].readers == 1
    assert by_id[asked.id].queue_priority - by_id[asked.id].checkworthiness == pytest.approx(
        1.0 + 0.3 + 3 * 0.1
    )
    most = reader_requests.most_asked(session)
    assert [(a.claim.id, a.week, a.total) for a in most] == [(asked.id, 2, 3), (once.id, 1, 1)]


def test_a_checker_merges_and_splits_groups(session, matcher, users):
    crime = submit(session, matcher, text=CRIME).request
    second = submit(session, matcher, text=CRIME).request
    fares = submit(session, matcher, text=FARES).request
    fares_claim, checker = fares.claim, users["checker"]
    target = reader_requests.move_requests(
        session, fares_claim, [fares.id], target=crime.claim, matcher=matcher, actor=checker
    )
    assert target.id == crime.claim_id and fares.claim_id == crime.claim_id
    assert target.status is ClaimStatus.NEW
    # The emptied reader claim was a duplicate: it leaves the queue, saying where it went.
    assert fares_claim.status is ClaimStatus.DISMISSED
    assert f"merged into claim #{crime.claim_id}" in fares_claim.dismissal_reason
    split = reader_requests.move_requests(
        session, target, [fares.id], target=None, matcher=matcher, actor=checker
    )
    assert split.text == FARES and split.origin is Origin.READER and split.embedding is not None
    assert {r.id for r in reader_requests.group(session, target)} == {crime.id, second.id}
    with pytest.raises(InvalidInput, match="nothing to split"):
        reader_requests.move_requests(
            session, split, [fares.id], target=None, matcher=matcher, actor=checker
        )


def test_editors_cannot_move_requests(session, matcher, users):
    request = submit(session, matcher, text=CRIME).request
    other = submit(session, matcher, text=FARES).request
    with pytest.raises(Exception, match="Only fact-checkers"):
        reader_requests.move_requests(
            session,
            request.claim,
            [request.id],
            target=other.claim,
            matcher=matcher,
            actor=users["editor"],
        )


def test_addresses_are_forgotten_after_the_retention(session, matcher):
    kept = submit(session, matcher, text=CRIME, email="new@example.org", limits=WITH_EMAIL)
    old = submit(session, matcher, text=FARES, email="old@example.org", limits=WITH_EMAIL)
    old.request.created_at = utcnow() - timedelta(days=91)
    session.commit()
    assert reader_requests.purge_emails(session, received_before=utcnow() - timedelta(days=90))
    assert kept.request.email == "new@example.org"
    assert old.request.email is None and old.request.email_removed_at is not None


# Telling readers back, through a real SMTP server ------------------------------------------


@pytest.fixture
def mail_app(tmp_path, database_url, smtp_server):
    """An app on a file database with a job consumer, sending through the test SMTP server."""
    if database_url == "sqlite://":
        database_url = f"sqlite:///{tmp_path / 'mail.sqlite3'}"
    app = make_app(
        tmp_path,
        SQLALCHEMY_DATABASE_URI=database_url,
        PUBLIC_BASE_URL="https://desk.example",
        PUBLISHER_NAME="Riverton Checks",
        JOBS_RETRY_BASE_SECONDS=0.2,
        **smtp_server.settings,
    )
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def reply_jobs() -> list[Job]:
    return db.session.scalars(select(Job).where(Job.name == "reply_to_readers")).all()


def test_each_reader_gets_one_email_when_the_verdict_is_published(mail_app, mailbox):
    session, matcher = db.session, get_matcher()
    checker = create_user(session, email="c@example.org", password="long password", role="checker")
    one = submit(session, matcher, text=CRIME, email="one@example.org", limits=WITH_EMAIL)
    submit(session, matcher, text=CRIME, email="two@example.org", limits=WITH_EMAIL)
    submit(session, matcher, text=CRIME, limits=WITH_EMAIL)  # no email: nothing to send
    claim = one.request.claim
    with BackgroundConsumer(get_engine()):
        publish(session, claim, checker, rating="false")
        wait_for_jobs(*[job.id for job in reply_jobs()])
        messages = mailbox.wait_for(2)
        assert sorted(m["To"] for m in messages) == ["one@example.org", "two@example.org"]
        body = messages[0].get_content()
        assert f"https://desk.example/v/{claim.id}" in body
        assert "Rated false." in body and "False" in messages[0]["Subject"]
        assert "https://desk.example/ask/stop/" in body
        assert messages[0]["List-Unsubscribe"].strip().startswith("<https://desk.example/ask/stop/")
        assert "Riverton Checks" in messages[0]["From"]
        session.expire_all()
        stored = session.scalars(select(ReaderRequest)).all()
        assert all(r.email is None for r in stored)  # sent: the addresses are gone
        assert sum(r.replied_at is not None for r in stored) == 2
        # A correction sends nothing more: each reader gets one message.
        publish(session, claim, checker, rating="mostly-false", reason="A new figure.")
        wait_for_jobs(*[job.id for job in reply_jobs()])
    assert len(mailbox.messages) == 2


def test_a_group_merged_into_a_checked_claim_is_told(mail_app, mailbox):
    session, matcher = db.session, get_matcher()
    checker = create_user(session, email="c@example.org", password="long password", role="checker")
    checked = ingest_article(session, matcher, title="T", body=FARES).article.claims[0]
    publish(session, checked, checker)
    asked = submit(session, matcher, text=CRIME, email="r@example.org", limits=WITH_EMAIL)
    with BackgroundConsumer(get_engine()):
        reader_requests.move_requests(
            session,
            asked.request.claim,
            [asked.request.id],
            target=checked,
            matcher=matcher,
            actor=checker,
        )
        (message,) = mailbox.wait_for(1)
    assert message["To"] == "r@example.org"
    assert f"https://desk.example/v/{checked.id}" in message.get_content()


def test_a_confirmed_link_to_a_checked_claim_tells_the_readers(mail_app, mailbox):
    session, matcher = db.session, get_matcher()
    checker = create_user(session, email="c@example.org", password="long password", role="checker")
    checked = ingest_article(session, matcher, title="T", body=FARES).article.claims[0]
    publish(session, checked, checker)
    asked = submit(session, matcher, text=CRIME, email="r@example.org", limits=WITH_EMAIL)
    with BackgroundConsumer(get_engine()):
        decide_link(
            session,
            asked.request.claim,
            checked,
            confirm=True,
            relation="same",
            actor=checker,
            reason="The reader's post quotes the fares claim.",
        )
        (message,) = mailbox.wait_for(1)
    assert f"https://desk.example/v/{checked.id}" in message.get_content()


def test_a_refused_address_is_forgotten_and_the_others_are_sent(mail_app, mailbox):
    session, matcher = db.session, get_matcher()
    checker = create_user(session, email="c@example.org", password="long password", role="checker")
    bad = submit(
        session, matcher, text=CRIME, email=f"x@{REFUSED_DOMAIN}", limits=WITH_EMAIL
    ).request
    submit(session, matcher, text=CRIME, email="ok@example.org", limits=WITH_EMAIL)
    with BackgroundConsumer(get_engine()):
        publish(session, bad.claim, checker)
        (job,) = wait_for_jobs(*[job.id for job in reply_jobs()])
    assert job.result == {"sent": 1}
    assert [m["To"] for m in mailbox.messages] == ["ok@example.org"]
    session.expire_all()
    assert bad.email is None and bad.replied_at is None


@pytest.mark.slow  # waits out the retry delays
def test_an_unreachable_server_fails_the_job_for_a_retry_and_keeps_the_addresses(mail_app, mailbox):
    mail_app.config["SMTP_PORT"] = 9  # nothing listens there
    session, matcher = db.session, get_matcher()
    checker = create_user(session, email="c@example.org", password="long password", role="checker")
    asked = submit(session, matcher, text=CRIME, email="r@example.org", limits=WITH_EMAIL)
    with BackgroundConsumer(get_engine()):
        publish(session, asked.request.claim, checker)
        (job,) = wait_for_jobs(*[job.id for job in reply_jobs()])
    assert job.status.value == "failed" and job.attempts == 3
    assert "Could not send readers' replies through 127.0.0.1:9" in job.error
    session.expire_all()
    assert asked.request.email == "r@example.org"


def test_the_message_keeps_the_claim_on_one_line_in_its_subject():
    claim = Claim(text="Crime fell\nby half.")
    review = Review(claim=claim, rating="false", conclusion="It rose.")
    request = ReaderRequest(text="Crime fell", email="r@example.org", created_at=utcnow())
    message = compose(
        request,
        review,
        ReplyLinks(verdict="https://d.example/v/1", stop="https://d.example/ask/stop/x"),
        sender="Desk <noreply@d.example>",
        publisher="Desk",
    )
    assert message["Subject"] == "Our verdict: False: Crime fell by half."
    assert "https://d.example/v/1" in message.get_content()
