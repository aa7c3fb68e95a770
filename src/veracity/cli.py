"""The `veracity` command line: index, check, eval, train, serve, batch.

Every command turns a `VeracityError` into one line on stderr and a non-zero exit; an interrupt (Ctrl-C)
prints one line and exits 130 after the stores have rolled back to their last commit.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer

from veracity.checker import ProgressCallback
from veracity.errors import InputError, VeracityError
from veracity.files import write_text_atomically
from veracity.registry import parse_options

if TYPE_CHECKING:
    from veracity.train.pipeline import CalibrationResult, ReadWindow

app = typer.Typer(
    name="veracity",
    help="Check the factual claims of news articles against an evidence corpus you control, offline.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

StoreOption = Annotated[Path, typer.Option("--store", help="Evidence store folder.", show_default=False)]
VerifierOptions = Annotated[
    list[str] | None, typer.Option("--verifier-option", help="key=value passed to the verifier; repeatable.")
]
FailOnOption = Annotated[
    list[str] | None,
    typer.Option(
        "--fail-on",
        help="Exit with status 5 when a claim gets one of these verdicts (comma-separated or repeated: "
        "refuted, not_enough_evidence, conflicting, supported, or unsupported for all but supported); "
        "the report is written first.",
    ),
]


def _parse_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"--published must be a date like 2024-08-14, not {value!r}") from None


def write_output(text: str, output: Path | None) -> None:
    """Write to stdout, or to a file atomically so an interrupted run never leaves half a report."""
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomically(output, text)


@app.command()
def index(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Files or folders: txt, md, html, jsonl(.gz), Wikipedia XML dumps (.xml, .xml.bz2, .xml.gz)."
        ),
    ],
    store: StoreOption,
    remove: Annotated[bool, typer.Option("--remove", help="Drop these files from the store.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Build or update an evidence store (incremental: unchanged files are skipped)."""
    from veracity.resources import Resources
    from veracity.store import Store

    with Store.open(store, create=not remove) as opened:
        if remove:
            result = opened.remove_paths(paths)
        else:
            missing = [str(path) for path in paths if not path.exists()]
            if missing:
                raise InputError(f"no such file or folder: {', '.join(missing)}")
            result = opened.index_paths(paths, Resources().embedder, progress=not quiet)
        typer.echo(result.summary_line())
        for source, message in result.errors:
            typer.echo(f"  skipped {source}: {message}", err=True)
        stats = opened.stats()
    typer.echo(f"store {store}: {stats['documents']} documents, {stats['passages']} passages")


@app.command()
def check(
    article: Annotated[str, typer.Argument(help="Article file (txt, md, html) or - for stdin.")],
    store: Annotated[
        Path | None, typer.Option("--store", help="Evidence store folder.", show_default=False)
    ] = None,
    evidence: Annotated[
        list[Path] | None,
        typer.Option(
            "--evidence",
            help="Instead of --store: files or folders to check against, indexed into a temporary store "
            "that is removed afterwards; repeatable.",
        ),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="json, markdown or html.", show_default=True)
    ] = "json",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here, not stdout.")] = None,
    published: Annotated[
        str | None, typer.Option(help="Article date (YYYY-MM-DD); anchors weekdays and the date window.")
    ] = None,
    verifier: Annotated[str, typer.Option(help="Verifier back-end.")] = "align",
    verifier_option: VerifierOptions = None,
    retriever: Annotated[str, typer.Option(help="Retriever back-end.")] = "hybrid",
    top_k: Annotated[int, typer.Option(help="Passages retrieved per claim.", min=1, max=50)] = 6,
    window_days: Annotated[
        int | None,
        typer.Option(
            help="Only evidence published within N days of --published (undated always passes).", min=0
        ),
    ] = None,
    min_checkworthiness: Annotated[
        float, typer.Option(help="Claims scoring below this are not checked.", min=0.0, max=1.0)
    ] = 0.5,
    fail_on: FailOnOption = None,
) -> None:
    """Check every check-worthy claim of an article against a store, or against --evidence files."""
    from contextlib import nullcontext

    from veracity.checker import Checker
    from veracity.gate import GATE_EXIT_CODE, parse_fail_on, report_failures
    from veracity.ingest import read_article
    from veracity.report import FORMATS, render
    from veracity.resources import Resources
    from veracity.store.scratch import scratch_store

    if output_format not in FORMATS:
        raise InputError(f"unknown --format {output_format!r} (known: {', '.join(FORMATS.names())})")
    if store is not None and evidence:
        raise InputError("give --store DIR or --evidence FILE, not both")
    if store is None and not evidence:
        raise InputError("give --store DIR (an evidence store) or --evidence FILE (files to check against)")
    gate = parse_fail_on(fail_on or ())
    options = parse_options(verifier_option or ())
    parsed = read_article(article, published=_parse_date(published))
    resources = Resources()
    with (
        scratch_store(evidence, resources, progress=sys.stderr.isatty())
        if evidence
        else nullcontext((cast(Path, store), None))
    ) as (store_path, indexed):
        for source, message in indexed.errors if indexed else ():
            typer.echo(f"veracity: skipped evidence {source}: {message}", err=True)
        with Checker(
            store_path,
            resources=resources,
            verifier=verifier,
            verifier_options=options,
            retriever=retriever,
            top_k=top_k,
            min_checkworthiness=min_checkworthiness,
            window_days=window_days,
        ) as checker:
            report = checker.check(parsed, progress=_claim_progress())
    write_output(render(report, output_format), output)
    if output is not None:
        summary = report.summary()
        counts = ", ".join(f"{summary[key]} {key}" for key in summary if key != "claims" and summary[key])
        typer.echo(f"{summary['claims']} claims checked ({counts or 'none'}); report written to {output}")
    failed = report_failures(report, gate)
    if failed:
        typer.echo(f"veracity: {failed}", err=True)
        raise typer.Exit(GATE_EXIT_CODE)


