"""Near misses: two claims that read alike but differ in a number, date, name, negation or
quantifier ("grew 11%" vs "grew 15%"). Such a pair must never be linked automatically."""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass

_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|"
           "december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_DATE = re.compile(rf"\b(?:(?:{_MONTHS})\.? \d{{1,2}}(?:st|nd|rd|th)?(?:,? \d{{4}})?|"
                   rf"\d{{1,2}}(?:st|nd|rd|th)? (?:of )?(?:{_MONTHS})(?:,? \d{{4}})?|"
                   r"(?:1[89]|20)\d{2}s?)\b", re.IGNORECASE)
_NUMBER = re.compile(
    r"(?:[$€£]\s?)?\d+(?:[.,]\d+)*(?:\s?(?:%|percent|per cent|million|billion|trillion|"
    r"thousand|bn|m|k)\b|%)?|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|twenty|thirty|forty|fifty|hundred|thousand|million|billion|half|twice|"
    r"double|triple)\b", re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:not|no|never|none|nobody|nothing|neither|nor|cannot)\b|n't\b",
                       re.IGNORECASE)
_QUANTIFIERS = ("all", "every", "each", "some", "most", "many", "few", "several", "none",
                "always", "only", "majority", "minority", "any", "more", "less", "fewer")
_QUANTIFIER = re.compile(r"\b(?:" + "|".join(_QUANTIFIERS) + r")\b", re.IGNORECASE)
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")
_NOT_NAMES = frozenset("The A An In On At For But And Or If It Its This That These Those He She "
                       "They We You I His Her Their Our Your There When What Who How Why Where "
                       "According After Before Since During No Not Yes".split()
                       + [q.capitalize() for q in _QUANTIFIERS])


@dataclass(frozen=True, slots=True)
class Difference:
    """One way two similar claims differ, with the differing parts of each."""

    kind: str  # number, date, name, negation, quantifier
    left: str
    right: str

    def __str__(self) -> str:
        return f"{self.left or '—'} vs {self.right or '—'}"


def _normalise_number(text: str) -> str:
    text = text.lower().replace("per cent", "%").replace("percent", "%").replace(" ", "")
    return text.replace(",", "")


def _numbers(text: str) -> Counter:
    without_dates = _DATE.sub(" ", text)
    return Counter(_normalise_number(m.group(0)) for m in _NUMBER.finditer(without_dates))


def _dates(text: str) -> Counter:
    return Counter(m.group(0) for m in _DATE.finditer(text))


@dataclass(frozen=True, slots=True)
class Details:
    """The checkable details of one text, extracted once to compare it with many others."""

    dates: frozenset[tuple[str, int]]  # lower-cased, with how often each occurs
    numbers: frozenset[tuple[str, int]]
    # Per capitalised run: its first word lower-cased if it starts the text (else ""), the
    # name, and the name without that first word (None where not a name).
    names: tuple[tuple[str, str | None, str | None], ...]
    lower_words: frozenset[str]
    negated: bool
    quantifiers: frozenset[tuple[str, int]]


def _folded(counter: Counter) -> frozenset[tuple[str, int]]:
    folded: Counter = Counter()
    for key, count in counter.items():
        folded[key.lower()] += count
    return frozenset(folded.items())


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
            names.append((first, _name(words), _name(words[1:])))
    return Details(
        _folded(_dates(text)), _folded(_numbers(text)), tuple(names),
        frozenset(re.findall(r"\b[a-z]+\b", text)), bool(_NEGATION.search(text)),
        _folded(Counter(m.group(0) for m in _QUANTIFIER.finditer(text))))


def _name_set(text: Details, other: Details) -> set[str]:
    """Names in TEXT; a sentence's first word only if OTHER lacks it in lower case."""
    return {rest if first and first in other.lower_words else name
            for first, name, rest in text.names} - {None}


def _names(text: str, other: str) -> set[str]:
    return _name_set(details(text), details(other))


def _names_differ(left: set[str], right: set[str]) -> bool:
    # A name counts only when both sides name someone, and not the same ones.
    return bool(left and right and not (left <= right or right <= left))


def differing_kinds(left: Details, right: Details) -> set[str]:
    """Return the kinds of detail (date, number, name, negation, quantifier) that differ."""
    kinds = {kind for kind, a, b in (("date", left.dates, right.dates),
                                     ("number", left.numbers, right.numbers),
                                     ("quantifier", left.quantifiers, right.quantifiers))
             if a != b}
    if _names_differ(_name_set(left, right), _name_set(right, left)):
        kinds.add("name")
    if left.negated != right.negated:
        kinds.add("negation")
    return kinds


def _compare(kind: str, left: Counter, right: Counter) -> list[Difference]:
    """Compare case-insensitively, but show each side's own words."""
    fold = lambda counter: Counter({k.lower(): v for k, v in counter.items()})  # noqa: E731
    shown = {k.lower(): k for k in list(right) + list(left)}
    only_left = Counter({shown[k]: v for k, v in (fold(left) - fold(right)).items()})
    only_right = Counter({shown[k]: v for k, v in (fold(right) - fold(left)).items()})
    if not only_left and not only_right:
        return []
    return [Difference(kind, ", ".join(sorted(only_left)), ", ".join(sorted(only_right)))]


def differences(left: str, right: str) -> list[Difference]:
    """Return how LEFT and RIGHT differ in checkable details (empty: no near miss)."""
    if not differing_kinds(details(left), details(right)):  # the cached check says "none"
        return []
    found = _compare("date", _dates(left), _dates(right))
    found += _compare("number", _numbers(left), _numbers(right))
    left_names, right_names = _names(left, right), _names(right, left)
    if _names_differ(left_names, right_names):
        found.append(Difference("name", ", ".join(sorted(left_names - right_names)),
                                ", ".join(sorted(right_names - left_names))))
    left_negated, right_negated = bool(_NEGATION.search(left)), bool(_NEGATION.search(right))
    if left_negated != right_negated:
        found.append(Difference("negation", "negated" if left_negated else "",
                                "negated" if right_negated else ""))
    found += _compare("quantifier",
                      Counter(m.group(0).lower() for m in _QUANTIFIER.finditer(left)),
                      Counter(m.group(0).lower() for m in _QUANTIFIER.finditer(right)))
    return found
