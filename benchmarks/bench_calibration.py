"""How the builtin verifier's calibration was chosen; writes its part of docs/benchmarks.md.

`veracity train` fits the per-passage calibration and the claim-level decision head on dev data at each
read length, and keeps the rule and length whose held-out estimate (five folds of the dev claims, each
claim judged by a fit that did not see it; `--repeats N` averages N assignments of claims to folds) is
highest. This script repeats that on a copy of a model folder (the shipped one by default) and prints every
candidate's per-set figures, so the choice can be checked and the shipped calibration files compared with a
fresh fit. No test data is read.

python benchmarks/bench_calibration.py --data-dir ../shared/datasets
python benchmarks/bench_calibration.py --model-dir DIR --section NAME   # a candidate, in a part of its own
python benchmarks/bench_calibration.py --read-window 75:128 --read-window 90:160 --section NAME  # windows
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

from docs_section import command_line, machine_line, write_section
from veracity.train.calibrate import CALIBRATION_SETS, CV_REPEATS, mean_accuracy
from veracity.train.pipeline import READ_WINDOWS, ReadWindow, calibrate, candidate_name
from veracity.verify.builtin import CALIBRATION_FILE, MODEL_FILE, TOKENIZER_FILE, default_model_dir


def read_window(text: str) -> ReadWindow:
    try:
        return ReadWindow.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model-dir", type=Path, default=default_model_dir())
    parser.add_argument("--data-dir", type=Path, default=Path("../shared/datasets"))
    parser.add_argument("--no-write", action="store_true", help="print the table without touching docs/")
    parser.add_argument(
        "--section",
        default="bench_calibration",
        help="part of docs/benchmarks.md to write (another name keeps a candidate beside the shipped model)",
    )
    parser.add_argument(
        "--repeats", type=int, default=CV_REPEATS, help="assignments of claims to folds averaged per estimate"
    )
    parser.add_argument(
        "--read-window",
        action="append",
        type=read_window,
        help="evidence words and word pieces read, WORDS:LENGTH, repeatable (default 90:128, 90:160, 90:192)",
    )
    args = parser.parse_args()
    machine = machine_line()
    with tempfile.TemporaryDirectory() as scratch:
        work = Path(scratch)
        for name in (MODEL_FILE, TOKENIZER_FILE):
            shutil.copyfile(args.model_dir / name, work / name)
        result = calibrate(
            work, args.data_dir, read_windows=args.read_window or READ_WINDOWS, repeats=args.repeats
        )
        fresh = json.loads((work / CALIBRATION_FILE).read_text(encoding="utf-8"))
    shipped_path = args.model_dir / CALIBRATION_FILE
    shipped = json.loads(shipped_path.read_text(encoding="utf-8")) if shipped_path.is_file() else {}
    same = all(
        fresh.get(key) == shipped.get(key) for key in ("bias", "max_length", "max_words", "verdict_rule")
    )
    header = "| candidate | " + " | ".join(CALIBRATION_SETS) + " | mean |"
    rows = [header, "|---" * (len(CALIBRATION_SETS) + 2) + "|"]
    for name, figures in result.candidates.items():
        cells = " | ".join(f"{figures[dataset]:.3f}" for dataset in CALIBRATION_SETS)
        chosen = name == candidate_name(result.verdict_rule, result.window)
        label = f"**{name}** (chosen)" if chosen else name
        rows.append(f"| {label} | {cells} | {mean_accuracy(figures):.3f} |")
    table = "\n".join(rows)
    regularisation = (
        f", regularisation C={result.head_regularisation:g}" if result.verdict_rule == "decision head" else ""
    )
    summary = (
        f"Chosen: the {result.verdict_rule}, reading {result.evidence_words} evidence words in "
        f"{result.read_length} word pieces{regularisation}. "
        f"The calibration shipped in {args.model_dir.name}/ "
        + ("is the one this fit gives." if same else "differs from this fit.")
    )
    print(table)
    print(summary)
    if not args.no_write:
        subject = "" if args.section == "bench_calibration" else f" of {args.model_dir} ({args.section})"
        folds = (
            "one assignment of claims to folds (seed 13)"
            if args.repeats == 1
            else f"the mean over {args.repeats} assignments of claims to folds (seeds 13 onwards)"
        )
        write_section(
            args.section,
            f"## Builtin verifier calibration{subject}: held-out dev estimates\n\n"
            f"Machine: {machine}. Command: `{command_line()}`.\n"
            "Balanced accuracy of supported vs not on the dev sets that calibrate the verifier (WiCE's "
            "calibration part of dev, Check-COVID dev, Factcheck-GPT dev documents), five-fold "
            "cross-validated: each claim judged by a head or a calibration grid fitted on the other folds "
            f"(the head's regularisation chosen on those folds too), {folds}. No test pair is read.\n\n"
            + table
            + "\n\n"
            + summary
            + "\n",
        )


if __name__ == "__main__":
    main()
