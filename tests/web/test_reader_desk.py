"""The desk sees readers' requests: one item per claim, counted, ranked, merged and split."""

from __future__ import annotations

from sqlalchemy import select

from factcheck.models import ClaimStatus, ReaderRequest
from factcheck.services.reader_requests import RequestLimits, submit

CRIME = "Crime in Riverton fell by half since 2020."
FARES = "Bus fares in Riverton rose 12 percent in 2024."


def asked(session, matcher, text: str, times: int = 1, **extra) -> list[ReaderRequest]:
    return [submit(session, matcher, text=text, **extra).request for _ in range(times)]


def test_the_queue_shows_how_many_readers_asked(checker, session, matcher):
    crime = asked(session, matcher, CRIME, 3)[0].claim
    asked(session, matcher, FARES)
    page = checker.get("/queue").text
    assert "asked by 3 readers" in page and "asked by 1 reader<" in page
    assert 'title="3 today, 3 in the last 7 days"' in page
    assert "sent by readers" in page
    assert page.index(CRIME) < page.index(FARES)  # more readers, higher in the queue
    assert f"/claims/{crime.id}" in page


def test_the_claim_page_lists_the_group_without_addresses(checker, session, matcher):
    requests = asked(
        session,
        matcher,
        CRIME,
        2,
        email="reader@example.org",
        limits=RequestLimits(emails_allowed=True),
        url="https://social.example/p/9",
        note="Seen in a group chat.",
    )
    page = checker.get(f"/claims/{requests[0].claim_id}").text
    assert "Asked by 2 readers" in page and "2 today · 2 this week" in page
    assert "https://social.example/p/9" in page and "Seen in a group chat." in page
    assert "waits for an email" in page and "reader@example.org" not in page
    assert "a reader asked about this claim" in page  # in the history


def test_a_checker_merges_a_group_into_another_claim(checker, session, matcher):
    (fares,) = asked(session, matcher, FARES)
    crime = asked(session, matcher, CRIME)[0].claim
    source = fares.claim
    response = checker.post(
        f"/claims/{source.id}/readers/move",
        data={"requests": [str(fares.id)], "target": str(crime.id), "merge": "1"},
    )
    assert response.status_code == 302
    page = checker.get(response.location).text
    assert f"Moved 1 request to claim {crime.id}." in page
    session.expire_all()
    assert fares.claim_id == crime.id and source.status is ClaimStatus.DISMISSED
    assert "Asked by 2 readers" in checker.get(f"/claims/{crime.id}").text


def test_a_checker_splits_a_request_off_its_group(checker, session, matcher):
    first, second = asked(session, matcher, CRIME, 2)
    response = checker.post(
        f"/claims/{first.claim_id}/readers/move",
        data={"requests": [str(second.id)], "split": "1"},
    )
    assert response.status_code == 302
    session.expire_all()
    assert second.claim_id != first.claim_id
    assert len(session.scalars(select(ReaderRequest)).all()) == 2


def test_moving_needs_a_choice_and_a_claim(checker, session, matcher):
    (request,) = asked(session, matcher, CRIME)
    nothing = checker.post(f"/claims/{request.claim_id}/readers/move", data={"split": "1"})
    assert nothing.status_code == 422 and "Choose at least one" in nothing.text
    no_target = checker.post(
        f"/claims/{request.claim_id}/readers/move",
        data={"requests": [str(request.id)], "merge": "1"},
    )
    assert no_target.status_code == 400 and "Give the number of the claim" in no_target.text


def test_editors_cannot_move_requests(editor, session, matcher):
    (request,) = asked(session, matcher, CRIME)
    response = editor.post(
        f"/claims/{request.claim_id}/readers/move",
        data={"requests": [str(request.id)], "split": "1"},
    )
    assert response.status_code == 403


def test_the_dashboard_shows_the_most_asked_claims_of_the_week(editor, session, matcher):
    asked(session, matcher, CRIME, 2)
    asked(session, matcher, FARES)
    page = editor.get("/dashboard").text
    assert "Most asked by readers this week" in page
    assert "asked by 2 readers this week" in page and "asked by 1 reader this week" in page
    assert page.index(CRIME) < page.index(FARES)
