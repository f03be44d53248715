import pytest

from factcheck.matching.nearmiss import details, differences, differing_kinds


@pytest.mark.parametrize(
    "left, right, kind, shown",
    [
        (
            "Exports grew by 11% in the first half of the year.",
            "Exports grew by 15% in the first half of the year.",
            "number",
            "11% vs 15%",
        ),
        (
            "The deficit reached $4,300 per family.",
            "The deficit reached $3,400 per family.",
            "number",
            "$4,300 vs $3,400",
        ),
        ("The bridge opened in 1998.", "The bridge opened in 2001.", "date", "1998 vs 2001"),
        (
            "Taxes rose on March 3, 2020.",
            "Taxes rose on March 5, 2020.",
            "date",
            "March 3, 2020 vs March 5, 2020",
        ),
        ("Obama was born in Hawaii.", "Trump was born in Hawaii.", "name", "Obama vs Trump"),
        ("Vaccines cause autism.", "Vaccines do not cause autism.", "negation", "— vs negated"),
        (
            "The senator didn't vote for the bill.",
            "The senator voted for the bill.",
            "negation",
            "negated vs —",
        ),
        (
            "All schools in the county closed.",
            "Some schools in the county closed.",
            "quantifier",
            "all vs some",
        ),
    ],
)
def test_near_misses_are_found_and_shown(left, right, kind, shown):
    found = differences(left, right)
    assert [d.kind for d in found] == [kind]
    assert str(found[0]) == shown


@pytest.mark.parametrize(
    "left, right",
    [
        ("Unemployment fell to 3.2 percent last year.", "Last year unemployment fell to 3.2%."),
        ("Lukashenko has ruled Belarus since 1994.", "Since 1994 Lukashenko has ruled Belarus."),
        ("The city budget grew.", "The budget of the city grew."),
    ],
)
def test_paraphrases_are_not_near_misses(left, right):
    assert differences(left, right) == []


@pytest.mark.parametrize(
    "left, right",
    [
        ("Exports grew by 11% in 2019.", "Exports grew by 15% in 2019."),
        ("Obama was born in Hawaii on August 4, 1961.", "Trump was born in Hawaii."),
        ("Vaccines cause autism.", "Vaccines do not cause autism in all children."),
        ("Taxes rose.", "Taxes rose."),
        ("Most Americans back it, says Pew.", "Some Americans back it, says Gallup."),
    ],
)
def test_differing_kinds_agree_with_differences(left, right):
    assert differing_kinds(details(left), details(right)) == {
        d.kind for d in differences(left, right)
    }


@pytest.mark.parametrize(
    "left, right",
    [
        ("Exports grew by eleven percent.", "Exports grew by 11%."),
        ("The shop sold a dozen cakes.", "The shop sold 12 cakes."),
        ("Half of the voters stayed home.", "50% of the voters stayed home."),
        ("Two thirds of adults agree.", "67 percent of adults agree."),
        ("The plant hired twenty-one workers.", "The plant hired 21 workers."),
        ("The city spent $2.5 million.", "The city spent two and a half million dollars."),
        ("The fund lost half a billion dollars.", "The fund lost $500 million."),
        ("Prices rose twice as fast.", "Prices rose two times as fast."),
        ("It happened on November 25th.", "It happened on November 25."),
        (
            "Sales rose in the first half of the year.",
            "Sales rose in the first six months of the year.",
        ),
        (
            "BelGee raised its production capacity by eleven percent "
            "in the first six months of the year",
            "BelGee increased its production capacity by 11% in the first half of the year",
        ),
    ],
)
def test_numbers_in_words_and_in_figures_are_the_same_quantity(left, right):
    assert differences(left, right) == []
    assert differing_kinds(details(left), details(right)) == set()


@pytest.mark.parametrize(
    "left, right, shown",
    [
        (
            "BelGee increased its production capacity by 11% in the first half of the year",
            "BelGee increased its production capacity by 15% in the first half of the year",
            ["11% vs 15%"],
        ),
        (
            "BelGee raised its production capacity by eleven percent "
            "in the first six months of the year",
            "BelGee increased its production capacity by 15% in the first half of the year",
            ["eleven percent vs 15%"],
        ),
        ("Half of the voters stayed home.", "40% of the voters stayed home.", ["Half vs 40%"]),
        (
            "Sales rose in the first half of the year.",
            "Sales rose in the first quarter of the year.",
            ["first half of the year vs first quarter of the year"],
        ),
        # Only what differs, each side in its own order: the equal 3 is left out.
        (
            "Taxes rose 3% in 2019 and 9% in 2020.",
            "Taxes rose 3% in 2019 and 7% in 2020.",
            ["9% vs 7%"],
        ),
        (
            "In 2020, 9 of 10 plants closed.",
            "In 2021, 10 of 11 plants closed.",
            ["2020 vs 2021", "9 vs 11"],
        ),
    ],
)
def test_only_the_differing_details_are_shown_in_the_order_they_appear(left, right, shown):
    assert [str(d) for d in differences(left, right)] == shown


def test_resolved_dates_count_only_when_both_claims_have_one():
    left = "Exports grew in the first half of the year."
    right = "Exports grew in the first half of the year."
    assert differences(left, right, periods=(["first half of 2020"], [])) == []
    found = differences(left, right, periods=(["first half of 2020"], ["first half of 2021"]))
    assert [(d.kind, str(d)) for d in found] == [
        ("date", "first half of 2020 vs first half of 2021")
    ]
