"""Train the re-ranker of the fused candidates on the CheckThat! 2021 train queries; report dev.

Loads each claim set once into a cached SQLite database under /tmp (through the product's
import), computes every train and dev query's fused candidates and their feature rows with the
product's own code (matching.candidates.gather, matching.candidates.candidate_features), and
fits logistic regressions on the train queries of both tasks (is this candidate a relevant
claim?): one for queries with metadata (claimant, date), and, for callers that know neither,
one per kind of query (with context: 2B's debate sentences; without: 2A's tweets) on copies
of the train queries of that kind with their metadata removed. Each of the latter is chosen on
the dev MAP@5 of its kind with metadata withheld, among its regularisations and the fusion's
own order, so that on no task it ranks worse than fusion alone; then the depth and the first
part's regularisation are chosen on dev MAP@5 with metadata (the sum over both tasks). Writes
factcheck/matching/reranker.json. Deterministic. Features are cached under --cache
(/tmp/factcheck-rerank; --fresh recomputes them; the claim databases there are kept).
Run: .venv/bin/python -m train.reranker [--compare] [--fresh] [--cache DIR]
"""

from __future__ import annotations

import argparse
import json
import pickle
import zlib
from pathlib import Path

import numpy as np

from bench.datasets import CHECKTHAT_TASKS as TASKS
from bench.datasets import DATA, require
from factcheck import create_app
from factcheck.extensions import db, get_matcher
from factcheck.matching.candidates import candidate_features, gather
from factcheck.matching.dense import sync_index
from factcheck.matching.lexical import clean_query
from factcheck.matching.metrics import evaluate
from factcheck.matching.rerank import DEFAULT_MODEL, FEATURES, METADATA_FEATURES, Reranker
from factcheck.models import Claim
from factcheck.services import evaluation as ev
from factcheck.services.claims import import_claims

ROOT = Path(__file__).resolve().parents[1]

CACHE = Path("/tmp/factcheck-rerank")
MAX_DEPTH = 50
DEPTHS = (20, 30, 40, 50)
STRENGTHS = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)  # logistic regression's C
METADATA = [FEATURES.index(name) for name in METADATA_FEATURES]


def withheld(rows: np.ndarray) -> np.ndarray:
    """Return a copy of one query's ROWS as they are when its claimant and date are unknown."""
    rows = rows.copy()
    rows[:, METADATA] = np.nan
    return rows


def has_metadata(rows: np.ndarray) -> bool:
    return not np.isnan(rows[:, METADATA]).all()


def with_context(data: dict) -> bool:
    """Return whether a task's queries come with context (all of them do, or none)."""
    kinds = {
        bool(rows[0, FEATURES.index("has_context")])
        for _, rows, _ in data["features"].values()
        if len(rows)
    }
    assert len(kinds) == 1, "a task mixes queries with and without context"
    return kinds.pop()


def collect(task: str, *, cache: Path = CACHE, fresh: bool = False) -> dict:
    """Return {split: {query id: (fused claim ids, feature rows)}}, the qrels and external ids."""
    key = cache / f"features-{task}-{MAX_DEPTH}-{zlib.crc32(' '.join(FEATURES).encode())}.pkl"
    if key.exists() and not fresh:
        return pickle.loads(key.read_bytes())
    folder, claims_file, queries_file, context_dir = TASKS[task]
    base = require(DATA / folder)
    cache.mkdir(parents=True, exist_ok=True)
    app = create_app(
        {
            "SECRET_KEY": "train",
            "INDEX_REFRESH_SECONDS": 3600.0,
            "RERANK": False,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{cache / task}.sqlite3",
        }
    )
    data: dict = {"features": {}}
    with app.app_context():
        from flask_migrate import upgrade

        upgrade(directory=app.extensions["migrate"].directory)
        matcher = get_matcher()
        if not len(sync_index(db.session, matcher, force=True)):
            print(f"{task}: importing claims", flush=True)
            import_claims(db.session, matcher, ev.read_vclaims(base / claims_file))
        data["external"] = dict(db.session.execute(db.select(Claim.id, Claim.external_id)).all())
        data["qrels"] = {
            split: ev.read_qrels(base / f"qrels-{split}.tsv") for split in ("train", "dev")
        }
        queries = ev.read_tsv_pairs(base / queries_file)
        ids = [q for split in data["qrels"].values() for q in split if q in queries]
        context = ev.with_context(queries, base / context_dir) if context_dir else None
        metadata = ev.query_metadata(
            {q: queries[q] for q in ids}, base / context_dir if context_dir else None
        )
        for start in range(0, len(ids), 64):
            batch = ids[start : start + 64]
            texts = [clean_query(queries[q]) or queries[q] for q in batch]
            contexts = [clean_query(context[q]) for q in batch] if context else None
            candidates = gather(
                db.session, matcher, matcher.embedder.encode(texts), texts, contexts=contexts
            )
            found = candidate_features(
                db.session, matcher, candidates, [metadata[q] for q in batch], depth=MAX_DEPTH
            )
            for query_id, (head, rows), fused in zip(batch, found, candidates.fused, strict=True):
                data["features"][query_id] = (head, rows, [c for c, _ in fused[:100]])
            print(f"{task}: {start + len(batch)}/{len(ids)} queries", flush=True)
    key.write_bytes(pickle.dumps(data))
    return data


