"""Articles in languages other than English: sentences with exact spans, and which steps run.

Without a parser for the language, a claim is a whole sentence: no decomposition and no
decontextualization (those steps read spaCy's English parse). Russian is split by razdel,
every other language by sentencex (rules for ~300 languages); boilerplate is removed as for
English (factcheck.text.pipeline). Pure: strings in, dataclasses out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from factcheck.text.language import language_name
from factcheck.text.pipeline import Sentence, extract_sentences

ENGLISH = "en"
# sentencex ends a German sentence at an ordinal's full stop ("am 3. Oktober"): such a break
# is undone when the next piece goes on in the same sentence.
_GERMAN_ORDINAL = re.compile(r"(?<![\d.])\d{1,2}\.\s*$")
_MONTHS_DE = re.compile(
    r"^(?:Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|"
    r"Dezember|Jahrhundert|Jahrhunderts|Jahrestag)\b"
)


def _razdel(block: str) -> Iterator[tuple[int, int]]:
    from razdel import sentenize

    for sentence in sentenize(block):
        yield sentence.start, sentence.stop


def _sentencex(language: str) -> Callable[[str], Iterator[tuple[int, int]]]:
    def split(block: str) -> Iterator[tuple[int, int]]:
        from sentencex import get_sentence_boundaries

        pieces = []
        for found in get_sentence_boundaries(language, block):
            start, end = found["start_index"], found["end_index"]
            while end > start and block[end - 1].isspace():  # spans end at the last character
                end -= 1
            if end <= start:
                continue
            if (
                language == "de"
                and pieces
                and _GERMAN_ORDINAL.search(block[pieces[-1][0] : pieces[-1][1]])
                and (_MONTHS_DE.match(block[start:end]) or block[start].islower())
            ):
                pieces[-1] = (pieces[-1][0], end)
                continue
            pieces.append((start, end))
        yield from pieces

    return split


def sentence_splitter(language: str) -> str:
    """Return the name of the tool that splits LANGUAGE into sentences."""
    if language == ENGLISH:
        return "syntok"
    return "razdel" if language == "ru" else "sentencex"


def split_sentences(body: str, language: str) -> list[Sentence]:
    """Return the content sentences of BODY (clean text in LANGUAGE), with spans into BODY."""
    if language == "ru":
        return extract_sentences(body, sentences_of=_razdel)
    return extract_sentences(body, sentences_of=_sentencex(language))


def sentence_kind(text: str) -> str:
    """Return the kind of a claim in a language without the English cues: a question is
    "other", a sentence with a figure "quantity", any other "factual"."""
    stripped = text.rstrip()
    if stripped.endswith(("?", "؟", ";")):  # ";" is the Greek question mark
        return "other"
    return "quantity" if re.search(r"\d", text) else "factual"


def pipeline_steps(language: str, *, multilingual: bool) -> list[str]:
    """Return, in order, what extraction does to an article in LANGUAGE (shown to users)."""
    if language == ENGLISH:
        return [
            "cleaning and boilerplate removal",
            "sentences (syntok)",
            "decomposition into atomic claims (spaCy parse)",
            "decontextualization (names and pronouns resolved)",
            "relative dates resolved",
            "check-worthiness (English model)",
        ]
    name = language_name(language)
    return [
        "cleaning and boilerplate removal",
        f"sentences ({sentence_splitter(language)})",
        f"no decomposition or decontextualization (no parser for {name}): "
        "each sentence is one claim",
        "check-worthiness (multilingual model)"
        if multilingual
        else "check-worthiness (English model: no multilingual model configured)",
    ]
