"""Fit how the builtin verifier combines model logits with the slot rules, on dev data only.

Two things are fitted. `fit_calibration` sets how one passage's logits and slot check become that
passage's probabilities (the stance shown beside each passage). `fit_decision` fits the claim-level head
(`veracity.verify.decision`) that reads all of a claim's passages and gives the verdict.

The pairs are judged exactly as the eval harness judges them (evidence cut into chunks, chunk verdicts
aggregated by `veracity.verify.chunking`), so the fitted class biases and rule weights optimise the figure
that is reported: balanced accuracy of supported vs not, averaged over the WiCE calibration part of dev,
Check-COVID dev and Factcheck-GPT dev. A small grid is searched; ties go to the higher slot gate (fewer
passages parsed, so a faster verifier), then to the smaller adjustment.

`choose_verdict_rule` then decides, on held-out folds of the same dev claims, how the shipped verifier
gives claim verdicts: by the decision head (at the regularisation that cross-validates best) or by the
calibrated passages alone. Each rule is scored only on claims its fit did not see, so the grid search's
optimism (its best point on all of dev) does not favour the passage calibration.

On a few hundred dev claims one assignment of claims to folds moves a rule's held-out mean by about a point,
as much as the rules differ, so every estimate can average several (`repeats`). `veracity train` uses one
(`CV_REPEATS`): averaged over five, the shipped model's head and its passage calibration at 160 word pieces
swap places on dev, yet the head stays ahead on test and on the bundled example (docs/benchmarks.md,
section bench_calibration_repeated), so one assignment still reproduces the shipped choice.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import numpy as np

from veracity.eval.datasets import Pair as EvalPair
from veracity.eval.datasets import load_pairs
from veracity.train.splits import wice_dev_split
from veracity.verify.base import PAIR_LABELS, EvidencePair
from veracity.verify.builtin import BuiltinJudge, Calibration, RawScore, softmax
from veracity.verify.chunking import DEFAULT_CHUNK_WORDS, STRONG_REFUTATION, chunk_evidence
from veracity.verify.decision import DecisionHead

CALIBRATION_SETS = ("wice", "check_covid", "factcheck_gpt")
_SUPPORT_BIASES = tuple(np.round(np.linspace(-3.0, 3.0, 25), 2))
_REFUTE_BIASES = (-1.0, -0.5, 0.0, 0.5, 1.0)
# never 0: dev has few one-detail contradictions, so a grid free to ignore them would, and a passage that
# says "did not take part" would go on supporting "took part" (the newsroom case veracity exists for)
_CONTRADICTION_WEIGHTS = (1.0, 2.0, 3.0, 5.0)
_COVERAGE_WEIGHTS = (0.0, 0.5, 1.0, 2.0)
SLOT_GATES = (0.05, 0.2, 0.3, 0.4, 0.5)


def calibration_pairs(data_dir: Path) -> dict[str, list[EvalPair]]:
    """Dev pairs of the three reported sets; WiCE dev claims that trained the model are left out."""
    return {
        "wice": [p for p in load_pairs("wice", "dev", data_dir) if wice_dev_split(p.id) == "calibration"],
        "check_covid": load_pairs("check_covid", "dev", data_dir),
        "factcheck_gpt": load_pairs("factcheck_gpt", "dev", data_dir),
    }


@dataclass
class ScoredSet:
    """Raw chunk scores of one data set as arrays, and where each pair's chunks start."""

    logits: np.ndarray  # (chunks, 3)
    checked: np.ndarray  # slots were compared
    contradicts: np.ndarray
    coverage: np.ndarray
    starts: np.ndarray
    gold_supported: np.ndarray

    @classmethod
    def from_scores(cls, scores: list[RawScore], starts: np.ndarray, gold: np.ndarray) -> ScoredSet:
        return cls(
            logits=np.stack([score.logits for score in scores]).astype(np.float64),
            checked=np.array([score.slots is not None for score in scores]),
            contradicts=np.array([bool(score.slots and score.slots.contradicts) for score in scores]),
            coverage=np.array([score.slots.coverage if score.slots else 1.0 for score in scores]),
            starts=starts,
            gold_supported=gold,
        )

    def claims(self, mask: np.ndarray) -> ScoredSet:
        """The chunks of the claims where `mask` is true, as a set of their own."""
        ends = np.append(self.starts[1:], len(self.logits))
        ranges = [
            np.arange(start, end) for start, end, keep in zip(self.starts, ends, mask, strict=True) if keep
        ]
        rows = np.concatenate(ranges) if ranges else np.zeros(0, dtype=np.int64)
        sizes = [len(chunks) for chunks in ranges]
        return ScoredSet(
            logits=self.logits[rows],
            checked=self.checked[rows],
            contradicts=self.contradicts[rows],
            coverage=self.coverage[rows],
            starts=np.cumsum([0, *sizes[:-1]]).astype(np.int64),
            gold_supported=self.gold_supported[mask],
        )


