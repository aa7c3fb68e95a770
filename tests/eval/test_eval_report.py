"""The printed evaluation table."""

from __future__ import annotations

from veracity.eval.harness import EvalResult
from veracity.eval.report import format_table


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
