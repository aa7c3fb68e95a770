"""The per-text caches that let an article's claims share passage parses and vectors."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from veracity.verify.cache import CachingEmbedder, LRUCache


class CountingEmbedder:
    name = "counting"
    dim = 2

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return np.array([[len(text), 1.0] for text in texts], dtype=np.float32)


def test_only_unseen_texts_are_embedded_in_one_batch() -> None:
    inner = CountingEmbedder()
    embedder = CachingEmbedder(inner)
    first = embedder.embed(["a", "bb"])
    second = embedder.embed(["bb", "ccc", "a", "ccc"])
    assert inner.calls == [["a", "bb"], ["ccc"]]
    assert first.shape == (2, 2) and second.shape == (4, 2)
    assert second[0].tolist() == first[1].tolist() and second[1].tolist() == second[3].tolist()
    assert embedder.embed([]).shape == (0, 2)


def test_lru_evicts_the_least_recently_used() -> None:
    cache: LRUCache[str, int] = LRUCache(2)
    cache.get_many(["a", "b"], lambda keys: [len(key) for key in keys])
    cache.get_many(["a"], lambda keys: pytest.fail("a is cached"))
    cache.get_many(["c"], lambda keys: [3])
    assert "a" in cache and "c" in cache and "b" not in cache and len(cache) == 2


def test_a_batch_larger_than_the_cache_still_answers_every_key() -> None:
    cache: LRUCache[str, int] = LRUCache(1)
    assert cache.get_many(["x", "yy", "zzz"], lambda keys: [len(key) for key in keys]) == {
        "x": 1,
        "yy": 2,
        "zzz": 3,
    }
    with pytest.raises(ValueError):
        LRUCache(0)