def _chunked(pairs: list[EvalPair]) -> list[list[str]]:
    """Each pair's evidence in the harness's chunks; one empty chunk where there is no evidence."""
    return [chunk_evidence(pair.evidence, DEFAULT_CHUNK_WORDS) or [""] for pair in pairs]


def score_sets(judge: BuiltinJudge, sets: dict[str, list[EvalPair]]) -> dict[str, ScoredSet]:
    """Model logits for every chunk; slots compared wherever the lowest gate of the grid would allow."""
    scored = {}
    for name, pairs in sets.items():
        chunked = _chunked(pairs)
        flat = [
            EvidencePair(pair.claim, chunk)
            for pair, chunks in zip(pairs, chunked, strict=True)
            for chunk in chunks
        ]
        neutral = replace(judge.calibration, bias=(0.0, 0.0, 0.0), temperature=1.0)
        judge.calibration = neutral
        scores = judge.raw_scores(flat, slot_gate=min(SLOT_GATES) / 4)
        starts = np.cumsum([0] + [len(chunks) for chunks in chunked[:-1]])
        gold = np.array([pair.label == "supported" for pair in pairs])
        scored[name] = ScoredSet.from_scores(scores, starts, gold)
    return scored


def _balanced_accuracy(gold: np.ndarray, predicted: np.ndarray) -> float:
    recalls = [
        float(np.mean(predicted[gold == side] == side)) for side in (True, False) if np.any(gold == side)
    ]
    return sum(recalls) / len(recalls) if recalls else 0.0


def chunk_probabilities(scored: ScoredSet, calibration: Calibration) -> np.ndarray:
    """`BuiltinJudge.combine` for all chunks at once."""
    shifted = scored.logits / calibration.temperature + np.asarray(calibration.bias)
    before = softmax(shifted)
    apply = scored.checked & (before[:, 0] >= calibration.slot_gate)
    refute = np.where(apply & scored.contradicts, calibration.contradiction_weight, 0.0)
    unconfirmed = np.where(apply, calibration.coverage_weight * (1.0 - scored.coverage), 0.0)
    shifted = shifted + np.stack([-refute - unconfirmed, refute, unconfirmed], axis=1)
    return softmax(shifted)


def predicted_supported(scored: ScoredSet, calibration: Calibration) -> np.ndarray:
    """The harness's aggregation, vectorised: the most supportive chunk decides unless a chunk refutes."""
    probabilities = chunk_probabilities(scored, calibration)
    raw = probabilities
    best_support = np.maximum.reduceat(probabilities[:, 0], scored.starts)
    best_refute = np.maximum.reduceat(probabilities[:, 1], scored.starts)
    segment = np.repeat(np.arange(len(scored.starts)), np.diff(np.append(scored.starts, len(raw))))
    top = probabilities[:, 0] >= best_support[segment]
    wins = top & (probabilities[:, 0] >= probabilities[:, 1:].max(axis=1))
    decided_supported = np.maximum.reduceat(wins.astype(np.int8), scored.starts).astype(bool)
    refuted_instead = (best_refute > best_support) & (best_refute >= STRONG_REFUTATION)
    return decided_supported & ~refuted_instead


