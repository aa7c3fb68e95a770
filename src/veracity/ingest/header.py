"""Title and date lines at the top of a text, and the whitespace rules that fix the text's coordinates."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

_MAX_TITLE_CHARS = 160
_MAX_TITLE_WORDS = 24
_MAX_DATE_LINE_CHARS = 80
_MAX_DATE_WORDS = 7  # "Wednesday, 14 August 2024, 10:32 BST"; a longer unlabelled line is a sentence
_HEADER_LINES = 4  # a title and a date line sit at the very top; further down a date belongs to the body
_DATE_LABEL = re.compile(
    r"^(?:first\s+|last\s+)?(?:published|updated|posted|dated?|modified)(?:\s+on)?\s*[:\-–—]?\s*(?P<value>.+)$",
    re.IGNORECASE,
)
_BYLINE_SEPARATORS = re.compile(r"\s+[|·•]\s+")
_YEAR = re.compile(r"\b(1[89]\d\d|2\d\d\d)\b")
_DATE_HINT = re.compile(  # a month name or a numeric date: cheap to test, unlike a dateparser call
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\b|\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}",
    re.IGNORECASE,
)
_CLOSING_QUOTES = "\"'”’»)]"
_INVISIBLE = re.compile("[\ufeff\u200b\u200c\u200d\u2060]")
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)
_BLANK_RUNS = re.compile(r"\n{3,}")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(?P<body>.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_MATTER_FIELD = re.compile(r"^(?P<key>[A-Za-z_][\w-]*)\s*:\s*(?P<value>.*?)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Header:
    """What the top of a text says about it, and the text with those lines removed."""

    body: str
    title: str | None = None
    published: date | None = None


def normalize_text(text: str) -> str:
    """Minimal normalisation: claim offsets point into the result, so paragraphs and wording are kept."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = _INVISIBLE.sub("", text)
    text = _TRAILING_SPACE.sub("", text)
    return _BLANK_RUNS.sub("\n\n", text).strip()


def parse_date(value: str) -> date | None:
    """A full calendar date (day, month and year) from ISO or written English, else None."""
    value = value.strip()
    if not value or not _YEAR.search(value) or not _DATE_HINT.search(value):
        return None
    try:
        return datetime.fromisoformat(value).date()
    except ValueError:
        pass
    parsed = _dateparser_parse(value)
    return parsed.date() if parsed else None


def _dateparser_parse(value: str) -> datetime | None:
    import dateparser  # first import builds its language tables; only pay for it when a date is needed

    return dateparser.parse(
        value,
        languages=["en"],
        settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]},
    )


@lru_cache(maxsize=4096)
def date_of_line(line: str) -> date | None:
    """The date a header line announces: "Published: 14 August 2024", "August 14, 2024", a byline part."""
    line = line.strip()
    if not line or len(line) > _MAX_DATE_LINE_CHARS or not _YEAR.search(line):
        return None
    labelled = _DATE_LABEL.match(line)
    if labelled:
        return parse_date(labelled.group("value"))
    for part in _BYLINE_SEPARATORS.split(line):
        found = parse_date(part) if len(part.split()) <= _MAX_DATE_WORDS else None
        if found is not None:
            return found
    return None


def _is_title(line: str) -> bool:
    stripped = line.strip().rstrip(_CLOSING_QUOTES)
    return (
        0 < len(line) <= _MAX_TITLE_CHARS
        and len(line.split()) <= _MAX_TITLE_WORDS
        and not stripped.endswith((".", ":", ";", ","))
    )


def split_header(text: str, *, detect_title: bool = True, known_title: str | None = None) -> Header:
    """Take a title line and a date line off the top of a normalised text.

    A short first line without a final full stop is a title; a line such as "Published: 14 August 2024"
    among the first lines is the date. With `known_title`, only a first line equal to it is removed.
    """
    title: str | None = None
    published: date | None = None
    lines = text.split("\n")
    index = 0
    for _ in range(_HEADER_LINES):
        while index < len(lines) and not lines[index].strip():
            index += 1
        if index >= len(lines):
            break
        line = lines[index].strip()
        rest_has_text = any(other.strip() for other in lines[index + 1 :])
        line_date = date_of_line(line)
        if line_date is not None and rest_has_text:
            published = published or line_date
        elif title is None and rest_has_text and _title_matches(line, detect_title, known_title):
            title = line
        else:
            break
        index += 1
    return Header(body="\n".join(lines[index:]).strip(), title=title, published=published)


def split_front_matter(text: str) -> tuple[Header | None, str]:
    """Read a `---` front-matter block (Markdown notes, static-site archives) for its title and date."""
    front = _FRONT_MATTER.match(text)
    if front is None:
        return None, text
    fields = {
        match.group("key").lower(): match.group("value").strip("\"'")
        for match in _FRONT_MATTER_FIELD.finditer(front.group("body"))
    }
    published = next((parse_date(fields[key]) for key in ("published", "date") if key in fields), None)
    rest = text[front.end() :]
    return Header(body=rest, title=fields.get("title") or None, published=published), rest


def _title_matches(line: str, detect_title: bool, known_title: str | None) -> bool:
    if known_title is not None:
        return line.casefold() == known_title.strip().casefold()
    return detect_title and _is_title(line)
