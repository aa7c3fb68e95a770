"""What a batch worker does with one input line; shared by every engine so their outputs are identical."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Protocol

from veracity.errors import InputError, VeracityError
from veracity.ingest.evidence import evidence_from_record
from veracity.types import Article, Document, Report

logger = logging.getLogger(__name__)

MAX_ERROR_CHARS = 500
WARM_UP_TEXT = "The city council approved a budget of 5 million dollars on Monday."


class ArticleChecker(Protocol):
    """What a batch worker needs of a checker; `StoreOrEvidenceChecker` is the real one. `evidence` is what
    the article's input line brought to be checked against (none: the run's store)."""

    def warm_up(self) -> None: ...

    def check(self, article: Article, evidence: Sequence[Document] = ()) -> Report: ...


CheckerFactory = Callable[[], ArticleChecker]
"""Builds one checker in a worker process or actor; must pickle, since it travels to each worker."""


@dataclass(frozen=True)
class CheckerSpec:
    """A picklable recipe for the real checker, built once in each worker."""

    store_path: str | None  # None: every input line must bring its own `evidence`
    verifier: str = "align"
    verifier_options: tuple[tuple[str, str], ...] = ()  # ("passages_read", "2"): `--verifier-option`

    def __call__(self) -> ArticleChecker:
        return StoreOrEvidenceChecker(self)


class StoreOrEvidenceChecker:
    """Checks an article against the run's store, or against the `evidence` its input line brings (the
    sources of a generated answer) through a temporary store, as `check --evidence` does; one `Resources`
    serves both, so the models load once per worker."""

    def __init__(self, spec: CheckerSpec) -> None:
        from veracity.checker import Checker
        from veracity.resources import Resources

        self.spec = spec
        self.resources = Resources()
        self.store_checker = (
            Checker(
                Path(spec.store_path),
                resources=self.resources,
                verifier=spec.verifier,
                verifier_options=dict(spec.verifier_options),
            )
            if spec.store_path
            else None
        )

    def warm_up(self) -> None:
        if self.store_checker is not None:
            self.store_checker.warm_up()
        else:
            self.check(Article(text=WARM_UP_TEXT), [Document("warm-up", "warm-up", WARM_UP_TEXT)])

    def check(self, article: Article, evidence: Sequence[Document] = ()) -> Report:
        from veracity.api import check_text

        if evidence:
            return check_text(
                article,
                evidence,
                resources=self.resources,
                verifier=self.spec.verifier,
                verifier_options=dict(self.spec.verifier_options),
            )
        if self.store_checker is None:
            raise InputError("this article has no 'evidence' and the run has no --store to check it against")
        return self.store_checker.check(article)


@dataclass(frozen=True)
class Outcome:
    """One output line, serialised in the worker so only text crosses process boundaries."""

    ok: bool
    line: str  # a JSON object without the trailing newline


class WorkerSetupError(VeracityError):
    """A worker could not build its checker (missing store, missing model): no article can be checked."""


class ArticleWorker:
    """Holds one warmed-up checker and turns input lines into outcomes, recording failures per article."""

    def __init__(self, checker_factory: CheckerFactory, input_name: str) -> None:
        self.input_name = input_name  # reports name their article "<input>#<id>"
        self.checker: ArticleChecker | None = None
        self.setup_error: str | None = None
        try:
            checker = checker_factory()
            checker.warm_up()
        except Exception as exc:
            self.setup_error = one_line(exc)
        else:
            self.checker = checker

    def check_line(self, line: str) -> Outcome:
        if self.checker is None:
            raise WorkerSetupError(self.setup_error or "the batch worker has no checker")
        record = json.loads(line)  # the driver validated every line before handing it out
        article_id = record["id"]
        try:
            article = article_from_record(record, source=f"{self.input_name}#{article_id}")
            evidence = evidence_from_record(record["evidence"]) if "evidence" in record else []
            report = self.checker.check(article, evidence)
        except Exception as exc:
            logger.debug("article %r failed", article_id, exc_info=True)
            return Outcome(
                ok=False, line=encode({"id": article_id, "status": "error", "error": one_line(exc)})
            )
        return Outcome(ok=True, line=encode({"id": article_id, "status": "ok", "report": report.to_dict()}))


def article_from_record(record: dict[str, Any], *, source: str) -> Article:
    """The Article of one input record: `text` (plain) or `html`, with optional `title` and `published`."""
    from veracity.ingest.article import article_from_html, article_from_text

    text, html = record.get("text"), record.get("html")
    if (text is None) == (html is None):
        raise InputError("give exactly one of 'text' or 'html'")
    body = text if text is not None else html
    if not isinstance(body, str):
        raise InputError(f"'{'text' if text is not None else 'html'}' must be a string")
    title = record.get("title")
    if title is not None and not isinstance(title, str):
        raise InputError("'title' must be a string")
    published = _published(record.get("published"))
    build = article_from_text if text is not None else article_from_html
    return build(body, title=title, published=published, source=source)


def _published(value: object) -> date | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip()).date()
        except ValueError:
            pass
    raise InputError(f"'published' must be an ISO date like 2024-08-14, not {value!r}")


def encode(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def one_line(exc: BaseException) -> str:
    """A user-facing one-line message: ours as written, others prefixed with their type."""
    message = str(exc) if isinstance(exc, VeracityError) else f"{type(exc).__name__}: {exc}"
    message = " ".join(message.split()) or type(exc).__name__
    return message if len(message) <= MAX_ERROR_CHARS else message[: MAX_ERROR_CHARS - 3] + "..."