def dataset(
    tasks: dict[str, dict],
    split: str,
    depth: int,
    *,
    strip: bool = False,
    only_with_metadata: bool = False,
):
    """Return stacked rows, labels and per-query groups of SPLIT over every task.

    STRIP: every query's metadata withheld. ONLY_WITH_METADATA: the queries that have some.
    """
    rows, labels, groups = [], [], []
    for data in tasks.values():
        for query_id, relevant in data["qrels"][split].items():
            if query_id not in data["features"]:
                continue
            head, features, _ = data["features"][query_id]
            head, features = head[:depth], features[:depth]
            if strip:
                features = withheld(features)
            elif only_with_metadata and not has_metadata(features):
                continue
            rows.append(features)
            labels.append([data["external"].get(c) in relevant for c in head])
            groups.append(len(head))
    return np.concatenate(rows), np.concatenate(labels).astype(int), groups


class Linear:
    """Missing values filled with the train median and flagged; features standardised."""

    def __init__(self, rows: np.ndarray) -> None:
        self.fill = np.array(
            [np.median(c[~np.isnan(c)]) if (~np.isnan(c)).any() else 0.0 for c in rows.T]
        )
        filled = np.where(np.isnan(rows), self.fill, rows)
        self.mean, self.scale = filled.mean(axis=0), filled.std(axis=0)
        self.scale[self.scale < 1e-9] = 1.0

    def design(self, rows: np.ndarray) -> np.ndarray:
        missing = np.isnan(rows)
        filled = np.where(missing, self.fill, rows)
        return np.hstack([(filled - self.mean) / self.scale, missing.astype(float)])

    def fit(self, rows: np.ndarray, labels: np.ndarray, strength: float) -> Linear:
        from sklearn.linear_model import LogisticRegression

        model = LogisticRegression(C=strength, max_iter=5000, class_weight="balanced")
        model.fit(self.design(rows), labels)
        n = len(FEATURES)
        self.weights, self.missing_weights = model.coef_[0][:n], model.coef_[0][n:]
        self.bias = float(model.intercept_[0])
        return self

    def score(self, rows: np.ndarray) -> np.ndarray:
        return self.design(rows) @ np.concatenate([self.weights, self.missing_weights]) + self.bias

    def keeping_fusion_order(self) -> Linear:
        """Make every score equal: the stable sort then keeps the fusion's order."""
        self.weights = np.zeros(len(FEATURES))
        self.missing_weights = np.zeros(len(FEATURES))
        self.bias = 0.0
        return self

    def part(self) -> dict:
        return {
            "fill": self.fill.tolist(),
            "mean": self.mean.tolist(),
            "scale": self.scale.tolist(),
            "weights": self.weights.tolist(),
            "missing_weights": self.missing_weights.tolist(),
            "bias": self.bias,
        }


def to_json(main: Linear, without: dict[bool, Linear], depth: int) -> dict:
    """Return the model file: MAIN's part at the top level, the parts for queries without
    metadata (WITHOUT, by whether they have context) under without_metadata."""
    return {
        "features": list(FEATURES),
        "kind": "logistic",
        "depth": depth,
        **main.part(),
        "without_metadata": {
            ("with_context" if context else "without_context"): part.part()
            for context, part in without.items()
        },
    }


def lambdarank(tasks: dict[str, dict], depth: int, leaves: int, rounds: int):
    """Return a LightGBM lambdarank model's scoring function (compared with the linear one)."""
    import lightgbm

    rows, labels, groups = dataset(tasks, "train", depth)
    booster = lightgbm.train(
        {
            "objective": "lambdarank",
            "num_leaves": leaves,
            "learning_rate": 0.05,
            "min_data_in_leaf": 20,
            "feature_fraction": 0.8,
            "bagging_fraction": 0.8,
            "bagging_freq": 1,
            "lambdarank_truncation_level": 10,
            "eval_at": [5],
            "deterministic": True,
            "num_threads": 1,
            "seed": 0,
            "verbose": -1,
        },
        lightgbm.Dataset(rows, labels, group=groups),
        num_boost_round=rounds,
    )
    return booster.predict


