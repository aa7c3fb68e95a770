"""Whether a verifier's misses are ranking or threshold: writes its part of docs/benchmarks.md.

For each data set it puts three figures side by side: the balanced accuracy of the verifier's own labels
(what `veracity eval` reports), the ROC AUC of its P(supported) against the gold supported-or-not, and the
best balanced accuracy any single threshold on P(supported) reaches on the same pairs. That last one is
fitted on the very pairs it scores, so it is a diagnosis, never a result: where it barely beats the
verifier's own labels, no recalibration of the threshold can close a gap, and only better ranking (a better
model or better evidence) can.

python benchmarks/bench_ranking.py --verifiers builtin,builtin-fast,embed-threshold \
    --data-dir ../shared/datasets
"""

from __future__ import annotations

import argparse

import numpy as np
from sklearn.metrics import roc_auc_score, roc_curve

from docs_section import command_line, machine_line, markdown_table, write_section
from veracity.eval.datasets import load_pairs
from veracity.eval.harness import build_verifier, judge_pairs
from veracity.eval.metrics import balanced_accuracy_supported
from veracity.resources import Resources
from veracity.verify.chunking import predicted_label

DATASETS = "wice,check_covid,factcheck_gpt"
VERIFIERS = "builtin,builtin-fast,embed-threshold"


def ranking_row(dataset: str, name: str, gold: list[str], probabilities: list[dict[str, float]]) -> str:
    supported = np.array([p["supported"] for p in probabilities])
    own = balanced_accuracy_supported(gold, [predicted_label(p) for p in probabilities])
    is_supported = np.array([label == "supported" for label in gold])
    false_positive, true_positive, _ = roc_curve(is_supported, supported)
    best = float(np.max((true_positive + 1.0 - false_positive) / 2.0))
    auc = roc_auc_score(is_supported, supported)
    return f"| {dataset} | {name} | {len(gold)} | {own:.3f} | {auc:.3f} | {best:.3f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--verifiers", default=VERIFIERS)
    parser.add_argument("--datasets", default=DATASETS)
    parser.add_argument("--split", default="test")
    parser.add_argument("--limit", type=int, default=1000, help="pairs per data set at most")
    parser.add_argument("--data-dir", default="../shared/datasets")
    parser.add_argument("--no-write", action="store_true", help="print the table without touching docs/")
    args = parser.parse_args()
    machine = machine_line()
    resources = Resources()
    datasets = args.datasets.split(",")
    pairs = {name: load_pairs(name, args.split, args.data_dir, limit=args.limit) for name in datasets}
    rows = []
    for name in args.verifiers.split(","):
        verifier = build_verifier(name, resources)
        for dataset, chosen in pairs.items():
            gold = [pair.label for pair in chosen]
            rows.append(ranking_row(dataset, name, gold, judge_pairs(verifier, chosen)))
            print(rows[-1], flush=True)
    columns = [
        "data set",
        "verifier",
        "n",
        "balanced acc. (own labels)",
        "ROC AUC of P(supported)",
        "best balanced acc. at any threshold (fitted on these pairs)",
    ]
    table = markdown_table(columns, rows)
    if not args.no_write:
        write_section(
            "bench_ranking",
            f"## Ranking or threshold: where the misses are ({args.split} splits)\n\n"
            f"Machine: {machine}. Command: `{command_line()}`.\n"
            "Supported vs not, on every pair of each split (up to the limit). The last column is fitted on "
            "the pairs it scores: a diagnosis of how much any recalibration could gain, not a result.\n\n"
            f"{table}\n",
        )


if __name__ == "__main__":
    main()
