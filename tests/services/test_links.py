from sqlalchemy import select

from factcheck.models import AuditEvent, ClaimLink, LinkState, Relation
from factcheck.services.articles import ingest_article
from factcheck.services.demo import load_demo
from factcheck.services.links import Thresholds, decide_link


def links_of(claim):  # noqa: ANN001, ANN201
    return {link.other.text: link for link in claim.links}


def test_ingest_suggests_links_and_auto_confirms_only_clear_matches(session, matcher):
    load_demo(session, matcher)
    article = ingest_article(session, matcher, title="T", thresholds=Thresholds(0.6, 0.9), body=(
        "Bats are blind.\n\n"
        "Riverton's city budget for 2025 grew by 4 percent compared with 2024."))
    bats, budget = article.article.claims
    bats_link = links_of(bats)["Bats are blind."]
    assert bats_link.state is LinkState.CONFIRMED and bats_link.relation is Relation.SAME
    assert bats.carried_verdict.rating == "false"
    # 4 percent vs the stored 40 percent: a near miss, proposed but never confirmed by itself
    budget_link = links_of(budget)["Riverton's city budget for 2025 grew by 40 percent compared with 2024."]
    assert budget_link.state is LinkState.SUGGESTED and budget_link.similarity >= 0.9
    assert budget_link.near_miss == ["4 percent vs 40 percent"]  # each in its own words
    assert budget.carried_verdict is None
    assert session.scalar(select(AuditEvent).where(AuditEvent.action == "link.auto_confirmed"))


def test_a_checker_confirms_rejects_and_changes_the_relation(session, matcher, users):
    load_demo(session, matcher)
    claim = ingest_article(session, matcher, title="T", thresholds=Thresholds(0.5, 0.99),
                           body="Goldfish only remember things for three seconds.").article.claims[0]
    link = next(iter(claim.links))
    assert link.state is LinkState.SUGGESTED and claim.carried_verdict is None
    decide_link(session, claim, link.other, confirm=True, relation="paraphrase",
                actor=users["checker"])
    assert claim.carried_verdict.rating == "false"
    decide_link(session, claim, link.other, confirm=True, relation="related",
                actor=users["checker"])
    assert claim.carried_verdict is None  # only same/paraphrase carry the verdict
    decide_link(session, claim, link.other, confirm=False, relation="related",
                actor=users["checker"])
    assert link.state is LinkState.REJECTED
    actions = [e.action for e in session.scalars(select(AuditEvent).where(
        AuditEvent.action.like("link.%"), AuditEvent.entity_id == claim.id))]
    assert actions == ["link.confirmed", "link.confirmed", "link.rejected"]
    assert session.scalar(select(ClaimLink).where(ClaimLink.id == link.id)).decided_by == users["checker"]
