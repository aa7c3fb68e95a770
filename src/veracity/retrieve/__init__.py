"""Evidence retrieval back-ends, chosen by name: `RETRIEVERS.create("hybrid", store=..., resources=...)`."""

from __future__ import annotations

from veracity.registry import Registry
from veracity.resources import Resources
from veracity.retrieve.retriever import (
    DEFAULT_WINDOW_DAYS,
    StoreRetriever,
    claim_query,
    date_window,
    reciprocal_rank_fusion,
)
from veracity.store import Store
from veracity.types import Retriever

RETRIEVERS = Registry[Retriever]("retriever")


@RETRIEVERS.register("hybrid")
def _hybrid(*, store: Store, resources: Resources | None = None, **options: object) -> Retriever:
    return StoreRetriever(store, resources, mode="hybrid", **options)  # type: ignore[arg-type]


@RETRIEVERS.register("bm25")
def _bm25(*, store: Store, resources: Resources | None = None, **options: object) -> Retriever:
    return StoreRetriever(store, resources, mode="bm25", **options)  # type: ignore[arg-type]


@RETRIEVERS.register("dense")
def _dense(*, store: Store, resources: Resources | None = None, **options: object) -> Retriever:
    return StoreRetriever(store, resources, mode="dense", **options)  # type: ignore[arg-type]


__all__ = [
    "DEFAULT_WINDOW_DAYS",
    "RETRIEVERS",
    "StoreRetriever",
    "claim_query",
    "date_window",
    "reciprocal_rank_fusion",
]
