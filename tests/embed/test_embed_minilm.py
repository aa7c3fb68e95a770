"""The MiniLM embedders: registry, lazy loading, and that vectors carry meaning."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from veracity.embed import EMBEDDERS, MiniLMOnnxEmbedder
from veracity.errors import ConfigError
from veracity.types import Embedder


def test_registry_names_and_protocol() -> None:
    assert {"minilm-int8", "minilm-torch"} <= set(EMBEDDERS.names())
    embedder = EMBEDDERS.create("minilm-int8")
    assert isinstance(embedder, Embedder)
    assert (embedder.name, embedder.dim) == ("minilm-int8", 384)


def test_construction_loads_nothing() -> None:
    embedder = MiniLMOnnxEmbedder()
    assert embedder._session is None
    assert embedder.embed([]).shape == (0, 384)
    assert embedder._session is None


def test_bundled_tokenizer_is_shipped() -> None:
    assert MiniLMOnnxEmbedder().tokenizer_path.is_file()


def test_thread_setting_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VERACITY_ONNX_THREADS", "3")
    assert MiniLMOnnxEmbedder().intra_op_threads == 3
    monkeypatch.setenv("VERACITY_ONNX_THREADS", "many")
    with pytest.raises(ConfigError, match="VERACITY_ONNX_THREADS"):
        MiniLMOnnxEmbedder()


@pytest.mark.skipif(
    importlib.util.find_spec("sentence_transformers") is not None, reason="torch is installed"
)
def test_torch_embedder_without_torch_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="minilm-int8"):
        EMBEDDERS.create("minilm-torch").embed(["text"])


@pytest.fixture(scope="module")
def onnx() -> MiniLMOnnxEmbedder:
    return MiniLMOnnxEmbedder(batch_size=4)


@pytest.mark.slow
def test_similar_sentences_score_higher_than_unrelated(onnx: MiniLMOnnxEmbedder) -> None:
    pairs = [
        (
            "Hamas did not attend the ceasefire talks in Doha.",
            "Hamas stayed away from the Doha truce negotiations.",
        ),
        (
            "The strike killed about 93 people at a school.",
            "Around 93 people died when the school was bombed.",
        ),
        ("The central bank raised interest rates again.", "Borrowing costs went up after another rate hike."),
    ]
    unrelated = "Add two cups of flour and bake for forty minutes."
    vectors = onnx.embed([text for pair in pairs for text in pair] + [unrelated])
    for index in range(len(pairs)):
        first, second = vectors[2 * index], vectors[2 * index + 1]
        assert float(first @ second) > 0.5
        assert float(first @ second) > float(first @ vectors[-1]) + 0.3
        for other in range(len(pairs)):
            if other != index:
                assert float(first @ second) > float(first @ vectors[2 * other + 1])


@pytest.mark.slow
def test_vectors_are_unit_float32_and_independent_of_batching(onnx: MiniLMOnnxEmbedder) -> None:
    texts = [
        "Short.",
        "A much longer sentence about the harbour, its cranes and the ships that come in.",
        "Mid one.",
    ]
    together = onnx.embed(texts)
    assert together.dtype == np.float32 and together.shape == (3, 384)
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    one_by_one = np.vstack([onnx.embed([text]) for text in texts])
    np.testing.assert_allclose(together, one_by_one, atol=1e-4)  # padding must not leak into the mean
    np.testing.assert_allclose(onnx.embed(texts[::-1])[::-1], together, atol=1e-5)


@pytest.mark.slow
def test_long_text_is_truncated_at_256_tokens(onnx: MiniLMOnnxEmbedder) -> None:
    long_text = "The river rose again overnight. " * 60  # 360 tokens
    with_tail = long_text + "Then everyone cooked pasta with tomato sauce. " * 50
    vectors = onnx.embed([long_text, with_tail])
    assert np.isfinite(vectors).all()
    np.testing.assert_allclose(vectors[0], vectors[1], atol=1e-5)  # the tail lies past the limit


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("onnx") is None, reason="onnx is not installed")
def test_dynamic_int8_is_built_once_and_agrees_with_minilm_int8(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, onnx: MiniLMOnnxEmbedder
) -> None:
    monkeypatch.setenv("VERACITY_CACHE_DIR", str(tmp_path / "cache"))
    dynamic = EMBEDDERS.create("minilm-int8-dynamic")
    texts = [
        "Hamas did not attend the ceasefire talks in Doha.",
        "Hamas stayed away from the Doha truce negotiations.",
        "Add two cups of flour and bake for forty minutes.",
    ]
    vectors = dynamic.embed(texts)
    (built,) = (tmp_path / "cache").glob("*.onnx")
    assert dynamic.name == "minilm-int8-dynamic" and vectors.shape == (3, 384)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2]) + 0.3
    agreement = (vectors * onnx.embed(texts)).sum(axis=1)
    assert agreement.min() > 0.9
    stamp = built.stat().st_mtime_ns
    EMBEDDERS.create("minilm-int8-dynamic").embed(["again"])
    assert built.stat().st_mtime_ns == stamp  # reused, not rebuilt
