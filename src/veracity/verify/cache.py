"""Bounded per-text caches, so passages and sentences shared by many claims are embedded and parsed once.

The Checker verifies one claim at a time and the same passages come back for most claims of an article;
without these caches the align judge re-embedded and re-parsed them for every claim.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Generic, TypeVar

import numpy as np

from veracity.types import Embedder

Key = TypeVar("Key", bound=Hashable)
Value = TypeVar("Value")

EMBEDDING_CACHE_SIZE = 20_000  # ~30 MB of 384-d float32 vectors: a few articles' passages and sentences
ANALYSIS_CACHE_SIZE = 2_000  # spaCy Docs are heavier; this covers every passage one article retrieves


class LRUCache(Generic[Key, Value]):
    """A least-recently-used map that computes its missing values in one call."""

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("a cache needs room for at least one entry")
        self.capacity = capacity
        self._items: OrderedDict[Key, Value] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def get_many(self, keys: Iterable[Key], compute: Callable[[list[Key]], list[Value]]) -> dict[Key, Value]:
        """Values for `keys`; the missing ones come from one `compute(missing)` call, in the same order."""
        wanted = list(dict.fromkeys(keys))
        found: dict[Key, Value] = {}
        for key in wanted:
            if key in self._items:
                self._items.move_to_end(key)
                found[key] = self._items[key]
        missing = [key for key in wanted if key not in found]
        if missing:
            for key, value in zip(missing, compute(missing), strict=True):
                found[key] = value
                self._put(key, value)
        return {key: found[key] for key in wanted}

    def _put(self, key: Key, value: Value) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)


class CachingEmbedder:
    """An `Embedder` that remembers vectors by text and embeds only unseen texts, in one batch."""

    def __init__(self, inner: Embedder, capacity: int = EMBEDDING_CACHE_SIZE) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self._cache: LRUCache[str, np.ndarray] = LRUCache(capacity)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._cache.get_many(texts, lambda missing: list(self.inner.embed(missing)))
        return np.stack([vectors[text] for text in texts]).astype(np.float32, copy=False)
