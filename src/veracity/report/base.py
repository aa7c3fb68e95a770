"""What every report format provides, so the CLI picks a file suffix and the service a content type."""

from __future__ import annotations

from typing import Protocol

from veracity.types import VERDICTS, Report, VerdictLabel

VERDICT_NAMES: dict[VerdictLabel, str] = {
    "supported": "Supported",
    "refuted": "Refuted",
    "not_enough_evidence": "Not enough evidence",
    "conflicting": "Conflicting",
}
VERDICT_ICONS: dict[VerdictLabel, str] = {
    "supported": "✓",
    "refuted": "✗",
    "not_enough_evidence": "?",
    "conflicting": "⚠",
}
STANCE_ICONS = {"supports": "✓", "refutes": "✗", "neutral": "–"}


class Renderer(Protocol):
    media_type: str
    suffix: str

    def render(self, report: Report) -> str: ...


def summary_line(report: Report) -> str:
    """ "5 claims: 2 supported, 1 refuted, ..." for headers and logs."""
    counts = report.summary()
    parts = [f"{counts[label]} {VERDICT_NAMES[label].lower()}" for label in VERDICTS]
    noun = "claim" if counts["claims"] == 1 else "claims"
    return f"{counts['claims']} {noun}: " + ", ".join(parts)
