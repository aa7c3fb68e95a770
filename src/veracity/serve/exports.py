"""Exports of a checked article with the editors' overrides applied: JSON, Markdown and ClaimReview JSON-LD.

The machine's verdict is kept next to the override in every format, so a reader can see what was changed.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

from veracity.serve.db import Job, Override
from veracity.types import VERDICTS, VerifierUsed

VERDICT_NAMES = {
    "supported": "Supported",
    "refuted": "Refuted",
    "not_enough_evidence": "Not enough evidence",
    "conflicting": "Conflicting evidence",
}
# ClaimReview ratings on a 1 (false) .. 5 (true) scale; "not enough evidence" is no point on that scale, so
# it carries only its alternateName, as schema.org allows.
RATING_VALUES = {"refuted": 1, "conflicting": 3, "supported": 5}
REVIEWER = {"@type": "Organization", "name": "veracity"}


def apply_overrides(report: Mapping[str, Any], overrides: Mapping[str, Override]) -> dict[str, Any]:
    """The report with `override` and `final_verdict` on each claim and a summary of the final verdicts."""
    merged = copy.deepcopy(dict(report))
    counts = {label: 0 for label in VERDICTS}
    for claim in merged.get("claims", []):
        override = overrides.get(claim["id"])
        claim["override"] = override.to_dict() if override else None
        claim["final_verdict"] = override.verdict if override else claim["verdict"]
        counts[claim["final_verdict"]] += 1
    merged["summary_final"] = {"claims": len(merged.get("claims", [])), **counts}
    return merged


def to_json(job: Job, report: Mapping[str, Any], overrides: Mapping[str, Override]) -> str:
    data = {"check": job.to_dict(), "report": apply_overrides(report, overrides)}
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def to_claimreview(job: Job, report: Mapping[str, Any], overrides: Mapping[str, Override]) -> str:
    """One schema.org ClaimReview per checked claim; an editor's override decides the rating when present."""
    article = report.get("article", {})
    reviews = []
    for claim in apply_overrides(report, overrides)["claims"]:
        override = claim["override"]
        verdict = claim["final_verdict"]
        rating: dict[str, Any] = {
            "@type": "Rating",
            "alternateName": VERDICT_NAMES[verdict],
            "bestRating": 5,
            "worstRating": 1,
        }
        if verdict in RATING_VALUES:
            rating["ratingValue"] = RATING_VALUES[verdict]
        appearance: dict[str, Any] = {"@type": "CreativeWork"}
        if article.get("title"):
            appearance["headline"] = article["title"]
        if str(article.get("source", "")).startswith(("http://", "https://")):
            appearance["url"] = article["source"]
        if article.get("published"):
            appearance["datePublished"] = article["published"]
        item: dict[str, Any] = {"@type": "Claim", "appearance": appearance}
        if claim.get("speaker"):
            item["author"] = {"@type": "Person", "name": claim["speaker"]}
        if article.get("published"):
            item["datePublished"] = article["published"]
        review: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "claimReviewed": claim["text"],
            "datePublished": ((override or {}).get("updated_at") or job.finished_at or job.created_at)[:10],
            "author": REVIEWER,
            "itemReviewed": item,
            "reviewRating": rating,
            "reviewBody": override["note"] if override else claim["reason"],
        }
        if override and override.get("editor"):
            review["author"] = {"@type": "Person", "name": override["editor"]}
        reviews.append(review)
    return json.dumps(reviews, ensure_ascii=False, indent=2) + "\n"


def to_markdown(job: Job, report: Mapping[str, Any], overrides: Mapping[str, Override]) -> str:
    merged = apply_overrides(report, overrides)
    article = merged.get("article", {})
    summary = merged["summary_final"]
    lines = [f"# Fact check: {_md(article.get('title') or 'untitled article')}", ""]
    meta = [f"checked {(job.finished_at or job.created_at)[:10]}"]
    verifier = merged.get("verifier")
    if verifier:
        meta.append(f"verifier {_md(VerifierUsed(verifier['name'], verifier['options']).label())}")
    if job.evidence_count:
        meta.append(
            f"against {job.evidence_count} source{'s' if job.evidence_count > 1 else ''} given with it"
        )
    if article.get("published"):
        meta.insert(0, f"published {article['published']}")
    if article.get("source") and article["source"] != "-":
        meta.insert(0, f"source {_md(article['source'])}")
    lines += [" · ".join(meta), ""]
    counted = ", ".join(
        f"{summary[label]} {VERDICT_NAMES[label].lower()}" for label in VERDICTS if summary[label]
    )
    lines += [f"**{summary['claims']} claims**: {counted or 'none'}.", ""]
    for claim in merged["claims"]:
        final = VERDICT_NAMES[claim["final_verdict"]]
        lines.append(f"## {claim['id']}. {final}: {_md(claim['text'])}")
        lines.append("")
        if claim.get("speaker"):
            lines.append(f"- Attributed to: {_md(claim['speaker'])}")
        lines.append(
            f"- Machine verdict: {VERDICT_NAMES[claim['verdict']]} ({claim['confidence']:.0%} confidence)"
        )
        lines.append(f"- Reason: {_md(claim['reason'])}")
        override = claim["override"]
        if override:
            editor = f" by {_md(override['editor'])}" if override.get("editor") else ""
            lines.append(
                f"- **Editor's override{editor}** ({override['updated_at'][:10]}): "
                f"{VERDICT_NAMES[override['verdict']]}. {_md(override['note'])}"
            )
        evidence = claim.get("evidence") or []
        if evidence:
            lines.append("- Evidence:")
            for item in evidence:
                where = item.get("title") or item.get("source") or item.get("doc_id")
                lines.append(f"  - *{item['stance']}* ({_md(str(where))}): {_md(item['passage'])}")
        lines.append("")
    return "\n".join(lines)


def _md(text: str) -> str:
    """Keep article text from being read as Markdown or HTML markup."""
    escaped = text.replace("\\", "\\\\")
    for char in "`*_[]<>#|":
        escaped = escaped.replace(char, "\\" + char)
    return " ".join(escaped.split())
