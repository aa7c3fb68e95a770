"""Task "claims": veracity's claim extraction against the gold atomic claims of Factcheck-GPT.

A gold claim is covered when some extracted claim of the same document is a paraphrase of it (embedding
cosine at least `MATCH_THRESHOLD`); an extracted claim is extra when it paraphrases no gold claim. Gold
claims include those annotated as not check-worthy, so extraction is compared on every factual statement.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from veracity.eval.datasets import Split, dataset_root, iter_factcheck_documents
from veracity.resources import Resources
from veracity.types import Article

if TYPE_CHECKING:
    from veracity.eval.harness import EvalResult

MATCH_THRESHOLD = 0.75


def evaluate_claim_extraction(
    split: Split,
    data_dir: Path | str | None,
    *,
    limit: int | None,
    seed: int,
    resources: Resources,
    extractor: str = "spacy",
) -> EvalResult:
    from veracity.claims import EXTRACTORS
    from veracity.eval.harness import EvalResult

    documents = [
        record for _, record in iter_factcheck_documents(dataset_root("factcheck_gpt", data_dir), split)
    ]
    if limit is not None:
        documents = documents[:limit]
    claim_extractor = EXTRACTORS.create(extractor, resources=resources)
    gold_total = covered = extracted_total = extra = 0
    started = time.perf_counter()
    for record in documents:
        gold = [claim for sentence in record["sentences"].values() for claim in sentence.get("claims") or []]
        extracted = [claim.text for claim in claim_extractor.extract(Article(text=record["response"]))]
        gold_total += len(gold)
        extracted_total += len(extracted)
        if not gold or not extracted:
            extra += len(extracted)
            continue
        similarity = resources.embedder.embed(gold) @ resources.embedder.embed(extracted).T
        covered += int((similarity.max(axis=1) >= MATCH_THRESHOLD).sum())
        extra += int((similarity.max(axis=0) < MATCH_THRESHOLD).sum())
    elapsed = max(time.perf_counter() - started, 1e-9)
    recall = covered / gold_total if gold_total else 0.0
    precision = 1.0 - extra / extracted_total if extracted_total else 0.0
    return EvalResult(
        dataset="factcheck_gpt",
        split=split,
        verifier=extractor,
        n=len(documents),
        balanced_accuracy=None,
        macro_f1=None,
        pairs_per_second=len(documents) / elapsed,
        task="claims",
        metrics={
            "gold_claims": float(gold_total),
            "extracted_claims": float(extracted_total),
            "gold_covered": recall,
            "extra_share": extra / extracted_total if extracted_total else 0.0,
            "claim_f1": 2 * recall * precision / (recall + precision) if recall + precision else 0.0,
        },
    )
