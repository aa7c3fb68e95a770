"""Verifiers, chosen by name: `VERIFIERS.create("align", resources=...)`.

Every back-end is a `PairJudge` wrapped in a `PairVerifier`, so it offers `verify(claim, passages)` for the
pipeline and `judge` / `judge_many` on raw text pairs for the evaluation harness.
"""

from __future__ import annotations

from veracity.registry import Registry
from veracity.resources import Resources
from veracity.types import Verifier
from veracity.verify.aggregate import aggregate
from veracity.verify.align import AlignJudge, create_align_judge
from veracity.verify.base import EvidencePair, PairJudge, PairJudgement, PairLabel, PairVerifier

VERIFIERS = Registry[Verifier]("verifier")


@VERIFIERS.register("align")
def _align(resources: Resources) -> Verifier:
    return PairVerifier(create_align_judge(resources))


__all__ = [
    "VERIFIERS",
    "AlignJudge",
    "EvidencePair",
    "PairJudge",
    "PairJudgement",
    "PairLabel",
    "PairVerifier",
    "aggregate",
]

# Back-ends in their own modules register themselves on import; their heavy dependencies load lazily.
from veracity.verify import baselines, builtin, hf, llm  # noqa: E402, F401
