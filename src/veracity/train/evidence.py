"""Evidence windows for a cross-encoder with a short input: keep the sentences that matter to the claim.

The verifier reads at most ~128 word pieces of evidence, so a long passage or a whole abstract is cut down
to the sentences that share the most content words with the claim, kept in document order so that facts
spread over neighbouring sentences can still be combined. Training and inference use the same function.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9])")
WORD = re.compile(r"[A-Za-z0-9]+(?:[.,][0-9]+)*")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "it",
        "its",
        "this",
        "that",
        "these",
        "those",
        "he",
        "she",
        "they",
        "we",
        "you",
        "i",
        "his",
        "her",
        "their",
        "our",
        "your",
        "has",
        "have",
        "had",
        "do",
        "does",
        "did",
        "not",
        "no",
        "so",
        "than",
        "then",
        "there",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "why",
        "how",
        "will",
        "would",
        "can",
        "could",
        "may",
        "might",
        "should",
        "about",
        "into",
        "over",
        "after",
        "before",
        "also",
        "more",
        "most",
        "such",
        "only",
        "other",
        "some",
        "any",
        "all",
        "each",
    ]
)


EVIDENCE_WORDS = 90  # the window the network is trained on and, by default, reads


def split_sentences(text: str) -> list[str]:
    """Cheap rule-based sentence split; spaCy is too slow for the inner loop of batch verification."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def content_words(text: str) -> set[str]:
    return {word for word in (w.lower() for w in WORD.findall(text)) if word not in STOPWORDS}


def select_evidence(claim: str, sentences: Sequence[str], max_words: int = EVIDENCE_WORDS) -> str:
    """The most claim-relevant sentences of `sentences`, in document order, within `max_words` words."""
    if not sentences:
        return ""
    text = " ".join(sentences[index] for index in select_sentences(claim, sentences, max_words))
    words = text.split()
    return " ".join(words[:max_words]) if len(words) > max_words else text


def select_sentences(claim: str, sentences: Sequence[str], max_words: int = EVIDENCE_WORDS) -> list[int]:
    """Indexes, in document order, of the sentences `select_evidence` keeps: those sharing the most content
    words with the claim (ties to the earlier). The first may overrun the budget alone; the window cuts it."""
    claim_words = content_words(claim)
    scores = [len(claim_words & content_words(sentence)) for sentence in sentences]
    order = sorted(range(len(sentences)), key=lambda index: (-scores[index], index))
    chosen: list[int] = []
    used = 0
    for index in order:
        length = len(sentences[index].split())
        if chosen and (used + length > max_words or scores[index] == 0):
            continue
        chosen.append(index)
        used += length
        if used >= max_words:
            break
    return sorted(chosen)


def closest_passages(claim: str, passages: Sequence[str], count: int) -> list[int]:
    """Indexes of the `count` passages sharing most content words with the claim (ties to the earlier
    passage), in their given order: the same overlap that picks a window's sentences picks passages."""
    claim_words = content_words(claim)
    overlap = [len(claim_words & content_words(passage)) for passage in passages]
    ranked = sorted(range(len(passages)), key=lambda index: (-overlap[index], index))
    return sorted(ranked[:count])


def evidence_window(claim: str, evidence: str | Sequence[str], max_words: int = EVIDENCE_WORDS) -> str:
    """Accept a passage or a list of sentences and return the window the model reads."""
    sentences = split_sentences(evidence) if isinstance(evidence, str) else list(evidence)
    if isinstance(evidence, str) and len(evidence.split()) <= max_words:
        return evidence.strip()
    return select_evidence(claim, sentences, max_words)
