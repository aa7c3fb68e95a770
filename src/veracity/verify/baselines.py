"""Two simple verifiers every back-end must beat, registered like the others: "embed-threshold", "slots-only".

embed-threshold: the cosine of claim and evidence embeddings against a threshold; it cannot refute.
slots-only: the slot comparison rules alone (numbers, dates, places, names), without any model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from veracity.resources import Resources
from veracity.slots import compare_slots, extract_slots
from veracity.types import Slot
from veracity.verify import VERIFIERS
from veracity.verify.base import EvidencePair, PairJudgement, PairVerifier

# Chosen on the dev splits of WiCE, Check-COVID and Factcheck-GPT pooled (the balanced-accuracy optimum,
# 150 pairs each; `benchmarks/bench_verifiers.py --fit-embed-threshold --limit 150` recomputes it).
EMBED_THRESHOLD = 0.576
EMBED_TEMPERATURE = 0.05  # how sharply the probability rises around the threshold

_COMPARED_KINDS = {"quantity", "date", "weekday", "place", "person", "organization", "event"}


class EmbedThresholdJudge:
    """Supported when the embeddings are closer than a threshold; otherwise not enough evidence."""

    def __init__(self, resources: Resources, threshold: float = EMBED_THRESHOLD) -> None:
        self.name = "embed-threshold"
        self.resources = resources
        self.threshold = threshold

    def similarities(self, pairs: Sequence[EvidencePair]) -> np.ndarray:
        embedder = self.resources.embedder
        claims = embedder.embed([pair.claim for pair in pairs])
        evidence = embedder.embed([pair.evidence for pair in pairs])
        return np.einsum("ij,ij->i", claims, evidence)

    def judge_many(self, pairs: Sequence[EvidencePair]) -> list[PairJudgement]:
        if not pairs:
            return []
        judgements = []
        for similarity in self.similarities(pairs):
            supported = 1.0 / (1.0 + math.exp(-(float(similarity) - self.threshold) / EMBED_TEMPERATURE))
            reason = f"embedding cosine {float(similarity):.2f} against threshold {self.threshold:.2f}"
            judgements.append(PairJudgement.from_scores(supported, 0.0, reason))
        return judgements


class SlotsOnlyJudge:
    """Refuted when a claim slot clashes with the evidence and none agrees; supported when all are found."""

    def __init__(self, resources: Resources) -> None:
        self.name = "slots-only"
        self.resources = resources

    def _slots(self, text: str) -> list[Slot]:
        return [slot for slot in extract_slots(text, self.resources.nlp) if slot.kind in _COMPARED_KINDS]

    def judge_many(self, pairs: Sequence[EvidencePair]) -> list[PairJudgement]:
        return [self._judge(pair) for pair in pairs]

    def _judge(self, pair: EvidencePair) -> PairJudgement:
        claim_slots = self._slots(pair.claim)
        if not claim_slots:
            return PairJudgement.from_scores(
                0.0, 0.0, "the claim has no number, date, place or name to compare"
            )
        evidence_slots = self._slots(pair.evidence)
        matched: list[Slot] = []
        clashes: list[tuple[Slot, Slot]] = []
        for slot in claim_slots:
            outcomes = [(compare_slots(slot, other), other) for other in evidence_slots]
            if any(outcome == "match" for outcome, _ in outcomes):
                matched.append(slot)
            else:
                clash = next((other for outcome, other in outcomes if outcome == "mismatch"), None)
                if clash is not None:
                    clashes.append((slot, clash))
        if clashes:
            slot, other = clashes[0]
            return PairJudgement.from_scores(0.0, 0.85, f"evidence: {other.text}; claim: {slot.text}")
        if len(matched) == len(claim_slots):
            found = ", ".join(slot.text for slot in matched)
            return PairJudgement.from_scores(
                0.85, 0.0, f"every detail of the claim is in the evidence: {found}"
            )
        share = len(matched) / len(claim_slots)
        return PairJudgement.from_scores(
            0.4 * share, 0.0, f"{len(matched)} of {len(claim_slots)} claim details found"
        )


@VERIFIERS.register("embed-threshold")
def create_embed_threshold(
    resources: Resources | None = None, *, threshold: float = EMBED_THRESHOLD
) -> PairVerifier:
    return PairVerifier(EmbedThresholdJudge(resources or Resources(), float(threshold)))


@VERIFIERS.register("slots-only")
def create_slots_only(resources: Resources | None = None) -> PairVerifier:
    return PairVerifier(SlotsOnlyJudge(resources or Resources()))
