"""Fixtures for the claims stage: one spaCy pipeline and one extractor per test session."""

from __future__ import annotations

from datetime import date

import pytest
from claims_helpers import ARTICLE_DATE, slots_available
from spacy.language import Language

from veracity.claims.extractor import SpacyClaimExtractor
from veracity.resources import Resources
from veracity.types import Article, Claim


@pytest.fixture(scope="session")
def resources() -> Resources:
    return Resources()


@pytest.fixture(scope="session")
def nlp(resources: Resources) -> Language:
    return resources.nlp


@pytest.fixture(scope="session")
def extractor(resources: Resources) -> SpacyClaimExtractor:
    return SpacyClaimExtractor(resources, fill_slots=slots_available())


@pytest.fixture(scope="session")
def extract(extractor: SpacyClaimExtractor):  # type: ignore[no-untyped-def]
    def run(text: str, published: date | None = ARTICLE_DATE) -> list[Claim]:
        return extractor.extract(Article(text=text, published=published))

    return run
