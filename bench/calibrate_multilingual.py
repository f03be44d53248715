"""Fit the multilingual cosine's match probability and show its link thresholds.

The cross-lingual set (eval/crosslingual) against its 16 claims and 4,000 other CheckThat!
2A claims (the first in file order) as distractors, in the multilingual space alone: for
each non-English query, its 10 nearest claims by cosine, labelled by the qrels. Prints the
logistic fit (slope, intercept) of P(relevant | cosine) over those pairs, which is
MULTILINGUAL_CALIBRATION, and precision and recall of suggesting every pair at or above each
threshold. Run: .venv/bin/python -m bench.calibrate_multilingual
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

from bench.datasets import DATA, require
from factcheck.matching.embedder import MultilingualEmbedder
from factcheck.services.evaluation import read_qrels, read_vclaims

ROOT = Path(__file__).resolve().parents[1]
SET = ROOT / "eval" / "crosslingual"
DISTRACTORS = 4000


def main() -> None:
    qrels = read_qrels(SET / "qrels.tsv")
    with (SET / "queries.tsv").open(encoding="utf-8", newline="") as f:
        queries = {
            row[0]: row[1]
            for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
            if not row[0].startswith("xl-en-")
        }
    wanted = {c for q in queries for c in qrels[q]}
    records = read_vclaims(require(DATA / "checkthat2021-2a" / "vclaims.jsonl"))
    claims = [r for r in records if r.external_id in wanted]
    claims += [r for r in records if r.external_id not in wanted][:DISTRACTORS]
    encoder = MultilingualEmbedder()
    stored = encoder.encode([r.text for r in claims])
    ids = [r.external_id for r in claims]
    cosines, labels = [], []
    for query_id, vector in zip(queries, encoder.encode(list(queries.values())), strict=True):
        scores = stored @ vector
        for row in np.argsort(-scores)[:10]:
            cosines.append(float(scores[row]))
            labels.append(int(ids[row] in qrels[query_id]))
    x, y = np.array(cosines).reshape(-1, 1), np.array(labels)
    model = LogisticRegression(C=100.0).fit(x, y)
    slope, intercept = float(model.coef_[0][0]), float(model.intercept_[0])
    print(
        f"{len(queries)} queries, {len(claims):,} claims, {y.sum()} relevant of {len(y)} pairs; "
        f"logistic: slope {slope:.2f}, intercept {intercept:.2f} "
        f"(probability 0.5 at cosine {-intercept / slope:.3f})"
    )
    relevant = sum(len(qrels[q]) for q in queries)
    for threshold in np.arange(0.40, 0.96, 0.05):
        chosen = x[:, 0] >= threshold
        hits = int(y[chosen].sum())
        precision = hits / chosen.sum() if chosen.any() else 1.0
        print(
            f"  >= {threshold:.2f}: precision {precision:.3f}, recall {hits / relevant:.3f}, "
            f"{int(chosen.sum())} suggestions"
        )


if __name__ == "__main__":
    main()
