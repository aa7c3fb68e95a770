"""The vectorised aggregation used for calibration must agree with the eval harness's chunk rule."""

from __future__ import annotations

import numpy as np
import pytest

from veracity.train.calibrate import (
    REGULARISATIONS,
    SLOT_GATES,
    FeatureSet,
    ScoredSet,
    choose_verdict_rule,
    chunk_probabilities,
    cross_validate_calibration,
    fit_calibration,
    fit_decision,
    mean_accuracy,
    predicted_supported,
)
from veracity.verify.base import PAIR_LABELS
from veracity.verify.builtin import Calibration
from veracity.verify.chunking import aggregate_chunks, predicted_label
from veracity.verify.decision import FEATURES


def random_set(seed: int, pairs: int = 60) -> ScoredSet:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 6, size=pairs)
    chunks = int(sizes.sum())
    return ScoredSet(
        logits=rng.normal(scale=2.0, size=(chunks, 3)),
        checked=rng.random(chunks) < 0.6,
        contradicts=rng.random(chunks) < 0.3,
        coverage=rng.random(chunks),
        starts=np.concatenate([[0], np.cumsum(sizes)[:-1]]),
        gold_supported=rng.random(pairs) < 0.5,
    )


def test_vectorised_aggregation_matches_the_harness() -> None:
    calibration = Calibration(
        bias=(0.5, -0.5, 0.0), contradiction_weight=2.0, coverage_weight=1.0, slot_gate=0.2
    )
    for seed in range(5):
        scored = random_set(seed)
        probabilities = chunk_probabilities(scored, calibration)
        ends = [*scored.starts[1:].tolist(), len(probabilities)]
        expected = []
        for start, end in zip(scored.starts, ends, strict=True):
            rows = [dict(zip(PAIR_LABELS, map(float, row), strict=True)) for row in probabilities[start:end]]
            expected.append(predicted_label(aggregate_chunks(rows)[0]) == "supported")
        assert predicted_supported(scored, calibration).tolist() == expected


def test_slot_contradiction_moves_mass_from_supported_to_refuted() -> None:
    scored = ScoredSet(
        logits=np.array([[2.0, 0.0, 0.0], [2.0, 0.0, 0.0]]),
        checked=np.array([True, True]),
        contradicts=np.array([False, True]),
        coverage=np.array([1.0, 1.0]),
        starts=np.array([0, 1]),
        gold_supported=np.array([True, False]),
    )
    probabilities = chunk_probabilities(scored, Calibration(contradiction_weight=3.0))
    assert probabilities[1, 0] < probabilities[0, 0]
    assert probabilities[1, 1] > probabilities[0, 1]


def test_fit_calibration_improves_on_an_uncalibrated_model() -> None:
    rng = np.random.default_rng(7)
    gold = rng.random(200) < 0.3
    logits = rng.normal(size=(200, 3))
    logits[:, 0] += np.where(gold, 1.0, 0.0) - 1.5  # informative but biased against "supported"
    scored = ScoredSet(logits, np.zeros(200, bool), np.zeros(200, bool), np.ones(200), np.arange(200), gold)
    neutral = Calibration(contradiction_weight=0.0, coverage_weight=0.0)
    fitted, accuracy = fit_calibration({"synthetic": scored}, neutral)
    before = predicted_supported(scored, neutral)
    recall = [float(np.mean(before[gold == side] == side)) for side in (True, False)]
    assert accuracy["synthetic"] > sum(recall) / 2
    assert fitted.bias[0] > 0


def test_equal_accuracy_prefers_the_higher_slot_gate() -> None:
    """Slots never checked: every gate scores the same, so the cheapest (highest) gate must win."""
    rng = np.random.default_rng(3)
    gold = rng.random(120) < 0.4
    logits = rng.normal(size=(120, 3))
    logits[:, 0] += np.where(gold, 1.5, 0.0)
    scored = ScoredSet(logits, np.zeros(120, bool), np.zeros(120, bool), np.ones(120), np.arange(120), gold)
    fitted, _ = fit_calibration({"synthetic": scored}, Calibration())
    assert fitted.slot_gate == max(SLOT_GATES)
    assert fitted.coverage_weight == 0.0
    assert fitted.contradiction_weight == 1.0  # the smallest weight there is: a contradiction always counts


def feature_set(seed: int, claims: int = 160, informative: bool = True) -> FeatureSet:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, size=claims)
    features = rng.normal(size=(claims, len(FEATURES)))
    if informative:
        features[:, FEATURES.index("word_coverage")] += np.where(labels == 0, 1.5, 0.0)
        features[:, FEATURES.index("refute_max")] += np.where(labels == 1, 1.5, 0.0)
    return FeatureSet(features, labels)


