"""Documents into passages: windows of whole sentences that keep their character offsets.

Evidence is judged sentence by sentence, so passages never cut a sentence. Windows of one to three
sentences reach about 50 words (at most 90); a three-sentence window shares its last sentence with the
next, so runs of short sentences keep their context. Wider overlap would embed most text twice, which
halves indexing speed on a small machine for little retrieval gain.

spaCy's rule-based `sentencizer` on a blank English pipeline splits at about 300k words/s and, unlike a
bare regex, keeps abbreviations such as "U.S." or "Dr." in one piece.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

TARGET_WORDS = 50
MAX_WORDS = 90
MAX_SENTENCES = 3
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_WORD = re.compile(r"\S+")
_nlp_lock = threading.Lock()


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    words: int


@cache
def _sentencizer() -> Language:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _paragraphs(text: str) -> list[tuple[int, str]]:
    spans: list[tuple[int, str]] = []
    position = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.append((position, text[position : match.start()]))
        position = match.end()
    spans.append((position, text[position:]))
    return [(offset, chunk) for offset, chunk in spans if chunk.strip()]


def _split_long(text: str, start: int, end: int) -> list[Span]:
    """A run-on "sentence" (tables, lists, scraped text without stops) is cut every MAX_WORDS words."""
    words = list(_WORD.finditer(text, start, end))
    pieces = [words[i : i + MAX_WORDS] for i in range(0, len(words), MAX_WORDS)]
    return [Span(piece[0].start(), piece[-1].end(), len(piece)) for piece in pieces]


def sentence_spans(text: str) -> list[Span]:
    """Sentence offsets into `text`, whitespace trimmed; sentences never cross a blank line."""
    paragraphs = _paragraphs(text)
    nlp = _sentencizer()
    spans: list[Span] = []
    with _nlp_lock:
        docs = list(nlp.pipe(chunk for _, chunk in paragraphs))
    for (offset, _), doc in zip(paragraphs, docs, strict=True):
        for sent in doc.sents:
            start = offset + sent.start_char
            end = offset + sent.end_char
            words = len(_WORD.findall(text, start, end))
            if words == 0:
                continue
            if words > MAX_WORDS:
                spans.extend(_split_long(text, start, end))
                continue
            while text[start].isspace():
                start += 1
            while text[end - 1].isspace():
                end -= 1
            spans.append(Span(start, end, words))
    return spans


def passage_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) windows of consecutive sentences; a full window shares its last one with the next."""
    sentences = sentence_spans(text)
    windows: list[tuple[int, int]] = []
    first = 0
    while first < len(sentences):
        last = first
        words = sentences[first].words
        while (
            words < TARGET_WORDS
            and last + 1 < len(sentences)
            and last + 1 - first < MAX_SENTENCES
            and words + sentences[last + 1].words <= MAX_WORDS
        ):
            last += 1
            words += sentences[last].words
        windows.append((sentences[first].start, sentences[last].end))
        if last + 1 >= len(sentences):
            break
        first = last if last - first + 1 >= MAX_SENTENCES else last + 1
    return windows
