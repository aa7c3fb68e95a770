"""A writer killed mid-index leaves a store that opens, stays consistent, and a re-run completes it."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from store_probe import committed_value
from veracity.store import Store
from veracity.store.store import DB_NAME

FILES = 300

INDEXER = """
import sys, time, hashlib
from pathlib import Path
import numpy as np
import pytest

from veracity.store import Store

class SlowEmbedder:
    name = "test-hashing"
    dim = 16
    def embed(self, texts):
        time.sleep(float(sys.argv[3]))
        out = np.zeros((len(texts), 16), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row, int(hashlib.md5(text.encode()).hexdigest(), 16) % 16] = 1.0
        return out

with Store.open(Path(sys.argv[1]), create=True) as store:
    result = store.index_paths([Path(sys.argv[2])], SlowEmbedder(), progress=False)
print(result.added, result.unchanged, result.resumed, flush=True)
"""


def make_corpus(root: Path) -> None:
    root.mkdir()
    for number in range(FILES):
        sentences = [
            f"Report {number} sentence {i} says the count was {number * 7 + i} units." for i in range(8)
        ]
        (root / f"doc{number:04d}.txt").write_text(" ".join(sentences), encoding="utf-8")


def run_indexer(store: Path, corpus: Path, delay: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", INDEXER, str(store), str(corpus), str(delay)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def committed_generation(store: Path) -> int:
    return committed_value(store, "SELECT value FROM meta WHERE key = 'generation'")


@pytest.mark.slow
def test_kill_mid_index_then_rerun_completes(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    make_corpus(corpus)
    store_path = tmp_path / "store"
    victim = run_indexer(store_path, corpus, delay=0.5)
    deadline = time.monotonic() + 120
    while committed_generation(store_path) < 2 and victim.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert victim.poll() is None, "the indexer finished before it could be killed"
    victim.send_signal(signal.SIGKILL)
    victim.wait()

    with Store.open(store_path) as store:  # opens for writing: the dead writer's lock is gone
        partial = store.stats()
        assert 0 < partial["documents"] < FILES
        connection = sqlite3.connect(store_path / DB_NAME)
        orphans = connection.execute(
            "SELECT COUNT(*) FROM passages p LEFT JOIN embeddings e ON e.passage_id = p.id "
            "WHERE e.passage_id IS NULL"
        ).fetchone()[0]
        empty_documents = connection.execute(
            "SELECT COUNT(*) FROM documents d "
            "WHERE NOT EXISTS (SELECT 1 FROM passages p WHERE p.document_id = d.id)"
        ).fetchone()[0]
        connection.close()
        assert (orphans, empty_documents) == (0, 0)

    finisher = run_indexer(store_path, corpus, delay=0.0)
    out, err = finisher.communicate(timeout=300)
    assert finisher.returncode == 0, err
    added, unchanged, resumed = map(int, out.split())
    assert added + unchanged + resumed == FILES  # resumed: a file whose documents were committed, unfinished
    assert unchanged + resumed >= partial["documents"]

    fresh = tmp_path / "fresh"
    reference = run_indexer(fresh, corpus, delay=0.0)
    reference.communicate(timeout=300)
    with Store.open(store_path, read_only=True) as resumed, Store.open(fresh, read_only=True) as clean:
        for key in ("documents", "passages"):
            assert resumed.stats()[key] == clean.stats()[key]
        assert resumed.search_bm25("Report 123 count", 1)
