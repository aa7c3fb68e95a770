"""Verdicts on the bundled news example against the developers' labels; writes its part of docs/benchmarks.md.

The data-set benchmarks judge claims against gold evidence; this one runs what a newsroom runs: `check` on
examples/gaza_talks.txt against a store of examples/evidence, claims extracted and evidence retrieved by
veracity itself. examples/gaza_talks_labels.json says, for each check-worthy claim, whether the bundled
evidence supports it. Figures per verifier: balanced accuracy of supported vs not, unsupported claims
called supported (the error that lets an invented detail through), and the two invented details refuted.
Eighteen labelled claims are a sanity check of behaviour on news, not a measure of accuracy.

python benchmarks/bench_example.py --verifiers align,builtin
python benchmarks/bench_example.py --verifiers builtin --model-dir DIR --section NAME   # a candidate model
"""

from __future__ import annotations

import argparse
import json
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from docs_section import command_line, machine_line, write_section
from veracity.checker import Checker
from veracity.ingest import read_article
from veracity.resources import Resources
from veracity.store import Store
from veracity.types import CheckedClaim
from veracity.verify import VERIFIERS

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def label_claims(checked: list[CheckedClaim], labels: list[dict[str, Any]]) -> list[tuple[dict, str]]:
    """(label, verdict) for every labelled phrase; a phrase no extracted claim holds gets "not extracted"."""
    rows = []
    for label in labels:
        found = [c.verdict for c in checked if label["phrase"].lower() in c.claim.text.lower()]
        rows += [(label, verdict) for verdict in found] or [(label, "not extracted")]
    return rows


def scores(rows: list[tuple[dict, str]]) -> dict[str, float | int]:
    supported = [verdict == "supported" for label, verdict in rows if label["supported"]]
    unsupported = [verdict != "supported" for label, verdict in rows if not label["supported"]]
    invented = [verdict == "refuted" for label, verdict in rows if label.get("invented")]
    return {
        "balanced_accuracy": (sum(supported) / len(supported) + sum(unsupported) / len(unsupported)) / 2,
        "supported_found": sum(supported),
        "supported_total": len(supported),
        "false_support": len(unsupported) - sum(unsupported),
        "unsupported_total": len(unsupported),
        "invented_refuted": sum(invented),
        "invented_total": len(invented),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--verifiers", default="align,builtin")
    parser.add_argument("--model-dir", default=None, help="the builtin verifier's model folder (a candidate)")
    parser.add_argument("--no-write", action="store_true", help="print the table without touching docs/")
    parser.add_argument(
        "--section", default="bench_example", help="part of docs/benchmarks.md to write (a candidate's own)"
    )
    args = parser.parse_args()
    machine = machine_line()
    gold = json.loads((EXAMPLES / "gaza_talks_labels.json").read_text(encoding="utf-8"))
    article = read_article(EXAMPLES / gold["article"], published=date.fromisoformat(gold["published"]))
    resources = Resources()
    results: dict[str, list[tuple[dict, str]]] = {}
    with tempfile.TemporaryDirectory(prefix="veracity-bench-") as scratch:
        store_path = Path(scratch) / "store"
        with Store.open(store_path, create=True) as store:
            store.index_paths([EXAMPLES / "evidence"], resources.embedder, progress=False)
        with Checker(store_path, resources=resources) as checker:
            for name in args.verifiers.split(","):
                options = (
                    {"model_dir": args.model_dir} if name.startswith("builtin") and args.model_dir else {}
                )
                checker.verifier = VERIFIERS.create(name, resources=resources, **options)
                results[name] = label_claims(checker.check(article).claims, gold["claims"])

    table = [
        "| verifier | balanced acc. | supported claims found | unsupported called supported "
        "| invented details refuted |",
        "|---|---|---|---|---|",
    ]
    for name, rows in results.items():
        s = scores(rows)
        table.append(
            f"| {name} | {s['balanced_accuracy']:.2f} | {s['supported_found']} of {s['supported_total']} "
            f"| {s['false_support']} of {s['unsupported_total']} "
            f"| {s['invented_refuted']} of {s['invented_total']} |"
        )
    names = list(results)
    verdicts = ["| claim (phrase) | label | " + " | ".join(names) + " |", "|---" * (len(names) + 2) + "|"]
    for index, (label, _) in enumerate(results[names[0]]):
        cells = [results[name][index][1] if index < len(results[name]) else "" for name in names]
        expected = "supported" if label["supported"] else "not supported"
        verdicts.append(f"| {label['phrase']} | {expected} | " + " | ".join(cells) + " |")
    text = "\n".join(table) + "\n\n" + "\n".join(verdicts)
    print(text)
    if not args.no_write:
        subject = f"; builtin from {args.model_dir}" if args.model_dir else ""
        write_section(
            args.section,
            f"## The bundled news example against its labels (task `check`){subject}\n\n"
            f"Machine: {machine}. Command: `{command_line()}`.\n"
            "`check` on examples/gaza_talks.txt (published 2024-08-14) against a store of examples/evidence; "
            "labels in examples/gaza_talks_labels.json (supported or not by that evidence, as the developers "
            f"read it; {len(gold['claims'])} claims, 2 of them invented details).\n\n{text}\n",
        )


if __name__ == "__main__":
    main()
