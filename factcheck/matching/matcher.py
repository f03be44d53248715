"""The per-app matching resource: the encoders and their vector indexes, kept in app.extensions.

Two vector spaces: "dense" (the English sentence model; with a multilingual space, it holds the
English claims only) and "multilingual" (one encoder for every language; its English claims
and all others are indexed apart). A pair of claims is compared in the dense space when both
are in English, in the multilingual space otherwise.
"""

from __future__ import annotations

import dataclasses
import functools
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy.engine import make_url
from threadpoolctl import threadpool_limits

from factcheck.config import Defaults
from factcheck.matching.embedder import Embedder, MultilingualEmbedder
from factcheck.matching.graph import GraphSettings
from factcheck.matching.index import VectorIndex
from factcheck.matching.rerank import DEFAULT_MODEL, Reranker, load_reranker
from factcheck.text.language import detect_language

ENGLISH = "en"


@functools.cache
def one_blas_thread() -> None:
    """Keep numpy's BLAS to one thread in this process (once: finding the BLAS libraries scans
    every loaded library, 3 ms). Its threads busy-wait after each product and starve the
    encoder's threads, and one query's cosine scan is memory-bound anyway (the effect on
    search: bench/README.md)."""
    threadpool_limits(1, user_api="blas")


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Link cut-offs on the cosine of the space a pair is compared in (a suggestion a checker
    sees, a link made automatically): the English sentence model's and the multilingual
    encoder's, calibrated apart."""

    suggest: float = Defaults.LINK_SUGGEST_THRESHOLD
    auto: float = Defaults.LINK_AUTO_THRESHOLD
    multilingual_suggest: float = Defaults.MULTILINGUAL_LINK_SUGGEST_THRESHOLD
    multilingual_auto: float = Defaults.MULTILINGUAL_LINK_AUTO_THRESHOLD

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Thresholds:
        return cls(
            suggest=float(config["LINK_SUGGEST_THRESHOLD"]),
            auto=float(config["LINK_AUTO_THRESHOLD"]),
            multilingual_suggest=float(config["MULTILINGUAL_LINK_SUGGEST_THRESHOLD"]),
            multilingual_auto=float(config["MULTILINGUAL_LINK_AUTO_THRESHOLD"]),
        )

    def of(self, space: str) -> tuple[float, float]:
        """Return (suggest, auto) for cosines of SPACE ("dense" or "multilingual")."""
        if space == "multilingual":
            return self.multilingual_suggest, self.multilingual_auto
        return self.suggest, self.auto


class _Synced:
    """When a space's in-memory indexes were last compared with claim_vector_log."""

    refresh_seconds: float

    def _start_sync(self) -> None:
        self.sync_lock = threading.Lock()
        self.synced_seq: int | None = None  # the last claim_vector_log entry the index applied
        self._checked_at = float("-inf")

    def due_for_check(self) -> bool:
        """Return True when the index should be compared with the database again."""
        return time.monotonic() - self._checked_at >= self.refresh_seconds

    def mark_checked(self, seq: int) -> None:
        """Record that the index holds every vector change up to log entry SEQ."""
        self.synced_seq = seq
        self._checked_at = time.monotonic()


def same_space(language: str | None, other: str | None) -> str:
    """Return the space two claims in these languages are compared in."""
    return "dense" if language == ENGLISH and other == ENGLISH else "multilingual"


