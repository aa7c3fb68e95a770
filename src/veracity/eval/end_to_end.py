"""Task "end-to-end": index a data set's evidence documents as a store, then retrieve and verify per claim.

Every document of the split is indexed (so other claims' documents are distractors); the sampled claims are
then checked as `veracity check` checks them. recall@k counts a claim as found when a retrieved passage
overlaps one of its gold evidence sentences; claims without gold sentences are left out of recall.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from veracity.errors import ConfigError, InputError
from veracity.eval.datasets import (
    AVERITEC_LABELS,
    GoldLabel,
    Pair,
    Split,
    averitec_evidence,
    check_covid_files,
    dataset_root,
    iter_averitec,
    load_check_covid_corpus,
    read_jsonl,
    sample,
    wice_label,
)
from veracity.eval.metrics import accuracy
from veracity.resources import Resources
from veracity.types import Claim, Document

if TYPE_CHECKING:
    from veracity.eval.harness import ProgressFactory

END_TO_END_DATASETS = ("wice", "check_covid", "averitec")

GoldSpan = tuple[str, int, int]  # doc_id, start, end


@dataclass(frozen=True)
class Corpus:
    documents: list[Document]
    claims: list[Pair]
    gold: dict[str, list[GoldSpan]]  # claim id -> evidence spans


def _joined(
    doc_id: str, sentences: list[str], title: str | None = None
) -> tuple[Document, list[tuple[int, int]]]:
    """A document of sentences one per line, with each sentence's offsets."""
    offsets = []
    position = 0
    for sentence in sentences:
        offsets.append((position, position + len(sentence)))
        position += len(sentence) + 1
    return Document(doc_id=doc_id, source=doc_id, text="\n".join(sentences), title=title), offsets


def _wice_corpus(root: Path, split: Split) -> Corpus:
    documents, claims, gold = [], [], {}
    for record in read_jsonl(root / "entailment_retrieval" / "claim" / f"{split}.jsonl"):
        claim_id = record["meta"]["id"]
        document, offsets = _joined(f"wice-{claim_id}", record["evidence"])
        documents.append(document)
        indices = sorted({i for group in record["supporting_sentences"] for i in group if i < len(offsets)})
        gold[claim_id] = [(document.doc_id, *offsets[i]) for i in indices]
        label: GoldLabel = wice_label(record["label"])
        claims.append(Pair(claim_id, record["claim"], tuple(record["evidence"]), label, claim_id))
    return Corpus(documents, claims, gold)


def _check_covid_corpus(root: Path, split: Split) -> Corpus:
    corpus = load_check_covid_corpus(root)
    labels: dict[str, GoldLabel] = {
        "SUPPORT": "supported",
        "REFUTE": "refuted",
        "NOTENOUGHINFO": "not_enough_evidence",
    }
    documents: dict[str, tuple[Document, list[tuple[int, int]]]] = {
        cord_id: _joined(cord_id, row["abstract"], row.get("title")) for cord_id, row in corpus.items()
    }
    claims, gold = [], {}
    for path in check_covid_files(root, split):
        for record in read_jsonl(path):
            document, offsets = documents[record["cord_id"]]
            indices = sorted(
                {item["sent_index"] for item in record["evidence_set"] if item["sent_index"] < len(offsets)}
            )
            gold[record["id"]] = [(document.doc_id, *offsets[i]) for i in indices]
            claims.append(Pair(record["id"], record["claim"], (), labels[record["label"]], record["cord_id"]))
    return Corpus([document for document, _ in documents.values()], claims, gold)


def _averitec_corpus(root: Path, split: Split) -> Corpus:
    documents, claims, gold = [], [], {}
    for key, record in iter_averitec(root, split):
        spans = []
        for number, text in enumerate(averitec_evidence(record)):
            document = Document(doc_id=f"{key}-{number}", source=key, text=text)
            documents.append(document)
            spans.append((document.doc_id, 0, len(text)))
        gold[key] = spans
        claims.append(Pair(key, record["claim"], (), AVERITEC_LABELS[record["label"]], key))
    return Corpus(documents, claims, gold)


def load_corpus(dataset: str, split: str, data_dir: Path | str | None) -> Corpus:
    builders = {"wice": _wice_corpus, "check_covid": _check_covid_corpus, "averitec": _averitec_corpus}
    if dataset not in builders:
        raise ConfigError(f"end-to-end runs on {', '.join(END_TO_END_DATASETS)}, not {dataset!r}")
    return builders[dataset](dataset_root(dataset, data_dir), split)  # type: ignore[arg-type]


def _overlaps(passage: Any, spans: list[GoldSpan]) -> bool:
    return any(
        passage.doc_id == doc_id and passage.start < end and start < passage.end
        for doc_id, start, end in spans
    )


def evaluate_end_to_end(
    verifier: Any,
    verifier_name: str,
    dataset: str,
    split: str,
    data_dir: Path | str | None,
    *,
    limit: int | None,
    seed: int,
    top_k: int,
    resources: Resources,
    retriever: str = "hybrid",
    progress: ProgressFactory | None = None,
) -> Any:
    from veracity.eval.harness import EvalResult
    from veracity.retrieve import RETRIEVERS
    from veracity.store import Store

    corpus = load_corpus(dataset, split, data_dir)
    claims = sample(iter(corpus.claims), limit, seed)
    if not claims:
        raise InputError(f"no claims in {dataset} {split}")
    with tempfile.TemporaryDirectory(prefix="veracity-eval-") as folder:
        store_path = Path(folder) / "store"
        indexing = progress(f"indexing {dataset}", "document") if progress else None
        with Store.open(store_path, create=True) as writer:
            writer.add_documents(
                corpus.documents,
                resources.embedder,
                progress=(lambda done: indexing(done, len(corpus.documents))) if indexing else None,
            )
        judging = progress(dataset, "claim") if progress else None
        with Store.open(store_path, read_only=True) as store:
            search = RETRIEVERS.create(retriever, store=store, resources=resources)
            started = time.perf_counter()
            found, with_gold, predicted = 0, 0, []
            for done, pair in enumerate(claims, start=1):
                claim = Claim(id=pair.id, text=pair.claim, start=0, end=len(pair.claim), sentence=pair.claim)
                passages = search.retrieve(claim, k=top_k)
                spans = corpus.gold.get(pair.id, [])
                if spans:
                    with_gold += 1
                    found += any(_overlaps(passage, spans) for passage in passages)
                verdict = verifier.verify(claim, passages).verdict
                predicted.append("not_enough_evidence" if verdict == "conflicting" else verdict)
                if judging is not None:
                    judging(done, len(claims))
            elapsed = time.perf_counter() - started
    gold = [pair.label for pair in claims]
    return EvalResult.from_labels(
        dataset,
        split,
        verifier_name,
        gold,
        predicted,
        elapsed,
        task="end-to-end",
        metrics={
            f"recall_at_{top_k}": found / with_gold if with_gold else 0.0,
            "label_accuracy": accuracy(gold, predicted),
        },
    )