def quality(data: dict, split: str, depth: int, score, *, strip: bool = False) -> dict[str, float]:
    """Return SPLIT's metrics with the DEPTH best fused candidates ordered by SCORE (None: fused).

    SCORE gets one query's rows at a time; STRIP withholds every query's metadata.
    """
    rankings = {}
    for query_id in data["qrels"][split]:
        if query_id not in data["features"]:
            continue
        head, rows, fused = data["features"][query_id]
        head, rows = head[:depth], rows[:depth]
        if score is not None and head:
            order = np.argsort(-score(withheld(rows) if strip else rows), kind="stable")
            head = [head[j] for j in order]
        ranked = head + [c for c in fused if c not in set(head)]
        rankings[query_id] = [data["external"][c] for c in ranked[:10]]
    return evaluate(rankings, data["qrels"][split])


def map5(tasks: dict[str, dict], depth: int, score, *, strip: bool = False) -> dict[str, float]:
    return {t: quality(d, "dev", depth, score, strip=strip)["MAP@5"] for t, d in tasks.items()}


def fit_without_metadata(
    tasks: dict[str, dict], depth: int, fusion: dict[str, float]
) -> tuple[str, Linear]:
    """Return the part for TASKS' queries without metadata at DEPTH: trained on their train
    queries with the metadata withheld, the best on dev (withheld too) of those that rank no
    task below FUSION; the fusion's order when none does."""
    rows, labels, _ = dataset(tasks, "train", depth, strip=True)
    choices = [("fusion order", Linear(rows).keeping_fusion_order(), sum(fusion[t] for t in tasks))]
    for strength in STRENGTHS:
        model = Linear(rows).fit(rows, labels, strength)
        dev = map5(tasks, depth, model.score, strip=True)
        print(
            f"  without metadata ({', '.join(tasks)}), depth {depth} C {strength}: dev MAP@5 "
            + " ".join(f"{t} {v:.4f}" for t, v in dev.items()),
            flush=True,
        )
        if all(dev[t] >= fusion[t] for t in tasks):
            choices.append((f"C {strength}", model, sum(dev.values())))
    name, model, _ = max(choices, key=lambda c: c[2])
    return f"{'/'.join(tasks)} {name}", model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_MODEL)
    parser.add_argument(
        "--compare", action="store_true", help="also report LightGBM lambdarank models on dev"
    )
    parser.add_argument(
        "--fresh",
        action="store_true",
        help="compute the features again (they are cached under --cache)",
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=CACHE,
        help=f"folder of the claim databases and features (default {CACHE})",
    )
    args = parser.parse_args()
    tasks = {task: collect(task, cache=args.cache, fresh=args.fresh) for task in TASKS}
    for task, data in tasks.items():
        for split in ("train", "dev"):
            print(f"{task} {split} fusion: {quality(data, split, MAX_DEPTH, None)}")
    fusion = map5(tasks, MAX_DEPTH, None)
    results = []
    for depth in DEPTHS:
        without, names = {}, []
        for context in sorted({with_context(data) for data in tasks.values()}):
            kind = {t: data for t, data in tasks.items() if with_context(data) == context}
            name, without[context] = fit_without_metadata(kind, depth, fusion)
            names.append(name)
        chosen = ", ".join(names)
        rows, labels, _ = dataset(tasks, "train", depth, only_with_metadata=True)
        for strength in STRENGTHS:
            main_part = Linear(rows).fit(rows, labels, strength)
            model = to_json(main_part, without, depth)
            dev = map5(tasks, depth, Reranker(model).score)
            print(
                f"depth {depth} C {strength} (without metadata: {chosen}): dev MAP@5 "
                + " ".join(f"{t} {v:.4f}" for t, v in dev.items()),
                flush=True,
            )
            results.append(
                (sum(dev.values()), depth, f"C {strength}, without metadata: {chosen}", model)
            )
    if args.compare:
        for depth in DEPTHS:
            for leaves, rounds in ((7, 100), (15, 200), (31, 300)):
                score = lambdarank(tasks, depth, leaves, rounds)
                dev = map5(tasks, depth, score)
                print(
                    f"lambdarank depth {depth} leaves {leaves} rounds {rounds}: dev MAP@5 "
                    + " ".join(f"{t} {v:.4f}" for t, v in dev.items()),
                    flush=True,
                )
    _, depth, chosen, model = max(results, key=lambda r: r[0])
    print(f"chosen: depth {depth}, {chosen}")
    score = Reranker(model).score
    for task, data in tasks.items():
        for split in ("train", "dev"):
            for strip in (False, True):
                print(
                    f"{task} {split} re-ranked, metadata {'withheld' if strip else 'kept'}: "
                    f"{quality(data, split, depth, score, strip=strip)}"
                )
    args.output.write_text(json.dumps(model, indent=1) + "\n", "utf-8")
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
