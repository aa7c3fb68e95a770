"""Drive one batch run: validate the input, resume from the output, run an engine, record every outcome."""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from veracity.batch.engines import ENGINES
from veracity.batch.inputs import ArticleId, pending_lines, scan_input
from veracity.batch.jobs import CheckerFactory, CheckerSpec, Outcome
from veracity.batch.journal import OutputJournal
from veracity.errors import InputError
from veracity.types import VerifierUsed


@dataclass(frozen=True)
class BatchResult:
    """What one run did; `skipped` counts articles a previous run had already written."""

    output_path: Path
    engine: str
    workers: int | None
    total: int
    skipped: int
    checked: int
    errors: int
    elapsed_s: float
    repaired_bytes: int = 0  # a torn last line from a crashed run, cut away before resuming
    article_ids: tuple[ArticleId, ...] = ()  # every article of the input, done in this run or before

    @property
    def articles_per_minute(self) -> float:
        done = self.checked + self.errors
        return 60.0 * done / self.elapsed_s if self.elapsed_s > 0 else 0.0


def run_batch(
    input_path: Path | str,
    output_path: Path | str,
    store_path: Path | str | None,
    *,
    engine: str = "local",
    workers: int | None = None,
    address: str | None = None,
    verifier: str = "align",
    verifier_options: Mapping[str, str] | None = None,
    progress: bool = True,
) -> BatchResult:
    """Check every article of a JSON Lines file into `output_path`, one report line per article id.

    `workers=None` means one per available core (local) or per cluster CPU (Ray, `address` given).
    Safe to rerun after a crash or Ctrl-C: articles already in the output are skipped. An input line may
    bring its own `evidence` (texts or {text | html, title?, url?, published?, id?}) to be checked against
    instead of the store; with `store_path` None every line must.
    """
    spec = CheckerSpec(
        store_path=str(Path(store_path).resolve()) if store_path is not None else None,
        verifier=verifier,
        verifier_options=tuple(sorted((verifier_options or {}).items())),
    )
    return batch_check(
        input_path,
        output_path,
        spec,
        engine=engine,
        workers=workers,
        address=address,
        progress=progress,
        verifier=VerifierUsed(verifier, dict(spec.verifier_options)),
    )


def batch_check(
    input_path: Path | str,
    output_path: Path | str,
    checker_factory: CheckerFactory,
    *,
    engine: str = "local",
    workers: int | None = None,
    address: str | None = None,
    progress: bool = True,
    verifier: VerifierUsed | None = None,
) -> BatchResult:
    """`run_batch` with any picklable checker factory: custom pipelines, or fakes in tests.

    `verifier`, when given, is the one the factory's checkers judge with: resuming an output whose reports
    another verifier judged is refused, since one file of mixed verdicts would compare nothing.
    """
    input_path, output_path = Path(input_path), Path(output_path)
    if output_path.exists() and input_path.exists() and output_path.samefile(input_path):
        raise InputError("--output must not be the input file")
    runner = ENGINES.create(
        engine,
        checker_factory=checker_factory,
        input_name=str(input_path),
        workers=workers,
        address=address,
    )
    scan = scan_input(input_path)
    started = time.perf_counter()
    with OutputJournal(output_path) as journal:
        _require_same_verifier(journal, verifier)
        done = journal.done & set(scan.ids)
        counts = {True: 0, False: 0}
        bar = tqdm(
            total=len(scan.ids) - len(done),
            desc=f"checking ({engine})",
            unit="article",
            file=sys.stderr,
            disable=not progress,
            dynamic_ncols=True,
        )

        def record(outcome: Outcome) -> None:
            journal.append(outcome.line)
            counts[outcome.ok] += 1
            bar.update(1)
            if not outcome.ok:
                bar.set_postfix(errors=counts[False], refresh=False)

        try:
            runner.run(pending_lines(input_path, done), record)
        finally:
            bar.close()
        return BatchResult(
            output_path=output_path,
            engine=engine,
            workers=workers,
            total=len(scan.ids),
            skipped=len(done),
            checked=counts[True],
            errors=counts[False],
            elapsed_s=time.perf_counter() - started,
            repaired_bytes=journal.repaired_bytes,
            article_ids=tuple(scan.ids),
        )


def _require_same_verifier(journal: OutputJournal, verifier: VerifierUsed | None) -> None:
    if verifier is None:
        return
    others = sorted(journal.verifiers - {verifier.label()})
    if others:
        raise InputError(
            f"{journal.path} holds reports judged by {', '.join(others)}; this run judges with "
            f"{verifier.label()}: resume with the same --verifier and --verifier-option, or choose another "
            "--output"
        )
