"""Check-worthiness (0..1, >= 0.5 means worth checking) of sentences in any language.

A logistic regression over the multilingual encoder's sentence vector (the vector matching
stores) and four features that mean the same in every script: a figure, a percent or
currency sign, a question mark, the length. Trained on English sentences (ClaimBuster) by
train/checkworthiness_multilingual.py: the encoder puts a sentence and its translation close
together, so the weights carry over (its scores on translated sentences: bench/README.md).
Its weights ship in checkworthiness_multilingual.npz. Pure numpy: the caller passes vectors.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from importlib import resources

import numpy as np

_FIGURE = re.compile(r"\d")
_SIGN = re.compile(r"[%$€£₽¥٪]")
_QUESTION = re.compile(r"[?؟;]\s*$")


def hand_features(text: str) -> list[float]:
    """Return the script-independent features the classifier uses besides the vector."""
    return [
        float(bool(_FIGURE.search(text))),
        float(bool(_SIGN.search(text))),
        float(bool(_QUESTION.search(text))),
        min(len(text.split()), 60) / 30.0,
    ]


def features(vectors: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """Return the feature matrix for the sentences' multilingual VECTORS and TEXTS."""
    hand = np.array([hand_features(t) for t in texts], dtype=np.float32).reshape(len(texts), -1)
    return np.hstack([np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1), hand])


@functools.cache
def _weights() -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    package = resources.files("factcheck.text")
    with package.joinpath("checkworthiness_multilingual.npz").open("rb") as f:
        data = np.load(f)
        return data["mean"], data["scale"], data["coef"], float(data["intercept"])


def score_sentences(vectors: np.ndarray, texts: Sequence[str]) -> list[float]:
    """Return check-worthiness 0..1 for each sentence from its multilingual vector."""
    if not len(texts):
        return []
    mean, scale, coef, intercept = _weights()
    x = (features(vectors, texts) - mean) / scale
    return [round(float(p), 4) for p in 1.0 / (1.0 + np.exp(-(x @ coef + intercept)))]
