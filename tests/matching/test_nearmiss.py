import pytest

from factcheck.matching.nearmiss import details, differences, differing_kinds


@pytest.mark.parametrize("left, right, kind, shown", [
    ("Exports grew by 11% in the first half of the year.",
     "Exports grew by 15% in the first half of the year.", "number", "11% vs 15%"),
    ("The deficit reached $4,300 per family.", "The deficit reached $3,400 per family.",
     "number", "$4300 vs $3400"),
    ("The bridge opened in 1998.", "The bridge opened in 2001.", "date", "1998 vs 2001"),
    ("Taxes rose on March 3, 2020.", "Taxes rose on March 5, 2020.", "date",
     "March 3, 2020 vs March 5, 2020"),
    ("Obama was born in Hawaii.", "Trump was born in Hawaii.", "name", "Obama vs Trump"),
    ("Vaccines cause autism.", "Vaccines do not cause autism.", "negation", "— vs negated"),
    ("The senator didn't vote for the bill.", "The senator voted for the bill.", "negation",
     "negated vs —"),
    ("All schools in the county closed.", "Some schools in the county closed.", "quantifier",
     "all vs some"),
])
def test_near_misses_are_found_and_shown(left, right, kind, shown):
    found = differences(left, right)
    assert [d.kind for d in found] == [kind]
    assert str(found[0]) == shown


@pytest.mark.parametrize("left, right", [
    ("Unemployment fell to 3.2 percent last year.", "Last year unemployment fell to 3.2%."),
    ("Lukashenko has ruled Belarus since 1994.", "Since 1994 Lukashenko has ruled Belarus."),
    ("The city budget grew.", "The budget of the city grew."),
])
def test_paraphrases_are_not_near_misses(left, right):
    assert differences(left, right) == []


@pytest.mark.parametrize("left, right", [
    ("Exports grew by 11% in 2019.", "Exports grew by 15% in 2019."),
    ("Obama was born in Hawaii on August 4, 1961.", "Trump was born in Hawaii."),
    ("Vaccines cause autism.", "Vaccines do not cause autism in all children."),
    ("Taxes rose.", "Taxes rose."),
    ("Most Americans back it, says Pew.", "Some Americans back it, says Gallup."),
])
def test_differing_kinds_agree_with_differences(left, right):
    assert differing_kinds(details(left), details(right)) == {
        d.kind for d in differences(left, right)}
