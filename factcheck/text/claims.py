"""From clean article text to standalone atomic claims with spans (no scores, no vectors)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from factcheck.text.checkworthiness import classify_kind
from factcheck.text.dates import DateReference, resolve_dates
from factcheck.text.decompose import decompose
from factcheck.text.decontextualize import EntityMemory, decontextualize
from factcheck.text.multilingual import ENGLISH
from factcheck.text.parse import load_parser
from factcheck.text.pipeline import Sentence, extract_sentences
from factcheck.text.resolve import Mentions, resolve_references

if TYPE_CHECKING:
    from spacy.tokens import Doc

# spaCy's parser slows down badly on very long "sentences": longer ones are parsed in pieces.
MAX_PARSE_CHARS = 2000
DUPLICATE_SIMILARITY = 0.9
_ATTRIBUTED = re.compile(r"According to\b")
_WORD = re.compile(r"\w+")
_NUMBERS = re.compile(r"\d+(?:[.,]\d+)*")
_NEGATION = re.compile(r"\b(?:not|no|never|n't|none|nobody|nothing)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ClaimDraft:
    """An atomic, standalone claim and where it came from in the article."""

    text: str
    sentence: str
    start: int  # span of the words it came from
    end: int
    kind: str
    spans: tuple[tuple[int, int], ...]  # every place it appears (duplicates merged)
    # Its relative dates ("last week") and what they meant on the article's date.
    date_references: tuple[DateReference, ...] = ()


def _tidy(text: str, terminal: str) -> str:
    text = " ".join(text.split())
    text = re.sub(r"\s+([,.;:!?%)\]’”])", r"\1", text)
    text = re.sub(r"([(\[‘“])\s+", r"\1", text)
    text = re.sub(r"\(\s*\)", "", text)
    text = re.sub(r",\s*(?=[.!?]$)", "", text).strip(" ,;:-–—")
    text = re.sub(r"\.{2}$", ".", text)
    if text and text[-1] not in ".!?\"'’”":
        text += terminal
    return text[:1].upper() + text[1:]


def _parse_units(text: str) -> list[tuple[int, str]]:
    """Cut a sentence longer than MAX_PARSE_CHARS at semicolons, commas or spaces.

    Returns (offset, piece) pairs covering all of TEXT; a pasted transcript without full stops
    thus yields claims from its whole length, not just its start.
    """
    units, offset = [], 0
    while len(text) - offset > MAX_PARSE_CHARS:
        window = text[offset : offset + MAX_PARSE_CHARS]
        cut = max(window.rfind("; "), window.rfind(", "))
        if cut < MAX_PARSE_CHARS // 2:
            cut = window.rfind(" ")
        cut = cut + 1 if cut > 0 else MAX_PARSE_CHARS
        units.append((offset, text[offset : offset + cut]))
        offset += cut
    units.append((offset, text[offset:]))
    return units


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


@dataclass(frozen=True, slots=True)
class ArticleText:
    """What extraction reads of an article: its clean text, its language, the day it appeared
    and its headline (see draft_claims)."""

    body: str
    language: str = ENGLISH
    article_date: date | None = None
    title: str | None = None


def draft_claims(
    body: str, *, article_date: date | None = None, title: str | None = None
) -> list[ClaimDraft]:
    """Return the atomic claims of BODY (clean text), decontextualized, in reading order.

    ARTICLE_DATE, the day the article appeared, resolves each claim's relative dates. A
    sentence that only repeats TITLE (the headline printed above the text) is not a claim.
    """
    (drafts,) = draft_claims_many([ArticleText(body, article_date=article_date, title=title)])
    return drafts


def draft_claims_many(texts: Sequence[ArticleText]) -> list[list[ClaimDraft]]:
    """Return draft_claims of each of TEXTS, parsing all their sentences in one spaCy pipe
    (8 articles at once take a quarter less parsing per article: bench/README.md)."""
    units = [_units(text) for text in texts]
    docs = list(load_parser().pipe(piece for parts in units for _, _, piece in parts))
    found, at = [], 0
    for text, parts in zip(texts, units, strict=True):
        found.append(_drafts(parts, docs[at : at + len(parts)], text.article_date))
        at += len(parts)
    return found


def _units(text: ArticleText) -> list[tuple[Sentence, int, str]]:
    """The pieces of TEXT to parse: (sentence, offset in it, piece), headline left out."""
    headline = _words(text.title or "")
    return [
        (sentence, offset, piece)
        for sentence in extract_sentences(text.body)
        if not headline or _words(sentence.text) != headline
        for offset, piece in _parse_units(sentence.text)
    ]


def _drafts(
    units: list[tuple[Sentence, int, str]], docs: list[Doc], article_date: date | None
) -> list[ClaimDraft]:
    """The claims of one article from its parsed UNITS, in reading order."""
    memory = EntityMemory()
    mentions = Mentions()
    drafts: list[ClaimDraft] = []
    for (sentence, offset, _), doc in zip(units, docs, strict=True):
        terminal = "?" if sentence.text.rstrip().endswith("?") else "."
        people = [e.text for e in doc.ents if e.label_ == "PERSON"]
        for part in doc.sents:
            for piece in decompose(part):
                atom = resolve_references(piece, doc, mentions, memory.organisations)
                ids = sorted(atom.tokens)
                start = sentence.start + offset + doc[ids[0]].idx
                end = sentence.start + offset + doc[ids[-1]].idx + len(doc[ids[-1]])
                text = decontextualize(
                    _tidy(atom.render(doc), terminal), memory, people_in_claim=people
                )
                has_verb = any(doc[i].pos_ in {"VERB", "AUX"} for i in ids) or any(
                    " is " in text for _, text in atom.inserts
                )
                drafts.append(
                    ClaimDraft(
                        text=text,
                        sentence=sentence.text,
                        start=start,
                        end=end,
                        kind=classify_kind(text, has_verb=has_verb),
                        spans=((start, end),),
                        date_references=resolve_dates(text, article_date),
                    )
                )
        for entity in doc.ents:
            memory.remember(entity.label_, entity.text)
        for token in doc:  # "the venture ..., BelGee," names an organisation too
            if token.ent_type_ == "" and token.pos_ == "PROPN" and token.dep_ in {"appos", "conj"}:
                memory.remember("ORG", token.text)
        mentions.remember(doc)
    return drafts


def _same_facts(a: str, b: str) -> bool:
    """Numbers and negation must agree: '11%' and '15%' are different claims."""
    return sorted(_NUMBERS.findall(a)) == sorted(_NUMBERS.findall(b)) and bool(
        _NEGATION.search(a)
    ) == bool(_NEGATION.search(b))


def merge_duplicates(
    drafts: Sequence[ClaimDraft], embeddings: np.ndarray, *, threshold: float = DUPLICATE_SIMILARITY
) -> tuple[list[ClaimDraft], list[int]]:
    """Merge claims an article repeats (a summary bullet and its body sentence).

    The merged claim has the words of its first mention, or of a later one that says who
    made the claim ("According to ...").

    Return the kept claims, each carrying every span it appears at, and for each kept claim
    the index of its row in EMBEDDINGS.
    """
    kept: list[ClaimDraft] = []
    rows: list[int] = []
    if not drafts:
        return kept, rows
    similar = (embeddings @ embeddings.T) >= threshold  # one product, not a loop of dots
    position_of_row: dict[int, int] = {}
    for index, draft in enumerate(drafts):
        for row in np.flatnonzero(similar[index, :index]):
            position = position_of_row.get(int(row))
            if position is not None and _same_facts(draft.text, kept[position].text):
                first = kept[position]
                if _ATTRIBUTED.match(draft.text) and not _ATTRIBUTED.match(first.text):
                    # "According to the committee, X" says more than a summary's "X".
                    kept[position] = replace(draft, spans=draft.spans + first.spans)
                    rows[position] = index
                    position_of_row[index] = position
                else:
                    kept[position] = replace(first, spans=first.spans + draft.spans)
                break
        else:
            position_of_row[index] = len(kept)
            kept.append(draft)
            rows.append(index)
    return kept, rows