class MultilingualSpace(_Synced):
    """The multilingual encoder and its indexes: English claims ("en") and all others ("other").

    An English query searches only "other" here (its English matches come from the dense
    space); a query in another language searches both.
    """

    name = "multilingual"
    partitions = ("en", "other")

    def __init__(
        self,
        embedder: MultilingualEmbedder,
        *,
        refresh_seconds: float,
        graph: GraphSettings | None,
        calibration: tuple[float, float],
    ) -> None:
        self.embedder = embedder
        self.refresh_seconds = refresh_seconds
        self.graph = graph
        # Its cosine as a match probability: 1 / (1 + exp(-(slope * cosine + intercept))).
        self.calibration = calibration
        self._start_sync()
        self._indexes: dict[str, VectorIndex] | None = None

    @property
    def indexes(self) -> dict[str, VectorIndex]:
        if self._indexes is None:
            with self.sync_lock:
                if self._indexes is None:
                    self._indexes = {
                        part: VectorIndex(self.embedder.dimension, _graph_for(self.graph, part))
                        for part in self.partitions
                    }
        return self._indexes

    def partition(self, language: str | None) -> str:
        """Return the index a claim in LANGUAGE is kept in."""
        return "en" if language == ENGLISH else "other"

    def probability(self, cosines):  # an array of the same shape
        """Return the calibrated probability that a pair at each of COSINES is a match."""
        slope, intercept = self.calibration
        return 1.0 / (1.0 + np.exp(-(slope * np.asarray(cosines, dtype=np.float64) + intercept)))


def _graph_for(graph: GraphSettings | None, part: str) -> GraphSettings | None:
    """The multilingual indexes keep their graphs in files of their own."""
    if graph is None or graph.path is None:
        return graph
    return dataclasses.replace(
        graph, path=graph.path.with_name(f"{graph.path.stem}.multilingual-{part}.hnsw")
    )


