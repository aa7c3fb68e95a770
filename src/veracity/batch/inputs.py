"""Read the batch input twice in bounded memory: once to validate it and count, once to hand out work."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from veracity.corpus.compressed import open_binary
from veracity.errors import InputError

ArticleId = str | int


@dataclass(frozen=True)
class InputScan:
    """The ids of a validated input, in file order, so progress knows the total before work starts."""

    ids: list[ArticleId]


def scan_input(path: Path) -> InputScan:
    """Check every line before any work starts, so a bad file fails at once rather than hours in."""
    first_line: dict[ArticleId, int] = {}
    for number, line in _numbered_lines(path):
        article_id = _record_id(path, number, line)
        if article_id in first_line:
            raise InputError(
                f"{path}:{number}: duplicate id {article_id!r} (first on line {first_line[article_id]}); "
                "ids must be unique"
            )
        first_line[article_id] = number
    if not first_line:
        raise InputError(f"{path} holds no articles (expected one JSON object per line)")
    return InputScan(ids=list(first_line))


def pending_lines(path: Path, done: set[ArticleId]) -> Iterator[str]:
    """The input lines whose ids are not yet in the output, lazily, for engines that stream."""
    for _number, line in _numbered_lines(path):
        if json.loads(line)["id"] not in done:
            yield line


def _numbered_lines(path: Path) -> Iterator[tuple[int, str]]:
    with open_binary(path) as raw, io.TextIOWrapper(raw, encoding="utf-8") as text:
        try:
            for number, line in enumerate(text, start=1):
                if line.strip():
                    yield number, line.strip()
        except UnicodeDecodeError:
            raise InputError(f"{path} is not UTF-8 text (a JSON Lines file is)") from None
        except (EOFError, OSError) as exc:
            raise InputError(f"{path} is truncated or not validly compressed ({exc})") from None


def _record_id(path: Path, number: int, line: str) -> ArticleId:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{number}: not valid JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise InputError(f"{path}:{number}: expected a JSON object, found {type(record).__name__}")
    article_id = record.get("id")
    if isinstance(article_id, bool) or not isinstance(article_id, str | int) or article_id == "":
        raise InputError(f'{path}:{number}: every article needs an "id" (a string or an integer)')
    return article_id
