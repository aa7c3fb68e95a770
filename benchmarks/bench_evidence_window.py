"""How often the verifier's evidence window holds the evidence that decides a claim: writes its part of
docs/benchmarks.md.

The verifier reads each claim with a window of at most 90 evidence words (`train.evidence.select_evidence`),
chosen from a cited web page of about 80 sentences. WiCE marks which sentences support each claim (one or
more alternative sets), so on its dev split this counts the claims whose window holds a whole gold set and
the mean share of the best set it holds, for the shipped selection (sentences ranked by how many content
words they share with the claim) and for one tried instead (MODEL_CARD.md, "Tried and not shipped: evidence
windows by coverage"). No model runs: this measures evidence selection alone, which bounds what the verifier
can see; the verdicts it led to are in the model card.

python benchmarks/bench_evidence_window.py --data-dir ../shared/datasets
"""

from __future__ import annotations

import argparse
import math
from collections import Counter
from collections.abc import Callable, Sequence

from docs_section import command_line, machine_line, markdown_table, write_section
from veracity.eval.datasets import read_jsonl, resolve_data_dir
from veracity.train.evidence import content_words, select_sentences

Selection = Callable[[str, Sequence[str], int], list[int]]


def rare_word_coverage(claim: str, sentences: Sequence[str], max_words: int) -> list[int]:
    """The selection tried at commit 680c18f and not shipped (MODEL_CARD.md): sentences taken greedily by the
    claim words they add that the window does not hold yet, each weighted by its rarity among `sentences`,
    so that a page naming its subject in every sentence does not fill the window with repeats of the name."""
    claim_words = content_words(claim)
    shared = [claim_words & content_words(sentence) for sentence in sentences]
    frequency = Counter(word for words in shared for word in words)
    weight = {word: math.log((len(sentences) + 1) / (count + 0.5)) for word, count in frequency.items()}
    remaining = [index for index, words in enumerate(shared) if words] or [0]
    chosen: list[int] = []
    covered: set[str] = set()
    used = 0
    while remaining and used < max_words:
        gains = [  # summed in a fixed order, so that equal gains tie exactly on every run
            sum(weight[word] * (1.0 if word not in covered else 0.01) for word in sorted(shared[index]))
            for index in remaining
        ]
        best = max(range(len(remaining)), key=lambda position: (gains[position], -remaining[position]))
        index = remaining.pop(best)
        length = len(sentences[index].split())
        if chosen and used + length > max_words:
            continue
        chosen.append(index)
        covered |= shared[index]
        used += length
    return sorted(chosen)


SELECTIONS: dict[str, Selection] = {
    "shared-word count (shipped)": select_sentences,
    "coverage of rare claim words (tried, not shipped)": rare_word_coverage,
}


def window_row(name: str, records: list[dict], select: Selection, max_words: int) -> str:
    whole = 0
    share = 0.0
    for record in records:
        gold = [set(indexes) for indexes in record["supporting_sentences"] if indexes]
        chosen = set(select(record["claim"], record["evidence"], max_words))
        whole += any(indexes <= chosen for indexes in gold)
        share += max(len(indexes & chosen) / len(indexes) for indexes in gold)
    count = len(records)
    return f"| {name} | {max_words} | {count} | {whole / count:.3f} | {share / count:.3f} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data-dir", default="../shared/datasets")
    parser.add_argument("--words", default="60,90,120", help="window sizes in evidence words")
    parser.add_argument("--no-write", action="store_true", help="print the table without touching docs/")
    args = parser.parse_args()
    machine = machine_line()
    path = resolve_data_dir(args.data_dir) / "wice" / "entailment_retrieval" / "claim" / "dev.jsonl"
    records = [record for record in read_jsonl(path) if any(record["supporting_sentences"])]
    rows = []
    for max_words in (int(words) for words in args.words.split(",")):
        for name, select in SELECTIONS.items():
            rows.append(window_row(name, records, select, max_words))
            print(rows[-1], flush=True)
    columns = ["selection", "window (words)", "claims", "whole gold set in window", "mean share of best set"]
    table = markdown_table(columns, rows)
    if not args.no_write:
        write_section(
            "bench_evidence_window",
            "## Evidence windows: does the verifier see the deciding sentences? (WiCE dev)\n\n"
            f"Machine: {machine}. Command: `{command_line()}`.\n"
            "Claims of WiCE dev with at least one annotated support set; evidence is the whole cited page "
            "as a list of sentences. No model runs.\n\n"
            f"{table}\n",
        )


if __name__ == "__main__":
    main()
