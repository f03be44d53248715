"""Claim extraction end to end with the real parser, model and classifier weights."""

import pytest

from factcheck.matching import Embedder
from factcheck.services.extraction import extract_claims, score_sentences
from factcheck.text import clean_text
from tests.conftest import real_model

pytestmark = pytest.mark.model  # what the real parser, model and classifier extract


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    embedder = Embedder()
    with real_model():
        embedder.load()
    return embedder


@pytest.fixture(scope="module")
def seed_claims(embedder, seed_text):
    body = clean_text(seed_text)
    return body, {c.draft.text: c for c in extract_claims(embedder, body)}


def test_seed_article_has_no_claim_from_boilerplate(seed_claims):
    _, found = seed_claims
    text = " ".join(found)
    for junk in ("bsa_pro_ad_space", "Kitova", "professional life", "Leave a Reply"):
        assert junk not in text


def test_seed_duplicate_bullet_is_one_claim_with_both_spans(seed_claims):
    body, found = seed_claims
    claim = found[
        "Belarus and Russia agreed to the coordinated actions in the international arena."
    ]
    assert len(claim.draft.spans) == 2
    first, second = (body[start:end] for start, end in claim.draft.spans)
    assert first == claim.draft.text
    assert second.startswith("Moreover, Belarus and Russia agreed")


def test_seed_pronoun_and_short_reference_are_resolved(seed_claims):
    _, found = seed_claims
    assert any(t.startswith("Svetlana Tikhanovskaya requested public outing") for t in found)
    assert "BelGee focuses on the vehicle production." in found


def test_seed_example_sentence_is_decomposed(seed_claims):
    _, found = seed_claims
    name = "Sviatlana Heorhiyeuna Tsikhanouskaya"
    assert f"{name} is a Belarusian human rights activist." in found
    assert f"{name} is a Belarusian politician." in found  # the list shares it
    assert (
        f"{name} ran for the 2020 Belarusian presidential election as the main opposition "
        "candidate."
    ) in found


def test_seed_scores(seed_claims):
    _, found = seed_claims
    belgee = found["BelGee increased its production capacity by 11% in the first half of the year."]
    assert belgee.checkworthiness >= 0.5 and belgee.draft.kind == "quantity"
    plausible = found[
        "It is plausible that Belarusian and Russian intelligence already know the council members."
    ]
    assert plausible.checkworthiness < 0.5 and plausible.draft.kind == "opinion"
    unlikely = next(c for t, c in found.items() if t.startswith("It is unlikely that the Kremlin"))
    assert unlikely.checkworthiness < 0.5 and unlikely.draft.kind in {"opinion", "prediction"}


def test_claims_stand_alone_without_discourse_openers(seed_claims):
    _, found = seed_claims
    openers = ("Moreover", "Additionally", "Furthermore", "However", "Nevertheless", "Overall")
    assert not [t for t in found if t.startswith(openers)]


def test_near_identical_claims_with_different_numbers_are_not_merged(embedder):
    body = "Exports rose by 11% in 2023.\n\nExports rose by 15% in 2023."
    assert len(extract_claims(embedder, body)) == 2


def test_score_sentences_ranks_a_statistic_above_small_talk(embedder):
    stat, small_talk = score_sentences(
        embedder,
        ["The unemployment rate fell to 3.2 percent in 2023.", "Thank you all for coming tonight."],
    )
    assert stat >= 0.5 > small_talk


def test_seed_merged_claim_keeps_the_attribution_of_its_body_sentence(embedder, seed_text):
    body = clean_text(seed_text)
    found = [c.draft for c in extract_claims(embedder, body)]
    [olympic] = [d for d in found if "violated the Olympic Charter" in d.text]
    assert olympic.text.startswith("According to the Olympic Committee, Belarus violated")
    assert len(olympic.spans) == 2  # the summary bullet and the body sentence: one claim
    assert body[olympic.start : olympic.end].startswith("According to the Olympic Committee")


def test_a_headline_equal_to_the_title_is_not_a_claim(embedder, seed_text):
    body = clean_text(seed_text)
    title = "Belarus drifting towards Russia and China."  # case and a full stop do not matter
    found = [c.draft.text for c in extract_claims(embedder, body, title=title)]
    assert not [t for t in found if t.lower().startswith("belarus drifting")]
