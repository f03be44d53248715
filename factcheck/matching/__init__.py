"""Retrieval: find the stored claims most similar to a text or a claim, with their true cosines.

Services call the entry point in `matching.search` (search_claims, similar_to_claims,
retrieve). Beneath it: `candidates` (dense and lexical runs, fused, re-ranked), `dense`
(the in-memory index kept in step with the database, or pgvector), `fulltext` (FTS5 or
PostgreSQL ranking), `rerank` (the learned model), `nearmiss` (similar but different),
`embedder` (the only way to the model), `index` and `graph` (exact and HNSW vector search),
`matcher` (the per-app resource that owns the in-memory state).
"""

from factcheck.matching.embedder import Embedder, ModelLoadError
from factcheck.matching.index import Match, VectorIndex
from factcheck.matching.matcher import Matcher

__all__ = ["Embedder", "Match", "Matcher", "ModelLoadError", "VectorIndex"]
