"""Factcheck-GPT test claims split by what their passages can tell; writes its part of docs/benchmarks.md.

Factcheck-GPT's claim labels are the annotators' verdicts from all they knew, while the passages given with
a claim are what a web search returned, each with an annotated stance. Where every passage was annotated
"irrelevant", no verifier reading only those passages can tell supported from refuted; this table shows
how much of the set that is and how each verifier does on the claims whose passages do bear on them.

python benchmarks/bench_factcheck_stances.py --data-dir ../shared/datasets
"""

from __future__ import annotations

import argparse
from pathlib import Path

from docs_section import command_line, machine_line, write_section
from veracity.eval.datasets import Pair, Split, iter_factcheck_documents, load_pairs
from veracity.eval.harness import build_verifier, evaluate_pairs
from veracity.eval.report import format_table
from veracity.resources import Resources
from veracity.verify.baselines import EMBED_THRESHOLD

VERIFIERS = "builtin,embed-threshold,slots-only"
BEARING_STANCES = {"completely-support", "partially-support", "refute"}


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--verifiers", default=VERIFIERS)
    parser.add_argument("--split", default="test")
    parser.add_argument("--data-dir", default="../shared/datasets")
    parser.add_argument("--no-write", action="store_true", help="print the table without touching docs/")
    args = parser.parse_args()
    data_dir = Path(args.data_dir)
    pairs = load_pairs("factcheck_gpt", args.split, data_dir)
    named = subsets(pairs, annotated_stances(data_dir, args.split))
    sizes = [len(chosen) for _, chosen in named]
    machine = machine_line()
    resources = Resources()
    rows = []
    for name in args.verifiers.split(","):
        verifier = build_verifier(name, resources)
        for subset, chosen in named:
            rows.append(evaluate_pairs(verifier, name, subset, args.split, chosen))
    table = format_table(rows)
    print(table)
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
            f"{table}\n",
        )


if __name__ == "__main__":
    main()
