"""Near misses: two claims that read alike but differ in a number, date, name, negation or
quantifier ("grew 11%" vs "grew 15%"). Such a pair must never be linked automatically.

Quantities are compared by value, however they are written: "eleven percent" is "11%", "a
dozen" is 12, "half" is 50%, "the first six months of the year" is "the first half of the
year". Only the details that differ are shown, each side in its own words and in the order
they appear in it; nothing but the two texts (and, when both claims have one, the periods their
relative dates were resolved to) is compared.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

from text_to_num import text2num

_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTHS = "|".join(_MONTH_NAMES) + "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
_DATE = re.compile(
    rf"\b(?:(?P<m1>{_MONTHS})\.? (?P<d1>\d{{1,2}})(?:st|nd|rd|th)?(?:,? (?P<y1>\d{{4}}))?|"
    rf"(?P<d2>\d{{1,2}})(?:st|nd|rd|th)? (?:of )?(?P<m2>{_MONTHS})(?:,? (?P<y2>\d{{4}}))?|"
    r"(?P<year>(?:1[89]|20)\d{2})(?P<decade>s?))\b",
    re.IGNORECASE,
)
# Parts of a year: "the first half of the year" = "the first six months of the year" = "H1".
_PERIOD = re.compile(
    r"\b(?:the\s+)?(?P<ordinal>first|second|third|fourth|1st|2nd|3rd|4th)\s+(?P<part>half|quarter)"
    r"(?:\s+of\s+(?:the\s+(?:fiscal\s+)?year|(?:fiscal\s+)?(?P<year>(?:19|20)\d{2})))?\b|"
    r"\b(?:the\s+)?first\s+(?P<months>three|six|nine|3|6|9)\s+months"
    r"(?:\s+of\s+(?:the\s+(?:fiscal\s+)?year|(?P<year2>(?:19|20)\d{2})))?\b|"
    r"\b(?-i:(?P<code>H[12]|Q[1-4]))(?:\s+(?P<year3>(?:19|20)\d{2}))?\b",
    re.IGNORECASE,
)
_ORDINALS = {
    "first": 1,
    "1st": 1,
    "second": 2,
    "2nd": 2,
    "third": 3,
    "3rd": 3,
    "fourth": 4,
    "4th": 4,
}
_MONTH_COUNTS = {"three": 3, "six": 6, "nine": 9, "3": 3, "6": 6, "9": 9}

# Cardinal number words; the phrases they make ("three hundred and five") are read by text2num.
_CARDINALS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "thousand",
    "million",
    "billion",
    "trillion",
]
_SCALES = {
    "hundred": 1e2,
    "thousand": 1e3,
    "million": 1e6,
    "billion": 1e9,
    "trillion": 1e12,
    "bn": 1e9,
    "m": 1e6,
    "k": 1e3,
    "dozen": 12.0,
}
_DENOMINATORS = {
    "half": 2,
    "third": 3,
    "quarter": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
_SMALL = {w: i for i, w in enumerate(_CARDINALS[:11])} | {"a": 1, "an": 1}
_TIMES = {"twice": 2.0, "thrice": 3.0, "double": 2.0, "triple": 3.0}
_UNITS = {
    "%": "%",
    "percent": "%",
    "per cent": "%",
    "percentage point": "pp",
    "percentage points": "pp",
    "dollars": "$",
    "euros": "€",
    "times": "×",
}

_WORD = "|".join(_CARDINALS)
_SCALE = "hundred|thousand|million|billion|trillion|dozen"
_QUANTITY = re.compile(
    # "a third of", "two thirds", "half", "half a million"
    r"\b(?P<fcount>a|an|one)[\s-]+(?P<fone>third|quarter|fifth|sixth|seventh|eighth|ninth|"
    r"tenth)(?=\s+of\b)|"
    r"\b(?P<fcounts>two|three|four|five|six|seven|eight|nine|ten)[\s-]+(?P<fmany>thirds|"
    r"quarters|fifths|sixths|sevenths|eighths|ninths|tenths)\b|"
    rf"\b(?P<half>(?:(?:a|one)\s+)?half)(?:\s+(?:a|an)\s+(?P<hscale>{_SCALE})"
    r"(?:\s+(?P<hunit>dollars|euros)\b)?)?\b|"
    r"\b(?P<times>twice|thrice|double|triple)\b|"
    # "$4,300", "2.5 million", "eleven percent", "two and a half million dollars", "a dozen"
    r"(?:(?P<currency>US\$|[$€£])\s?)?"
    r"(?:(?P<numeral>\d+(?:[.,]\d+)*)|\b(?P<a>a|an)(?=\s+dozen\b)|"
    r"\b(?P<words>(?:(?:a|an)\s+(?=(?:hundred|thousand|million|billion|trillion)\b))?"
    rf"(?:{_WORD})(?:(?:[\s-]+|\s+and\s+)(?:{_WORD}))*)\b)"
    r"(?P<andhalf>\s+and\s+a\s+half\b)?"
    rf"(?:\s?(?P<scale>{_SCALE})\b|(?P<abbreviation>bn|m|k)\b)?"
    r"(?:\s?(?P<unit>%|percent\b|per cent\b|percentage points?\b|dollars\b|euros\b|times\b))?",
    re.IGNORECASE,
)
_NEGATION = re.compile(
    r"\b(?:not|no|never|none|nobody|nothing|neither|nor|cannot)\b|n't\b", re.IGNORECASE
)
_QUANTIFIERS = (
    "all",
    "every",
    "each",
    "some",
    "most",
    "many",
    "few",
    "several",
    "none",
    "always",
    "only",
    "majority",
    "minority",
    "any",
    "more",
    "less",
    "fewer",
)
_QUANTIFIER = re.compile(r"\b(?:" + "|".join(_QUANTIFIERS) + r")\b", re.IGNORECASE)
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")
_NOT_NAMES = frozenset(
    [
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "For",
        "But",
        "And",
        "Or",
        "If",
        "It",
        "Its",
        "This",
        "That",
        "These",
        "Those",
        "He",
        "She",
        "They",
        "We",
        "You",
        "I",
        "His",
        "Her",
        "Their",
        "Our",
        "Your",
        "There",
        "When",
        "What",
        "Who",
        "How",
        "Why",
        "Where",
        "According",
        "After",
        "Before",
        "Since",
        "During",
        "No",
        "Not",
        "Yes",
        "Half",
    ]
    + [q.capitalize() for q in _QUANTIFIERS]
    + [w.capitalize() for w in _CARDINALS]
)


@dataclass(frozen=True, slots=True)
class Difference:
    """One way two similar claims differ, with the differing parts of each."""

    kind: str  # number, date, name, negation, quantifier
    left: str
    right: str

    def __str__(self) -> str:
        return f"{self.left or '—'} vs {self.right or '—'}"


@dataclass(frozen=True, slots=True)
class Mention:
    """One checkable detail as a text writes it: what it means (KEY), its words, where."""

    key: Hashable  # a quantity is (unit, value); a date, a period or a quantifier its meaning
    shown: str
    start: int
    approximate: bool = False  # a fraction in words ("a third" is 33.3%, or 33%)


def _same(a: Mention, b: Mention) -> bool:
    if a.key == b.key:
        return True
    if not (a.approximate or b.approximate) or not isinstance(a.key, tuple):
        return False
    (unit_a, value_a), (unit_b, value_b) = a.key, b.key
    return unit_a == unit_b and abs(value_a - value_b) <= 0.005 * max(
        abs(value_a), abs(value_b), 100.0
    )


def _unmatched(
    left: Sequence[Mention], right: Sequence[Mention]
) -> tuple[list[Mention], list[Mention]]:
    """Return the mentions of each side that no mention of the other side equals."""
    rest = list(right)
    only_left = []
    for mention in left:
        match = next((i for i, other in enumerate(rest) if _same(mention, other)), None)
        if match is None:
            only_left.append(mention)
        else:
            del rest[match]
    return only_left, rest


def _period(match: re.Match) -> Mention:
    """Return the months of the year a _PERIOD match means: "first half" is months 1 to 6."""
    groups = match.groupdict()
    year = groups["year"] or groups["year2"] or groups["year3"]
    if groups["code"]:
        part, number = groups["code"][0].upper(), int(groups["code"][1])
    elif groups["months"]:
        part, number = "M", _MONTH_COUNTS[groups["months"].lower()]
    else:
        part, number = groups["part"][0].upper(), _ORDINALS[groups["ordinal"].lower()]
    months = {
        "H": (6 * number - 5, 6 * number),
        "Q": (3 * number - 2, 3 * number),
        "M": (1, number),
    }[part]
    shown = re.sub(r"^the\s+", "", match.group(0), flags=re.IGNORECASE)
    return Mention(("months", *months, int(year) if year else None), shown, match.start())


def _date(match: re.Match) -> Mention:
    groups = match.groupdict()
    if groups["year"]:
        key = ("decade" if groups["decade"] else "year", int(groups["year"]))
    else:
        month = (groups["m1"] or groups["m2"]).lower()[:3]
        day, year = groups["d1"] or groups["d2"], groups["y1"] or groups["y2"]
        key = (
            "day",
            [m[:3] for m in _MONTH_NAMES].index(month) + 1,
            int(day),
            int(year) if year else None,
        )
    return Mention(key, match.group(0), match.start())


def _blank(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Return TEXT with SPANS replaced by spaces, so later offsets stay the same."""
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def _dates(text: str) -> tuple[tuple[Mention, ...], str]:
    """Return the dates and parts of years in TEXT, and TEXT with them blanked out."""
    periods = [_period(m) for m in _PERIOD.finditer(text)]
    text = _blank(text, [(m.start, m.start + len(m.shown)) for m in periods])
    dates = [_date(m) for m in _DATE.finditer(text)]
    text = _blank(text, [(m.start, m.start + len(m.shown)) for m in dates])
    return tuple(sorted(periods + dates, key=lambda m: m.start)), text


