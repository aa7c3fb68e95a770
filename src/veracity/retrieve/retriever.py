"""Evidence retrieval from the store: BM25 and dense search, fused by reciprocal rank.

BM25 finds passages that share the claim's rare words (names, numbers, places); dense search finds
paraphrases that share none. Reciprocal rank fusion combines the two rankings without calibrating
their incomparable scores against each other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from typing import Literal

import numpy as np

from veracity.errors import ConfigError, StoreError
from veracity.resources import Resources
from veracity.store import DateRange, Store
from veracity.types import Claim, Passage

Mode = Literal["hybrid", "bm25", "dense"]
MODES: tuple[Mode, ...] = ("hybrid", "bm25", "dense")
DEFAULT_WINDOW_DAYS: int | None = None
"""No date filter unless asked: background facts ("controlled Gaza since 2007") live in old documents."""
RRF_K = 60  # the constant of Cormack et al. (2009): damps the weight of the very top ranks
_QUERY_SLOT_KINDS = frozenset({"person", "organization", "place", "event", "quantity", "date", "weekday"})


def claim_query(claim: Claim) -> str:
    """The claim's standalone text plus the surface text of its entity slots, for keyword search."""
    extra = [slot.text for slot in claim.slots if slot.kind in _QUERY_SLOT_KINDS and slot.text]
    return " ".join([claim.text, *extra])


def date_window(around: date | None, window_days: int | None) -> DateRange | None:
    if around is None or window_days is None:
        return None
    span = timedelta(days=window_days)
    return (around - span, around + span)


def reciprocal_rank_fusion(rankings: Sequence[Sequence[int]], rrf_k: int = RRF_K) -> list[tuple[int, float]]:
    """(id, fused score) best first; ties keep the order in which ids were first seen."""
    scores: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + 1.0 / (rrf_k + rank)
    return sorted(scores.items(), key=lambda pair: pair[1], reverse=True)


class StoreRetriever:
    """Retrieves from an open `Store`; the embedder is taken from `resources` only when dense search runs.

    `window_days`, when set, keeps documents published within that many days of the article date
    (`around`); undated documents, such as encyclopaedia pages, always pass.
    """

    def __init__(
        self,
        store: Store,
        resources: Resources | None = None,
        *,
        mode: Mode = "hybrid",
        window_days: int | None = DEFAULT_WINDOW_DAYS,
        candidates: int = 50,
        rrf_k: int = RRF_K,
    ) -> None:
        if mode not in MODES:
            raise ConfigError(f"unknown retrieval mode {mode!r} (known: {', '.join(MODES)})")
        if window_days is not None and window_days < 0:
            raise ConfigError(f"window_days must be >= 0, not {window_days}")
        self.store = store
        self.resources = resources or Resources()
        self.mode = mode
        self.window_days = window_days
        self.candidates = candidates
        self.rrf_k = rrf_k

    def retrieve(self, claim: Claim, *, k: int = 8, around: date | None = None) -> list[Passage]:
        return self.retrieve_many([claim], k=k, around=around)[0]

    def retrieve_many(
        self, claims: Sequence[Claim], *, k: int = 8, around: date | None = None
    ) -> list[list[Passage]]:
        """Passages for each claim; all dense queries are embedded in one batch."""
        if not claims or k <= 0:
            return [[] for _ in claims]
        window = date_window(around, self.window_days)
        depth = max(self.candidates, k)
        vectors = self._embed([claim.text for claim in claims]) if self.mode != "bm25" else None
        results: list[list[Passage]] = []
        for index, claim in enumerate(claims):
            keyword = (
                self.store.search_bm25(claim_query(claim), depth, window) if self.mode != "dense" else []
            )
            dense = self.store.search_dense(vectors[index], depth, window) if vectors is not None else []
            if self.mode == "hybrid":
                ranked = reciprocal_rank_fusion([[i for i, _ in keyword], [i for i, _ in dense]], self.rrf_k)
            else:
                ranked = keyword or dense
            results.append(self._passages(ranked[:k]))
        return results

    def _embed(self, texts: list[str]) -> np.ndarray:
        embedder = self.resources.embedder
        indexed_with = self.store.embedder_name
        if indexed_with is not None and indexed_with != embedder.name:
            raise StoreError(
                f"store {self.store.path} was indexed with embedder {indexed_with!r}, but the checker uses "
                f"{embedder.name!r}; choose the same embedder or re-index"
            )
        return embedder.embed(texts)

    def _passages(self, ranked: Sequence[tuple[int, float]]) -> list[Passage]:
        scores = dict(ranked)
        return [
            replace(passage, retrieval_score=scores[passage.passage_id])
            for passage in self.store.get_passages([passage_id for passage_id, _ in ranked])
        ]
