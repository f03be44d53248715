"""Check-worthiness (0..1, >= 0.5 means worth checking) and the kind of each claim.

The score is a logistic regression over the sentence model's mean-pooled hidden states
(layers 2-6) and a few features fact-checkers look for. Its weights ship in
checkworthiness.npz, made by train/checkworthiness.py. Pure numpy: the caller passes the
hidden states, computed by the embedder in the same pass that makes the matching vectors.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from importlib import resources

import numpy as np

KINDS = ("factual", "quantity", "quote", "opinion", "prediction", "other")
LAYERS = (2, 3, 4, 5, 6)

_NUMBER = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|hundred|"
    r"thousand|million|billion|trillion|dozen|half|twice|double[sd]?|"
    r"triple[sd]?)\b",
    re.IGNORECASE,
)
_QUANTITY = re.compile(
    r"%|\$|€|£|\b(?:percent|per cent|million|billion|trillion|thousand|"
    r"dollars?|euros?|pounds?|tons?|tonnes?|kilometres?|miles?|"
    r"rate|average|majority|number of)\b",
    re.IGNORECASE,
)
_CHANGE = re.compile(
    r"\b(?:more|less|fewer|most|least|higher|lower|larger|smaller|biggest|"
    r"largest|increased?|increases|decreased?|decreases|rose|risen|fell|"
    r"fallen|grew|grown|doubled|tripled|cut|raised|exceeded|record|first|"
    r"only|never|always|every)\b",
    re.IGNORECASE,
)
_CLAIM_VERB = re.compile(
    r"\b(?:said|says|stated|claimed|reported|announced|confirmed|denied|"
    r"voted|signed|passed|spent|paid|won|lost|killed|arrested|opened|"
    r"recognized|recognised|violated|agreed)\b",
    re.IGNORECASE,
)
_PERSONAL_HEDGE = re.compile(
    r"\b(?:I think|I believe|we believe|in my view|in our view|"
    r"arguably|perhaps|maybe|probably|presumably|seems? to|"
    r"appears? to)\b",
    re.IGNORECASE,
)
# An impersonal judgement about a claim: "It is plausible that ...", "it is clear the ...".
_JUDGEMENT = re.compile(
    r"^(?:it is|it's|it seems|it appears)\s+(?:\w+\s+)?(?:plausible|possible|"
    r"clear|obvious|likely|unlikely|evident|doubtful|certain|probable|"
    r"conceivable|noteworthy)\b",
    re.IGNORECASE,
)


def _hedged(text: str) -> bool:
    return bool(_JUDGEMENT.search(text) or _PERSONAL_HEDGE.search(text))


_FUTURE = re.compile(
    r"\b(?:will|won't|shall|going to|is expected to|are expected to|"
    r"plans? to|intends? to|forecasts?|predicts?|would)\b",
    re.IGNORECASE,
)
_OPINION = re.compile(
    r"\b(?:should|must|ought to|need to|needs to|deserves?|"
    r"challenging times|best|worst|terrible|great|wonderful|disgrace|"
    r"shameful)\b",
    re.IGNORECASE,
)
_QUOTE = re.compile(r"[\"“”«»]|(?:^|\s)‘[^’]{12,}’")
_FIRST_PERSON = re.compile(r"\b(?:I|we|you|me|us|my|our)\b")


def hand_features(text: str) -> list[float]:
    """Return the claim-level features the classifier uses besides the hidden states."""
    words = text.split()
    capitalised = sum(1 for w in words[1:] if w[:1].isupper())
    return [
        float(bool(_NUMBER.search(text))),
        float(bool(_QUANTITY.search(text))),
        float(bool(_CHANGE.search(text))),
        float(bool(_CLAIM_VERB.search(text))),
        float(_hedged(text)),
        float(bool(_FUTURE.search(text))),
        float(bool(_OPINION.search(text))),
        float(bool(_FIRST_PERSON.search(text))),
        float(text.rstrip().endswith("?")),
        min(len(words), 60) / 30.0,
        min(capitalised, 6) / 3.0,
    ]


def classify_kind(text: str, *, has_verb: bool = True) -> str:
    """Return the kind of claim TEXT makes (one of KINDS)."""
    hedged = _hedged(text)
    if text.rstrip().endswith("?") or not has_verb:
        return "other"
    if hedged and _FUTURE.search(text):
        return "prediction"
    if hedged or _OPINION.search(text):
        return "opinion"
    if _QUOTE.search(text):
        return "quote"
    if _FUTURE.search(text):
        return "prediction"
    if (_NUMBER.search(text) and _QUANTITY.search(text)) or re.search(r"\d", text):
        return "quantity"
    return "factual"


# Hedged judgements ("It is plausible that ...") are kept for the checker to see but are not
# checkable as stated. The classifier already weighs future tense, opinion words and personal
# hedges (its training data says some are check-worthy), so only these are scored down on top.
HEDGE_FACTOR = 0.4


class CheckworthinessModel:
    """Logistic regression weights: standardise, then a linear score and a sigmoid."""

    def __init__(
        self, mean: np.ndarray, scale: np.ndarray, coef: np.ndarray, intercept: float
    ) -> None:
        self.mean, self.scale, self.coef, self.intercept = mean, scale, coef, intercept

    @classmethod
    @functools.cache
    def packaged(cls) -> CheckworthinessModel:
        """Return the weights shipped with the package."""
        with resources.files("factcheck.text").joinpath("checkworthiness.npz").open("rb") as f:
            data = np.load(f)
            return cls(data["mean"], data["scale"], data["coef"], float(data["intercept"]))

    @staticmethod
    def features(layers: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """Return the feature matrix for LAYERS (n, layers, dim) and the claims' TEXTS."""
        pooled = layers[:, list(LAYERS), :].reshape(len(texts), -1)
        hand = np.array([hand_features(t) for t in texts], dtype=np.float32).reshape(len(texts), -1)
        return np.hstack([pooled, hand])

    def probability(self, layers: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """Return the raw probability that each text is a check-worthy factual claim."""
        if not len(texts):
            return np.zeros(0, dtype=np.float32)
        x = (self.features(layers, texts) - self.mean) / self.scale
        return 1.0 / (1.0 + np.exp(-(x @ self.coef + self.intercept)))


def score_claims(layers: np.ndarray, texts: Sequence[str]) -> list[float]:
    """Return check-worthiness 0..1 for each claim (>= 0.5: worth checking)."""
    probabilities = CheckworthinessModel.packaged().probability(layers, texts)
    return [
        round(float(p) * (HEDGE_FACTOR if _JUDGEMENT.search(text) else 1.0), 4)
        for p, text in zip(probabilities, texts, strict=True)
    ]
