"""Split clean article text into sentences with exact character spans, skipping boilerplate."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import syntok.segmenter as syntok

from factcheck.text.boilerplate import is_widget_line, trailing_author_block

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_BULLET_LINE = re.compile(r"\n(?=\s*(?:[•◦▪‣·*+-]|\d{1,3}[.)])\s)")
_BULLET_PREFIX = re.compile(r"(?:[•◦▪‣·*+-]|\d{1,3}[.)])\s+")
_WORD = re.compile(r"[^\W\d_]{2,}")
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]{4,}")  # no spaces between words


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence of the article: its text is exactly body[start:end]."""

    text: str
    start: int
    end: int
    paragraph: int


def _blocks(text: str) -> Iterator[tuple[int, str]]:
    """Yield (offset, block) for paragraphs, and for each bullet of a list on its own."""
    for para in _split_with_offsets(text, _PARAGRAPH_BREAK, 0):
        yield from _split_with_offsets(para[1], _BULLET_LINE, para[0])


def _split_with_offsets(
    text: str, pattern: re.Pattern[str], base: int
) -> Iterator[tuple[int, str]]:
    pos = 0
    for match in pattern.finditer(text):
        if text[pos : match.start()].strip():
            yield base + pos, text[pos : match.start()]
        pos = match.end()
    if text[pos:].strip():
        yield base + pos, text[pos:]


def _sentences_of(block: str) -> Iterator[tuple[int, int]]:
    for paragraph in syntok.analyze(block):
        for sentence in paragraph:
            tokens = list(sentence)
            yield tokens[0].offset, tokens[-1].offset + len(tokens[-1].value)


def extract_sentences(
    body: str, *, sentences_of: Callable[[str], Iterator[tuple[int, int]]] = _sentences_of
) -> list[Sentence]:
    """Return the content sentences of BODY (clean text) in order, with spans into BODY.

    SENTENCES_OF splits a block into (start, end) spans (syntok by default; other languages
    pass their own, see text.multilingual).
    """
    blocks = list(_blocks(body))
    cut = trailing_author_block([block.strip() for _, block in blocks])
    sentences: list[Sentence] = []
    for number, (offset, block) in enumerate(blocks[:cut]):
        if is_widget_line(block):
            continue
        for start, end in sentences_of(block):
            start += offset
            end += offset
            bullet = _BULLET_PREFIX.match(body, start, end)
            if bullet:
                start = bullet.end()
            text = body[start:end]
            wordy = len(_WORD.findall(text)) >= 2 or _CJK_RUN.search(text)
            if wordy and not is_widget_line(text):
                sentences.append(Sentence(text=text, start=start, end=end, paragraph=number))
    return sentences