@app.command()
def schema() -> None:
    """Print the JSON Schema of the report that `check`, `batch` and `serve` write."""
    from veracity.report import report_schema_text

    write_output(report_schema_text(), None)


@app.command()
def score(
    pairs: Annotated[
        Path, typer.Argument(help='JSONL: one {"id"?, "claim", "evidence": text or [texts]} per line.')
    ],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here, not stdout.")] = None,
    verifier: Annotated[str, typer.Option(help="Verifier back-end.")] = "builtin",
    verifier_option: VerifierOptions = None,
    chunk_words: Annotated[
        int, typer.Option(help="Long evidence is read in chunks of this many words.", min=1)
    ] = 180,
) -> None:
    """Judge each claim against its own evidence (no store, no claim extraction), one JSON line per pair."""
    import json

    from veracity.api import Scorer, read_scoring_pairs

    read = read_scoring_pairs(pairs)
    scorer = Scorer(verifier, chunk_words=chunk_words, verifier_options=parse_options(verifier_option or ()))
    documents, claims = [evidence for _, _, evidence in read], [claim for _, claim, _ in read]
    scores = scorer.score(documents, claims, progress=_bar("scoring", "chunk"))
    lines = [
        json.dumps({"id": pair_id, **dataclasses.asdict(result)}, ensure_ascii=False)
        for (pair_id, _, _), result in zip(read, scores, strict=True)
    ]
    write_output("\n".join(lines) + "\n", output)
    if output is not None:
        labels = Counter(result.label for result in scores)
        counts = ", ".join(f"{labels[label]} {label}" for label in sorted(labels))
        typer.echo(f"{len(scores)} pairs scored ({counts}); written to {output}")


@app.command(name="eval")
def evaluate(
    verifier: Annotated[str, typer.Option(help="Verifier back-end to measure.")] = "align",
    dataset: Annotated[
        str | None, typer.Option(help="Data set name, comma-separated names, or 'all'.")
    ] = None,
    split: Annotated[str, typer.Option(help="train, dev or test.")] = "test",
    task: Annotated[str, typer.Option(help="verify, end-to-end or claims.")] = "verify",
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Data sets folder (default $VERACITY_DATA_DIR, else ../shared/datasets)."),
    ] = None,
    limit: Annotated[int | None, typer.Option(help="Seeded sample of N pairs per data set.", min=1)] = None,
    pairs: Annotated[Path | None, typer.Option(help="Generic JSONL of {id, claim, evidence, label}.")] = None,
    seed: Annotated[int, typer.Option(help="Sampling seed.")] = 13,
    top_k: Annotated[int, typer.Option(help="Passages per claim (end-to-end task).", min=1)] = 6,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per data set.")] = False,
    show_confusion: Annotated[
        bool,
        typer.Option("--confusion", help="Also print gold against predicted label counts (JSON has them)."),
    ] = False,
    verifier_option: VerifierOptions = None,
) -> None:
    """Measure a verifier on the shared data sets or on your own pairs file."""
    from typing import get_args

    from veracity.eval.harness import Task
    from veracity.eval.report import eval_command

    if task not in get_args(Task):
        raise InputError(f"unknown --task {task!r} (known: {', '.join(get_args(Task))})")
    eval_command(
        verifier=verifier,
        dataset=dataset,
        split=split,
        task=cast(Task, task),
        data_dir=data_dir,
        limit=limit,
        pairs=pairs,
        seed=seed,
        top_k=top_k,
        as_json=as_json,
        verifier_options=verifier_option or (),
        show_confusion=show_confusion,
        progress=_bar,
    )


