"""`veracity train`: build pairs, fine-tune, export to int8 ONNX, calibrate on dev, write a summary."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from veracity.train.evidence import EVIDENCE_WORDS
from veracity.train.trainer import FitResult, TrainConfig, build_training_pairs, fit

if TYPE_CHECKING:
    from veracity.eval.datasets import Pair as EvalPair
    from veracity.resources import Resources
    from veracity.train.calibrate import DecisionFit, VerdictRule
    from veracity.verify.builtin import Calibration

log = logging.getLogger(__name__)


@dataclass
class TrainResult:
    out_dir: Path
    model_path: Path  # the int8 ONNX file
    fit: FitResult
    calibration: CalibrationResult
    model_megabytes: float

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        for key in ("out_dir", "model_path"):
            data[key] = str(data[key])
        data["fit"]["model_dir"] = str(self.fit.model_dir)
        data["calibration"]["calibration_path"] = str(self.calibration.calibration_path)
        return data


def train_model(
    data_dir: Path,
    out_dir: Path,
    seed: int = 13,
    max_minutes: float = 60.0,
    *,
    config: TrainConfig | None = None,
    base_model: Path | None = None,
    cv_repeats: int | None = None,
    teacher: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> TrainResult:
    """Reproduce the shipped verifier into `out_dir` (verifier-int8.onnx, tokenizer.json, calibration.json,
    decision.json).

    `max_minutes` bounds the fine-tuning loop; building pairs, export and calibration add a few minutes.
    An interrupted run resumes from `out_dir/checkpoint.pt`. The fine-tuned weights stay in `out_dir/hf`,
    so a second round can start from them (`base_model`, usually with a lower learning rate). `cv_repeats`
    goes to `calibrate` (None: its default). `teacher`, a model folder, is distilled into the network (`fit`).
    To ship the result, copy the four files into `src/veracity/models/`.
    """
    report = progress or log.info
    settings = replace(config or TrainConfig(), seed=seed, max_minutes=max_minutes)
    out_dir.mkdir(parents=True, exist_ok=True)
    report("building training pairs")
    pairs = build_training_pairs(data_dir, settings)
    report(f"fine-tuning on {len(pairs)} pairs for at most {max_minutes:g} minutes")
    fitted = fit(pairs, out_dir, settings, base_model=base_model, progress=report, teacher=teacher)
    report(
        f"exporting to int8 ONNX after {fitted.steps}/{fitted.planned_steps} steps, then calibrating on dev"
    )
    model_path = export_model(fitted.model_dir, out_dir)
    calibrated = calibrate(out_dir, data_dir, seed=seed, repeats=cv_repeats, progress=report)
    result = TrainResult(
        out_dir=out_dir,
        model_path=model_path,
        fit=fitted,
        calibration=calibrated,
        model_megabytes=round(model_path.stat().st_size / 2**20, 2),
    )
    (out_dir / "training.json").write_text(json.dumps(result.to_dict(), indent=2) + "\n", encoding="utf-8")
    return result


def export_model(model_dir: Path, out_dir: Path) -> Path:
    """The fine-tuned weights as int8 ONNX, with the tokenizer, in `out_dir`."""
    from veracity.train.export import export_quantized
    from veracity.verify.builtin import MODEL_FILE

    return export_quantized(model_dir, out_dir / MODEL_FILE)


@dataclass(frozen=True, order=True)
class ReadWindow:
    """How much of the evidence the verifier reads: the claim's best sentences up to `evidence_words` words,
    cut with the claim to `read_length` word pieces. Ordered cheapest first (fewer word pieces, then fewer
    words), which is how ties are broken."""

    read_length: int
    evidence_words: int = EVIDENCE_WORDS

    @classmethod
    def parse(cls, text: str) -> ReadWindow:
        """A window from "WORDS:LENGTH", as the command line gives it, e.g. "75:128"."""
        words, _, length = text.partition(":")
        if not (words.strip().isdigit() and length.strip().isdigit()):
            raise ValueError(f"a read window is WORDS:LENGTH, e.g. 90:160 (got {text!r})")
        window = cls(read_length=int(length), evidence_words=int(words))
        if not (10 <= window.evidence_words <= 400 and 32 <= window.read_length <= 512):
            raise ValueError(
                f"read window {text!r} is out of range: 10 to 400 evidence words, 32 to 512 word pieces"
            )
        return window


# the network was trained on 90-word windows, which a claim and its evidence fit into 128 word pieces
READ_WINDOWS = tuple(ReadWindow(length) for length in (128, 160, 192))


@dataclass
class CalibrationResult:
    """What `calibrate` fitted and how the verdict rule was chosen (all figures on dev, supported vs not)."""

    calibration_path: Path
    verdict_rule: VerdictRule  # "decision head" (decision.json written) or "passage calibration" (none)
    read_length: int  # word pieces of claim and evidence the model reads
    dev_balanced_accuracy: dict[str, float]  # the chosen rule fitted on every dev claim
    dev_cross_validated: dict[str, float]  # the chosen rule, each claim judged by a fit that did not see it
    head_regularisation: float
    candidates: dict[str, dict[str, float]]  # cross-validated balanced accuracy per `candidate_name`
    evidence_words: int = EVIDENCE_WORDS  # words of the claim's best evidence sentences read

    @property
    def window(self) -> ReadWindow:
        return ReadWindow(self.read_length, self.evidence_words)


def candidate_name(rule: VerdictRule, window: ReadWindow) -> str:
    """How calibration.json names a verdict rule at a read window, e.g. "decision head at 160" (the
    training window of 90 evidence words) or "decision head at 128, 75 evidence words"."""
    name = f"{rule} at {window.read_length}"
    if window.evidence_words != EVIDENCE_WORDS:
        name += f", {window.evidence_words} evidence words"
    return name


@dataclass
class FitAtWindow:
    """Both verdict rules fitted at one read window."""

    window: ReadWindow
    calibration: Calibration
    passage_accuracy: dict[str, float]
    calibration_estimate: dict[str, float]
    decision: DecisionFit


def calibrate(
    model_dir: Path,
    data_dir: Path,
    *,
    read_windows: Sequence[ReadWindow] = READ_WINDOWS,
    seed: int = 13,
    repeats: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> CalibrationResult:
    """Fit, on dev data, the per-passage calibration and the claim-level decision head of the int8 model in
    `model_dir` at each read window, and keep the window and verdict rule that cross-validate best (ties to
    the cheaper window and to the head). calibration.json is always written, since it gives each passage's
    stance; decision.json only where the head is the rule kept. Each held-out estimate averages `repeats`
    fold assignments (None: `calibrate.CV_REPEATS`)."""
    from veracity.resources import Resources
    from veracity.train.calibrate import CV_REPEATS, calibration_pairs, choose_verdict_rule, mean_accuracy
    from veracity.verify.builtin import CALIBRATION_FILE
    from veracity.verify.decision import DECISION_FILE

    if not read_windows:
        raise ValueError("calibration needs at least one read window")
    report = progress or log.info
    repeats = CV_REPEATS if repeats is None else repeats
    resources = Resources()
    sets = calibration_pairs(data_dir)
    fits = [
        _fit_at_window(model_dir, resources, sets, window, seed, repeats, report)
        for window in sorted(set(read_windows))
    ]
    candidates: dict[str, dict[str, float]] = {}
    best: tuple[float, FitAtWindow, VerdictRule] | None = None
    for fitted in fits:
        candidates[candidate_name("decision head", fitted.window)] = fitted.decision.cross_validated
        candidates[candidate_name("passage calibration", fitted.window)] = fitted.calibration_estimate
        rule = choose_verdict_rule(fitted.decision.cross_validated, fitted.calibration_estimate)
        mean = mean_accuracy(candidates[candidate_name(rule, fitted.window)])
        if best is None or mean > best[0]:
            best = (mean, fitted, rule)
    assert best is not None
    _, chosen, rule = best
    decision = chosen.decision
    calibration_path = model_dir / CALIBRATION_FILE
    chosen.calibration.save(
        calibration_path,
        dev_balanced_accuracy=chosen.passage_accuracy,
        dev_cross_validated=chosen.calibration_estimate,
        verdict_rule=rule,
        candidates=candidates,
        seed=seed,
        cv_repeats=repeats,
    )
    chosen_head = rule == "decision head"
    if chosen_head:
        decision.head.save(
            model_dir / DECISION_FILE,
            dev_balanced_accuracy=decision.fitted,
            dev_cross_validated=decision.cross_validated,
            regularisation=decision.regularisation,
            seed=seed,
            cv_repeats=repeats,
        )
    else:
        (model_dir / DECISION_FILE).unlink(missing_ok=True)
    return CalibrationResult(
        calibration_path=calibration_path,
        verdict_rule=rule,
        read_length=chosen.window.read_length,
        dev_balanced_accuracy=decision.fitted if chosen_head else chosen.passage_accuracy,
        dev_cross_validated=decision.cross_validated if chosen_head else chosen.calibration_estimate,
        head_regularisation=decision.regularisation,
        candidates=candidates,
        evidence_words=chosen.window.evidence_words,
    )


def _fit_at_window(
    model_dir: Path,
    resources: Resources,
    sets: dict[str, list[EvalPair]],
    window: ReadWindow,
    seed: int,
    repeats: int,
    report: Callable[[str], None],
) -> FitAtWindow:
    from veracity.train.calibrate import (
        cross_validate_calibration,
        feature_sets,
        fit_calibration,
        fit_decision,
        score_sets,
    )
    from veracity.verify.builtin import BuiltinJudge, Calibration

    length = window.read_length
    judge = BuiltinJudge(resources, model_dir=model_dir, max_length=length, calibrated=False)
    base = Calibration(max_length=length, max_words=window.evidence_words)
    judge.calibration = base
    where = f"reading {window.evidence_words} evidence words in {length} word pieces"
    report(f"{where}: calibrating passage probabilities on dev")
    scored = score_sets(judge, sets)
    calibration, passage_accuracy = fit_calibration(scored, base)
    report(f"{where}: cross-validating the passage calibration on dev folds")
    calibration_estimate = cross_validate_calibration(scored, base, seed=seed, repeats=repeats)
    judge.calibration = calibration
    report(f"{where}: fitting the claim-level decision head on dev")
    decision = fit_decision(feature_sets(judge, sets), seed=seed, repeats=repeats)
    return FitAtWindow(window, calibration, passage_accuracy, calibration_estimate, decision)
