"""Languages on the desk's pages: shown with each claim and article, filterable."""

import re

import pytest

from factcheck.services.articles import ingest_article

RUSSIAN = (
    "Лукашенко победил на президентских выборах 2020 года, набрав 80 процентов. "
    "Безработица в Минске снизилась до 4 процентов."
)


@pytest.fixture
def articles(session, matcher):
    english = ingest_article(
        session, matcher, title="Budget", outlet="Daily", body="Taxes rose by 5 percent in 2023."
    ).article
    russian = ingest_article(session, matcher, title="Выборы", outlet="Minsk", body=RUSSIAN).article
    return {"en": english, "ru": russian}


def rows(page: str) -> list[str]:
    return re.findall(r'class="claim-link" href="/claims/(\d+)"', page)


def test_the_queue_filters_by_language_and_shows_it(checker, articles):
    page = checker.get("/queue?language=ru").text
    assert rows(page) == [
        str(c.id) for c in sorted(articles["ru"].claims, key=lambda c: -c.checkworthiness)
    ]
    assert '<option selected value="ru">Russian</option>' in page
    assert 'title="Russian">ru</span>' in page
    assert rows(checker.get("/queue?language=en").text) == [str(articles["en"].claims[0].id)]


def test_a_language_that_is_no_code_is_refused(checker, articles):
    response = checker.get("/queue?language=english!")
    assert response.status_code == 422
    assert "not a language code" in response.text


@pytest.mark.model
def test_the_dashboard_filters_by_language(editor, articles):
    page = editor.get("/dashboard?language=ru").text
    shown = set(re.findall(r"#claim-(\d+)", page))
    assert shown and shown <= {str(c.id) for c in articles["ru"].claims}
    assert editor.get("/dashboard?language=xx").status_code == 400  # not a stored language


def test_an_article_page_says_its_language_and_which_steps_ran(editor, articles):
    page = editor.get(f"/articles/{articles['ru'].id}").text
    assert "Russian · 2 claims" in page
    assert "sentences (razdel)" in page
    assert "no parser for Russian" in page
    assert 'lang="ru" dir="auto"' in page
    english = editor.get(f"/articles/{articles['en'].id}").text
    assert "decomposition into atomic claims" in english


def test_a_claim_page_shows_its_language(checker, articles):
    claim = articles["ru"].claims[0]
    page = checker.get(f"/claims/{claim.id}").text
    assert 'title="The claim\'s language">Russian</span>' in page
