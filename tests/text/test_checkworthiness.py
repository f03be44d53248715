import numpy as np
import pytest

from factcheck.text.checkworthiness import (
    HEDGE_FACTOR,
    CheckworthinessModel,
    classify_kind,
    hand_features,
    score_claims,
)


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Unemployment fell to 3.2 percent in 2023.", "quantity"),
        ("The senator voted against the bill.", "factual"),
        ('The minister said "we never raised taxes" on Monday.', "quote"),
        ("It is plausible that the agency knew about the leak.", "opinion"),
        ("It is unlikely that the council will approve the plan.", "prediction"),
        ("The stadium will open in 2026.", "prediction"),
        ("Did the council approve the plan?", "other"),
        ("The government should cut taxes.", "opinion"),
    ],
)
def test_kinds(text, kind):
    assert classify_kind(text) == kind


def test_a_headline_without_a_verb_is_other():
    assert classify_kind("Budget Troubles Ahead", has_verb=False) == "other"


def test_hand_features_see_numbers_hedges_and_questions():
    numbers, quantity, *_rest, question, _length, _capitals = hand_features("Costs rose 11%?")
    assert numbers == quantity == question == 1.0
    assert hand_features("It is plausible that he knew.")[4] == 1.0  # hedge


def test_packaged_weights_fit_the_feature_layout():
    model = CheckworthinessModel.packaged()
    layers = np.zeros((2, 7, 384), dtype=np.float32)
    features = model.features(layers, ["One.", "Two words."])
    assert features.shape[1] == model.coef.shape[0] == model.mean.shape[0]
    assert np.all(model.probability(layers, ["One.", "Two words."]) >= 0)


def test_hedged_judgements_are_scored_down():
    model = CheckworthinessModel.packaged()
    layers = np.zeros((2, 7, 384), dtype=np.float32)
    texts = ["The agency knew about the leak.", "It is plausible that the agency knew about it."]
    raw = model.probability(layers, texts)
    plain, hedged = score_claims(layers, texts)
    assert plain == pytest.approx(raw[0], abs=1e-3)
    assert hedged == pytest.approx(raw[1] * HEDGE_FACTOR, abs=1e-3)
