"""The re-ranker's features and the shipped model file."""

import json
import math
from datetime import date

import numpy as np
import pytest

from factcheck.matching.rerank import (
    DEFAULT_MODEL,
    FEATURES,
    Candidate,
    QueryMeta,
    Reranker,
    RerankerError,
    claimant_match,
    feature_rows,
    load_reranker,
)


def candidate(
    text: str,
    *,
    dense: float,
    claimant: str | None = None,
    claim_date: date | None = None,
    fused: float = 1.0,
) -> Candidate:
    return Candidate(
        fused=fused,
        dense=dense,
        context_dense=math.nan,
        title_dense=math.nan,
        context_title_dense=math.nan,
        bm25_text=1.0,
        bm25_context=0.0,
        text=text,
        claimant=claimant,
        claim_date=claim_date,
    )


@pytest.mark.parametrize(
    "query, stored, expected",
    [
        ("TRUMP", "Donald Trump", 1.0),
        ("Hillary Clinton", "Hillary Rodham Clinton", 1.0),
        ("SANDERS", "Donald Trump", 0.0),
        (None, "Donald Trump", None),
        ("Bernie Sanders", None, None),
        ("Jr.", "Donald Trump", None),  # nothing that names anyone
    ],
)
def test_claimant_match_compares_name_words(query, stored, expected):
    result = claimant_match(query, stored)
    assert math.isnan(result) if expected is None else result == expected


def column(rows: np.ndarray, name: str) -> list[float]:
    return rows[:, FEATURES.index(name)].tolist()


def test_feature_rows_describe_each_candidate_relative_to_the_best():
    candidates = [
        candidate(
            "Exports grew by 11% in 2019.",
            dense=0.8,
            fused=2.0,
            claimant="Jane Roe",
            claim_date=date(2019, 5, 1),
        ),
        candidate(
            "Exports grew by 15% in 2019.",
            dense=0.9,
            fused=1.5,
            claimant="John Doe",
            claim_date=date(2019, 3, 1),
        ),
    ]
    rows = feature_rows(
        "Exports grew by 11% in 2019.",
        QueryMeta(claimant="ROE", date=date(2019, 4, 1)),
        candidates,
        has_context=False,
    )
    assert rows.shape == (2, len(FEATURES))
    assert column(rows, "dense_gap") == pytest.approx([-0.1, 0.0])
    assert column(rows, "fused_gap") == [0.0, -0.5]
    assert column(rows, "near_number") == [0.0, 1.0]
    assert column(rows, "claimant_match") == [1.0, 0.0]
    assert column(rows, "date_distance") == pytest.approx([math.log1p(30), math.log1p(31)])
    assert column(rows, "claim_later") == [1.0, 0.0]
    assert column(rows, "has_context") == [0.0, 0.0]


def test_feature_rows_leave_unknown_metadata_missing():
    rows = feature_rows(
        "Bats are blind.",
        None,
        [candidate("Bats are blind.", dense=0.9, claimant="Someone", claim_date=date(2020, 1, 1))],
        has_context=True,
    )
    for name in ("claimant_match", "date_distance", "claim_later", "context_dense", "title_dense"):
        assert math.isnan(column(rows, name)[0])
    assert column(rows, "has_context") == [1.0]
    assert feature_rows("Bats are blind.", None, [], has_context=False).shape == (0, len(FEATURES))


def test_the_shipped_model_loads_and_scores_rows_with_missing_values():
    model = json.loads(DEFAULT_MODEL.read_text("utf-8"))
    assert tuple(model["features"]) == FEATURES
    assert set(model["without_metadata"]) == {"with_context", "without_context"}
    reranker = load_reranker(DEFAULT_MODEL)
    candidates = [
        candidate("Bats are blind.", dense=d, claimant="Jane Roe") for d in (0.9, 0.5, 0.7)
    ]
    for meta, has_context in ((None, False), (None, True), (QueryMeta(claimant="ROE"), False)):
        scores = reranker.score(
            feature_rows("Bats are blind.", meta, candidates, has_context=has_context)
        )
        assert scores.shape == (3,) and np.isfinite(scores).all()
        assert scores[0] > scores[2] > scores[1]  # other things equal, a closer claim is better


def test_a_model_for_other_features_or_a_broken_file_is_refused(tmp_path):
    model = json.loads(DEFAULT_MODEL.read_text("utf-8"))
    with pytest.raises(RerankerError, match="other features"):
        Reranker({**model, "features": model["features"][:-1]})
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", "utf-8")
    with pytest.raises(RerankerError, match="FACTCHECK_RERANK=false"):
        load_reranker(broken)
    with pytest.raises(RerankerError):
        load_reranker(tmp_path / "missing.json")


def linear(weights: dict[str, float]) -> dict:
    n = len(FEATURES)
    return {
        "fill": [0.0] * n,
        "mean": [0.0] * n,
        "scale": [1.0] * n,
        "weights": [weights.get(name, 0.0) for name in FEATURES],
        "missing_weights": [0.0] * n,
        "bias": 0.0,
    }


def test_queries_without_metadata_are_scored_by_the_parts_trained_without_it():
    # The main part follows the claimant; without metadata, BM25 on the text decides for a
    # query without context, and the cosine for one with context.
    model = {
        "features": list(FEATURES),
        "depth": 10,
        **linear({"claimant_match": 1.0}),
        "without_metadata": {
            "without_context": linear({"bm25_text": 1.0}),
            "with_context": linear({"dense": 1.0}),
        },
    }
    reranker = Reranker(model)
    pair = [
        Candidate(
            fused=1.0,
            dense=dense,
            context_dense=math.nan,
            title_dense=math.nan,
            context_title_dense=math.nan,
            bm25_text=bm25,
            bm25_context=0.0,
            text="Bats are blind.",
            claimant=claimant,
            claim_date=None,
        )
        for bm25, dense, claimant in (
            (0.2, 0.5, "Jane Roe"),
            (1.0, 0.4, "John Doe"),
            (0.5, 0.9, "Jim Poe"),
        )
    ]

    def best(meta: QueryMeta | None, has_context: bool = False) -> int:
        rows = feature_rows("Bats are blind.", meta, pair, has_context=has_context)
        return int(reranker.score(rows).argmax())

    assert best(QueryMeta(claimant="ROE")) == 0
    assert best(None) == 1
    assert best(None, has_context=True) == 2
    assert best(QueryMeta(date=date(2020, 1, 1))) == 1  # no candidate has a date to compare
    assert reranker.score(np.zeros((0, len(FEATURES)))).shape == (0,)
    # All weights 0 keep the fusion's order (the re-ranking sort is stable).
    keep = Reranker({**model, "without_metadata": {"without_context": linear({})}})
    rows = feature_rows("Bats are blind.", None, pair, has_context=False)
    assert len(set(keep.score(rows).tolist())) == 1
    # A part the file lacks (here: with context; in older files: both) is the main part.
    with_context = feature_rows("Bats are blind.", None, pair, has_context=True)
    assert keep.score(with_context).tolist() == keep.with_metadata.score(with_context).tolist()
