"""Articles in other languages: sentences with exact spans; the steps each language gets."""

import pytest

from factcheck.text.multilingual import pipeline_steps, sentence_kind, split_sentences

ARTICLES = {
    "ru": (
        "Лукашенко заявил, что выборы были честными. По данным ЦИК, явка составила 84,1 %.\n\n"
        "Поделиться\n\nТ. е. всё в порядке?",
        [
            "Лукашенко заявил, что выборы были честными.",
            "По данным ЦИК, явка составила 84,1 %.",
            "Т. е. всё в порядке?",
        ],
    ),
    "es": (
        "El presidente dijo el 3 de oct. que la elección fue justa. El Sr. Pérez no estuvo "
        "de acuerdo.",
        [
            "El presidente dijo el 3 de oct. que la elección fue justa.",
            "El Sr. Pérez no estuvo de acuerdo.",
        ],
    ),
    "de": (
        "Der Präsident sagte am 3. Oktober, die Wahl sei fair. Dr. Müller widersprach ihm.",
        ["Der Präsident sagte am 3. Oktober, die Wahl sei fair.", "Dr. Müller widersprach ihm."],
    ),
    "ar": (
        "قال لوكاشينكو إن الانتخابات كانت نزيهة. وبلغت نسبة المشاركة 84 في المئة.",
        ["قال لوكاشينكو إن الانتخابات كانت نزيهة.", "وبلغت نسبة المشاركة 84 في المئة."],
    ),
}


@pytest.mark.parametrize("language", sorted(ARTICLES))
def test_sentences_have_exact_spans_and_boilerplate_is_left_out(language):
    body, expected = ARTICLES[language]
    sentences = split_sentences(body, language)
    assert [s.text for s in sentences] == expected
    assert all(body[s.start : s.end] == s.text for s in sentences)


def test_kinds_without_english_cues():
    assert sentence_kind("Т. е. всё в порядке?") == "other"
    assert sentence_kind("هل هذا صحيح؟") == "other"
    assert sentence_kind("Явка составила 84 %.") == "quantity"
    assert sentence_kind("Выборы были честными.") == "factual"


def test_the_steps_say_what_ran_for_a_language():
    english = pipeline_steps("en", multilingual=True)
    russian = pipeline_steps("ru", multilingual=True)
    assert any("decomposition" in step for step in english)
    assert "sentences (razdel)" in russian
    assert any("no parser for Russian" in step for step in russian)
    assert russian[-1] == "check-worthiness (multilingual model)"
    assert pipeline_steps("de", multilingual=False)[-1].startswith("check-worthiness (English")
