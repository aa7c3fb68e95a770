"""The evidence store: an embedded SQLite database (documents, passages, FTS5, embeddings) in a folder.

SQLite is the source of truth and runs in WAL mode, so readers (the checker, the HTTP service) keep
working while one writer indexes. Every batch of documents commits in one transaction that holds whole
documents only, and a file is marked indexed after its documents; a writer killed at any moment leaves
a store that opens, and re-running the same `index` finishes the work without redoing committed files.

Large files are streamed: a producer thread reads and splits documents while the main thread embeds and
writes, with a bounded queue between them. Until a file is finished its documents are referenced under
a staging origin, and each commit also records how many of the file's documents it has consumed, so a
killed run over one multi-gigabyte jsonl or wiki dump resumes after the last committed batch.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import queue
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np

from veracity.errors import ConfigError, InputError, StoreError, VeracityError
from veracity.store.dense import (
    UNDATED,
    AnnDenseIndex,
    DenseData,
    DenseIndex,
    ExactDenseIndex,
    hnsw_meta_path,
    load_cache,
    load_hnsw,
    new_hnsw,
    save_cache,
    save_hnsw,
    sync_hnsw,
)
from veracity.store.fts import affordable_terms, expression, query_terms
from veracity.store.lock import WriterLock
from veracity.store.passages import passage_spans
from veracity.store.schema import SCHEMA, SCHEMA_VERSION
from veracity.types import Document, Embedder, Passage

DB_NAME = "evidence.sqlite3"
LOCK_NAME = "writer.lock"
DENSE_CACHE_NAME = "dense.npz"
HNSW_NAME = "dense.hnsw"
ANN_THRESHOLD = 50_000  # passages; below it exact search is both faster to build and exact
EMBED_BATCH_PASSAGES = 256  # passages embedded and committed together: a kill loses at most one batch
PREFETCH_DOCUMENTS = 256  # documents read and split ahead of the embedder; bounds memory
MAX_QUEUED_ACTIONS = 5000  # also bounds memory when a run only touches or re-links stored documents
API_ORIGIN_PREFIX = "api:"
STAGING_PREFIX = "partial:"  # origins are absolute paths or "api:...", so this never collides
RESUME_KEY_PREFIX = "resume:"
_SQL_CHUNK = 500

DateRange = tuple[date, date]


@dataclass
class IndexResult:
    """What an index, add or remove run changed, counted in documents (a jsonl file holds many)."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    duplicates: int = 0
    resumed: int = 0  # documents an interrupted run had already committed, skipped this time
    passages_added: int = 0
    files: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (source, one-line message)

    def summary_line(self) -> str:
        """One line for the CLI; the first error is quoted, `errors` holds them all."""
        line = (
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.removed} removed, {self.duplicates} duplicates, {self.passages_added} new passages"
        )
        if self.errors:
            message = self.errors[0][1]
            more = f" (and {len(self.errors) - 1} more)" if len(self.errors) > 1 else ""
            line += f"; {len(self.errors)} skipped: {message}{more}"
        if self.resumed:
            line += f"; resumed after {self.resumed} documents committed by an interrupted run"
        return line

    def to_dict(self) -> dict[str, Any]:
        return {
            "added": self.added,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "removed": self.removed,
            "duplicates": self.duplicates,
            "resumed": self.resumed,
            "passages_added": self.passages_added,
            "files": self.files,
            "errors": [{"source": source, "error": message} for source, message in self.errors],
        }


@dataclass
class _PendingDocument:
    origin: str
    document: Document
    content_hash: str
    spans: list[tuple[int, int]]
    mtime: float | None
    size: int | None


@dataclass
class _Prepared:
    """A document with the work that needs no database done, so a producer thread can do it."""

    position: int  # 1-based count of documents read from the origin so far
    document: Document
    content_hash: str
    spans: list[tuple[int, int]]


def _content_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _prepare(document: Document, position: int = 0) -> _Prepared:
    return _Prepared(position, document, _content_hash(document.text), passage_spans(document.text))


def _staging(origin: str) -> str:
    return STAGING_PREFIX + origin


def _resume_key(origin: str) -> str:
    return RESUME_KEY_PREFIX + origin


_END = object()


def _prefetch(items: Iterator[Any], depth: int = PREFETCH_DOCUMENTS) -> Iterator[Any]:
    """Run `items` in a thread, at most `depth` ahead, so reading and splitting overlap embedding.

    An exception in the producer is re-raised in the consumer; a consumer that stops early (an error,
    Ctrl-C) stops the producer at its next item.
    """
    buffer: queue.Queue[Any] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                buffer.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_END)
        except BaseException as exc:  # handed to the consumer, which raises it
            put(exc)

    worker = threading.Thread(target=produce, name="veracity-index-reader", daemon=True)
    worker.start()
    try:
        while True:
            item = buffer.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
        worker.join(timeout=5)


