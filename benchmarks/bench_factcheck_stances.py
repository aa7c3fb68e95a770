"""Factcheck-GPT test claims split by what their passages can tell; writes its part of docs/benchmarks.md.

Factcheck-GPT's claim labels are the annotators' verdicts from all they knew, while the passages given with
a claim are what a web search returned, each with an annotated stance. Where every passage was annotated
"irrelevant", no verifier reading only those passages can tell supported from refuted; this table shows
how much of the set that is and how each verifier does on the claims whose passages do bear on them.
A second table sets the stance `builtin` shows beside each passage (what a `check` report shows, each
claim judged against its passages as given) against the passage's annotated stance.

python benchmarks/bench_factcheck_stances.py --data-dir ../shared/datasets
"""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path
from typing import Any

from docs_section import command_line, machine_line, write_section
from veracity.eval.datasets import Pair, Split, iter_factcheck_documents, load_pairs
from veracity.eval.harness import build_verifier, evaluate_pairs
from veracity.eval.report import format_table
from veracity.resources import Resources
from veracity.verify.base import PAIR_LABELS
from veracity.verify.baselines import EMBED_THRESHOLD

VERIFIERS = "builtin,embed-threshold,slots-only"
BEARING_STANCES = {"completely-support", "partially-support", "refute"}
ANNOTATED = ("completely-support", "partially-support", "refute", "irrelevant")


def annotated_stances(data_dir: Path, split: Split) -> dict[str, list[str]]:
    """Passage stances per claim, keyed as `load_pairs` keys Factcheck-GPT claims."""
    stances: dict[str, list[str]] = {}
    for doc_key, record in iter_factcheck_documents(data_dir / "factcheck_gpt", split):
        for sentence_key, sentence in record["sentences"].items():
            for index, claim_stances in enumerate(sentence.get("stance_claim_autoEvid") or []):
                stances[f"{doc_key}/{sentence_key}/{index}"] = list(claim_stances)
    return stances


def subsets(pairs: list[Pair], stances: dict[str, list[str]]) -> list[tuple[str, list[Pair]]]:
    """Named subsets of the claims; a subset holding one side scores that side's recall alone."""
    bearing = [pair for pair in pairs if BEARING_STANCES & set(stances.get(pair.id, []))]
    ids = {pair.id for pair in bearing}
    refuted = [pair for pair in bearing if pair.label == "refuted" and "refute" in stances[pair.id]]
    return [
        ("factcheck_gpt, a passage bears on the claim", bearing),
        ("factcheck_gpt, refuted and a passage refutes it (recall)", refuted),
        ("factcheck_gpt, every passage irrelevant", [pair for pair in pairs if pair.id not in ids]),
        ("factcheck_gpt, all", pairs),
    ]


def shown_stances(
    verifier: Any, pairs: list[Pair], stances: dict[str, list[str]]
) -> Counter[tuple[str, str]]:
    """(annotated stance, label shown) counts over the passages of the claims with a stance per passage."""
    annotated = [pair for pair in pairs if len(stances.get(pair.id, [])) == len(pair.evidence)]
    judged = verifier.judge_sets([[(pair.claim, text) for text in pair.evidence] for pair in annotated])
    return Counter(
        (stance, passage.label)
        for pair, item in zip(annotated, judged, strict=True)
        for stance, passage in zip(stances[pair.id], item.passages, strict=True)
    )


def stance_table(counts: Counter[tuple[str, str]]) -> str:
    rows = [
        "| annotated stance | passages | " + " | ".join(f"shown {label}" for label in PAIR_LABELS) + " |",
        "|---|---|" + "---|" * len(PAIR_LABELS),
    ]
    for stance in ANNOTATED:
        cells = [counts[(stance, label)] for label in PAIR_LABELS]
        rows.append(f"| {stance} | {sum(cells)} | " + " | ".join(str(cell) for cell in cells) + " |")
    return "\n".join(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--verifiers", default=VERIFIERS)
    parser.add_argument("--split", default="test")
    parser.add_argument("--data-dir", default="../shared/datasets")
    parser.add_argument("--no-write", action="store_true", help="print the table without touching docs/")
    args = parser.parse_args()
    data_dir = Path(args.data_dir)
    pairs = load_pairs("factcheck_gpt", args.split, data_dir)
    stances = annotated_stances(data_dir, args.split)
    named = subsets(pairs, stances)
    sizes = [len(chosen) for _, chosen in named]
    machine = machine_line()
    resources = Resources()
    rows = []
    for name in args.verifiers.split(","):
        verifier = build_verifier(name, resources)
        for subset, chosen in named:
            rows.append(evaluate_pairs(verifier, name, subset, args.split, chosen))
    table = format_table(rows)
    counts = shown_stances(build_verifier("builtin", resources), pairs, stances)
    shown_supporting = sum(counts[(stance, "supported")] for stance in ANNOTATED)
    backed = counts[("completely-support", "supported")] + counts[("partially-support", "supported")]
    passages = stance_table(counts)
    print(f"{table}\n\n{passages}\n\nshown supported: {shown_supporting}, annotated as support: {backed}")
    if not args.no_write:
        command = command_line()
        write_section(
            "bench_factcheck_stances",
            "## Factcheck-GPT by annotated passage stance\n\n"
            f"Machine: {machine}. Command: `{command}`.\n"
            f"Of {len(pairs)} {args.split} claims, {sizes[2]} come only with passages annotated "
            '"irrelevant" (their gold label rests on what the annotators knew, not on the passages); '
            f"{sizes[0]} have at least one passage annotated as supporting, partially supporting or "
            f"refuting, {sizes[1]} of them refuted claims with a refuting passage (that row is the share "
            "not called supported). Balanced accuracy of supported vs not; embed-threshold at "
            f"{EMBED_THRESHOLD}.\n\n"
            f"{table}\n\n"
            "Each passage's stance as `builtin` shows it beside the passage (the label of its calibrated "
            "probabilities, as in a `check` report), each claim judged against its passages as given, "
            "against the stance the annotators gave that passage. Of the "
            f"{shown_supporting} passages shown as supporting, {backed} are annotated as supporting or "
            "partially supporting the claim.\n\n"
            f"{passages}\n",
        )


if __name__ == "__main__":
    main()
