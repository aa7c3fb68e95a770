"""Evidence given with a text (the sources of a generated answer, a draft's press release) rather than read
from a store: read like any document, and named so that a cited passage says which source it came from."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from veracity.errors import InputError
from veracity.ingest.article import article_from_html, article_from_text
from veracity.types import Document


def evidence_document(
    index: int,
    *,
    text: str | None = None,
    html: str | None = None,
    title: str | None = None,
    url: str | None = None,
    published: date | None = None,
    name: str | None = None,
) -> Document:
    """Source number `index` (from 0) as a Document, cited by its url, else its name (`evidence:NAME`), else
    its place in the list (`evidence[0]`). Exactly one of `text` or `html`; a title and date line at the top
    of plain text are read as in an indexed file."""
    if (text is None) == (html is None):
        raise InputError(f"evidence[{index}]: give exactly one of text or html")
    source = url or (f"evidence:{name}" if name else f"evidence[{index}]")
    try:
        if html is not None:
            parsed = article_from_html(html, title=title, published=published, source=source)
        else:
            assert text is not None
            parsed = article_from_text(text, title=title, published=published, source=source)
    except InputError as exc:
        message = str(exc)
        raise InputError(message if source in message else f"{source}: {message}") from None
    return Document(
        doc_id=name or f"evidence-{index}",
        source=source,
        text=parsed.text,
        title=parsed.title,
        url=url,
        published=parsed.published,
    )


def require_distinct_ids(documents: Sequence[Document]) -> None:
    """A store keeps one document per id, so a second source with the same id would replace the first."""
    twice = sorted(doc_id for doc_id, count in Counter(d.doc_id for d in documents).items() if count > 1)
    if twice:
        raise InputError(f"evidence documents need distinct ids; {twice[0]!r} is given more than once")


def evidence_from_record(value: object) -> list[Document]:
    """The `evidence` of a JSON record (a batch input line): a list of texts, or of objects with `text` or
    `html` and optional `title`, `url`, `published` (YYYY-MM-DD) and `id`."""
    if not isinstance(value, list) or not value:
        raise InputError("'evidence' must be a non-empty list of texts or {text | html, ...} objects")
    return [_record_document(index, item) for index, item in enumerate(value)]


def _record_document(index: int, item: object) -> Document:
    if isinstance(item, str):
        return evidence_document(index, text=item)
    if not isinstance(item, Mapping):
        raise InputError(f"evidence[{index}] must be a text or an object, not {type(item).__name__}")
    unknown = sorted(set(item) - {"text", "html", "title", "url", "published", "id"})
    if unknown:
        raise InputError(f"evidence[{index}]: unknown field {unknown[0]!r}")
    fields = {key: _string(index, item, key) for key in ("text", "html", "title", "url", "id")}
    published = _string(index, item, "published")
    try:
        day = date.fromisoformat(published) if published else None
    except ValueError:
        raise InputError(f"evidence[{index}]: 'published' must be a date like 2024-08-14") from None
    return evidence_document(
        index,
        text=fields["text"],
        html=fields["html"],
        title=fields["title"],
        url=fields["url"],
        published=day,
        name=fields["id"],
    )


def _string(index: int, item: Mapping[str, Any], key: str) -> str | None:
    value = item.get(key)
    if value is not None and not isinstance(value, str):
        raise InputError(f"evidence[{index}]: {key!r} must be a string")
    return value
