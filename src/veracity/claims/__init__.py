"""Claim extraction: find an article's atomic, standalone, check-worthy claims.

Back-ends register in `EXTRACTORS`; `Checker` builds one with `EXTRACTORS.create("spacy", resources=...)`.
"""

from __future__ import annotations

from veracity.claims.checkworthiness import CHECKWORTHY_THRESHOLD
from veracity.registry import Registry
from veracity.resources import Resources
from veracity.types import ClaimExtractor

EXTRACTORS = Registry[ClaimExtractor]("claim extractor")


@EXTRACTORS.register("spacy")
def _spacy_extractor(resources: Resources) -> ClaimExtractor:
    from veracity.claims.extractor import SpacyClaimExtractor

    return SpacyClaimExtractor(resources)


__all__ = ["CHECKWORTHY_THRESHOLD", "EXTRACTORS"]
