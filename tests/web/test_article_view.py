import re

import pytest

from factcheck.services.articles import ingest_article
from factcheck.services.reviews import SourceInput, record_verdict

SOURCE = SourceInput(
    url="https://ioc.example/decision", title="IOC decision", publisher="IOC", stance="refutes"
)


@pytest.fixture
def seed_article(session, matcher, users, seed_text):
    article = ingest_article(
        session,
        matcher,
        title="Belarus drifting",
        body=seed_text,
        outlet="Seed Times",
        submitted_by=users["editor"],
    ).article
    olympic = next(c for c in article.claims if "Olympic Charter" in c.text)
    record_verdict(
        session,
        olympic,
        rating="misleading",
        reviewer=users["checker"],
        conclusion="The IOC opened proceedings; it did not find a violation.",
        sources=[SOURCE],
        publish=True,
    )
    belgee = next(c for c in article.claims if "11%" in c.text)
    record_verdict(
        session,
        belgee,
        rating="false",
        reviewer=users["checker"],
        conclusion="Capacity grew 4%.",
        sources=[SOURCE],
        publish=True,
    )
    return article, olympic, belgee


def section(page: str, start: str, end: str) -> str:
    return page[page.index(start) : page.index(end, page.index(start))]


@pytest.mark.model
def test_verdicts_colour_and_label_the_statement_with_a_tooltip(editor, seed_article):
    article, _olympic, belgee = seed_article
    page = editor.get(f"/articles/{article.id}").text
    body = section(page, '<article class="article-body"', "</article>")
    # The repeated Olympic claim (summary bullet and body) is highlighted at both places.
    assert body.count('class="hl hl-mixed"') == 2
    assert '<span class="hl-tag hl-mixed" aria-hidden="true">! Misleading</span>' in body
    wrap = section(body, f'id="claim-{belgee.id}"', "</span></span>")
    assert 'class="hl hl-false"' in wrap and "✗ False" in wrap
    assert "Capacity grew 4%." in wrap and "IOC decision (refutes)" in wrap
    # Unchecked statements say so, with their check-worthiness band.
    assert "Not yet checked" in body and 'class="hl hl-cw-high"' in body


def test_every_highlight_is_a_focusable_link_described_by_its_tooltip(editor, seed_article):
    article, _, _ = seed_article
    page = editor.get(f"/articles/{article.id}?highlight=all").text
    links = re.findall(
        r'<a class="hl [^"]+" href="#(note-\d+)" aria-describedby="(tip-\d+)">', page
    )
    assert len(links) > 10
    for note, tip in links:
        assert f'id="{note}"' in page
        assert f'<span class="tip" role="tooltip" id="{tip}">' in page
    assert len({tip for _, tip in links}) == len(links)


@pytest.mark.model
def test_flagged_list_puts_false_then_misleading_then_unchecked_and_jumps_to_the_text(
    editor, seed_article
):
    article, olympic, belgee = seed_article
    page = editor.get(f"/articles/{article.id}").text
    flagged = section(page, 'id="flagged-heading"', "</section>")
    targets = re.findall(r'<a href="#claim-(\d+)">', flagged)
    assert targets[:2] == [str(belgee.id), str(olympic.id)]
    assert len(targets) > 2  # then the most check-worthy unchecked statements
    for target in targets:
        assert f'id="claim-{target}"' in page
    assert "Capacity grew 4%." in flagged


def test_the_side_list_carries_sources_as_links_without_javascript(editor, seed_article):
    article, _, belgee = seed_article
    page = editor.get(f"/articles/{article.id}").text
    note = section(page, f'id="note-{belgee.id}"', "</section>")
    assert '<a href="https://ioc.example/decision" rel="noopener noreferrer nofollow">' in note


def test_article_text_is_escaped(editor, session, matcher, users):
    article = ingest_article(
        session,
        matcher,
        title="<b>Bold</b>",
        body="Crime rose 40 percent <script>alert(1)</script> last year.",
        submitted_by=users["editor"],
    ).article
    page = editor.get(f"/articles/{article.id}").text
    assert "<script>alert" not in page and "&lt;b&gt;Bold" in page


def test_an_unknown_article_is_a_404_page(editor):
    response = editor.get("/articles/999999")
    assert response.status_code == 404 and "There is no article with id 999999." in response.text


def test_anonymous_visitors_are_sent_to_log_in(client, users):
    response = client.get("/articles/1")
    assert response.status_code == 302 and "/login" in response.location


@pytest.mark.model  # real check-worthiness scores
def test_triage_flags_the_verdicts_and_only_the_most_check_worthy_unchecked_claims(
    editor, seed_article, app
):
    from factcheck.services.flags import CHECKWORTHY, Triage, flagged_ids

    article, olympic, belgee = seed_article
    live = [c for c in article.claims if not c.stale]
    before = flagged_ids(live, Triage(threshold=CHECKWORTHY, cap=len(live)))  # the old rule
    cap = app.config["FLAG_UNCHECKED_CAP"]
    after = flagged_ids(live, Triage.from_config(app.config))
    assert {olympic.id, belgee.id} <= after
    assert len(after) <= 2 + cap < len(before)
    # The items of "Now the cars have Belarusian batteries, starters, windows, and even seats"
    # were each flagged before (most at >= 0.5); none is now.
    cars = [c for c in live if c.text.startswith("Now the cars have")]
    assert cars and any(c.id in before for c in cars)
    assert not any(c.id in after for c in cars)

    page = editor.get(f"/articles/{article.id}").text
    flagged = section(page, 'id="flagged-heading"', "</section>")
    assert len(re.findall(r'<a href="#claim-(\d+)">', flagged)) == len(after)
    assert f"{len(live) - len(after)} other claims are not flagged" in flagged
    # The text reads as text: only flagged and checked statements are highlighted, every
    # claim one click away; anchors stay for the claims that are plain text.
    shown = len(re.findall(r'<a class="hl ', page))
    every = editor.get(f"/articles/{article.id}?highlight=all").text
    assert shown < len(re.findall(r'<a class="hl ', every))
    assert 'id="highlight-all"' in page
    for claim in live:
        assert f'id="claim-{claim.id}"' in page
