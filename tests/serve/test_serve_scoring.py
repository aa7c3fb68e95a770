"""ScoreBatcher: overlapping /v1/score requests are scored in one call, each caller gets its own scores."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import pytest

from veracity.api import Score, ScoredDocument, Scorer
from veracity.errors import InputError
from veracity.serve.scoring import ScoreBatcher


def _score(claim: str, document: ScoredDocument) -> Score:
    return Score("supported", 1.0, 0.0, 0.0, f"{claim} <- {document}", str(document))


class RecordingScorer:
    """Echoes each claim; the first call waits for `release`, so that later requests pile up behind it."""

    def __init__(self, fail_on: str | None = None) -> None:
        self.calls: list[list[str]] = []
        self.started = threading.Event()
        self.release = threading.Event()
        self.fail_on = fail_on

    def score(self, documents: Sequence[ScoredDocument], claims: Sequence[str]) -> list[Score]:
        self.calls.append(list(claims))
        if len(self.calls) == 1:
            self.started.set()
            assert self.release.wait(10)
        if self.fail_on in claims:
            raise InputError(f"cannot score {self.fail_on!r}")
        return [_score(claim, document) for claim, document in zip(claims, documents, strict=True)]


def _waiting(batcher: ScoreBatcher, count: int) -> None:
    """Until `count` requests queue behind the one being scored (they cannot start before the release)."""
    deadline = time.monotonic() + 10
    while len(batcher._waiting) < count:
        assert time.monotonic() < deadline, "requests did not queue"
        time.sleep(0.005)


def _pile_up(
    batcher: ScoreBatcher, scorer: RecordingScorer, requests: list[list[str]], pool: ThreadPoolExecutor
) -> list[object]:
    """The first request starts scoring; the rest arrive while it runs; then it is released. Each result is
    a request's scores, or the exception its caller got."""

    def ask(claims: list[str]) -> object:
        try:
            return batcher.score([f"doc of {claim}" for claim in claims], claims)
        except Exception as exc:  # the test compares what each caller received
            return exc

    first = pool.submit(ask, requests[0])
    assert scorer.started.wait(10)
    rest = [pool.submit(ask, claims) for claims in requests[1:]]
    _waiting(batcher, len(requests) - 1)
    scorer.release.set()
    return [first.result(10), *(future.result(10) for future in rest)]


def test_requests_that_arrive_while_one_is_scored_share_the_next_call() -> None:
    scorer = RecordingScorer()
    batcher = ScoreBatcher(scorer, max_pairs=500)
    requests = [["a1"], ["b1", "b2"], ["c1"], ["d1", "d2", "d3"]]
    with ThreadPoolExecutor(4) as pool:
        results = _pile_up(batcher, scorer, requests, pool)
    assert scorer.calls[0] == ["a1"]
    assert len(scorer.calls) == 2 and sorted(scorer.calls[1]) == ["b1", "b2", "c1", "d1", "d2", "d3"]
    for claims, scores in zip(requests, results, strict=True):
        assert isinstance(scores, list)
        assert [score.reason for score in scores] == [f"{claim} <- doc of {claim}" for claim in claims]


def test_a_call_never_takes_more_than_max_pairs_but_a_larger_request_still_runs() -> None:
    scorer = RecordingScorer()
    batcher = ScoreBatcher(scorer, max_pairs=3)
    requests = [["a1"], ["b1", "b2"], ["c1", "c2"], ["d1", "d2", "d3", "d4"], ["e1"]]
    with ThreadPoolExecutor(5) as pool:
        results = _pile_up(batcher, scorer, requests, pool)
    assert all(isinstance(scores, list) for scores in results)
    later = scorer.calls[1:]
    assert sorted(claim for call in later for claim in call) == sorted(
        claim for claims in requests[1:] for claim in claims
    )
    assert all(len(call) <= 3 for call in later if "d1" not in call)
    assert ["d1", "d2", "d3", "d4"] in later  # over the cap: alone, whole


def test_one_failing_request_fails_alone_and_the_others_get_their_scores() -> None:
    scorer = RecordingScorer(fail_on="bad")
    batcher = ScoreBatcher(scorer, max_pairs=500)
    requests = [["a1"], ["b1"], ["bad", "c2"], ["d1"]]
    with ThreadPoolExecutor(4) as pool:
        results = _pile_up(batcher, scorer, requests, pool)
    failed = results[2]
    assert isinstance(failed, InputError) and "cannot score 'bad'" in str(failed)
    for index in (0, 1, 3):
        scores = results[index]
        assert isinstance(scores, list) and scores[0].reason.startswith(requests[index][0])


class Interrupted(BaseException):
    """Stands for KeyboardInterrupt or SystemExit inside a verifier."""


def test_an_interrupt_while_scoring_fails_every_waiting_caller_instead_of_hanging() -> None:
    class InterruptingScorer(RecordingScorer):
        def score(self, documents: Sequence[ScoredDocument], claims: Sequence[str]) -> list[Score]:
            if len(self.calls) == 1:  # the merged call
                self.calls.append(list(claims))
                raise Interrupted
            return super().score(documents, claims)

    scorer = InterruptingScorer()
    batcher = ScoreBatcher(scorer, max_pairs=500)

    def ask(claims: list[str]) -> object:
        try:
            return batcher.score(claims, claims)
        except Interrupted:
            return "interrupted"
        except Exception as exc:  # what this caller received
            return exc

    with ThreadPoolExecutor(3) as pool:
        first = pool.submit(ask, ["a1"])
        assert scorer.started.wait(10)
        rest = [pool.submit(ask, [claim]) for claim in ("b1", "c1")]
        _waiting(batcher, 2)
        scorer.release.set()
        outcomes = [future.result(10) for future in rest]
    assert isinstance(first.result(10), list)
    assert "interrupted" in outcomes  # the caller whose thread ran the merged call sees the interrupt
    others = [outcome for outcome in outcomes if outcome != "interrupted"]
    assert len(others) == 1 and "scoring was interrupted" in str(others[0])


def test_a_real_verifier_scores_the_same_merged_as_alone() -> None:
    pairs = [
        ("The strike killed 40 people.", "The strike killed 120 people."),
        ("The bridge opened in 2019.", "The bridge opened in 2019 after delays."),
        ("Rates fell on Thursday.", "The bank cut rates on Thursday 1 August 2024."),
        ("The council met in Leeds.", "The council met in York on Monday."),
    ]
    alone = Scorer("slots-only")
    expected = [alone.score([evidence], [claim])[0] for claim, evidence in pairs]
    batcher = ScoreBatcher(Scorer("slots-only"), max_pairs=500)
    barrier = threading.Barrier(len(pairs))

    def ask(pair: tuple[str, str]) -> Score:
        barrier.wait(10)
        return batcher.score([pair[1]], [pair[0]])[0]

    with ThreadPoolExecutor(len(pairs)) as pool:
        merged = list(pool.map(ask, pairs))
    assert merged == expected
    assert {score.label for score in merged} >= {"supported", "refuted"}


def test_max_pairs_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        ScoreBatcher(Scorer("slots-only"), max_pairs=0)
