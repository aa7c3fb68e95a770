"""The printed evaluation table."""

from __future__ import annotations

from veracity.eval.harness import EvalResult, average
from veracity.eval.report import format_confusion, format_table, predicted_outside_gold


def result(rate: float, **metrics: float) -> EvalResult:
    return EvalResult("wice", "test", "llm", 40, 0.7531, 0.4692, rate, metrics=dict(metrics))


def test_slow_judges_keep_two_significant_digits() -> None:
    rows = format_table([result(0.0412), result(7.36), result(154.84)]).splitlines()[2:]
    assert [row.strip("| ").split(" | ")[6] for row in rows] == ["0.041", "7.4", "154.8"]


def test_extra_metrics_get_columns_and_missing_values_a_dash() -> None:
    table = format_table([result(1.0, recall_at_5=0.8125), result(1.0)])
    header, _, first, second = table.splitlines()
    assert header.endswith("| pairs/s | recall_at_5 |")
    assert first.endswith("| 0.812 |")
    assert second.endswith("| - |")
    assert "| 0.753 | 0.469 |" in first


def test_confusion_rows_and_labels_the_gold_never_has() -> None:
    gold = ["supported", "supported", "not_enough_evidence", "not_enough_evidence", "not_enough_evidence"]
    predicted = ["supported", "refuted", "refuted", "refuted", "not_enough_evidence"]
    wice = EvalResult.from_labels("wice", "test", "builtin", gold, predicted, elapsed=1.0)
    assert predicted_outside_gold(wice) == {"refuted": 3}
    assert wice.to_dict()["confusion"]["not_enough_evidence"] == {
        "supported": 0,
        "refuted": 2,
        "not_enough_evidence": 1,
    }
    header, _, *rows = format_confusion([wice]).splitlines()
    assert header.endswith("| predicted supported | predicted refuted | predicted not_enough_evidence | F1 |")
    assert rows == [
        "| wice | test | builtin | supported | 1 | 1 | 0 | 0.667 |",
        "| wice | test | builtin | not_enough_evidence | 0 | 2 | 1 | 0.500 |",
    ]  # no row for "refuted", which no gold pair has
    exact = EvalResult.from_labels("wice", "test", "builtin", gold, gold, elapsed=1.0)
    assert predicted_outside_gold(exact) == {}
    mean = average([wice, exact], "builtin", "test")
    assert mean.confusion is None and "confusion" not in mean.to_dict()
    assert predicted_outside_gold(mean) == {}
