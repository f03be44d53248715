import pytest
from sqlalchemy import select

from factcheck.matching.search import search_claims
from factcheck.models import AuditEvent, Claim, ClaimStatus
from factcheck.services.articles import ingest_article
from factcheck.services.claim_edits import dismiss_claim, edit_claim, merge_claims, split_claim
from factcheck.services.errors import Forbidden, InvalidInput


@pytest.fixture
def article(session, matcher):
    return ingest_article(
        session,
        matcher,
        title="T",
        body=(
            "The port handled 2 million containers in 2023. Dock workers went on strike in May."
            "\n\nThe port handled two million containers in 2023 and hired 40 pilots."
        ),
    ).article


def actions(session, claim_id):
    return [
        e.action
        for e in session.scalars(
            select(AuditEvent).where(
                AuditEvent.entity_id == claim_id, AuditEvent.entity_type == "claim"
            )
        )
    ]


def test_edit_re_embeds_re_scores_and_is_audited(session, matcher, article, users):
    claim = article.claims[1]
    edit_claim(
        session,
        matcher,
        claim,
        text="Dock workers struck for 9 days in May 2023.",
        actor=users["checker"],
    )
    assert claim.kind == "quantity"
    assert search_claims(session, matcher, "dockers strike lasted nine days", k=1)[0].claim == claim
    event = session.scalar(select(AuditEvent).where(AuditEvent.action == "claim.edited"))
    assert event.details == {
        "before": "Dock workers went on strike in May.",
        "after": "Dock workers struck for 9 days in May 2023.",
    }


def test_split_keeps_the_place_in_the_text(session, matcher, article, users):
    claim = article.claims[0]
    parts = split_claim(
        session,
        matcher,
        claim,
        actor=users["checker"],
        texts=["The port handled 2 million containers.", "", "The port was open in 2023."],
    )
    assert [p.text for p in parts] == [
        "The port handled 2 million containers.",
        "The port was open in 2023.",
    ]
    assert parts[1].start == claim.start and parts[1].article_id == article.id
    assert parts[1].embedding is not None and parts[1].checkworthiness is not None
    assert actions(session, claim.id) == ["claim.split"]
    with pytest.raises(InvalidInput, match="at least two"):
        split_claim(session, matcher, claim, texts=["only one"], actor=users["checker"])


def test_merge_moves_the_spans_and_dismisses_the_duplicate(session, matcher, article, users):
    keep, other = article.claims[0], article.claims[2]
    merge_claims(session, keep, other, actor=users["checker"])
    assert [other.start, other.end] in keep.spans and len(keep.spans) == 2
    assert other.status is ClaimStatus.DISMISSED
    assert actions(session, other.id) == ["claim.dismissed"]
    with pytest.raises(InvalidInput):
        merge_claims(session, keep, keep, actor=users["checker"])


def test_dismiss_needs_a_reason_and_a_checker(session, article, users):
    claim = article.claims[1]
    with pytest.raises(InvalidInput, match="Say why"):
        dismiss_claim(session, claim, reason="  ", actor=users["checker"])
    with pytest.raises(Forbidden):
        dismiss_claim(session, claim, reason="opinion", actor=users["editor"])
    dismiss_claim(session, claim, reason="A prediction, not checkable yet.", actor=users["checker"])
    assert session.get(Claim, claim.id).status is ClaimStatus.DISMISSED


def test_a_claim_with_a_published_verdict_keeps_its_words(session, matcher, article, users):
    from factcheck.services.reviews import SourceInput, record_verdict

    claim = article.claims[1]
    record_verdict(
        session,
        claim,
        rating="true",
        reviewer=users["checker"],
        conclusion="c",
        sources=[SourceInput(url="https://a.example")],
        publish=True,
    )
    with pytest.raises(InvalidInput, match="published verdict"):
        edit_claim(session, matcher, claim, text="Something else.", actor=users["checker"])
    with pytest.raises(InvalidInput, match="published verdict"):
        split_claim(session, matcher, claim, texts=["a b", "c d"], actor=users["checker"])
