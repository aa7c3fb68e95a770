"""Evidence documents from a file or a folder, streamed so a large corpus never sits in memory at once."""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from veracity.errors import InputError
from veracity.ingest.article import read_limited
from veracity.ingest.decode import decode_bytes
from veracity.ingest.header import normalize_text, parse_date, split_header
from veracity.ingest.parse import TextFormat, parse_text
from veracity.types import Document

SUPPORTED_SUFFIXES: tuple[str, ...] = (
    ".txt",
    ".md",
    ".markdown",
    ".html",
    ".htm",
    ".jsonl",
    ".jsonl.gz",
    ".xml",
    ".xml.bz2",
    ".xml.gz",
)
WIKI_DUMP_SUFFIXES = (".xml", ".xml.bz2", ".xml.gz")  # MediaWiki exports, streamed page by page
DEFAULT_MAX_DOCUMENT_BYTES = 50_000_000
_FILE_FORMATS: dict[str, TextFormat] = {
    ".txt": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
}

ErrorHandler = Callable[[InputError], None]


def supported_suffix(path: Path) -> str | None:
    name = path.name.lower()
    return next((suffix for suffix in SUPPORTED_SUFFIXES if name.endswith(suffix)), None)


def iter_documents(
    path: Path,
    *,
    on_error: ErrorHandler | None = None,
    max_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES,
) -> Iterator[Document]:
    """Yield the documents of one file or of every supported file under a folder, in path order.

    A bad file or jsonl line raises InputError, or, when `on_error` is given, is reported to it and
    skipped, so one broken record does not stop a long ingest. Hidden files and folders are ignored.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path} does not exist")
    if path.is_dir():
        root = path
        files = sorted(
            candidate
            for candidate in path.rglob("*")
            if candidate.is_file()
            and supported_suffix(candidate) is not None
            and not any(part.startswith(".") for part in candidate.relative_to(path).parts)
        )
    else:
        if supported_suffix(path) is None:
            raise InputError(
                f"{path} is not a supported evidence file (supported: {', '.join(SUPPORTED_SUFFIXES)})"
            )
        root, files = path.parent, [path]
    for file in files:
        yield from _file_documents(file, file.relative_to(root).as_posix(), on_error, max_bytes)


def _file_documents(
    path: Path, relative: str, on_error: ErrorHandler | None, max_bytes: int
) -> Iterator[Document]:
    suffix = supported_suffix(path)
    if suffix in (".jsonl", ".jsonl.gz"):
        yield from _jsonl_documents(path, relative, on_error)
        return
    if suffix in WIKI_DUMP_SUFFIXES:
        yield from _wiki_documents(path, on_error)
        return
    fmt = _FILE_FORMATS[suffix or ".txt"]
    try:
        text = decode_bytes(read_limited(path, max_bytes), str(path), html=fmt == "html")
        parsed = parse_text(text, fmt, str(path))
    except InputError as error:
        _report(error, on_error)
        return
    yield Document(
        doc_id=relative, source=str(path), text=parsed.text, title=parsed.title, published=parsed.published
    )


def _jsonl_documents(path: Path, relative: str, on_error: ErrorHandler | None) -> Iterator[Document]:
    compressed = path.name.lower().endswith(".gz")
    try:
        with gzip.open(path, "rb") if compressed else path.open("rb") as handle:
            for line_number, raw in enumerate(handle, start=1):
                if not raw.strip():
                    continue
                try:
                    document = _record_document(raw, path, relative, line_number)
                except InputError as error:
                    _report(error, on_error)
                    continue
                yield document
    except (OSError, EOFError, zlib.error) as exc:
        _report(InputError(f"cannot read {path}: {exc}"), on_error)


def _wiki_documents(path: Path, on_error: ErrorHandler | None) -> Iterator[Document]:
    from veracity.corpus import iter_wiki_dump

    try:
        yield from iter_wiki_dump(path)
    except InputError as error:
        _report(error, on_error)


def _record_document(raw: bytes, path: Path, relative: str, line_number: int) -> Document:
    where = f"{path} line {line_number}"
    try:
        record = json.loads(raw.decode("utf-8-sig" if line_number == 1 else "utf-8"))
    except UnicodeDecodeError:
        raise InputError(f"{where} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{where} is not valid JSON: {exc.msg}") from None
    if not isinstance(record, dict):
        raise InputError(f'{where} must be a JSON object with a "text" field')
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise InputError(f'{where} has no "text" (a non-empty string is required)')
    title = _optional_string(record, "title", where)
    url = _optional_string(record, "url", where)
    published_value = _optional_string(record, "published", where)
    published = None
    if published_value is not None:
        published = parse_date(published_value)
        if published is None:
            raise InputError(f'{where} has a "published" that is not a date: {published_value!r}')
    record_id = record.get("id")
    if record_id is not None and not isinstance(record_id, str | int):
        raise InputError(f'{where} has an "id" that is neither a string nor an integer')
    header = split_header(normalize_text(text), detect_title=title is None, known_title=title)
    return Document(
        doc_id=str(record_id)
        if record_id is not None and str(record_id).strip()
        else f"{relative}#{line_number}",
        source=f"{path}#{line_number}",
        text=header.body or normalize_text(text),
        title=title or header.title,
        url=url,
        published=published or header.published,
    )


def _optional_string(record: dict[str, Any], key: str, where: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{where} has a {key!r} that is not a string")
    return value.strip() or None


def _report(error: InputError, on_error: ErrorHandler | None) -> None:
    if on_error is None:
        raise error
    on_error(error)
