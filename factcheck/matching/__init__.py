"""Sentence embeddings and similarity search: vectors and strings in, ranked ids out."""

from factcheck.matching.embedder import Embedder, ModelLoadError
from factcheck.matching.index import Match, VectorIndex
from factcheck.matching.matcher import Matcher

__all__ = ["Embedder", "Match", "Matcher", "ModelLoadError", "VectorIndex"]
