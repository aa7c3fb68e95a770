"""Check many articles from a JSON Lines file, resumably, on local processes or a Ray cluster.

Engines register by name in `ENGINES`; importing this package registers "local" and "ray" (Ray itself is
imported only when the "ray" engine runs).
"""

from __future__ import annotations

from veracity.batch import local as _local
from veracity.batch import ray_engine as _ray_engine
from veracity.batch.engines import ENGINES, BatchEngine
from veracity.batch.jobs import ArticleChecker, CheckerFactory, CheckerSpec, WorkerSetupError
from veracity.batch.local import WorkerCrashError
from veracity.batch.runner import BatchResult, batch_check, run_batch

del _local, _ray_engine

__all__ = [
    "ENGINES",
    "ArticleChecker",
    "BatchEngine",
    "BatchResult",
    "CheckerFactory",
    "CheckerSpec",
    "WorkerCrashError",
    "WorkerSetupError",
    "batch_check",
    "run_batch",
]
