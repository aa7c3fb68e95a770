"""The claim-level decision head: its features, its probabilities and its file."""

from __future__ import annotations

import json

import numpy as np
import pytest

from veracity.errors import ConfigError
from veracity.verify.base import PAIR_LABELS
from veracity.verify.decision import FEATURES, DecisionHead, coverage, feature_vector, log_odds


def head(support_weight: float = 1.0) -> DecisionHead:
    size = len(FEATURES)
    weights = np.zeros(size)
    weights[FEATURES.index("word_coverage")] = support_weight
    return DecisionHead(
        mean=np.zeros(size),
        scale=np.ones(size),
        support_weights=weights,
        support_bias=0.0,
        refute_weights=np.zeros(size),
        refute_bias=0.0,
    )


def test_coverage_counts_words_names_and_numbers_the_evidence_lacks() -> None:
    found = coverage(
        "The strike on the Al-Mawasi school killed 92 people.",
        ["An Israeli strike on the al-Tabi'in school in Gaza City killed about 93 people."],
    )
    assert 0.5 < found.words < 1.0  # "strike", "school", "killed", "people" are there; "mawasi", "92" not
    assert found.numbers == 0.0
    assert found.names == 0.5  # "Al" is in "al-Tabi'in", "Mawasi" nowhere


def test_coverage_of_a_claim_without_numbers_or_names_is_complete_on_those() -> None:
    found = coverage("prices rose", ["prices rose sharply"])
    assert (found.words, found.numbers, found.names, found.bigrams) == (1.0, 1.0, 1.0, 1.0)


def test_stems_match_inflected_forms_that_words_miss() -> None:
    found = coverage("Officials confirmed the killings.", ["The official confirms the killing."])
    assert found.stems > found.words


def test_log_odds_of_equal_logits() -> None:
    assert log_odds(np.zeros(3), 0) == pytest.approx(np.log(1 / 3) - np.log(2 / 3))


def test_feature_vector_follows_the_feature_order() -> None:
    logits = np.array([[3.0, 0.0, 0.0], [0.0, 2.0, 0.0]])
    values = feature_vector(logits, np.array([1.0, 0.0, 0.0]), 0.5, True, coverage("a b", ["a"]))
    assert values.shape == (len(FEATURES),)
    assert values[FEATURES.index("support_max")] == pytest.approx(log_odds(logits[0], 0))
    assert values[FEATURES.index("slot_contradiction")] == 1.0
    assert values[FEATURES.index("passages")] == pytest.approx(np.log(2))


def test_probabilities_sum_to_one_and_follow_the_weights() -> None:
    features = np.zeros((2, len(FEATURES)))
    features[1, FEATURES.index("word_coverage")] = 3.0
    probabilities = head().probabilities(features)
    assert probabilities.sum(axis=1) == pytest.approx([1.0, 1.0])
    assert probabilities[1, 0] > probabilities[0, 0]


def test_round_trip_through_its_file(tmp_path) -> None:
    path = tmp_path / "decision.json"
    head(2.0).save(path, dev_balanced_accuracy={"wice": 0.7})
    loaded = DecisionHead.load(path)
    assert loaded is not None
    assert loaded.support_weights.tolist() == head(2.0).support_weights.tolist()
    assert DecisionHead.load(tmp_path / "absent.json") is None


def test_a_head_fitted_on_other_features_is_refused(tmp_path) -> None:
    path = tmp_path / "decision.json"
    values = head().to_dict()
    values["features"] = ["something_else"]
    path.write_text(json.dumps(values), encoding="utf-8")
    with pytest.raises(ConfigError, match="other features"):
        DecisionHead.load(path)
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError, match="not a valid decision head"):
        DecisionHead.load(path)


def fitted_like_head(seed: int) -> DecisionHead:
    rng = np.random.default_rng(seed)
    size = len(FEATURES)
    return DecisionHead(
        mean=rng.normal(size=size),
        scale=rng.uniform(0.5, 2.0, size=size),
        support_weights=rng.normal(scale=1.5, size=size),
        support_bias=float(rng.normal()),
        refute_weights=rng.normal(scale=1.5, size=size),
        refute_bias=float(rng.normal()),
    )


def labels_of(head: DecisionHead, features: np.ndarray) -> np.ndarray:
    return np.argmax(head.probabilities(features), axis=1)


@pytest.mark.parametrize("seed", range(5))
def test_a_claim_surely_neutral_stays_not_enough_evidence_whatever_the_slots_say(seed) -> None:
    head = fitted_like_head(seed)
    rng = np.random.default_rng(100 + seed)
    coverage_column = FEATURES.index("slot_coverage")
    contradiction_column = FEATURES.index("slot_contradiction")
    features = rng.normal(size=(400, len(FEATURES)))
    features[:, coverage_column] = rng.uniform(size=400)
    features[:, contradiction_column] = rng.integers(0, 2, size=400)
    neutral = head.surely_neutral(features)
    assert 0 < neutral.sum() < len(features)  # the test exercises both outcomes
    for coverage_value in np.linspace(0.0, 1.0, 11):
        for contradiction in (0.0, 1.0):
            changed = features[neutral].copy()
            changed[:, coverage_column] = coverage_value
            changed[:, contradiction_column] = contradiction
            assert (labels_of(head, changed) == PAIR_LABELS.index("not_enough_evidence")).all()
