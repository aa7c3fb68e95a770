"""Request bodies of the HTTP API; their validation messages are what a client sees on a 422."""

from __future__ import annotations

from datetime import date
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from veracity.types import VerdictLabel

ExportFormat = Literal["json", "markdown", "claimreview"]
MAX_EVIDENCE_DOCUMENTS = 200  # per check; a larger corpus belongs in the store (POST /v1/documents)
MAX_SCORED_PAIRS = 500  # per POST /v1/score: it answers at once, so a request stays within seconds of work


class DocumentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(
        default=None, max_length=500, description="Stable id; derived from the text if absent."
    )
    text: str | None = None
    html: str | None = None
    title: str | None = Field(default=None, max_length=500)
    url: str | None = Field(default=None, max_length=2000)
    published: date | None = None

    @model_validator(mode="after")
    def one_body(self) -> Self:
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of text or html")
        if not (self.text or self.html or "").strip():
            raise ValueError("the document is empty")
        return self


class CheckRequest(BaseModel):
    """An article to check: exactly one of `text`, `html` or `url`."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = Field(
        default=None, description="Plain text (a title and date line at the top are read)."
    )
    html: str | None = Field(default=None, description="A web page; boilerplate is dropped.")
    url: str | None = Field(default=None, description="A public http(s) page for the server to fetch.")
    title: str | None = Field(default=None, max_length=500)
    published: date | None = Field(
        default=None, description="The article's date (YYYY-MM-DD); anchors weekdays and relative dates."
    )
    verifier: str | None = Field(
        default=None,
        max_length=1000,
        description="One of the verifiers this server offers, spelled as GET /v1/verifiers lists it "
        '("builtin-fast", "builtin:passages_read=2"); the server\'s default when absent.',
    )
    evidence: list[DocumentIn] | None = Field(
        default=None,
        min_length=1,
        max_length=MAX_EVIDENCE_DOCUMENTS,
        description="Documents to judge the article against instead of the server's store (a generated "
        "text and its sources, a draft and its press release); they are indexed for this check alone.",
    )

    @model_validator(mode="after")
    def one_input(self) -> Self:
        given = [name for name in ("text", "html", "url") if getattr(self, name) is not None]
        if len(given) != 1:
            raise ValueError(
                "give exactly one of text, html or url" + (f" (got {', '.join(given)})" if given else "")
            )
        value = getattr(self, given[0])
        if not value.strip():
            raise ValueError(f"{given[0]} is empty")
        return self


class OverrideRequest(BaseModel):
    """An editor's verdict for one claim, with the note that justifies it."""

    model_config = ConfigDict(extra="forbid")

    verdict: VerdictLabel
    note: str = Field(min_length=1, max_length=4000, description="Why the editor changed the verdict.")
    editor: str | None = Field(default=None, max_length=200)

    @model_validator(mode="after")
    def note_not_blank(self) -> Self:
        if not self.note.strip():
            raise ValueError("note is empty: say why the verdict was changed")
        return self


class DocumentsRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: list[DocumentIn] = Field(min_length=1, max_length=10_000)


class PairIn(BaseModel):
    """One claim and the evidence to judge it against: a text, or its passages in order."""

    model_config = ConfigDict(extra="forbid")

    id: str | int | None = Field(default=None, description="Echoed back with the score.")
    claim: str = Field(min_length=1, max_length=5000)
    evidence: str | list[str] = Field(description="A text, or a list of passages read in order.")

    @model_validator(mode="after")
    def claim_not_blank(self) -> Self:
        if not self.claim.strip():
            raise ValueError("claim is empty")
        return self


class ScoreRequest(BaseModel):
    """Claims judged each against its own evidence, as `veracity.score` does."""

    model_config = ConfigDict(extra="forbid")

    pairs: list[PairIn] = Field(min_length=1, max_length=MAX_SCORED_PAIRS)
    verifier: str | None = Field(
        default=None,
        max_length=1000,
        description="One of GET /v1/verifiers; the server's default when absent.",
    )
