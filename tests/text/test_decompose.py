"""Decomposition and decontextualization on sentences written for these tests."""

import pytest

from factcheck.text.claims import draft_claims


def claims(text: str) -> list[str]:
    return [d.text for d in draft_claims(text)]


@pytest.mark.parametrize(
    "sentence, expected",
    [
        # coordinated predicate nouns share their adjective ("a Chilean economist and author"),
        # and a descriptive relative clause on them
        (
            "Maria Lopez is a Chilean economist and author "
            "who ran the central bank from 2010 to 2014.",
            [
                "Maria Lopez is a Chilean economist.",
                "Maria Lopez is a Chilean author.",
                "Maria Lopez ran the central bank from 2010 to 2014.",
            ],
        ),
        # coordinated verbs share their subject
        (
            "The factory doubled its output and hired 300 workers.",
            ["The factory doubled its output.", "The factory hired 300 workers."],
        ),
        # a list of objects
        (
            "The new station has a library, a cinema and a swimming pool.",
            [
                "The new station has a library.",
                "The new station has a cinema.",
                "The new station has a swimming pool.",
            ],
        ),
        # an appositive name: the name stays in the claim, the description becomes a claim
        (
            "On Monday, the health minister, Anna Berg, opened the hospital.",
            ["On Monday, Anna Berg opened the hospital.", "Anna Berg is the health minister."],
        ),
        # a non-restrictive relative clause is cut off; both halves stand alone
        (
            "The mayor, who took office in 2019, cut local taxes.",
            ["The mayor cut local taxes.", "The mayor took office in 2019."],
        ),
        # collective subjects and restrictive clauses stay whole: splitting would change the facts
        (
            "France and Germany signed the treaty in 1963.",
            ["France and Germany signed the treaty in 1963."],
        ),
        (
            "Norway is one of the few countries that banned the sale of petrol cars.",
            ["Norway is one of the few countries that banned the sale of petrol cars."],
        ),
        # an abbreviation in brackets is not a claim of its own
        (
            "The World Health Organization (WHO) declared a pandemic in March 2020.",
            ["The World Health Organization declared a pandemic in March 2020."],
        ),
    ],
)
def test_decomposition(sentence, expected):
    assert claims(sentence) == expected


def test_spans_point_at_the_words_each_claim_came_from():
    body = "The factory doubled its output and hired 300 workers."
    first, second = draft_claims(body)
    assert body[first.start : first.end] == "The factory doubled its output"
    assert body[second.start : second.end] == "hired 300 workers"
    assert first.sentence == second.sentence == body


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Anna Berg opened the hospital. Moreover, she cut the ribbon.",
            ["Anna Berg opened the hospital.", "Anna Berg cut the ribbon."],
        ),
        (
            "Anna Berg opened the hospital. Later, Berg cut the ribbon.",
            ["Anna Berg opened the hospital.", "Later, Anna Berg cut the ribbon."],
        ),
        (
            "Nordwind Motors sold 2,000 cars. The company also opened a new plant.",
            ["Nordwind Motors sold 2,000 cars.", "Nordwind Motors also opened a new plant."],
        ),
        ("However, the council approved the budget.", ["The council approved the budget."]),
        ("Bats are blind, the mayor added.", ["Bats are blind."]),
        ("Prices rose by 5 percent, officials said.", ["Prices rose by 5 percent."]),
        ("It should be noted that the river flooded twice.", ["The river flooded twice."]),
    ],
)
def test_decontextualization(text, expected):
    assert claims(text) == expected


def test_relative_dates_are_resolved_beside_the_claim_not_written_into_it():
    from datetime import date

    [draft] = draft_claims("The museum reopened last week.", article_date=date(2024, 3, 8))
    assert draft.text == "The museum reopened last week."
    [reference] = draft.date_references
    assert (reference.phrase, reference.made_on) == ("last week", date(2024, 3, 8))
    assert (reference.start, reference.end) == (date(2024, 2, 26), date(2024, 3, 3))
    assert str(reference) == "last week: week of 2024-02-26"
    assert draft_claims("The museum reopened last week.")[0].date_references == ()


@pytest.mark.parametrize(
    "text",
    [
        " ".join(f"word{i % 40}" for i in range(5000)),  # 5,000 words, no punctuation
        "😀😃😄 🎉🎉 🔥🔥🔥\n\n👍",
        "12 345 6789 3.14 2020 100%\n\n42",
        "Москва — столица России. 北京是中国的首都。 The capital of France is Paris. مرحبا بالعالم",
    ],
)
def test_odd_input_gives_sensible_output_without_errors(text):
    drafts = draft_claims(text)
    assert all(text[d.start : d.end].strip() for d in drafts)
    assert len(drafts) <= 8 * max(1, text.count(".") + 1) * 4


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "The company said Smith, Jones, Brown, left the board.",
            ["The company said Smith, Jones, Brown, left the board."],
        ),
        (
            "Apple, Google and Microsoft, the biggest firms, paid no tax.",
            ["Apple, Google and Microsoft, the biggest firms, paid no tax."],
        ),
        (
            "John Smith spoke first. Anna Maria Smith spoke next.",
            ["John Smith spoke first.", "Anna Maria Smith spoke next."],
        ),
        (
            "The opposition leader spoke in Riverton. She also claimed that crime doubled.",
            ["The opposition leader spoke in Riverton.", "She also claimed that crime doubled."],
        ),
    ],
)
def test_lists_and_other_people_are_left_alone(text, expected):
    assert claims(text) == expected


def test_a_sentence_longer_than_the_parser_limit_gives_claims_from_all_of_it():
    clause = "the council spent 3 million on roads"
    body = ", ".join([clause] * 120) + " and the mayor resigned in 2021"
    drafts = draft_claims(body)
    assert all(body[d.start : d.end].strip() for d in drafts)
    assert max(d.end for d in drafts) > len(body) - 40  # the end of the sentence was parsed
    assert any("resigned in 2021" in d.text for d in drafts)
