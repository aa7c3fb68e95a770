"""Jobs, reports and editors' overrides in SQLite beside the store, so a restart of the service loses nothing.

One connection in WAL mode guarded by a lock: the writes are small (a status, a progress count, a report)
and the service's worker threads and request threads share it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from veracity.errors import StoreError
from veracity.types import Article, Document, VerdictLabel

JobStatus = Literal["queued", "running", "succeeded", "failed"]
FINISHED: tuple[JobStatus, ...] = ("succeeded", "failed")
SCHEMA_VERSION = 3

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    started_at TEXT,
    finished_at TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    input_kind TEXT NOT NULL,
    source TEXT NOT NULL,
    title TEXT,
    published TEXT,
    article_text TEXT NOT NULL,
    progress_done INTEGER NOT NULL DEFAULT 0,
    progress_total INTEGER,
    error TEXT,
    summary TEXT,
    report TEXT,
    verifier TEXT,
    evidence TEXT,
    evidence_count INTEGER
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status, seq);
CREATE TABLE IF NOT EXISTS overrides (
    job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    claim_id TEXT NOT NULL,
    verdict TEXT NOT NULL,
    note TEXT NOT NULL,
    editor TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (job_id, claim_id)
);
"""


_LIST_COLUMNS = (
    "id, status, created_at, started_at, finished_at, attempts, input_kind, source, title, published,"
    " progress_done, progress_total, error, summary, verifier, evidence_count"
)
_MIGRATIONS: dict[int, tuple[str, ...]] = {
    # version 1 -> 2: the verifier a client chose for each check (NULL: the server's default)
    1: ("ALTER TABLE jobs ADD COLUMN verifier TEXT",),
    # version 2 -> 3: the documents a check is judged against instead of the store (NULL: the store)
    2: ("ALTER TABLE jobs ADD COLUMN evidence TEXT", "ALTER TABLE jobs ADD COLUMN evidence_count INTEGER"),
}


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def default_db_path(store_path: Path) -> Path:
    """`<store>.serve.sqlite` beside the store folder: the store stays the indexer's alone."""
    store_path = Path(store_path).resolve()
    return store_path.with_name(f"{store_path.name}.serve.sqlite")


@dataclass(frozen=True)
class Override:
    """An editor's verdict for one claim; it wins over the machine's everywhere it is shown or exported."""

    claim_id: str
    verdict: VerdictLabel
    note: str
    updated_at: str
    editor: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "note": self.note,
            "editor": self.editor,
            "updated_at": self.updated_at,
        }


@dataclass(frozen=True)
class Job:
    id: str
    status: JobStatus
    created_at: str
    started_at: str | None
    finished_at: str | None
    attempts: int
    input_kind: str
    article: Article
    progress_done: int
    progress_total: int | None
    error: str | None
    summary: dict[str, int] | None
    verifier: str | None = None  # None: queued before version 2 recorded it; the default judges it
    evidence: tuple[Document, ...] = ()  # judged against these alone; none: against the server's store
    evidence_count: int | None = None  # len(evidence), also where a listing leaves the texts unread

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "created_at": self.created_at,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "attempts": self.attempts,
            "input": self.input_kind,
            "verifier": self.verifier,
            "evidence_documents": self.evidence_count,
            "title": self.article.title,
            "source": self.article.source,
            "published": self.article.published.isoformat() if self.article.published else None,
            "progress": {"done": self.progress_done, "total": self.progress_total},
            "error": self.error,
            "summary": self.summary,
        }


@dataclass(frozen=True)
class Recovery:
    """What a start found of the previous process's unfinished work."""

    requeued: list[str]
    failed: list[str]


