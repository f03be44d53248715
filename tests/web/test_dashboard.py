from datetime import UTC, datetime

import pytest

from factcheck.models import ClaimStatus
from factcheck.services.articles import ingest_article
from factcheck.services.reviews import SourceInput, record_verdict
from factcheck.services.revisions import revise_article

SOURCE = [SourceInput(url="https://stats.example")]


def day(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def articles(session, matcher, users):
    gazette = ingest_article(
        session,
        matcher,
        title="Gazette story",
        outlet="Gazette",
        published_at=day("2024-03-01"),
        body="Crime doubled since 2020. Rents rose 9 percent.",
    ).article
    herald = ingest_article(
        session,
        matcher,
        title="Herald story",
        outlet="Herald",
        published_at=day("2024-05-10"),
        body="The council hired 40 new officers. I like the park.",
    ).article
    crime, rents = gazette.claims
    record_verdict(
        session,
        crime,
        rating="false",
        reviewer=users["checker"],
        publish=True,
        conclusion="Crime fell.",
        sources=SOURCE,
    )
    record_verdict(
        session,
        rents,
        rating="true",
        reviewer=users["checker"],
        publish=True,
        conclusion="Rents rose 9%.",
        sources=SOURCE,
    )
    return gazette, herald


def flagged(page: str) -> str:
    return page[page.index('id="flagged-heading"') :]


@pytest.mark.model
def test_flagged_statements_worst_first_with_counts(editor, articles):
    page = editor.get("/dashboard").text
    rows = flagged(page)
    assert rows.index("Crime doubled since 2020.") < rows.index(
        "The council hired 40 new officers."
    )
    assert "Rents rose 9 percent." not in rows  # true: nothing to flag
    assert "I like the park." not in rows  # not check-worthy
    assert "✗ False" in rows and "Crime fell." in rows
    assert '<span class="count-n">2</span> published' in page
    assert '<span class="count-n">2</span> new' in page


@pytest.mark.model
@pytest.mark.parametrize(
    "query, shown, hidden",
    [
        ("outlet=Herald", "The council hired", "Crime doubled"),
        ("verdict=unchecked", "The council hired", "Crime doubled"),
        ("verdict=false", "Crime doubled", "The council hired"),
        ("verdict=true", "Rents rose 9 percent.", "Crime doubled"),
        ("date_from=2024-04-01", "The council hired", "Crime doubled"),
        ("date_from=2024-03-01&date_to=2024-03-01", "Crime doubled", "The council hired"),
    ],
)
def test_filters(editor, articles, query, shown, hidden):
    rows = flagged(editor.get(f"/dashboard?{query}").text)
    assert shown in rows and hidden not in rows


def test_counts_follow_the_filters(checker, articles):
    page = checker.get("/dashboard?outlet=Gazette").text
    assert '<span class="count-n">2</span> published' in page
    assert '<span class="count-n">0</span> new' in page


def test_stale_claims_are_not_listed(editor, session, matcher, articles, users):
    _, herald = articles
    revise_article(
        session, matcher, herald, body="I like the park.", editor=users["editor"], base_revision=1
    )
    assert "The council hired" not in flagged(editor.get("/dashboard").text)


def test_dismissed_claims_are_not_flagged(editor, session, articles):
    _, herald = articles
    herald.claims[0].status = ClaimStatus.DISMISSED
    session.commit()
    assert "The council hired" not in flagged(editor.get("/dashboard").text)


@pytest.mark.parametrize(
    "query, message",
    [
        ("date_from=yesterday", "Not a valid date value"),
        ("date_from=2024-05-01&date_to=2024-04-01", "The end date is before the start date"),
        ("verdict=<script>", "Not a valid choice"),
        ("outlet=Nowhere'--", "Not a valid choice"),
        ("page=0", "Pages run from 1"),
    ],
)
def test_bad_filters_get_a_400_page(editor, articles, query, message):
    response = editor.get(f"/dashboard?{query}")
    assert response.status_code == 400 and message in response.text
    assert "<script>" not in response.text


def test_the_dashboard_needs_a_login(client, users):
    response = client.get("/dashboard")
    assert response.status_code == 302 and "/login" in response.location


@pytest.mark.model
def test_conflicting_verdicts_are_listed(checker, session, matcher, users):
    from factcheck.services.links import decide_link

    first = ingest_article(
        session, matcher, title="One", body="Crime in Riverton doubled since 2020."
    ).article.claims[0]
    second = ingest_article(
        session, matcher, title="Two", body="Riverton has seen crime double since 2020."
    ).article.claims[0]
    for claim, rating in ((first, "false"), (second, "true")):
        record_verdict(
            session,
            claim,
            rating=rating,
            reviewer=users["checker"],
            publish=True,
            conclusion="c",
            sources=SOURCE,
        )
    assert 'id="conflicts-heading"' not in checker.get("/dashboard").text
    decide_link(session, second, first, confirm=True, relation="paraphrase", actor=users["checker"])
    page = checker.get("/dashboard").text
    conflicts = page[page.index('id="conflicts-heading"') : page.index('id="flagged-heading"')]
    assert "Crime in Riverton doubled since 2020." in conflicts
    assert "Riverton has seen crime double since 2020." in conflicts
    assert "paraphrase" in conflicts and "rating-false" in conflicts and "rating-true" in conflicts


def test_the_sql_ranking_agrees_with_the_article_page_flags(session, matcher, users):
    from sqlalchemy import select

    from factcheck.models import Claim, Origin
    from factcheck.services.dashboard import DashboardFilter, dashboard
    from factcheck.services.demo import load_samples
    from factcheck.services.flags import flag_rank, flagged_ids

    load_samples(session, matcher)
    # "Bats are blind." is linked automatically to the demo's False verdict: carried over.
    ingest_article(
        session,
        matcher,
        title="Carried",
        body="Bats are blind. Crime doubled "
        "since 2020. Unemployment in Riverton fell to 3.2 percent last year.",
    )
    claims = session.scalars(select(Claim).where(Claim.origin == Origin.ARTICLE)).all()
    chosen = flagged_ids(claims)
    expected = sorted((c for c in claims if c.id in chosen), key=lambda c: (*flag_rank(c), c.id))
    result = dashboard(session, DashboardFilter(), per_page=1000)
    assert any(c.text == "Bats are blind." and c.verdict is None for c in result.flagged)
    assert [c.id for c in result.flagged][:1] == [expected[0].id]
    assert {c.id for c in result.flagged} == {c.id for c in expected}
    assert result.total == len(expected)
