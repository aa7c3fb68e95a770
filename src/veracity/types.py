"""The typed values that flow between pipeline stages.

Article -> [Claim] -> [(Claim, [Passage])] -> [CheckedClaim] -> Report. Each stage depends only on these
values and on the protocols below, so one back-end can be swapped without touching the others.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal, Protocol, runtime_checkable

import numpy as np

REPORT_SCHEMA_VERSION = "1.0"

VerdictLabel = Literal["supported", "refuted", "not_enough_evidence", "conflicting"]
VERDICTS: tuple[VerdictLabel, ...] = ("supported", "refuted", "not_enough_evidence", "conflicting")

Stance = Literal["supports", "refutes", "neutral"]

SlotKind = Literal[
    "quantity",  # a number with its unit and qualifier: "more than 2,300 Palestinians"
    "date",  # a calendar date or period: "13 August 2024", "June", "2007"
    "weekday",  # "Sunday"
    "relative_time",  # "earlier this month", "this week", "since June"
    "place",  # GPE / LOC / FAC: "Gaza City", "al-Mawasi", "Qatar"
    "person",  # "Sami Abu Zuhri"
    "organization",  # "Hamas", "UN Security Council"
    "event",  # named events: "Doha talks"
    "negation",  # "not", "never", "no"
]

QuantityQualifier = Literal["exact", "about", "more_than", "at_least", "less_than", "at_most"]


@dataclass(frozen=True)
class Slot:
    """A typed detail of a claim or passage that the verifier can compare exactly."""

    kind: SlotKind
    text: str  # the surface text, as written
    start: int  # character offsets into the text the slot was extracted from
    end: int
    normalized: str | None = None  # canonical form: ISO date, weekday name, lower-cased entity name
    value: float | None = None  # quantities only: the number
    unit: str | None = None  # quantities only: what is counted ("people", "Palestinians", "%")
    qualifier: QuantityQualifier | None = None  # quantities only

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "normalized": self.normalized,
            "value": self.value,
            "unit": self.unit,
            "qualifier": self.qualifier,
        }


@dataclass(frozen=True)
class Article:
    """An article to check: its plain text is the coordinate system of every claim span."""

    text: str
    source: str = "-"  # a path, a URL, or "-" for stdin / pasted text
    title: str | None = None
    published: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "title": self.title,
            "published": self.published.isoformat() if self.published else None,
            "text": self.text,
        }


@dataclass(frozen=True)
class Document:
    """An evidence document as read from the user's corpus, before it is split into passages."""

    doc_id: str  # stable id: from the input (jsonl `id`) or derived from the path
    source: str  # where it came from: the file path, plus "#line" for jsonl records
    text: str
    title: str | None = None
    url: str | None = None
    published: date | None = None


@dataclass
class Claim:
    """One atomic, standalone, check-worthy statement and where it came from in the article."""

    id: str  # "c1", "c2", ... in article order
    text: str  # the standalone claim: pronouns resolved, time frame carried
    start: int  # character offsets into Article.text of the span the claim comes from
    end: int
    sentence: str  # the article sentence that holds the span
    speaker: str | None = None  # who is quoted or reported ("according to X", "X said")
    checkworthiness: float = 0.0  # 0..1
    slots: list[Slot] = field(default_factory=list)  # typed details of `text`; offsets into `text`
    time_frame: date | None = None  # the date the claim's relative times refer to (article date)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "sentence": self.sentence,
            "speaker": self.speaker,
            "checkworthiness": round(self.checkworthiness, 4),
            "slots": [slot.to_dict() for slot in self.slots],
        }


@dataclass(frozen=True)
class Passage:
    """A retrieved sentence window of an evidence document, with offsets into that document."""

    passage_id: int
    doc_id: str
    source: str
    text: str
    start: int  # character offsets into the document text
    end: int
    title: str | None = None
    url: str | None = None
    published: date | None = None
    retrieval_score: float = 0.0  # fused rank score; higher is better


@dataclass(frozen=True)
class Evidence:
    """A passage as judged against one claim."""

    passage: Passage
    stance: Stance
    score: float  # 0..1: how strongly the passage takes its stance
    reason: str | None = None  # e.g. "evidence: about 93 killed; claim: 92 killed"

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc_id": self.passage.doc_id,
            "source": self.passage.source,
            "title": self.passage.title,
            "url": self.passage.url,
            "published": self.passage.published.isoformat() if self.passage.published else None,
            "passage": self.passage.text,
            "start": self.passage.start,
            "end": self.passage.end,
            "stance": self.stance,
            "score": round(self.score, 4),
            "reason": self.reason,
        }


@dataclass
class CheckedClaim:
    """A claim with its verdict, the evidence that decided it and a reason a person can check."""

    claim: Claim
    verdict: VerdictLabel
    confidence: float  # 0..1
    reason: str
    evidence: list[Evidence] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = self.claim.to_dict()
        data.update(
            {
                "verdict": self.verdict,
                "confidence": round(self.confidence, 4),
                "reason": self.reason,
                "evidence": [item.to_dict() for item in self.evidence],
            }
        )
        return data


@dataclass(frozen=True)
class VerifierUsed:
    """The verifier that judged a report, as the command line names it, so a verdict can be reproduced and
    reports from different verifiers told apart."""

    name: str
    options: Mapping[str, str] = field(default_factory=dict)

    def label(self) -> str:
        """ "builtin" or "builtin (passages_read=2)" for headers."""
        if not self.options:
            return self.name
        return f"{self.name} ({', '.join(f'{k}={v}' for k, v in sorted(self.options.items()))})"

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "options": dict(sorted(self.options.items()))}


@dataclass
class Report:
    """The result of checking one article; `to_dict` is the stable JSON schema."""

    article: Article
    claims: list[CheckedClaim]
    version: str = REPORT_SCHEMA_VERSION
    verifier: VerifierUsed | None = None  # None only for reports built outside a Checker

    def summary(self) -> dict[str, Any]:
        counts: dict[str, int] = dict.fromkeys(VERDICTS, 0)
        for checked in self.claims:
            counts[checked.verdict] += 1
        return {"claims": len(self.claims), **counts}

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": self.version,
            "verifier": self.verifier.to_dict() if self.verifier else None,
            "article": self.article.to_dict(),
            "claims": [checked.to_dict() for checked in self.claims],
            "summary": self.summary(),
        }


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of shape (len(texts), dim)."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class ClaimExtractor(Protocol):
    """Finds the check-worthy atomic claims of an article."""

    def extract(self, article: Article) -> list[Claim]: ...


class Retriever(Protocol):
    """Finds candidate evidence passages for a claim in the store."""

    def retrieve(self, claim: Claim, *, k: int = 8, around: date | None = None) -> list[Passage]: ...


class Verifier(Protocol):
    """Judges one claim against its retrieved passages."""

    name: str

    def verify(self, claim: Claim, passages: Sequence[Passage]) -> CheckedClaim: ...
