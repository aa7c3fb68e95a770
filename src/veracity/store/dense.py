"""Dense nearest-neighbour search over passage embeddings, cached next to the database.

The cache is derived data: a single `.npz` written to a temporary file and renamed into place, tagged with
the store generation it was built from, so a reader never sees a half-written file and rebuilds whenever
the database has moved on. `DenseIndex` is the seam for an approximate index over millions of passages;
`ExactDenseIndex` is a brute-force dot product, exact and fast enough for a few hundred thousand.
"""

from __future__ import annotations

import contextlib
import os
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Protocol

import numpy as np

UNDATED = 0  # date ordinals start at 1


@dataclass
class DenseData:
    ids: np.ndarray  # int64 passage ids
    vectors: np.ndarray  # float32 (n, dim), L2-normalised
    published: np.ndarray  # int32 date ordinals of the passages' documents, UNDATED when unknown
    generation: int
    embedder: str


class DenseIndex(Protocol):
    def search(
        self, vector: np.ndarray, k: int, date_range: tuple[date, date] | None = None
    ) -> list[tuple[int, float]]: ...


class ExactDenseIndex:
    def __init__(self, data: DenseData) -> None:
        self.data = data

    def search(
        self, vector: np.ndarray, k: int, date_range: tuple[date, date] | None = None
    ) -> list[tuple[int, float]]:
        if k <= 0 or len(self.data.ids) == 0:
            return []
        scores = self.data.vectors @ np.asarray(vector, dtype=np.float32).reshape(-1)
        if date_range is not None:
            published = self.data.published
            low, high = date_range[0].toordinal(), date_range[1].toordinal()
            allowed = (published == UNDATED) | ((published >= low) & (published <= high))
            scores = np.where(allowed, scores, -np.inf)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(int(self.data.ids[i]), float(scores[i])) for i in top if np.isfinite(scores[i])]


def save_cache(path: Path, data: DenseData) -> None:
    """Atomic write; a store folder we cannot write to (read-only media) just goes without a cache."""
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as handle:
            np.savez(
                handle,
                ids=data.ids,
                vectors=data.vectors,
                published=data.published,
                generation=np.int64(data.generation),
                embedder=np.str_(data.embedder),
            )
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()


def load_cache(path: Path, generation: int, embedder: str) -> DenseData | None:
    """The cached vectors if they were built from this exact generation, else None (rebuild)."""
    try:
        with np.load(path, allow_pickle=False) as archive:
            if int(archive["generation"]) != generation or str(archive["embedder"]) != embedder:
                return None
            return DenseData(
                ids=archive["ids"],
                vectors=archive["vectors"],
                published=archive["published"],
                generation=generation,
                embedder=embedder,
            )
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None
