"""Split a parsed sentence into atomic claims: coordination, relative clauses, appositives.

A claim is built from the sentence's own tokens (so it keeps the span of the words it came
from) plus a few inserted words: a shared subject copied to a coordinated verb, an antecedent
in place of a relative pronoun, "is" between a name and its appositive.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.tokens import Span, Token

from factcheck.text.tree import (
    SUBJECTS,
    Atom,
    conjuncts_of,
    noun_phrase,
    subject_of,
    subtree,
    text_of,
)

MAX_CLAIMS_PER_SENTENCE = 8
# Coordinated words in these roles are separate claims ("is an activist and a politician",
# "have batteries, starters and seats"); subjects and prepositional objects are not split,
# because "Belarus and Russia agreed" or "a venture between Belarus and China" is one fact.
SPLIT_NOUN_DEPS = {"attr", "dobj", "acomp", "oprd"}
VERB_POS = {"VERB", "AUX"}
RELATIVE_PRONOUNS = {"who", "which", "whom"}


def _own_part(token: Token, conjuncts: Iterable[Token]) -> set[int]:
    """Return TOKEN's subtree without its conjuncts and the commas/"and" joining them."""
    own = subtree(token)
    for conj in conjuncts:
        own -= subtree(conj)
    for child in token.children:
        if child.dep_ in {"cc", "preconj"} or (child.dep_ == "punct" and child.i > token.i):
            own.discard(child.i)
    return own


def _split_coordination(atom: Atom, doc, sentence: Span) -> list[Atom]:
    """Split the first coordination found inside ATOM into one atom per conjunct."""
    for token in sentence:
        if token.i not in atom.tokens:
            continue
        conjuncts = [c for c in conjuncts_of(token) if c.i in atom.tokens]
        if not conjuncts or token.dep_ == "conj":
            continue
        is_verb = token.pos_ in VERB_POS and all(c.pos_ in VERB_POS for c in conjuncts)
        if not is_verb and token.dep_ not in SPLIT_NOUN_DEPS:
            continue
        whole = subtree(token)
        own = _own_part(token, conjuncts)
        before, after = ([], []) if is_verb else _shared_modifiers(token, conjuncts)
        variants = [
            _with_shared(
                Atom(frozenset(atom.tokens - (whole - own)), atom.inserts, atom.replaced),
                token,
                [],
                after,
                doc,
            )
        ]
        for conj in conjuncts:
            conj_part = _own_part(conj, conjuncts_of(conj)) & atom.tokens
            inserts = list(atom.inserts)
            keep = atom.tokens - whole
            if is_verb and not any(c.dep_ in SUBJECTS for c in conj.children):
                # "X focuses on A and recently started B": B's subject is X's.
                subject = subject_of(token)
                if subject is not None and subject.i not in subtree(conj):
                    inserts.append(
                        (min(conj_part) - 0.5, text_of(doc, noun_phrase(subject, doc)) + " ")
                    )
            elif not is_verb:
                determiners = [c for c in token.children if c.dep_ in {"det", "poss"}]
                if determiners and not any(c.dep_ in {"det", "poss"} for c in conj.children):
                    first = (
                        doc[min(conj_part)] if min(conj_part) < conj.i or not before else before[0]
                    )
                    inserts.append((min(conj_part) - 0.5, _article_for(determiners[0], first)))
            conj_atom = Atom(frozenset(keep | conj_part), tuple(inserts), atom.replaced)
            variants.append(_with_shared(conj_atom, conj, before, after, doc))
        return variants
    return [atom]


def _shared_modifiers(head: Token, conjuncts: list[Token]) -> tuple[list[Token], list[Token]]:
    """Return the modifiers a list's items share: adjectives before it, phrases after it.

    "Belarusian batteries, starters and seats" are all Belarusian; "outing and shaming of
    business leaders" are both of business leaders. Items with a determiner of their own ("a
    library, a cinema and a pool with a view") share nothing.
    """
    if any(c.dep_ in {"det", "poss"} for conj in conjuncts for c in conj.children):
        return [], []
    before = [c for c in head.children if c.dep_ == "amod" and c.i < head.i]
    last = conjuncts[-1]
    after = [c for c in head.children if c.dep_ == "prep" and c.i > last.i]
    bare = all(
        c.dep_ in {"punct", "cc", "conj"} for item in (head, *conjuncts[:-1]) for c in item.rights
    )
    if not after and bare:
        after = [c for c in last.children if c.dep_ == "prep"]
    return before, after


