"""The per-app matching resource: one embedder and one vector index, kept in app.extensions."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from threadpoolctl import threadpool_limits

from factcheck.matching.embedder import Embedder
from factcheck.matching.graph import GraphSettings
from factcheck.matching.index import VectorIndex
from factcheck.matching.rerank import DEFAULT_MODEL, Reranker, load_reranker


class Matcher:
    """An embedder, the index of stored claim vectors, and when the index was last synced."""

    def __init__(self, embedder: Embedder, *, refresh_seconds: float = 1.0,
                 lexical_weight: float = 0.75, context_weight: float = 2.0,
                 context_dense_weight: float = 0.25, candidates: int = 100,
                 ef_search: int = 200, reranker: Reranker | None = None,
                 rerank_depth: int = 40, graph: GraphSettings | None = None,
                 lexical_row_budget: int = 0) -> None:
        self.embedder = embedder
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
        self.sync_lock = threading.Lock()
        self.synced_seq: int | None = None  # the last claim_vector_log entry the index applied
        self._checked_at = float("-inf")
        self._index: VectorIndex | None = None

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Matcher:
        """Build a matcher from app config (the model itself loads on first use)."""
        # numpy's BLAS threads busy-wait after each product and starve the encoder's threads:
        # one query's cosine scan is memory-bound anyway (the effect on search: bench/README.md).
        threadpool_limits(1, user_api="blas")
        onnx = config.get("EMBEDDING_BACKEND", "onnx") == "onnx" and config.get("MODEL_CACHE_DIR")
        reranker = (load_reranker(config.get("RERANK_MODEL") or DEFAULT_MODEL)
                    if config.get("RERANK", True) else None)
        embedder = Embedder(config.get("EMBEDDING_MODEL"),
                            batch_size=int(config.get("EMBEDDING_BATCH_SIZE", 64)),
                            onnx_dir=Path(config["MODEL_CACHE_DIR"]) / "onnx" if onnx else None,
                            precision=str(config.get("ENCODER_PRECISION", "fp32")))
        return cls(embedder, refresh_seconds=float(config.get("INDEX_REFRESH_SECONDS", 1.0)),
                   lexical_weight=float(config.get("LEXICAL_WEIGHT", 0.75)),
                   context_weight=float(config.get("CONTEXT_WEIGHT", 2.0)),
                   context_dense_weight=float(config.get("CONTEXT_DENSE_WEIGHT", 0.25)),
                   candidates=int(config.get("RETRIEVAL_CANDIDATES", 100)),
                   ef_search=int(config.get("HNSW_EF_SEARCH", 200)),
                   reranker=reranker, rerank_depth=int(config.get("RERANK_DEPTH") or (
                       reranker.depth if reranker is not None else 40)),
                   graph=graph_settings(config),
                   lexical_row_budget=int(config.get("LEXICAL_ROW_BUDGET", 50_000)))

    @property
    def index(self) -> VectorIndex:
        if self._index is None:
            with self.sync_lock:
                if self._index is None:
                    self._index = VectorIndex(self.embedder.dimension, self.graph)
        return self._index

    def due_for_check(self) -> bool:
        """Return True when the index should be compared with the database again."""
        return time.monotonic() - self._checked_at >= self.refresh_seconds

    def mark_checked(self, seq: int) -> None:
        """Record that the index holds every vector change up to log entry SEQ."""
        self.synced_seq = seq
        self._checked_at = time.monotonic()

def graph_settings(config: dict[str, Any]) -> GraphSettings:
    """Return the HNSW graph settings of the SQLite vector index from app config.

    The graph is saved next to a SQLite database file unless VECTOR_GRAPH_PATH says where
    ("" keeps it in memory only).
    """
    path = config.get("VECTOR_GRAPH_PATH")
    if path is None:
        url = make_url(config.get("SQLALCHEMY_DATABASE_URI") or "sqlite://")
        on_disk = url.database not in (None, "", ":memory:") and not url.database.startswith("file:")
        path = f"{url.database}.hnsw" if url.get_backend_name() == "sqlite" and on_disk else None
    return GraphSettings(
        min_size=int(config.get("VECTOR_GRAPH_MIN_CLAIMS", 100_000)),
        connectivity=int(config.get("VECTOR_GRAPH_CONNECTIVITY", 16)),
        expansion_add=int(config.get("VECTOR_GRAPH_EXPANSION_ADD", 64)),
        expansion_search=int(config.get("VECTOR_GRAPH_EXPANSION_SEARCH", 800)),
        dtype=str(config.get("VECTOR_GRAPH_DTYPE", "i8")),
        threads=int(config.get("VECTOR_GRAPH_THREADS", 2)),
        background=bool(config.get("VECTOR_GRAPH_BACKGROUND", True)),
        path=Path(path) if path else None)
