"""Metrics and the chunk-and-aggregate rule for long evidence."""

from __future__ import annotations

import pytest

from veracity.eval.metrics import accuracy, balanced_accuracy_supported, confusion, label_f1, macro_f1
from veracity.verify.chunking import aggregate_chunks, chunk_evidence, predicted_label


def test_balanced_accuracy_is_mean_recall_of_supported_and_not() -> None:
    gold = ["supported", "supported", "refuted", "not_enough_evidence"]
    predicted = ["supported", "refuted", "refuted", "supported"]
    assert balanced_accuracy_supported(gold, predicted) == pytest.approx((0.5 + 0.5) / 2)
    assert balanced_accuracy_supported(["refuted", "refuted"], ["refuted", "supported"]) == 0.5
    with pytest.raises(ValueError):
        balanced_accuracy_supported(["supported"], [])


def test_macro_f1_skips_labels_absent_from_gold_and_predictions() -> None:
    gold = ["supported", "supported", "refuted", "refuted"]
    assert macro_f1(gold, gold) == 1.0
    predicted = ["supported", "refuted", "refuted", "not_enough_evidence"]
    expected = (2 * 1 / 3 + 2 * 1 / 4 + 0.0) / 3
    assert macro_f1(gold, predicted) == pytest.approx(expected)
    assert accuracy(gold, predicted) == 0.5


def test_confusion_counts_gold_rows_against_predicted_columns() -> None:
    gold = ["supported", "supported", "not_enough_evidence", "not_enough_evidence"]
    predicted = ["supported", "refuted", "refuted", "not_enough_evidence"]
    counts = confusion(gold, predicted)
    assert counts["supported"] == {"supported": 1, "refuted": 1, "not_enough_evidence": 0}
    assert counts["not_enough_evidence"] == {"supported": 0, "refuted": 1, "not_enough_evidence": 1}
    assert counts["refuted"] == {"supported": 0, "refuted": 0, "not_enough_evidence": 0}
    assert sum(sum(row.values()) for row in counts.values()) == len(gold)
    f1 = label_f1(counts)
    assert f1 == {"supported": pytest.approx(2 / 3), "not_enough_evidence": pytest.approx(2 / 3)}
    assert macro_f1(gold, predicted) == pytest.approx((sum(f1.values()) + 0.0) / 3)  # refuted: predicted only
    with pytest.raises(ValueError, match="conflicting"):
        confusion(["supported"], ["conflicting"])
    with pytest.raises(ValueError):
        confusion(["supported"], [])


def test_chunks_respect_the_word_budget_and_keep_every_word() -> None:
    segments = ["one two three.", "four five six seven.", "x " * 25 + "end."]
    chunks = chunk_evidence(segments, max_words=10)
    assert all(len(chunk.split()) <= 10 for chunk in chunks)
    assert " ".join(chunks).split() == " ".join(segments).split()
    assert chunk_evidence(["a b", "c d"], max_words=10) == ["a b c d"]
    assert chunk_evidence(["", "  "]) == []


def test_support_anywhere_wins_and_strong_refutation_beats_weak_support() -> None:
    nei = {"supported": 0.1, "refuted": 0.1, "not_enough_evidence": 0.8}
    support = {"supported": 0.9, "refuted": 0.05, "not_enough_evidence": 0.05}
    refute = {"supported": 0.05, "refuted": 0.85, "not_enough_evidence": 0.1}
    weak_refute = {"supported": 0.2, "refuted": 0.4, "not_enough_evidence": 0.4}
    assert aggregate_chunks([nei, support, refute]) == (support, 1)
    assert aggregate_chunks([nei, refute]) == (refute, 1)
    assert predicted_label(aggregate_chunks([nei, weak_refute])[0]) == "refuted"
    probabilities, index = aggregate_chunks([])
    assert index == -1
    assert predicted_label(probabilities) == "not_enough_evidence"