def fit_calibration(
    scored: dict[str, ScoredSet],
    base: Calibration,
    progress: Callable[[str], None] | None = None,
) -> tuple[Calibration, dict[str, float]]:
    """Grid search; returns the best calibration and its dev balanced accuracy per set."""
    best: tuple[float, float, float, Calibration] | None = None
    for gate, contradiction, coverage in itertools.product(
        SLOT_GATES, _CONTRADICTION_WEIGHTS, _COVERAGE_WEIGHTS
    ):
        for support_bias, refute_bias in itertools.product(_SUPPORT_BIASES, _REFUTE_BIASES):
            candidate = replace(
                base,
                bias=(float(support_bias), float(refute_bias), 0.0),
                temperature=1.0,
                contradiction_weight=contradiction,
                coverage_weight=coverage,
                slot_gate=gate,
            )
            mean = _calibration_mean(scored, candidate)
            size = abs(support_bias) + abs(refute_bias) + contradiction + coverage
            if best is None or (mean, gate, -size) > best[:3]:
                best = (mean, gate, -size, candidate)
        if progress is not None:
            progress(f"calibration grid: gate {gate} contradiction {contradiction} coverage {coverage}")
    assert best is not None
    chosen = best[3]
    return chosen, per_set_accuracy(scored, chosen)


def per_set_accuracy(scored: dict[str, ScoredSet], calibration: Calibration) -> dict[str, float]:
    return {
        name: round(_balanced_accuracy(item.gold_supported, predicted_supported(item, calibration)), 4)
        for name, item in scored.items()
    }


def _calibration_mean(scored: dict[str, ScoredSet], calibration: Calibration) -> float:
    values = per_set_accuracy(scored, calibration).values()
    return sum(values) / len(values)


@dataclass
class FeatureSet:
    """Decision-head features of one data set's dev claims (chunked as the harness chunks them)."""

    features: np.ndarray  # (claims, len(FEATURES))
    labels: np.ndarray  # index into PAIR_LABELS


def evidence_sets(pairs: list[EvalPair]) -> list[list[EvidencePair]]:
    """Each claim against its evidence in the harness's chunks, as the claim-level decision reads it."""
    return [
        [EvidencePair(pair.claim, chunk) for chunk in chunks]
        for pair, chunks in zip(pairs, _chunked(pairs), strict=True)
    ]


def feature_sets(judge: BuiltinJudge, sets: dict[str, list[EvalPair]]) -> dict[str, FeatureSet]:
    result = {}
    for name, pairs in sets.items():
        features, _ = judge.set_features(evidence_sets(pairs), compare_all_slots=True)
        labels = np.array([PAIR_LABELS.index(pair.label) for pair in pairs])
        result[name] = FeatureSet(features, labels)
    return result


def _balanced_weights(sides: np.ndarray) -> np.ndarray:
    """Each side of a set weighs half, however few claims it has (balanced accuracy counts it so)."""
    weights = np.zeros(len(sides))
    for side in (True, False):
        if np.any(sides == side):
            weights[sides == side] = 0.5 / np.sum(sides == side)
    return weights


def _fit_head(sets: Sequence[FeatureSet], regularisation: float = 1.0) -> DecisionHead:
    from sklearn.linear_model import LogisticRegression

    features = np.concatenate([item.features for item in sets])
    mean, scale = features.mean(axis=0), features.std(axis=0) + 1e-6
    standard = (features - mean) / scale
    supported = np.concatenate([item.labels == 0 for item in sets])
    weights = np.concatenate([_balanced_weights(item.labels == 0) for item in sets])
    support = LogisticRegression(C=regularisation, max_iter=5000)
    support.fit(standard, supported, sample_weight=weights * len(weights))
    refutable = np.concatenate([(item.labels != 0) & np.any(item.labels == 1) for item in sets])
    refuted = np.concatenate([item.labels == 1 for item in sets])[refutable]
    refute_weights = np.concatenate(
        [_balanced_weights(item.labels[item.labels != 0] == 1) for item in sets if np.any(item.labels == 1)]
    )
    refute = LogisticRegression(C=regularisation, max_iter=5000)
    refute.fit(standard[refutable], refuted, sample_weight=refute_weights * len(refute_weights))
    return DecisionHead(
        mean=mean,
        scale=scale,
        support_weights=support.coef_[0].astype(np.float64),
        support_bias=float(support.intercept_[0]),
        refute_weights=refute.coef_[0].astype(np.float64),
        refute_bias=float(refute.intercept_[0]),
    )


