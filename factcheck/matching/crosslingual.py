"""Matching across languages: the multilingual space's candidates, and how they join the
English pipeline's.

A pair of claims is compared in the multilingual space when either is not in English. An
English query's English matches come from the English pipeline (matching.candidates); its
matches in other languages come from here, by their multilingual cosine alone (BM25 only
ever compares texts in one language). A query in another language finds claims in every
language here, its multilingual cosines fused with BM25 over the claims in its own language.
Every match found here carries its cosine and the calibrated probability of a match
(MultilingualSpace.probability), which is what places it among the English pipeline's.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from sqlalchemy.orm import Session

from factcheck.matching.dense import dense_retriever
from factcheck.matching.fulltext import lexical_fields_many
from factcheck.matching.index import Match
from factcheck.matching.lexical import fuse_scores
from factcheck.matching.matcher import ENGLISH, Matcher


def multilingual_matches(
    session: Session,
    matcher: Matcher,
    vectors: np.ndarray,
    texts: Sequence[str],
    languages: Sequence[str],
    *,
    k: int,
    exclude: Iterable[int] = (),
) -> list[list[Match]]:
    """Return the K best stored claims for each query in the multilingual space.

    VECTORS are the queries' multilingual vectors. English queries look only at claims in other
    languages; the others at every claim, with BM25 over the claims in their own language.
    """
    space = matcher.multilingual
    if space is None or not len(texts):
        return [[] for _ in texts]
    search = dense_retriever(session, matcher, "multilingual")
    exclude = set(exclude)
    results: list[list[Match]] = [[] for _ in texts]
    english = [i for i, language in enumerate(languages) if language == ENGLISH]
    others = [i for i, language in enumerate(languages) if language != ENGLISH]
    if english:
        found = search.search(vectors[english], k, exclude=exclude, partitions=("other",))
        for i, matches in zip(english, found, strict=True):
            results[i] = _with_probability(space, matches)
    if others:
        dense = search.search(vectors[others], matcher.candidates, exclude=exclude)
        lexical = lexical_fields_many(
            session, [texts[i] for i in others], matcher, languages=[languages[i] for i in others]
        )
        for i, found, lexical_run in zip(others, dense, lexical, strict=True):
            fused = fuse_scores(
                [
                    ([(m.claim_id, m.similarity) for m in found], 1.0),
                    (
                        [(c, score) for c, score, _ in lexical_run if c not in exclude],
                        matcher.lexical_weight,
                    ),
                ]
            )
            cosine = {m.claim_id: m.similarity for m in found}
            head = [c for c, _ in fused[:k]]
            cosine.update(search.similarities(vectors[i], [c for c in head if c not in cosine]))
            matches = [Match(c, cosine[c]) for c in head if c in cosine]
            results[i] = _with_probability(space, matches)
    return results


def _with_probability(space, matches: list[Match]) -> list[Match]:
    if not matches:
        return []
    probabilities = space.probability([m.similarity for m in matches])
    return [
        Match(m.claim_id, m.similarity, round(float(p), 4))
        for m, p in zip(matches, probabilities, strict=True)
    ]


def merge(english: list[Match], others: list[Match], k: int) -> list[Match]:
    """Return the K best of an English query's matches from both spaces, by match probability.

    The English pipeline's order stands (a match it did not score, beyond the re-ranking depth,
    counts as probability 0); each match in another language goes before the first English
    match it is more likely than.
    """
    merged: list[Match] = []
    pending = sorted(others, key=lambda m: -(m.match or 0.0))
    for match in english:
        key = match.match if match.match is not None else 0.0
        while pending and (pending[0].match or 0.0) > key:
            merged.append(pending.pop(0))
        merged.append(match)
    return (merged + pending)[:k]
