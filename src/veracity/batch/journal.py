"""The batch output as an append-only journal: one fsynced line per article, so a crash loses at most one.

On reopening, complete lines name the articles already done; a torn last line (the write in flight when
the process died) is cut away. Anything else that does not parse means the file is not ours, and it is
left untouched.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from types import TracebackType
from typing import Any, BinaryIO

from veracity.batch.inputs import ArticleId
from veracity.errors import InputError
from veracity.types import VerifierUsed


class OutputJournal:
    """Owns the output file for one run: reads what is done, repairs a torn tail, appends durably."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.done: set[ArticleId] = set()
        self.verifiers: set[str] = set()  # labels of the verifiers that judged the reports already written
        self.repaired_bytes = 0  # bytes of a torn last line that were cut away on opening
        if path.is_dir():
            raise InputError(f"{path} is a folder; --output must name a file")
        if not path.parent.is_dir():
            raise InputError(f"{path.parent} does not exist; create it or choose another --output")
        try:
            self._handle: BinaryIO = path.open("a+b")
        except OSError as exc:
            raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
        try:
            _lock(self._handle, path)
            self._recover()
        except BaseException:
            self._handle.close()
            raise

    def append(self, line: str) -> None:
        """Write one complete line and force it to disk before the next article is recorded."""
        self._handle.write(line.encode("utf-8") + b"\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> OutputJournal:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _recover(self) -> None:
        self._handle.seek(0)
        offset = 0
        for number, raw in enumerate(self._handle, start=1):
            if not raw.endswith(b"\n"):
                self._repair_tail(offset, raw)
                return
            offset += len(raw)
            if raw.strip():
                record = _output_record(raw)
                if record is None:
                    raise InputError(
                        f"{self.path}:{number} is not a batch output line; refusing to append to this file"
                    )
                self._note(record)

    def _repair_tail(self, offset: int, tail: bytes) -> None:
        record = _output_record(tail)
        if record is not None:  # the line is whole and only its newline was lost: keep it
            self._note(record)
            self.append("")
            return
        self._handle.truncate(offset)
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self.repaired_bytes = len(tail)

    def _note(self, record: dict[str, Any]) -> None:
        self.done.add(record["id"])
        report = record.get("report")
        verifier = report.get("verifier") if isinstance(report, dict) else None
        if isinstance(verifier, dict) and isinstance(verifier.get("name"), str):
            options = verifier.get("options")
            used = VerifierUsed(verifier["name"], options if isinstance(options, dict) else {})
            self.verifiers.add(used.label())


def _output_record(raw: bytes) -> dict[str, Any] | None:
    """The parsed line when it is one of ours (an "ok" or "error" record with an article id), else None."""
    try:
        record = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(record, dict) or record.get("status") not in ("ok", "error"):
        return None
    article_id = record.get("id")
    if not isinstance(article_id, str | int) or isinstance(article_id, bool):
        return None
    return record


def _lock(handle: BinaryIO, path: Path) -> None:
    """Refuse a second run on the same output: two writers would interleave and duplicate articles."""
    if sys.platform == "win32":
        return
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise InputError(
            f"{path} is being written by another batch run; wait for it or choose another --output"
        ) from None
