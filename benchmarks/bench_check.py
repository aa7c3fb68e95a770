"""Model load time, time to check the bundled example, and peak memory: the core pipeline's speed targets.

Run: .venv/bin/python benchmarks/bench_check.py [--repeats 3] [--write]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from docs_section import machine_line, write_section
from veracity.api import check_text
from veracity.checker import Checker
from veracity.ingest import read_article
from veracity.resources import Resources
from veracity.store import Store

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed checks of the example")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    machine = machine_line()

    with tempfile.TemporaryDirectory(prefix="veracity-bench-") as scratch:
        store_path = Path(scratch) / "store"
        resources = Resources()
        started = time.perf_counter()
        resources.embedder.embed(["warm up"])
        embedder_load = time.perf_counter() - started
        started = time.perf_counter()
        nlp = resources.nlp
        nlp("warm up")
        spacy_load = time.perf_counter() - started
        with Store.open(store_path, create=True) as store:
            started = time.perf_counter()
            indexed = store.index_paths([EXAMPLES / "evidence"], resources.embedder, progress=False)
            index_seconds = time.perf_counter() - started

        article = read_article(EXAMPLES / "gaza_talks.txt", published=date(2024, 8, 14))
        with Checker(store_path, resources=resources) as checker:
            started = time.perf_counter()
            first = checker.check(article)
            first_check = time.perf_counter() - started
            timings = []
            for _ in range(args.repeats):
                started = time.perf_counter()
                checker.check(article)
                timings.append(time.perf_counter() - started)
        sources = sorted((EXAMPLES / "evidence").iterdir())
        ad_hoc = []
        for _ in range(args.repeats):
            started = time.perf_counter()
            check_text(article, sources, resources=resources)
            ad_hoc.append(time.perf_counter() - started)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    words = len(article.text.split())
    lines = [
        "## Core pipeline: load, check, memory",
        "",
        f"Machine: {machine}.",
        f"Command: `.venv/bin/python benchmarks/bench_check.py --repeats {args.repeats}`.",
        f"Article: examples/gaza_talks.txt ({words} words, {len(first.claims)} checked claims); store: "
        f"examples/evidence ({indexed.passages_added} passages).",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| embedder load (first embed) | {embedder_load:.2f} s | |",
        f"| spaCy load | {spacy_load:.2f} s | |",
        f"| models load, total | {embedder_load + spacy_load:.2f} s | < 3 s |",
        f"| index the example evidence | {index_seconds:.2f} s | |",
        f"| check the example, cold (first article after load) | {first_check:.2f} s | < 5 s |",
        f"| check it again, warm caches, median of {args.repeats} | {statistics.median(timings):.2f} s | |",
        f"| check it against its {len(sources)} evidence files given with it (`check --evidence`, "
        f"`check_text`: a temporary store built, used, removed), median of {args.repeats} | "
        f"{statistics.median(ad_hoc):.2f} s | |",
        f"| peak RSS of the process | {peak_mb:.0f} MB | < 2 GB |",
    ]
    markdown = "\n".join(lines)
    sys.stdout.write(markdown + "\n")
    if args.write:
        write_section("bench_check", markdown)


if __name__ == "__main__":
    main()
