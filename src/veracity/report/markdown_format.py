"""The Markdown report: for pull requests, tickets and notes, readable as source and as rendered text."""

from __future__ import annotations

import re

from veracity.report.base import STANCE_ICONS, VERDICT_ICONS, VERDICT_NAMES, summary_line
from veracity.types import CheckedClaim, Evidence, Report

_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]|#~])")
_WHITESPACE = re.compile(r"\s+")


def inline(text: str) -> str:
    """Article and evidence text as inert inline Markdown: no markup, no raw HTML, no line breaks."""
    text = _WHITESPACE.sub(" ", text).strip()
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text)


class MarkdownRenderer:
    media_type = "text/markdown; charset=utf-8"
    suffix = ".md"

    def render(self, report: Report) -> str:
        article = report.article
        lines = [f"# Fact-check: {inline(article.title or article.source)}", ""]
        lines.append(f"- Source: {inline(article.source)}")
        if article.published:
            lines.append(f"- Published: {article.published.isoformat()}")
        if report.verifier:
            lines.append(f"- Verifier: {inline(report.verifier.label())}")
        lines.append(f"- Summary: {summary_line(report)}")
        lines.append("")
        if report.claims:
            lines += ["| Claim | Verdict | Confidence |", "|---|---|---|"]
            lines += [
                f"| {checked.claim.id} | {_verdict(checked)} | {checked.confidence:.0%} |"
                for checked in report.claims
            ]
            lines.append("")
        else:
            lines += ["No check-worthy claims were found.", ""]
        for checked in report.claims:
            lines += _claim_section(checked)
        return "\n".join(lines).rstrip() + "\n"


def _claim_section(checked: CheckedClaim) -> list[str]:
    claim = checked.claim
    lines = [
        f"## {claim.id}: {_verdict(checked)}",
        "",
        f"> {inline(claim.text)}",
        "",
        "| | |",
        "|---|---|",
        f"| Verdict | {VERDICT_NAMES[checked.verdict]} |",
        f"| Confidence | {checked.confidence:.0%} |",
        f"| Speaker | {inline(claim.speaker) if claim.speaker else 'not attributed'} |",
        f"| Article text | “{inline(claim.sentence)}” (characters {claim.start}–{claim.end}) |",
        f"| Reason | {inline(checked.reason)} |",
        "",
    ]
    if not checked.evidence:
        return [*lines, "No evidence passages.", ""]
    lines += ["Evidence:", ""]
    for number, evidence in enumerate(checked.evidence, start=1):
        lines += _evidence_item(number, evidence)
    return [*lines, ""]


def _verdict(checked: CheckedClaim) -> str:
    return f"{VERDICT_ICONS[checked.verdict]} {VERDICT_NAMES[checked.verdict]}"


def _evidence_item(number: int, evidence: Evidence) -> list[str]:
    passage = evidence.passage
    label = inline(passage.title or passage.doc_id)
    if passage.url and passage.url.startswith(("http://", "https://")):
        target = passage.url.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20")
        label = f"[{label}](<{target}>)"
    details = [f"{STANCE_ICONS[evidence.stance]} {evidence.stance} ({evidence.score:.0%})", label]
    if passage.published:
        details.append(passage.published.isoformat())
    source = passage.source.replace("`", "'")
    details.append(f"`{source}`")
    lines = [f"{number}. " + " · ".join(details), f"   > {inline(passage.text)}"]
    if evidence.reason:
        lines.append(f"   — {inline(evidence.reason)}")
    return lines