@app.command()
def train(
    out: Annotated[Path, typer.Option("--out", help="Folder for the model, tokenizer and calibration.")],
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Data sets folder (default $VERACITY_DATA_DIR, else ../shared/datasets)."),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed for sampling, synthetic edits and initialisation.")] = 13,
    minutes: Annotated[float, typer.Option(help="Budget for the training loop.", min=1.0)] = 60.0,
    base_model: Annotated[
        Path | None,
        typer.Option(help="Start from these weights (a previous run's OUT/hf) instead of MiniLM."),
    ] = None,
    learning_rate: Annotated[
        float | None, typer.Option(help="Peak learning rate (default 5e-5; lower for a second round).")
    ] = None,
    epochs: Annotated[int | None, typer.Option(help="Passes over the training pairs.", min=1)] = None,
    in_domain_repeats: Annotated[
        int | None,
        typer.Option(help="Copies per epoch of the WiCE, Check-COVID and Factcheck-GPT train pairs.", min=1),
    ] = None,
    max_length: Annotated[
        int | None,
        typer.Option(
            help="Word pieces per training pair (default 128; calibration still picks the read length).",
            min=32,
            max=512,
        ),
    ] = None,
    vitaminc_pairs: Annotated[
        int | None, typer.Option(help="VitaminC pairs, half real and half synthetic (default 2000).", min=0)
    ] = None,
    snli_pairs: Annotated[int | None, typer.Option(help="SNLI dev pairs (default 500).", min=0)] = None,
    fever_pairs: Annotated[
        int | None, typer.Option(help="FEVER dev claims with gold sentences (default 2000).", min=0)
    ] = None,
    fib_pairs: Annotated[
        int | None,
        typer.Option(
            help="FIB-XSum news summaries, consistent or not, against their article (default 800).", min=0
        ),
    ] = None,
    hard_not_enough_evidence: Annotated[
        bool,
        typer.Option(
            help="Also train on gap and verb-swap not-enough-evidence pairs (measured, not shipped: see "
            "the model card)."
        ),
    ] = False,
    average_from: Annotated[
        float | None,
        typer.Option(
            help="Save the mean of the weights after each step from this share of the steps on (0.5: the "
            "second half) instead of the last step's weights.",
            min=0.0,
            max=0.99,
        ),
    ] = None,
    label_smoothing: Annotated[
        float | None,
        typer.Option(help="Share of each target spread over the other labels (default 0).", min=0.0, max=0.9),
    ] = None,
    layers: Annotated[
        int | None,
        typer.Option(
            help="Transformer layers kept, from the bottom (default all: 6; fewer run faster).", min=1
        ),
    ] = None,
    teacher: Annotated[
        Path | None,
        typer.Option(
            help="A trained model folder (verifier-int8.onnx, tokenizer.json; e.g. the shipped "
            "src/veracity/models) whose label probabilities the new network also learns to match."
        ),
    ] = None,
    distill_weight: Annotated[
        float | None,
        typer.Option(
            help="With --teacher: the loss's share that matches the teacher (default 0.5).", min=0, max=1
        ),
    ] = None,
    calibrate_only: Annotated[
        bool,
        typer.Option(help="Skip training: refit the calibration and decision head of the model in --out."),
    ] = False,
    cv_repeats: Annotated[
        int | None,
        typer.Option(
            help="Assignments of dev claims to folds averaged when calibration chooses its verdict rule "
            "(default 1, which reproduces the shipped choice).",
            min=1,
        ),
    ] = None,
    read_window: Annotated[
        list[str] | None,
        typer.Option(
            help="With --calibrate-only: a read window WORDS:LENGTH to calibrate at (evidence words, word "
            "pieces), repeatable; the best is kept. Default 90:128, 90:160 and 90:192.",
        ),
    ] = None,
) -> None:
    """Train the builtin verifier from the shared data sets (needs the `train` extra: torch, transformers)."""
    from veracity.eval.datasets import resolve_data_dir
    from veracity.train import TrainConfig, train_model

    if calibrate_only:
        _calibrate_only(out, resolve_data_dir(data_dir), seed, cv_repeats, _read_windows(read_window or []))
        return
    if read_window:
        raise InputError(
            "--read-window refits the calibration of a trained model: use it with --calibrate-only"
        )
    if base_model is not None and not (base_model / "config.json").is_file():
        raise InputError(f"--base-model {base_model} holds no config.json (give a previous run's OUT/hf)")
    if teacher is not None and not (teacher / "verifier-int8.onnx").is_file():
        raise InputError(f"--teacher {teacher} holds no verifier-int8.onnx (give a model folder)")
    if distill_weight is not None and teacher is None:
        raise InputError("--distill-weight needs --teacher")
    options: dict[str, Any] = {  # TrainConfig fields; None keeps the default
        "learning_rate": learning_rate,
        "epochs": epochs,
        "in_domain_repeats": in_domain_repeats,
        "max_length": max_length,
        "vitaminc_pairs": vitaminc_pairs,
        "snli_pairs": snli_pairs,
        "fever_pairs": fever_pairs,
        "fib_pairs": fib_pairs,
        "hard_not_enough_evidence": hard_not_enough_evidence,
        "average_from": average_from,
        "label_smoothing": label_smoothing,
        "layers": layers,
        "distill_weight": distill_weight,
    }
    config = replace(TrainConfig(), **{name: value for name, value in options.items() if value is not None})
    result = train_model(
        resolve_data_dir(data_dir),
        out,
        seed,
        minutes,
        config=config,
        base_model=base_model,
        cv_repeats=cv_repeats,
        teacher=teacher,
        progress=lambda line: typer.echo(line, err=True),
    )
    typer.echo(
        f"model written to {result.model_path} ({result.model_megabytes:.1f} MB); "
        f"{_calibration_summary(result.calibration)}"
    )


