"""Relative dates in a claim ("last week", "on November 25th") and the periods they mean.

A claim keeps its own words; the date it was made (an article's publication date) is stored
beside it, and these helpers work out from the two what "last week" meant then. Pure: no I/O.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_UNITS = "week|month|year|weekend|spring|summer|autumn|fall|winter|quarter"
RELATIVE_TIME = re.compile(
    rf"\b(?P<which>this|last|next|past|coming) (?P<unit>{_UNITS})\b|"
    r"\b(?P<day>yesterday|today|tomorrow)\b|\b(?P<recently>recently)\b|"
    r"\bearlier this (?P<earlier>week|month|year)\b|"
    r"\bthe (?P<half>first|second) half of the year\b|"
    rf"\b(?:on )?(?P<month>{'|'.join(_MONTHS)}) (?P<date>\d{{1,2}})(?:st|nd|rd|th)?\b"
    r"(?!,? \d{4})",
    re.IGNORECASE,
)
# Meteorological seasons (northern hemisphere): first month, and how many months.
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}


@dataclass(frozen=True, slots=True)
class DateReference:
    """Words of a claim that place it in time, relative to the date the claim was made."""

    phrase: str  # as the claim writes it: "last week"
    made_on: date  # the date it is relative to (the article's publication date)
    start: date | None  # the period it means; None when it cannot be worked out ("recently")
    end: date | None

    @property
    def period(self) -> str | None:
        """Return the period as a reader would say it: "2019", "first half of 2020"."""
        return describe_period(self.start, self.end) if self.start and self.end else None

    def __str__(self) -> str:
        meaning = self.period or f"before {self.made_on.isoformat()}"
        return f"{self.phrase}: {meaning}"


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _months(year: int, first: int, count: int) -> tuple[date, date]:
    """Return the first and last day of COUNT months from month FIRST of YEAR."""
    last = first + count - 1
    end_year, end_month = year + (last - 1) // 12, (last - 1) % 12 + 1
    return date(year, first, 1), _month_end(end_year, end_month)


def _shift_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _unit_period(which: str, unit: str, made_on: date) -> tuple[date, date]:
    """Return the period "this/last/next/past/coming UNIT" meant on MADE_ON."""
    if which in {"past", "coming"}:  # a rolling window: "the past year" is the last 12 months
        length = {"week": 7, "weekend": 7}.get(unit)
        if length is not None:
            return (
                (made_on - timedelta(days=length), made_on)
                if which == "past"
                else (made_on, made_on + timedelta(days=length))
            )
        months = {"month": 1, "quarter": 3, "year": 12}.get(unit, 3)
        return (
            (_shift_months(made_on, -months), made_on)
            if which == "past"
            else (made_on, _shift_months(made_on, months))
        )
    step = {"this": 0, "last": -1, "next": 1}[which]
    if unit in {"week", "weekend"}:
        monday = made_on - timedelta(days=made_on.weekday()) + timedelta(weeks=step)
        return (
            (monday + timedelta(days=5), monday + timedelta(days=6))
            if unit == "weekend"
            else (monday, monday + timedelta(days=6))
        )
    if unit == "month":
        first = _shift_months(made_on.replace(day=1), step)
        return first, _month_end(first.year, first.month)
    if unit == "quarter":
        first = _shift_months(
            made_on.replace(day=1, month=(made_on.month - 1) // 3 * 3 + 1), 3 * step
        )
        return _months(first.year, first.month, 3)
    if unit == "year":
        return date(made_on.year + step, 1, 1), date(made_on.year + step, 12, 31)
    # A season: "this" is the one MADE_ON falls in or else the nearest; "last" the latest
    # that had ended, "next" the first to come.
    first = _SEASONS[unit]
    seasons = [_months(year, first, 3) for year in range(made_on.year - 2, made_on.year + 2)]
    if which == "last":
        return [s for s in seasons if s[1] < made_on][-1]
    if which == "next":
        return next(s for s in seasons if s[0] > made_on)
    return min(
        seasons,
        key=lambda s: (
            0
            if s[0] <= made_on <= s[1]
            else min(abs((s[0] - made_on).days), abs((s[1] - made_on).days))
        ),
    )


def _month_day(month: str, day: int, made_on: date) -> tuple[date, date] | None:
    """Return the date "November 25" meant on MADE_ON: the latest one up to a month ahead."""
    number = [m.lower() for m in _MONTHS].index(month.lower()) + 1
    for year in (made_on.year + 1, made_on.year, made_on.year - 1):
        try:
            candidate = date(year, number, day)
        except ValueError:  # 30 February, or 29 February of a common year
            continue
        if candidate <= made_on + timedelta(days=31):
            return candidate, candidate
    return None


def _resolve(match: re.Match, made_on: date) -> tuple[date, date] | None:
    groups = match.groupdict()
    if groups["which"]:
        return _unit_period(groups["which"].lower(), groups["unit"].lower(), made_on)
    if groups["day"]:
        day = made_on + timedelta(
            days={"yesterday": -1, "today": 0, "tomorrow": 1}[groups["day"].lower()]
        )
        return day, day
    if groups["earlier"]:
        start = _unit_period("this", groups["earlier"].lower(), made_on)[0]
        return start, made_on
    if groups["half"]:
        return _months(made_on.year, 1 if groups["half"].lower() == "first" else 7, 6)
    if groups["month"]:
        return _month_day(groups["month"], int(groups["date"]), made_on)
    return None  # "recently"


def resolve_dates(text: str, made_on: date | None) -> tuple[DateReference, ...]:
    """Return the relative dates of TEXT worked out against MADE_ON (none without a date)."""
    if made_on is None:
        return ()
    found = []
    for match in RELATIVE_TIME.finditer(text):
        period = _resolve(match, made_on)
        phrase = re.sub(r"^on ", "", match.group(0), flags=re.IGNORECASE)
        found.append(DateReference(phrase, made_on, *(period or (None, None))))
    return tuple(found)


def describe_period(start: date, end: date) -> str:
    """Return START..END as a reader would say it: "2019", "November 2020", "Q3 2020"."""
    if start == end:
        return start.isoformat()
    whole_months = start.day == 1 and end == _month_end(end.year, end.month)
    if whole_months and start.year == end.year:
        first, last = start.month, end.month
        if (first, last) == (1, 12):
            return str(start.year)
        if first == last:
            return f"{_MONTHS[first - 1]} {start.year}"
        if (first, last) in {(1, 6), (7, 12)}:
            return f"{'first' if first == 1 else 'second'} half of {start.year}"
        if last - first == 2 and first % 3 == 1:
            return f"Q{last // 3} {start.year}"
    if start.weekday() == 0 and end - start == timedelta(days=6):
        return f"week of {start.isoformat()}"
    return f"{start.isoformat()} to {end.isoformat()}"
