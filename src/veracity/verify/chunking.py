"""Long evidence is judged chunk by chunk and the chunk verdicts are combined, as MiniCheck and AlignScore do.

A claim is supported when some chunk supports it (the most supportive chunk decides); otherwise it is
refuted when some chunk strongly refutes it; otherwise the most supportive chunk's distribution stands.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

DEFAULT_CHUNK_WORDS = 180
STRONG_REFUTATION = 0.5

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def chunk_evidence(segments: Sequence[str], max_words: int = DEFAULT_CHUNK_WORDS) -> list[str]:
    """Packs consecutive evidence segments (sentences, passages) into chunks of at most `max_words` words.

    A segment longer than the budget is split at sentence ends, and a sentence longer still at word
    boundaries, so no chunk exceeds the budget and no text is dropped.
    """
    pieces: list[str] = []
    for segment in segments:
        text = segment.strip()
        if not text:
            continue
        if len(text.split()) <= max_words:
            pieces.append(text)
            continue
        for sentence in _SENTENCE_END.split(text):
            words = sentence.split()
            pieces.extend(" ".join(words[i : i + max_words]) for i in range(0, len(words), max_words))
    chunks: list[str] = []
    current: list[str] = []
    current_words = 0
    for piece in pieces:
        count = len(piece.split())
        if current and current_words + count > max_words:
            chunks.append(" ".join(current))
            current, current_words = [], 0
        current.append(piece)
        current_words += count
    if current:
        chunks.append(" ".join(current))
    return chunks


def aggregate_chunks(chunk_probabilities: Sequence[Mapping[str, float]]) -> tuple[dict[str, float], int]:
    """The deciding chunk's label distribution and its index (see the module docstring for the rule)."""
    if not chunk_probabilities:
        return {"supported": 0.0, "refuted": 0.0, "not_enough_evidence": 1.0}, -1
    most_supportive = max(range(len(chunk_probabilities)), key=lambda i: chunk_probabilities[i]["supported"])
    most_refuting = max(range(len(chunk_probabilities)), key=lambda i: chunk_probabilities[i]["refuted"])
    best_support = chunk_probabilities[most_supportive]["supported"]
    best_refutation = chunk_probabilities[most_refuting]["refuted"]
    if best_refutation > best_support and best_refutation >= STRONG_REFUTATION:
        decider = most_refuting
    else:
        decider = most_supportive
    return dict(chunk_probabilities[decider]), decider


def predicted_label(probabilities: Mapping[str, float]) -> str:
    return max(
        ("supported", "refuted", "not_enough_evidence"), key=lambda label: probabilities.get(label, 0.0)
    )
