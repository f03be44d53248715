"""Pure text pipeline: clean -> segment -> drop boilerplate. No Flask, no database."""

from factcheck.text.clean import DecodeError, clean_html, clean_text, decode_bytes, markdown_to_text
from factcheck.text.pipeline import Sentence, extract_sentences

__all__ = [
    "DecodeError",
    "Sentence",
    "clean_html",
    "clean_text",
    "decode_bytes",
    "extract_sentences",
    "markdown_to_text",
]
