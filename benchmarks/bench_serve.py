"""Load on the HTTP service over loopback: latency and throughput at 1, 4 and 16 concurrent clients.

Each client submits an article with `POST /v1/checks?wait=true` and, should the wait run out, polls until
the job is finished; latency is submit-to-report. After every level the job list is read back to prove no
job was lost. The server runs in its own process (uvicorn, as `veracity serve` runs it) so the load
generator does not share its interpreter.

    python benchmarks/bench_serve.py --checker fake --duration 10
    python benchmarks/bench_serve.py --checker real --duration 60 --concurrency 1,4
    python benchmarks/bench_serve.py --endpoint score --verifier builtin --duration 20

`--checker fake` measures the service itself (queue, SQLite, HTTP) with a checker that answers at once;
`--checker real` runs the real Checker over a store built from examples/evidence. `--endpoint score` sends
`POST /v1/score` requests instead (claims of the example article, each against an evidence passage of the
example store) to the chosen verifier, and counts claim-passage pairs. Prints a Markdown section for
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import multiprocessing
import re
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.process import BaseProcess
from pathlib import Path

import httpx

from docs_section import command_line, machine_line

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


def _serve(
    store: str, db_path: str, port: int, checker: str, workers: int, queue_size: int, verifier: str
) -> None:
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
        verifier=verifier,
    )
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


@dataclass
class Level:
    clients: int
    latencies: list[float] = field(default_factory=list)
    pairs: int = 0  # claim-passage pairs scored (`--endpoint score`)
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


async def _score_client(
    base: str, requests: Iterator[list[dict[str, str]]], deadline: float, level: Level
) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=300) as http:
        while time.monotonic() < deadline:
            pairs = next(requests)
            started = time.perf_counter()
            try:
                response = await http.post("/v1/score", json={"pairs": pairs})
            except httpx.HTTPError as exc:
                level.errors.append(f"{type(exc).__name__}: {exc}")
                continue
            if response.status_code != 200:
                level.errors.append(f"HTTP {response.status_code}: {response.text[:120]}")
                continue
            level.latencies.append(time.perf_counter() - started)
            level.pairs += len(pairs)


async def _load(clients: int, duration: float, client: Callable[[float, Level], Awaitable[None]]) -> Level:
    """`clients` copies of `client(deadline, level)` at once for `duration` seconds, timed."""
    level = Level(clients)
    started = time.perf_counter()
    deadline = time.monotonic() + duration
    await asyncio.gather(*(client(deadline, level) for _ in range(clients)))
    level.elapsed = time.perf_counter() - started
    return level


async def _run_score_level(
    base: str, requests: Iterator[list[dict[str, str]]], clients: int, duration: float
) -> Level:
    return await _load(
        clients, duration, lambda deadline, level: _score_client(base, requests, deadline, level)
    )


def _score_requests(pairs_per_request: int) -> Iterator[list[dict[str, str]]]:
    """Requests of the example article's sentences, each against the first 120 words of an evidence file,
    in a fixed cycle."""
    text = (EXAMPLES / "gaza_talks.txt").read_text(encoding="utf-8")
    claims = [sentence.strip() for sentence in re.split(r"(?<=[.!?])\s+", text) if len(sentence.split()) >= 6]
    passages = [
        " ".join(path.read_text(encoding="utf-8").split()[:120])
        for path in sorted((EXAMPLES / "evidence").iterdir())
    ]
    pairs = (
        {"claim": claim, "evidence": passages[index % len(passages)]}
        for index, claim in enumerate(itertools.cycle(claims))
    )
    while True:
        yield [next(pairs) for _ in range(pairs_per_request)]


async def _run_level(base: str, article: dict[str, str], clients: int, duration: float) -> Level:
    level = await _load(clients, duration, lambda deadline, level: _client(base, article, deadline, level))
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


def _checks_report(args: argparse.Namespace, article: dict[str, str], results: list[Level]) -> list[str]:
    words = len(article["text"].split())
    lines = [
        f"### HTTP service, {args.checker} checker ({args.workers} worker thread)\n",
        f"Machine: {machine_line()}. Command: `{command_line()}`.",
        f"Loopback, {args.duration:g} s of load per level; each request, `POST /v1/checks?wait=true`,",
        f"carries a {words}-word article; latency is submit to report.",
    ]
    if args.checker == "real":
        lines.append("Every request sends the same article, so the verifier's per-text caches are warm after")
        lines.append("the first; a cold article costs what `bench_check.py` reports.")
    lines += [
        "",
        "| clients | checks | checks/s | p50 latency (ms) | p95 latency (ms) | errors | lost jobs |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for level in results:
        throughput = len(level.latencies) / level.elapsed if level.elapsed else 0.0
        lines.append(
            f"| {level.clients} | {len(level.latencies)} | {throughput:.1f} | {_p50(level):.0f} "
            f"| {_percentile(level.latencies, 0.95) * 1000:.0f} | {len(level.errors)} | {level.lost} |"
        )
    return lines


def _score_report(args: argparse.Namespace, results: list[Level]) -> list[str]:
    lines = [
        f"### HTTP service, `POST /v1/score` to `{args.verifier}`\n",
        f"Machine: {machine_line()}. Command: `{command_line()}`.",
        f"Loopback, {args.duration:g} s of load per level; each request carries {args.pairs_per_request} "
        f"claim-passage pair{'s' if args.pairs_per_request != 1 else ''}: a sentence of "
        "examples/gaza_talks.txt against the first 120 words of a file of examples/evidence, in a fixed "
        "cycle, so the verifier's per-text caches are warm after the first round; latency is request to "
        "answer.",
        "",
        "| clients | requests | pairs/s | p50 latency (ms) | p95 latency (ms) | errors |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for level in results:
        throughput = level.pairs / level.elapsed if level.elapsed else 0.0
        lines.append(
            f"| {level.clients} | {len(level.latencies)} | {throughput:.1f} | {_p50(level):.0f} "
            f"| {_percentile(level.latencies, 0.95) * 1000:.0f} | {len(level.errors)} |"
        )
    return lines


def _p50(level: Level) -> float:
    return statistics.median(level.latencies) * 1000 if level.latencies else float("nan")


def _wait_until_up(base: str, server: BaseProcess) -> bool:
    for _ in range(1200):
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        if not server.is_alive():
            return False
        time.sleep(0.1)
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", choices=["checks", "score"], default="checks")
    parser.add_argument("--checker", choices=["fake", "real"], default="fake")
    parser.add_argument("--verifier", default="align", help="the server's verifier (for checks and scores)")
    parser.add_argument("--pairs-per-request", type=int, default=1, help="with --endpoint score")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of load per level")
    parser.add_argument("--concurrency", default="1,4,16", help="comma-separated client counts")
    parser.add_argument("--workers", type=int, default=1, help="server check threads")
    args = parser.parse_args()
    levels = [int(part) for part in args.concurrency.split(",")]
    article = _article(args.checker)

    with tempfile.TemporaryDirectory(prefix="veracity-bench-") as tmp:
        folder = Path(tmp)
        real_store = args.checker == "real" and args.endpoint == "checks"
        store = _build_store(folder) if real_store else folder / "store"
        store.mkdir(exist_ok=True)
        port = _free_port()
        checker = args.checker if args.endpoint == "checks" else "fake"
        server = multiprocessing.get_context("spawn").Process(
            target=_serve,
            args=(str(store), str(folder / "jobs.sqlite"), port, checker, args.workers, 1024, args.verifier),
            daemon=True,
        )
        server.start()
        base = f"http://127.0.0.1:{port}"
        try:
            if not _wait_until_up(base, server):
                print("the server did not start", file=sys.stderr)
                return 1
            if args.endpoint == "score":
                requests = _score_requests(args.pairs_per_request)
                warm = httpx.post(base + "/v1/score", json={"pairs": next(requests)}, timeout=300)
                warm.raise_for_status()  # loads the verifier's models before anything is timed
                results = [asyncio.run(_run_score_level(base, requests, n, args.duration)) for n in levels]
            else:
                results = [asyncio.run(_run_level(base, article, n, args.duration)) for n in levels]
        finally:
            server.terminate()
            server.join(timeout=30)

    report = (
        _score_report(args, results) if args.endpoint == "score" else _checks_report(args, article, results)
    )
    print("\n".join(report))
    for level in results:
        for error in level.errors[:5]:
            print(f"\n- {level.clients} clients: {error}")
    return 1 if any(level.errors or level.lost for level in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