def _words_value(words: str) -> float | None:
    words = re.sub(r"^an? ", "one ", re.sub(r"[\s-]+", " ", words.lower()).strip())
    try:
        return float(text2num(words, "en"))
    except ValueError:  # not one number ("two and three"), or a lone scale word ("hundred")
        return None


def _quantity(match: re.Match) -> Mention | None:
    """Return what a _QUANTITY match means as (unit, value), or None for no quantity."""
    groups = match.groupdict()
    shown = match.group(0).strip()
    unit, approximate = "", False
    if groups["fone"] or groups["fmany"]:
        count = _SMALL[(groups["fcount"] or groups["fcounts"]).lower()]
        denominator = _DENOMINATORS[(groups["fone"] or groups["fmany"]).lower().rstrip("s")]
        value, unit, approximate = 100.0 * count / denominator, "%", 100 % denominator != 0
    elif groups["times"]:
        value, unit = _TIMES[groups["times"].lower()], "×"
    elif groups["half"]:
        scale = groups["hscale"]
        value, unit = (
            (_SCALES[scale.lower()] / 2, _UNITS.get((groups["hunit"] or "").lower(), ""))
            if scale
            else (50.0, "%")
        )
    else:
        if groups["numeral"]:
            try:
                value = float(groups["numeral"].replace(",", ""))
            except ValueError:  # "1.2.3": compare it as written
                return Mention(("", groups["numeral"]), shown, match.start())
        elif groups["a"]:
            value = 1.0
        else:
            value = _words_value(groups["words"])
            if value is None:
                return None
        if groups["andhalf"]:
            value += 0.5
        if groups["scale"] or groups["abbreviation"]:
            value *= _SCALES[(groups["scale"] or groups["abbreviation"]).lower()]
        if groups["unit"]:
            unit = _UNITS[" ".join(groups["unit"].lower().split())]
        if groups["currency"]:
            unit = groups["currency"].replace("US", "")
    return Mention((unit, round(value, 6)), shown, match.start(), approximate)


