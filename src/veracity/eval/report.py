"""What `veracity eval` prints: a table, or one JSON object per data set; the CLI only parses options."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from veracity.eval.datasets import GOLD_LABELS
from veracity.eval.harness import EvalResult, ProgressFactory, Task, average, run_eval
from veracity.eval.metrics import label_f1, predicted_counts
from veracity.registry import parse_options


def format_table(results: Sequence[EvalResult]) -> str:
    """A Markdown table; extra task metrics (recall@k, coverage) get their own columns."""
    extra = sorted({name for result in results for name in result.metrics})
    header = ["data set", "split", "verifier", "n", "balanced acc.", "macro-F1", "pairs/s", *extra]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for result in results:
        cells = [
            result.dataset,
            result.split,
            result.verifier,
            str(result.n),
            _fmt(result.balanced_accuracy),
            _fmt(result.macro_f1),
            _rate(result.pairs_per_second),
            *(_fmt(result.metrics.get(name)) for name in extra),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def format_confusion(results: Sequence[EvalResult]) -> str:
    """One Markdown table of gold labels (rows) against predicted labels (columns) for every result that
    has them, with each gold label's F1; a gold label with no pairs in a data set gets no row."""
    header = ["data set", "split", "verifier", "gold", *(f"predicted {label}" for label in GOLD_LABELS), "F1"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for result in results:
        if result.confusion is None:
            continue
        for gold, f1 in label_f1(result.confusion).items():
            counts = [str(result.confusion[gold][label]) for label in GOLD_LABELS]
            cells = [result.dataset, result.split, result.verifier, gold, *counts, _fmt(f1)]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def predicted_outside_gold(result: EvalResult) -> dict[str, int]:
    """Labels the verifier predicted that no gold pair of the data set has, with how often: every one is an
    error, and macro-F1 averages each such label in as a zero."""
    if result.confusion is None:
        return {}
    used = {gold for gold, row in result.confusion.items() if any(row.values())}
    predicted = predicted_counts(result.confusion)
    return {label: count for label, count in predicted.items() if count and label not in used}


def _rate(per_second: float) -> str:
    """Two significant digits below 10 a second, so a slow judge does not print as 0.0."""
    return f"{per_second:.2g}" if per_second < 10 else f"{per_second:.1f}"


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" if value >= 2 and float(value).is_integer() else f"{value:.3f}"


def eval_command(
    verifier: str = "align",
    dataset: str | None = None,
    split: str = "test",
    task: Task = "verify",
    data_dir: Path | None = None,
    limit: int | None = None,
    pairs: Path | None = None,
    seed: int = 13,
    top_k: int = 6,
    as_json: bool = False,
    verifier_options: Sequence[str] = (),
    out: TextIO | None = None,
    show_confusion: bool = False,
    progress: ProgressFactory | None = None,
) -> list[EvalResult]:
    """Runs `veracity eval` and prints its output; `verifier_options` are "key=value" strings. The JSON
    carries each data set's confusion counts; the table shows them below it with `show_confusion`."""
    out = out or sys.stdout
    options = parse_options(verifier_options)
    results = run_eval(
        verifier,
        dataset,
        split,
        task,
        data_dir,
        limit,
        pairs_file=pairs,
        seed=seed,
        top_k=top_k,
        verifier_options=options,
        progress=progress,
    )
    if as_json:
        for result in results:
            out.write(json.dumps(result.to_dict()) + "\n")
    else:
        shown = (
            [*results, average(results, verifier, split)]
            if len(results) > 1 and task == "verify"
            else results
        )
        out.write(format_table(shown) + "\n")
        if show_confusion and any(result.confusion for result in results):
            out.write("\n" + format_confusion(results) + "\n")
    return results
