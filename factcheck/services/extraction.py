"""Extract scored, embedded, de-duplicated claims from article text (nothing is stored)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np

from factcheck.matching import Embedder, Matcher
from factcheck.matching.embedder import MultilingualEmbedder
from factcheck.text.checkworthiness import score_claims
from factcheck.text.checkworthiness_multilingual import score_sentences as score_multilingual
from factcheck.text.claims import (
    ArticleText,
    ClaimDraft,
    draft_claims,
    draft_claims_many,
    merge_duplicates,
)
from factcheck.text.multilingual import ENGLISH, sentence_kind, split_sentences


@dataclass(frozen=True, slots=True)
class ExtractedClaim:
    draft: ClaimDraft
    checkworthiness: float
    embedding: np.ndarray  # the English sentence model's vector, which matching compares
    multilingual: np.ndarray | None = None  # the multilingual encoder's, when computed

    def as_json(self, offsets: Sequence[int] | None = None) -> dict:
        """Return the claim as `flask claims extract --json` prints it.

        OFFSETS maps positions in the clean text to the original text (see align_offsets).
        """
        d = self.draft
        at = (lambda i: offsets[i]) if offsets is not None else (lambda i: i)
        return {
            "text": d.text,
            "sentence": d.sentence,
            "start": at(d.start),
            "end": at(d.end),
            "checkworthiness": self.checkworthiness,
            "kind": d.kind,
            "spans": [[at(start), at(end)] for start, end in d.spans],
            "dates": [
                {
                    "phrase": r.phrase,
                    "start": r.start and r.start.isoformat(),
                    "end": r.end and r.end.isoformat(),
                    "period": r.period,
                }
                for r in d.date_references
            ],
        }


def extract_claims(
    embedder: Embedder,
    body: str,
    *,
    article_date: date | None = None,
    title: str | None = None,
    language: str = ENGLISH,
    multilingual: MultilingualEmbedder | None = None,
) -> list[ExtractedClaim]:
    """Return the atomic claims of clean text BODY with scores and matching vectors.

    A headline that repeats the article's TITLE is not a claim. BODY in another LANGUAGE
    than English goes the way text.multilingual describes: its sentences are its claims,
    scored by the MULTILINGUAL encoder's classifier (the English one when there is no
    multilingual encoder).
    """
    if language != ENGLISH:
        return _sentence_claims(embedder, body, language, multilingual)
    drafts = draft_claims(body, article_date=article_date, title=title)
    return _scored(embedder, [drafts])[0]


def _scored(embedder: Embedder, articles: list[list[ClaimDraft]]) -> list[list[ExtractedClaim]]:
    """Encode the drafts of ARTICLES in one go (a repeated claim once), then merge each
    article's duplicates and score its claims."""
    unique = list(dict.fromkeys(d.text for drafts in articles for d in drafts))
    encoded = embedder.encode_layers(unique)
    row_of = {text: row for row, text in enumerate(unique)}
    found = []
    for drafts in articles:
        embeddings = encoded.embeddings[[row_of[d.text] for d in drafts]]
        kept, rows = merge_duplicates(drafts, embeddings)
        layers = encoded.layers[[row_of[d.text] for d in kept]]
        scores = score_claims(layers, [d.text for d in kept])
        found.append(
            [
                ExtractedClaim(draft, score, embeddings[row])
                for draft, score, row in zip(kept, scores, rows, strict=True)
            ]
        )
    return found


def score_sentences(embedder: Embedder, sentences: list[str]) -> list[float]:
    """Return check-worthiness for each sentence taken as one claim."""
    encoded = embedder.encode_layers(sentences)
    return score_claims(encoded.layers, sentences)


def extract_with(
    matcher: Matcher,
    body: str,
    *,
    language: str,
    article_date: date | None = None,
    title: str | None = None,
) -> list[ExtractedClaim]:
    """Return extract_claims' claims of BODY in LANGUAGE with the matcher's encoders."""
    space = matcher.multilingual
    return extract_claims(
        matcher.embedder,
        body,
        article_date=article_date,
        title=title,
        language=language,
        multilingual=space.embedder if space is not None else None,
    )


def extract_many(matcher: Matcher, articles: Sequence[ArticleText]) -> list[list[ExtractedClaim]]:
    """Return the claims of each of ARTICLES as extract_with finds them, ready to be stored:
    with their multilingual vectors when the matcher has that space. The English articles are
    parsed in one spaCy pipe and every encoder runs once for the whole batch (a consumer's batch
    of pages takes 10-15 % less CPU per article: bench/README.md)."""
    found: list[list[ExtractedClaim] | None] = [None] * len(articles)
    english = [i for i, a in enumerate(articles) if a.language == ENGLISH]
    if english:
        drafted = draft_claims_many([articles[i] for i in english])
        for i, claims in zip(english, _scored(matcher.embedder, drafted), strict=True):
            found[i] = claims
    for i, article in enumerate(articles):
        if found[i] is None:
            found[i] = extract_with(
                matcher,
                article.body,
                language=article.language,
                article_date=article.article_date,
                title=article.title,
            )
    return _with_multilingual(matcher, found)  # type: ignore[arg-type]


def _with_multilingual(
    matcher: Matcher, articles: list[list[ExtractedClaim]]
) -> list[list[ExtractedClaim]]:
    """Give the claims of ARTICLES that lack one their multilingual vector, in one encoder
    call (nothing to do without a multilingual space)."""
    space = matcher.multilingual
    missing = [c.draft.text for claims in articles for c in claims if c.multilingual is None]
    if space is None or not missing:
        return articles
    vectors = iter(space.embedder.encode(missing))
    return [
        [replace(c, multilingual=next(vectors)) if c.multilingual is None else c for c in claims]
        for claims in articles
    ]


def _sentence_claims(
    embedder: Embedder, body: str, language: str, multilingual: MultilingualEmbedder | None
) -> list[ExtractedClaim]:
    """Claims of a text in a language without a parser: its sentences, de-duplicated."""
    drafts = [
        ClaimDraft(
            text=s.text,
            sentence=s.text,
            start=s.start,
            end=s.end,
            kind=sentence_kind(s.text),
            spans=((s.start, s.end),),
        )
        for s in split_sentences(body, language)
    ]
    texts = [d.text for d in drafts]
    if multilingual is None:
        encoded = embedder.encode_layers(texts)
        kept, rows = merge_duplicates(drafts, encoded.embeddings)
        scores = score_claims(encoded.layers[rows], [d.text for d in kept])
        return [
            ExtractedClaim(d, s, encoded.embeddings[r])
            for d, s, r in zip(kept, scores, rows, strict=True)
        ]
    # Duplicates are found with the multilingual vectors: the English model's vectors of two
    # Russian sentences can be close whatever they say.
    vectors = multilingual.encode(texts)
    kept, rows = merge_duplicates(drafts, vectors)
    scores = score_multilingual(vectors[rows], [d.text for d in kept])
    dense = embedder.encode([d.text for d in kept])
    return [
        ExtractedClaim(d, s, v, vectors[r])
        for d, s, v, r in zip(kept, scores, dense, rows, strict=True)
    ]
