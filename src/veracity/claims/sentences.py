"""Sentence segmentation that respects the article's layout (title line, paragraphs)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Doc, Span

SENTENCE_END = frozenset({".", "!", "?", "…", "”", '"', "’", "'", ":", ";", ")"})
MAX_HEADING_TOKENS = 25


@dataclass(frozen=True)
class Sentence:
    """A sentence of the article; `is_heading` marks title or sub-heading lines, which state no claims."""

    span: Span
    index: int
    paragraph: int
    is_heading: bool

    @property
    def text(self) -> str:
        return self.span.text

    @property
    def start_char(self) -> int:
        return self.span.start_char

    @property
    def end_char(self) -> int:
        return self.span.end_char


def split_sentences(doc: Doc) -> list[Sentence]:
    """Split spaCy's sentences again at line breaks, since the parser sometimes joins a title to the lead."""
    pieces: list[tuple[int, int, int]] = []
    paragraph = 0
    for sent in doc.sents:
        start = sent.start
        for token in sent:
            if token.is_space and "\n" in token.text:
                if start < token.i:
                    pieces.append((start, token.i, paragraph))
                paragraph += 1
                start = token.i + 1
        if start < sent.end:
            pieces.append((start, sent.end, paragraph))

    per_paragraph = Counter(piece[2] for piece in pieces)
    sentences: list[Sentence] = []
    for start, end, paragraph_index in pieces:
        while start < end and doc[start].is_space:
            start += 1
        while end > start and doc[end - 1].is_space:
            end -= 1
        if start == end:
            continue
        span = doc[start:end]
        alone_in_paragraph = per_paragraph[paragraph_index] == 1
        sentences.append(
            Sentence(
                span=span,
                index=len(sentences),
                paragraph=paragraph_index,
                is_heading=alone_in_paragraph and _looks_like_heading(span),
            )
        )
    return sentences


def _looks_like_heading(span: Span) -> bool:
    return span[-1].text not in SENTENCE_END and len(span) <= MAX_HEADING_TOKENS
