"""From per-passage judgements to one verdict, shared by every back-end.

The strongest passage on each side decides; strong passages on both sides make the claim `conflicting`;
a claim nothing speaks to is `not_enough_evidence`, never `refuted`. A back-end that judges the whole
evidence set (`EvidenceSetJudge`) passes its claim-level `decision`, which then sets the verdict and its
confidence unless strong passages disagree; the passages are still ordered and cited the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

from veracity.types import CheckedClaim, Claim, Evidence, Passage, VerdictLabel
from veracity.verify.base import PairJudgement, PairLabel

STANCE_THRESHOLD = 0.5  # a passage takes a side when that side is its most likely label and at least this
CONFLICT_THRESHOLD = 0.6  # both sides must be this strong before the claim is called conflicting
MAX_EVIDENCE = 8


def aggregate(
    claim: Claim,
    passages: Sequence[Passage],
    judgements: Sequence[PairJudgement],
    decision: PairJudgement | None = None,
) -> CheckedClaim:
    if len(passages) != len(judgements):
        raise ValueError("one judgement per passage is required")
    evidence = [
        Evidence(passage=passage, stance=judgement.stance, score=judgement.score, reason=judgement.reason)
        for passage, judgement in zip(passages, judgements, strict=True)
    ]
    supporting = [item for item in evidence if item.stance == "supports" and item.score >= STANCE_THRESHOLD]
    refuting = [item for item in evidence if item.stance == "refutes" and item.score >= STANCE_THRESHOLD]
    best_support = max((item.score for item in supporting), default=0.0)
    best_refute = max((item.score for item in refuting), default=0.0)

    verdict: VerdictLabel
    if best_support >= CONFLICT_THRESHOLD and best_refute >= CONFLICT_THRESHOLD:
        verdict = "conflicting"
        confidence = min(best_support, best_refute)
    elif decision is not None:
        verdict = _VERDICT_OF[decision.label]
        confidence = decision.score
    elif refuting and best_refute >= best_support:
        verdict = "refuted"
        confidence = best_refute * (1.0 - 0.5 * best_support)
    elif supporting:
        verdict = "supported"
        confidence = best_support * (1.0 - 0.5 * best_refute)
    else:
        verdict = "not_enough_evidence"
        strongest = max((max(j.supported, j.refuted) for j in judgements), default=0.0)
        confidence = 1.0 - strongest

    if decision is not None and verdict in ("supported", "refuted"):
        side: PairLabel = "supported" if verdict == "supported" else "refuted"
        ranked = sorted(range(len(evidence)), key=lambda i: -judgements[i].probabilities[side])
        ordered = [evidence[i] for i in ranked][:MAX_EVIDENCE]
    else:
        ordered = _order(evidence, verdict)[:MAX_EVIDENCE]
    reason = _reason(verdict, ordered, supporting, refuting)
    if decision is not None and verdict != "conflicting" and ordered:
        reason = f"{decision.reason} [{_cite(ordered[0])}]"
    return CheckedClaim(
        claim=claim,
        verdict=verdict,
        confidence=round(min(max(confidence, 0.0), 1.0), 4),
        reason=reason,
        evidence=ordered,
    )


_VERDICT_OF: dict[str, VerdictLabel] = {
    "supported": "supported",
    "refuted": "refuted",
    "not_enough_evidence": "not_enough_evidence",
}


def _order(evidence: list[Evidence], verdict: VerdictLabel) -> list[Evidence]:
    """Deciding passages first, strongest first; neutral ones last, the closest call (least sure) first."""
    deciding = {
        "supported": {"supports"},
        "refuted": {"refutes"},
        "conflicting": {"supports", "refutes"},
        "not_enough_evidence": set(),
    }[verdict]
    return sorted(
        evidence,
        key=lambda item: (
            item.stance not in deciding,
            item.stance == "neutral",
            item.score if item.stance == "neutral" else -item.score,
        ),
    )


def _reason(
    verdict: VerdictLabel, ordered: list[Evidence], supporting: list[Evidence], refuting: list[Evidence]
) -> str:
    if verdict == "conflicting":
        top_support = max(supporting, key=lambda item: item.score)
        top_refute = max(refuting, key=lambda item: item.score)
        return (
            f"sources disagree: {_cite(top_support)} supports it ({top_support.reason}); "
            f"{_cite(top_refute)} contradicts it ({top_refute.reason})"
        )
    if verdict in {"supported", "refuted"}:
        top = ordered[0]
        return f"{top.reason} [{_cite(top)}]"
    if not ordered:
        return "no evidence passages were found for this claim"
    return f"no passage confirms or contradicts it; closest [{_cite(ordered[0])}]: {ordered[0].reason}"


def _cite(item: Evidence) -> str:
    return item.passage.title or item.passage.doc_id
