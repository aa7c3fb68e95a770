"""Shared fixtures: paths of the bundled example and of the optional shared data sets."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from fake_embedder import HashingEmbedder

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = REPO_ROOT / "examples"


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


@pytest.fixture(scope="session")
def shared_datasets() -> Path:
    """The shared data sets folder; tests that need it skip where a clone has none."""
    path = Path(os.environ.get("VERACITY_DATA_DIR", REPO_ROOT.parent / "shared" / "datasets"))
    if not path.is_dir():
        pytest.skip(f"shared data sets not found at {path} (set VERACITY_DATA_DIR)")
    return path


@pytest.fixture
def embedder() -> HashingEmbedder:
    """Bag-of-hashed-words vectors: texts sharing words are close, as with the real model."""
    return HashingEmbedder()