def _calibration_summary(calibrated: CalibrationResult) -> str:
    dev = ", ".join(
        f"{name} {value:.3f} (cross-validated {calibrated.dev_cross_validated[name]:.3f})"
        for name, value in calibrated.dev_balanced_accuracy.items()
    )
    return (
        f"claims judged by the {calibrated.verdict_rule}, reading {calibrated.evidence_words} evidence "
        f"words in {calibrated.read_length} word pieces; "
        f"dev balanced accuracy: {dev}"
    )


def _read_windows(texts: list[str]) -> list[ReadWindow]:
    from veracity.train.pipeline import ReadWindow

    try:
        return [ReadWindow.parse(text) for text in texts]
    except ValueError as exc:
        raise InputError(f"--read-window: {exc}") from exc


def _calibrate_only(
    model_dir: Path, data_dir: Path, seed: int, cv_repeats: int | None, windows: list[ReadWindow]
) -> None:
    from veracity.train.pipeline import READ_WINDOWS, calibrate
    from veracity.verify.builtin import MODEL_FILE

    if not (model_dir / MODEL_FILE).is_file():
        raise InputError(f"--out {model_dir} holds no {MODEL_FILE} to calibrate")
    if not data_dir.is_dir():
        raise InputError(f"data directory {data_dir} does not exist (expected ../shared/datasets)")
    calibrated = calibrate(
        model_dir,
        data_dir,
        read_windows=windows or READ_WINDOWS,
        seed=seed,
        repeats=cv_repeats,
        progress=lambda line: typer.echo(line, err=True),
    )
    typer.echo(f"calibration written to {model_dir}; {_calibration_summary(calibrated)}")


