"""Articles from files, standard input, pasted text or HTML: one Article whose text fixes claim offsets."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Literal

from veracity.errors import InputError
from veracity.ingest.decode import decode_bytes
from veracity.ingest.markup import looks_like_html
from veracity.ingest.parse import TextFormat, parse_text
from veracity.types import Article

DEFAULT_MAX_BYTES = 5_000_000
ArticleFormat = Literal["auto", "text", "markdown", "html"]
_SUFFIX_FORMATS: dict[str, TextFormat] = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".md": "markdown",
    ".markdown": "markdown",
    ".txt": "text",
    ".text": "text",
}


def read_article(
    source: str | Path,
    *,
    published: date | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    fmt: ArticleFormat = "auto",
) -> Article:
    """Read an article from a path or "-" (standard input); the format follows the suffix unless given."""
    if str(source) == "-":
        name = "standard input"
        data = sys.stdin.buffer.read(max_bytes + 1)
        _check_size(name, len(data), max_bytes, exact=False)
        suffix = ""
    else:
        path = Path(source)
        name = str(path)
        data = read_limited(path, max_bytes)
        suffix = path.suffix.lower()
    if not data.strip():
        raise InputError(f"{name} is empty")
    detected: TextFormat | None = _SUFFIX_FORMATS.get(suffix) if fmt == "auto" else fmt
    text = decode_bytes(data, name, html=detected == "html" or (detected is None and _sniff_html(data)))
    if detected is None:
        detected = "html" if looks_like_html(text) else "text"
    parsed = parse_text(text, detected, name, published=published)
    return Article(text=parsed.text, source=str(source), title=parsed.title, published=parsed.published)


def article_from_text(
    text: str, *, title: str | None = None, published: date | None = None, source: str = "-"
) -> Article:
    """An article from pasted plain text (the HTTP API, notebooks)."""
    return _article(text, "text", title=title, published=published, source=source)


def article_from_markdown(
    markdown: str, *, title: str | None = None, published: date | None = None, source: str = "-"
) -> Article:
    return _article(markdown, "markdown", title=title, published=published, source=source)


def article_from_html(
    html: str, *, title: str | None = None, published: date | None = None, source: str = "-"
) -> Article:
    """An article from a web page: boilerplate is dropped and the page's own title and date are kept."""
    return _article(html, "html", title=title, published=published, source=source)


def _article(raw: str, fmt: TextFormat, *, title: str | None, published: date | None, source: str) -> Article:
    name = "the article" if source == "-" else source
    parsed = parse_text(raw, fmt, name, title=title, published=published)
    return Article(text=parsed.text, source=source, title=parsed.title, published=parsed.published)


def read_limited(path: Path, max_bytes: int) -> bytes:
    """The bytes of a file, with one-line errors for what users get wrong (missing, folder, too large)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError(f"{path} does not exist") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    if path.is_dir():
        raise InputError(f"{path} is a folder, not a file")
    _check_size(str(path), size, max_bytes)
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None
    _check_size(str(path), len(data), max_bytes, exact=False)  # special files report a size of 0
    return data


def _check_size(name: str, size: int, max_bytes: int, *, exact: bool = True) -> None:
    if size > max_bytes:
        shown = f"{size:,} bytes, " if exact else ""
        raise InputError(f"{name} is {shown}over the limit of {max_bytes:,} bytes")


def _sniff_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html"))
