"""The HTML report: one self-contained page that highlights each claim in the article and explains it."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING

from markupsafe import Markup

from veracity.report.base import STANCE_ICONS, VERDICT_ICONS, VERDICT_NAMES, summary_line
from veracity.types import VERDICTS, CheckedClaim, Report, VerdictLabel

if TYPE_CHECKING:
    from jinja2 import Template

_VERDICT_SEVERITY: dict[VerdictLabel, int] = {
    "refuted": 3,
    "conflicting": 2,
    "not_enough_evidence": 1,
    "supported": 0,
}
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


@dataclass(frozen=True)
class Segment:
    """A run of article text covered by the same set of claims (none, one, or overlapping ones)."""

    text: str
    start: int
    claim_ids: tuple[str, ...]
    verdict: VerdictLabel | None  # the colour: the innermost claim's verdict
    ending: tuple[CheckedClaim, ...]  # claims whose span ends here: a badge follows the segment


def highlight_segments(text: str, claims: Sequence[CheckedClaim]) -> list[Segment]:
    """Cut the article at every span boundary so overlapping and nested claims each stay clickable.

    Spans are clamped to the text; empty or inverted spans are left out of the highlighting (the claim
    still appears in the side panel's list).
    """
    spans = []
    for checked in claims:
        start = max(0, min(checked.claim.start, len(text)))
        end = max(0, min(checked.claim.end, len(text)))
        if start < end:
            spans.append((start, end, checked))
    boundaries = sorted({0, len(text)} | {s for s, _, _ in spans} | {e for _, e, _ in spans})
    segments = []
    for start, end in pairwise(boundaries):
        active = [(e - s, checked) for s, e, checked in spans if s <= start and end <= e]
        active.sort(key=lambda item: (item[0], -_VERDICT_SEVERITY[item[1].verdict]))
        ending = tuple(checked for s, e, checked in spans if e == end)
        segments.append(
            Segment(
                text=text[start:end],
                start=start,
                claim_ids=tuple(checked.claim.id for _, checked in active),
                verdict=active[0][1].verdict if active else None,
                ending=ending,
            )
        )
    return segments


def embedded_json(report: Report) -> Markup:
    """The report as JSON that cannot end its <script> element early or open a comment."""
    data = json.dumps(report.to_dict(), ensure_ascii=False)
    for char, escape in _JSON_ESCAPES.items():
        data = data.replace(char, escape)
    return Markup(data)


def safe_link(url: str | None) -> str | None:
    """Only web links become anchors: a `javascript:` URL from a corpus must not become clickable."""
    if url and url.strip().lower().startswith(("http://", "https://")):
        return url.strip()
    return None


@lru_cache(maxsize=1)
def _template() -> Template:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    environment = Environment(
        loader=PackageLoader("veracity.report", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return environment.get_template("report.html")


class HtmlRenderer:
    media_type = "text/html; charset=utf-8"
    suffix = ".html"

    def render(self, report: Report) -> str:
        counts = report.summary()
        return _template().render(
            report=report,
            article=report.article,
            segments=highlight_segments(report.article.text, report.claims),
            counts=counts,
            verdicts=VERDICTS,
            verdict_names=VERDICT_NAMES,
            verdict_icons=VERDICT_ICONS,
            stance_icons=STANCE_ICONS,
            summary=summary_line(report),
            safe_link=safe_link,
            report_json=embedded_json(report),
        )
