"""`POST /v1/score` requests for one verifier, scored together when they arrive together.

A verifier judges one request at a time (its parse caches are not shared between threads), and a request of
a pair or two leaves most of its work unbatched: the encoder's threads idle, spaCy parsing one text at a time.
So the requests that arrive while one is being scored wait, and the next run takes all of them in one call
(group commit). Under load a pair then costs about what it costs inside a large request; a request that
arrives alone runs at once and never waits for company. Every verifier judges each claim against its own
evidence, so a pair's score does not depend on the requests it was scored with (for `hf` up to float
rounding: it pads the pairs of a call to the longest).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from veracity.errors import VeracityError

if TYPE_CHECKING:
    from veracity.api import Score, ScoredDocument


class PairScorer(Protocol):
    def score(self, documents: Sequence[ScoredDocument], claims: Sequence[str]) -> list[Score]: ...


class _Request:
    """One caller's pairs and, once scored, its scores or the error to raise in the caller's thread."""

    def __init__(self, documents: Sequence[ScoredDocument], claims: Sequence[str]) -> None:
        self.documents = list(documents)
        self.claims = list(claims)
        self.scores: list[Score] | None = None
        self.error: BaseException | None = None

    @property
    def finished(self) -> bool:
        return self.scores is not None or self.error is not None

    def outcome(self) -> list[Score]:
        if self.error is not None:
            raise self.error
        assert self.scores is not None
        return self.scores


class ScoreBatcher:
    """Thread-safe `score` over one scorer; callers that overlap are merged into calls of up to `max_pairs`
    pairs (a single larger request still runs, alone)."""

    def __init__(self, scorer: PairScorer, max_pairs: int) -> None:
        if max_pairs < 1:
            raise ValueError("max_pairs must be at least 1")
        self.scorer = scorer
        self.max_pairs = max_pairs
        self._waiting: deque[_Request] = deque()
        self._waiting_lock = threading.Lock()
        self._scoring_lock = threading.Lock()

    def score(self, documents: Sequence[ScoredDocument], claims: Sequence[str]) -> list[Score]:
        """Claim i against document i, as `Scorer.score`; blocks until this request is scored."""
        request = _Request(documents, claims)
        with self._waiting_lock:
            self._waiting.append(request)
        with self._scoring_lock:
            while not request.finished:  # requests ahead of it may fill a call first
                self._run(self._take())
        return request.outcome()

    def _take(self) -> list[_Request]:
        """The oldest waiting requests, as many as fit in `max_pairs` (at least one)."""
        batch: list[_Request] = []
        pairs = 0
        with self._waiting_lock:
            while self._waiting and (not batch or pairs + len(self._waiting[0].claims) <= self.max_pairs):
                request = self._waiting.popleft()
                batch.append(request)
                pairs += len(request.claims)
        return batch

    def _run(self, batch: list[_Request]) -> None:
        try:
            if len(batch) > 1 and self._run_together(batch):
                return
            for request in batch:
                try:
                    request.scores = self.scorer.score(request.documents, request.claims)
                except Exception as exc:  # raised again in the thread that asked
                    request.error = exc
        finally:
            for request in batch:  # an interrupt must not leave the other callers waiting forever
                if not request.finished:
                    request.error = VeracityError("scoring was interrupted; send the request again")

    def _run_together(self, batch: list[_Request]) -> bool:
        """One call for the whole batch; False when it fails, so that each request alone finds whose
        pairs failed and the others still get their scores."""
        try:
            scores = self.scorer.score(
                [document for request in batch for document in request.documents],
                [claim for request in batch for claim in request.claims],
            )
        except Exception:
            return False
        offset = 0
        for request in batch:
            request.scores = scores[offset : offset + len(request.claims)]
            offset += len(request.claims)
        return True
