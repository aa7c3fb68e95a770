"""Aggregation of per-passage judgements into one verdict, independent of any back-end."""

from __future__ import annotations

import pytest

from veracity.types import Claim, Passage
from veracity.verify import PairJudgement, aggregate

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
