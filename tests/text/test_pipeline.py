import pytest

from factcheck.text import clean_text, extract_sentences
from factcheck.text.boilerplate import is_widget_line, trailing_author_block


def texts(body: str) -> list[str]:
    return [s.text for s in extract_sentences(body)]


def test_every_span_points_at_its_text():
    body = "First sentence here.  Second one, with Dr. Smith.\n\nA new paragraph starts."
    sentences = extract_sentences(body)
    assert [s.text for s in sentences] == [
        "First sentence here.",
        "Second one, with Dr. Smith.",
        "A new paragraph starts.",
    ]
    assert all(body[s.start : s.end] == s.text for s in sentences)
    assert [s.paragraph for s in sentences] == [0, 0, 1]


def test_bullets_are_separate_sentences_without_their_marker():
    body = "Key points:\n• Prices rose by 5 percent.\n• Wages fell\n- Rents stayed flat."
    assert texts(body) == [
        "Key points:",
        "Prices rose by 5 percent.",
        "Wages fell",
        "Rents stayed flat.",
    ]


@pytest.mark.parametrize(
    "line",
    [
        "[bsa_pro_ad_space id=4]",
        "[/caption]",
        "Leave a Reply",
        "Leave a comment",
        "Share this:",
        "Advertisement",
        "Related posts",
        "By Jane Doe",
        "Tags: politics, economy",
        "© 2024 Example Media",
        "Read more",
    ],
)
def test_widget_lines_are_boilerplate(line):
    assert is_widget_line(line)


@pytest.mark.parametrize(
    "line",
    [
        "By 2030 the city will need 5,000 new homes.".replace("By 2030", "In 2030"),
        "Share prices fell 3 percent on Monday.",
        "Related studies found the same effect in mice.",
    ],
)
def test_content_that_starts_like_a_widget_is_kept(line):
    assert not is_widget_line(line)


def test_trailing_byline_and_bio_are_cut():
    paragraphs = [
        "The council met on Monday.",
        "It approved the budget.",
        "Jane Doe",
        "I have covered city politics for ten years.",
        "Leave a Reply",
    ]
    assert trailing_author_block(paragraphs) == 2


def test_article_without_author_block_is_kept_whole():
    paragraphs = ["The council met on Monday.", "Jane Doe, the mayor, opened it."]
    assert trailing_author_block(paragraphs) == 2


def test_html_and_sql_in_text_are_just_text():
    body = "<script>alert(1)</script> claims prices fell.\n\nThe mayor said 1' OR '1'='1 twice."
    assert texts(body) == [
        "<script>alert(1)</script> claims prices fell.",
        "The mayor said 1' OR '1'='1 twice.",
    ]


def test_seed_article_gives_no_claim_from_boilerplate(seed_text):
    body = clean_text(seed_text)
    sentences = extract_sentences(body)
    joined = "\n".join(s.text for s in sentences)
    for junk in ("bsa_pro_ad_space", "Christina Kitova", "professional life", "Leave a Reply"):
        assert junk not in joined
    assert all(body[s.start : s.end] == s.text for s in sentences)
    assert sentences[0].text == "Belarus Drifting Towards Russia and China"
    assert "Belarus and Russia agreed to the coordinated actions in the international arena." in [
        s.text for s in sentences
    ]  # the bullet, without its "•"
    assert sentences[-1].text == "However, the turmoil will continue for some time."
    assert len(sentences) == 37
