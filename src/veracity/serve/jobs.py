"""A bounded in-process job queue: N worker threads, each with its own Checkers over shared models.

Why Checkers per worker thread: a Checker holds an open store (SQLite handles are tied to the thread
that opened them) and per-call state in its stages, while the heavy parts (spaCy pipeline, embedder, the
verifiers' models through `Resources.shared`) live in one `Resources` that every worker's Checker shares,
so models still load once per process. Workers are built one after another under a lock, which keeps lazy
model loading single-threaded. A worker builds the Checker of the default verifier at start, and that of
another verifier a client chose on its first job; a check that brings its own evidence gets a Checker over
a temporary store of it, for that check alone.

Timeouts are cooperative: a job past its deadline is marked failed at once by a watchdog, and the worker
stops at its next progress report (between claims) and discards what it had.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Protocol

from veracity.checker import ProgressCallback
from veracity.errors import ConfigError, VeracityError
from veracity.serve.db import Job, JobDatabase
from veracity.types import Article, Document, Report

log = logging.getLogger("veracity.serve")


class CheckerLike(Protocol):
    """What the service needs of a Checker; tests and benchmarks inject light ones."""

    def check(self, article: Article, progress: ProgressCallback | None = None) -> Report: ...

    def close(self) -> None: ...


class QueueFullError(Exception):
    """The bounded queue has no room; the client should retry later (HTTP 429)."""


CheckerFactory = Callable[[str], CheckerLike]
"""Builds a Checker that judges with the named verifier; called inside the worker thread that uses it."""
EvidenceCheckerFactory = Callable[[Sequence[Document], str], AbstractContextManager[CheckerLike]]
"""A Checker over the given documents alone (a temporary store) that judges with the named verifier, for the
span of one check; what it built is removed when the context closes."""


class _Aborted(Exception):
    """Raised inside a running check when its job was deleted or timed out."""


@dataclass
class _Running:
    job_id: str
    attempt: int
    deadline: float
    aborted: str | None = None  # why, once decided
    lock: threading.Lock = field(default_factory=threading.Lock)


class JobQueue:
    """Runs checks in the background and keeps the job database in step with what actually happened."""

    def __init__(
        self,
        db: JobDatabase,
        checker_factory: CheckerFactory,
        *,
        default_verifier: str,
        workers: int,
        capacity: int,
        timeout_s: float,
        max_attempts: int = 2,
        warm_up: bool = True,
        evidence_checker: EvidenceCheckerFactory | None = None,
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        if capacity < 1:
            raise ValueError("queue capacity must be at least 1")
        self.db = db
        self.workers = workers
        self.capacity = capacity
        self.timeout_s = timeout_s
        self.max_attempts = max_attempts
        self._checker_factory = checker_factory
        self._evidence_checker = evidence_checker
        self.default_verifier = default_verifier
        self._warm_up = warm_up
        self._pending: deque[str] = deque()
        self._running: dict[str, _Running] = {}
        self._completion: dict[str, list[Callable[[], object]]] = {}
        self._cond = threading.Condition()
        self._build_lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._stopping = False
        self._stopped = threading.Event()
        self._generation = 0
        self._ready = threading.Barrier(workers + 1)
        self._startup_errors: list[BaseException] = []

    def start(self) -> None:
        """Recover what a previous process left, then start workers and wait until each has its Checker."""
        recovery = self.db.recover(self.max_attempts)
        if recovery.requeued or recovery.failed:
            log.warning(
                "recovered %d unfinished checks; %d had used up their attempts and were marked failed",
                len(recovery.requeued),
                len(recovery.failed),
            )
        with self._cond:
            for job_id in recovery.requeued:
                self._pending.append(job_id)
                self._completion[job_id] = []
        for index in range(self.workers):
            thread = threading.Thread(target=self._work, name=f"veracity-worker-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)
        watchdog = threading.Thread(target=self._watch, name="veracity-watchdog", daemon=True)
        watchdog.start()
        self._threads.append(watchdog)
        self._ready.wait()
        if self._startup_errors:
            self.stop(grace_s=0)
            error = self._startup_errors[0]
            if isinstance(error, VeracityError):
                raise error
            raise RuntimeError(f"a worker could not build its checker: {error}") from error

    def stop(self, grace_s: float = 10.0) -> None:
        """Let running checks finish for `grace_s`; any still running stay 'running' and re-queue on start."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._stopped.set()
        deadline = time.monotonic() + grace_s
        for thread in self._threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))

    def submit(
        self,
        article: Article,
        input_kind: str,
        verifier: str | None = None,
        evidence: Sequence[Document] = (),
    ) -> Job:
        """Queue a check; `verifier` None judges with the default (the caller checks that it is offered);
        `evidence`, when given, is what the check is judged against instead of the store."""
        with self._cond:
            if len(self._pending) >= self.capacity:
                raise QueueFullError(
                    f"the check queue is full ({self.capacity} waiting); retry in a few seconds"
                )
            job = self.db.create_job(article, input_kind, verifier or self.default_verifier, evidence)
            self._pending.append(job.id)
            self._completion[job.id] = []
            self._cond.notify()
        return job

    def on_done(self, job_id: str, callback: Callable[[], object]) -> bool:
        """Call `callback` (from a worker thread) once the job has finished, failed or been deleted.

        Returns False, without calling it, when the job is not queued or running here (already over).
        """
        with self._cond:
            callbacks = self._completion.get(job_id)
            if callbacks is None:
                return False
            callbacks.append(callback)
            return True

    def cancel(self, job_id: str) -> None:
        """Forget a deleted job: drop it from the queue, or stop it at its next progress report."""
        with self._cond:
            if job_id in self._pending:
                self._pending.remove(job_id)
                self._signal_done(job_id)
            running = self._running.get(job_id)
        if running is not None:
            with running.lock:
                running.aborted = running.aborted or "deleted"

    def reload(self) -> None:
        """The store changed: each worker builds a fresh Checker before its next job."""
        with self._cond:
            self._generation += 1

    def stats(self) -> dict[str, int]:
        with self._cond:
            return {
                "workers": self.workers,
                "alive_workers": sum(1 for t in self._threads[: self.workers] if t.is_alive()),
                "pending": len(self._pending),
                "running": len(self._running),
                "capacity": self.capacity,
            }

    def _signal_done(self, job_id: str) -> None:
        for callback in self._completion.pop(job_id, []):
            callback()

    def _take(self) -> tuple[str, int] | None:
        with self._cond:
            while not self._pending and not self._stopping:
                self._cond.wait()
            if self._stopping:
                return None
            return self._pending.popleft(), self._generation

    def _build_checker(self, verifier: str) -> CheckerLike:
        with self._build_lock:
            checker = self._checker_factory(verifier)
            warm_up = getattr(checker, "warm_up", None)
            if self._warm_up and callable(warm_up):
                warm_up()
            return checker

    def _work(self) -> None:
        checkers = _WorkerCheckers(self._build_checker)
        try:
            checkers.get(self.default_verifier, self._generation)
        except BaseException as exc:
            self._startup_errors.append(exc)
            self._ready.wait()
            return
        self._ready.wait()
        try:
            while (taken := self._take()) is not None:
                job_id, generation = taken
                self._run(checkers, generation, job_id)
        finally:
            checkers.close()

    def _run(self, checkers: _WorkerCheckers, generation: int, job_id: str) -> None:
        running: _Running | None = None
        try:
            attempt = self.db.mark_running(job_id)
            job = self.db.get_job(job_id, with_evidence=True) if attempt is not None else None
            if attempt is None or job is None:
                return
            verifier = job.verifier or self.default_verifier
            # built before the clock starts: loading a verifier's models is not the check's time
            checker = checkers.get(verifier, generation)
            running = _Running(job_id, attempt, time.monotonic() + self.timeout_s)
            with self._cond:
                self._running[job_id] = running
            with self._checker_for(job.evidence, verifier, checker) as chosen:
                report = chosen.check(job.article, progress=self._progress(running))
            with running.lock:
                if running.aborted is None:
                    self.db.finish(job_id, attempt, report.to_dict())
        except _Aborted:
            pass
        except VeracityError as exc:
            self._fail(running, job_id, str(exc))
        except Exception as exc:
            if self._stopping:
                return
            log.exception("check %s failed", job_id)
            self._fail(running, job_id, f"internal error ({type(exc).__name__}): {exc}")
        finally:
            with self._cond:
                self._running.pop(job_id, None)
                self._signal_done(job_id)

    def _checker_for(
        self, evidence: Sequence[Document], verifier: str, store_checker: CheckerLike
    ) -> AbstractContextManager[CheckerLike]:
        """The store's Checker, or one over the check's own evidence (indexing it is the check's time)."""
        if not evidence:
            return nullcontext(store_checker)
        if self._evidence_checker is None:
            raise ConfigError("this server does not check against evidence given with the article")
        return self._evidence_checker(evidence, verifier)

    def _fail(self, running: _Running | None, job_id: str, error: str) -> None:
        if running is None:
            self.db.fail(job_id, None, error)
            return
        with running.lock:
            if running.aborted is None:
                self.db.fail(job_id, running.attempt, error)

    def _progress(self, running: _Running) -> ProgressCallback:
        def report(done: int, total: int) -> None:
            with running.lock:
                if running.aborted is None and time.monotonic() > running.deadline:
                    running.aborted = self._timeout_message()
                    self.db.fail(running.job_id, running.attempt, running.aborted)
                if running.aborted is not None:
                    raise _Aborted(running.aborted)
                self.db.set_progress(running.job_id, running.attempt, done, total)

        return report

    def _timeout_message(self) -> str:
        return f"timed out after {self.timeout_s:g} s; split the article or raise the job timeout"

    def _watch(self) -> None:
        """Fail overdue jobs promptly, even while their worker is inside one long step."""
        while not self._stopped.wait(timeout=0.25):
            with self._cond:
                overdue = [r for r in self._running.values() if time.monotonic() > r.deadline]
            for running in overdue:
                with running.lock:
                    if running.aborted is None:
                        running.aborted = self._timeout_message()
                        self.db.fail(running.job_id, running.attempt, running.aborted)
                with self._cond:
                    self._signal_done(running.job_id)


class _WorkerCheckers:
    """One worker thread's Checkers, one per verifier it has been asked for, each built on first use.

    After the store changes (a new generation) a Checker is rebuilt before its next job; if that fails, the
    previous one serves on and the failure is logged, since a stale store beats no answer.
    """

    def __init__(self, build: CheckerFactory) -> None:
        self._build = build
        self._checkers: dict[str, tuple[CheckerLike, int]] = {}

    def get(self, verifier: str, generation: int) -> CheckerLike:
        held = self._checkers.get(verifier)
        if held is None:
            checker = self._build(verifier)
        elif held[1] == generation:
            return held[0]
        else:
            checker = self._rebuilt(verifier, held[0])
        self._checkers[verifier] = (checker, generation)
        return checker

    def _rebuilt(self, verifier: str, previous: CheckerLike) -> CheckerLike:
        try:
            fresh = self._build(verifier)
        except Exception:
            log.exception(
                "could not rebuild the %s checker after the store changed; keeping the previous one", verifier
            )
            return previous
        previous.close()
        return fresh

    def close(self) -> None:
        for checker, _ in self._checkers.values():
            checker.close()
        self._checkers.clear()
