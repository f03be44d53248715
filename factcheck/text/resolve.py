"""Make an atomic claim stand alone from the parse: what "the ..." and "its" refer to.

Works on an Atom (tree.py) before it is rendered, so a claim keeps the span of its
words: words are added or blanked, never moved.
- A definite description or a possessive in the claim's subject resolves to the article's
  earlier mention: "The plant employs 500" after "Nordwind Motors opened a new plant in
  Minsk" becomes "Nordwind Motors' new plant in Minsk employs 500"; "This agreement" after
  "Belarus and Russia agreed ..." becomes "The agreement between Belarus and Russia"; "Its
  crossover" becomes "Nordwind Motors' crossover".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from factcheck.text.decompose import Atom, noun_phrase, subject_of, text_of

DEFINITE = {"the", "this", "that", "these", "those"}
# An event noun names the verb it comes from: agree -> agreement, decide -> decision.
NOMINAL_SUFFIXES = ("ment", "ion", "sion", "tion", "ation", "al", "ance", "ence", "ing", "ure")
# A class noun stands for an earlier mention of one of its kinds ("a crossover" ... "the
# vehicle"). Kept small and concrete: a wrong antecedent is worse than none.
CLASS_NOUNS = {
    "vehicle": {
        "car",
        "crossover",
        "suv",
        "truck",
        "van",
        "bus",
        "sedan",
        "model",
        "tractor",
        "motorcycle",
        "lorry",
    },
    "drug": {"vaccine", "medicine", "pill", "treatment"},
    "building": {
        "plant",
        "factory",
        "hospital",
        "school",
        "station",
        "library",
        "museum",
        "stadium",
        "tower",
        "bridge",
    },
    "deal": {"agreement", "contract", "treaty", "accord", "pact"},
}
RECENT = 4  # sentences back that an earlier mention may come from


@dataclass
class Mentions:
    """What the article has mentioned so far: things (by noun) and events (by verb)."""

    sentence: int = 0
    things: dict[str, tuple[int, str]] = field(default_factory=dict)
    events: dict[str, tuple[int, list[str]]] = field(default_factory=dict)

    def remember(self, doc: Doc) -> None:
        """Note the informative noun phrases and the events with a named subject of DOC."""
        self.sentence += 1
        for token in doc:
            if token.pos_ == "NOUN" and token.dep_ not in {"compound", "npadvmod"}:
                description = _description(token, doc)
                if description is not None:
                    self.things[token.lemma_.lower()] = (self.sentence, description)
            elif token.pos_ == "VERB":
                subject = subject_of(token)
                if subject is not None and _is_named(subject):
                    names = [subject, *[c for c in subject.conjuncts]]
                    self.events[token.lemma_.lower()] = (
                        self.sentence,
                        [text_of(doc, _own_np(n, doc)) for n in names],
                    )

    def thing(self, lemma: str) -> str | None:
        """Return the latest recent description of a LEMMA thing or of one of its kinds."""
        kinds = {lemma} | CLASS_NOUNS.get(lemma, set())
        found = [
            self.things[k]
            for k in kinds
            if k in self.things and self.sentence - self.things[k][0] < RECENT
        ]
        return max(found)[1] if found else None

    def event(self, noun: Token) -> str | None:
        """Return "the agreement between A and B" for NOUN naming a recent event."""
        lemma = noun.lemma_.lower()
        for verb, (when, subjects) in self.events.items():
            stem = verb[:-1] if verb.endswith("e") else verb
            if (
                self.sentence - when < RECENT
                and lemma.startswith(stem)
                and lemma[len(stem) :].lstrip("e") in {s.lstrip("e") for s in NOMINAL_SUFFIXES}
            ):
                if len(subjects) > 1:
                    return (
                        f"the {noun.text.lower()} between {', '.join(subjects[:-1])} and "
                        f"{subjects[-1]}"
                    )
                return f"{possessive(subjects[0])} {noun.text.lower()}"
        return None


def possessive(name: str) -> str:
    """Return NAME's possessive: "BelGee's", "Nordwind Motors'"."""
    return name + ("'" if name.endswith("s") else "'s")


def _is_named(token: Token) -> bool:
    return token.pos_ == "PROPN" or token.ent_type_ in {"ORG", "PERSON", "GPE", "NORP"}


def _own_np(token: Token, doc) -> set[int]:
    """TOKEN's noun phrase without its determiner, numbers, clauses or list."""
    return {
        i
        for i in noun_phrase(token, doc)
        if doc[i].dep_ not in {"det", "nummod", "punct", "cc", "preconj"}
        or doc[i].head.i != token.i
    }


def _description(noun: Token, doc) -> str | None:
    """Return how a later "the NOUN" can be said in full, or None if NOUN says no more."""
    if any(c.dep_ == "det" and c.lower_ in DEFINITE for c in noun.children):
        return None  # itself a reference to something before
    words = _own_np(noun, doc)
    if any(doc[i].pos_ == "PRON" for i in words):
        return None
    owner = subject_of(noun.head) if noun.dep_ == "dobj" else None
    if owner is not None and _is_named(owner) and not owner.conjuncts:
        return f"{possessive(text_of(doc, _own_np(owner, doc)))} {text_of(doc, words)}"
    return f"the {text_of(doc, words)}" if len(words) > 1 else None


def resolve_references(atom: Atom, doc, mentions: Mentions, organisations: list[str]) -> Atom:
    """Resolve the claim's subject when it is "the/this N" or "its N" (see the module)."""
    replaced = dict(atom.replaced)
    # Words put before the subject (one copied from a first verb) are its antecedent.
    first_insert = min((p for p, _ in atom.inserts), default=float("inf"))
    for token in (doc[i] for i in sorted(atom.tokens)):
        if token.dep_ not in {"nsubj", "nsubjpass"} or token.pos_ != "NOUN":
            continue
        left = [c for c in token.lefts]
        earlier = [
            i
            for i in atom.tokens
            if i < token.left_edge.i and doc[i].pos_ in {"NOUN", "PROPN", "PRON"}
        ]
        if (
            earlier
            or first_insert < token.i
            or any(c.dep_ not in {"det", "poss", "amod", "compound"} for c in left)
        ):
            continue
        if any(c.pos_ == "PROPN" for c in token.subtree) or list(token.rights):
            continue
        det = left[0] if left and left[0].dep_ in {"det", "poss"} else None
        if det is not None and det.lower_ == "its" and organisations:
            replaced[det.i] = possessive(organisations[-1])
        elif det is not None and det.lower_ in DEFINITE:
            full = mentions.thing(token.lemma_.lower()) or mentions.event(token)
            if full is not None:
                for i in range(det.i, token.i + 1):
                    replaced[i] = ""
                replaced[det.i] = full
        break
    return Atom(atom.tokens, atom.inserts, replaced)
