"""Large-store paths: the HNSW index (threshold, persistence, catch-up), streaming and resumable ingest."""

from __future__ import annotations

import bz2
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from store_probe import committed_value
from veracity.errors import ConfigError
from veracity.store import Store
from veracity.store.dense import AnnDenseIndex, ExactDenseIndex, hnsw_meta_path, new_hnsw, sync_hnsw
from veracity.store.store import (
    DB_NAME,
    DENSE_CACHE_NAME,
    EMBED_BATCH_PASSAGES,
    HNSW_NAME,
    PREFETCH_DOCUMENTS,
    RESUME_KEY_PREFIX,
    STAGING_PREFIX,
)
from veracity.types import Document

TOPICS = [
    "harbour", "glacier", "orchestra", "vaccine", "railway", "election", "drought", "satellite", "bakery",
    "museum", "volcano", "football", "vineyard", "submarine", "library", "pipeline", "festival", "tariff",
]  # fmt: skip


def topic_text(number: int) -> str:
    first, second = TOPICS[number % len(TOPICS)], TOPICS[(number * 7 + 3) % len(TOPICS)]
    return (
        f"Report {number} covers the {first} and the {second} in district {number % 23}. "
        f"Officials counted {number * 13} visitors near the {first} during week {number % 52}."
    )


def topic_documents(count: int, start: int = 0) -> list[Document]:
    return [Document(doc_id=f"d{n}", source="test", text=topic_text(n)) for n in range(start, start + count)]


