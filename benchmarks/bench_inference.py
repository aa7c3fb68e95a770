"""Which graph of the builtin verifier to ship; writes its part of docs/benchmarks.md.

The package ships the cross-encoder as dynamically quantised int8 ONNX. This measures what that costs and
what the obvious alternatives would buy, on the same weights (a `veracity train --out DIR` folder, whose
`hf/` holds them in full precision; the package itself ships only the int8 file):

- int8: the run's own `verifier-int8.onnx`, what `veracity train` ships;
- fp32: the same weights unquantised;
- int8, fused: onnxruntime's transformer optimizer (fused attention, GELU and layer norms) before quantising;
- with `--ensemble-with DIR2`, the int8 models of two training runs, their logits averaged (twice the
  model runs).

For each: the held-out dev balanced accuracy of the claim-level decision head (nested five-fold
cross-validation over the calibration dev sets, as `veracity train` estimates it, averaged over three fold
seeds because one seed moves the mean by a point), how often its per-passage label agrees with int8, and
the model alone in claim-passage pairs/s on dev windows (rounds interleaved, median, so that the box's
drift falls on every variant alike). No test pair is read.

python benchmarks/bench_inference.py --run DIR [--ensemble-with DIR2] --data-dir ../shared/datasets
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from docs_section import command_line, machine_line, write_section
from veracity.resources import Resources
from veracity.train.calibrate import (
    CALIBRATION_SETS,
    FeatureSet,
    calibration_pairs,
    evidence_sets,
    fit_decision,
)
from veracity.train.export import export_onnx, quantize_int8
from veracity.verify.base import PAIR_LABELS, EvidencePair
from veracity.verify.builtin import (
    CALIBRATION_FILE,
    MODEL_FILE,
    TOKENIZER_FILE,
    BuiltinJudge,
    Calibration,
    CrossEncoder,
    SlotChecker,
    evidence_window,
)

FOLD_SEEDS = (13, 7, 21)


class AveragedEncoder:
    """Several cross-encoders as one: the mean of their logits."""

    def __init__(self, members: Sequence[CrossEncoder]) -> None:
        self.members = list(members)

    def logits(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        return np.mean([member.logits(pairs) for member in self.members], axis=0)


@dataclass
class Variant:
    name: str
    encoder: CrossEncoder | AveragedEncoder


def build_variants(run: Path, scratch: Path, max_length: int, partner: Path | None) -> list[Variant]:
    from onnxruntime.transformers.optimizer import optimize_model

    export_onnx(run / "hf", scratch / "fp32.onnx")
    export_onnx(run / "hf", scratch / "eager-fp32.onnx", attention="eager")
    config = _hidden_config(run / "hf")
    fused = optimize_model(str(scratch / "eager-fp32.onnx"), model_type="bert", **config)
    fused.save_model_to_file(str(scratch / "fused-fp32.onnx"))
    quantize_int8(scratch / "fused-fp32.onnx", scratch / "fused-int8.onnx")
    shutil.copyfile(run / TOKENIZER_FILE, scratch / TOKENIZER_FILE)
    int8 = CrossEncoder(run, max_length)
    variants = [
        Variant("int8 (shipped form)", int8),
        Variant("fp32", CrossEncoder(scratch, max_length, model_file="fp32.onnx")),
        Variant("int8, fused", CrossEncoder(scratch, max_length, model_file="fused-int8.onnx")),
    ]
    if partner is not None:
        variants.append(
            Variant("int8, two runs averaged", AveragedEncoder([int8, CrossEncoder(partner, max_length)]))
        )
    return variants


def _hidden_config(hf: Path) -> dict[str, int]:
    config = json.loads((hf / "config.json").read_text(encoding="utf-8"))
    return {"num_heads": config["num_attention_heads"], "hidden_size": config["hidden_size"]}


@dataclass
class Measured:
    held_out: dict[str, float]
    passage_labels: np.ndarray
    pairs_per_second: float = 0.0


def measure_accuracy(
    judge: BuiltinJudge, sets: dict[str, list[list[EvidencePair]]], labels: dict[str, np.ndarray]
) -> Measured:
    features: dict[str, FeatureSet] = {}
    passage_labels = []
    for name, claims in sets.items():
        values, grouped = judge.set_features(claims, compare_all_slots=True)
        features[name] = FeatureSet(values, labels[name])
        passage_labels.extend(int(np.argmax(score.logits)) for group in grouped for score in group)
    per_seed = [fit_decision(features, seed=seed, repeats=1).cross_validated for seed in FOLD_SEEDS]
    held_out = {name: float(np.mean([scores[name] for scores in per_seed])) for name in features}
    return Measured(held_out, np.array(passage_labels))


def speed_rounds(variants: list[Variant], windows: list[tuple[str, str]], rounds: int) -> dict[str, float]:
    for variant in variants:
        variant.encoder.logits(windows[:20])
    timings: dict[str, list[float]] = {variant.name: [] for variant in variants}
    for _ in range(rounds):
        for variant in variants:
            start = time.perf_counter()
            variant.encoder.logits(windows)
            timings[variant.name].append(len(windows) / (time.perf_counter() - start))
    return {name: statistics.median(values) for name, values in timings.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--run", type=Path, required=True, help="a `veracity train --out` folder (with hf/)")
    parser.add_argument("--ensemble-with", type=Path, help="another run's folder, for the averaged pair")
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/datasets"))
    parser.add_argument("--max-length", type=int, help="word pieces read (default: the run's calibration)")
    parser.add_argument("--speed-pairs", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-write", action="store_true", help="print the table without touching docs/")
    args = parser.parse_args()
    if not (args.run / "hf" / "config.json").is_file():
        parser.error(
            f"{args.run} has no hf/ folder: pass a `veracity train --out` folder "
            "(the package ships only the int8 graph)"
        )
    if args.ensemble_with is not None and not (args.ensemble_with / MODEL_FILE).is_file():
        parser.error(f"{args.ensemble_with} holds no {MODEL_FILE}")
    machine = machine_line()
    max_length = args.max_length or Calibration.load(args.run / CALIBRATION_FILE).max_length
    dev = calibration_pairs(args.data_dir)
    sets = {name: evidence_sets(pairs) for name, pairs in dev.items()}
    labels = {name: np.array([PAIR_LABELS.index(p.label) for p in pairs]) for name, pairs in dev.items()}
    words = Calibration().max_words
    every = [
        (evidence_window(pair.claim, pair.evidence, words), pair.claim)
        for group in sets.values()
        for claim in group
        for pair in claim
    ]
    windows = every[:: max(1, len(every) // args.speed_pairs)][: args.speed_pairs]  # from every set
    resources = Resources()
    slots = SlotChecker(resources)  # one for every variant: the parses do not depend on the model
    with tempfile.TemporaryDirectory() as scratch:
        variants = build_variants(args.run, Path(scratch), max_length, args.ensemble_with)
        measured: dict[str, Measured] = {}
        for variant in variants:
            judge = BuiltinJudge(resources, model_dir=args.run, max_length=max_length, calibrated=False)
            judge.encoder = variant.encoder
            judge.slots = slots
            measured[variant.name] = measure_accuracy(judge, sets, labels)
            print(variant.name, measured[variant.name].held_out, flush=True)
        for name, speed in speed_rounds(variants, windows, args.rounds).items():
            measured[name].pairs_per_second = speed
    reference = measured[variants[0].name].passage_labels
    rows = [
        "| graph | "
        + " | ".join(CALIBRATION_SETS)
        + " | mean | passage labels as int8 | pairs/s, model alone |",
        "|---" * (len(CALIBRATION_SETS) + 4) + "|",
    ]
    for name, result in measured.items():
        cells = " | ".join(f"{result.held_out[dataset]:.3f}" for dataset in CALIBRATION_SETS)
        mean = np.mean(list(result.held_out.values()))
        agreement = float(np.mean(result.passage_labels == reference))
        rows.append(f"| {name} | {cells} | {mean:.3f} | {agreement:.1%} | {result.pairs_per_second:.0f} |")
    table = "\n".join(rows)
    seeds = ", ".join(map(str, FOLD_SEEDS))
    description = (
        f"Weights of {args.run} reading {max_length} word pieces. Balanced accuracy of supported vs not on "
        "the calibration dev sets, each claim judged by a decision head fitted and tuned on the other folds "
        f"(nested five-fold), mean over fold seeds {seeds}. Passage labels: share of {len(reference)} dev "
        f"passages whose most likely label equals int8's. Speed: {len(windows)} dev windows, one pair "
        f"per run on {CrossEncoder(args.run).threads} threads, median of {args.rounds} interleaved rounds. "
        "No test pair is read."
    )
    if args.ensemble_with is not None:
        description += f" Two runs averaged: these weights in int8 and {args.ensemble_with}/{MODEL_FILE}."
    print(table)
    if not args.no_write:
        write_section(
            "bench_inference",
            "## Builtin verifier: int8 against fp32, a fused graph and two runs averaged\n\n"
            f"Machine: {machine}. Command: `{command_line()}`.\n" + description + "\n\n" + table + "\n",
        )


if __name__ == "__main__":
    main()
