"""The training example: one (evidence, claim) pair with a three-way label and where it came from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PairLabel = Literal["supported", "refuted", "not_enough_evidence"]
LABELS: tuple[PairLabel, ...] = ("supported", "refuted", "not_enough_evidence")


@dataclass(frozen=True)
class Pair:
    evidence: str
    claim: str
    label: PairLabel
    source: str  # data set and edit type, for per-source counts in the model card
