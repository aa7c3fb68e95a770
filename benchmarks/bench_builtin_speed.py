"""Claim-passage pairs per second of the `builtin` verifier; writes its part of docs/benchmarks.md.

The unit is one claim against one passage of at most 180 words (the chunks `veracity eval` judges), taken
from the test splits in a fixed order. Three figures: the int8 model alone, the verifier with its slot
rules on first sight of every text, and the same pairs again with the parse caches warm (a claim checked
against passages the store has served before); each cold pass starts with empty parse caches. A fourth
figure is what `veracity check` and `veracity eval` run: every claim judged against all of its passages at
once by the claim-level decision head (one more model run per claim, on the window of its best sentences,
and slot comparisons on its most supportive passage and on every passage shown as supporting), counted in
the same claim-passage pairs; `builtin-fast` makes the same decision on each claim's one passage closest in
wording, so its model runs grow with claims, not passages.
A last pass of each on new text splits its time into model runs, the wait for spaCy parses (they run on
their own thread beside the model runs) and the rest, to show what bounds it.

The box's speed drifts from hour to hour (the same model alone has measured 132 pairs/s on one day and 237
on another), so the configurations run in `--rounds` interleaved rounds and the table gives each one's median
with its slowest and fastest round.

python benchmarks/bench_builtin_speed.py --pairs 1000 --data-dir ../shared/datasets
python benchmarks/bench_builtin_speed.py --pairs 1000 --data-dir DATA --model-dir DIR --section NAME
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time
from collections.abc import Sequence
from typing import Any, cast

from docs_section import command_line, machine_line, write_section
from veracity.eval.datasets import load_pairs
from veracity.resources import Resources
from veracity.verify import VERIFIERS
from veracity.verify.base import EvidencePair
from veracity.verify.builtin import BuiltinJudge
from veracity.verify.chunking import chunk_evidence

DATASETS = ("wice", "check_covid", "factcheck_gpt")


def claim_sets(data_dir: str | None, count: int) -> list[list[EvidencePair]]:
    """Claims with their chunks, round-robin over the data sets, until `count` claim-passage pairs."""
    per_set = []
    for name in DATASETS:
        pairs = load_pairs(name, "test", data_dir)
        per_set.append(
            [[EvidencePair(p.claim, chunk) for chunk in chunk_evidence(p.evidence)] for p in pairs]
        )
    mixed = [claim for group in itertools.zip_longest(*per_set) for claim in group if claim]
    chosen: list[list[EvidencePair]] = []
    total = 0
    for claim in mixed:
        if total >= count:
            break
        chosen.append(claim[: count - total])
        total += len(chosen[-1])
    return chosen


CONFIGURATIONS = {
    "model": "int8 model alone (no slot rules)",
    "cold": "model + slot rules, every text parsed for the first time",
    "warm": "model + slot rules, parse caches warm",
    "decision cold": "claim-level decision over each claim's passages, every text new",
    "decision warm": "claim-level decision, parse caches warm",
    "fast cold": "builtin-fast: the decision on each claim's closest passage, every text new",
    "fast warm": "builtin-fast, parse caches warm",
}


def forget(judge: BuiltinJudge) -> None:
    """Empty the parse cache, so the next pass meets every text for the first time."""
    if judge.slots is not None:
        judge.slots.clear()


def spread(rates: list[float]) -> str:
    """Median, slowest and fastest round, as table cells."""
    return f"{statistics.median(rates):.0f} | {min(rates):.0f} | {max(rates):.0f}"


def timed(judge: BuiltinJudge, pairs: list[EvidencePair]) -> float:
    start = time.perf_counter()
    judge.judge_many(pairs)
    return len(pairs) / (time.perf_counter() - start)


def timed_sets(judge: BuiltinJudge, sets: list[list[EvidencePair]]) -> float:
    start = time.perf_counter()
    judge.judge_sets(sets)
    return sum(len(pairs) for pairs in sets) / (time.perf_counter() - start)


class StageClock:
    """Wall time and items of one method of an object, by wrapping it on that instance only; `lazy` for a
    method that returns a generator (spaCy's `pipe`), which is run to the end inside the clock."""

    def __init__(self, owner: object, method: str, lazy: bool = False) -> None:
        self.seconds, self.items = 0.0, 0
        inner = getattr(owner, method)

        def timed_call(texts: Sequence[Any], *args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            result = inner(texts, *args, **kwargs)
            if lazy:
                result = list(result)
            self.seconds += time.perf_counter() - start
            self.items += len(texts)
            return result

        setattr(owner, method, timed_call)


def time_shares(judge: BuiltinJudge, sets: list[list[EvidencePair]]) -> str:
    """Where a claim-level pass of `judge` on new text spends its time: model runs, slot parses, the rest."""
    if judge.slots is None:
        raise SystemExit("the time shares need a verifier with its slot rules")
    judge.slots.clear()
    model = StageClock(judge.encoder, "logits")
    parse = StageClock(judge.slots.resources.nlp, "pipe", lazy=True)
    waiting = StageClock(judge.slots, "analyses")
    start = time.perf_counter()
    judge.judge_sets(sets)
    total = time.perf_counter() - start
    pairs = sum(len(claim) for claim in sets)
    rest = total - model.seconds - waiting.seconds
    return (
        f"One claim-level pass of `{judge.name}` on new text took {total:.2f} s: {model.items} model runs "
        f"for {pairs} claim-passage pairs {model.seconds:.2f} s; "
        f"spaCy parses of {parse.items} new texts (claims and the evidence sentences their slots are "
        f"compared on, {1000 * parse.seconds / max(parse.items, 1):.1f} ms each) {parse.seconds:.2f} s on "
        f"the parse thread, beside the model runs, of which the pass waited {waiting.seconds:.2f} s; "
        f"everything else (slot comparison, features, decision) {rest:.2f} s."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--data-dir", default=None)
    parser.add_argument(
        "--max-length",
        type=int,
        default=None,
        help="word pieces the model reads (the calibration's by default)",
    )
    parser.add_argument("--model-dir", default=None, help="the builtin verifier's model folder (a candidate)")
    parser.add_argument(
        "--section",
        default="bench_builtin_speed",
        help="part of docs/benchmarks.md to write (a candidate's own)",
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="passes over every configuration; the median is reported"
    )
    parser.add_argument("--no-write", action="store_true", help="print the table without touching docs/")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    sets = claim_sets(args.data_dir, args.pairs)
    pairs = [pair for claim in sets for pair in claim]
    machine = machine_line()
    resources = Resources()
    resources.nlp  # noqa: B018 -- load spaCy outside the timed passes
    warmup = pairs[:32]

    model_only = BuiltinJudge(
        resources, use_slots=False, model_dir=args.model_dir, max_length=args.max_length
    )
    model_only.judge_many(warmup)
    full = BuiltinJudge(resources, model_dir=args.model_dir, max_length=args.max_length)
    full.judge_many(warmup)
    deciding = BuiltinJudge(resources, model_dir=args.model_dir, max_length=args.max_length)
    deciding.judge_sets(sets[:8])
    built = VERIFIERS.create(
        "builtin-fast", resources=resources, model_dir=args.model_dir, max_length=args.max_length
    )
    fast = cast(BuiltinJudge, built.pair_judge)  # what `--verifier builtin-fast` runs
    fast.judge_sets(sets[:8])
    rates: dict[str, list[float]] = {name: [] for name in CONFIGURATIONS}
    for _ in range(args.rounds):
        rates["model"].append(timed(model_only, pairs))
        forget(full)
        rates["cold"].append(timed(full, pairs))
        rates["warm"].append(timed(full, pairs))
        forget(deciding)
        rates["decision cold"].append(timed_sets(deciding, sets))
        rates["decision warm"].append(timed_sets(deciding, sets))
        forget(fast)
        rates["fast cold"].append(timed_sets(fast, sets))
        rates["fast warm"].append(timed_sets(fast, sets))
    shares = f"{time_shares(deciding, sets)}\n\n{time_shares(fast, sets)}"

    words = sum(len(pair.evidence.split()) for pair in pairs) / len(pairs)
    table = "\n".join(
        [
            f"| configuration | claim-passage pairs/s, median of {args.rounds} | slowest | fastest |",
            "|---|---|---|---|",
        ]
        + [f"| {label} | {spread(rates[key])} |" for key, label in CONFIGURATIONS.items()]
    )
    print(table)
    print(shares)
    if not args.no_write:
        command = command_line()
        subject = f"; builtin from {args.model_dir}" if args.model_dir else ""
        write_section(
            args.section,
            f"## Builtin verifier speed (claim-passage pairs){subject}\n\n"
            f"Machine: {machine}. Command: `{command}`.\n"
            f"{len(pairs)} pairs ({len(sets)} claims) from the WiCE, Check-COVID and Factcheck-GPT test "
            "splits, passages of at "
            f"most 180 words (mean {words:.0f}), the model reading {full.encoder.max_length} word pieces; "
            f"target >= 200 pairs/s.\n\n{table}\n\n{shares}\n",
        )


if __name__ == "__main__":
    main()
