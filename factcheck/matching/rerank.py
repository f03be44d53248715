"""Re-ranking the fused candidates: one feature row per (query, candidate), a learned scorer.

Pure: the features come from scores and fields the service has gathered; no database here.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from factcheck.matching.nearmiss import details, differing_kinds

FEATURES = (
    "dense",  # cosine of the query and the claim
    "dense_gap",  # ... minus the best cosine among the candidates
    "context_dense",  # cosine of the query's context (transcript lines) and the claim
    "title_dense",  # cosine of the query and the claim's context (headline, summary)
    "context_title_dense",  # cosine of the query's context and the claim's context
    "fused",  # the z-score fusion's sum
    "fused_gap",  # ... minus the best sum
    "log_rank",  # log(1 + position) in the fusion
    "bm25_text",  # BM25 of the lexical query on the claim's text, over the best one's
    "bm25_context",  # ... on the claim's context
    "near_number",
    "near_date",
    "near_name",
    "near_negation",
    "near_quantifier",
    "claimant_match",  # 1 when the query's claimant shares a name with the claim's, 0 if not
    "date_distance",  # log(1 + days) between the query's date and the claim's date
    "claim_later",  # 1 when the claim was made after the query's date
    "has_context",  # the query came with context
)
# Known only when the caller knows the query's claimant or date; missing (NaN) otherwise.
METADATA_FEATURES = ("claimant_match", "date_distance", "claim_later")
_METADATA_COLUMNS = [FEATURES.index(name) for name in METADATA_FEATURES]
_HAS_CONTEXT = FEATURES.index("has_context")
_KINDS = ("number", "date", "name", "negation", "quantifier")
_NAME_WORD = re.compile(r"[^\W\d_]{2,}")
_NOT_SURNAMES = frozenset(
    {"jr", "sr", "ii", "iii", "dr", "mr", "mrs", "ms", "says", "posts", "the", "of", "and"}
)


@dataclass(frozen=True, slots=True)
class QueryMeta:
    """What the caller knows about who made the query's claim and when (both optional)."""

    claimant: str | None = None
    date: date | None = None


@dataclass(frozen=True, slots=True)
class Candidate:
    """One fused candidate's scores and stored fields (NaN where a score is unknown)."""

    fused: float
    dense: float
    context_dense: float
    title_dense: float
    context_title_dense: float
    bm25_text: float
    bm25_context: float
    text: str
    claimant: str | None
    claim_date: date | None


def _names(text: str | None) -> set[str]:
    return {w for w in _NAME_WORD.findall((text or "").lower()) if w not in _NOT_SURNAMES}


def claimant_match(query: str | None, stored: str | None) -> float:
    """1.0 when two claimants share a name word ("TRUMP" and "Donald Trump"), 0.0 if not,
    NaN when either is unknown."""
    left, right = _names(query), _names(stored)
    if not left or not right:
        return math.nan
    return 1.0 if left & right else 0.0


def feature_rows(
    query_text: str, meta: QueryMeta | None, candidates: Sequence[Candidate], *, has_context: bool
) -> np.ndarray:
    """Return one row of FEATURES per candidate (in fusion order) for QUERY_TEXT."""
    meta = meta or QueryMeta()
    rows = np.full((len(candidates), len(FEATURES)), np.nan, dtype=np.float64)
    if not candidates:
        return rows
    best_dense = max(c.dense for c in candidates)
    best_fused = candidates[0].fused
    query = details(query_text)
    for i, c in enumerate(candidates):
        kinds = differing_kinds(query, details(c.text))
        days = (
            (c.claim_date - meta.date).days
            if meta.date is not None and c.claim_date is not None
            else None
        )
        rows[i] = (
            c.dense,
            c.dense - best_dense,
            c.context_dense,
            c.title_dense,
            c.context_title_dense,
            c.fused,
            c.fused - best_fused,
            math.log1p(i),
            c.bm25_text,
            c.bm25_context,
            *(float(k in kinds) for k in _KINDS),
            claimant_match(meta.claimant, c.claimant),
            math.nan if days is None else math.log1p(abs(days)),
            math.nan if days is None else float(days > 0),
            float(has_context),
        )
    return rows


