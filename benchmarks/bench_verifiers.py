"""Every verifier and both baselines on the same splits and metric, with the confusion counts behind them;
writes its part of docs/benchmarks.md.

python benchmarks/bench_verifiers.py --limit 300
python benchmarks/bench_verifiers.py --fit-embed-threshold   # re-choose the embed-threshold on dev
python benchmarks/bench_verifiers.py --verifiers llm,builtin,embed-threshold,slots-only --limit 40 \
    --section bench_verifiers_llm   # the slow LLM judge on a smaller sample, beside the others
python benchmarks/bench_verifiers.py --verifiers builtin,embed-threshold,slots-only --limit 1000 \
    --section bench_verifiers_full  # every test pair, for the model card
python benchmarks/bench_verifiers.py --verifiers builtin --model-dir DIR --section NAME   # a candidate model
python benchmarks/bench_verifiers.py --verifiers builtin,builtin-fast --passages-read 2 --passages-read 3 \
    --limit 1000 --section bench_verifiers_fast  # builtin reading fewer of each claim's passages
"""

from __future__ import annotations

import argparse
from dataclasses import replace

import numpy as np

from docs_section import command_line, machine_line, write_section
from veracity.eval.datasets import load_pairs
from veracity.eval.harness import EvalResult, average, run_eval
from veracity.eval.metrics import balanced_accuracy_supported
from veracity.eval.report import format_confusion, format_table, predicted_outside_gold
from veracity.resources import Resources
from veracity.verify.base import EvidencePair
from veracity.verify.baselines import EmbedThresholdJudge
from veracity.verify.chunking import chunk_evidence

DATASETS = "wice,check_covid,factcheck_gpt"
VERIFIERS = "align,builtin,embed-threshold,slots-only"


def fit_embed_threshold(data_dir: str | None, limit: int | None) -> float:
    """The threshold that maximises pooled dev balanced accuracy of max-over-chunks cosine."""
    judge = EmbedThresholdJudge(Resources())
    best_scores: list[float] = []
    gold: list[str] = []
    for name in DATASETS.split(","):
        for pair in load_pairs(name, "dev", data_dir, limit=limit):
            chunks = chunk_evidence(pair.evidence) or [""]
            similarity = judge.similarities([EvidencePair(pair.claim, chunk) for chunk in chunks])
            best_scores.append(float(np.max(similarity)))
            gold.append(pair.label)
    candidates = np.unique(np.round(best_scores, 3))
    return float(
        max(
            candidates,
            key=lambda t: balanced_accuracy_supported(
                gold, ["supported" if s >= t else "x" for s in best_scores]
            ),
        )
    )


def outside_gold_note(results: list[EvalResult]) -> str:
    """A sentence naming, per data set, the labels verifiers predicted that its gold data never has."""
    found = [
        f"{result.dataset}: {result.verifier} {label} {count}"
        for result in results
        for label, count in predicted_outside_gold(result).items()
    ]
    if not found:
        return ""
    return (
        "Labels predicted that the data set's gold labels never have (each one an error, and a label that "
        "macro-F1 averages in as a zero, where a verifier that never predicts it averages one label fewer): "
        f"{'; '.join(found)}.\n\n"
    )


def describe(table: str, confusion: str, note: str, command: str, heading: str) -> str:
    return (
        f"## {heading}\n\n"
        f"Machine: {machine_line()}. Command: `{command}`.\n"
        "Balanced accuracy is supported vs not (LLM-AggreFact convention); macro-F1 is 3-way. "
        "Long evidence is chunked (180 words) and the chunk verdicts aggregated; `builtin` decides over each "
        "claim's chunks together where its model folder has a decision head (`builtin-fast` and the rows "
        "that say so over only the chunks sharing most of the claim's words), the others (and a `builtin` "
        "without one) keep the most supportive chunk.\n\n"
        f"{table}\n\n"
        f"{note}"
        "Gold labels (rows) against predicted labels, the counts behind both metrics:\n\n"
        f"{confusion}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--verifiers", default=VERIFIERS)
    parser.add_argument("--datasets", default=DATASETS)
    parser.add_argument("--split", default="test")
    parser.add_argument("--limit", type=int, default=300)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument("--model-dir", default=None, help="the builtin verifier's model folder (a candidate)")
    parser.add_argument(
        "--passages-read",
        type=int,
        action="append",
        default=[],
        help="also measure `builtin` deciding on each claim's N closest passages (repeatable)",
    )
    parser.add_argument("--fit-embed-threshold", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="print the table without touching docs/")
    parser.add_argument(
        "--section", default="bench_verifiers", help="part of docs/benchmarks.md to write (a second table)"
    )
    args = parser.parse_args()
    if args.fit_embed_threshold:
        print(f"embed-threshold chosen on dev: {fit_embed_threshold(args.data_dir, args.limit):.3f}")
        return

    def model_options(verifier: str) -> dict[str, object]:
        return {"model_dir": args.model_dir} if verifier.startswith("builtin") and args.model_dir else {}

    runs = [(verifier, verifier, model_options(verifier)) for verifier in args.verifiers.split(",")]
    runs += [
        (
            "builtin",
            f"builtin, {count} closest passages read",
            {**model_options("builtin"), "passages_read": count},
        )
        for count in args.passages_read
    ]
    rows = []
    measured: list[EvalResult] = []
    resources = Resources()
    for verifier, label, options in runs:
        results = run_eval(
            verifier,
            args.datasets,
            args.split,
            "verify",
            args.data_dir,
            args.limit,
            resources=resources,
            verifier_options=options,
        )
        results = [replace(result, verifier=label) for result in results]
        measured.extend(results)
        rows.extend([*results, average(results, label, args.split)])
    table = format_table(rows)
    confusion = format_confusion(sorted(measured, key=lambda result: result.dataset))
    note = outside_gold_note(measured)
    print(f"{table}\n\n{note}{confusion}")
    if not args.no_write:
        command = command_line()
        heading = "Verifiers on gold evidence (task `verify`)"
        if args.section != "bench_verifiers":
            heading += f", up to {args.limit} pairs per set"
        if args.model_dir:
            heading += f"; builtin from {args.model_dir}"
        write_section(args.section, describe(table, confusion, note, command, heading))


if __name__ == "__main__":
    main()
