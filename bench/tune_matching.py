"""Choose the hybrid-retrieval weights on the CheckThat! 2021 train queries; report dev.

(The dense search on a debate sentence's context, CONTEXT_DENSE_WEIGHT, was chosen the same
way: 0.25 with two lines of context beat 0, 0.5, 0.75 and 1 on train.)

Loads each claim set once into a cached SQLite database under /tmp (through the product's
import code), computes dense and BM25 candidates per query once, then sweeps LEXICAL_WEIGHT
and CONTEXT_WEIGHT with the product's fusion. Run: .venv/bin/python -m bench.tune_matching
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

from bench.datasets import CHECKTHAT_TASKS as TASKS
from bench.datasets import DATA
from factcheck import create_app
from factcheck.extensions import db, get_matcher
from factcheck.matching.dense import sync_index
from factcheck.matching.fulltext import lexical_search
from factcheck.matching.lexical import clean_query, fuse
from factcheck.matching.metrics import evaluate
from factcheck.models import Claim
from factcheck.services import evaluation as ev
from factcheck.services.claims import import_claims

ROOT = Path(__file__).resolve().parents[1]

CACHE = Path("/tmp/factcheck-tune")
LEXICAL_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.5)
CONTEXT_WEIGHTS = (0.0, 0.25, 0.5, 1.0, 2.0)


def candidates(task: str, context_before: int) -> dict:
    folder, claims_file, queries_file, context_dir = TASKS[task]
    base = DATA / folder
    CACHE.mkdir(exist_ok=True)
    app = create_app(
        {
            "SECRET_KEY": "tune",
            "INDEX_REFRESH_SECONDS": 3600.0,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{CACHE / task}.sqlite3",
        }
    )
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(directory=app.extensions["migrate"].directory)
        matcher = get_matcher()
        if not len(sync_index(db.session, matcher, force=True)):
            import_claims(db.session, matcher, ev.read_vclaims(base / claims_file))
        external = {i: e for i, e in db.session.execute(db.select(Claim.id, Claim.external_id))}
        splits = {name: ev.read_qrels(base / f"qrels-{name}.tsv") for name in ("train", "dev")}
        queries = ev.read_tsv_pairs(base / queries_file)
        context = (
            ev.with_context(queries, base / context_dir, before=context_before)
            if context_dir
            else queries
        )
        index = sync_index(db.session, matcher)
        found = {}
        ids = [q for split in splits.values() for q in split if q in queries]
        texts = [clean_query(queries[q]) or queries[q] for q in ids]
        vectors = matcher.embedder.encode(texts)
        dense = index.search(vectors, matcher.candidates)
        for query_id, matches in zip(ids, dense, strict=True):
            lexical = {}
            for weight in CONTEXT_WEIGHTS:
                matcher.context_weight = weight
                lexical[weight] = lexical_search(
                    db.session, clean_query(context[query_id]), matcher
                )
            found[query_id] = (matches, lexical)
    return {"splits": splits, "found": found, "external": external}


def sweep(task: str, data: dict) -> None:
    results = []
    for lexical_weight, context_weight in itertools.product(LEXICAL_WEIGHTS, CONTEXT_WEIGHTS):
        scores = {}
        for split, qrels in data["splits"].items():
            rankings = {}
            for query_id in qrels:
                if query_id not in data["found"]:
                    continue
                dense, lexical = data["found"][query_id]
                ranked = fuse(
                    [
                        ([(m.claim_id, m.similarity) for m in dense], 1.0),
                        (lexical[context_weight], lexical_weight),
                    ]
                )
                rankings[query_id] = [data["external"][i] for i in ranked[:10]]
            scores[split] = evaluate(rankings, qrels)["MAP@5"]
        results.append((scores["train"], scores["dev"], lexical_weight, context_weight))
    results.sort(reverse=True)
    dense_only = next(r for r in results if r[2] == 0.0)
    print(f"{task}: dense only: train {dense_only[0]:.4f} dev {dense_only[1]:.4f}")
    for train, dev, lexical_weight, context_weight in results[:5]:
        print(
            f"{task}: LEXICAL_WEIGHT={lexical_weight} CONTEXT_WEIGHT={context_weight}: "
            f"MAP@5 train {train:.4f} dev {dev:.4f}"
        )


def main() -> None:
    for task in sys.argv[1:] or list(TASKS):
        for before in (0, 2) if TASKS[task][3] else (0,):
            print(f"-- {task}, context lines before each query: {before}", flush=True)
            sweep(task, candidates(task, before))


if __name__ == "__main__":
    main()
