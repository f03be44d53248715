import io

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from factcheck.models import Article, Claim
from factcheck.services.demo import load_samples
from tests.conftest import login

BODY = "The mayor said unemployment fell to 3.2 percent last year. Bats are blind."


def post_article(client, **data):
    form = {
        "title": "Council report",
        "url": "",
        "outlet": "",
        "body": "",
        "format": "text",
        "published_on": "",
    }
    form.update(data)
    if "file" in form:
        stream, name = form.pop("file")
        form["file"] = FileStorage(stream, filename=name)
    # Encoded here, in memory: the test client would spool big bodies to a file it never closes.
    boundary, body = encode_multipart(MultiDict(form))
    return client.post(
        "/articles/new", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def article_count(session) -> int:
    return session.scalar(select(func.count(Article.id)))


@pytest.mark.model  # real similarities
def test_pasted_article_is_highlighted_with_its_nearest_stored_claims(editor, session, matcher):
    load_samples(session, matcher)
    response = post_article(editor, body=BODY)
    assert response.status_code == 302
    page = editor.get(response.location)
    assert page.status_code == 200
    assert 'class="hl hl-cw-high"' in page.text
    assert ">The mayor said unemployment fell to 3.2 percent last year.</a>" in page.text
    assert "Unemployment in Riverton fell to 3.2 percent last year." in page.text  # a match
    assert "rating-false" in page.text  # "Bats are blind." matches a stored False verdict


def test_relative_dates_are_shown_beside_the_claim_not_written_into_it(editor, session):
    post_article(editor, body="The museum reopened last week.", published_on="2024-03-08")
    claim = session.scalar(select(Claim))
    assert claim.text == "The museum reopened last week."
    assert claim.claim_date.isoformat() == "2024-03-08"
    assert claim.article.published_at.date().isoformat() == "2024-03-08"
    page = login(editor, "checker").get(f"/claims/{claim.id}").text
    assert 'class="claim-text" lang="en" dir="auto">The museum reopened last week.</h1>' in page
    assert ">last week: week of 2024-02-26</span>" in page and "made on 2024-03-08" in page


def test_resubmitting_the_same_text_shows_the_existing_article(editor, session):
    first = post_article(editor, body=BODY).location
    response = post_article(editor, body=BODY, title="Another title")
    assert response.location == first and article_count(session) == 1
    assert "ingested before" in editor.get(first).text


def test_uploaded_html_is_cleaned(editor, session):
    html = b"<html><body><script>steal()</script><p>Rents rose 9 percent.</p></body></html>"
    response = post_article(editor, file=(io.BytesIO(html), "story.html"))
    assert response.status_code == 302
    claim = session.scalar(select(Claim))
    assert claim.text == "Rents rose 9 percent."


@pytest.mark.parametrize(
    "data, status, message",
    [
        ({"body": "   \n  "}, 422, "the article is empty"),
        ({"body": "x" * 50_001}, 413, "too long (50,001 characters; the limit is 50,000)"),
        ({"file": (io.BytesIO(b"\x89PNG\r\n\x1a\n\x00\x00\x00"), "photo.txt")}, 422, "binary file"),
        ({"file": (io.BytesIO("Caf\u00e9".encode("latin-1")), "a.txt")}, 422, "not valid UTF-8"),
        ({"file": (io.BytesIO(b"a" * (2 * 1024 * 1024 + 1)), "big.txt")}, 422, "larger than 2 MB"),
        ({"file": (io.BytesIO(b"%PDF"), "doc.pdf")}, 422, "Upload a .txt, .md or .html file"),
        ({"body": BODY, "url": "not a url"}, 422, "Invalid URL"),
    ],
)
def test_bad_input_gets_a_clear_message_and_writes_nothing(editor, session, data, status, message):
    response = post_article(editor, **data)
    assert response.status_code == status
    assert message in response.text
    assert article_count(session) == 0


def test_a_request_over_the_size_limit_gets_a_413_page(editor):
    response = post_article(editor, body="x" * (9 * 1024 * 1024))
    assert response.status_code == 413 and "Request Entity Too Large" in response.text


def test_html_and_script_in_article_text_are_shown_as_text(editor):
    body = (
        'The post said <script>alert("pwned")</script> and <b onmouseover="x()">this</b> is true.'
    )
    page = editor.get(post_article(editor, body=body).location)
    assert '<script>alert("pwned")</script>' not in page.text
    assert "&lt;script&gt;alert(&#34;pwned&#34;)&lt;/script&gt;" in page.text
    assert "<b onmouseover" not in page.text


def test_unknown_article_is_a_404_page(editor):
    response = editor.get("/articles/999")
    assert response.status_code == 404 and "There is no article with id 999" in response.text


def test_control_characters_never_reach_the_database(editor, session):
    post_article(editor, title="Nul\x00 title\x07", body="Rents rose\x00 9 percent.")
    article = session.scalar(select(Article))
    assert article.title == "Nul title" and "\x00" not in article.body
