"""The library's entry points for code that already holds the evidence (a generated answer and the sources
it was given, a summary and its article), so needs no store of its own:

- `score(documents, claims)`: each claim judged against its own document, no claim extraction;
- `check_text(text, evidence)`: a whole text checked as `veracity check --evidence` does (claims found,
  evidence retrieved from the documents given, a `Report`).

Whole articles against a corpus kept between runs go through `veracity.checker.Checker` and a store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from veracity.errors import InputError
from veracity.types import Article, Document, Report
from veracity.verify.base import PairLabel
from veracity.verify.chunking import DEFAULT_CHUNK_WORDS, predicted_label
from veracity.verify.documents import ProgressCallback, judge_documents

if TYPE_CHECKING:
    from veracity.resources import Resources

ScoredDocument = str | Sequence[str]  # one text, or its passages in order


@dataclass(frozen=True)
class Score:
    """One claim's verdict over its document: the label, its probabilities, a reason a person can check, and
    the part of the document that decided (None when the document held no text)."""

    label: PairLabel
    supported: float
    refuted: float
    not_enough_evidence: float
    reason: str
    passage: str | None


class Scorer:
    """A verifier kept loaded between calls: build one, then `score` as often as needed.

    Models load on the first `score`, not here; an unknown verifier name or option fails here, at once.
    """

    def __init__(
        self,
        verifier: str = "builtin",
        *,
        resources: Resources | None = None,
        chunk_words: int = DEFAULT_CHUNK_WORDS,
        verifier_options: Mapping[str, object] | None = None,  # as `--verifier-option` gives them
        **options: object,
    ) -> None:
        from veracity.resources import Resources
        from veracity.verify import VERIFIERS

        if chunk_words < 1:
            raise InputError(f"chunk_words must be at least 1, not {chunk_words}")
        self.verifier_name = verifier
        self.chunk_words = chunk_words
        chosen = {**(verifier_options or {}), **options}
        self._verifier: Any = VERIFIERS.create(verifier, resources=resources or Resources(), **chosen)

    def score(
        self,
        documents: Sequence[ScoredDocument],
        claims: Sequence[str],
        *,
        progress: ProgressCallback | None = None,
    ) -> list[Score]:
        """Claim i against document i; a long document is read in chunks of `chunk_words` words.
        `progress(done, total)` is called as chunks are judged."""
        if isinstance(documents, str) or isinstance(claims, str):
            raise InputError("documents and claims must be lists (one document per claim)")
        if len(documents) != len(claims):
            raise InputError(
                f"{len(documents)} documents for {len(claims)} claims: give one document per claim"
            )
        for claim in claims:
            if not isinstance(claim, str) or not claim.strip():
                raise InputError("every claim must be non-empty text")
        passages = [[document] if isinstance(document, str) else list(document) for document in documents]
        if any(not isinstance(text, str) for texts in passages for text in texts):
            raise InputError("a document must be text, or a list of its passages as text")
        judged = judge_documents(
            self._verifier, claims, passages, chunk_words=self.chunk_words, progress=progress
        )
        empty = "the document holds no text"
        return [
            Score(
                label=cast(PairLabel, predicted_label(item.probabilities)),
                supported=item.probabilities["supported"],
                refuted=item.probabilities["refuted"],
                not_enough_evidence=item.probabilities["not_enough_evidence"],
                reason=str(getattr(item.judgement, "reason", "")) if item.judgement else empty,
                passage=item.chunk,
            )
            for item in judged
        ]


def score(
    documents: Sequence[ScoredDocument], claims: Sequence[str], verifier: str = "builtin", **options: Any
) -> list[Score]:
    """`Scorer(verifier, **options).score(documents, claims)`: loads the models on each call, so keep a
    `Scorer` for repeated use."""
    return Scorer(verifier, **options).score(documents, claims)


def read_scoring_pairs(path: Path) -> list[tuple[Any, str, tuple[str, ...]]]:
    """(id, claim, evidence) of each line of a JSONL file in the generic pairs form, `label` not needed;
    every line is checked before any is scored, so a bad file fails at once. A line without `id` is named
    by its line number."""
    from veracity.eval.datasets import claim_and_evidence, iter_json_lines

    if not path.is_file():
        raise InputError(f"pairs file not found: {path}")
    pairs = []
    for number, record in iter_json_lines(path):
        checked, claim, evidence = claim_and_evidence(record, f"{path}:{number}")
        pairs.append((checked.get("id", number), claim, evidence))
    if not pairs:
        raise InputError(f"{path} holds no pairs (expected one JSON object per line)")
    return pairs


def check_text(
    text: str | Article,
    evidence: Sequence[str | Path | Document],
    *,
    published: date | None = None,
    verifier: str = "align",
    resources: Resources | None = None,
    **checker_options: Any,
) -> Report:
    """Check every check-worthy claim of `text` against `evidence` alone: texts, files or folders, or
    `Document`s, indexed into a temporary store that is removed afterwards. `checker_options` are the
    `Checker`'s (`verifier_options`, `top_k`, `min_checkworthiness`, ...); pass one `resources` to
    repeated calls so the models load once."""
    from veracity.checker import Checker
    from veracity.ingest import article_from_text
    from veracity.ingest.evidence import evidence_document
    from veracity.resources import Resources
    from veracity.store.scratch import scratch_store

    if isinstance(evidence, str | Path | Document) or not all(
        isinstance(item, str | Path | Document) for item in evidence
    ):
        raise InputError("evidence must be a list of texts, paths or Documents")
    article = text if isinstance(text, Article) else article_from_text(text, published=published)
    resources = resources or Resources()
    paths = [item for item in evidence if isinstance(item, Path)]
    documents = [
        item if isinstance(item, Document) else evidence_document(index, text=item)
        for index, item in enumerate(evidence)
        if not isinstance(item, Path)
    ]
    with (
        scratch_store(paths, resources, documents=documents, progress=False) as (store_path, _),
        Checker(store_path, resources=resources, verifier=verifier, **checker_options) as checker,
    ):
        return checker.check(article)
