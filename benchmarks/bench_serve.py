"""Load on the HTTP service over loopback: latency and throughput at 1, 4 and 16 concurrent clients.

Each client submits an article with `POST /v1/checks?wait=true` and, should the wait run out, polls until
the job is finished; latency is submit-to-report. After every level the job list is read back to prove no
job was lost. The server runs in its own process (uvicorn, as `veracity serve` runs it) so the load
generator does not share its interpreter.

    python benchmarks/bench_serve.py --checker fake --duration 10
    python benchmarks/bench_serve.py --checker real --duration 60 --concurrency 1,4

`--checker fake` measures the service itself (queue, SQLite, HTTP) with a checker that answers at once;
`--checker real` runs the real Checker over a store built from examples/evidence. Prints a Markdown section
for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import re
import socket
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from docs_section import machine_line

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
FAKE_ARTICLE = (
    "The council approved a budget of 5 million dollars on Monday. The mayor said the bridge opened in 2019. "
    "Officials expect the road to reopen next week."
)


class InstantChecker:
    """One supported claim per sentence, no models: isolates the service's own overhead."""

    def check(self, article, progress=None):  # type: ignore[no-untyped-def]
        from veracity.types import CheckedClaim, Claim, Report

        sentences = [m for m in re.finditer(r"[^.!?]+[.!?]", article.text)]
        checked = []
        for index, match in enumerate(sentences, start=1):
            claim = Claim(f"c{index}", match.group().strip(), match.start(), match.end(), match.group())
            checked.append(CheckedClaim(claim, "supported", 0.9, "instant checker"))
            if progress is not None:
                progress(index, len(sentences))
        return Report(article=article, claims=checked)

    def close(self) -> None:
        return None


def _serve(store: str, db_path: str, port: int, checker: str, workers: int, queue_size: int) -> None:
    import logging

    import uvicorn

    from veracity.serve import create_app

    logging.getLogger("veracity.serve").setLevel(logging.ERROR)
    factory = (lambda _path, _verifier: InstantChecker()) if checker == "fake" else None
    app = create_app(
        Path(store),
        db_path=Path(db_path),
        checker_factory=factory,
        workers=workers,
        queue_size=queue_size,
        wait_timeout_s=120,
    )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


@dataclass
class Level:
    clients: int
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    job_ids: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    lost: int = 0


async def _client(base: str, article: dict[str, str], deadline: float, level: Level) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=300) as http:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                response = await http.post("/v1/checks?wait=true", json=article)
                if response.status_code not in (200, 202):
                    level.errors.append(f"HTTP {response.status_code}: {response.text[:120]}")
                    continue
                job = response.json()
                level.job_ids.append(job["id"])
                while job["status"] not in ("succeeded", "failed"):
                    await asyncio.sleep(0.05)
                    job = (await http.get(f"/v1/checks/{job['id']}")).json()
                if job["status"] != "succeeded":
                    level.errors.append(f"job failed: {job['error']}")
                    continue
                level.latencies.append(time.perf_counter() - started)
            except httpx.HTTPError as exc:
                level.errors.append(f"{type(exc).__name__}: {exc}")


async def _run_level(base: str, article: dict[str, str], clients: int, duration: float) -> Level:
    level = Level(clients)
    started = time.perf_counter()
    deadline = time.monotonic() + duration
    await asyncio.gather(*(_client(base, article, deadline, level) for _ in range(clients)))
    level.elapsed = time.perf_counter() - started
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        seen: dict[str, str] = {}
        offset = 0
        while True:
            page = (await http.get("/v1/checks", params={"limit": 200, "offset": offset})).json()
            seen.update({item["id"]: item["status"] for item in page["items"]})
            if page["next_offset"] is None:
                break
            offset = page["next_offset"]
    level.lost = sum(1 for job_id in level.job_ids if seen.get(job_id) != "succeeded")
    return level


def _percentile(values: list[float], fraction: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _build_store(folder: Path) -> Path:
    from veracity.resources import Resources
    from veracity.store import Store

    store = folder / "store"
    with Store.open(store, create=True) as opened:
        opened.index_paths([EXAMPLES / "evidence"], Resources().embedder, progress=False)
    return store


def _article(checker: str) -> dict[str, str]:
    if checker == "fake":
        return {"text": FAKE_ARTICLE}
    text = (EXAMPLES / "gaza_talks.txt").read_text(encoding="utf-8")
    return {"text": text, "published": "2024-08-14"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checker", choices=["fake", "real"], default="fake")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per level")
    parser.add_argument("--concurrency", default="1,4,16", help="comma-separated client counts")
    parser.add_argument("--workers", type=int, default=1, help="server check threads")
    args = parser.parse_args()
    levels = [int(part) for part in args.concurrency.split(",")]

    with tempfile.TemporaryDirectory(prefix="veracity-bench-") as tmp:
        folder = Path(tmp)
        store = _build_store(folder) if args.checker == "real" else folder / "store"
        store.mkdir(exist_ok=True)
        port = _free_port()
        server = multiprocessing.get_context("spawn").Process(
            target=_serve,
            args=(str(store), str(folder / "jobs.sqlite"), port, args.checker, args.workers, 1024),
            daemon=True,
        )
        server.start()
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(1200):
                try:
                    if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if not server.is_alive():
                    print("the server process died on start", file=sys.stderr)
                    return 1
                time.sleep(0.1)
            article = _article(args.checker)
            results = [asyncio.run(_run_level(base, article, clients, args.duration)) for clients in levels]
        finally:
            server.terminate()
            server.join(timeout=30)

    command = "python benchmarks/bench_serve.py " + " ".join(sys.argv[1:])
    words = len(article["text"].split())
    print(f"### HTTP service, {args.checker} checker ({args.workers} worker thread)\n")
    print(f"Machine: {machine_line()}. Command: `{command}`.")
    print(f"Loopback, {args.duration:g} s of load per level; each request, `POST /v1/checks?wait=true`,")
    print(f"carries a {words}-word article; latency is submit to report.")
    if args.checker == "real":
        print("Every request sends the same article, so the verifier's per-text caches are warm after")
        print("the first; a cold article costs what `bench_check.py` reports.")
    print()
    print("| clients | checks | checks/s | p50 latency (ms) | p95 latency (ms) | errors | lost jobs |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    failed = False
    for level in results:
        p50 = statistics.median(level.latencies) * 1000 if level.latencies else float("nan")
        p95 = _percentile(level.latencies, 0.95) * 1000
        throughput = len(level.latencies) / level.elapsed if level.elapsed else 0.0
        print(
            f"| {level.clients} | {len(level.latencies)} | {throughput:.1f} | {p50:.0f} | {p95:.0f} "
            f"| {len(level.errors)} | {level.lost} |"
        )
        failed = failed or bool(level.errors) or level.lost > 0
    for level in results:
        for error in level.errors[:5]:
            print(f"\n- {level.clients} clients: {error}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
