"""The pair-judge seam: every back-end scores (claim, evidence) pairs; shared code turns that into verdicts.

A back-end (slot alignment, a trained cross-encoder, an LLM) only implements `PairJudge.judge_many`;
`PairVerifier` adds the `Verifier` protocol on top, so aggregation and reasons stay the same for all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Protocol, runtime_checkable

from veracity.errors import InputError
from veracity.types import CheckedClaim, Claim, Passage, Stance

PairLabel = Literal["supported", "refuted", "not_enough_evidence"]
PAIR_LABELS: tuple[PairLabel, ...] = ("supported", "refuted", "not_enough_evidence")
_STANCE_OF: dict[PairLabel, Stance] = {
    "supported": "supports",
    "refuted": "refutes",
    "not_enough_evidence": "neutral",
}


@dataclass(frozen=True)
class EvidencePair:
    """One claim and one evidence text; the dates anchor relative times ("on Sunday", "this month")."""

    claim: str
    evidence: str
    claim_date: date | None = None
    evidence_date: date | None = None
    evidence_title: str | None = None  # the document's title: what every sentence of the passage is about


@dataclass(frozen=True)
class PairJudgement:
    """Label probabilities for one pair (they sum to 1) and a reason a person can check."""

    supported: float
    refuted: float
    not_enough_evidence: float
    reason: str

    @classmethod
    def from_scores(cls, supported: float, refuted: float, reason: str) -> PairJudgement:
        """Clip the two stance scores to [0, 1] and give what remains to not-enough-evidence."""
        supported = min(max(supported, 0.0), 1.0)
        refuted = min(max(refuted, 0.0), 1.0 - supported)
        return cls(supported, refuted, 1.0 - supported - refuted, reason)

    @property
    def probabilities(self) -> dict[PairLabel, float]:
        return {
            "supported": self.supported,
            "refuted": self.refuted,
            "not_enough_evidence": self.not_enough_evidence,
        }

    @property
    def label(self) -> PairLabel:
        probabilities = self.probabilities
        return max(PAIR_LABELS, key=lambda name: probabilities[name])

    @property
    def stance(self) -> Stance:
        return _STANCE_OF[self.label]

    @property
    def score(self) -> float:
        """How strongly the pair takes its stance."""
        return self.probabilities[self.label]

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "stance": self.stance,
            "probabilities": {name: round(value, 4) for name, value in self.probabilities.items()},
            "reason": self.reason,
        }


class PairJudge(Protocol):
    """A back-end that scores pairs; batching is its business (one embedding call, one model batch)."""

    name: str

    def judge_many(self, pairs: Sequence[EvidencePair]) -> list[PairJudgement]: ...


@dataclass(frozen=True)
class SetJudgement:
    """A claim judged against all of its passages at once: the claim-level probabilities, one judgement per
    passage (for the evidence list of the report; None for a passage the back-end chose not to read), and
    which passage decided (-1 when there were none)."""

    claim: PairJudgement
    passages: Sequence[PairJudgement | None]
    decider: int


@runtime_checkable
class EvidenceSetJudge(Protocol):
    """A back-end that decides from all of a claim's passages together, not passage by passage, whenever
    `judges_sets` is true (the builtin judge needs its fitted decision head for that)."""

    name: str
    judges_sets: bool

    def judge_many(self, pairs: Sequence[EvidencePair]) -> list[PairJudgement]: ...

    def judge_sets(self, sets: Sequence[Sequence[EvidencePair]]) -> list[SetJudgement]: ...


PairInput = EvidencePair | tuple[str, str]


def as_pair(item: PairInput) -> EvidencePair:
    if isinstance(item, EvidencePair):
        pair = item
    else:
        claim_text, evidence_text = item
        pair = EvidencePair(claim=claim_text, evidence=evidence_text)
    if not isinstance(pair.claim, str) or not pair.claim.strip():
        raise InputError("a claim to verify must be non-empty text")
    if not isinstance(pair.evidence, str):
        raise InputError("evidence must be text")
    return pair


class PairVerifier:
    """Implements `Verifier` for any `PairJudge`: judge every passage, then aggregate."""

    def __init__(self, judge: PairJudge) -> None:
        self.pair_judge = judge
        self.name = judge.name

    def judge(self, claim_text: str, evidence_text: str) -> PairJudgement:
        return self.judge_many([(claim_text, evidence_text)])[0]

    def judge_many(self, pairs: Sequence[PairInput]) -> list[PairJudgement]:
        checked = [as_pair(item) for item in pairs]
        return self.pair_judge.judge_many(checked) if checked else []

    @property
    def judges_sets(self) -> bool:
        return isinstance(self.pair_judge, EvidenceSetJudge) and self.pair_judge.judges_sets

    def judge_sets(self, sets: Sequence[Sequence[PairInput]]) -> list[SetJudgement]:
        """Claim-level judgements where the back-end decides over evidence sets (`judges_sets`)."""
        if not isinstance(self.pair_judge, EvidenceSetJudge) or not self.pair_judge.judges_sets:
            raise TypeError(f"the {self.name} verifier judges passages one at a time")
        return self.pair_judge.judge_sets([[as_pair(item) for item in items] for items in sets])

    def verify(self, claim: Claim, passages: Sequence[Passage]) -> CheckedClaim:
        from veracity.verify.aggregate import aggregate

        pairs = [
            EvidencePair(
                claim=claim.text,
                evidence=passage.text,
                claim_date=claim.time_frame,
                evidence_date=passage.published,
                evidence_title=passage.title,
            )
            for passage in passages
        ]
        if self.judges_sets and pairs:
            judged = self.judge_sets([pairs])[0]
            read = [(p, j) for p, j in zip(passages, judged.passages, strict=True) if j is not None]
            return aggregate(claim, [p for p, _ in read], [j for _, j in read], decision=judged.claim)
        judgements = self.judge_many(pairs)
        return aggregate(claim, list(passages), judgements)