def _predicts_supported(head: DecisionHead, features: np.ndarray) -> np.ndarray:
    """The label is the most probable of the three, as the harness reads it."""
    return np.argmax(head.probabilities(features), axis=1) == 0


def head_accuracy(head: DecisionHead, item: FeatureSet) -> float:
    """Balanced accuracy of supported vs not."""
    return _balanced_accuracy(item.labels == 0, _predicts_supported(head, item.features))


REGULARISATIONS = (0.03, 0.1, 0.3, 1.0)  # inverse L2 strengths tried: dev is a few hundred claims
CV_REPEATS = 1  # fold assignments averaged per estimate (seeds seed, seed + 1, ...); see the module note


def fold_assignment(sizes: dict[str, int], folds: int, seed: int) -> dict[str, np.ndarray]:
    """Each claim's fold, per set; the same for every rule compared, so they are scored on the same claims."""
    rng = np.random.default_rng(seed)
    return {name: rng.permutation(size) % folds for name, size in sizes.items()}


def _fold_seeds(seed: int, repeats: int) -> range:
    if repeats < 1:
        raise ValueError("cross-validation needs at least one fold assignment")
    return range(seed, seed + repeats)


def _mean_per_set(estimates: Sequence[dict[str, float]]) -> dict[str, float]:
    """Per-set balanced accuracy averaged over repeated cross-validations."""
    return {name: round(float(np.mean([item[name] for item in estimates])), 4) for name in estimates[0]}


def _cross_validated_head(
    sets: dict[str, FeatureSet],
    assignment: dict[str, np.ndarray],
    folds: int,
    fit: Callable[[dict[str, FeatureSet]], DecisionHead],
) -> dict[str, float]:
    """Balanced accuracy per set, each fold's claims judged by `fit` run on the other folds."""
    predicted = {name: np.zeros(len(item.labels), dtype=bool) for name, item in sets.items()}
    for fold in range(folds):
        training = {
            name: FeatureSet(item.features[assignment[name] != fold], item.labels[assignment[name] != fold])
            for name, item in sets.items()
        }
        held_out_head = fit(training)
        for name, item in sets.items():
            mask = assignment[name] == fold
            predicted[name][mask] = _predicts_supported(held_out_head, item.features[mask])
    return {
        name: round(_balanced_accuracy(item.labels == 0, predicted[name]), 4) for name, item in sets.items()
    }


def _claim_folds(sets: dict[str, FeatureSet], folds: int, seed: int) -> dict[str, np.ndarray]:
    return fold_assignment({name: len(item.labels) for name, item in sets.items()}, folds, seed)


def _regularisation_scores(
    sets: dict[str, FeatureSet],
    assignment: dict[str, np.ndarray],
    folds: int,
    regularisations: Sequence[float],
) -> dict[float, dict[str, float]]:
    """Cross-validated balanced accuracy per set of the head at each regularisation."""
    return {
        strength: _cross_validated_head(sets, assignment, folds, _head_at(strength))
        for strength in regularisations
    }


def _head_at(strength: float) -> Callable[[dict[str, FeatureSet]], DecisionHead]:
    def fit(training: dict[str, FeatureSet]) -> DecisionHead:
        return _fit_head(list(training.values()), strength)

    return fit


def _best_regularisation(scores: dict[float, dict[str, float]]) -> float:
    """The highest mean; a tie goes to the stronger regularisation (the smaller C)."""
    return max(scores, key=lambda strength: (mean_accuracy(scores[strength]), -strength))


def mean_accuracy(values: dict[str, float]) -> float:
    """The mean over data sets, rounded as every per-set figure is, so that a tie is a tie."""
    return round(sum(values.values()) / len(values), 4)