def write_jsonl(path: Path, count: int) -> Path:
    lines = [json.dumps({"id": f"r{n}", "text": topic_text(n)}) for n in range(count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def exact_top1(store_path: Path, vector: np.ndarray) -> float:
    with Store.open(store_path, read_only=True, ann_threshold=10**9) as exact:
        return exact.search_dense(vector, 1)[0][1]


def test_ann_above_threshold_agrees_with_exact_search(tmp_path: Path, embedder) -> None:
    path = tmp_path / "s"
    with Store.open(path, create=True, ann_threshold=200) as store:
        store.add_documents(topic_documents(300), embedder)
        assert store.stats()["passages"] >= 200
        assert isinstance(store._dense, AnnDenseIndex)
        assert (path / HNSW_NAME).exists() and not (path / DENSE_CACHE_NAME).exists()
        queries = embedder.embed(
            [f"visitors near the {topic} in district {n}" for n, topic in enumerate(TOPICS)]
        )
        agreeing = sum(
            abs(store.search_dense(query, 1)[0][1] - exact_top1(path, query)) < 1e-5 for query in queries
        )
    assert agreeing >= 0.9 * len(queries)


def test_below_threshold_search_stays_exact(tmp_path: Path, embedder) -> None:
    with Store.open(tmp_path / "s", create=True, ann_threshold=10_000) as store:
        store.add_documents(topic_documents(20), embedder)
        assert isinstance(store._dense, ExactDenseIndex)
        assert not (tmp_path / "s" / HNSW_NAME).exists()


def test_threshold_must_be_positive(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="ann_threshold"):
        Store.open(tmp_path / "s", create=True, ann_threshold=0)


def test_graph_is_persisted_tagged_and_loaded_without_rebuilding(
    tmp_path: Path, embedder, monkeypatch
) -> None:
    path = tmp_path / "s"
    with Store.open(path, create=True, ann_threshold=50) as store:
        store.add_documents(topic_documents(60), embedder)
        generation = store.generation
    tag = json.loads(hnsw_meta_path(path / HNSW_NAME).read_text())
    assert (tag["generation"], tag["embedder"]) == (generation, "test-hashing")

    def no_sync(*args, **kwargs):
        raise AssertionError("a graph tagged with the current generation must not be synced")

    monkeypatch.setattr("veracity.store.store.sync_hnsw", no_sync)
    with Store.open(path, read_only=True, ann_threshold=50) as reader:
        hits = reader.search_dense(embedder.embed([topic_text(42)])[0], 1)
        assert reader.get_passages([hits[0][0]])[0].doc_id == "d42"


def test_stale_graph_catches_up_with_additions_and_removals(tmp_path: Path, embedder) -> None:
    path = tmp_path / "s"
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    write_jsonl(corpus / "a.jsonl", 60)
    with Store.open(path, create=True, ann_threshold=50) as store:
        store.index_paths([corpus], embedder, progress=False)
    reader = Store.open(path, read_only=True, ann_threshold=50)
    vector = embedder.embed([topic_text(5)])[0]
    assert reader.get_passages([reader.search_dense(vector, 1)[0][0]])[0].doc_id == "r5"

    extra = Document(
        doc_id="zebra", source="t", text="Zebras crossed the quay at dawn, startling ferry crews."
    )
    with Store.open(path, ann_threshold=50) as writer:
        writer.add_documents([extra], embedder)
        writer.remove_paths([corpus / "a.jsonl"])
        assert writer.stats()["passages"] < 50  # now below the threshold: back to exact search
    assert not (path / HNSW_NAME).exists()

    query = embedder.embed(["zebras crossed the quay"])[0]
    assert [p.doc_id for p in reader.get_passages([i for i, _ in reader.search_dense(query, 3)])] == ["zebra"]
    reader.close()


def test_writer_adds_only_new_vectors_after_a_write(tmp_path: Path, embedder, monkeypatch) -> None:
    path = tmp_path / "s"
    with Store.open(path, create=True, ann_threshold=50) as store:
        store.add_documents(topic_documents(60), embedder)
        before = len(store._dense)  # type: ignore[arg-type]
        first_ids: list[int] = []
        original = sync_hnsw

        def spying_sync(index, stored_ids, read_vectors, **kwargs):
            def reader(first_id: int, chunk: int):
                first_ids.append(first_id)
                return read_vectors(first_id, chunk)

            return original(index, stored_ids, reader, **kwargs)

        monkeypatch.setattr("veracity.store.store.sync_hnsw", spying_sync)
        store.add_documents(topic_documents(5, start=1000), embedder)
        assert first_ids and first_ids[0] > before  # streamed from the new tail only
        assert len(store._dense) == store.stats()["passages"]  # type: ignore[arg-type]


def test_torn_or_foreign_graph_is_rebuilt(tmp_path: Path, embedder) -> None:
    path = tmp_path / "s"
    with Store.open(path, create=True, ann_threshold=50) as store:
        store.add_documents(topic_documents(60), embedder)
    (path / HNSW_NAME).write_bytes(b"half a graph")
    with Store.open(path, ann_threshold=50) as store:
        hits = store.search_dense(embedder.embed([topic_text(7)])[0], 1)
        assert store.get_passages([hits[0][0]])[0].doc_id == "d7"
    assert (
        json.loads(hnsw_meta_path(path / HNSW_NAME).read_text())["size"] == (path / HNSW_NAME).stat().st_size
    )


def test_sync_reaches_exactly_the_stored_ids() -> None:
    rng = np.random.default_rng(1)
    vectors = rng.standard_normal((300, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)

    def read(first_id: int, chunk: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        for begin in range(first_id, 300, chunk):
            ids = np.arange(begin, min(begin + chunk, 300))
            yield ids, vectors[ids]

    index = new_hnsw(16)
    assert sync_hnsw(index, np.arange(0, 200), read)
    assert sync_hnsw(index, np.arange(100, 300), read)
    assert sorted(int(key) for key in index.keys) == list(range(100, 300))
    assert not sync_hnsw(index, np.arange(100, 300), read)


def test_many_threaded_build_of_a_small_graph_keeps_recall(embedder) -> None:
    """Concurrent inserts into a near-empty graph used to leave some nearest neighbours unreachable."""
    texts = [topic_text(n) for n in range(600)]
    vectors = embedder.embed(texts)
    queries = embedder.embed([f"visitors near the {topic} in district {n}" for n, topic in enumerate(TOPICS)])
    exact = (queries @ vectors.T).max(axis=1)

    def read(first_id: int, chunk: int) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        ids = np.arange(first_id, len(texts))
        yield ids, vectors[ids]

    for _ in range(6):
        index = new_hnsw(embedder.dim)
        sync_hnsw(index, np.arange(len(texts)), read, threads=8)
        found = [
            max(float(vectors[int(key)] @ query) for key in index.search(query, 8).keys) for query in queries
        ]
        assert np.allclose(found, exact, atol=1e-5)


def test_ann_date_window_over_fetches_and_keeps_undated(tmp_path: Path, embedder) -> None:
    documents = [
        Document(doc_id=f"d{n}", source="t", text=topic_text(n), published=date(2020 + n % 4, 6, 1))
        for n in range(80)
    ]
    documents.append(Document(doc_id="undated", source="t", text=topic_text(3) + " Filed without a date."))
    with Store.open(tmp_path / "s", create=True, ann_threshold=50) as store:
        store.add_documents(documents, embedder)
        window = (date(2022, 1, 1), date(2022, 12, 31))
        hits = store.search_dense(embedder.embed([topic_text(3)])[0], 10, window)
        found = store.get_passages([i for i, _ in hits])
    assert len(found) == 10
    assert all(p.published is None or p.published.year == 2022 for p in found)
    assert "undated" in {p.doc_id for p in found}


class InterruptingEmbedder:
    """Raises KeyboardInterrupt on its n-th call, as a user's Ctrl-C would, mid-file."""

    name = "test-hashing"
    dim = 64

    def __init__(self, inner, fail_on: int | None) -> None:
        self.inner = inner
        self.fail_on = fail_on
        self.texts = 0
        self.calls = 0

    def embed(self, texts):
        self.calls += 1
        if self.calls == self.fail_on:
            raise KeyboardInterrupt
        self.texts += len(texts)
        return self.inner.embed(texts)


def staged_refs(store_path: Path) -> int:
    with sqlite3.connect(store_path / DB_NAME) as connection:
        return connection.execute(
            "SELECT COUNT(*) FROM document_refs WHERE origin LIKE ?", (f"{STAGING_PREFIX}%",)
        ).fetchone()[0]


def test_interrupted_file_resumes_where_its_last_commit_ended(tmp_path: Path, embedder) -> None:
    corpus = write_jsonl(tmp_path / "big.jsonl", 600)
    path = tmp_path / "s"
    with Store.open(path, create=True) as store:
        with pytest.raises(KeyboardInterrupt):
            store.index_paths([corpus], InterruptingEmbedder(embedder, fail_on=3), progress=False)
        partial = store.stats()
        assert 0 < partial["documents"] < 600 and partial["sources"] == 0
        assert staged_refs(path) == partial["documents"]

        resuming = InterruptingEmbedder(embedder, fail_on=None)
        result = store.index_paths([corpus], resuming, progress=False)
        assert result.resumed == partial["documents"]
        assert result.added == 600 - partial["documents"]
        assert resuming.texts == store.stats()["passages"] - partial["passages"]  # nothing embedded twice
        assert "resumed after" in result.summary_line()
        assert store.stats()["documents"] == 600 and staged_refs(path) == 0
        assert store._resume_points_under([str(tmp_path)]) == {}
        assert store.index_paths([corpus], embedder, progress=False).unchanged == 600


def test_file_changed_after_an_interruption_starts_over(tmp_path: Path, embedder) -> None:
    corpus = write_jsonl(tmp_path / "big.jsonl", 400)
    path = tmp_path / "s"
    with Store.open(path, create=True) as store:
        with pytest.raises(KeyboardInterrupt):
            store.index_paths([corpus], InterruptingEmbedder(embedder, fail_on=2), progress=False)
        write_jsonl(corpus, 120)
        result = store.index_paths([corpus], embedder, progress=False)
        assert (result.resumed, result.added) == (0, 120)
        assert store.stats()["documents"] == 120 and staged_refs(path) == 0


def test_interrupted_file_that_vanished_is_cleaned_up(tmp_path: Path, embedder) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    corpus = write_jsonl(folder / "big.jsonl", 400)
    with Store.open(tmp_path / "s", create=True) as store:
        with pytest.raises(KeyboardInterrupt):
            store.index_paths([folder], InterruptingEmbedder(embedder, fail_on=2), progress=False)
        corpus.unlink()
        store.index_paths([folder], embedder, progress=False)
        assert store.stats()["documents"] == 0 and staged_refs(tmp_path / "s") == 0


def test_documents_are_consumed_lazily(tmp_path: Path, embedder, monkeypatch) -> None:
    (tmp_path / "huge.jsonl").write_text("{}\n")
    bound = EMBED_BATCH_PASSAGES + PREFETCH_DOCUMENTS + 8
    state = {"produced": 0, "embedded": 0}

    def endless(path, *, on_error=None) -> Iterator[Document]:
        for number in range(4000):
            if state["produced"] - state["embedded"] > bound:
                raise AssertionError("the indexer read far ahead of what it embedded")
            state["produced"] += 1
            yield Document(doc_id=f"huge.jsonl#{number}", source=str(path), text=f"Line {number} says hello.")

    class CountingEmbedder:
        name, dim = "test-hashing", 64

        def embed(self, texts):
            state["embedded"] += len(texts)
            return embedder.embed(texts)

    monkeypatch.setattr("veracity.ingest.iter_documents", endless)
    with Store.open(tmp_path / "s", create=True) as store:
        result = store.index_paths([tmp_path / "huge.jsonl"], CountingEmbedder(), progress=False)
    assert result.added == 4000


def test_reader_errors_reach_the_caller(tmp_path: Path, embedder, monkeypatch) -> None:
    (tmp_path / "bad.jsonl").write_text("{}\n")

    def broken(path, *, on_error=None) -> Iterator[Document]:
        yield Document(doc_id="bad.jsonl#1", source=str(path), text="One good line first.")
        raise OSError("disk went away")

    monkeypatch.setattr("veracity.ingest.iter_documents", broken)
    with Store.open(tmp_path / "s", create=True) as store:
        result = store.index_paths([tmp_path / "bad.jsonl"], embedder, progress=False)
    assert "disk went away" in result.errors[0][1]


WIKI_DUMP = """<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11">
  <siteinfo><dbname>testwiki</dbname></siteinfo>
  <page><title>Hamas</title><ns>0</ns><id>15</id>
    <revision><id>1</id><timestamp>2024-08-01T00:00:00Z</timestamp>
      <text>'''Hamas''' has governed the [[Gaza Strip]] since 2007.</text></revision></page>
  <page><title>Gaza</title><ns>0</ns><id>12</id><redirect title="Gaza City" />
    <revision><id>2</id><text>#REDIRECT [[Gaza City]]</text></revision></page>
</mediawiki>
"""


def test_wiki_dumps_are_indexed_page_by_page(tmp_path: Path, embedder) -> None:
    dump = tmp_path / "wiki" / "pages-articles.xml.bz2"
    dump.parent.mkdir()
    dump.write_bytes(bz2.compress(WIKI_DUMP.encode()))
    (tmp_path / "wiki" / "feed.xml").write_text("<rss><channel /></rss>")
    with Store.open(tmp_path / "s", create=True) as store:
        result = store.index_paths([dump.parent], embedder, progress=False)
        assert result.added == 1
        assert [source.rsplit("/", 1)[-1] for source, _ in result.errors] == ["feed.xml"]
        (passage,) = store.get_passages([store.search_bm25("governed Gaza Strip", 1)[0][0]])
    assert passage.doc_id == "testwiki:15" and "since 2007" in passage.text


INDEXER = """
import sys, time
from pathlib import Path
from veracity.store import Store
sys.path.insert(0, sys.argv[4])
from fake_embedder import HashingEmbedder

class SlowEmbedder(HashingEmbedder):
    def embed(self, texts):
        time.sleep(float(sys.argv[3]))
        self.texts = getattr(self, "texts", 0) + len(texts)
        return super().embed(texts)

embedder = SlowEmbedder()
with Store.open(Path(sys.argv[1]), create=True) as store:
    result = store.index_paths([Path(sys.argv[2])], embedder, progress=False)
print(result.added, result.resumed, getattr(embedder, "texts", 0), flush=True)
"""


def committed_documents(store: Path) -> int:
    return committed_value(store, "SELECT COUNT(*) FROM documents")


@pytest.mark.slow
def test_sigkill_inside_one_large_jsonl_then_resume(tmp_path: Path) -> None:
    corpus = write_jsonl(tmp_path / "big.jsonl", 2000)
    store_path = tmp_path / "store"
    here = str(Path(__file__).parents[1])  # tests/, where fake_embedder.py lives

    def run(delay: float) -> subprocess.Popen[str]:
        command = [sys.executable, "-c", INDEXER, str(store_path), str(corpus), str(delay), here]
        return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    victim = run(0.3)
    deadline = time.monotonic() + 120
    while committed_documents(store_path) < 200 and victim.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert victim.poll() is None, "the indexer finished before it could be killed"
    victim.send_signal(signal.SIGKILL)
    victim.wait()

    with sqlite3.connect(store_path / DB_NAME) as connection:
        (marker,) = connection.execute(
            "SELECT value FROM meta WHERE key = ?", (RESUME_KEY_PREFIX + str(corpus.resolve()),)
        ).fetchone()
    committed = json.loads(marker)["documents"]
    assert 0 < committed < 2000

    out, err = run(0.0).communicate(timeout=300)
    assert err.strip() == "" or "Traceback" not in err, err
    added, resumed, embedded = map(int, out.split())
    assert resumed == committed and added == 2000 - committed
    with Store.open(store_path, read_only=True) as store:
        stats = store.stats()
        assert (stats["documents"], stats["sources"]) == (2000, 1)
        assert embedded < stats["passages"]  # the committed part was not embedded again
    assert staged_refs(store_path) == 0


def test_interrupted_update_of_a_restored_file_is_dropped(tmp_path: Path, embedder) -> None:
    corpus = write_jsonl(tmp_path / "big.jsonl", 50)
    original = corpus.read_bytes()
    stat = corpus.stat()
    path = tmp_path / "s"
    with Store.open(path, create=True) as store:
        store.index_paths([corpus], embedder, progress=False)
        write_jsonl(corpus, 600)
        with pytest.raises(KeyboardInterrupt):
            store.index_paths([corpus], InterruptingEmbedder(embedder, fail_on=2), progress=False)
        assert staged_refs(path) > 0
        corpus.write_bytes(original)
        os.utime(corpus, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        result = store.index_paths([corpus], embedder, progress=False)
        assert result.unchanged == 50
        assert store.stats()["documents"] == 50 and staged_refs(path) == 0
