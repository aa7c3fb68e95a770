"""Render a clause as a standalone sentence: referents named, relative times dated, connectives trimmed."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from veracity.claims.coref import Coreference
from veracity.claims.decompose import Clause
from veracity.claims.timeframe import TimeEdits

QUOTE_PAIRS = (("“", "”"), ("«", "»"))
OPEN_QUOTES = frozenset({"“", "«"})
CLOSE_QUOTES = frozenset({"”", "»"})
SENTENCE_FINAL = (".", "!", "?", ".”", "!”", "?”", '."')
LEADING_CONNECTIVES = frozenset({"but", "and", "or", "yet", "so", "however", "meanwhile", "also"})
NO_SPACE_BEFORE = re.compile(r"\s+([,.;:!?%)\]’”»]|'s\b|’s\b|n't\b)")
NO_SPACE_AFTER = re.compile(r"([(\[“«])\s+")


def render_claim(clause: Clause, doc: Doc, coref: Coreference, times: TimeEdits) -> str:
    """The clause's words in reading order, each pronoun or description replaced by its referent the first
    time that referent appears, so "he said it" becomes "Sami Abu Zuhri said ..." but not "X said X"."""
    tokens = _trim(clause.order(), doc)
    pieces: list[str] = []
    seen: set[int] = set()
    position = 0
    while position < len(tokens):
        index = tokens[position]
        consumed = 1
        text = times.replace.get(index, doc[index].text)
        for mention in coref.starting_at(index):
            span = list(range(mention.start, mention.end))
            if tokens[position : position + len(span)] != span:
                continue
            if mention.replaceable and mention.entity not in seen:
                text = coref.replacement(mention)
                consumed = len(span)
            if not mention.modifier:
                seen.add(mention.entity)
            break
        last = tokens[position + consumed - 1]
        text += times.append.get(last, "")
        following = tokens[position + consumed] if position + consumed < len(tokens) else None
        pieces.append(text + _gap(doc[last], following))
        position += consumed
    return _finish("".join(pieces))


def _gap(token: Token, following: int | None) -> str:
    if following is None:
        return ""
    if following == token.i + 1:
        return token.whitespace_
    return " "


def _trim(tokens: list[int], doc: Doc) -> list[int]:
    """Drop connectives and punctuation left at a clause's edges by the split."""
    start, end = 0, len(tokens)
    while start < end and _is_edge_noise(doc[tokens[start]], leading=True):
        start += 1
    while end > start and _is_edge_noise(doc[tokens[end - 1]], leading=False):
        end -= 1
    return tokens[start:end]


def _is_edge_noise(token: Token, *, leading: bool) -> bool:
    if token.is_space:
        return True
    if token.text in OPEN_QUOTES:
        return not leading
    if token.text in CLOSE_QUOTES:
        return leading
    if token.is_punct:
        return True
    return leading and token.lower_ in LEADING_CONNECTIVES and token.dep_ in ("cc", "advmod")


def _finish(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    text = NO_SPACE_BEFORE.sub(r"\1", text)
    text = NO_SPACE_AFTER.sub(r"\1", text)
    for opening, closing in QUOTE_PAIRS:
        if text.count(opening) != text.count(closing):
            text = text.replace(opening, "").replace(closing, "").strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    if not text.endswith(SENTENCE_FINAL):
        text = text.rstrip(",;:") + "."
    return text