DEFAULT_MODEL = Path(__file__).with_name("reranker.json")


class RerankerError(RuntimeError):
    """The re-ranking model file is missing, unreadable or made for other features."""


class _Linear:
    """A linear scorer over standardised FEATURES (missing values filled, and flagged)."""

    def __init__(self, model: dict) -> None:
        self.fill = np.asarray(model["fill"], dtype=np.float64)
        self.mean = np.asarray(model["mean"], dtype=np.float64)
        self.scale = np.asarray(model["scale"], dtype=np.float64)
        self.weights = np.asarray(model["weights"], dtype=np.float64)
        self.missing_weights = np.asarray(model["missing_weights"], dtype=np.float64)
        self.bias = float(model.get("bias", 0.0))
        # An optional Platt scaling (slope, intercept) applied to the score before the logistic
        # function. The shipped parts have none: scaling fitted on CheckThat! dev made a
        # verbatim duplicate in a small collection read 0.3%, because the fusion features
        # depend on the collection; a desk would fit it on its own confirmed links.
        self.calibration = tuple(float(v) for v in model.get("calibration", (1.0, 0.0)))

    def score(self, rows: np.ndarray) -> np.ndarray:
        missing = np.isnan(rows)
        filled = np.where(missing, self.fill, rows)
        return (
            ((filled - self.mean) / self.scale) @ self.weights
            + missing @ self.missing_weights
            + self.bias
        )

    @property
    def keeps_fusion(self) -> bool:
        """True for a part trained to keep the fusion's order (all its weights are 0)."""
        return not (self.weights.any() or self.missing_weights.any())

    def probability(self, scores: np.ndarray) -> np.ndarray:
        """Return the calibrated probability of a match for each of SCORES (from score())."""
        slope, intercept = self.calibration
        return 1.0 / (1.0 + np.exp(-(slope * np.asarray(scores) + intercept)))


class Reranker:
    """Linear scorers: one for queries with metadata, others for queries without any.

    A query whose rows have no METADATA_FEATURES (the caller knew no claimant or date, or no
    candidate has a claimant or date to compare) is scored by the model's "without_metadata"
    parts, trained on the train queries with their metadata removed: one for queries with
    context, one for queries without. A part with all weights 0 keeps the fusion's order. A
    model file without such a part scores those queries with its main part.
    """

    def __init__(self, model: dict) -> None:
        if tuple(model.get("features", ())) != FEATURES:
            raise RerankerError(
                "The re-ranking model was trained on other features than "
                "factcheck.matching.rerank.FEATURES: run train/reranker.py."
            )
        self.with_metadata = _Linear(model)
        plain = model.get("without_metadata") or {}
        self.without_metadata = {
            context: _Linear(plain[key]) if key in plain else self.with_metadata
            for context, key in ((False, "without_context"), (True, "with_context"))
        }
        self.depth = int(model.get("depth", 40))  # how many fused candidates it was chosen for

    def _part(self, rows: np.ndarray) -> _Linear:
        """Return the part that scores ROWS, one query's candidates."""
        if not len(rows) or not np.isnan(rows[:, _METADATA_COLUMNS]).all():
            return self.with_metadata
        return self.without_metadata[bool(rows[0, _HAS_CONTEXT] == 1.0)]

    def score(self, rows: np.ndarray) -> np.ndarray:
        """Return one score per row of ROWS, one query's candidates (higher is a better match)."""
        return self._part(rows).score(rows)

    def probability(self, rows: np.ndarray) -> np.ndarray | None:
        """Return the calibrated probability that each row's candidate is the query's claim,
        or None when the part for these rows keeps the fusion's order (it scores nothing)."""
        part = self._part(rows)
        return None if part.keeps_fusion else part.probability(part.score(rows))


def load_reranker(path: str | Path) -> Reranker:
    """Return the re-ranker stored at PATH (JSON written by train/reranker.py)."""
    try:
        return Reranker(json.loads(Path(path).read_text("utf-8")))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise RerankerError(
            f"Could not read the re-ranking model {path}: {exc}. Set "
            "FACTCHECK_RERANK=false to match without it."
        ) from exc