class JobDatabase:
    """The service's durable state; every method is safe to call from any thread."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        try:
            self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
            self._conn.row_factory = sqlite3.Row
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._create_schema()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the job database {self.path}: {exc}") from exc

    def _create_schema(self) -> None:
        with self._lock:
            self._conn.executescript(_SCHEMA)
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            if row is None:
                self._conn.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
                return
            version = int(row["value"])
            if version not in (*_MIGRATIONS, SCHEMA_VERSION):
                raise StoreError(
                    f"job database {self.path} has schema version {version}, this veracity reads "
                    f"{SCHEMA_VERSION}: move it aside to start afresh"
                )
            self._migrate(version)

    def _migrate(self, version: int) -> None:
        """Bring an older database up to date in one transaction: all steps land, or none."""
        if version == SCHEMA_VERSION:
            return
        with self._transaction() as conn:
            while version < SCHEMA_VERSION:
                for statement in _MIGRATIONS[version]:
                    conn.execute(statement)
                version += 1
            conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def create_job(
        self,
        article: Article,
        input_kind: str,
        verifier: str | None = None,
        evidence: Sequence[Document] = (),
    ) -> Job:
        job_id = uuid.uuid4().hex
        stored = json.dumps([_document_to_dict(document) for document in evidence]) if evidence else None
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO jobs (id, status, created_at, input_kind, verifier, source, title, published,"
                " article_text, evidence, evidence_count) VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    job_id,
                    utc_now(),
                    input_kind,
                    verifier,
                    article.source,
                    article.title,
                    article.published.isoformat() if article.published else None,
                    article.text,
                    stored,
                    len(evidence) if evidence else None,
                ),
            )
        job = self.get_job(job_id)
        assert job is not None
        return job

    def get_job(self, job_id: str, *, with_evidence: bool = False) -> Job | None:
        """The job; its evidence documents (up to megabytes) are read only for the worker that runs it."""
        columns = f"{_LIST_COLUMNS}, article_text, {'evidence' if with_evidence else 'NULL AS evidence'}"
        with self._lock:
            row = self._conn.execute(f"SELECT {columns} FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return None if row is None else _job_from_row(row)

    def get_report(self, job_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._conn.execute("SELECT report FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None or row["report"] is None:
            return None
        report: dict[str, Any] = json.loads(row["report"])
        return report

    def list_jobs(self, *, limit: int, offset: int) -> tuple[list[Job], int]:
        """Newest first, without the article texts (a listing needs titles, not megabytes)."""
        with self._lock:
            total = self._conn.execute("SELECT COUNT(*) FROM jobs").fetchone()[0]
            rows = self._conn.execute(
                f"SELECT {_LIST_COLUMNS}, '' AS article_text, NULL AS evidence FROM jobs"
                " ORDER BY seq DESC LIMIT ? OFFSET ?",
                (limit, offset),
            ).fetchall()
        return [_job_from_row(row) for row in rows], int(total)

    def override_counts(self, job_ids: list[str]) -> dict[str, int]:
        if not job_ids:
            return {}
        marks = ",".join("?" * len(job_ids))
        with self._lock:
            rows = self._conn.execute(
                f"SELECT job_id, COUNT(*) AS n FROM overrides WHERE job_id IN ({marks}) GROUP BY job_id",
                job_ids,
            ).fetchall()
        return {row["job_id"]: int(row["n"]) for row in rows}

    def delete_job(self, job_id: str) -> bool:
        with self._transaction() as conn:
            deleted = conn.execute("DELETE FROM jobs WHERE id = ?", (job_id,)).rowcount
        return bool(deleted)

    def mark_running(self, job_id: str) -> int | None:
        """Claim a queued job for a worker; returns its attempt number, or None if it is gone or taken."""
        with self._transaction() as conn:
            updated = conn.execute(
                "UPDATE jobs SET status = 'running', started_at = ?, attempts = attempts + 1,"
                " progress_done = 0, progress_total = NULL WHERE id = ? AND status = 'queued'",
                (utc_now(), job_id),
            ).rowcount
            if not updated:
                return None
            row = conn.execute("SELECT attempts FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return int(row["attempts"])

    def set_progress(self, job_id: str, attempt: int, done: int, total: int) -> None:
        with self._transaction() as conn:
            conn.execute(
                "UPDATE jobs SET progress_done = ?, progress_total = ?"
                " WHERE id = ? AND status = 'running' AND attempts = ?",
                (done, total, job_id, attempt),
            )

    def finish(self, job_id: str, attempt: int, report: dict[str, Any]) -> bool:
        """Store the report unless the job was deleted, timed out or re-run meanwhile."""
        summary = report.get("summary") or {}
        total = int(summary.get("claims", len(report.get("claims", []))))
        with self._transaction() as conn:
            updated = conn.execute(
                "UPDATE jobs SET status = 'succeeded', finished_at = ?, report = ?, summary = ?,"
                " progress_done = ?, progress_total = ?, error = NULL"
                " WHERE id = ? AND status = 'running' AND attempts = ?",
                (utc_now(), json.dumps(report), json.dumps(summary), total, total, job_id, attempt),
            ).rowcount
        return bool(updated)

    def fail(self, job_id: str, attempt: int | None, error: str) -> bool:
        query = "UPDATE jobs SET status = 'failed', finished_at = ?, error = ? WHERE id = ?"
        params: tuple[Any, ...] = (utc_now(), error, job_id)
        if attempt is not None:
            query += " AND status = 'running' AND attempts = ?"
            params = (*params, attempt)
        with self._transaction() as conn:
            updated = conn.execute(query, params).rowcount
        return bool(updated)

    def recover(self, max_attempts: int) -> Recovery:
        """Jobs a dead process left running go back in the queue, unless they have used up their attempts."""
        with self._transaction() as conn:
            failed = [
                row["id"]
                for row in conn.execute(
                    "SELECT id FROM jobs WHERE status = 'running' AND attempts >= ? ORDER BY seq",
                    (max_attempts,),
                )
            ]
            conn.execute(
                "UPDATE jobs SET status = 'failed', finished_at = ?, error = ?"
                " WHERE status = 'running' AND attempts >= ?",
                (
                    utc_now(),
                    f"the server stopped while this check was running ({max_attempts} attempts); "
                    "submit it again",
                    max_attempts,
                ),
            )
            conn.execute(
                "UPDATE jobs SET status = 'queued', progress_done = 0, progress_total = NULL"
                " WHERE status = 'running'"
            )
            requeued = [
                row["id"] for row in conn.execute("SELECT id FROM jobs WHERE status = 'queued' ORDER BY seq")
            ]
        return Recovery(requeued=requeued, failed=failed)

    def set_override(
        self, job_id: str, claim_id: str, verdict: VerdictLabel, note: str, editor: str | None
    ) -> Override:
        updated_at = utc_now()
        with self._transaction() as conn:
            conn.execute(
                "INSERT INTO overrides (job_id, claim_id, verdict, note, editor, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (job_id, claim_id) DO UPDATE SET"
                " verdict = excluded.verdict, note = excluded.note, editor = excluded.editor,"
                " updated_at = excluded.updated_at",
                (job_id, claim_id, verdict, note, editor, updated_at),
            )
        return Override(claim_id=claim_id, verdict=verdict, note=note, editor=editor, updated_at=updated_at)

    def delete_override(self, job_id: str, claim_id: str) -> bool:
        with self._transaction() as conn:
            deleted = conn.execute(
                "DELETE FROM overrides WHERE job_id = ? AND claim_id = ?", (job_id, claim_id)
            ).rowcount
        return bool(deleted)

    def overrides(self, job_id: str) -> dict[str, Override]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM overrides WHERE job_id = ? ORDER BY claim_id", (job_id,)
            ).fetchall()
        return {
            row["claim_id"]: Override(
                claim_id=row["claim_id"],
                verdict=row["verdict"],
                note=row["note"],
                editor=row["editor"],
                updated_at=row["updated_at"],
            )
            for row in rows
        }


def _job_from_row(row: sqlite3.Row) -> Job:
    published = date.fromisoformat(row["published"]) if row["published"] else None
    return Job(
        id=row["id"],
        status=row["status"],
        created_at=row["created_at"],
        started_at=row["started_at"],
        finished_at=row["finished_at"],
        attempts=int(row["attempts"]),
        input_kind=row["input_kind"],
        article=Article(
            text=row["article_text"], source=row["source"], title=row["title"], published=published
        ),
        progress_done=int(row["progress_done"]),
        progress_total=None if row["progress_total"] is None else int(row["progress_total"]),
        error=row["error"],
        summary=json.loads(row["summary"]) if row["summary"] else None,
        verifier=row["verifier"],
        evidence=tuple(_document_from_dict(item) for item in json.loads(row["evidence"] or "[]")),
        evidence_count=row["evidence_count"],
    )


def _document_to_dict(document: Document) -> dict[str, Any]:
    return {
        "doc_id": document.doc_id,
        "source": document.source,
        "text": document.text,
        "title": document.title,
        "url": document.url,
        "published": document.published.isoformat() if document.published else None,
    }


def _document_from_dict(item: dict[str, Any]) -> Document:
    published = date.fromisoformat(item["published"]) if item.get("published") else None
    return Document(
        doc_id=item["doc_id"],
        source=item["source"],
        text=item["text"],
        title=item.get("title"),
        url=item.get("url"),
        published=published,
    )
