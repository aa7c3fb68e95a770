"""Classification metrics for verifier evaluation, kept dependency-free (scikit-learn is not a dependency)."""

from __future__ import annotations

from collections.abc import Sequence

from veracity.eval.datasets import GOLD_LABELS


def balanced_accuracy_supported(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Mean recall of "supported" and "not supported" (the LLM-AggreFact convention), as a fraction.

    A data set whose gold labels hold only one of the two sides scores the recall of that side alone.
    """
    _check_lengths(gold, predicted)
    recalls = []
    for positive in (True, False):
        rows = [
            p == "supported" for g, p in zip(gold, predicted, strict=True) if (g == "supported") == positive
        ]
        if rows:
            recalls.append(sum(hit == positive for hit in rows) / len(rows))
    return sum(recalls) / len(recalls) if recalls else 0.0


def macro_f1(gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = GOLD_LABELS) -> float:
    """3-way macro-F1 over the labels that occur in the gold data or the predictions.

    A label absent from both is left out rather than counted as a perfect or a zero F1.
    """
    _check_lengths(gold, predicted)
    scores = []
    for label in labels:
        true_positive = sum(g == label and p == label for g, p in zip(gold, predicted, strict=True))
        gold_count = sum(g == label for g in gold)
        predicted_count = sum(p == label for p in predicted)
        if gold_count == 0 and predicted_count == 0:
            continue
        scores.append(_f1(true_positive, gold_count, predicted_count))
    return sum(scores) / len(scores) if scores else 0.0


def _f1(true_positive: int, gold_count: int, predicted_count: int) -> float:
    return 2 * true_positive / (gold_count + predicted_count)


def confusion(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] = GOLD_LABELS
) -> dict[str, dict[str, int]]:
    """Counts of each gold label (outer key) against each predicted label (inner key), every label a key.

    It shows what the two summary metrics hide: which labels a verifier confuses, and whether it predicts a
    label the gold data never uses (on WiCE, "refuted"), which macro-F1 then averages in as a zero.
    """
    _check_lengths(gold, predicted)
    unknown = sorted({*gold, *predicted} - set(labels))
    if unknown:
        raise ValueError(f"labels outside {', '.join(labels)}: {', '.join(unknown)}")
    counts = {row: dict.fromkeys(labels, 0) for row in labels}
    for g, p in zip(gold, predicted, strict=True):
        counts[g][p] += 1
    return counts


def predicted_counts(counts: dict[str, dict[str, int]]) -> dict[str, int]:
    """How often each label was predicted, from `confusion` counts."""
    return {label: sum(row.get(label, 0) for row in counts.values()) for label in counts}


def label_f1(counts: dict[str, dict[str, int]]) -> dict[str, float]:
    """The F1 of each label some gold pair has, from `confusion` counts. A label that is only predicted is
    left out: its F1 is 0 whatever the verifier does, and `eval.report.predicted_outside_gold` names it."""
    predicted = predicted_counts(counts)
    return {
        label: _f1(row.get(label, 0), sum(row.values()), predicted[label])
        for label, row in counts.items()
        if any(row.values())
    }


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    _check_lengths(gold, predicted)
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold) if gold else 0.0


def _check_lengths(gold: Sequence[str], predicted: Sequence[str]) -> None:
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold labels but {len(predicted)} predictions")
