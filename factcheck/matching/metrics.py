"""Ranking metrics of the CLEF CheckThat! claim-retrieval task (MAP@k, MRR, Recall@k)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def average_precision_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    """Return AP@K of RANKED given the RELEVANT ids (normalised by min(|relevant|, K))."""
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for position, item in enumerate(ranked[:k], start=1):
        if item in relevant:
            hits += 1
            total += hits / position
    return total / min(len(relevant), k)


def reciprocal_rank(ranked: Sequence[str], relevant: set[str]) -> float:
    for position, item in enumerate(ranked, start=1):
        if item in relevant:
            return 1.0 / position
    return 0.0


def recall_at(ranked: Sequence[str], relevant: set[str], k: int) -> float:
    return len(set(ranked[:k]) & relevant) / len(relevant) if relevant else 0.0


def evaluate(
    rankings: Mapping[str, Sequence[str]], qrels: Mapping[str, set[str]]
) -> dict[str, float]:
    """Return MAP@1, MAP@5, MRR and Recall@10 over the queries of QRELS (missing = empty)."""
    queries = list(qrels)
    if not queries:
        return {"queries": 0, "MAP@1": 0.0, "MAP@5": 0.0, "MRR": 0.0, "Recall@10": 0.0}

    def mean(values: list[float]) -> float:
        return round(sum(values) / len(values), 4)

    ranked = {q: list(rankings.get(q, ())) for q in queries}
    return {
        "queries": len(queries),
        "MAP@1": mean([average_precision_at(ranked[q], qrels[q], 1) for q in queries]),
        "MAP@5": mean([average_precision_at(ranked[q], qrels[q], 5) for q in queries]),
        "MRR": mean([reciprocal_rank(ranked[q], qrels[q]) for q in queries]),
        "Recall@10": mean([recall_at(ranked[q], qrels[q], 10) for q in queries]),
    }


def threshold_table(
    scored: Mapping[str, Sequence[tuple[str, float]]],
    qrels: Mapping[str, set[str]],
    thresholds: Sequence[float],
) -> list[tuple[float, float, float, int]]:
    """Return (threshold, precision, recall, suggestions) of suggesting every candidate at or
    above each threshold, from SCORED: per query, (claim id, similarity) best first."""
    relevant_pairs = sum(len(qrels[q]) for q in qrels)
    rows = []
    for threshold in thresholds:
        suggested = [(q, c) for q in qrels for c, s in scored.get(q, ()) if s >= threshold]
        hits = sum(1 for q, c in suggested if c in qrels[q])
        precision = hits / len(suggested) if suggested else 1.0
        recall = hits / relevant_pairs if relevant_pairs else 0.0
        rows.append((threshold, round(precision, 4), round(recall, 4), len(suggested)))
    return rows
