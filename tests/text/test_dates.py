"""Relative dates in claims, worked out against the date the claim was made."""

from datetime import date

import pytest

from factcheck.text.dates import describe_period, resolve_dates

FRIDAY = date(2020, 11, 27)  # the seed article's publication date


@pytest.mark.parametrize(
    "text, made_on, shown",
    [
        (
            "It grew in the first half of the year.",
            FRIDAY,
            "the first half of the year: first half of 2020",
        ),
        ("On November 25th, Lavrov arrived.", FRIDAY, "November 25th: 2020-11-25"),
        ("It opened on December 20.", date(2021, 1, 10), "December 20: 2020-12-20"),  # the last one
        ("It opens on January 15.", date(2020, 12, 20), "January 15: 2021-01-15"),  # weeks ahead
        ("This week, the IOC met.", FRIDAY, "This week: week of 2020-11-23"),
        ("It fell last week.", FRIDAY, "last week: week of 2020-11-16"),
        ("It fell last year.", FRIDAY, "last year: 2019"),
        ("It rose last month.", date(2021, 1, 10), "last month: December 2020"),
        ("It rises next quarter.", FRIDAY, "next quarter: Q1 2021"),
        ("It rained yesterday.", FRIDAY, "yesterday: 2020-11-26"),
        ("It rained this weekend.", FRIDAY, "this weekend: 2020-11-28 to 2020-11-29"),
        ("It was hot last summer.", FRIDAY, "last summer: 2020-06-01 to 2020-08-31"),
        ("It was cold this winter.", date(2024, 3, 8), "this winter: 2023-12-01 to 2024-02-29"),
        ("Prices rose over the past year.", FRIDAY, "past year: 2019-11-27 to 2020-11-27"),
        ("It started recently.", FRIDAY, "recently: before 2020-11-27"),
    ],
)
def test_relative_dates_mean_a_period_of_the_day_they_were_written(text, made_on, shown):
    assert [str(r) for r in resolve_dates(text, made_on)] == [shown]


def test_without_the_date_it_was_made_nothing_is_resolved():
    assert resolve_dates("It fell last year.", None) == ()


def test_dates_with_a_year_are_not_relative():
    assert resolve_dates("It happened on November 25, 2019.", FRIDAY) == ()


@pytest.mark.parametrize(
    "start, end, shown",
    [
        (date(2019, 1, 1), date(2019, 12, 31), "2019"),
        (date(2020, 7, 1), date(2020, 12, 31), "second half of 2020"),
        (date(2020, 2, 1), date(2020, 2, 29), "February 2020"),
        (date(2020, 4, 1), date(2020, 6, 30), "Q2 2020"),
        (date(2020, 11, 23), date(2020, 11, 29), "week of 2020-11-23"),
        (date(2020, 11, 25), date(2020, 11, 25), "2020-11-25"),
        (date(2020, 11, 1), date(2020, 11, 27), "2020-11-01 to 2020-11-27"),
    ],
)
def test_periods_are_described_as_a_reader_says_them(start, end, shown):
    assert describe_period(start, end) == shown
