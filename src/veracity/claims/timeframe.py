"""Anchor relative times ("on Wednesday", "earlier this month") to the article's date.

A claim read months later, or compared with evidence from another week, must say which Wednesday it means;
otherwise the retriever cannot find its evidence and the verifier cannot compare dates.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from spacy.tokens import Span, Token

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MONTHS = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
FUTURE_CUES = frozenset(
    {
        "upcoming",
        "next",
        "coming",
        "schedule",
        "plan",
        "due",
        "set",
        "expect",
        "will",
        "shall",
        "until",
        "ahead",
    }
)
LOOKAHEAD_TOKENS = 3


@dataclass
class TimeEdits:
    """Token-level edits: a weekday token replaced by its full date, a phrase's last token given a gloss."""

    replace: dict[int, str] = field(default_factory=dict)
    append: dict[int, str] = field(default_factory=dict)


def format_date(day: date) -> str:
    return f"{day.day} {day.strftime('%B')} {day.year}"


def _week_of(day: date) -> str:
    return f"week of {format_date(day - timedelta(days=day.weekday()))}"


def _month(day: date) -> str:
    return day.strftime("%B %Y")


def _shift_month(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


RELATIVE_PHRASES: tuple[tuple[re.Pattern[str], Callable[[date], str]], ...] = (
    (re.compile(r"\b(?:earlier |later )?this month\b", re.I), _month),
    (re.compile(r"\blast month\b", re.I), lambda d: _month(_shift_month(d, -1))),
    (re.compile(r"\bnext month\b", re.I), lambda d: _month(_shift_month(d, 1))),
    (re.compile(r"\b(?:earlier |later )?this week\b", re.I), _week_of),
    (re.compile(r"\blast week\b", re.I), lambda d: _week_of(d - timedelta(days=7))),
    (re.compile(r"\bnext week\b", re.I), lambda d: _week_of(d + timedelta(days=7))),
    (re.compile(r"\b(?:earlier |later )?this year\b", re.I), lambda d: str(d.year)),
    (re.compile(r"\blast year\b", re.I), lambda d: str(d.year - 1)),
    (re.compile(r"\bnext year\b", re.I), lambda d: str(d.year + 1)),
    (re.compile(r"\b(?:yesterday|last night)\b", re.I), lambda d: format_date(d - timedelta(days=1))),
    (re.compile(r"\b(?:today|tonight|this (?:morning|afternoon|evening))\b", re.I), format_date),
    (re.compile(r"\btomorrow\b", re.I), lambda d: format_date(d + timedelta(days=1))),
)


def resolve_times(sentence: Span, published: date) -> TimeEdits:
    edits = TimeEdits()
    for token in sentence:
        day = resolve_weekday(token, published)
        if day is not None:
            edits.replace[token.i] = f"{token.text} {format_date(day)}"
    text = sentence.text
    for pattern, gloss in RELATIVE_PHRASES:
        for match in pattern.finditer(text):
            last = sentence.char_span(match.start(), match.end(), alignment_mode="expand")
            if last is not None:
                edits.append[last[-1].i] = f" ({gloss(published)})"
    return edits


def resolve_weekday(token: Token, published: date) -> date | None:
    """The latest such weekday on or before the article date, or the next one when the text looks ahead."""
    name = token.lower_
    if name not in WEEKDAYS or _already_dated(token):
        return None
    offset = WEEKDAYS.index(name) - published.weekday()
    if _looks_ahead(token):
        return published + timedelta(days=offset % 7)
    return published - timedelta(days=(-offset) % 7)


def _already_dated(token: Token) -> bool:
    """A weekday followed by its date ("Wednesday, 14 August") needs no resolving."""
    following = token.doc[token.i + 1 : token.i + 1 + LOOKAHEAD_TOKENS]
    return any(t.like_num or t.lower_ in MONTHS for t in following)


def _looks_ahead(token: Token) -> bool:
    previous = token.doc[token.i - 1] if token.i > 0 else None
    if previous is not None and previous.lower_ in FUTURE_CUES:
        return True
    for ancestor in [token, *token.ancestors]:
        if ancestor.lemma_.lower() in FUTURE_CUES:
            return True
        if any(
            child.lemma_.lower() in FUTURE_CUES
            for child in ancestor.children
            if child.dep_ in ("aux", "amod")
        ):
            return True
        if ancestor.pos_ in ("VERB", "AUX") and ancestor.dep_ not in ("acl", "xcomp", "amod"):
            return False
    return False