def test_decision_head_learns_informative_features_and_reports_a_held_out_estimate() -> None:
    pytest.importorskip("sklearn")
    sets = {"a": feature_set(1), "b": feature_set(2)}
    fit = fit_decision(sets)
    head = fit.head
    assert set(fit.fitted) == set(fit.cross_validated) == {"a", "b"}
    assert all(value > 0.7 for value in fit.cross_validated.values())
    assert set(fit.candidates) == set(REGULARISATIONS)
    assert fit.candidates[fit.regularisation] == max(fit.candidates.values())
    assert head.support_weights[FEATURES.index("word_coverage")] > 0
    assert head.refute_weights[FEATURES.index("refute_max")] > 0
    probabilities = head.probabilities(sets["a"].features)
    assert probabilities.sum(axis=1) == pytest.approx(np.ones(len(probabilities)))


def test_decision_head_on_noise_is_near_chance_when_cross_validated() -> None:
    pytest.importorskip("sklearn")
    sets = {"noise": feature_set(5, claims=300, informative=False)}
    fit = fit_decision(sets)
    assert fit.cross_validated["noise"] < 0.62
    assert fit.fitted["noise"] >= fit.cross_validated["noise"] - 0.05


def test_the_nested_estimate_is_plain_cross_validation_where_one_strength_is_tried() -> None:
    pytest.importorskip("sklearn")
    sets = {"a": feature_set(1), "b": feature_set(2, informative=False)}
    single = fit_decision(sets, regularisations=(0.3,))
    assert single.regularisation == 0.3
    assert mean_accuracy(single.cross_validated) == single.candidates[0.3]


def test_a_set_without_refuted_claims_still_fits_the_support_head() -> None:
    pytest.importorskip("sklearn")
    only_two = feature_set(3)
    only_two.labels[only_two.labels == 1] = 2
    head = fit_decision({"wice-like": only_two, "other": feature_set(4)}).head
    assert np.isfinite(head.refute_weights).all()


def test_claims_keeps_each_chosen_claim_with_all_its_chunks() -> None:
    scored = random_set(7, pairs=10)
    mask = np.arange(10) % 3 == 0
    part = scored.claims(mask)
    ends = [*scored.starts[1:].tolist(), len(scored.logits)]
    expected = np.concatenate(
        [scored.logits[start:end] for start, end, keep in zip(scored.starts, ends, mask, strict=True) if keep]
    )
    assert np.array_equal(part.logits, expected)
    assert part.gold_supported.tolist() == scored.gold_supported[mask].tolist()
    assert len(part.starts) == int(mask.sum())
    calibration = Calibration()
    assert predicted_supported(part, calibration).tolist() == (
        predicted_supported(scored, calibration)[mask].tolist()
    )


def informative_scored_set(seed: int, pairs: int = 120) -> ScoredSet:
    """Chunks whose supported logit is raised for supported claims, under a shift a bias must undo."""
    scored = random_set(seed, pairs)
    sizes = np.diff([*scored.starts.tolist(), len(scored.logits)])
    gold = np.repeat(scored.gold_supported, sizes)
    scored.logits[:, 0] += np.where(gold, 4.0, 0.0) - 3.0
    return scored


def test_cross_validated_calibration_beats_chance_on_signal_and_not_on_noise() -> None:
    signal = cross_validate_calibration({"signal": informative_scored_set(1)}, Calibration())
    noise = cross_validate_calibration({"noise": random_set(2, pairs=120)}, Calibration())
    assert signal["signal"] > 0.7
    assert noise["noise"] < 0.62


def test_the_verdict_rule_follows_the_higher_held_out_mean() -> None:
    head = {"a": 0.70, "b": 0.60}
    assert choose_verdict_rule(head, {"a": 0.66, "b": 0.66}) == "passage calibration"
    assert choose_verdict_rule(head, {"a": 0.64, "b": 0.64}) == "decision head"
    assert choose_verdict_rule(head, {"a": 0.65, "b": 0.65}) == "decision head"  # a tie keeps the head


def test_repeated_cross_validation_is_the_mean_over_fold_assignments() -> None:
    pytest.importorskip("sklearn")
    sets = {"a": feature_set(1), "b": feature_set(2, informative=False)}
    single = [
        fit_decision(sets, seed=seed, regularisations=(0.3,), repeats=1).cross_validated for seed in (13, 14)
    ]
    repeated = fit_decision(sets, seed=13, regularisations=(0.3,), repeats=2).cross_validated
    assert single[0] != single[1]  # the assignments differ, so the mean is not one of them
    for name in sets:
        assert repeated[name] == pytest.approx((single[0][name] + single[1][name]) / 2, abs=1e-4)
    scored = {"noise": random_set(3, pairs=40)}
    passages = [cross_validate_calibration(scored, Calibration(), seed=seed, repeats=1) for seed in (13, 14)]
    both = cross_validate_calibration(scored, Calibration(), seed=13, repeats=2)
    assert both["noise"] == pytest.approx((passages[0]["noise"] + passages[1]["noise"]) / 2, abs=1e-4)


def test_cross_validation_needs_one_fold_assignment() -> None:
    with pytest.raises(ValueError, match="at least one"):
        cross_validate_calibration({"noise": random_set(3, pairs=20)}, Calibration(), repeats=0)
