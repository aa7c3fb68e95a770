"""`--fail-on`: `check` and `batch` exit with status 5 when claims get the verdicts named, so a pipeline that
publishes generated or edited text can stop on a refuted claim instead of parsing the report itself.

The report is written in full first; the gate only decides the exit status and says why on stderr.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from veracity.errors import InputError
from veracity.types import VERDICTS, Report, VerdictLabel

GATE_EXIT_CODE = 5
ALIASES: Mapping[str, tuple[VerdictLabel, ...]] = {
    "unsupported": ("refuted", "not_enough_evidence", "conflicting"),
}
LISTED = 10  # failing claims or articles named in the message; the rest are counted


def parse_fail_on(values: Iterable[str]) -> frozenset[VerdictLabel]:
    """Verdicts from `--fail-on` values: each a verdict or "unsupported", comma-separated or repeated."""
    chosen: set[VerdictLabel] = set()
    for value in values:
        for name in (part.strip().lower().replace("-", "_") for part in value.split(",")):
            if name in ALIASES:
                chosen.update(ALIASES[name])
            elif name in VERDICTS:
                chosen.add(name)
            else:
                known = ", ".join([*VERDICTS, *ALIASES])
                raise InputError(f"--fail-on takes verdicts ({known}), not {name or value!r}")
    return frozenset(chosen)


def describe_verdicts(verdicts: frozenset[VerdictLabel]) -> str:
    return ",".join(verdict for verdict in VERDICTS if verdict in verdicts)


def report_failures(report: Report, verdicts: frozenset[VerdictLabel]) -> str | None:
    """Why the gate fails one checked article (None: it passes)."""
    failing = [checked for checked in report.claims if checked.verdict in verdicts]
    if not failing:
        return None
    named = _first_few([f"{checked.claim.id} {checked.verdict}" for checked in failing])
    gate = f"--fail-on {describe_verdicts(verdicts)}"
    return f"{len(failing)} of {len(report.claims)} claims failed {gate}: {named}"


def _first_few(names: Sequence[str]) -> str:
    """The first LISTED names, comma-separated, and how many more there are."""
    more = f" and {len(names) - LISTED} more" if len(names) > LISTED else ""
    return ", ".join(names[:LISTED]) + more


@dataclass(frozen=True)
class BatchGate:
    """What the gate found in a batch output: articles with failing claims, and articles not checked."""

    failing: Sequence[tuple[str, int]]  # (article id, failing claims)
    not_checked: Sequence[str]  # articles whose line is an error: nothing about them was verified
    articles: int

    def message(self, verdicts: frozenset[VerdictLabel]) -> str | None:
        parts = []
        if self.failing:
            named = _first_few([f"{article} ({count})" for article, count in self.failing])
            parts.append(
                f"{len(self.failing)} of {self.articles} articles have claims failing --fail-on "
                f"{describe_verdicts(verdicts)}: {named}"
            )
        if self.not_checked:
            articles = "article" if len(self.not_checked) == 1 else "articles"
            parts.append(
                f"{len(self.not_checked)} {articles} could not be checked: {_first_few(self.not_checked)}"
            )
        return "; ".join(parts) or None


def batch_failures(
    output: Path, verdicts: frozenset[VerdictLabel], article_ids: Iterable[str | int]
) -> BatchGate:
    """The gate over the output lines of these articles (this run's and those a resumed run had written)."""
    wanted = set(article_ids)
    failing: dict[str, int] = {}
    not_checked: dict[str, None] = {}
    with output.open(encoding="utf-8") as lines:
        for line in lines:
            record = _record(line)
            article_id = record.get("id")
            if not isinstance(article_id, str | int) or article_id not in wanted:
                continue
            article = str(article_id)
            if record.get("status") != "ok":
                not_checked[article] = None
                continue
            summary = (record.get("report") or {}).get("summary") or {}
            count = sum(int(summary.get(verdict, 0)) for verdict in verdicts)
            if count:
                failing[article] = count
    return BatchGate(tuple(failing.items()), tuple(not_checked), len(wanted))


def _record(line: str) -> dict[str, Any]:
    """One output line as a dict; the journal wrote each whole, so anything else is read as empty."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return {}
    return record if isinstance(record, dict) else {}
