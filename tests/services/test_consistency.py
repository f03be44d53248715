import pytest

from factcheck.services.articles import ingest_article
from factcheck.services.consistency import conflicts, conflicts_for
from factcheck.services.links import decide_link
from factcheck.services.reviews import SourceInput, record_verdict

pytestmark = pytest.mark.model  # real similarities: see tests/conftest.py

SOURCE = SourceInput(url="https://stats.example/report", title="Report", stance="refutes")


@pytest.fixture
def pair(session, matcher):
    first = ingest_article(
        session, matcher, title="One", body="Crime in Riverton doubled since 2020."
    ).article.claims[0]
    second = ingest_article(
        session, matcher, title="Two", body="Riverton has seen crime double since 2020."
    ).article.claims[0]
    return first, second


def publish(session, claim, rating, checker):
    record_verdict(
        session,
        claim,
        rating=rating,
        reviewer=checker,
        conclusion="c",
        sources=[SOURCE],
        publish=True,
        correction_reason="new figures" if claim.verdict else "",
    )


def test_same_claims_with_different_verdicts_conflict_on_both_sides(session, pair, users):
    first, second = pair
    checker = users["checker"]
    publish(session, first, "false", checker)
    publish(session, second, "true", checker)
    assert conflicts(session) == [] and conflicts_for(session, first) == []  # not linked yet
    decide_link(session, second, first, confirm=True, relation="paraphrase", actor=checker)
    [found] = conflicts(session)
    assert {found.claim.id, found.other.id} == {first.id, second.id}
    assert {found.verdict.rating, found.other_verdict.rating} == {"false", "true"}
    [from_first] = conflicts_for(session, first)
    [from_second] = conflicts_for(session, second)
    assert (from_first.claim, from_first.other) == (first, second)
    assert (from_second.claim, from_second.other) == (second, first)
    assert from_first.other_verdict.rating == "true"


def test_links_both_ways_are_one_conflict(session, pair, users):
    first, second = pair
    checker = users["checker"]
    publish(session, first, "false", checker)
    publish(session, second, "mostly-true", checker)
    decide_link(session, first, second, confirm=True, relation="same", actor=checker)
    decide_link(session, second, first, confirm=True, relation="same", actor=checker)
    assert len(conflicts(session)) == 1 and len(conflicts_for(session, first)) == 1


@pytest.mark.parametrize(
    "ratings, relation, confirm",
    [
        (("false", "false"), "same", True),  # the same verdict agrees
        (("false", "true"), "related", True),  # a related claim may well be rated otherwise
        (("false", "true"), "contradicts", True),
        (("false", "true"), "same", False),  # a rejected link says they are not the same
        (("false", None), "same", True),  # one side has no verdict: it carries the other's
    ],
)
def test_no_conflict(session, pair, users, ratings, relation, confirm):
    first, second = pair
    checker = users["checker"]
    for claim, rating in zip(pair, ratings, strict=True):
        if rating:
            publish(session, claim, rating, checker)
    decide_link(session, first, second, confirm=confirm, relation=relation, actor=checker)
    assert conflicts(session) == []
    assert conflicts_for(session, first) == [] and conflicts_for(session, second) == []


def test_a_correction_that_agrees_resolves_the_conflict(session, pair, users):
    first, second = pair
    checker = users["checker"]
    publish(session, first, "false", checker)
    publish(session, second, "true", checker)
    decide_link(session, first, second, confirm=True, relation="same", actor=checker)
    assert conflicts(session)
    publish(session, second, "false", checker)
    assert conflicts(session) == []
