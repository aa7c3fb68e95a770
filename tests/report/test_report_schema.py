"""The shipped JSON Schema of the report: itself valid, and exactly as strict as the reports written."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from report_samples import sample_report

from veracity.report import REPORT_SCHEMA_PATH, render, report_schema
from veracity.types import Article, Report


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = report_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def errors(validator: Draft202012Validator, data: Any) -> list[str]:
    return sorted(error.message for error in validator.iter_errors(data))


def test_the_schema_ships_inside_the_package() -> None:
    assert REPORT_SCHEMA_PATH.parent.name == "report"
    assert json.loads(REPORT_SCHEMA_PATH.read_text(encoding="utf-8")) == report_schema()


def test_a_full_report_validates(validator: Draft202012Validator) -> None:
    data = json.loads(render(sample_report(), "json"))
    assert errors(validator, data) == []
    assert data["claims"] and data["claims"][0]["evidence"] and data["claims"][0]["slots"]


def test_a_report_without_a_verifier_or_claims_validates(validator: Draft202012Validator) -> None:
    assert errors(validator, Report(article=Article(text="x"), claims=[]).to_dict()) == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["claims"][0].update(verdict="mostly true"), "'mostly true' is not one of"),
        (lambda d: d["claims"][0].pop("reason"), "'reason' is a required property"),
        (lambda d: d["claims"][0]["evidence"][0].update(stance="agrees"), "'agrees' is not one of"),
        (lambda d: d["claims"][0].update(confidence=1.5), "1.5 is greater than the maximum of 1"),
        (lambda d: d["article"].update(published="14 August 2024"), "'14 August 2024' does not match"),
        (lambda d: d.update(notes="undocumented"), "Additional properties are not allowed ('notes'"),
        (lambda d: d["verifier"]["options"].update(passages_read=2), "2 is not of type 'string'"),
        (lambda d: d.update(version="2.0"), "'2.0' does not match"),
    ],
)
def test_the_schema_rejects_what_veracity_never_writes(
    validator: Draft202012Validator, change: Any, message: str
) -> None:
    data = copy.deepcopy(sample_report().to_dict())
    change(data)
    found = errors(validator, data)
    assert any(message in error for error in found), found
