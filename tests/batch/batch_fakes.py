"""Picklable fake checkers for batch tests: fast, deterministic, and able to fail on cue."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

from veracity.errors import StoreError
from veracity.types import Article, CheckedClaim, Claim, Document, Report, VerifierUsed

FAIL_MARK = "EXPLODE"
CRASH_MARK = "KILL-THE-WORKER"


class FakeChecker:
    """One claim per sentence, each 'not enough evidence'; raises or dies when the text says so."""

    def __init__(self, crash_on_mark: bool, verifier: str | None = None) -> None:
        self.crash_on_mark = crash_on_mark
        self.verifier = verifier
        self.warmed = False

    def warm_up(self) -> None:
        self.warmed = True

    def check(self, article: Article, evidence: Sequence[Document] = ()) -> Report:
        if not self.warmed:
            raise RuntimeError("check before warm_up")
        if FAIL_MARK in article.text:
            raise ValueError("the checker choked on\nthis article")
        if self.crash_on_mark and CRASH_MARK in article.text:
            os._exit(9)
        claims = []
        for number, match in enumerate(re.finditer(r"[^.]+\.", article.text), start=1):
            claim = Claim(
                id=f"c{number}",
                text=match.group().strip(),
                start=match.start(),
                end=match.end(),
                sentence=match.group(),
            )
            claims.append(
                CheckedClaim(
                    claim=claim,
                    verdict="not_enough_evidence",
                    confidence=0.5,
                    reason=f"fake, against {len(evidence)} sources" if evidence else "fake",
                )
            )
        verifier = VerifierUsed(self.verifier) if self.verifier else None
        return Report(article=article, claims=claims, verifier=verifier)


@dataclass(frozen=True)
class FakeCheckerFactory:
    crash_on_mark: bool = False
    setup_error: str | None = None
    verifier: str | None = None  # the name its reports give, as a real Checker's do

    def __call__(self) -> FakeChecker:
        if self.setup_error:
            raise StoreError(self.setup_error)
        return FakeChecker(self.crash_on_mark, self.verifier)