@app.command()
def batch(
    input_path: Annotated[
        Path,
        typer.Argument(help="JSONL (or .jsonl.gz): one {id, text|html, title?, published?, evidence?}."),
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="JSONL of reports, appended; resumable.")],
    store: Annotated[
        Path | None,
        typer.Option(
            "--store",
            help="Evidence store folder; may be left out when every line brings its own 'evidence'.",
            show_default=False,
        ),
    ] = None,
    engine: Annotated[str, typer.Option(help="local (process pool) or ray.")] = "local",
    workers: Annotated[int | None, typer.Option(help="Workers; default one per core.", min=1)] = None,
    address: Annotated[str | None, typer.Option(help="Ray cluster address to join (engine ray).")] = None,
    verifier: Annotated[str, typer.Option(help="Verifier back-end.")] = "align",
    verifier_option: VerifierOptions = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    fail_on: FailOnOption = None,
) -> None:
    """Check many articles; re-running after a crash skips those already in the output."""
    from veracity.batch import run_batch
    from veracity.gate import GATE_EXIT_CODE, batch_failures, parse_fail_on

    gate = parse_fail_on(fail_on or ())
    result = run_batch(
        input_path,
        output,
        store,
        engine=engine,
        workers=workers,
        address=address,
        verifier=verifier,
        verifier_options=parse_options(verifier_option or ()),
        progress=not quiet,
    )
    typer.echo(
        f"{result.checked} checked, {result.skipped} already done, {result.errors} errors "
        f"({result.articles_per_minute:.1f} articles/min, {result.engine} engine); "
        f"output {result.output_path}"
    )
    failed = batch_failures(result.output_path, gate, result.article_ids).message(gate) if gate else None
    if failed:
        typer.echo(f"veracity: {failed}", err=True)
        raise typer.Exit(GATE_EXIT_CODE)


@app.command()
def serve(
    store: StoreOption,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.", min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(help="Check worker threads (one Checker each).", min=1)] = 1,
    token: Annotated[
        str | None,
        typer.Option(envvar="VERACITY_TOKEN", help="Bearer token required by write endpoints."),
    ] = None,
    queue_size: Annotated[int, typer.Option(help="Jobs waiting before POST answers 429.", min=1)] = 64,
    job_timeout: Annotated[float, typer.Option(help="Seconds before a check job fails.", min=1)] = 300.0,
    verifier: Annotated[str, typer.Option(help="Verifier for checks that choose none.")] = "align",
    verifier_option: VerifierOptions = None,
    offer: Annotated[
        list[str] | None,
        typer.Option(
            help="Another verifier a check may choose (the page's menu, `verifier` in POST /v1/checks): "
            "NAME, or NAME:key=value,key=value for options; repeatable."
        ),
    ] = None,
) -> None:
    """Serve the HTTP API and the editors' web page."""
    from veracity.serve import run_server

    run_server(
        store,
        host,
        port,
        workers,
        token,
        queue_size=queue_size,
        job_timeout_s=job_timeout,
        verifier=verifier,
        verifier_options=parse_options(verifier_option or ()),
        offered_verifiers=offer or (),
    )


def _claim_progress() -> ProgressCallback:
    """A tqdm bar over an article's claims, shown only on a terminal."""
    return _bar("checking claims", "claim")


def _bar(description: str, unit: str) -> ProgressCallback:
    """A tqdm bar fed `(done, total)`, shown only on a terminal and gone when the work is done."""
    from tqdm import tqdm

    bar: tqdm[None] | None = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=total, desc=description, unit=unit, disable=None, leave=False)
        bar.update(done - bar.n)
        if done == total:
            bar.close()

    return update


INTERRUPTED_EXIT = 130  # what Typer exits with on Ctrl-C (128 + SIGINT, as shells report it)


def main() -> None:
    """Entry point: one line per error, never a traceback (VERACITY_DEBUG=1 shows it)."""
    try:
        app()
    except SystemExit as exc:
        if exc.code == INTERRUPTED_EXIT:
            typer.echo("veracity: interrupted; every store keeps its last commit", err=True)
        raise
    except VeracityError as exc:
        typer.echo(f"veracity: error: {exc}", err=True)
        raise SystemExit(exc.exit_code) from None
    except Exception as exc:
        if os.environ.get("VERACITY_DEBUG"):
            raise
        typer.echo(
            f"veracity: internal error: {type(exc).__name__}: {exc} (VERACITY_DEBUG=1 shows details)",
            err=True,
        )
        raise SystemExit(70) from None


if __name__ == "__main__":
    main()
