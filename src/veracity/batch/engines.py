"""Batch engines, chosen by name: each runs `ArticleWorker`s somewhere and hands outcomes to the driver."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Protocol

from veracity.batch.jobs import Outcome
from veracity.registry import Registry

OutcomeSink = Callable[[Outcome], None]


class BatchEngine(Protocol):
    """Checks every input line and calls `emit` in the driver process for each outcome, in any order.

    Writing stays in the driver, so resumability and durability live in one place whatever the engine.
    """

    name: str

    def run(self, lines: Iterable[str], emit: OutcomeSink) -> None: ...


ENGINES = Registry[BatchEngine]("batch engine")
