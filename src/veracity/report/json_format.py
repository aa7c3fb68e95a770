"""The JSON report: `Report.to_dict()` as written, the schema other tools depend on.

`report.schema.json` beside this module states that schema (JSON Schema 2020-12) for tools that validate
what they read; the tests hold every report veracity writes to it.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from veracity.types import Report

REPORT_SCHEMA_PATH = Path(__file__).with_name("report.schema.json")


@cache
def report_schema_text() -> str:
    return REPORT_SCHEMA_PATH.read_text(encoding="utf-8")


def report_schema() -> dict[str, Any]:
    """A fresh copy each call, so a caller may change it without touching anyone else's."""
    schema: dict[str, Any] = json.loads(report_schema_text())
    return schema


class JsonRenderer:
    media_type = "application/json"
    suffix = ".json"

    def render(self, report: Report) -> str:
        return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)
