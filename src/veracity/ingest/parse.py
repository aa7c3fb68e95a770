"""The steps every text goes through, whatever its container: markup to plain text, then header lines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from veracity.errors import InputError
from veracity.ingest.header import normalize_text, split_front_matter, split_header
from veracity.ingest.markup import html_to_text, markdown_to_text

TextFormat = Literal["text", "markdown", "html"]


@dataclass(frozen=True)
class ParsedText:
    text: str
    title: str | None
    published: date | None


def parse_text(
    raw: str, fmt: TextFormat, name: str, *, title: str | None = None, published: date | None = None
) -> ParsedText:
    """Plain text with its title and date; explicit `title` and `published` win over what the text says."""
    if not raw.strip():
        raise InputError(f"{name} is empty")
    found_title: str | None = None
    found_date: date | None = None
    if fmt == "html":
        extracted = html_to_text(raw)
        found_title, found_date, body = extracted.title, extracted.published, extracted.text
    else:
        front, body = split_front_matter(raw)
        if front is not None:
            found_title, found_date = front.title, front.published
        if fmt == "markdown":
            body = markdown_to_text(body)
    known_title = title or found_title
    header = split_header(
        normalize_text(body), detect_title=known_title is None and fmt != "html", known_title=known_title
    )
    if not header.body:
        raise InputError(f"{name} is empty (no readable text)")
    return ParsedText(
        text=header.body,
        title=title or found_title or header.title,
        published=published or found_date or header.published,
    )
