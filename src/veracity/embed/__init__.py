"""Sentence-embedding back-ends, chosen by name: `EMBEDDERS.create("minilm-int8")`."""

from __future__ import annotations

from veracity.embed.minilm import MiniLMDynamicInt8Embedder, MiniLMOnnxEmbedder, MiniLMTorchEmbedder
from veracity.registry import Registry
from veracity.types import Embedder

EMBEDDERS = Registry[Embedder]("embedder")


@EMBEDDERS.register("minilm-int8")
def _minilm_int8(**options: object) -> Embedder:
    return MiniLMOnnxEmbedder(**options)  # type: ignore[arg-type]


@EMBEDDERS.register("minilm-int8-dynamic")
def _minilm_int8_dynamic(**options: object) -> Embedder:
    return MiniLMDynamicInt8Embedder(**options)  # type: ignore[arg-type]


@EMBEDDERS.register("minilm-torch")
def _minilm_torch(**options: object) -> Embedder:
    return MiniLMTorchEmbedder(**options)  # type: ignore[arg-type]


__all__ = ["EMBEDDERS", "MiniLMDynamicInt8Embedder", "MiniLMOnnxEmbedder", "MiniLMTorchEmbedder"]
