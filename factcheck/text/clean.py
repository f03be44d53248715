"""Turn uploaded bytes, HTML or Markdown into the clean plain text that claim spans point into."""

from __future__ import annotations

import codecs
import re
import unicodedata

from bs4 import BeautifulSoup, NavigableString
from markdown_it import MarkdownIt

# Elements whose text is never article content.
_DROP_TAGS = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "object",
    "embed",
    "svg",
    "canvas",
    "form",
    "button",
    "select",
    "textarea",
    "nav",
    "aside",
    "head",
)
_BLOCK_TAGS = (
    "address",
    "article",
    "blockquote",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "tr",
    "ul",
    "td",
    "th",
    "caption",
)
# Control characters other than tab and newline; they only ever come from broken input.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\ufeff]")
# C0 control characters other than tab, newline and carriage return: never meant in a field.
_C0_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_INLINE_SPACE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


class DecodeError(ValueError):
    """Raised when bytes are binary or not in an encoding we can read."""


def decode_bytes(data: bytes) -> str:
    """Return DATA decoded as UTF-8 (or UTF-16 with a byte-order mark), else raise DecodeError."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise DecodeError("The file claims to be UTF-16 but is not valid UTF-16.") from exc
    if b"\x00" in data[:8192]:
        raise DecodeError(
            "This looks like a binary file (for example a PDF, image or Word "
            "document). Upload plain text, Markdown or HTML."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DecodeError(
            f"The file is not valid UTF-8 text (bad byte at position {exc.start}). "
            "Save it as UTF-8 and upload it again."
        ) from exc


def drop_control_characters(text: str, replacement: str = "") -> str:
    """Return TEXT without NUL and the other C0 control characters (tab and newlines stay)."""
    return _C0_CONTROL.sub(replacement, text)


def clean_text(text: str) -> str:
    """Return TEXT normalised: one newline style, no control characters, tidy spaces."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text)
    lines = (_INLINE_SPACE.sub(" ", line).strip() for line in text.split("\n"))
    return _MANY_BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def clean_html(html: str) -> str:
    """Return the readable text of an HTML document, one block element per paragraph."""
    soup = BeautifulSoup(html, "html.parser")
    parts: list[str] = []
    # One iterative walk (no tree edits, no recursion): linear even for 50,000 nested tags.
    stack: list[object] = [soup]
    while stack:
        node = stack.pop()
        if isinstance(node, str):  # a closing marker pushed below, or a text node
            if isinstance(node, NavigableString):
                if type(node) is NavigableString:  # not a comment, doctype or CDATA
                    parts.append(str(node))
            else:
                parts.append(node)
            continue
        name = getattr(node, "name", None)
        if name in _DROP_TAGS:
            continue
        if name == "br":
            parts.append("\n")
            continue
        block = name in _BLOCK_TAGS
        if block:
            parts.append("\n\n")
            stack.append("\n\n")
        stack.extend(reversed(list(node.children)))
    return clean_text("".join(parts))


_markdown = MarkdownIt("commonmark", {"html": False})


def markdown_to_text(markdown: str) -> str:
    """Return the readable text of a Markdown document (formatting marks removed)."""
    return clean_html(_markdown.render(markdown))


def align_offsets(raw: str, clean: str) -> list[int]:
    """Map each offset into CLEAN (the result of clean_text(RAW)) to the same place in RAW.

    Cleaning only drops or merges whitespace and control characters and normalises a few
    characters, so a greedy walk that lets whitespace match any run of whitespace aligns them.
    """
    mapping = [0] * (len(clean) + 1)
    j = 0
    for i, char in enumerate(clean):
        if char.isspace():
            # A run of whitespace in RAW may have become one or two characters in CLEAN.
            mapping[i] = j
            while j < len(raw) and (raw[j].isspace() or _CONTROL.match(raw[j])):
                j += 1
            continue
        while j < len(raw) and raw[j] != char:
            # A letter and a combining accent in RAW are one character in CLEAN (NFC).
            if unicodedata.normalize("NFC", raw[j : j + 2]) == char:
                break
            j += 1
        mapping[i] = min(j, len(raw))
        j += 2 if j + 1 < len(raw) and raw[j] != char else 1
    mapping[len(clean)] = min(j, len(raw))
    return mapping