def _numbers(text_without_dates: str) -> tuple[Mention, ...]:
    found = (_quantity(m) for m in _QUANTITY.finditer(text_without_dates) if m.group(0).strip())
    return tuple(m for m in found if m is not None)


@dataclass(frozen=True, slots=True)
class Details:
    """The checkable details of one text, extracted once to compare it with many others."""

    dates: tuple[Mention, ...]  # dates and parts of years, in reading order
    numbers: tuple[Mention, ...]
    # Per capitalised run: where it starts, its first word lower-cased if it starts the text
    # (else ""), the name, and the name without that first word (None where not a name).
    names: tuple[tuple[int, str, str | None, str | None], ...]
    lower_words: frozenset[str]
    negation: int | None  # where the first negation is, None if there is none
    quantifiers: tuple[Mention, ...]


def _name(words: list[str]) -> str | None:
    return " ".join(words) if words and not _DATE.fullmatch(" ".join(words)) else None


@functools.lru_cache(maxsize=65536)
def details(text: str) -> Details:
    """Return the dates, numbers, names, negation and quantifiers of TEXT (cached)."""
    names = []
    for match in _NAME.finditer(text):
        words = [w for w in match.group(0).split() if w not in _NOT_NAMES]
        if words:
            first = words[0].lower() if match.start() == 0 else ""
            names.append((match.start(), first, _name(words), _name(words[1:])))
    dates, rest = _dates(text)
    negation = _NEGATION.search(text)
    return Details(
        dates,
        _numbers(rest),
        tuple(names),
        frozenset(re.findall(r"\b[a-z]+\b", text)),
        negation.start() if negation else None,
        tuple(
            Mention(m.group(0).lower(), m.group(0).lower(), m.start())
            for m in _QUANTIFIER.finditer(text)
        ),
    )


