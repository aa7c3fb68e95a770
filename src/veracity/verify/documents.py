"""Claims judged against whole documents: each document is cut into chunks the verifier can read, and the
chunk verdicts become one verdict per claim (`verify.chunking`). The evaluation harness and the library's
`score` both judge this way, so a figure in docs/benchmarks.md is what a caller of `score` gets."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from veracity.verify.chunking import DEFAULT_CHUNK_WORDS, aggregate_chunks, chunk_evidence

JUDGE_BATCH = 64  # pairs (chunks) sent to the verifier in one call, between progress reports
LABELS = ("supported", "refuted", "not_enough_evidence")
ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class DocumentJudgement:
    """One claim's verdict over its document: label probabilities, the back-end's judgement of the chunk
    that decided (or of the claim, for a verifier that decides over all chunks at once), and that chunk."""

    probabilities: dict[str, float]
    judgement: object | None  # None: the document held no text, so nothing was judged
    chunk: str | None


def label_probabilities(judgement: object) -> dict[str, float]:
    """Reads supported / refuted / not_enough_evidence probabilities from a verifier's pair judgement."""
    if isinstance(judgement, Mapping):
        source: Mapping[str, Any] = judgement
    else:
        source = getattr(judgement, "probabilities", None) or {
            label: getattr(judgement, label) for label in LABELS
        }
    return {label: float(source.get(label, 0.0)) for label in LABELS}


def judge_documents(
    verifier: Any,
    claims: Sequence[str],
    documents: Sequence[Sequence[str]],
    *,
    chunk_words: int = DEFAULT_CHUNK_WORDS,
    progress: ProgressCallback | None = None,
) -> list[DocumentJudgement]:
    """Claim i judged against document i (given as its passages, or as one text in a list).

    A verifier that decides over a claim's whole evidence set (`judges_sets`) gets each claim's chunks
    together; any other judges chunk by chunk, and the chunk verdicts are aggregated.
    """
    chunked = [chunk_evidence(document, chunk_words) for document in documents]
    if getattr(verifier, "judges_sets", False):
        return _judge_sets(verifier, claims, chunked, progress)
    flat = [(claim, chunk) for claim, chunks in zip(claims, chunked, strict=True) for chunk in chunks]
    judged: list[object] = []
    for start in range(0, len(flat), JUDGE_BATCH):
        judged.extend(verifier.judge_many(flat[start : start + JUDGE_BATCH]))
        if progress is not None:
            progress(min(start + JUDGE_BATCH, len(flat)), len(flat))
    results: list[DocumentJudgement] = []
    offset = 0
    for chunks in chunked:
        own = judged[offset : offset + len(chunks)]
        probabilities, decider = aggregate_chunks([label_probabilities(item) for item in own])
        deciding = decider >= 0
        results.append(
            DocumentJudgement(
                probabilities, own[decider] if deciding else None, chunks[decider] if deciding else None
            )
        )
        offset += len(chunks)
    return results


def _judge_sets(
    verifier: Any, claims: Sequence[str], chunked: list[list[str]], progress: ProgressCallback | None
) -> list[DocumentJudgement]:
    """Claims in batches of about JUDGE_BATCH chunks; a claim without text to read is not enough evidence."""
    results: list[DocumentJudgement | None] = [None] * len(claims)
    readable = [i for i, chunks in enumerate(chunked) if chunks]
    total = sum(len(chunked[i]) for i in readable)
    done = start = 0
    while start < len(readable):
        end, size = start, 0
        while end < len(readable) and (end == start or size + len(chunked[readable[end]]) <= JUDGE_BATCH):
            size += len(chunked[readable[end]])
            end += 1
        batch = readable[start:end]
        sets = [[(claims[i], chunk) for chunk in chunked[i]] for i in batch]
        for i, judged in zip(batch, verifier.judge_sets(sets), strict=True):
            chunk = chunked[i][judged.decider] if judged.decider >= 0 else None
            results[i] = DocumentJudgement(label_probabilities(judged.claim), judged.claim, chunk)
        done += size
        if progress is not None:
            progress(done, total)
        start = end
    empty = DocumentJudgement(aggregate_chunks([])[0], None, None)
    return [result or empty for result in results]
