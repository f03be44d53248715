"""Extract scored, embedded, de-duplicated claims from article text (nothing is stored)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np

from factcheck.matching import Embedder
from factcheck.text.checkworthiness import score_claims
from factcheck.text.claims import ClaimDraft, draft_claims, merge_duplicates


@dataclass(frozen=True, slots=True)
class ExtractedClaim:
    draft: ClaimDraft
    checkworthiness: float
    embedding: np.ndarray

    def as_json(self, offsets: Sequence[int] | None = None) -> dict:
        """Return the claim as `flask claims extract --json` prints it.

        OFFSETS maps positions in the clean text to the original text (see align_offsets).
        """
        d = self.draft
        at = (lambda i: offsets[i]) if offsets is not None else (lambda i: i)
        return {"text": d.text, "sentence": d.sentence, "start": at(d.start), "end": at(d.end),
                "checkworthiness": self.checkworthiness, "kind": d.kind,
                "spans": [[at(start), at(end)] for start, end in d.spans],
                "dates": [{"phrase": r.phrase, "start": r.start and r.start.isoformat(),
                           "end": r.end and r.end.isoformat(), "period": r.period}
                          for r in d.date_references]}


def extract_claims(embedder: Embedder, body: str, *,
                   article_date: date | None = None) -> list[ExtractedClaim]:
    """Return the atomic claims of clean text BODY with scores and matching vectors."""
    drafts = draft_claims(body, article_date=article_date)
    unique = list(dict.fromkeys(d.text for d in drafts))  # a repeated claim is encoded once
    encoded = embedder.encode_layers(unique)
    row_of = {text: row for row, text in enumerate(unique)}
    embeddings = encoded.embeddings[[row_of[d.text] for d in drafts]]
    kept, rows = merge_duplicates(drafts, embeddings)
    layers = encoded.layers[[row_of[d.text] for d in kept]]
    scores = score_claims(layers, [d.text for d in kept])
    return [ExtractedClaim(draft, score, embeddings[row])
            for draft, score, row in zip(kept, scores, rows)]


def score_sentences(embedder: Embedder, sentences: list[str]) -> list[float]:
    """Return check-worthiness for each sentence taken as one claim."""
    encoded = embedder.encode_layers(sentences)
    return score_claims(encoded.layers, sentences)
