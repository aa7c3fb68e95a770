"""The JSON report: `Report.to_dict()` as written, the schema other tools depend on."""

from __future__ import annotations

import json

from veracity.types import Report


class JsonRenderer:
    media_type = "application/json"
    suffix = ".json"

    def render(self, report: Report) -> str:
        return json.dumps(report.to_dict(), ensure_ascii=False, indent=2)
