"""Aggregation of per-passage judgements into one verdict, independent of any back-end."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from veracity.types import Claim, Passage
from veracity.verify import PairJudgement, aggregate
from veracity.verify.base import EvidencePair, PairVerifier, SetJudgement

CLAIM = Claim(
    id="c1", text="The bridge opened in 1932.", start=0, end=26, sentence="The bridge opened in 1932."
)


def passages(count: int) -> list[Passage]:
    return [Passage(i, f"d{i}", f"d{i}.txt", f"text {i}", 0, 6) for i in range(count)]


def judged(supported: float, refuted: float) -> PairJudgement:
    return PairJudgement.from_scores(supported, refuted, f"s={supported} r={refuted}")


@pytest.mark.parametrize(
    ("scores", "verdict"),
    [
        ([(0.9, 0.0), (0.1, 0.0)], "supported"),
        ([(0.0, 0.8), (0.2, 0.0)], "refuted"),
        ([(0.85, 0.0), (0.0, 0.8)], "conflicting"),
        ([(0.55, 0.0), (0.0, 0.9)], "refuted"),
        ([(0.2, 0.1), (0.3, 0.0)], "not_enough_evidence"),
        ([], "not_enough_evidence"),
    ],
)
def test_verdicts(scores: list[tuple[float, float]], verdict: str) -> None:
    checked = aggregate(CLAIM, passages(len(scores)), [judged(s, r) for s, r in scores])
    assert checked.verdict == verdict
    assert 0.0 <= checked.confidence <= 1.0


def test_deciding_passage_first_with_its_reason() -> None:
    checked = aggregate(CLAIM, passages(3), [judged(0.1, 0.0), judged(0.0, 0.9), judged(0.0, 0.6)])
    assert [item.passage.doc_id for item in checked.evidence] == ["d1", "d2", "d0"]
    assert checked.reason.startswith("s=0.0 r=0.9")


def test_mismatched_lengths_are_rejected() -> None:
    with pytest.raises(ValueError):
        aggregate(CLAIM, passages(2), [judged(0.5, 0.0)])


def test_a_claim_level_decision_sets_the_verdict_and_cites_its_strongest_passage() -> None:
    decision = PairJudgement(0.7, 0.05, 0.25, "supported (0.70) over 2 passages")
    checked = aggregate(CLAIM, passages(2), [judged(0.3, 0.0), judged(0.45, 0.0)], decision=decision)
    assert checked.verdict == "supported"
    assert checked.confidence == pytest.approx(0.7)
    assert [item.passage.doc_id for item in checked.evidence] == ["d1", "d0"]
    assert checked.reason == "supported (0.70) over 2 passages [d1]"


def test_a_decision_does_not_hide_strong_passages_that_disagree() -> None:
    decision = PairJudgement(0.2, 0.1, 0.7, "not enough evidence")
    checked = aggregate(CLAIM, passages(2), [judged(0.9, 0.0), judged(0.0, 0.8)], decision=decision)
    assert checked.verdict == "conflicting"


def test_a_decision_against_every_passage_still_names_the_closest() -> None:
    decision = PairJudgement(0.1, 0.1, 0.8, "not_enough_evidence (0.80) over 1 passage")
    checked = aggregate(CLAIM, passages(1), [judged(0.6, 0.0)], decision=decision)
    assert checked.verdict == "not_enough_evidence"
    assert checked.reason.startswith("not_enough_evidence (0.80)")


class WholeSetJudge:
    """Supports a claim only when every passage mentions 1932, whatever each passage says alone."""

    name = "whole-set"
    judges_sets = True

    def judge_many(self, pairs: Sequence[EvidencePair]) -> list[PairJudgement]:
        return [judged(0.3, 0.0) for _ in pairs]

    def judge_sets(self, sets: Sequence[Sequence[EvidencePair]]) -> list[SetJudgement]:
        out = []
        for pairs in sets:
            every = all("1932" in pair.evidence for pair in pairs)
            claim = PairJudgement.from_scores(0.8 if every else 0.1, 0.0, f"every passage: {every}")
            out.append(SetJudgement(claim, self.judge_many(pairs), 0))
        return out


def test_a_verifier_over_a_set_judge_decides_from_all_passages() -> None:
    verifier = PairVerifier(WholeSetJudge())
    assert verifier.judges_sets
    found = [Passage(i, f"d{i}", f"d{i}.txt", "It opened in 1932.", 0, 18) for i in range(2)]
    assert verifier.verify(CLAIM, found).verdict == "supported"
    mixed = [*found[:1], Passage(2, "d2", "d2.txt", "It is a bridge.", 0, 15)]
    assert verifier.verify(CLAIM, mixed).verdict == "not_enough_evidence"
    assert not PairVerifier(PassageOnlyJudge()).judges_sets
    with pytest.raises(TypeError):
        PairVerifier(PassageOnlyJudge()).judge_sets([[("a claim", "a passage")]])


class PassageOnlyJudge:
    name = "pairs-only"

    def judge_many(self, pairs: Sequence[EvidencePair]) -> list[PairJudgement]:
        return [judged(0.5, 0.0) for _ in pairs]
