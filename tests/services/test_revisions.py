import pytest
from sqlalchemy import func, select

from factcheck.matching.search import search_claims
from factcheck.models import ArticleRevision, AuditEvent, Claim
from factcheck.services.articles import ingest_article
from factcheck.services.errors import Conflict, Forbidden, InvalidInput, TooLarge
from factcheck.services.reviews import SourceInput, record_verdict
from factcheck.services.revisions import normalise_claim_text, revise_article

DRAFT = "Crime doubled since 2020. The council hired 40 new officers. Rents rose 9 percent."
EDITED = (
    "The council met on Monday. Crime doubled since 2020! "
    "Rents rose 12 percent. The mayor resigned in May."
)


@pytest.fixture
def draft(session, matcher, users):
    article = ingest_article(
        session, matcher, title="Draft", body=DRAFT, is_draft=True, submitted_by=users["editor"]
    ).article
    crime = next(c for c in article.claims if c.text.startswith("Crime"))
    record_verdict(
        session,
        crime,
        rating="false",
        reviewer=users["checker"],
        publish=True,
        conclusion="Crime fell.",
        sources=[SourceInput(url="https://stats.example")],
    )
    return article


def texts(article) -> dict[str, int | None]:
    return {c.text: c.stale_since_revision for c in article.claims}


def test_normalised_text_ignores_case_quotes_spaces_and_the_final_stop():
    assert normalise_claim_text("  Crime  doubled  since 2020! ") == "crime doubled since 2020"
    assert normalise_claim_text("Lavrov\u2019s visit.") == normalise_claim_text("lavrov's visit")
    assert normalise_claim_text("Rents rose 9 percent.") != normalise_claim_text(
        "Rents rose 12 percent."
    )


def test_unchanged_claims_keep_their_verdict_and_move_changed_ones_go_stale(
    session, matcher, draft, users
):
    crime = next(c for c in draft.claims if c.text.startswith("Crime"))
    result = revise_article(
        session,
        matcher,
        draft,
        body=EDITED,
        editor=users["editor"],
        base_revision=1,
        is_draft=False,
    )
    assert (result.changed, result.kept, result.stale) == (True, 1, 2)
    assert result.added == 3
    session.expire_all()
    assert draft.revision == 2 and not draft.is_draft and draft.body == EDITED
    # The unchanged claim is the same row, verdict kept, its span moved into the new text.
    assert crime.verdict.rating == "false" and crime.stale_since_revision is None
    assert EDITED[crime.start : crime.end] == "Crime doubled since 2020!"
    assert crime.spans == [[crime.start, crime.end]]
    stale = texts(draft)
    assert stale["The council hired 40 new officers."] == 2
    assert stale["Rents rose 9 percent."] == 2
    assert stale["Rents rose 12 percent."] is None
    gone = next(c for c in draft.claims if c.text == "Rents rose 9 percent.")
    assert gone.start is None and gone.spans == [] and gone.sentence == "Rents rose 9 percent."
    [old] = draft.revisions
    assert (old.number, old.body, old.replaced_by) == (1, DRAFT, users["editor"])
    actions = session.scalars(select(AuditEvent.action)).all()
    assert actions.count("claim.stale") == 2 and "article.revised" in actions
    # New claims are searchable at once.
    hits = search_claims(session, matcher, "The mayor resigned in May", k=1)
    assert hits[0].claim.text == "The mayor resigned in May."


def test_a_claim_that_comes_back_is_live_again(session, matcher, draft, users):
    revise_article(session, matcher, draft, body=EDITED, editor=users["editor"], base_revision=1)
    revise_article(session, matcher, draft, body=DRAFT, editor=users["editor"], base_revision=2)
    session.expire_all()
    assert draft.revision == 3
    assert texts(draft)["The council hired 40 new officers."] is None
    assert texts(draft)["The mayor resigned in May."] == 3
    assert len(draft.claims) == 6  # nothing extracted twice


def test_the_same_text_changes_only_the_draft_flag(session, matcher, draft, users):
    result = revise_article(
        session,
        matcher,
        draft,
        body=DRAFT + "\n",
        editor=users["editor"],
        base_revision=1,
        is_draft=False,
    )
    assert not result.changed and result.kept == 3
    assert draft.revision == 1 and not draft.is_draft
    assert session.scalar(select(func.count(ArticleRevision.id))) == 0


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"body": "   "}, InvalidInput, "The article is empty"),
        ({"body": "x" * 501}, TooLarge, "too long"),
        ({"body": EDITED, "base_revision": 7}, Conflict, "revised meanwhile"),
        ({"body": EDITED, "title": "  "}, InvalidInput, "needs a title"),
        ({"body": EDITED, "editor": "checker"}, Forbidden, "Only editors"),
    ],
)
def test_bad_input_stores_no_revision(session, matcher, draft, users, kwargs, error, message):
    kwargs = {"base_revision": 1, "editor": "editor", **kwargs}
    kwargs["editor"] = users[kwargs["editor"]]
    with pytest.raises(error, match=message):
        revise_article(session, matcher, draft, max_chars=500, **kwargs)
    session.rollback()
    session.expire_all()
    assert draft.revision == 1 and draft.body == DRAFT
    assert session.scalar(select(func.count(ArticleRevision.id))) == 0
    assert all(c.stale_since_revision is None for c in session.scalars(select(Claim)))


def test_text_of_another_article_is_refused(session, matcher, draft, users):
    ingest_article(session, matcher, title="Other", body="Taxes rose 3 percent.")
    with pytest.raises(Conflict, match="already stored as article"):
        revise_article(
            session,
            matcher,
            draft,
            body="Taxes rose 3 percent.",
            editor=users["editor"],
            base_revision=1,
        )
    assert draft.revision == 1
