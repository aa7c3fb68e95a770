"""Report renderers chosen by name: JSON (the stable schema), Markdown, and a self-contained HTML page."""

from __future__ import annotations

from veracity.registry import Registry
from veracity.report.base import Renderer
from veracity.report.html_format import HtmlRenderer
from veracity.report.json_format import REPORT_SCHEMA_PATH, JsonRenderer, report_schema, report_schema_text
from veracity.report.markdown_format import MarkdownRenderer
from veracity.types import Report

FORMATS: Registry[Renderer] = Registry("report format")
FORMATS.register("json")(JsonRenderer)
FORMATS.register("markdown")(MarkdownRenderer)
FORMATS.register("html")(HtmlRenderer)


def render(report: Report, fmt: str) -> str:
    """The report as text in the named format; an unknown name is a ConfigError listing the known ones."""
    return FORMATS.create(fmt).render(report)


__all__ = [
    "FORMATS",
    "REPORT_SCHEMA_PATH",
    "HtmlRenderer",
    "JsonRenderer",
    "MarkdownRenderer",
    "Renderer",
    "render",
    "report_schema",
    "report_schema_text",
]
