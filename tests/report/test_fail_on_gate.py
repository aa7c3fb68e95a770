"""`--fail-on`: which verdicts fail a report or a batch output, and what the message names."""

import json
from pathlib import Path

import pytest
from report_samples import sample_report

from veracity.errors import InputError
from veracity.gate import LISTED, batch_failures, parse_fail_on, report_failures
from veracity.types import VERDICTS


def test_verdicts_are_read_comma_separated_repeated_and_in_either_spelling() -> None:
    assert parse_fail_on(["refuted"]) == {"refuted"}
    assert parse_fail_on(["refuted, Not-Enough-Evidence", "conflicting"]) == {
        "refuted",
        "not_enough_evidence",
        "conflicting",
    }
    assert parse_fail_on(["unsupported"]) == set(VERDICTS) - {"supported"}
    assert parse_fail_on([]) == frozenset()


@pytest.mark.parametrize("value", ["refutd", "refuted,", "false"])
def test_an_unknown_verdict_is_an_input_error_naming_the_choices(value: str) -> None:
    with pytest.raises(InputError, match=r"--fail-on takes verdicts .*unsupported"):
        parse_fail_on([value])


def test_a_report_fails_on_the_claims_with_a_chosen_verdict_and_names_them() -> None:
    report = sample_report()
    assert report_failures(report, frozenset()) is None
    refuted = report_failures(report, parse_fail_on(["refuted"]))
    assert refuted == "1 of 4 claims failed --fail-on refuted: c2 refuted"
    unsupported = report_failures(report, parse_fail_on(["unsupported"]))
    assert unsupported is not None
    assert unsupported.startswith("3 of 4 claims failed --fail-on refuted,not_enough_evidence,conflicting: ")
    assert "c1" not in unsupported


def test_a_report_without_such_claims_passes() -> None:
    report = sample_report()
    report.claims = [checked for checked in report.claims if checked.verdict == "supported"]
    assert report_failures(report, parse_fail_on(["unsupported"])) is None


def write_output(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records) + "{torn", encoding="utf-8")
    return path


def ok(article_id: object, **summary: int) -> dict[str, object]:
    return {"id": article_id, "status": "ok", "report": {"summary": {"claims": 3, **summary}}}


def test_a_batch_fails_on_articles_with_chosen_verdicts_and_on_articles_not_checked(tmp_path: Path) -> None:
    output = write_output(
        tmp_path / "out.jsonl",
        [
            ok("a", refuted=2, conflicting=1),
            ok(7, supported=3),
            ok("b", not_enough_evidence=1),
            {"id": "broken", "status": "error", "error": "empty article"},
            ok("other-input", refuted=5),  # an article of another input written to the same file
        ],
    )
    gate = parse_fail_on(["refuted,conflicting"])
    found = batch_failures(output, gate, ["a", 7, "b", "broken"])
    assert found.failing == (("a", 3),)
    assert found.not_checked == ("broken",)
    assert found.message(gate) == (
        "1 of 4 articles have claims failing --fail-on refuted,conflicting: a (3); "
        "1 article could not be checked: broken"
    )
    passing = batch_failures(output, gate, [7, "b"])
    assert passing.message(gate) is None
    assert batch_failures(output, gate, ["7"]).articles == 1  # ids keep their JSON type: "7" is not 7
    assert not batch_failures(output, gate, ["7"]).failing


def test_a_long_list_is_cut_and_counted(tmp_path: Path) -> None:
    ids = [f"a{i}" for i in range(LISTED + 3)]
    output = write_output(tmp_path / "out.jsonl", [ok(article, refuted=1) for article in ids])
    gate = parse_fail_on(["refuted"])
    message = batch_failures(output, gate, ids).message(gate)
    assert message is not None
    assert message.endswith(f"a{LISTED - 1} (1) and 3 more")
