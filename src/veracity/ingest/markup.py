"""HTML and Markdown to the plain text we store: claim and passage offsets refer to that text alone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from veracity.ingest.header import parse_date

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_BLOCK_TAGS = (
    "address",
    "article",
    "aside",
    "blockquote",
    "br",
    "dd",
    "div",
    "dl",
    "dt",
    "figcaption",
    "figure",
    "footer",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "header",
    "hr",
    "li",
    "main",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "table",
    "td",
    "th",
    "tr",
    "ul",
)
_DROPPED_TAGS = ("script", "style", "noscript", "template", "head")
_SPACE_RUNS = re.compile(r"[ \t\f\v]+")
_HTML_SNIFF = re.compile(r"^\s*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])", re.IGNORECASE)
_HTML_TAG_COUNT = re.compile(r"</(?:p|div|span|a|li|h[1-6]|td|article|section)>", re.IGNORECASE)
_MIN_TAGS_FOR_HTML = 3


@dataclass(frozen=True)
class ExtractedHtml:
    text: str
    title: str | None
    published: date | None


def looks_like_html(text: str) -> bool:
    """Pasted or piped input carries no file name, so HTML is recognised by its markup."""
    return bool(_HTML_SNIFF.match(text)) or len(_HTML_TAG_COUNT.findall(text[:20000])) >= _MIN_TAGS_FOR_HTML


def html_to_text(html: str) -> ExtractedHtml:
    """Main text without navigation and boilerplate (trafilatura); all visible text when that finds none."""
    import trafilatura

    extracted = trafilatura.bare_extraction(
        html, with_metadata=True, include_comments=False, include_tables=True, deduplicate=False
    )
    text = getattr(extracted, "text", None) or ""
    title = (getattr(extracted, "title", None) or "").strip() or None
    raw_date = getattr(extracted, "date", None)
    published = parse_date(raw_date) if raw_date else None
    if not text.strip():
        text = _visible_text(html)
    first_line, _, rest = text.lstrip().partition("\n")
    if title is not None and first_line.strip().casefold() == title.casefold() and rest.strip():
        text = rest
    return ExtractedHtml(text=text, title=title, published=published)


def _visible_text(html: str) -> str:
    import lxml.html
    from lxml.etree import ParserError

    try:
        root = lxml.html.fromstring(html)
    except (ParserError, ValueError):
        return ""
    for element in root.iter(*_DROPPED_TAGS):
        element.drop_tree()
    for element in root.iter(*_BLOCK_TAGS):
        element.tail = "\n" + (element.tail or "")
        element.text = "\n" + (element.text or "")
    lines = (_SPACE_RUNS.sub(" ", line).strip() for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


@lru_cache(maxsize=1)
def _markdown_parser() -> MarkdownIt:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark").enable(["table", "strikethrough"])


def markdown_to_text(markdown: str) -> str:
    """Render Markdown as plain text: one paragraph per block, list items one per line, markup dropped."""
    blocks: list[tuple[str, str | None]] = []  # (text, "item" or "row" when lines group tightly)
    row: list[str] = []
    tight = in_cell = False
    for token in _markdown_parser().parse(markdown):
        if token.type == "paragraph_open":
            tight = token.hidden
        elif token.type == "inline":
            text = _inline_text(token.children or [])
            if in_cell:
                row.append(text.strip())
            elif text.strip():
                blocks.append((text.strip(), "item" if tight else None))
        elif token.type in ("th_open", "td_open", "th_close", "td_close"):
            in_cell = token.nesting == 1
        elif token.type == "tr_close":
            blocks.append((" | ".join(row), "row"))
            row = []
        elif token.type in ("fence", "code_block") and token.content.strip():
            blocks.append((token.content.rstrip("\n"), None))
        elif token.type == "html_block":
            visible = _visible_text(token.content)
            if visible:
                blocks.append((visible, None))
        elif token.type == "paragraph_close":
            tight = False
    parts: list[str] = []
    previous_group: str | None = None
    for index, (text, group) in enumerate(blocks):
        if index:
            parts.append("\n" if group is not None and group == previous_group else "\n\n")
        parts.append(text)
        previous_group = group
    return "".join(parts)


def _inline_text(children: list[Token]) -> str:
    pieces: list[str] = []
    for child in children:
        if child.type in ("text", "code_inline"):
            pieces.append(child.content)
        elif child.type == "softbreak":
            pieces.append(" ")
        elif child.type == "hardbreak":
            pieces.append("\n")
        elif child.type == "image":
            pieces.append(_inline_text(child.children or []))
    return "".join(pieces)
