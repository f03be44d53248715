"""What the retrievers find for a batch of queries: dense and lexical runs, fused, re-ranked."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from factcheck.matching.dense import MemoryDense, PgvectorDense, dense_retriever
from factcheck.matching.embedder import from_blob
from factcheck.matching.fulltext import lexical_fields_many
from factcheck.matching.lexical import fuse_scores
from factcheck.matching.matcher import ENGLISH, Matcher
from factcheck.matching.rerank import Candidate, QueryMeta, feature_rows
from factcheck.models import Claim


@dataclass(slots=True)
class Candidates:
    """What the retrievers found for a batch of queries, fused: the re-ranker's input."""

    dense_search: MemoryDense | PgvectorDense
    vectors: np.ndarray
    context_vectors: np.ndarray | None
    texts: Sequence[str]
    fused: list[list[tuple[int, float]]]  # per query: (claim id, fused score), best first
    dense: list[dict[int, float]]  # per query: cosines known (dense search, then lookups)
    around: list[dict[int, float]]  # per query: cosines of its context's vector
    fields: list[dict[int, tuple[float, float]]]  # per query: lexical score on text, context


def gather(
    session: Session,
    matcher: Matcher,
    vectors: np.ndarray,
    texts: Sequence[str],
    *,
    exclude: Iterable[int] = (),
    contexts: Sequence[str] | None = None,
) -> Candidates:
    """Search densely and lexically for each query and fuse the two (z-scores, weighted sums).

    CONTEXTS, when given, is the text around each query (the transcript lines before a debate
    sentence): BM25 searches it instead of the query, and a second dense search with it joins
    the fusion at CONTEXT_DENSE_WEIGHT.
    """
    dense_search = dense_retriever(session, matcher)
    exclude = set(exclude)
    dense = dense_search.search(vectors, matcher.candidates, exclude=exclude)
    context_vectors = matcher.embedder.encode(list(contexts)) if contexts else None
    around = (
        dense_search.search(context_vectors, matcher.candidates, exclude=exclude)
        if contexts
        else [[] for _ in texts]
    )
    # With a multilingual space, this pipeline serves English queries and English claims.
    english = [ENGLISH] * len(texts) if matcher.multilingual is not None else None
    lexical_runs = lexical_fields_many(
        session, list(contexts) if contexts else list(texts), matcher, languages=english
    )
    fused, fields = [], []
    for found, near, lexical_run in zip(dense, around, lexical_runs, strict=True):
        lexical = [row for row in lexical_run if row[0] not in exclude]
        fields.append({c: on_fields for c, _, on_fields in lexical})
        lexical = [(c, score) for c, score, _ in lexical]
        fused.append(
            fuse_scores(
                [
                    ([(m.claim_id, m.similarity) for m in found], 1.0),
                    (lexical, matcher.lexical_weight),
                    ([(m.claim_id, m.similarity) for m in near], matcher.context_dense_weight),
                ]
            )
        )
    return Candidates(
        dense_search,
        vectors,
        context_vectors,
        texts,
        fused,
        [{m.claim_id: m.similarity for m in found} for found in dense],
        [{m.claim_id: m.similarity for m in near} for near in around],
        fields,
    )


def _relative(values: list[float]) -> list[float]:
    """Scale scores by the best of them: BM25 and ts_rank differ in scale, not in order."""
    best = max(values, default=0.0)
    return [v / best if best > 0 else 0.0 for v in values]


def _cosines(
    candidates: Candidates, known: dict[int, float], vector: np.ndarray | None, ids: list[int]
) -> list[float]:
    """Return VECTOR's cosine with each of IDS; those looked up are added to KNOWN, so the
    caller (matching.search.retrieve) does not look them up again."""
    if vector is None:
        return [math.nan] * len(ids)
    missing = [c for c in ids if c not in known]
    if missing:
        known.update(candidates.dense_search.similarities(vector, missing))
    return [known.get(c, math.nan) for c in ids]


def candidate_features(
    session: Session,
    matcher: Matcher,
    candidates: Candidates,
    metadata: Sequence[QueryMeta | None] | None,
    *,
    depth: int,
) -> list[tuple[list[int], np.ndarray]]:
    """Return, per query, its DEPTH best fused claim ids and their feature rows."""
    heads = [[c for c, _ in fused[:depth]] for fused in candidates.fused]
    stored = (
        {
            row.id: row
            for row in session.execute(
                select(
                    Claim.id, Claim.text, Claim.claimant, Claim.claim_date, Claim.context_embedding
                ).where(Claim.id.in_({c for head in heads for c in head}))
            )
        }
        if any(heads)
        else {}
    )
    has_context = candidates.context_vectors is not None
    result = []
    for i, head in enumerate(heads):
        vector = candidates.vectors[i]
        context_vector = candidates.context_vectors[i] if has_context else None
        dense = _cosines(candidates, candidates.dense[i], vector, head)
        around = _cosines(candidates, candidates.around[i], context_vector, head)
        fields = candidates.fields[i]  # claims below the lexical cut-off score 0
        on_text = _relative([fields.get(c, (0.0, 0.0))[0] for c in head])
        on_context = _relative([fields.get(c, (0.0, 0.0))[1] for c in head])
        rows = []
        for j, (claim_id, fused) in enumerate(candidates.fused[i][:depth]):
            claim = stored.get(claim_id)
            title = (
                from_blob(claim.context_embedding)
                if claim is not None and claim.context_embedding is not None
                else None
            )
            rows.append(
                Candidate(
                    fused=fused,
                    dense=dense[j],
                    context_dense=around[j],
                    title_dense=float(title @ vector) if title is not None else math.nan,
                    context_title_dense=(
                        float(title @ context_vector)
                        if title is not None and has_context
                        else math.nan
                    ),
                    bm25_text=on_text[j],
                    bm25_context=on_context[j],
                    text=claim.text if claim is not None else "",
                    claimant=claim.claimant if claim is not None else None,
                    claim_date=claim.claim_date if claim is not None else None,
                )
            )
        meta = metadata[i] if metadata else None
        result.append(
            (head, feature_rows(candidates.texts[i], meta, rows, has_context=has_context))
        )
    return result


def rerank(
    session: Session,
    matcher: Matcher,
    candidates: Candidates,
    metadata: Sequence[QueryMeta | None] | None,
) -> list[tuple[list[int], dict[int, float]]]:
    """Return each query's fused claim ids with the best RERANK_DEPTH re-ordered by the model,
    and the calibrated match probability of each of those."""
    ranked = []
    features = candidate_features(
        session, matcher, candidates, metadata, depth=matcher.rerank_depth
    )
    for fused, (head, rows) in zip(candidates.fused, features, strict=True):
        scores = matcher.reranker.score(rows) if len(head) else np.zeros(0)
        order = np.argsort(-scores, kind="stable")
        probabilities = matcher.reranker.probability(rows) if len(head) else None
        probabilities = [] if probabilities is None else probabilities.tolist()
        ranked.append(
            (
                [head[j] for j in order] + [c for c, _ in fused[len(head) :]],
                dict(zip(head, probabilities, strict=True)),
            )
        )
    return ranked
