"""Batch throughput and memory: articles per minute for the local engine at 1 and 2 workers and for Ray.

Builds a store from `examples/evidence`, writes generated articles (evidence sentences, some with their
numbers changed so claims get refuted as well as supported), runs `veracity.batch.batch_check` once per
configuration, and prints a Markdown section for docs/benchmarks.md.

Each worker wraps the real Checker and records its own peak RSS and the time of every check, so the table
gives both end-to-end throughput (with worker start-up and model loading) and steady-state throughput
(first check started to last check finished), whichever engine ran the workers.

    .venv/bin/python benchmarks/bench_batch.py --articles 24 --workers 1 2 --ray
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from docs_section import machine_line
from veracity.batch import CheckerSpec, batch_check
from veracity.batch.jobs import ArticleChecker
from veracity.batch.local import available_cores
from veracity.resources import Resources
from veracity.store import Store
from veracity.types import Article, Report

ROOT = Path(__file__).resolve().parents[1]
NUMBER = re.compile(r"\b\d[\d,]*(?:\.\d+)?\b")
SENTENCE = re.compile(r"[^.!?\n]+[.!?]")


class MeasuredChecker:
    """The real checker, plus a per-process record of peak RSS and check times for the benchmark."""

    def __init__(self, inner: ArticleChecker, record_dir: Path) -> None:
        self.inner = inner
        self.record = record_dir / f"{os.getpid()}.json"
        self.checks: list[tuple[float, float]] = []

    def warm_up(self) -> None:
        self.inner.warm_up()

    def check(self, article: Article) -> Report:
        started = time.time()
        report = self.inner.check(article)
        self.checks.append((started, time.time()))
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.record.write_text(json.dumps({"peak_rss_mb": peak_mb, "checks": self.checks}))
        return report


@dataclass(frozen=True)
class MeasuredFactory:
    spec: CheckerSpec
    record_dir: str

    def __call__(self) -> MeasuredChecker:
        return MeasuredChecker(self.spec(), Path(self.record_dir))


def generate_articles(evidence: Path, count: int, seed: int) -> list[dict[str, str]]:
    """Articles of 6-10 evidence sentences; a third of the numbers are changed, so verdicts vary."""
    rng = random.Random(seed)
    sentences = [
        match.group().strip()
        for path in sorted(evidence.iterdir())
        for match in SENTENCE.finditer(path.read_text(encoding="utf-8"))
        if len(match.group().split()) >= 6
    ]

    def perturb(sentence: str) -> str:
        return NUMBER.sub(
            lambda m: str(int(m.group().replace(",", "").split(".")[0]) + rng.randint(1, 9)), sentence
        )

    articles = []
    for number in range(count):
        picked = rng.sample(sentences, k=min(len(sentences), rng.randint(6, 10)))
        text = " ".join(perturb(s) if rng.random() < 1 / 3 else s for s in picked)
        articles.append({"id": f"gen-{number}", "text": text, "published": "2024-08-20"})
    return articles


def measure(engine: str, workers: int, articles: Path, store: Path, scratch: Path) -> dict[str, float]:
    records = scratch / f"{engine}-{workers}"
    records.mkdir()
    factory = MeasuredFactory(CheckerSpec(str(store)), str(records))
    result = batch_check(
        articles,
        scratch / f"{engine}-{workers}.jsonl",
        factory,
        engine=engine,
        workers=workers,
        progress=False,
    )
    workers_seen = [json.loads(path.read_text()) for path in records.glob("*.json")]
    checks = [check for worker in workers_seen for check in worker["checks"]]
    steady_s = max(end for _, end in checks) - min(start for start, _ in checks)
    done = result.checked + result.errors
    return {
        "articles": done,
        "errors": result.errors,
        "wall_s": result.elapsed_s,
        "per_minute": result.articles_per_minute,
        "steady_per_minute": 60 * done / steady_s if steady_s > 0 else 0.0,
        "peak_rss_mb": max(worker["peak_rss_mb"] for worker in workers_seen),
        "workers_seen": len(workers_seen),
    }


def machine() -> str:
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{machine_line()}, {available_cores()} cores available to workers, {memory_gb:.0f} GiB RAM"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=24, help="generated articles per configuration")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2], help="local engine worker counts")
    parser.add_argument("--ray", action="store_true", help="also run the Ray engine (needs ray[data])")
    parser.add_argument("--seed", type=int, default=13)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        scratch = Path(tmp)
        store = scratch / "store"
        with Store.open(store, create=True) as created:
            created.index_paths([ROOT / "examples" / "evidence"], Resources().embedder, progress=False)
        articles = scratch / "articles.jsonl"
        generated = generate_articles(ROOT / "examples" / "evidence", args.articles, args.seed)
        articles.write_text("".join(json.dumps(record) + "\n" for record in generated), encoding="utf-8")

        runs = [("local", workers) for workers in args.workers]
        if args.ray:
            runs.append(("ray", max(args.workers)))
        rows = [
            (engine, workers, measure(engine, workers, articles, store, scratch)) for engine, workers in runs
        ]

    command = "python benchmarks/bench_batch.py " + " ".join(sys.argv[1:])
    print("## Batch throughput\n")
    print(f"Machine: {machine()}. Command: `{command}`.\n")
    print(
        f"{args.articles} generated articles of 6-10 sentences each (sentences of `examples/evidence`, "
        "a third with changed numbers), checked against a store of that evidence. End-to-end includes "
        "starting the workers and loading their models; steady state runs from the first check started to "
        "the last one finished. The articles reuse the evidence notes' sentences, so the verifier's per-text "
        "caches help later articles; unrelated real articles are slower (see `bench_check.py`, cold check).\n"
    )
    columns = [
        "engine",
        "workers",
        "articles",
        "errors",
        "wall s",
        "articles/min end-to-end",
        "articles/min steady",
    ]
    print("| " + " | ".join([*columns, "peak RSS/worker MB"]) + " |")
    print("|---" * (len(columns) + 1) + "|")
    for engine, workers, row in rows:
        print(
            f"| {engine} | {workers} | {row['articles']:.0f} | {row['errors']:.0f} | {row['wall_s']:.1f} "
            f"| {row['per_minute']:.1f} "
            f"| {row['steady_per_minute']:.1f} | {row['peak_rss_mb']:.0f} |"
        )


if __name__ == "__main__":
    main()