def _file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _walk(root: Path) -> list[Path]:
    from veracity.ingest import supported_suffix

    if root.is_file():
        return [root]
    return sorted(
        candidate
        for candidate in root.rglob("*")
        if candidate.is_file() and supported_suffix(candidate) is not None and not _is_hidden(candidate, root)
    )


def _under(origin: str, root: str) -> bool:
    return origin == root or origin.startswith(root.rstrip("/") + "/")


class Store:
    """An open evidence store; open it with `Store.open`, use it as a context manager."""

    def __init__(
        self,
        path: Path,
        connection: sqlite3.Connection,
        lock: WriterLock | None,
        ann_threshold: int = ANN_THRESHOLD,
    ) -> None:
        self.path = path
        self._connection = connection
        self._lock = lock
        self.ann_threshold = ann_threshold
        self._guard = threading.RLock()
        self._dense: DenseIndex | None = None
        self._dense_generation = -1

    # ----------------------------------------------------------------------------------- opening
    @classmethod
    def open(
        cls, path: Path, *, create: bool = False, read_only: bool = False, ann_threshold: int = ANN_THRESHOLD
    ) -> Store:
        """Open (or with `create`, make) the store folder at `path`; only one writer at a time.

        Dense search is exact below `ann_threshold` passages and uses a persisted HNSW graph above it.
        """
        if create and read_only:
            raise ConfigError("a store cannot be opened both to create it and read-only")
        if ann_threshold < 1:
            raise ConfigError(f"ann_threshold must be at least 1, not {ann_threshold}")
        path = Path(path).expanduser()
        database = path / DB_NAME
        if path.exists() and not path.is_dir():
            raise StoreError(f"{path} is a file, not an evidence store folder")
        if not database.exists() and not create:
            raise StoreError(f"no evidence store at {path}; run `veracity index ... --store {path}` first")
        lock: WriterLock | None = None
        connection: sqlite3.Connection | None = None
        try:
            if not read_only:
                path.mkdir(parents=True, exist_ok=True)
                lock = WriterLock(path / LOCK_NAME)
                lock.acquire()
            connection = cls._connect(database, read_only=read_only)
            if create and cls._is_blank(connection, database):
                cls._initialise(connection)
            cls._check_schema(connection, path)
        except BaseException:
            if connection is not None:
                connection.close()
            if lock is not None:
                lock.release()
            raise
        return cls(path, connection, lock, ann_threshold)

    @staticmethod
    def _connect(database: Path, *, read_only: bool) -> sqlite3.Connection:
        try:
            if read_only:
                connection = sqlite3.connect(
                    f"{database.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False
                )
            else:
                connection = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
            connection.isolation_level = None  # we issue BEGIN/COMMIT ourselves
            connection.execute("PRAGMA busy_timeout = 10000")
            connection.executescript(_QUERY_TABLES)
            if not read_only:
                connection.execute("PRAGMA journal_mode = WAL")
                connection.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"cannot open the evidence store {database}: {exc} (the file may be corrupt)"
            ) from exc
        return connection

    @staticmethod
    def _is_blank(connection: sqlite3.Connection, database: Path) -> bool:
        try:
            return connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{database} is not an evidence store database ({exc}); it may be corrupt"
            ) from exc

    @staticmethod
    def _initialise(connection: sqlite3.Connection) -> None:
        connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in _split_sql(SCHEMA):
                connection.execute(statement)
            connection.executemany(
                "INSERT INTO meta(key, value) VALUES (?, ?)",
                [
                    ("schema_version", str(SCHEMA_VERSION)),
                    ("generation", "0"),
                    ("created_at", datetime.now(UTC).isoformat(timespec="seconds")),
                ],
            )
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    @staticmethod
    def _check_schema(connection: sqlite3.Connection, path: Path) -> None:
        try:
            row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(
                f"{path / DB_NAME} is not a readable evidence store ({exc}); it may be corrupt: "
                "move it aside and re-index"
            ) from exc
        if row is None:
            raise StoreError(f"{path / DB_NAME} has no schema version; it is not a veracity evidence store")
        found = int(row[0])
        if found != SCHEMA_VERSION:
            raise StoreError(
                f"evidence store {path} has schema version {found}, but this veracity reads version "
                f"{SCHEMA_VERSION}; re-index into a new store folder"
            )

    def close(self) -> None:
        with self._guard:
            self._dense = None  # a million-passage graph is hundreds of megabytes
            self._dense_generation = -1
            self._connection.close()
            if self._lock is not None:
                self._lock.release()
                self._lock = None

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # ---------------------------------------------------------------------------------- metadata
    @property
    def read_only(self) -> bool:
        return self._lock is None

    def _meta(self, key: str) -> str | None:
        with self._guard:
            row = self._connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    @property
    def generation(self) -> int:
        """Bumped by every commit that changes passages; derived caches compare against it."""
        return int(self._meta("generation") or 0)

    @property
    def embedder_name(self) -> str | None:
        """The embedder the store was indexed with (None while it is empty)."""
        return self._meta("embedder")

    @property
    def embedder_dim(self) -> int | None:
        value = self._meta("embedder_dim")
        return None if value is None else int(value)

    def stats(self) -> dict[str, Any]:
        with self._guard:
            documents = self._connection.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
            passages = self._connection.execute("SELECT COUNT(*) FROM passages").fetchone()[0]
            origins = self._connection.execute("SELECT COUNT(*) FROM origins").fetchone()[0]
        size = sum(item.stat().st_size for item in self.path.iterdir() if item.is_file())
        return {
            "path": str(self.path),
            "documents": documents,
            "passages": passages,
            "sources": origins,
            "bytes": size,
            "schema_version": SCHEMA_VERSION,
            "generation": self.generation,
            "embedder": self.embedder_name,
            "embedder_dim": self.embedder_dim,
        }

    # ---------------------------------------------------------------------------------- indexing
    def _require_writer(self) -> None:
        if self.read_only:
            raise StoreError(f"the evidence store {self.path} was opened read-only")

    def _bind_embedder(self, embedder: Embedder) -> None:
        name, dim = self.embedder_name, self.embedder_dim
        if name is None:
            with self._guard:
                self._connection.executemany(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                    [("embedder", embedder.name), ("embedder_dim", str(embedder.dim))],
                )
            return
        if name != embedder.name or dim != embedder.dim:
            raise StoreError(
                f"store {self.path} was indexed with embedder {name!r} ({dim} dims), not {embedder.name!r} "
                f"({embedder.dim} dims); use the same embedder or index into a new store"
            )

    def index_paths(self, paths: Sequence[Path], embedder: Embedder, *, progress: bool = True) -> IndexResult:
        """Index files and folders (recursively); unchanged files are skipped, vanished ones removed."""
        from veracity.ingest import iter_documents

        self._require_writer()
        roots = [Path(item).expanduser().resolve() for item in paths]
        for root in roots:
            if not root.exists():
                raise InputError(f"{root} does not exist")
        self._bind_embedder(embedder)
        result = IndexResult()
        writer = _BatchWriter(self, embedder, result)
        files = {str(file): file for root in roots for file in _walk(root)}
        known = self._origins_under([str(root) for root in roots])
        unfinished = self._resume_points_under([str(root) for root in roots])
        total_bytes = sum(_size_or_zero(file) for file in files.values())
        bar = _progress_bar(total_bytes, enabled=progress)
        try:
            for key, file in files.items():
                result.files += 1
                self._index_file(key, file, known.get(key), unfinished.get(key), writer, iter_documents)
                bar.update(_size_or_zero(file))
                bar.set_postfix(passages=result.passages_added, refresh=False)
            for origin in (known.keys() | unfinished.keys()) - files.keys():
                if not Path(origin).exists():
                    writer.remove_origin(origin)
            writer.flush()
        finally:
            bar.close()
        self._refresh_dense_cache()
        return result

    def _index_file(
        self,
        key: str,
        file: Path,
        previous: tuple[float | None, int | None, str, int] | None,
        unfinished: tuple[str, int] | None,
        writer: _BatchWriter,
        iter_documents: Any,
    ) -> None:
        result = writer.result
        try:
            stat = file.stat()
            if previous is not None and previous[0] == stat.st_mtime and previous[1] == stat.st_size:
                result.unchanged += previous[3]
                if unfinished is not None:  # an interrupted update of a file since restored
                    writer.abandon_origin(key)
                return
            digest = _file_hash(file)
        except OSError as exc:
            result.errors.append((key, f"cannot read {file}: {exc.strerror or exc}"))
            return
        if previous is not None and previous[2] == digest:
            writer.touch_origin(key, stat.st_mtime, stat.st_size)
            result.unchanged += previous[3]
            if unfinished is not None:
                writer.abandon_origin(key)
            return
        skip = 0
        if unfinished is not None:
            if unfinished[0] == digest:
                skip = unfinished[1]
            else:
                writer.abandon_origin(key)  # the file changed since the interrupted run
        errors: list[VeracityError] = []
        documents = skip
        result.resumed += skip

        def prepared() -> Iterator[_Prepared]:
            for position, document in enumerate(iter_documents(file, on_error=errors.append), start=1):
                if position > skip:
                    yield _prepare(_relabel(document, file), position)

        writer.start_origin(key, digest)
        try:
            for item in _prefetch(prepared()):
                documents += 1
                writer.add(key, item, mtime=stat.st_mtime, size=stat.st_size)
        except (VeracityError, OSError) as exc:
            errors.append(exc if isinstance(exc, VeracityError) else InputError(f"cannot read {file}: {exc}"))
            documents = 0
        result.errors.extend((key, str(error)) for error in errors)
        if documents == 0 and errors:
            writer.forget_origin(key)  # keep what an earlier, readable version of the file gave
            return
        writer.finish_origin(key, stat.st_mtime, stat.st_size, digest)

    def add_documents(
        self, docs: Iterable[Document], embedder: Embedder, *, progress: Callable[[int], None] | None = None
    ) -> IndexResult:
        """Add or replace documents by doc_id (the HTTP API); identical content is stored once. `progress`
        is told how many documents have been handed to the writer so far."""
        self._require_writer()
        self._bind_embedder(embedder)
        result = IndexResult()
        writer = _BatchWriter(self, embedder, result)
        for taken, document in enumerate(docs, start=1):
            if document.text.strip():
                origin = API_ORIGIN_PREFIX + document.doc_id
                item = _prepare(document)
                writer.add(origin, item, mtime=None, size=None)
                writer.finish_origin(origin, None, None, item.content_hash)
            else:
                result.errors.append((document.source, f"document {document.doc_id!r} has no text"))
            if progress is not None:
                progress(taken)
        writer.flush()
        self._refresh_dense_cache()
        return result

    def remove_paths(self, paths: Sequence[Path]) -> IndexResult:
        """Forget the documents of these files or folders (which need not exist any more)."""
        self._require_writer()
        roots = [str(Path(item).expanduser().resolve()) for item in paths]
        result = IndexResult()
        writer = _BatchWriter(self, None, result)
        for origin in self._origins_under(roots).keys() | self._resume_points_under(roots).keys():
            writer.remove_origin(origin)
        writer.flush()
        self._refresh_dense_cache()
        return result

    def _origins_under(self, roots: Sequence[str]) -> dict[str, tuple[float | None, int | None, str, int]]:
        with self._guard:
            rows = self._connection.execute(
                "SELECT origin, mtime, size, content_hash, documents FROM origins "
                "WHERE origin NOT LIKE 'api:%'"
            ).fetchall()
        return {
            row[0]: (row[1], row[2], row[3], row[4])
            for row in rows
            if any(_under(row[0], root) for root in roots)
        }

    def _resume_points_under(self, roots: Sequence[str]) -> dict[str, tuple[str, int]]:
        """Files an interrupted run left unfinished: origin -> (file hash, documents committed)."""
        with self._guard:
            rows = self._connection.execute(
                "SELECT key, value FROM meta WHERE key >= ? AND key < ?",
                (RESUME_KEY_PREFIX, RESUME_KEY_PREFIX[:-1] + chr(ord(RESUME_KEY_PREFIX[-1]) + 1)),
            ).fetchall()
        points: dict[str, tuple[str, int]] = {}
        for key, value in rows:
            origin = key[len(RESUME_KEY_PREFIX) :]
            if any(_under(origin, root) for root in roots):
                record = json.loads(value)
                points[origin] = (str(record["hash"]), int(record["documents"]))
        return points

    # ----------------------------------------------------------------------------------- reading
    def get_passages(self, ids: Sequence[int]) -> list[Passage]:
        """Passages in the order of `ids`; ids no longer in the store are left out."""
        found: dict[int, Passage] = {}
        unique = list(dict.fromkeys(int(item) for item in ids))
        with self._guard:
            for begin in range(0, len(unique), _SQL_CHUNK):
                chunk = unique[begin : begin + _SQL_CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = self._connection.execute(
                    'SELECT p.id, d.doc_id, d.source, p.text, p.start, p."end", d.title, d.url, d.published '
                    f"FROM passages p JOIN documents d ON d.id = p.document_id WHERE p.id IN ({marks})",
                    chunk,
                ).fetchall()
                for row in rows:
                    found[row[0]] = Passage(
                        passage_id=row[0],
                        doc_id=row[1],
                        source=row[2],
                        text=row[3],
                        start=row[4],
                        end=row[5],
                        title=row[6],
                        url=row[7],
                        published=date.fromisoformat(row[8]) if row[8] else None,
                    )
        return [found[item] for item in unique if item in found]

    def document_text(self, doc_id: str) -> str | None:
        """The full text a passage's offsets point into (for context around a passage)."""
        with self._guard:
            row = self._connection.execute(
                "SELECT text FROM documents WHERE doc_id = ? ORDER BY id LIMIT 1", (doc_id,)
            ).fetchone()
        return None if row is None else str(row[0])

    def search_bm25(self, query: str, k: int, date_range: DateRange | None = None) -> list[tuple[int, float]]:
        """(passage_id, score) by BM25, best first; `query` is free text, never FTS5 syntax."""
        terms = query_terms(query)
        if not terms or k <= 0:
            return []
        match = expression(affordable_terms(terms, self._postings(terms)))
        if match is None:
            return []
        sql = "SELECT f.rowid, bm25(passages_fts) AS score FROM passages_fts f "
        params: list[Any] = []
        if date_range is not None:
            sql += (
                "JOIN passages p ON p.id = f.rowid JOIN documents d ON d.id = p.document_id "
                "WHERE passages_fts MATCH ? AND (d.published IS NULL OR d.published BETWEEN ? AND ?) "
            )
            params = [match, date_range[0].isoformat(), date_range[1].isoformat()]
        else:
            sql += "WHERE passages_fts MATCH ? "
            params = [match]
        sql += "ORDER BY score LIMIT ?"
        params.append(k)
        try:
            with self._guard:
                rows = self._connection.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            raise StoreError(f"full-text search failed in {self.path}: {exc}") from exc
        return [(int(row[0]), -float(row[1])) for row in rows]

    def _postings(self, terms: list[str]) -> list[int]:
        """How many passages hold each term, after FTS5's own stemming (read from a temporary index)."""
        with self._guard:
            connection = self._connection
            connection.execute("INSERT INTO temp.query_text(rowid, text) VALUES (1, ?)", (" ".join(terms),))
            try:
                stems = [
                    row[0] for row in connection.execute("SELECT term FROM temp.query_vocab ORDER BY offset")
                ]
            finally:
                connection.execute("DELETE FROM temp.query_text")
            if len(stems) != len(terms):  # a word the tokenizer splits further: score every word
                return [1] * len(terms)
            counts = []
            for stem in stems:
                row = connection.execute(
                    "SELECT doc FROM temp.passages_vocab WHERE term = ?", (stem,)
                ).fetchone()
                counts.append(0 if row is None else int(row[0]))
        return counts

    def search_dense(
        self, vector: np.ndarray, k: int, date_range: DateRange | None = None
    ) -> list[tuple[int, float]]:
        """(passage_id, cosine) nearest to an L2-normalised `vector`, best first."""
        index = self._dense_index()
        return index.search(vector, k, date_range) if index is not None else []

    # ------------------------------------------------------------------------------- dense cache
    def _dense_index(self) -> DenseIndex | None:
        with self._guard:
            generation = self.generation
            if self._dense is None or self._dense_generation != generation:
                embedder = self.embedder_name
                if embedder is None:
                    return None
                count = self._connection.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
                use_ann = count >= self.ann_threshold
                if use_ann:
                    self._dense, self._dense_generation = self._ann_index(embedder)
                else:
                    self._dense, self._dense_generation = self._exact_index(embedder, generation)
                if not self.read_only:  # a reader may have chosen another threshold than the writer
                    unused = (
                        [DENSE_CACHE_NAME] if use_ann else [HNSW_NAME, hnsw_meta_path(Path(HNSW_NAME)).name]
                    )
                    _discard(*(self.path / name for name in unused))
            return self._dense

    def _exact_index(self, embedder: str, generation: int) -> tuple[DenseIndex, int]:
        cache = self.path / DENSE_CACHE_NAME
        data = load_cache(cache, generation, embedder)
        if data is None:
            data = self._read_vectors(embedder)
            save_cache(cache, data)
        return ExactDenseIndex(data), data.generation

    def _ann_index(self, embedder: str) -> tuple[DenseIndex, int]:
        """The HNSW graph from memory or disk, caught up with SQLite by adding and removing the difference.

        Only a writer saves the graph (at the end of each write): readers catch up in memory, so a service
        that reads while a long index runs does not rewrite hundreds of megabytes per commit.
        """
        dim = self.embedder_dim or 0
        path = self.path / HNSW_NAME
        current = self._dense if isinstance(self._dense, AnnDenseIndex) else None
        if current is not None:
            index, built_from = current.index, current.generation
        else:
            loaded = load_hnsw(path, embedder, dim)
            index, built_from = loaded if loaded is not None else (new_hnsw(dim), -1)
        connection = self._connection
        connection.execute("BEGIN")
        try:
            generation = int(
                connection.execute("SELECT value FROM meta WHERE key='generation'").fetchone()[0]
            )
            if generation != built_from:
                stored = np.fromiter(
                    (row[0] for row in connection.execute("SELECT passage_id FROM embeddings ORDER BY 1")),
                    dtype=np.int64,
                )
                sync_hnsw(index, stored, self._vector_chunks(dim))
        finally:
            connection.execute("COMMIT")
        if generation != built_from and not self.read_only:
            save_hnsw(path, index, generation, embedder)
        ann = AnnDenseIndex(index, generation, embedder, self._published_ordinals, self._vectors_by_id)
        return ann, generation

    def _vector_chunks(self, dim: int) -> Any:
        def read(first_id: int, chunk: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
            cursor = self._connection.execute(
                "SELECT passage_id, vector FROM embeddings WHERE passage_id >= ? ORDER BY passage_id",
                (first_id,),
            )
            while rows := cursor.fetchmany(chunk):
                ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
                vectors = np.frombuffer(b"".join(row[1] for row in rows), dtype=np.float32)
                yield ids, vectors.reshape(len(rows), dim)

        return read

    def _vectors_by_id(self, passage_ids: Sequence[int]) -> tuple[np.ndarray, np.ndarray]:
        """Exact vectors of ANN candidates; ids deleted since the graph was searched are left out."""
        dim = self.embedder_dim or 0
        rows: list[tuple[int, bytes]] = []
        unique = list(dict.fromkeys(int(item) for item in passage_ids))
        with self._guard:
            for begin in range(0, len(unique), _SQL_CHUNK):
                chunk = unique[begin : begin + _SQL_CHUNK]
                marks = ",".join("?" * len(chunk))
                rows += self._connection.execute(
                    f"SELECT passage_id, vector FROM embeddings WHERE passage_id IN ({marks})", chunk
                ).fetchall()
        ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        vectors = np.frombuffer(b"".join(row[1] for row in rows), dtype=np.float32).reshape(len(rows), dim)
        return ids, vectors

    def _published_ordinals(self, passage_ids: Iterable[int]) -> dict[int, int]:
        """Date ordinals of the passages' documents (UNDATED left out), for filtering ANN candidates."""
        unique = list(dict.fromkeys(int(item) for item in passage_ids))
        found: dict[int, int] = {}
        with self._guard:
            for begin in range(0, len(unique), _SQL_CHUNK):
                chunk = unique[begin : begin + _SQL_CHUNK]
                rows = self._connection.execute(
                    "SELECT p.id, d.published FROM passages p JOIN documents d ON d.id = p.document_id "
                    f"WHERE p.id IN ({','.join('?' * len(chunk))}) AND d.published IS NOT NULL",
                    chunk,
                ).fetchall()
                found.update((row[0], date.fromisoformat(row[1]).toordinal()) for row in rows)
        return found

    def _refresh_dense_cache(self) -> None:
        """Bring the dense index up to date after a write so the first query of a reader does not pay."""
        if self.embedder_name is not None:
            self._dense_index()

    def _read_vectors(self, embedder: str) -> DenseData:
        """One consistent snapshot of all embeddings and their documents' dates."""
        connection = self._connection
        dim = self.embedder_dim or 0
        connection.execute("BEGIN")
        try:
            generation = int(
                connection.execute("SELECT value FROM meta WHERE key='generation'").fetchone()[0]
            )
            count = connection.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0]
            ids = np.empty(count, dtype=np.int64)
            vectors = np.empty((count, dim), dtype=np.float32)
            published = np.full(count, UNDATED, dtype=np.int32)
            cursor = connection.execute(
                "SELECT e.passage_id, e.vector, d.published FROM embeddings e "
                "JOIN passages p ON p.id = e.passage_id JOIN documents d ON d.id = p.document_id "
                "ORDER BY e.passage_id"
            )
            row_index = 0
            for passage_id, blob, day in cursor:
                ids[row_index] = passage_id
                vectors[row_index] = np.frombuffer(blob, dtype=np.float32)
                if day:
                    published[row_index] = date.fromisoformat(day).toordinal()
                row_index += 1
        finally:
            connection.execute("COMMIT")
        return DenseData(
            ids=ids[:row_index],
            vectors=vectors[:row_index],
            published=published[:row_index],
            generation=generation,
            embedder=embedder,
        )

    # ---------------------------------------------------------------------------------- internal
    @contextlib.contextmanager
    def _write_transaction(self) -> Iterator[sqlite3.Connection]:
        with self._guard:
            connection = self._connection
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
                connection.execute(
                    "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'generation'"
                )
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise


# Per-connection helpers for BM25 (temporary, so read-only connections have them too): the store's term
# statistics, and a one-row index that stems query words exactly as the passages were stemmed.
_QUERY_TABLES = """
CREATE VIRTUAL TABLE IF NOT EXISTS temp.passages_vocab USING fts5vocab(main, passages_fts, row);
CREATE VIRTUAL TABLE IF NOT EXISTS temp.query_text USING fts5(
    text, tokenize='porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS temp.query_vocab USING fts5vocab(temp, query_text, instance);
"""


def _split_sql(script: str) -> list[str]:
    """Statements of SCHEMA; trigger bodies hold semicolons, so split on complete statements."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    return [statement for statement in statements if statement]


def _discard(*paths: Path) -> None:
    """Drop a derived file this store no longer uses (a read-only folder keeps it, harmlessly)."""
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink()


def _size_or_zero(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _progress_bar(total_bytes: int, *, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(
        total=total_bytes,
        unit="B",
        unit_scale=True,
        desc="indexing",
        file=sys.stderr,
        disable=None if enabled else True,  # None: shown on a terminal only
        leave=False,
    )


def _relabel(document: Document, file: Path) -> Document:
    """Documents read one file at a time get the file's absolute path as their id prefix."""
    name = file.name
    if document.doc_id == name or document.doc_id.startswith(name + "#"):
        return replace(document, doc_id=str(file) + document.doc_id[len(name) :])
    return document


class _BatchWriter:
    """Queues documents, embeds their passages in large batches, commits whole documents only.

    Queue order is commit order: an origin is marked indexed (or removed) in the same transaction as,
    or a later one than, its documents, which is what makes an interrupted run resumable. While an
    origin is being read its documents are referenced under its staging origin, and every commit records
    how far into the origin it got; finishing the origin swaps the staged references in, in SQL, so
    memory does not grow with the size of a file.
    """

    def __init__(self, store: Store, embedder: Embedder | None, result: IndexResult) -> None:
        self.store = store
        self.embedder = embedder
        self.result = result
        self.queue: list[tuple[str, Any]] = []
        self.pending_hashes: set[str] = set()
        self.pending_refs: set[tuple[str, str]] = set()  # (staging origin, content hash) queued
        self.pending_passages = 0
        self.progress: dict[str, tuple[str, int]] = {}  # origin -> (file hash, documents read)
        self.inserted: dict[str, int] = {}  # origin -> documents whose content was new to the store
        self.replaced: set[int] = set()  # rows superseded by a new version of the same doc_id

    def _existing(self, content_hash: str) -> tuple[int, set[str]] | None:
        with self.store._guard:
            connection = self.store._connection
            row = connection.execute(
                "SELECT id FROM documents WHERE content_hash = ?", (content_hash,)
            ).fetchone()
            if row is None:
                return None
            refs = connection.execute(
                "SELECT origin FROM document_refs WHERE document_id = ?", (row[0],)
            ).fetchall()
        return int(row[0]), {ref[0] for ref in refs}

    def start_origin(self, origin: str, digest: str) -> None:
        self.progress[origin] = (digest, 0)

    def add(self, origin: str, item: _Prepared, *, mtime: float | None, size: int | None) -> None:
        if origin in self.progress:
            self.progress[origin] = (self.progress[origin][0], item.position)
        staging = _staging(origin)
        content_hash = item.content_hash
        if (staging, content_hash) in self.pending_refs:
            self.result.duplicates += 1
            return
        existing = self._existing(content_hash)
        if existing is not None and staging in existing[1]:
            self.result.duplicates += 1  # repeated inside this origin
            return
        self.pending_refs.add((staging, content_hash))
        if existing is not None or content_hash in self.pending_hashes:
            if existing is not None and origin in existing[1]:
                self.result.unchanged += 1
            else:
                self.result.duplicates += 1
            self.queue.append(("ref", (staging, content_hash)))
            self._flush_if_long()
            return
        self.pending_hashes.add(content_hash)
        self.inserted[origin] = self.inserted.get(origin, 0) + 1
        self.queue.append(
            ("doc", _PendingDocument(origin, item.document, content_hash, item.spans, mtime, size))
        )
        self.pending_passages += len(item.spans)
        if self.pending_passages >= EMBED_BATCH_PASSAGES:
            self.flush()

    def finish_origin(self, origin: str, mtime: float | None, size: int | None, digest: str) -> None:
        self.progress.pop(origin, None)
        self.queue.append(("finish", (origin, mtime, size, digest, self.inserted.pop(origin, 0))))
        self._flush_if_long()

    def touch_origin(self, origin: str, mtime: float, size: int) -> None:
        self.queue.append(("touch", (origin, mtime, size)))
        self._flush_if_long()

    def forget_origin(self, origin: str) -> None:
        """Nothing readable came out of the origin: keep what is stored (and any resume point) as it is."""
        self.progress.pop(origin, None)
        self.inserted.pop(origin, None)

    def abandon_origin(self, origin: str) -> None:
        """Drop what an interrupted run staged for a file that has changed since, before reading it anew."""
        self.queue.append(("abandon", origin))
        self.flush()

    def remove_origin(self, origin: str) -> None:
        self.queue.append(("remove", origin))
        self._flush_if_long()

    def _flush_if_long(self) -> None:
        if len(self.queue) >= MAX_QUEUED_ACTIONS:
            self.flush()

    def flush(self) -> None:
        if not self.queue and not self.progress:
            return
        documents = [item for kind, item in self.queue if kind == "doc"]
        texts = [doc.document.text[start:end] for doc in documents for start, end in doc.spans]
        vectors = np.zeros((0, 0), dtype=np.float32)
        if texts:
            assert self.embedder is not None
            vectors = np.ascontiguousarray(self.embedder.embed(texts), dtype=np.float32)
        with self.store._write_transaction() as connection:
            hash_ids: dict[str, int] = {}
            orphan_candidates: set[int] = set()
            row = 0
            for kind, item in self.queue:
                if kind == "doc":
                    hash_ids[item.content_hash] = self._insert(
                        connection, item, vectors[row : row + len(item.spans)]
                    )
                    row += len(item.spans)
                elif kind == "ref":
                    origin, content_hash = item
                    document_id = hash_ids.get(content_hash) or self._document_id(connection, content_hash)
                    if document_id is not None:
                        connection.execute(
                            "INSERT OR IGNORE INTO document_refs(origin, document_id) VALUES (?, ?)",
                            (origin, document_id),
                        )
                elif kind == "finish":
                    orphan_candidates |= self._finish(connection, *item)
                elif kind == "touch":
                    connection.execute("UPDATE origins SET mtime = ?, size = ? WHERE origin = ?", item)
                elif kind == "abandon":
                    orphan_candidates |= self._drop_refs(connection, _staging(item))
                    connection.execute("DELETE FROM meta WHERE key = ?", (_resume_key(item),))
                else:
                    orphan_candidates |= self._drop_refs(connection, item)
                    orphan_candidates |= self._drop_refs(connection, _staging(item))
                    connection.execute("DELETE FROM meta WHERE key = ?", (_resume_key(item),))
                    connection.execute("DELETE FROM origins WHERE origin = ?", (item,))
            connection.executemany(
                "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                [
                    (_resume_key(origin), json.dumps({"hash": digest, "documents": position}))
                    for origin, (digest, position) in self.progress.items()
                    if position > 0
                ],
            )
            self._delete_orphans(connection, orphan_candidates)
        self.replaced.clear()
        self.queue.clear()
        self.pending_hashes.clear()
        self.pending_refs.clear()
        self.pending_passages = 0

    @staticmethod
    def _document_id(connection: sqlite3.Connection, content_hash: str) -> int | None:
        row = connection.execute(
            "SELECT id FROM documents WHERE content_hash = ?", (content_hash,)
        ).fetchone()
        return None if row is None else int(row[0])

    def _insert(self, connection: sqlite3.Connection, pending: _PendingDocument, vectors: np.ndarray) -> int:
        document = pending.document
        cursor = connection.execute(
            "INSERT INTO documents(doc_id, source, path, content_hash, title, url, published, mtime, size, "
            "text) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                document.doc_id,
                document.source,
                None if pending.origin.startswith(API_ORIGIN_PREFIX) else pending.origin,
                pending.content_hash,
                document.title,
                document.url,
                document.published.isoformat() if document.published else None,
                pending.mtime,
                pending.size,
                document.text,
            ),
        )
        document_id = int(cursor.lastrowid or 0)
        connection.execute(
            "INSERT INTO document_refs(origin, document_id) VALUES (?, ?)",
            (_staging(pending.origin), document_id),
        )
        for (start, end), vector in zip(pending.spans, vectors, strict=True):
            passage = connection.execute(
                'INSERT INTO passages(document_id, text, start, "end") VALUES (?, ?, ?, ?)',
                (document_id, document.text[start:end], start, end),
            )
            connection.execute(
                "INSERT INTO embeddings(passage_id, vector) VALUES (?, ?)",
                (passage.lastrowid, vector.tobytes()),
            )
        self.result.passages_added += len(pending.spans)
        return document_id

    def _finish(
        self,
        connection: sqlite3.Connection,
        origin: str,
        mtime: float | None,
        size: int | None,
        digest: str,
        inserted: int,
    ) -> set[int]:
        """Swap the staged references in; a dropped document whose doc_id is still there was updated."""
        staging = _staging(origin)
        not_staged = (
            "FROM document_refs WHERE origin = ? AND document_id NOT IN "
            "(SELECT document_id FROM document_refs WHERE origin = ?)"
        )
        stale = {row[0] for row in connection.execute(f"SELECT document_id {not_staged}", (origin, staging))}
        connection.execute(f"DELETE {not_staged}", (origin, staging))
        connection.execute(
            "INSERT OR IGNORE INTO document_refs(origin, document_id) "
            "SELECT ?, document_id FROM document_refs WHERE origin = ?",
            (origin, staging),
        )
        connection.execute("DELETE FROM document_refs WHERE origin = ?", (staging,))
        connection.execute("DELETE FROM meta WHERE key = ?", (_resume_key(origin),))
        updated = 0
        for document_id in sorted(stale):
            still_there = connection.execute(
                "SELECT 1 FROM documents old JOIN documents d ON d.doc_id = old.doc_id "
                "JOIN document_refs r ON r.document_id = d.id WHERE old.id = ? AND r.origin = ? LIMIT 1",
                (document_id, origin),
            ).fetchone()
            if still_there and updated < inserted:
                updated += 1
                self.replaced.add(document_id)
        self.result.updated += updated
        self.result.added += inserted - updated
        kept = connection.execute(
            "SELECT COUNT(*) FROM document_refs WHERE origin = ?", (origin,)
        ).fetchone()[0]
        connection.execute(
            "INSERT OR REPLACE INTO origins(origin, mtime, size, content_hash, documents, indexed_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (origin, mtime, size, digest, kept, datetime.now(UTC).isoformat(timespec="seconds")),
        )
        return stale

    @staticmethod
    def _drop_refs(connection: sqlite3.Connection, origin: str) -> set[int]:
        held = {
            row[0]
            for row in connection.execute("SELECT document_id FROM document_refs WHERE origin = ?", (origin,))
        }
        connection.execute("DELETE FROM document_refs WHERE origin = ?", (origin,))
        return held

    def _delete_orphans(self, connection: sqlite3.Connection, candidates: set[int]) -> None:
        for document_id in candidates:
            if connection.execute(
                "SELECT 1 FROM document_refs WHERE document_id = ? LIMIT 1", (document_id,)
            ).fetchone():
                continue
            connection.execute(
                "DELETE FROM embeddings WHERE passage_id IN (SELECT id FROM passages WHERE document_id = ?)",
                (document_id,),
            )
            connection.execute("DELETE FROM passages WHERE document_id = ?", (document_id,))
            connection.execute("DELETE FROM documents WHERE id = ?", (document_id,))
            if document_id not in self.replaced:
                self.result.removed += 1
