"""A stand-in for the sentence model, for tests that do not measure matching.

Each text gets a unit vector drawn from a generator seeded with a hash of the text: the same
text always gets the same vector, and different texts get nearly orthogonal ones (cosines
around 0 +- 0.05 in 384 dimensions), so only exact repeats look similar. Tests that need real
similarities, extraction scores or the evaluation carry `@pytest.mark.model` and get the real
Embedder and the real multilingual encoder (see tests/conftest.py).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence

import numpy as np

from factcheck.matching.embedder import Encoded
from factcheck.text.checkworthiness import LAYERS, CheckworthinessModel

DIMENSION = 384  # all-MiniLM-L6-v2's, so stored vectors have the real shape
N_LAYERS = 7  # the embedding output and six transformer layers, like the real model


def hash_vector(text: str, dimension: int = DIMENSION) -> np.ndarray:
    """Return the unit float32 vector of TEXT (the same text, the same vector)."""
    seed = int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big")
    vector = np.random.default_rng(seed).standard_normal(dimension).astype(np.float32)
    return vector / np.linalg.norm(vector)


@functools.cache
def _neutral_layers() -> np.ndarray:
    """Return hidden states equal to the check-worthiness classifier's training mean.

    Standardised, they are all zero: the classifier then scores a claim by its hand features
    (numbers, quantities, claim verbs, hedges...) alone, which keeps factual sentences above
    opinions without the model.
    """
    model = CheckworthinessModel.packaged()
    layers = np.zeros((N_LAYERS, DIMENSION), dtype=np.float32)
    layers[list(LAYERS)] = model.mean[: len(LAYERS) * DIMENSION].reshape(len(LAYERS), DIMENSION)
    return layers


class FakeEmbedder:
    """The Embedder's interface (name, dimension, encode, encode_layers) without a model."""

    def __init__(self, model: str | None = None, *, batch_size: int = 64, **_: object) -> None:
        self.name = "test/hash-encoder"
        self.batch_size = batch_size
        self.precision = "fp32"
        self.dimension = DIMENSION

    def load(self) -> None:
        """Nothing to load."""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return one unit float32 row per text in TEXTS."""
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        return np.stack([hash_vector(text) for text in texts])

    def encode_layers(self, texts: Sequence[str], *, batch_size: int = 8) -> Encoded:
        """Return encode()'s vectors and neutral hidden states for every text."""
        layers = np.broadcast_to(_neutral_layers(), (len(texts), N_LAYERS, DIMENSION)).copy()
        return Encoded(self.encode(texts), layers)


class FakeMultilingualEmbedder:
    """The MultilingualEmbedder's interface (name, dimension, batch_size, load, encode) without
    a model: a text and its translation are as far apart as any two texts."""

    dimension = 512  # USE multilingual v3's

    def __init__(self, model: str | None = None, *, batch_size: int = 256) -> None:
        self.name = "test/hash-multilingual"
        self.batch_size = batch_size

    def load(self) -> None:
        """Nothing to load."""

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return one unit float32 row per text in TEXTS."""
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([hash_vector(text, self.dimension) for text in texts])
