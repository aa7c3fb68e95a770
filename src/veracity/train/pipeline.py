"""`veracity train`: build pairs, fine-tune, export to int8 ONNX, calibrate on dev, write a summary."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from veracity.train.trainer import FitResult, TrainConfig, build_training_pairs, fit

log = logging.getLogger(__name__)


@dataclass
class TrainResult:
    out_dir: Path
    model_path: Path  # the int8 ONNX file
    calibration_path: Path
    fit: FitResult
    dev_balanced_accuracy: dict[str, float]  # per calibration set, supported vs not, decision head
    dev_cross_validated: dict[str, float]  # the same, each claim scored by a head fitted without it
    model_megabytes: float

    def to_dict(self) -> dict[str, object]:
        data = asdict(self)
        for key in ("out_dir", "model_path", "calibration_path"):
            data[key] = str(data[key])
        data["fit"]["model_dir"] = str(self.fit.model_dir)
        return data


def train_model(
    data_dir: Path,
    out_dir: Path,
    seed: int = 13,
    max_minutes: float = 60.0,
    *,
    config: TrainConfig | None = None,
    base_model: Path | None = None,
    progress: Callable[[str], None] | None = None,
) -> TrainResult:
    """Reproduce the shipped verifier into `out_dir` (verifier-int8.onnx, tokenizer.json, calibration.json,
    decision.json).

    `max_minutes` bounds the fine-tuning loop; building pairs, export and calibration add a few minutes.
    An interrupted run resumes from `out_dir/checkpoint.pt`. The fine-tuned weights stay in `out_dir/hf`,
    so a second round can start from them (`base_model`, usually with a lower learning rate). To ship the
    result, copy the four files into `src/veracity/models/`.
    """
    report = progress or log.info
    settings = replace(config or TrainConfig(), seed=seed, max_minutes=max_minutes)
    out_dir.mkdir(parents=True, exist_ok=True)
    report("building training pairs")
    pairs = build_training_pairs(data_dir, settings)
    report(f"fine-tuning on {len(pairs)} pairs for at most {max_minutes:g} minutes")
    fitted = fit(pairs, out_dir, settings, base_model=base_model)
    report(
        f"exporting to int8 ONNX after {fitted.steps}/{fitted.planned_steps} steps, then calibrating on dev"
    )
    model_path = export_model(fitted.model_dir, out_dir)
    calibration_path, accuracy, cross_validated = calibrate(
        out_dir, data_dir, max_length=settings.max_length, seed=seed, progress=report
    )
    result = TrainResult(
        out_dir=out_dir,
        model_path=model_path,
        calibration_path=calibration_path,
        fit=fitted,
        dev_balanced_accuracy=accuracy,
        dev_cross_validated=cross_validated,
        model_megabytes=round(model_path.stat().st_size / 2**20, 2),
    )
    (out_dir / "training.json").write_text(json.dumps(result.to_dict(), indent=2) + "\n", encoding="utf-8")
    return result


def export_model(model_dir: Path, out_dir: Path) -> Path:
    """The fine-tuned weights as int8 ONNX, with the tokenizer, in `out_dir`."""
    from veracity.train.export import export_quantized
    from veracity.verify.builtin import MODEL_FILE

    return export_quantized(model_dir, out_dir / MODEL_FILE)


def calibrate(
    model_dir: Path,
    data_dir: Path,
    *,
    max_length: int = 128,
    seed: int = 13,
    progress: Callable[[str], None] | None = None,
) -> tuple[Path, dict[str, float], dict[str, float]]:
    """Fit, on dev data, the per-passage calibration and then the claim-level decision head of the int8
    model in `model_dir`; writes calibration.json and decision.json there. Returns the calibration file,
    the head's dev balanced accuracy per set and its cross-validated estimate."""
    from veracity.resources import Resources
    from veracity.train.calibrate import (
        calibration_pairs,
        feature_sets,
        fit_calibration,
        fit_decision,
        score_sets,
    )
    from veracity.verify.builtin import CALIBRATION_FILE, BuiltinJudge, Calibration
    from veracity.verify.decision import DECISION_FILE

    report = progress or log.info
    (model_dir / DECISION_FILE).unlink(missing_ok=True)
    judge = BuiltinJudge(Resources(), model_dir=model_dir, max_length=max_length)
    base = Calibration(max_length=max_length)
    judge.calibration = base
    sets = calibration_pairs(data_dir)
    report("calibrating passage probabilities on dev")
    calibration, passage_accuracy = fit_calibration(score_sets(judge, sets), base)
    calibration_path = model_dir / CALIBRATION_FILE
    calibration.save(calibration_path, dev_balanced_accuracy=passage_accuracy, seed=seed)
    judge.calibration = calibration
    report("fitting the claim-level decision head on dev")
    head, accuracy, cross_validated = fit_decision(feature_sets(judge, sets), seed=seed)
    head.save(
        model_dir / DECISION_FILE,
        dev_balanced_accuracy=accuracy,
        dev_cross_validated=cross_validated,
        seed=seed,
    )
    return calibration_path, accuracy, cross_validated