class Matcher(_Synced):
    """An embedder, the index of stored claim vectors, and when the index was last synced;
    and the multilingual space, when one is configured."""

    name = "dense"

    def __init__(
        self,
        embedder: Embedder,
        *,
        refresh_seconds: float,
        lexical_weight: float,
        context_weight: float,
        context_dense_weight: float,
        candidates: int,
        ef_search: int,
        reranker: Reranker | None,
        rerank_depth: int,
        graph: GraphSettings,
        lexical_row_budget: int,
        thresholds: Thresholds,
        multilingual: MultilingualSpace | None,
        default_language: str,
        language_confidence: float,
    ) -> None:
        self.embedder = embedder
        self.thresholds = thresholds  # when a similar claim is suggested, or linked at once
        self.multilingual = multilingual
        # What a text too short or mixed to tell is taken to be in (text.language).
        self.default_language = default_language
        self.language_confidence = language_confidence
        self.refresh_seconds = refresh_seconds
        self.lexical_weight = lexical_weight  # weight of BM25 beside the dense score in fusion
        self.context_weight = context_weight  # BM25 weight of a claim's context vs its text
        self.context_dense_weight = context_dense_weight  # dense search on a query's context
        self.candidates = candidates  # how many each retriever hands to the fusion
        self.ef_search = ef_search  # PostgreSQL: HNSW candidate list per query (recall vs time)
        self.reranker = reranker  # orders the best RERANK_DEPTH fused candidates; None: fusion
        self.rerank_depth = rerank_depth
        self.graph = graph  # SQLite: when and how large collections get an HNSW graph
        self.lexical_row_budget = lexical_row_budget  # SQLite BM25: rows scored per query
        self.term_counts: dict[str, int] = {}  # claims matching each term (FTS5), cached
        self._start_sync()
        self._index: VectorIndex | None = None

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Matcher:
        """Build a matcher from app config, whose values (and defaults) come from config.py.

        The model itself loads on first use.
        """
        one_blas_thread()
        onnx = config["EMBEDDING_BACKEND"] == "onnx" and config["MODEL_CACHE_DIR"]
        reranker = (
            load_reranker(config["RERANK_MODEL"] or DEFAULT_MODEL) if config["RERANK"] else None
        )
        embedder = Embedder(
            config["EMBEDDING_MODEL"],
            batch_size=int(config["EMBEDDING_BATCH_SIZE"]),
            onnx_dir=Path(config["MODEL_CACHE_DIR"]) / "onnx" if onnx else None,
            precision=str(config["ENCODER_PRECISION"]),
            threads=int(config["ENCODER_THREADS"]),
        )
        graph = graph_settings(config)
        multilingual = None
        if config["MULTILINGUAL_MODEL"]:
            multilingual = MultilingualSpace(
                MultilingualEmbedder(str(config["MULTILINGUAL_MODEL"])),
                refresh_seconds=float(config["INDEX_REFRESH_SECONDS"]),
                graph=graph,
                calibration=tuple(config["MULTILINGUAL_CALIBRATION"]),
            )
        return cls(
            embedder,
            refresh_seconds=float(config["INDEX_REFRESH_SECONDS"]),
            lexical_weight=float(config["LEXICAL_WEIGHT"]),
            context_weight=float(config["CONTEXT_WEIGHT"]),
            context_dense_weight=float(config["CONTEXT_DENSE_WEIGHT"]),
            candidates=int(config["RETRIEVAL_CANDIDATES"]),
            ef_search=int(config["HNSW_EF_SEARCH"]),
            reranker=reranker,
            rerank_depth=int(
                config["RERANK_DEPTH"] or (reranker.depth if reranker is not None else 40)
            ),
            graph=graph,
            lexical_row_budget=int(config["LEXICAL_ROW_BUDGET"]),
            thresholds=Thresholds.from_config(config),
            multilingual=multilingual,
            default_language=str(config["DEFAULT_LANGUAGE"] or ENGLISH),
            language_confidence=float(config["LANGUAGE_MIN_CONFIDENCE"]),
        )

    @property
    def index(self) -> VectorIndex:
        if self._index is None:
            with self.sync_lock:
                if self._index is None:
                    self._index = VectorIndex(self.embedder.dimension, self.graph)
        return self._index

    @property
    def partitions(self) -> tuple[str, ...]:
        return (ENGLISH,) if self.multilingual is not None else ("all",)

    @property
    def indexes(self) -> dict[str, VectorIndex]:
        return {self.partitions[0]: self.index}

    def partition(self, language: str | None) -> str | None:
        """Return the index a claim in LANGUAGE is kept in: with a multilingual space, only
        English claims are in the dense one (None for the others)."""
        if self.multilingual is None:
            return "all"
        return ENGLISH if language == ENGLISH else None

    def language_of(self, text: str) -> str:
        """Return the ISO 639-1 code of TEXT's language, detected offline."""
        return detect_language(
            text, default=self.default_language, min_confidence=self.language_confidence
        )

    def spaces(self) -> list[Matcher | MultilingualSpace]:
        """Return the vector spaces: this one (dense), then the multilingual one if any."""
        return [self] if self.multilingual is None else [self, self.multilingual]


def graph_settings(config: Mapping[str, Any]) -> GraphSettings:
    """Return the HNSW graph settings of the SQLite vector index from app config.

    The graph is saved next to a SQLite database file unless VECTOR_GRAPH_PATH says where
    ("" keeps it in memory only).
    """
    path = config["VECTOR_GRAPH_PATH"]
    if path is None:
        url = make_url(config["SQLALCHEMY_DATABASE_URI"] or "sqlite://")
        on_disk = url.database not in (None, "", ":memory:") and not url.database.startswith(
            "file:"
        )
        path = f"{url.database}.hnsw" if url.get_backend_name() == "sqlite" and on_disk else None
    return GraphSettings(
        min_size=int(config["VECTOR_GRAPH_MIN_CLAIMS"]),
        connectivity=int(config["VECTOR_GRAPH_CONNECTIVITY"]),
        expansion_add=int(config["VECTOR_GRAPH_EXPANSION_ADD"]),
        expansion_search=int(config["VECTOR_GRAPH_EXPANSION_SEARCH"]),
        dtype=str(config["VECTOR_GRAPH_DTYPE"]),
        threads=int(config["VECTOR_GRAPH_THREADS"]),
        background=bool(config["VECTOR_GRAPH_BACKGROUND"]),
        path=Path(path) if path else None,
    )