def _with_shared(atom: Atom, item: Token, before: list[Token], after: list[Token], doc) -> Atom:
    """Give list ITEM the shared modifiers it lacks in ATOM (see _shared_modifiers)."""
    inserts = list(atom.inserts)
    own_left = any(c.dep_ in {"det", "poss", "amod", "compound", "nummod"} for c in item.lefts)
    if before and not own_left:
        inserts.append((item.i - 0.25, " ".join(text_of(doc, subtree(m)) for m in before) + " "))
    missing = [m for m in after if m.i not in atom.tokens]
    if missing:
        inserts.append((item.i + 0.5, " ".join(text_of(doc, subtree(m)) for m in missing) + " "))
    return Atom(atom.tokens, tuple(inserts), atom.replaced)


def _article_for(determiner: Token, word: Token) -> str:
    """Return DETERMINER fitted to the word it now precedes ("a" -> "an author")."""
    if determiner.lower_ in {"a", "an"}:
        return "an " if word.text[:1].lower() in "aeiou" else "a "
    return determiner.text + " "


def _referent(noun: Token, doc) -> set[int]:
    """What a relative clause on NOUN is about: the subject, when NOUN is a predicate noun."""
    if noun.dep_ == "attr" and noun.head.lemma_ == "be":
        subject = subject_of(noun.head)
        if subject is not None:
            return noun_phrase(subject, doc)
    if noun.dep_ == "conj":
        return _referent(noun.head, doc)
    return noun_phrase(noun, doc)


def _relative_clauses(atom: Atom, doc, sentence: Span) -> list[Atom]:
    """Cut descriptive relative clauses off as claims of their own."""
    extra: list[Atom] = []
    tokens = set(atom.tokens)
    for token in sentence:
        if token.dep_ != "relcl" or token.i not in tokens:
            continue
        pronoun = next(
            (
                c
                for c in token.children
                if c.dep_ in {"nsubj", "nsubjpass"} and c.lower_ in RELATIVE_PRONOUNS
            ),
            None,
        )
        if pronoun is None:
            continue
        comma_before = token.left_edge.i > 0 and doc[token.left_edge.i - 1].text == ","
        descriptive = comma_before or (
            pronoun.lower_ == "who" and token.head.dep_ in {"attr", "conj"}
        )
        if not descriptive:
            continue  # "the few nations that recognized him": cutting it changes the meaning
        clause = subtree(token)
        referent = text_of(doc, _referent(token.head, doc))
        extra.append(
            Atom(frozenset(clause - {pronoun.i}), ((pronoun.i - 0.5, referent + " "),), {})
        )
        tokens -= clause
        if comma_before:
            tokens.discard(token.left_edge.i - 1)
            after = token.right_edge.i + 1
            if after < len(doc) and doc[after].text == ",":
                tokens.discard(after)
    return [Atom(frozenset(tokens), atom.inserts, atom.replaced), *extra]


