"""What decompose.py and resolve.py share about a spaCy dependency parse: the Atom they build
claims from and the few questions they ask of the tree (a token's subtree, its conjuncts, a
verb's subject, a clean noun phrase).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Token

SUBJECTS = {"nsubj", "nsubjpass", "csubj"}


@dataclass(frozen=True)
class Atom:
    """One atomic claim: sentence tokens kept, plus inserted text keyed by position."""

    tokens: frozenset[int]
    inserts: tuple[tuple[float, str], ...] = ()
    replaced: dict[int, str] = field(default_factory=dict, hash=False, compare=False)

    def render(self, doc) -> str:
        parts: list[tuple[float, str]] = list(self.inserts)
        for i in self.tokens:
            token = doc[i]
            text = self.replaced.get(i, token.text)
            # A removed neighbour ("mayor[, who ...,] cut") leaves no space: add one.
            space = token.whitespace_ or ("" if i + 1 in self.tokens else " ")
            parts.append((float(i), text + space))
        return "".join(text for _, text in sorted(parts, key=lambda p: p[0]))


def subtree(token: Token) -> set[int]:
    return {t.i for t in token.subtree}


def conjuncts_of(token: Token) -> list[Token]:
    """Return the tokens coordinated with TOKEN (its conj chain), in order."""
    found, stack = [], [c for c in token.children if c.dep_ == "conj"]
    while stack:
        conj = stack.pop(0)
        found.append(conj)
        stack.extend(c for c in conj.children if c.dep_ == "conj")
    return sorted(found, key=lambda t: t.i)


def text_of(doc, ids: Iterable[int]) -> str:
    ids = sorted(ids)
    return "".join(doc[i].text_with_ws for i in ids).strip()


def subject_of(verb: Token) -> Token | None:
    """Return the subject of VERB, looking up through coordinated and open-clause verbs."""
    for child in verb.children:
        if child.dep_ in SUBJECTS:
            return child
    if verb.dep_ in {"conj", "xcomp"} and verb.head is not verb:
        return subject_of(verb.head)
    return None


def noun_phrase(token: Token, doc) -> set[int]:
    """The noun phrase of TOKEN without relative clauses, appositives or trailing commas."""
    ids = subtree(token)
    for child in token.children:
        if child.dep_ in {"relcl", "appos", "acl"} or (child.dep_ == "punct" and child.i > token.i):
            ids -= subtree(child)
    for conj in conjuncts_of(token):
        ids -= subtree(conj)
    return ids
