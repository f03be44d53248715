"""Claims a checker can trust (issue 15): lists keep their meaning, references resolve,
attribution stays, and a headline that repeats the title is not a claim."""

import pytest

from factcheck.text import clean_text
from factcheck.text.claims import draft_claims

HEADLINE = "Belarus Drifting Towards Russia and China"


def claims(text: str, **options) -> list[str]:
    return [d.text for d in draft_claims(text, **options)]


@pytest.fixture(scope="module")
def seed(seed_text) -> tuple[str, list]:
    body = clean_text(seed_text)
    return body, draft_claims(body, title=HEADLINE)


def seed_texts(seed) -> list[str]:
    return [d.text for d in seed[1]]


def test_seed_list_items_keep_their_shared_modifier(seed):
    found = seed_texts(seed)
    assert "Now the cars have windows." not in found
    for item in ("batteries", "starters", "windows", "even Belarusian seats"):
        item = item if item.startswith("even") else f"Belarusian {item}"
        assert f"Now the cars have {item}." in found


def test_seed_list_items_keep_their_shared_object(seed):
    found = seed_texts(seed)
    assert "Svetlana Tikhanovskaya requested public outing." not in found
    assert "Svetlana Tikhanovskaya requested public outing of Belarusian business leaders." in found
    assert (
        "Svetlana Tikhanovskaya requested public shaming of Belarusian business leaders." in found
    )


def test_seed_definite_descriptions_resolve_to_earlier_mentions(seed):
    found = seed_texts(seed)
    assert not [t for t in found if t.startswith(("This agreement", "The vehicle"))]
    assert (
        "The agreement between Belarus and Russia was reached at a joint meeting of the "
        "Belarusian Foreign Ministry Board and the Russian Foreign Ministry Board."
    ) in found
    assert "BelGee's new crossover will have hybrid and electric options." in found


def test_seed_attribution_stays_with_the_claim(seed):
    body, drafts = seed
    attributed = next(d for d in drafts if "Olympic Charter" in d.text and d.start > 500)
    assert attributed.text.startswith(
        "According to the Olympic Committee, Belarus violated the Olympic Charter"
    )
    assert body[attributed.start : attributed.end].startswith("According to the Olympic")


def test_seed_headline_equal_to_the_title_is_not_a_claim(seed, seed_text):
    assert not [t for t in seed_texts(seed) if t.startswith(HEADLINE)]
    assert f"{HEADLINE}." in claims(clean_text(seed_text))  # no title given: a sentence like any


def test_seed_spans_still_point_at_the_words_of_each_claim(seed):
    body, drafts = seed
    for draft in drafts:
        assert body[draft.start : draft.end].strip()
        assert draft.sentence in body
        assert draft.sentence.find(body[draft.start : draft.end]) >= 0


@pytest.mark.parametrize(
    "text, expected",
    [
        # the same head noun: the earlier, fuller mention and who it belongs to
        (
            "Nordwind Motors opened a new plant in Minsk. The plant employs 500 people.",
            [
                "Nordwind Motors opened a new plant in Minsk.",
                "Nordwind Motors' new plant in Minsk employs 500 people.",
            ],
        ),
        # a possessive: "its" is the organisation named before
        (
            "Nordwind Motors sold 2,000 cars. Its new hybrid crossover costs 30,000 euros.",
            [
                "Nordwind Motors sold 2,000 cars.",
                "Nordwind Motors' new hybrid crossover costs 30,000 euros.",
            ],
        ),
        # "its" with its owner in the claim itself stays
        (
            "BelGee doubled its output.",
            ["BelGee doubled its output."],
        ),
        # a description never mentioned before stays as written
        (
            "Nordwind Motors sold 2,000 cars. The council approved the budget.",
            ["Nordwind Motors sold 2,000 cars.", "The council approved the budget."],
        ),
    ],
)
def test_definite_descriptions_and_possessives(text, expected):
    assert claims(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "The new rules cover bars, restaurants and cafes.",
            [
                "The new rules cover bars.",
                "The new rules cover restaurants.",
                "The new rules cover cafes.",
            ],
        ),
        (
            "The shop sells fresh bread and cakes.",
            ["The shop sells fresh bread.", "The shop sells fresh cakes."],
        ),
        (
            "The mayor ordered the closure and sale of three schools.",
            [
                "The mayor ordered the closure of three schools.",
                "The mayor ordered the sale of three schools.",
            ],
        ),
    ],
)
def test_list_items_share_the_modifiers_of_the_list(text, expected):
    assert claims(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "According to the report, the budget grew by 40 percent.",
            ["According to the report, the budget grew by 40 percent."],
        ),
    ],
)
def test_attribution_stays_with_the_claim(text, expected):
    assert claims(text) == expected
