"""Claim texts for the scale benchmarks: the CheckThat! verified claims, then sampled look-alikes.

Past the ~33,000 real claims, sentences are drawn word by word from the real claims' word
frequencies, so a lexical index sees realistic posting-list lengths (a fixed template would
put the same words in every row and make full-text ranking look far slower than it is).
"""

from __future__ import annotations

import json
import re
from collections import Counter

import numpy as np

from bench.datasets import DATA

SEED_ARTICLE = DATA.parent / "seed" / "000_5fc0cae9969d1887.txt"
# The queries the search benchmarks time (a mix of topics, numbers and dates).
QUERIES = [
    "Lukashenko has ruled Belarus since 1994",
    "bats cannot see",
    "the budget grew by 40%",
    "crime doubled in the city",
    "vaccines and autism",
    "sea levels are rising fast",
    "the senator voted against the bill",
    "unemployment fell to a record low",
]

_WORD = re.compile(r"[^\W_]+")


def real_claims() -> list[str]:
    found = []
    for name in ("checkthat2021-2a/vclaims.jsonl", "checkthat2021-2b/politifact-vclaims.jsonl"):
        path = DATA / name
        if path.exists():
            found += [
                json.loads(line)["vclaim"]
                for line in path.read_text("utf-8").splitlines()
                if line.strip()
            ]
    return found


def claim_texts(n: int, *, seed: int = 2) -> list[str]:
    """Return N claim texts: the real ones first, then sentences sampled from their words."""
    real = real_claims()[:n]
    if len(real) == n:
        return real
    counts = Counter(
        word
        for text in real or ["the city spent money on the new bridge"]
        for word in _WORD.findall(text)
    )
    words = np.array(list(counts))
    weights = np.array(list(counts.values()), dtype=np.float64)
    rng = np.random.default_rng(seed)
    missing = n - len(real)
    lengths = rng.integers(8, 25, size=missing)
    drawn = rng.choice(len(words), size=int(lengths.sum()), p=weights / weights.sum())
    sentences, start = [], 0
    for length in lengths:
        sentences.append(" ".join(words[drawn[start : start + length]]) + ".")
        start += length
    return real + sentences


def unit_rows(rng: np.random.Generator, n: int, dim: int = 384) -> np.ndarray:
    """Return N random normalised float32 vectors."""
    rows = rng.standard_normal((n, dim), dtype=np.float32)
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows


def claim_like_rows(base: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Return N unit vectors shaped like claim embeddings: blends of two BASE rows plus noise.

    Random vectors are an HNSW graph's worst case (every pair about equally far apart, so
    building and searching wander); real claims have neighbourhoods, which blends keep.
    """
    rows = np.empty((n, base.shape[1]), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        a, b = base[rng.integers(0, len(base), m)], base[rng.integers(0, len(base), m)]
        weight = rng.uniform(0.5, 1.0, (m, 1)).astype(np.float32)
        noise = unit_rows(rng, m, base.shape[1])
        block = weight * a + (1 - weight) * b + 0.4 * noise
        rows[start : start + m] = block / np.linalg.norm(block, axis=1, keepdims=True)
    return rows
