"""Readers for the research datasets in ../shared/data (never copied into the repository)."""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.model_selection import train_test_split

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
SEED = 13
# CheckThat! 2021 claim retrieval: folder, verified claims, queries, transcripts (2B only).
CHECKTHAT_TASKS = {
    "2a": ("checkthat2021-2a", "vclaims.jsonl", "tweets-train-dev.tsv", None),
    "2b": (
        "checkthat2021-2b",
        "politifact-vclaims.jsonl",
        "iclaims-train-dev.queries.tsv",
        "transcripts-train-dev",
    ),
}


def require(path: Path) -> Path:
    if not path.exists():
        raise SystemExit(f"{path} not found: the datasets live in ../shared/data")
    return path


def claimbuster_split() -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Return ClaimBuster texts, labels, and the train / dev indices (80/20, stratified)."""
    rows = json.loads(require(DATA / "claimbuster" / "train.json").read_text("utf-8"))
    texts = [row["text"] for row in rows]
    labels = np.array([row["label"] for row in rows])
    train, dev = train_test_split(
        np.arange(len(texts)), test_size=0.2, random_state=SEED, stratify=labels
    )
    return texts, labels, train, dev


def balanced(indices: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Return INDICES with negatives down-sampled to the number of positives (seed 0)."""
    positives = indices[labels[indices] == 1]
    negatives = np.random.default_rng(0).choice(
        indices[labels[indices] == 0], len(positives), replace=False
    )
    return np.concatenate([positives, negatives])


def debates() -> dict[str, list[tuple[str, int]]]:
    """Return CheckThat! 2019 debate lines by file: (text, label 1 = check-worthy)."""
    by_file: dict[str, list[tuple[str, int]]] = defaultdict(list)
    path = require(DATA / "checkworthiness-debates" / "CT19-T1-Training.csv")
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            by_file[row["file_name"]].append((row["text"], int(row["label"])))
    return dict(by_file)


def factcheck_bench() -> list[dict]:
    """Return Factcheck-Bench documents: response text and sentences with human claims."""
    path = require(DATA / "factcheck-bench" / "factcheck-GPT-benchmark.jsonl")
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def debates_split() -> tuple[dict[str, list[tuple[str, int]]], dict[str, list[tuple[str, int]]]]:
    """Return (train, dev) debates: a third of the debate files, chosen with seed 13, is dev."""
    by_file = debates()
    names = sorted(by_file)
    dev_names = set(np.random.default_rng(SEED).choice(names, len(names) // 3, replace=False))
    return (
        {n: by_file[n] for n in names if n not in dev_names},
        {n: by_file[n] for n in names if n in dev_names},
    )
