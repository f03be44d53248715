"""Alerts on repeats: raised at ingest against published verdicts, decided by checkers."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from factcheck.extensions import db
from factcheck.jobs import render_delivery
from factcheck.models import Alert, AlertState, LinkState, WebhookDelivery
from factcheck.outbound import OutboundPolicy
from factcheck.services import alerts, webhooks
from factcheck.services.articles import ingest_article
from factcheck.services.demo import load_samples
from factcheck.services.errors import Conflict, Forbidden
from factcheck.services.repeats import repeated_this_week

REPEAT = (
    "Bats are blind. You can see the Great Wall of China from the Moon. The jazz "
    "festival sold out its tickets in an hour."
)


@pytest.fixture
def repeated(session, matcher, users):
    """The demo's checked claims, then an article repeating two of them."""
    load_samples(session, matcher)
    return ingest_article(
        session,
        matcher,
        title="Trivia night",
        body=REPEAT,
        url="https://quiz.example/trivia",
        outlet="Quiz Weekly",
    ).article


def of(article, state=AlertState.OPEN):
    """The alerts of ARTICLE (the demo's own article raises some when the demo loads)."""
    return [
        a for a in alerts.list_alerts(db.session, state=state) if a.claim.article_id == article.id
    ]


@pytest.mark.model
def test_claims_matching_published_verdicts_raise_alerts(repeated, session):
    raised = of(repeated)
    assert {a.other.text for a in raised} == {
        "Bats are blind.",
        "The Great Wall of China is visible from the Moon with the naked eye.",
    }
    bats = next(a for a in raised if a.other.text == "Bats are blind.")
    assert bats.automatic and bats.link.state is LinkState.CONFIRMED and bats.similarity > 0.92
    wall = next(a for a in raised if a is not bats)
    assert not wall.automatic and wall.link.state is LinkState.SUGGESTED
    assert wall.review.rating == "false"
    assert repeated_this_week(session, [bats.other_id]) == {bats.other_id: 1}


@pytest.mark.model  # "the council said" now stays in the claim: a paraphrase
def test_no_alert_for_claims_without_a_verdict_or_across_a_near_miss(session, matcher, users):
    load_samples(session, matcher)
    first = ingest_article(
        session, matcher, title="Rents", body="Rents in Riverton rose 9 percent in the spring."
    ).article
    again = ingest_article(
        session,
        matcher,
        title="Rents again",
        body="Rents in Riverton rose 9 percent in the spring, the council said.",
    ).article
    near = ingest_article(
        session,
        matcher,
        title="Wall",
        body=("The Great Wall of China is visible from the Moon with a telescope since 1970."),
    ).article
    assert again.claims[0].links  # it matches the first, which nobody checked
    for article in (first, again, near):
        assert of(article, None) == []


@pytest.mark.model
def test_confirming_carries_the_verdict_and_dismissing_rejects_the_suggestion(
    repeated, session, users
):
    wall = next(a for a in of(repeated) if not a.automatic)
    bats = next(a for a in of(repeated) if a.automatic)
    with pytest.raises(Forbidden):
        alerts.confirm(session, wall.id, actor=users["editor"])
    alerts.confirm(session, wall.id, actor=users["checker"])
    assert wall.state is AlertState.CONFIRMED and wall.decided_by == users["checker"]
    assert wall.link.state is LinkState.CONFIRMED
    assert wall.claim.carried_verdict.rating == "false"
    with pytest.raises(Conflict):
        alerts.dismiss(session, wall.id, actor=users["checker"])
    alerts.dismiss(session, bats.id, actor=users["checker"])
    assert bats.state is AlertState.DISMISSED
    assert bats.link.state is LinkState.CONFIRMED  # confirmed at ingest: left to the claim page
    assert of(repeated) == []


def test_each_alert_goes_to_webhooks_as_claim_repeated(session, matcher, users):
    load_samples(session, matcher)
    webhooks.create_webhook(session, url="https://hooks.example/in", policy=OutboundPolicy())
    article = ingest_article(
        session,
        matcher,
        title="Trivia",
        body="Bats are blind.",
        url="https://quiz.example/bats",
        outlet="Quiz Weekly",
    ).article
    (alert,) = [a for a in session.scalars(select(Alert)) if a.claim.article_id == article.id]
    (delivery,) = session.scalars(
        select(WebhookDelivery).where(WebhookDelivery.alert_id == alert.id)
    ).all()
    assert delivery.event == "claim.repeated" and delivery.alert_id == alert.id
    body = json.loads(render_delivery(delivery))
    assert body["@type"] == "ClaimReview" and body["claimReviewed"] == "Bats are blind."
    assert body["reviewRating"]["alternateName"] == "False"
    first = body["itemReviewed"]["appearance"][0]
    assert first["url"] == "https://quiz.example/bats" and first["headline"] == "Trivia"
    assert first["publisher"]["name"] == "Quiz Weekly"
    assert body["repeat"]["claimId"] == article.claims[0].id
    assert body["repeat"]["alertId"] == alert.id and body["repeat"]["automatic"] is True
