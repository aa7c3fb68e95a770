"""The evaluation harness: runs a named verifier over data sets and reports comparable figures.

Task "verify" gives the verifier the gold evidence; "end-to-end" indexes the data set's documents as a
store and retrieves per claim, as `veracity check` does; "claims" compares claim extraction with the gold
atomic claims of Factcheck-GPT. Every task returns `EvalResult`s, one per data set.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from veracity.errors import ConfigError, InputError
from veracity.eval.datasets import DATASETS, Pair, check_split, load_pairs, read_pairs_file
from veracity.eval.metrics import balanced_accuracy_supported, confusion, macro_f1
from veracity.resources import Resources
from veracity.verify.chunking import DEFAULT_CHUNK_WORDS, predicted_label
from veracity.verify.documents import ProgressCallback, judge_documents

Task = Literal["verify", "end-to-end", "claims"]
TASKS: tuple[Task, ...] = ("verify", "end-to-end", "claims")
ProgressFactory = Callable[[str, str], ProgressCallback]  # (what is done, its unit) -> its callback


@dataclass
class EvalResult:
    """The figures for one verifier on one split of one data set."""

    dataset: str
    split: str
    verifier: str
    n: int
    balanced_accuracy: float | None
    macro_f1: float | None
    pairs_per_second: float
    task: Task = "verify"
    metrics: dict[str, float] = field(default_factory=dict)
    confusion: dict[str, dict[str, int]] | None = None  # gold label -> predicted label -> count

    @classmethod
    def from_labels(
        cls,
        dataset: str,
        split: str,
        verifier: str,
        gold: Sequence[str],
        predicted: Sequence[str],
        elapsed: float,
        **extra: Any,
    ) -> EvalResult:
        """Score predicted labels against gold ones: every task reports the same two metrics."""
        return cls(
            dataset=dataset,
            split=split,
            verifier=verifier,
            n=len(gold),
            balanced_accuracy=balanced_accuracy_supported(gold, predicted),
            macro_f1=macro_f1(gold, predicted),
            pairs_per_second=len(gold) / max(elapsed, 1e-9),
            confusion=confusion(gold, predicted),
            **extra,
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "dataset": self.dataset,
            "split": self.split,
            "verifier": self.verifier,
            "n": self.n,
            "balanced_accuracy": _rounded(self.balanced_accuracy),
            "macro_f1": _rounded(self.macro_f1),
            "pairs_per_second": round(self.pairs_per_second, 2),
        }
        if self.task != "verify":
            data["task"] = self.task
        data.update({name: _rounded(value) for name, value in self.metrics.items()})
        if self.confusion is not None:
            data["confusion"] = self.confusion
        return data


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def build_verifier(name: str, resources: Resources, **options: object) -> Any:
    from veracity.verify import VERIFIERS

    return VERIFIERS.create(name, resources=resources, **options)


def judge_pairs(
    verifier: Any,
    pairs: Sequence[Pair],
    *,
    chunk_words: int = DEFAULT_CHUNK_WORDS,
    progress: ProgressCallback | None = None,
) -> list[dict[str, float]]:
    """Label probabilities per pair, each claim judged against its evidence as `judge_documents` does."""
    judged = judge_documents(
        verifier,
        [pair.claim for pair in pairs],
        [pair.evidence for pair in pairs],
        chunk_words=chunk_words,
        progress=progress,
    )
    return [item.probabilities for item in judged]


def evaluate_pairs(
    verifier: Any,
    verifier_name: str,
    dataset: str,
    split: str,
    pairs: Sequence[Pair],
    *,
    chunk_words: int = DEFAULT_CHUNK_WORDS,
    progress: ProgressCallback | None = None,
) -> EvalResult:
    if not pairs:
        raise InputError(f"no pairs to evaluate in {dataset} {split}")
    started = time.perf_counter()
    probabilities = judge_pairs(verifier, pairs, chunk_words=chunk_words, progress=progress)
    elapsed = time.perf_counter() - started
    gold = [pair.label for pair in pairs]
    predicted = [predicted_label(p) for p in probabilities]
    return EvalResult.from_labels(dataset, split, verifier_name, gold, predicted, elapsed)


def expand_datasets(dataset: str) -> list[str]:
    """ "all", one name, or a comma-separated list of names."""
    if dataset == "all":
        return sorted(DATASETS)
    names = [name.strip() for name in dataset.split(",") if name.strip()]
    unknown = [name for name in names if name not in DATASETS]
    if unknown or not names:
        raise ConfigError(
            f"unknown data set {', '.join(unknown) or dataset!r} (known: all, {', '.join(sorted(DATASETS))})"
        )
    return names


def run_eval(
    verifier_name: str,
    dataset: str | None = None,
    split: str = "test",
    task: Task = "verify",
    data_dir: Path | str | None = None,
    limit: int | None = None,
    *,
    pairs_file: Path | str | None = None,
    seed: int = 13,
    top_k: int = 6,
    chunk_words: int = DEFAULT_CHUNK_WORDS,
    resources: Resources | None = None,
    verifier_options: Mapping[str, object] | None = None,
    progress: ProgressFactory | None = None,
) -> list[EvalResult]:
    """Evaluates one verifier; `dataset` may be a name, a comma-separated list or "all". `progress` makes
    a callback for each stretch of work, fed (done, total): a data set's chunks judged (task verify), or its
    documents indexed and then its claims judged (end-to-end)."""
    if task not in TASKS:
        raise ConfigError(f"unknown task {task!r} (known: {', '.join(TASKS)})")
    resources = resources or Resources()

    def progress_of(name: str) -> ProgressCallback | None:
        return progress(name, "chunk") if progress else None

    if task == "claims":
        from veracity.eval.claims_task import evaluate_claim_extraction

        return [
            evaluate_claim_extraction(
                check_split(split), data_dir, limit=limit, seed=seed, resources=resources
            )
        ]
    verifier = build_verifier(verifier_name, resources, **dict(verifier_options or {}))
    if task == "end-to-end":
        from veracity.eval.end_to_end import evaluate_end_to_end

        names = expand_datasets(dataset or "")
        return [
            evaluate_end_to_end(
                verifier,
                verifier_name,
                name,
                split,
                data_dir,
                limit=limit,
                seed=seed,
                top_k=top_k,
                resources=resources,
                progress=progress,
            )
            for name in names
        ]
    if pairs_file is not None:
        pairs = read_pairs_file(pairs_file, limit=limit, seed=seed)
        name = Path(pairs_file).stem
        return [
            evaluate_pairs(
                verifier,
                verifier_name,
                name,
                "file",
                pairs,
                chunk_words=chunk_words,
                progress=progress_of(name),
            )
        ]
    if dataset is None:
        raise ConfigError("give --dataset NAME (or all) or --pairs FILE.jsonl")
    results = []
    for name in expand_datasets(dataset):
        if split not in DATASETS[name].splits:
            if dataset == "all":
                continue
            raise ConfigError(
                f"data set {name!r} has no {split!r} split (it has: {', '.join(DATASETS[name].splits)})"
            )
        pairs = load_pairs(name, split, data_dir, limit=limit, seed=seed)
        results.append(
            evaluate_pairs(
                verifier,
                verifier_name,
                name,
                split,
                pairs,
                chunk_words=chunk_words,
                progress=progress_of(name),
            )
        )
    return results


def average(results: Sequence[EvalResult], verifier_name: str, split: str) -> EvalResult:
    """The unweighted mean over data sets, as LLM-AggreFact averages its members."""

    def mean(values: list[float | None]) -> float | None:
        present = [v for v in values if v is not None]
        return sum(present) / len(present) if present else None

    return EvalResult(
        dataset="average",
        split=split,
        verifier=verifier_name,
        n=sum(r.n for r in results),
        balanced_accuracy=mean([r.balanced_accuracy for r in results]),
        macro_f1=mean([r.macro_f1 for r in results]),
        pairs_per_second=sum(r.n for r in results) / sum(r.n / r.pairs_per_second for r in results),
        task=results[0].task if results else "verify",
    )
