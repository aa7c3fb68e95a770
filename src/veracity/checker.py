"""The Checker wires the stages; the CLI, the HTTP service and the batch engines each build one."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType

from veracity.resources import Resources
from veracity.types import (
    Article,
    CheckedClaim,
    Claim,
    ClaimExtractor,
    Report,
    Retriever,
    Verifier,
    VerifierUsed,
)

ProgressCallback = Callable[[int, int], None]
"""Called as `progress(done, total)` while the claims of one article are checked."""


class Checker:
    """Owns what is expensive (models, the open store) and exposes `check(article) -> Report`.

    Stages are built by name from their registries, so `verifier="llm"` swaps the verifier alone.
    Nothing heavy happens in the constructor: models load on first use, or in `warm_up`.
    """

    def __init__(
        self,
        store_path: Path | str,
        *,
        resources: Resources | None = None,
        extractor: str = "spacy",
        retriever: str = "hybrid",
        verifier: str = "align",
        verifier_options: Mapping[str, object] | None = None,  # e.g. {"passages_read": "2"} for builtin
        top_k: int = 6,
        min_checkworthiness: float = 0.5,
        window_days: int | None = None,
    ) -> None:
        from veracity.claims import EXTRACTORS
        from veracity.retrieve import RETRIEVERS
        from veracity.store import Store
        from veracity.verify import VERIFIERS

        self.resources = resources or Resources()
        self.store = Store.open(Path(store_path), read_only=True)
        self.top_k = top_k
        self.min_checkworthiness = min_checkworthiness
        self.extractor: ClaimExtractor = EXTRACTORS.create(extractor, resources=self.resources)
        self.retriever: Retriever = RETRIEVERS.create(
            retriever, store=self.store, resources=self.resources, window_days=window_days
        )
        self.verifier: Verifier = VERIFIERS.create(
            verifier, resources=self.resources, **dict(verifier_options or {})
        )
        self.verifier_used = VerifierUsed(
            verifier, {key: str(value) for key, value in (verifier_options or {}).items()}
        )

    def warm_up(self) -> None:
        """Load every model now (server start, batch actor start) rather than on the first article."""
        self.check(Article(text="The city council approved a budget of 5 million dollars on Monday."))

    def extract(self, article: Article) -> list[Claim]:
        return self.extractor.extract(article)

    def check(self, article: Article, progress: ProgressCallback | None = None) -> Report:
        claims = [c for c in self.extract(article) if c.checkworthiness >= self.min_checkworthiness]
        checked: list[CheckedClaim] = []
        for done, claim in enumerate(claims, start=1):
            passages = self.retriever.retrieve(claim, k=self.top_k, around=article.published)
            checked.append(self.verifier.verify(claim, passages))
            if progress is not None:
                progress(done, len(claims))
        return Report(article=article, claims=checked, verifier=self.verifier_used)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Checker:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
