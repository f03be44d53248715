"""Recognise the parts of a web page that are not the article: ads, widgets, bylines, bios."""

from __future__ import annotations

import re
from collections.abc import Sequence

# WordPress-style shortcodes such as [bsa_pro_ad_space id=4] or [/caption].
_SHORTCODE = re.compile(r"^\[/?[A-Za-z][\w-]*(?:\s[^\]]*)?\]$")
# Whole lines that page templates add around articles.
_WIDGET = re.compile(
    r"^(?:leave a (?:reply|comment)|cancel reply|post a comment|\d*\s*comments?|share(?: this)?"
    r"(?: (?:article|story|post))?:?|related(?: (?:posts|articles|stories|content))?:?|"
    r"advertisement|sponsored(?: content)?|subscribe(?: now)?|sign up for our newsletter|"
    r"read more|continue reading|click here.*|you may also like|more from .{1,40}|"
    r"(?:tags|filed under|categories|topics):.*|(?:photo|image|credit|source):.{0,80}|"
    r"(?:copyright|©).*|all rights reserved\.?|about the author|print|email|"
    r"follow us on .{1,40})$",
    re.IGNORECASE,
)
_BYLINE = re.compile(r"^(?:by|written by|posted by|reporting by)\s+\S.{0,60}$", re.IGNORECASE)
# A person's name on a line of its own: two to four capitalised words, no sentence punctuation.
_NAME = re.compile(r"^(?:[A-Z][\w'’-]*\.?)(?:\s+(?:[A-Z][\w'’-]*\.?|de|van|von|der|da|al)){1,3}$")
_FIRST_PERSON = re.compile(r"^(?:I|I'm|I’m|I've|I’ve|My|Me)\b")
_BIO = re.compile(
    r"\b(?:is|was) an? (?:[\w-]+ ){0,3}(?:writer|journalist|reporter|editor|author|"
    r"correspondent|analyst|contributor|columnist|researcher|freelancer|student|graduate)\b",
    re.IGNORECASE,
)


def is_widget_line(text: str) -> bool:
    """Return True if TEXT is a shortcode, a byline or a page-template line."""
    text = text.strip()
    return bool(_SHORTCODE.match(text) or _WIDGET.match(text) or _BYLINE.match(text))


def _is_bio(text: str) -> bool:
    return bool(_FIRST_PERSON.match(text) or _BIO.search(text))


def trailing_author_block(paragraphs: Sequence[str]) -> int:
    """Return the index where a closing byline and author bio begin (len(PARAGRAPHS) if none).

    An author block is a name on a line of its own near the end, followed only by bio
    sentences and page-template lines, as blogs print after the article.
    """
    end = len(paragraphs)
    while end and is_widget_line(paragraphs[end - 1]):
        end -= 1
    start = end
    while start and _is_bio(paragraphs[start - 1]):
        start -= 1
    if start and _NAME.match(paragraphs[start - 1].strip()):
        return start - 1
    return len(paragraphs) if start == end else _widget_run_before(paragraphs, start)


def _widget_run_before(paragraphs: Sequence[str], start: int) -> int:
    """Bios without a name line count only when a page-template line sits right above them."""
    if start and is_widget_line(paragraphs[start - 1]):
        return start
    return len(paragraphs)
