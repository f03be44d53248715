"""Make claims stand alone: drop discourse openers, resolve pronouns and short references."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_OPENER = re.compile(
    r"^(?:(?:moreover|additionally|furthermore|however|nevertheless|nonetheless|overall|"
    r"meanwhile|besides|indeed|thus|therefore|consequently|in addition|in fact|also|"
    r"on the other hand|as a result|similarly|likewise|notably|importantly|finally|"
    r"first|second|third|lastly)\s*,\s*|(?:moreover|additionally|furthermore|and|but|so)\s+|"
    r"(?:it should be noted|it is worth noting|it must be noted|note) that\s+)+",
    re.IGNORECASE,
)
_NAME_BEFORE = re.compile(r"\b[A-Z][\w'’.-]* $")  # "Anna Maria |Smith": a first name precedes
# "..., the mayor added." / "..., she said.": who said it is the claimant, not the claim.
_TRAILING_ATTRIBUTION = re.compile(
    r",\s*(?:[\w’'.-]+\s+){0,4}?(?:said|says|added|adds|claimed|claims|noted|notes|stated|"
    r"states|argued|argues|insisted|insists|told (?:reporters|journalists|\w+))\s*([.!?])$"
)
_PRONOUN = re.compile(r"\b(she|he)\b", re.IGNORECASE)
_GENERIC_ORG = re.compile(
    r"^the (?:joint )?(?:enterprise|company|firm|venture|corporation|manufacturer|carmaker|"
    r"automaker|plant|factory|group|organi[sz]ation|business|startup|producer)\b",
    re.IGNORECASE,
)


@dataclass
class EntityMemory:
    """What the article has named so far: people, and organisations or products."""

    people: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)

    def remember(self, label: str, name: str) -> None:
        """Note a name; the most recent mention of each name is last."""
        name = " ".join(name.split())
        names = (
            self.people
            if label == "PERSON" and len(name.split()) <= 5
            else self.organisations
            if label in {"ORG", "PRODUCT"}
            else None
        )
        if names is not None:
            if name in names:
                names.remove(name)
            names.append(name)

    def full_name(self, short: str) -> str | None:
        """Return the last-named person whose full name ends with SHORT (a surname)."""
        matches = [p for p in self.people if len(p.split()) > 1 and p.split()[-1] == short]
        return matches[-1] if matches else None  # the most recent person of that name


def drop_openers(text: str) -> str:
    """Remove discourse openers ("Moreover,", "It should be noted that") from the start."""
    stripped = _OPENER.sub("", text, count=1)
    return stripped[:1].upper() + stripped[1:] if stripped != text else text


def decontextualize(text: str, memory: EntityMemory, *, people_in_claim: list[str]) -> str:
    """Return TEXT rewritten to stand alone, using what MEMORY knows of earlier sentences.

    Relative dates ("last week") stay as they are: the date they are relative to is kept
    beside the claim (text.dates), never written into it.
    """
    text = _TRAILING_ATTRIBUTION.sub(r"\1", drop_openers(text))
    # Short references: "Tikhanovskaya" -> "Svetlana Tikhanovskaya" (first mention only).
    for surname in dict.fromkeys(p.split()[-1] for p in memory.people if len(p.split()) > 1):
        # A bare surname only: "Anna Maria Smith" is someone else than the "John Smith" before.
        mention = re.search(rf"\b{re.escape(surname)}\b", text)
        part_of_a_name = mention and _NAME_BEFORE.search(text[: mention.start()])
        if mention and not part_of_a_name and (full := memory.full_name(surname)):
            text = text[: mention.start()] + full + text[mention.end() :]
    # A pronoun with no person named before it in the claim refers to the last person named.
    pronoun = _PRONOUN.search(text)
    # Only a person known by a full name: a lone capitalised word the tagger took for a person
    # ("Riverton") would make a wrong claim, which is worse than an unresolved "she".
    full_names = [p for p in memory.people if len(p.split()) > 1]
    if (
        pronoun
        and full_names
        and not any(
            p.split()[-1] in text[: pronoun.start()] for p in people_in_claim + memory.people
        )
    ):
        text = text[: pronoun.start()] + full_names[-1] + text[pronoun.end() :]
    if _GENERIC_ORG.match(text) and memory.organisations:
        text = _GENERIC_ORG.sub(memory.organisations[-1], text, count=1)
    return text[:1].upper() + text[1:]
