"""Verdict quality on invented cases from other topics, so tuning on the bundled example cannot overfit it.

Each case has an article, short evidence notes (with distractors and near-misses) and the verdicts a careful
fact-checker would give. The notes are indexed with the real CLI and checked with the real Checker.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from veracity.checker import Checker
from veracity.types import Article, Report

pytestmark = pytest.mark.slow

CASES = Path(__file__).parent / "cases"
PUBLISHED = {"football": date(2024, 5, 13), "earthquake": date(2024, 3, 6), "earnings": date(2024, 2, 1)}


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Report]:
    checked: dict[str, Report] = {}
    for name, published in PUBLISHED.items():
        store = tmp_path_factory.mktemp(name) / "store"
        command = [
            sys.executable,
            "-m",
            "veracity",
            "index",
            str(CASES / name / "notes"),
            "--store",
            str(store),
        ]
        result = subprocess.run([*command, "--quiet"], capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stderr
        article = Article(
            text=(CASES / name / "article.txt").read_text(encoding="utf-8"), published=published
        )
        with Checker(store) as checker:
            checked[name] = checker.check(article)
    return checked


def _expectations() -> list[tuple[str, dict[str, Any]]]:
    return [
        (name, item)
        for name in PUBLISHED
        for item in json.loads((CASES / name / "expected.json").read_text(encoding="utf-8"))
    ]


@pytest.mark.parametrize(
    ("case", "expected"), _expectations(), ids=lambda value: value if isinstance(value, str) else ""
)
def test_expected_verdict(reports: dict[str, Report], case: str, expected: dict[str, Any]) -> None:
    matching = [
        checked
        for checked in reports[case].claims
        if all(word.lower() in checked.claim.text.lower() for word in expected["words"])
    ]
    assert matching, [checked.claim.text for checked in reports[case].claims]
    for checked in matching:
        assert checked.verdict in expected["verdicts"], (checked.claim.text, checked.verdict, checked.reason)
        for fragment in expected.get("reason_has", []):
            assert fragment in checked.reason, (checked.claim.text, checked.reason)


@pytest.mark.parametrize("case", list(PUBLISHED))
def test_claims_without_evidence_are_never_refuted(reports: dict[str, Report], case: str) -> None:
    for checked in reports[case].claims:
        if not any(item.stance != "neutral" for item in checked.evidence):
            assert checked.verdict == "not_enough_evidence", (checked.claim.text, checked.reason)
        if checked.verdict == "refuted":
            assert checked.evidence and checked.evidence[0].stance == "refutes"
