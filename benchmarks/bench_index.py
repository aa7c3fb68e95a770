"""Indexing and retrieval speed of the evidence store, as a Markdown section for docs/benchmarks.md.

Corpus: Wikipedia evidence sentences from ../shared/datasets/vitaminc (grouped into one document per
page, claims used as queries) when present, otherwise generated news-like text. Run:

    .venv/bin/python benchmarks/bench_index.py [--passages 3000] [--queries 200] [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from docs_section import machine_line, write_section
from veracity.embed import EMBEDDERS
from veracity.resources import Resources
from veracity.retrieve import RETRIEVERS
from veracity.store import Store, passage_spans
from veracity.types import Claim

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "datasets"
WORDS_PER_PASSAGE = 60  # about what passage_spans makes of running text

PLACES = ["Lisbon", "Nairobi", "Gaza City", "Quito", "Osaka", "Tromsø", "Cardiff", "Lahore", "Perth", "Tunis"]
SUBJECTS = ["the city council", "the health ministry", "a local charity", "the port authority", "the union"]
VERBS = ["approved", "rejected", "announced", "postponed", "reviewed", "funded", "criticised"]
MONTHS = ["March", "June", "August", "November"]
OBJECTS = [
    "a new budget",
    "the housing plan",
    "a water project",
    "the school reforms",
    "a road repair scheme",
]


def synthetic_corpus(passages: int, seed: int = 7) -> tuple[list[dict[str, str]], list[str]]:
    """News-like documents of 6-14 sentences with numbers, dates and places, and claims about them."""
    rng = random.Random(seed)
    documents: list[dict[str, str]] = []
    claims: list[str] = []
    words = 0
    while words < passages * WORDS_PER_PASSAGE:
        sentences = []
        for _ in range(rng.randint(6, 14)):
            sentence = (
                f"On {rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2015, 2024)}, "
                f"{rng.choice(SUBJECTS)} in {rng.choice(PLACES)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} "
                f"worth {rng.randint(2, 900)} million dollars after {rng.randint(2, 60)} days of debate."
            )
            sentences.append(sentence)
        text = " ".join(sentences)
        words += len(text.split())
        documents.append({"id": f"syn{len(documents)}", "text": text})
        claims.append(rng.choice(sentences))
    return documents, claims


def vitaminc_corpus(path: Path, passages: int) -> tuple[list[dict[str, str]], list[str]]:
    pages: dict[str, dict[str, None]] = defaultdict(dict)
    claims: list[str] = []
    words = 0
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            evidence = record["evidence"]
            if evidence not in pages[record["page"]]:
                pages[record["page"]][evidence] = None
                words += len(evidence.split())
            claims.append(record["claim"])
            if words >= passages * WORDS_PER_PASSAGE:
                break
    documents = [
        {"id": page, "title": page, "text": "\n\n".join(sentences)} for page, sentences in pages.items()
    ]
    return documents, claims


def percentile(values: list[float], share: float) -> float:
    return float(np.percentile(np.asarray(values), share))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--passages", type=int, default=3000, help="about how many passages to index")
    parser.add_argument("--queries", type=int, default=200, help="claims to retrieve for")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--embedder", default=Resources().embedder_name)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    machine = machine_line()

    vitaminc = args.data_dir / "vitaminc" / "real" / "test.jsonl"
    if vitaminc.is_file():
        documents, claims = vitaminc_corpus(vitaminc, args.passages)
        corpus_name = f"VitaminC real/test evidence ({len(documents)} Wikipedia pages)"
    else:
        documents, claims = synthetic_corpus(args.passages)
        corpus_name = f"synthetic news-like text ({len(documents)} documents)"
    rng = random.Random(11)
    queries = rng.sample(claims, min(args.queries, len(claims)))

    embedder = EMBEDDERS.create(args.embedder)
    started = time.perf_counter()
    embedder.embed(["warm up"])
    load_seconds = time.perf_counter() - started

    with tempfile.TemporaryDirectory(prefix="veracity-bench-") as scratch:
        corpus = Path(scratch) / "corpus.jsonl"
        corpus.write_text("".join(json.dumps(doc) + "\n" for doc in documents), encoding="utf-8")
        texts = [doc["text"] for doc in documents]

        started = time.perf_counter()
        spans = [passage_spans(text) for text in texts]
        split_seconds = time.perf_counter() - started
        all_passages = [text[s:e] for text, doc_spans in zip(texts, spans, strict=True) for s, e in doc_spans]
        mean_words = statistics.fmean(len(passage.split()) for passage in all_passages)
        sample = all_passages[:1000]
        started = time.perf_counter()
        embedder.embed(sample)
        embed_rate = len(sample) / (time.perf_counter() - started)

        store_path = Path(scratch) / "store"
        with Store.open(store_path, create=True) as store:
            started, cpu_started = time.perf_counter(), time.process_time()
            result = store.index_paths([corpus], embedder, progress=False)
            index_seconds = time.perf_counter() - started
            index_cpu_seconds = time.process_time() - cpu_started
            stats = store.stats()
            started = time.perf_counter()
            rerun = store.index_paths([corpus], embedder, progress=False)
            rerun_seconds = time.perf_counter() - started
        assert rerun.unchanged == result.added

        resources = Resources(embedder=args.embedder)
        resources.__dict__["embedder"] = embedder
        latencies: dict[str, list[float]] = {}
        with Store.open(store_path, read_only=True) as reader:
            for name in ("bm25", "dense", "hybrid"):
                retriever = RETRIEVERS.create(name, store=reader, resources=resources)
                timings = []
                for number, text in enumerate(queries):
                    claim = Claim(id=f"c{number}", text=text, start=0, end=len(text), sentence=text)
                    started = time.perf_counter()
                    retriever.retrieve(claim, k=8)
                    timings.append((time.perf_counter() - started) * 1000)
                latencies[name] = timings

    passages = result.passages_added
    lines = [
        "## Evidence store: indexing and retrieval",
        "",
        f"Machine: {machine} (other work on the machine slows every figure); embedder `{args.embedder}` "
        f"({getattr(embedder, 'intra_op_threads', '?')} threads).",
        "Command: `.venv/bin/python benchmarks/bench_index.py "
        f"--passages {args.passages} --queries {args.queries} --embedder {args.embedder}`.",
        f"Corpus: {corpus_name}; {result.added} documents, {passages} passages of {mean_words:.0f} words on "
        "average.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| model load (first embed) | {load_seconds:.2f} s |",
        f"| sentence split + windowing alone | {sum(map(len, spans)) / split_seconds:,.0f} passages/s |",
        f"| embedding alone | {embed_rate:,.0f} passages/s |",
        "| indexing end to end (read, split, embed, write, FTS, dense cache) | "
        f"{passages / index_seconds:,.0f} passages/s ({index_seconds:.1f} s) |",
        "| the same per CPU-second of this process (all threads; less sensitive to other load) | "
        f"{passages / index_cpu_seconds:,.0f} passages |",
        f"| re-index, nothing changed | {rerun_seconds:.2f} s |",
        f"| store size | {stats['bytes'] / 1e6:.1f} MB "
        f"({stats['bytes'] / max(passages, 1) / 1024:.1f} KiB/passage) |",
    ]
    for name, timings in latencies.items():
        lines.append(
            f"| retrieval `{name}`, k=8, p50 / p95 | {statistics.median(timings):.1f} / "
            f"{percentile(timings, 95):.1f} ms ({len(timings)} claims) |"
        )
    sys.stdout.write("\n".join(lines) + "\n")
    if args.write:
        write_section("bench_index", "\n".join(lines))


if __name__ == "__main__":
    main()