def _appositives(atom: Atom, doc, sentence: Span) -> list[Atom]:
    """Turn "the minister, Sergei Lavrov, arrived" into two atoms.

    They are "Sergei Lavrov arrived" and "... is the minister".
    """
    tokens = set(atom.tokens)
    replaced = dict(atom.replaced)
    inserts = list(atom.inserts)
    extra: list[Atom] = []
    for token in sentence:
        if token.i not in tokens:
            continue
        appositive, noun = _appositive_pair(token, sentence)
        if appositive is None:
            continue
        appo_ids = (
            noun_phrase(appositive, doc)
            if isinstance(appositive, Token)
            else {t.i for t in appositive}
        )
        noun_ids = noun_phrase(noun, doc) - appo_ids
        before, after = min(appo_ids) - 1, max(appo_ids) + 1
        if before >= 0 and after < len(doc) and doc[before].text == "(" and doc[after].text == ")":
            tokens -= appo_ids | {before, after}  # "(IOC)": an abbreviation, not a claim
            continue
        name_is_appositive = _is_name(appo_ids, doc) and not _is_name(noun_ids, doc)
        name, description = (appo_ids, noun_ids) if name_is_appositive else (noun_ids, appo_ids)
        extra.append(
            Atom(frozenset(name | description), ((max(name) + 0.5, " is "),), {})
            if min(name) < min(description)
            else _description_after_name(name, description, doc)
        )
        punct = {
            i
            for i in (min(appo_ids) - 1, max(appo_ids) + 1)
            if 0 <= i < len(doc) and doc[i].text == ","
        }
        tokens -= appo_ids | punct
        if name_is_appositive:
            # The name replaces the description in the main claim.
            tokens -= noun_ids
            inserts.append((min(noun_ids) + 0.25, text_of(doc, name) + " "))
    return [Atom(frozenset(tokens), tuple(inserts), replaced), *extra]


def _description_after_name(name: set[int], description: set[int], doc) -> Atom:
    first = doc[min(description)]
    # "BelGee is the joint venture ...": the description no longer starts the sentence.
    lowered = {first.i: first.lower_} if first.pos_ == "DET" else {}
    return Atom(
        frozenset(description), ((min(description) - 0.5, text_of(doc, name) + " is "),), lowered
    )


def _appositive_pair(token: Token, sentence: Span) -> tuple[Token | Span | None, Token | None]:
    if token.dep_ == "appos":
        if conjuncts_of(token.head) or token.head.dep_ == "conj":
            return None, None  # "Apple, Google and Microsoft, the biggest firms": all three
        return token, token.head
    # "The venture between Belarus and China, BelGee, increased ...": the parser often reads a
    # comma-enclosed name right before the verb as one more conjunct; it names the subject.
    # Only after a list closed by "and"/"or"; in "Smith, Jones, Brown, left" it is one more item.
    list_closed = any(c.dep_ == "cc" and c.i < token.i for c in token.head.children)
    if (
        token.dep_ == "conj"
        and list_closed
        and token.ent_type_ in {"ORG", "PERSON", "PRODUCT", "GPE"}
        and token.i + 1 < len(token.doc)
        and token.doc[token.i + 1].text == ","
        and token.i > 0
        and token.doc[token.i - 1].text == ","
    ):
        verb = sentence.root
        subject = subject_of(verb)
        nxt = token.doc[token.i + 2] if token.i + 2 < len(token.doc) else None
        if subject is not None and nxt is not None and (nxt.i == verb.i or nxt.head.i == verb.i):
            entity = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
            return (entity or token.doc[token.i : token.i + 1]), subject
    return None, None


def _is_name(ids: set[int], doc) -> bool:
    words = [doc[i] for i in ids if doc[i].is_alpha]
    return bool(words) and all(w.pos_ == "PROPN" for w in words if w.pos_ not in {"DET"})


def decompose(sentence: Span) -> list[Atom]:
    """Return the atomic claims of SENTENCE (at least one: the sentence itself)."""
    doc = sentence.doc
    base = Atom(frozenset(t.i for t in sentence))
    atoms = _appositives(base, doc, sentence)
    atoms = [piece for atom in atoms for piece in _relative_clauses(atom, doc, sentence)]
    done: list[Atom] = []
    pending = atoms
    while pending and len(done) + len(pending) < 4 * MAX_CLAIMS_PER_SENTENCE:
        atom = pending.pop(0)
        split = _split_coordination(atom, doc, sentence)
        if len(split) == 1:
            done.append(atom)
        else:
            pending = split + pending
    done.extend(pending)
    return [a for a in done if any(doc[i].is_alpha for i in a.tokens)][:MAX_CLAIMS_PER_SENTENCE]
