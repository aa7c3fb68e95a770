"""The local engine: a process pool with one warmed-up checker per worker process.

Workers start with `spawn`, so nothing the driver has loaded (threads, open stores) leaks into them, and
each loads its models once in the pool initializer. The driver keeps at most `2 * workers` articles in
flight, so a huge input is never queued up in memory. Output is in completion order, not input order:
every line carries its article's id.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from itertools import islice

from veracity.batch.engines import ENGINES, BatchEngine, OutcomeSink
from veracity.batch.jobs import ArticleWorker, CheckerFactory, Outcome
from veracity.errors import ConfigError, VeracityError

IN_FLIGHT_PER_WORKER = 2
# Read by OpenBLAS/OpenMP/MKL when numpy loads, before any initializer runs, so they must be in the
# environment the workers are spawned with; left at their default, N workers each spin up one thread per core.
NATIVE_THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")

_worker: ArticleWorker | None = None


class WorkerCrashError(VeracityError):
    """A worker process died (killed for memory, crashed in native code); what was written is kept."""


def available_cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _start_worker(checker_factory: CheckerFactory, input_name: str, embed_threads: int) -> None:
    """Pool initializer: the driver alone handles Ctrl-C, and cores are split between workers."""
    from veracity.embed.minilm import THREADS_ENV

    global _worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    os.environ.setdefault(THREADS_ENV, str(embed_threads))
    _worker = ArticleWorker(checker_factory, input_name)


@contextmanager
def _spawn_environment(threads: int) -> Iterator[None]:
    """Cap native thread pools for the workers spawned meanwhile; variables the user set are kept."""
    added = [name for name in NATIVE_THREAD_VARIABLES if name not in os.environ]
    os.environ.update(dict.fromkeys(added, str(threads)))
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


def _check_in_worker(line: str) -> Outcome:
    if _worker is None:
        raise RuntimeError("the pool initializer did not run")
    return _worker.check_line(line)


class LocalEngine:
    name = "local"

    def __init__(self, checker_factory: CheckerFactory, input_name: str, workers: int) -> None:
        self.checker_factory = checker_factory
        self.input_name = input_name
        self.workers = workers

    def run(self, lines: Iterable[str], emit: OutcomeSink) -> None:
        threads = max(1, available_cores() // self.workers)
        with _spawn_environment(threads):  # the pool spawns workers on demand, so for the whole run
            self._run_pool(iter(lines), emit, threads)

    def _run_pool(self, pending: Iterator[str], emit: OutcomeSink, embed_threads: int) -> None:
        executor = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=(self.checker_factory, self.input_name, embed_threads),
        )
        clean = False
        try:
            in_flight: set[Future[Outcome]] = set()
            limit = self.workers * IN_FLIGHT_PER_WORKER
            while True:
                in_flight.update(
                    executor.submit(_check_in_worker, line)
                    for line in islice(pending, limit - len(in_flight))
                )
                if not in_flight:
                    break
                finished, in_flight = wait(in_flight, return_when=FIRST_COMPLETED)
                for future in finished:
                    emit(future.result())
            clean = True
        except BrokenProcessPool:
            raise WorkerCrashError(
                "a batch worker process died (out of memory?); finished articles are saved, "
                "rerun the same command to resume"
            ) from None
        finally:
            executor.shutdown(wait=clean, cancel_futures=True)


@ENGINES.register("local")
def _local_engine(
    *,
    checker_factory: CheckerFactory,
    input_name: str,
    workers: int | None = None,
    address: str | None = None,
) -> BatchEngine:
    if address is not None:
        raise ConfigError("--address joins a Ray cluster; use it with --engine ray")
    count = available_cores() if workers is None else workers
    if count < 1:
        raise ConfigError(f"--workers must be at least 1, not {count}")
    return LocalEngine(checker_factory, input_name, count)