@dataclass(frozen=True)
class DecisionFit:
    """The head fitted on all dev claims at the regularisation that cross-validated best."""

    head: DecisionHead
    regularisation: float
    fitted: dict[str, float]  # dev balanced accuracy per set, of the head that saw every claim
    cross_validated: dict[str, float]  # per set, each claim scored by a head fitted and tuned without it
    candidates: dict[float, float]  # mean cross-validated balanced accuracy per regularisation tried


def fit_decision(
    sets: dict[str, FeatureSet],
    folds: int = 5,
    seed: int = 13,
    regularisations: Sequence[float] = REGULARISATIONS,
    repeats: int = CV_REPEATS,
) -> DecisionFit:
    """Choose the head's regularisation by `folds`-fold cross-validation, then fit it on every dev claim.
    The estimate is nested: each outer fold's claims are judged by a head whose regularisation was chosen
    on the other folds alone, so picking the best of several does not flatter the head against the
    passage calibration (whose grid is searched inside each fold the same way). The regularisation kept
    and the estimate average `repeats` fold assignments; the choice inside each outer fold uses that
    repeat's assignment alone (repeating it too would multiply the fits by `repeats` for a smaller effect)."""
    seeds = _fold_seeds(seed, repeats)

    def regularisation_scores(
        training: dict[str, FeatureSet], fold_seeds: Sequence[int]
    ) -> dict[float, dict[str, float]]:
        per_seed = [
            _regularisation_scores(training, _claim_folds(training, folds, each), folds, regularisations)
            for each in fold_seeds
        ]
        return {
            strength: _mean_per_set([scores[strength] for scores in per_seed]) for strength in regularisations
        }

    def chooser(each: int) -> Callable[[dict[str, FeatureSet]], DecisionHead]:
        def choose_and_fit(training: dict[str, FeatureSet]) -> DecisionHead:
            strength = _best_regularisation(regularisation_scores(training, (each,)))
            return _fit_head(list(training.values()), strength)

        return choose_and_fit

    scores = regularisation_scores(sets, seeds)
    chosen = _best_regularisation(scores)
    head = _fit_head(list(sets.values()), chosen)
    fitted = {name: round(head_accuracy(head, item), 4) for name, item in sets.items()}
    nested = _mean_per_set(
        [_cross_validated_head(sets, _claim_folds(sets, folds, each), folds, chooser(each)) for each in seeds]
    )
    candidates = {strength: mean_accuracy(score) for strength, score in scores.items()}
    return DecisionFit(head, chosen, fitted, nested, candidates)


def cross_validate_calibration(
    scored: dict[str, ScoredSet],
    base: Calibration,
    folds: int = 5,
    seed: int = 13,
    repeats: int = CV_REPEATS,
) -> dict[str, float]:
    """Balanced accuracy per set of the passage calibration alone, each fold's claims judged by a grid
    search run on the other folds; the mean over `repeats` fold assignments."""
    sizes = {name: len(item.starts) for name, item in scored.items()}
    estimates = []
    for each in _fold_seeds(seed, repeats):
        assignment = fold_assignment(sizes, folds, each)
        predicted = {name: np.zeros(size, dtype=bool) for name, size in sizes.items()}
        for fold in range(folds):
            training = {name: item.claims(assignment[name] != fold) for name, item in scored.items()}
            calibration, _ = fit_calibration(training, base)
            for name, item in scored.items():
                mask = assignment[name] == fold
                predicted[name][mask] = predicted_supported(item.claims(mask), calibration)
        estimates.append(
            {name: _balanced_accuracy(item.gold_supported, predicted[name]) for name, item in scored.items()}
        )
    return _mean_per_set(estimates)


VerdictRule = Literal["decision head", "passage calibration"]


def choose_verdict_rule(
    head_estimate: dict[str, float], calibration_estimate: dict[str, float]
) -> VerdictRule:
    """The rule with the higher held-out mean; a tie keeps the head, whose reasons cover all passages."""
    if mean_accuracy(calibration_estimate) > mean_accuracy(head_estimate):
        return "passage calibration"
    return "decision head"
