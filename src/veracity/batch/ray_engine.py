"""The Ray engine: the same `ArticleWorker` as a Ray Data actor pool, on a local instance or a cluster.

Each actor builds one checker (models loaded once per actor, the store opened read-only, so every actor
may share one store on a shared file system). Ray Data's streaming executor bounds what is in flight
(back-pressure), and results stream back to the driver, which alone writes the output. Ray is imported
only when this engine runs: it is an optional extra (`pip install "ray[data]"`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from types import ModuleType
from typing import Any

import numpy as np

from veracity.batch.engines import ENGINES, BatchEngine, OutcomeSink
from veracity.batch.jobs import ArticleWorker, CheckerFactory, Outcome, WorkerSetupError
from veracity.batch.local import WorkerCrashError, available_cores
from veracity.errors import ConfigError

MAX_BLOCKS = 4096  # one article per block up to this many, so idle actors can always take work


class CheckActor:
    """A Ray Data callable class: constructed once per actor, then called with batches of input lines."""

    def __init__(self, checker_factory: CheckerFactory, input_name: str) -> None:
        from veracity.embed.minilm import THREADS_ENV

        os.environ.setdefault(THREADS_ENV, "1")  # each actor reserves one CPU
        self.worker = ArticleWorker(checker_factory, input_name)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """Setup failures come back as data: raised here, Ray would bury them in its own traceback."""
        try:
            outcomes = [self.worker.check_line(str(line)) for line in batch["line"]]
        except WorkerSetupError as exc:
            return {
                "ok": np.array([False]),
                "line": np.array([""], dtype=object),
                "setup_error": np.array([str(exc)], dtype=object),
            }
        return {
            "ok": np.array([outcome.ok for outcome in outcomes], dtype=bool),
            "line": np.array([outcome.line for outcome in outcomes], dtype=object),
            "setup_error": np.array([""] * len(outcomes), dtype=object),
        }


class RayEngine:
    name = "ray"

    def __init__(
        self, checker_factory: CheckerFactory, input_name: str, workers: int | None, address: str | None
    ) -> None:
        self.checker_factory = checker_factory
        self.input_name = input_name
        self.workers = workers
        self.address = address

    def run(self, lines: Iterable[str], emit: OutcomeSink) -> None:
        items = [{"line": line} for line in lines]
        if not items:
            return
        ray = _import_ray()
        started_here = not ray.is_initialized()
        if started_here:
            _start_ray(ray, self.address, self.workers)
        try:
            actors = self.workers or max(1, int(ray.cluster_resources().get("CPU", 1)))
            context = ray.data.DataContext.get_current()
            context.enable_progress_bars = False  # the driver shows one bar for the whole run
            dataset = ray.data.from_items(items, override_num_blocks=min(len(items), MAX_BLOCKS))
            checked = dataset.map_batches(
                CheckActor,
                fn_constructor_kwargs={
                    "checker_factory": self.checker_factory,
                    "input_name": self.input_name,
                },
                compute=ray.data.ActorPoolStrategy(size=actors),
                batch_size=1,
                num_cpus=1,
                batch_format="numpy",
            )
            try:
                for row in checked.iter_rows():
                    if row["setup_error"]:
                        raise WorkerSetupError(str(row["setup_error"]))
                    emit(Outcome(ok=bool(row["ok"]), line=str(row["line"])))
            except ray.exceptions.RayError as exc:
                raise WorkerCrashError(
                    f"a Ray worker failed ({type(exc).__name__}, see the Ray log); finished articles "
                    "are saved, rerun the same command to resume"
                ) from None
        finally:
            if started_here:
                ray.shutdown()


def _start_ray(ray: ModuleType, address: str | None, workers: int | None) -> None:
    options: dict[str, Any] = {"include_dashboard": False, "logging_level": "warning", "log_to_driver": False}
    try:
        if address is None:
            ray.init(num_cpus=workers or available_cores(), **options)
        else:
            ray.init(address=address, **options)
    except ConnectionError as exc:
        raise ConfigError(f"cannot join the Ray cluster at {address!r}: {exc}") from None


def _import_ray() -> ModuleType:
    try:
        import ray
        import ray.data
    except ImportError:
        raise ConfigError('the ray engine needs Ray Data: pip install "ray[data]"') from None
    return ray


@ENGINES.register("ray")
def _ray_engine(
    *,
    checker_factory: CheckerFactory,
    input_name: str,
    workers: int | None = None,
    address: str | None = None,
) -> BatchEngine:
    if workers is not None and workers < 1:
        raise ConfigError(f"--workers must be at least 1, not {workers}")
    return RayEngine(checker_factory, input_name, workers, address)
