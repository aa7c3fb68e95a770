"""Store build rate, size and retrieval latency at 10k, 100k and 1M passages, as a Markdown section.

Corpus: documents of 3-12 sentences drawn at random from the sentences of ../shared/datasets (VitaminC
evidence, FEVER premises), streamed through `Store.index_paths` from a jsonl.gz file exactly as
`veracity index` reads one, half of them dated; claims from the same data sets are the queries.

Vectors: the smallest size is embedded for real with the default embedder (minilm-int8-dynamic), which
gives the real build rate. On a 2-core machine that rate (~100-200 passages/s) would need hours for 1M
passages, so larger sizes use SYNTHETIC vectors, labelled as such in the output: a hashed random
projection of the passage's words (each word a fixed random 384-d direction, the passage their normalised
sum). Texts that share words get nearby vectors, so the HNSW graph sees clustered data like real
embeddings, and its build and search cost depends only on the count and dimension. The real embedding
time at those sizes is extrapolated from the measured rate and labelled as an extrapolation.

Each size runs in its own process so peak RSS is per size; stores are deleted afterwards. Run:

    nohup .venv/bin/python benchmarks/bench_scale.py > /tmp/bench_scale.log 2>&1 &
    .venv/bin/python benchmarks/bench_scale.py --sizes 10000,100000 --queries 100   # quicker
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from veracity.resources import Resources
from veracity.retrieve.retriever import StoreRetriever
from veracity.store import Store
from veracity.store.store import HNSW_NAME
from veracity.types import Claim

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "datasets"
WORDS_PER_PASSAGE = 52  # measured mean of passage_spans on this corpus; used only to size the corpus
DIM = 384
_WORD = re.compile(r"\w+")


class SyntheticEmbedder:
    """Hashed random projection of words: cheap stand-in vectors for sizes too large to embed for real."""

    name = "synthetic-bow-384"
    dim = DIM

    def __init__(self, buckets: int = 1 << 16) -> None:
        self._directions = np.random.default_rng(384).standard_normal((buckets, DIM)).astype(np.float32)
        self._buckets = buckets

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            words = {zlib.crc32(word.encode()) % self._buckets for word in _WORD.findall(text.lower())}
            if words:
                out[row] = self._directions[list(words)].sum(axis=0)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.clip(norms, 1e-12, None)


def sentence_pool(data_dir: Path) -> tuple[list[str], list[str]]:
    """Distinct evidence sentences and claims from the shared data sets."""
    sentences: dict[str, None] = {}
    claims: list[str] = []
    for name in ("real", "synthetic"):
        path = data_dir / "vitaminc" / name / "test.jsonl"
        if path.is_file():
            with path.open(encoding="utf-8") as handle:
                for line in handle:
                    record = json.loads(line)
                    sentences.setdefault(record["evidence"].strip(), None)
                    claims.append(record["claim"].strip())
    fever = data_dir / "fever_rte_dev" / "dev.raw.input0"
    if fever.is_file():
        for line in fever.read_text(encoding="utf-8").splitlines():
            sentences.setdefault(line.strip(), None)
    pool = [sentence for sentence in sentences if len(sentence.split()) >= 4]
    if not pool:
        sys.exit(f"no sentences found under {data_dir} (vitaminc, fever_rte_dev); pass --data-dir")
    return pool, claims


def write_corpus(path: Path, passages: int, pool: list[str], seed: int) -> None:
    rng = random.Random(seed)
    words = 0
    number = 0
    first_day = date(2015, 1, 1).toordinal()
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as handle:
        while words < passages * WORDS_PER_PASSAGE:
            sentences = rng.sample(pool, rng.randint(3, 12))
            text = " ".join(sentences)
            words += len(text.split())
            record: dict[str, Any] = {"id": f"doc{number}", "text": text}
            if number % 2 == 0:
                record["published"] = date.fromordinal(first_day + rng.randrange(3650)).isoformat()
            handle.write(json.dumps(record) + "\n")
            number += 1


def percentiles(seconds: list[float]) -> dict[str, float]:
    values = np.asarray(seconds) * 1000
    return {"p50": float(np.percentile(values, 50)), "p95": float(np.percentile(values, 95))}


def timed(function: Any, *args: Any) -> tuple[Any, float]:
    started = time.perf_counter()
    value = function(*args)
    return value, time.perf_counter() - started


def exact_top(store_path: Path, queries: np.ndarray, k: int) -> np.ndarray:
    """Exact top-k scores per query, scanning the stored vectors in chunks (never all in memory)."""
    import sqlite3

    best_scores = np.full((len(queries), k), -np.inf, dtype=np.float32)
    best_ids = np.zeros((len(queries), k), dtype=np.int64)
    connection = sqlite3.connect(f"file:{store_path / 'evidence.sqlite3'}?mode=ro", uri=True)
    cursor = connection.execute("SELECT passage_id, vector FROM embeddings")
    while rows := cursor.fetchmany(50_000):
        ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        vectors = np.frombuffer(b"".join(row[1] for row in rows), dtype=np.float32).reshape(len(rows), -1)
        scores = np.concatenate([best_scores, queries @ vectors.T], axis=1)
        candidates = np.concatenate([best_ids, np.broadcast_to(ids, (len(queries), len(ids)))], axis=1)
        order = np.argsort(-scores, axis=1)[:, :k]
        best_scores = np.take_along_axis(scores, order, axis=1)
        best_ids = np.take_along_axis(candidates, order, axis=1)
    connection.close()
    return best_scores


def run_one(size: int, vectors: str, data_dir: Path, workdir: Path, query_count: int) -> dict[str, Any]:
    pool, claims = sentence_pool(data_dir)
    rng = random.Random(size)
    queries = rng.sample(claims, min(query_count, len(claims)))
    corpus = workdir / f"corpus-{size}.jsonl.gz"
    store_path = workdir / f"store-{size}"
    _, corpus_seconds = timed(write_corpus, corpus, size, pool, size)
    embedder: Any = Resources().embedder if vectors == "real" else SyntheticEmbedder()
    embedder.embed(["warm up"])
    row: dict[str, Any] = {"size": size, "vectors": vectors, "embedder": embedder.name}
    row["corpus_mb"] = corpus.stat().st_size / 1e6
    row["corpus_seconds"] = corpus_seconds
    try:
        dense_seconds: list[float] = []
        with Store.open(store_path, create=True) as store:
            refresh = store._refresh_dense_cache

            def timed_refresh() -> None:  # the dense index build that ends every index run, timed apart
                dense_seconds.append(timed(refresh)[1])

            store._refresh_dense_cache = timed_refresh  # type: ignore[method-assign]
            result, seconds = timed(lambda: store.index_paths([corpus], embedder, progress=False))
            stats = store.stats()
        row.update(
            passages=stats["passages"],
            documents=stats["documents"],
            index_seconds=seconds,
            rate=stats["passages"] / seconds,
            store_mb=stats["bytes"] / 1e6,
            errors=len(result.errors),
            dense_build_seconds=sum(dense_seconds),
            index_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        )
        row["ann"] = (store_path / HNSW_NAME).exists()
        if row["ann"]:
            with Store.open(store_path, read_only=True) as store:
                _, row["ann_load_seconds"] = timed(store._refresh_dense_cache)
        row.update(measure_queries(store_path, embedder, queries))
        if not row["ann"]:
            row["forced_hnsw"] = forced_hnsw_agreement(store_path, embedder, queries[:100])
        if vectors == "real":
            row["prefetch_ab"] = prefetch_ab(embedder, pool, workdir)
    finally:
        shutil.rmtree(store_path, ignore_errors=True)
        corpus.unlink(missing_ok=True)
    row["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return row


def measure_queries(store_path: Path, embedder: Any, queries: list[str]) -> dict[str, Any]:
    resources = Resources()
    resources.__dict__["embedder"] = embedder  # the retriever embeds claims with the store's embedder
    out: dict[str, Any] = {}
    with Store.open(store_path, read_only=True) as store:
        store.search_dense(embedder.embed(["warm up"])[0], 1)
        vectors, embed_seconds = timed(embedder.embed, queries)
        out["query_embed_ms"] = embed_seconds / len(queries) * 1000
        timings: dict[str, list[float]] = {"bm25": [], "dense": [], "dense_1y": [], "hybrid": []}
        window = (date(2019, 1, 1), date(2019, 1, 1) + timedelta(days=365))
        retriever = StoreRetriever(store, resources, mode="hybrid", window_days=None)
        for text, vector in zip(queries, vectors, strict=True):
            timings["bm25"].append(timed(store.search_bm25, text, 50)[1])
            timings["dense"].append(timed(store.search_dense, vector, 50)[1])
            timings["dense_1y"].append(timed(store.search_dense, vector, 50, window)[1])
            claim = Claim(id="q", text=text, start=0, end=len(text), sentence=text)
            timings["hybrid"].append(timed(retriever.retrieve, claim)[1])
        for name, values in timings.items():
            out[name] = percentiles(values)
        sample = vectors[:100]
        exact = exact_top(store_path, sample, 10)
        found = [[score for _, score in store.search_dense(vector, 10)] for vector in sample]
    out.update(agreement(found, exact))
    return out


def agreement(found: list[list[float]], exact: Sequence[Sequence[float]]) -> dict[str, float]:
    """Compared by score, not id: the corpus repeats sentences, so exact ties between ids are common."""
    tolerance = 1e-4
    top1 = [bool(f) and f[0] >= e[0] - tolerance for f, e in zip(found, exact, strict=True)]
    recall = [
        sum(score >= e[-1] - tolerance for score in f[:10]) / 10 for f, e in zip(found, exact, strict=True)
    ]
    return {"top1_agreement": float(np.mean(top1)), "recall_at_10": float(np.mean(recall))}


def prefetch_ab(embedder: Any, pool: list[str], workdir: Path, passages: int = 2000) -> dict[str, float]:
    """Real build rate with the reader thread and, on the same corpus, with reading done inline."""
    import veracity.store.store as store_module

    corpus = workdir / "prefetch-ab.jsonl.gz"
    write_corpus(corpus, passages, pool, seed=3)
    rates: dict[str, float] = {}
    threaded = store_module._prefetch
    try:
        for mode in ("threaded", "inline", "threaded_again"):
            store_module._prefetch = threaded if mode != "inline" else (lambda items, depth=0: items)
            path = workdir / f"prefetch-ab-{mode}"
            with Store.open(path, create=True) as store:
                _, seconds = timed(lambda store=store: store.index_paths([corpus], embedder, progress=False))
                rates[mode] = store.stats()["passages"] / seconds
            shutil.rmtree(path)
    finally:
        store_module._prefetch = threaded
        corpus.unlink(missing_ok=True)
    return rates


def forced_hnsw_agreement(store_path: Path, embedder: Any, queries: list[str]) -> dict[str, float]:
    """How an HNSW graph over this (below-threshold) store agrees with exact search: real-vector recall."""
    vectors = embedder.embed(queries)
    exact = exact_top(store_path, vectors, 10)
    with Store.open(store_path, read_only=True, ann_threshold=1) as ann_store:
        _, build_seconds = timed(ann_store._refresh_dense_cache)
        found = [[score for _, score in ann_store.search_dense(vector, 10)] for vector in vectors]
    return {"build_seconds": build_seconds, **agreement(found, exact)}


def markdown(rows: list[dict[str, Any]], command: str) -> str:
    real = next((row for row in rows if row["vectors"] == "real"), None)
    lines = [
        "## Store scale: build rate, size and retrieval latency",
        "",
        f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f} at the end. "
        f"Command: `{command}`.",
        "",
        "Corpus: random 3-12 sentence documents built from VitaminC and FEVER sentences (half dated), "
        "indexed from one jsonl.gz through `Store.index_paths`. Rows marked *synthetic* use hashed "
        "random-projection vectors instead of the embedding model (see the script's docstring); their build "
        "rate is the store's own cost (reading, splitting, SQLite, FTS5, HNSW), not the model's.",
        "",
        "| passages | vectors | build (passages/s) | build time | store size | dense index "
        "| peak RSS: index / all |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        dense = f"{row['dense_build_seconds']:.0f} s"
        ann = f"HNSW {dense} (load {row['ann_load_seconds']:.1f} s)" if row["ann"] else f"exact {dense}"
        minutes = row["index_seconds"] / 60
        lines.append(
            f"| {row['passages']:,} | {row['vectors']} | {row['rate']:.0f} | {minutes:.1f} min "
            f"| {row['store_mb'] / 1000:.2f} GB | {ann} "
            f"| {row['index_rss_mb']:.0f} / {row['peak_rss_mb']:.0f} MB |"
        )
    if real is not None:
        lines += ["", f"Real embedding build rate ({real['embedder']}): {real['rate']:.0f} passages/s."]
        ab = real.get("prefetch_ab")
        if ab:
            lines.append(
                f"- Reader thread overlapping the embedder (2,000-passage corpus, real model): "
                f"{ab['threaded']:.0f} and {ab['threaded_again']:.0f} passages/s threaded vs "
                f"{ab['inline']:.0f} inline."
            )
        forced = real.get("forced_hnsw")
        if forced:
            lines.append(
                f"- HNSW forced on the real-vector store ({real['passages']:,} passages, built in "
                f"{forced['build_seconds']:.1f} s): top-1 = exact for {forced['top1_agreement']:.0%} of 100 "
                f"claims, recall@10 {forced['recall_at_10']:.0%}."
            )
        for row in rows:
            if row["vectors"] != "real":
                hours = row["passages"] / real["rate"] / 3600
                lines.append(
                    f"- {row['passages']:,} passages with real embeddings: about {hours:.1f} h "
                    "(EXTRAPOLATED from the measured rate, not run)."
                )
    lines += [
        "",
        "Retrieval latency in ms, p50 / p95, 50 candidates (hybrid: BM25 + dense + fusion + passage "
        "fetch, including the query embedding); ANN agreement with exact search on 100 queries:",
        "",
        "| passages | index | BM25 | dense | dense, 1-year window | hybrid | query embed | top-1 = exact "
        "| recall@10 |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:

        def cell(name: str, row: dict[str, Any] = row) -> str:
            return f"{row[name]['p50']:.1f} / {row[name]['p95']:.1f}"

        lines.append(
            f"| {row['passages']:,} | {'HNSW' if row['ann'] else 'exact'} | {cell('bm25')} | {cell('dense')} "
            f"| {cell('dense_1y')} | {cell('hybrid')} | {row['query_embed_ms']:.1f} "
            f"| {row['top1_agreement']:.0%} | {row['recall_at_10']:.0%} |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="passage counts, comma-separated")
    parser.add_argument("--real-up-to", type=int, default=10_000, help="sizes up to this embed for real")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--vectors", choices=("real", "synthetic"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        row = run_one(args.one, args.vectors, args.data_dir, args.workdir, args.queries)
        sys.stdout.write(json.dumps(row) + "\n")
        return
    rows = []
    with tempfile.TemporaryDirectory(prefix="veracity-scale-", dir=args.workdir) as scratch:
        for size in (int(item) for item in args.sizes.split(",")):
            vectors = "real" if size <= args.real_up_to else "synthetic"
            command = [sys.executable, __file__, "--one", str(size), "--vectors", vectors]
            command += [
                "--queries",
                str(args.queries),
                "--data-dir",
                str(args.data_dir),
                "--workdir",
                scratch,
            ]
            print(f"running {size:,} passages ({vectors} vectors)", file=sys.stderr, flush=True)
            done = subprocess.run(command, check=True, capture_output=True, text=True)
            rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    sys.stdout.write(markdown(rows, "python benchmarks/bench_scale.py " + " ".join(sys.argv[1:])))


if __name__ == "__main__":
    main()
