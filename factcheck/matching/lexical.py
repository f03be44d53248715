"""Lexical retrieval helpers: safe full-text queries and fusion with dense scores."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import numpy as np

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_URL = re.compile(r"https?://\S+|pic\.twitter\.com/\S+|www\.\S+")
# "— Jane Doe (@jane) January 6, 2020" at the end of a pasted tweet
_TWEET_SIGNATURE = re.compile(r"\s[—-]\s[^—\n]{0,80}\(@\w+\)\s+\w+ \d{1,2}, \d{4}\s*$")
_HANDLE = re.compile(r"(?<!\w)@\w+")
STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "ourselves",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "rt",
        "via",
        "amp",
    ]
)
MAX_TERMS = 32


def clean_query(text: str) -> str:
    """Remove what social posts add around a claim: links, the signature line, @handles."""
    text = _TWEET_SIGNATURE.sub(" ", text)
    text = _URL.sub(" ", text)
    text = _HANDLE.sub(" ", text).replace("#", " ")
    return " ".join(text.split())


def query_terms(text: str) -> list[str]:
    """Return the distinct searchable words of TEXT, lower-cased, stopwords left out."""
    terms: list[str] = []
    for token in _TOKEN.findall(text.lower()):
        token = token.replace("’", "'")
        if len(token) > 1 and token not in STOPWORDS and token not in terms:
            terms.append(token)
    return terms[:MAX_TERMS]


def within_budget(terms: Sequence[str], counts: Mapping[str, int], budget: int) -> list[str]:
    """Return TERMS less the most common ones, so that they match at most about BUDGET rows.

    BM25 scores every row that has any term, so a query's cost is the sum of its terms'
    document COUNTS; the commonest terms cost the most and weigh the least (lowest IDF).
    Terms are taken rarest first while the sum stays within BUDGET; the rarest is always kept.
    """
    kept: set[str] = set()
    total = 0
    for term in sorted(terms, key=lambda t: counts.get(t, 0)):
        total += counts.get(term, 0)
        if kept and total > budget:
            break
        kept.add(term)
    return [t for t in terms if t in kept]


def fts_query(text: str, *, keep: Callable[[list[str]], list[str]] | None = None) -> str | None:
    """Return an FTS5 MATCH expression for TEXT (quoted terms joined by OR), or None.

    KEEP, when given, picks the terms a row must have one of (see within_budget); the other
    terms still add to the BM25 score of those rows, at half weight: `K OR (K AND (OTHERS))`
    matches exactly the rows of K, and bm25() sums over every phrase, K's twice.
    """
    terms = query_terms(text)
    if not terms:
        return None
    kept = keep(terms) if keep is not None else terms
    others = [t for t in terms if t not in kept]
    required = " OR ".join('"' + t.replace('"', '""') + '"' for t in kept)
    if not others:
        return required
    return (
        f"({required}) OR (({required}) AND ("
        + " OR ".join('"' + t.replace('"', '""') + '"' for t in others)
        + "))"
    )


def websearch_query(text: str) -> str | None:
    """Return PostgreSQL websearch_to_tsquery input for TEXT (the same terms, any of them), or None.

    Terms are words (letters, digits, an inner apostrophe), never operators or quotes, so the
    only operator is the "or" put between them ("or" itself is a stopword).
    """
    terms = query_terms(text)
    return " or ".join(terms) if terms else None


def _zscores(values: Sequence[float]) -> np.ndarray:
    array = np.asarray(values, dtype=np.float64)
    if array.size == 0:
        return array
    spread = array.std()
    return (array - array.mean()) / spread if spread > 1e-9 else np.zeros_like(array)


def fuse(runs: Sequence[tuple[Sequence[tuple[int, float]], float]]) -> list[int]:
    """Return ids ranked by the weighted sum of their z-scores over several result RUNS."""
    return [i for i, _ in fuse_scores(runs)]


def fuse_scores(
    runs: Sequence[tuple[Sequence[tuple[int, float]], float]],
) -> list[tuple[int, float]]:
    """Return (id, weighted sum of its z-scores over several result RUNS), best first.

    Each run is ((id, score) best first, weight). Scores are standardised within a run; an id
    missing from a run gets that run's lowest z-score (it ranked below the run's cut-off).
    """
    standardised = []
    for results, weight in runs:
        z = dict(
            zip((i for i, _ in results), _zscores([score for _, score in results]), strict=True)
        )
        standardised.append((z, min(z.values(), default=0.0), weight))
    ids = list(dict.fromkeys(i for results, _ in runs for i, _ in results))
    total = {i: sum(weight * z.get(i, floor) for z, floor, weight in standardised) for i in ids}
    return sorted(total.items(), key=lambda item: -item[1])