def _name_list(text: Details, other: Details) -> list[tuple[int, str]]:
    """Names in TEXT in reading order; a sentence's first word only if OTHER lacks it in
    lower case."""
    found = {}
    for start, first, name, rest in text.names:
        chosen = rest if first and first in other.lower_words else name
        if chosen is not None and chosen not in found:
            found[chosen] = start
    return sorted(((start, name) for name, start in found.items()))


def _names_differ(left: set[str], right: set[str]) -> bool:
    # A name counts only when both sides name someone, and not the same ones.
    return bool(left and right and not (left <= right or right <= left))


def _same_mentions(left: tuple[Mention, ...], right: tuple[Mention, ...]) -> bool:
    if [m.key for m in left] == [m.key for m in right]:
        return True
    only_left, only_right = _unmatched(left, right)
    return not only_left and not only_right


def differing_kinds(left: Details, right: Details) -> set[str]:
    """Return the kinds of detail (date, number, name, negation, quantifier) that differ."""
    kinds = {
        kind
        for kind, a, b in (
            ("date", left.dates, right.dates),
            ("number", left.numbers, right.numbers),
            ("quantifier", left.quantifiers, right.quantifiers),
        )
        if not _same_mentions(a, b)
    }
    if _names_differ(
        {n for _, n in _name_list(left, right)}, {n for _, n in _name_list(right, left)}
    ):
        kinds.add("name")
    if (left.negation is None) != (right.negation is None):
        kinds.add("negation")
    return kinds


def _compare(
    kind: str, left: Sequence[Mention], right: Sequence[Mention]
) -> list[tuple[int, Difference]]:
    only_left, only_right = _unmatched(left, right)
    if not only_left and not only_right:
        return []
    at = (only_left or only_right)[0].start
    return [
        (
            at,
            Difference(
                kind, ", ".join(m.shown for m in only_left), ", ".join(m.shown for m in only_right)
            ),
        )
    ]


def differences(
    left: str, right: str, *, periods: tuple[Sequence[str], Sequence[str]] = ((), ())
) -> list[Difference]:
    """Return how LEFT and RIGHT differ in checkable details (empty: no near miss).

    PERIODS are what each text's relative dates mean ("first half of 2020" for "the first half
    of the year" in an article of 2020); they are compared only when both texts have some.
    """
    a, b = details(left), details(right)
    found = []
    if differing_kinds(a, b):  # the cached check says which kinds to spell out
        found += _compare("date", a.dates, b.dates)
        found += _compare("number", a.numbers, b.numbers)
        left_names, right_names = _name_list(a, b), _name_list(b, a)
        right_set, left_set = {n for _, n in right_names}, {n for _, n in left_names}
        if _names_differ(left_set, right_set):
            only_left = [(s, n) for s, n in left_names if n not in right_set]
            only_right = [(s, n) for s, n in right_names if n not in left_set]
            found.append(
                (
                    (only_left or only_right)[0][0],
                    Difference(
                        "name",
                        ", ".join(n for _, n in only_left),
                        ", ".join(n for _, n in only_right),
                    ),
                )
            )
        if (a.negation is None) != (b.negation is None):
            found.append(
                (
                    a.negation if a.negation is not None else b.negation,
                    Difference(
                        "negation",
                        "negated" if a.negation is not None else "",
                        "negated" if b.negation is not None else "",
                    ),
                )
            )
        found += _compare("quantifier", a.quantifiers, b.quantifiers)
    left_periods, right_periods = periods
    if left_periods and right_periods and set(left_periods) != set(right_periods):
        found.append(
            (
                len(left),
                Difference(
                    "date",
                    ", ".join(p for p in left_periods if p not in right_periods),
                    ", ".join(p for p in right_periods if p not in left_periods),
                ),
            )
        )
    return [difference for _, difference in sorted(found, key=lambda item: item[0])]
