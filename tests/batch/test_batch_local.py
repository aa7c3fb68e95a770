"""The local engine and the driver: resumable output, per-article errors, input validation."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from batch_fakes import CRASH_MARK, FAIL_MARK, FakeCheckerFactory

from veracity.batch import ENGINES, WorkerCrashError, WorkerSetupError, batch_check
from veracity.batch.journal import OutputJournal
from veracity.errors import ConfigError, InputError
from veracity.types import VerifierUsed

ARTICLES = [
    {"id": "a1", "text": "The council met on Monday. It approved a budget.", "title": "Council"},
    {"id": 2, "text": "Rain fell for three days.", "published": "2024-08-14"},
    {"id": "a3", "html": "<html><body><article><p>The bridge reopened in May.</p></article></body></html>"},
    {"id": "a4", "text": "Prices rose by 3 percent. Wages did not."},
]


def write_jsonl(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def read_output(path: Path) -> dict[object, dict[str, object]]:
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    by_id = {line["id"]: line for line in lines}
    assert len(by_id) == len(lines), "an article was written twice"
    return by_id


def run(tmp_path: Path, records: list[dict[str, object]], **options: object) -> tuple[object, Path]:
    source = write_jsonl(tmp_path / "in.jsonl", records)
    output = tmp_path / "out.jsonl"
    factory = options.pop("factory", FakeCheckerFactory())
    options.setdefault("engine", "local")
    result = batch_check(source, output, factory, progress=False, **options)  # type: ignore[arg-type]
    return result, output


def test_every_article_gets_one_report_keyed_by_its_id(tmp_path: Path) -> None:
    result, output = run(tmp_path, ARTICLES, workers=2)
    lines = read_output(output)
    assert set(lines) == {"a1", 2, "a3", "a4"}
    assert all(line["status"] == "ok" for line in lines.values())
    first = lines["a1"]["report"]
    assert first["article"]["title"] == "Council"
    assert first["article"]["source"].endswith("in.jsonl#a1")
    assert [claim["text"] for claim in first["claims"]] == [
        "The council met on Monday.",
        "It approved a budget.",
    ]
    assert lines[2]["report"]["article"]["published"] == "2024-08-14"
    assert "bridge reopened" in lines["a3"]["report"]["article"]["text"]
    assert "<p>" not in lines["a3"]["report"]["article"]["text"]
    assert (result.total, result.checked, result.errors, result.skipped) == (4, 4, 0, 0)


def test_per_article_errors_are_recorded_and_the_run_goes_on(tmp_path: Path) -> None:
    records = [
        *ARTICLES,
        {"id": "boom", "text": f"This one says {FAIL_MARK}."},
        {"id": "no-body", "title": "Only a title"},
        {"id": "both", "text": "a", "html": "<p>b</p>"},
        {"id": "bad-date", "text": "Fine text.", "published": "last Tuesday"},
    ]
    result, output = run(tmp_path, records, workers=1)
    lines = read_output(output)
    errors = {key: line["error"] for key, line in lines.items() if line["status"] == "error"}
    assert set(errors) == {"boom", "no-body", "both", "bad-date"}
    assert errors["boom"] == "ValueError: the checker choked on this article"
    assert "exactly one of 'text' or 'html'" in errors["no-body"]
    assert "exactly one of 'text' or 'html'" in errors["both"]
    assert "'published' must be an ISO date" in errors["bad-date"]
    assert all("\n" not in message for message in errors.values())
    assert "report" not in lines["boom"]
    assert (result.checked, result.errors) == (4, 4)


def test_an_article_with_its_own_evidence_is_checked_against_it(tmp_path: Path) -> None:
    records = [
        {
            **ARTICLES[0],
            "evidence": ["The council met.", {"html": "<p>A budget passed.</p>", "id": "m.html"}],
        },
        {**ARTICLES[1], "evidence": [{"text": "Rain.", "color": "blue"}]},
        ARTICLES[3],
    ]
    result, output = run(tmp_path, records, workers=1)
    lines = read_output(output)
    assert {claim["reason"] for claim in lines["a1"]["report"]["claims"]} == {"fake, against 2 sources"}
    assert lines[2] == {"id": 2, "status": "error", "error": "evidence[0]: unknown field 'color'"}
    assert {claim["reason"] for claim in lines["a4"]["report"]["claims"]} == {"fake"}
    assert (result.checked, result.errors) == (2, 1)  # type: ignore[attr-defined]


def test_resume_skips_written_articles_and_cuts_a_torn_last_line(tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    kept = {"id": "a1", "status": "ok", "report": {"marker": "from the first run"}}
    torn = json.dumps({"id": 2, "status": "ok", "report": {"claims": []}})[:25]
    output.write_text(json.dumps(kept) + "\n" + torn, encoding="utf-8")
    result, _ = run(tmp_path, ARTICLES, workers=1)
    lines = read_output(output)
    assert set(lines) == {"a1", 2, "a3", "a4"}
    assert lines["a1"]["report"] == {"marker": "from the first run"}  # not checked again
    assert lines[2]["status"] == "ok" and "article" in lines[2]["report"]
    assert (result.skipped, result.checked, result.repaired_bytes) == (1, 3, len(torn))


def test_a_whole_last_line_missing_only_its_newline_is_kept(tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    output.write_text(
        json.dumps({"id": "a4", "status": "error", "error": "earlier failure"}), encoding="utf-8"
    )
    result, _ = run(tmp_path, ARTICLES, workers=1)
    lines = read_output(output)
    assert lines["a4"] == {"id": "a4", "status": "error", "error": "earlier failure"}
    assert (result.skipped, result.checked, result.repaired_bytes) == (1, 3, 0)


def test_a_rerun_of_a_finished_batch_checks_nothing(tmp_path: Path) -> None:
    run(tmp_path, ARTICLES, workers=1)
    before = (tmp_path / "out.jsonl").read_bytes()
    result, output = run(tmp_path, ARTICLES, workers=1)
    assert output.read_bytes() == before
    assert (result.skipped, result.checked, result.errors) == (4, 0, 0)


def test_resuming_with_another_verifier_is_refused_and_the_output_kept(tmp_path: Path) -> None:
    first = FakeCheckerFactory(verifier="align")
    run(tmp_path, ARTICLES[:2], workers=1, factory=first, verifier=VerifierUsed("align"))
    before = (tmp_path / "out.jsonl").read_bytes()
    other = FakeCheckerFactory(verifier="builtin")
    with pytest.raises(InputError, match=r"holds reports judged by align; this run judges with builtin:"):
        run(tmp_path, ARTICLES, workers=1, factory=other, verifier=VerifierUsed("builtin"))
    optioned = VerifierUsed("align", {"threshold": "0.5"})
    with pytest.raises(InputError, match=r"this run judges with align \(threshold=0\.5\)"):
        run(tmp_path, ARTICLES, workers=1, factory=first, verifier=optioned)
    assert (tmp_path / "out.jsonl").read_bytes() == before
    result, output = run(tmp_path, ARTICLES, workers=1, factory=first, verifier=VerifierUsed("align"))
    assert (result.skipped, result.checked) == (2, 2)
    assert {line["report"]["verifier"]["name"] for line in read_output(output).values()} == {"align"}


def test_reports_that_name_no_verifier_do_not_block_a_resume(tmp_path: Path) -> None:
    run(tmp_path, ARTICLES[:2], workers=1)
    result, _ = run(
        tmp_path,
        ARTICLES,
        workers=1,
        factory=FakeCheckerFactory(verifier="builtin"),
        verifier=VerifierUsed("builtin"),
    )
    assert (result.skipped, result.checked) == (2, 2)


def test_a_crashed_worker_stops_the_run_and_a_rerun_finishes_it(tmp_path: Path) -> None:
    records = [
        *ARTICLES,
        {"id": "deadly", "text": f"{CRASH_MARK} now."},
        {"id": "after", "text": "Last one."},
    ]
    with pytest.raises(WorkerCrashError, match="rerun the same command to resume"):
        run(tmp_path, records, workers=1, factory=FakeCheckerFactory(crash_on_mark=True))
    partial = read_output(tmp_path / "out.jsonl")
    assert "deadly" not in partial
    result, output = run(tmp_path, records, workers=1)
    assert set(read_output(output)) == {record["id"] for record in records}
    assert result.skipped == len(partial)


def test_a_worker_that_cannot_build_its_checker_fails_the_run_in_one_line(tmp_path: Path) -> None:
    factory = FakeCheckerFactory(setup_error="store /nowhere does not exist")
    with pytest.raises(WorkerSetupError, match=r"^store /nowhere does not exist$"):
        run(tmp_path, ARTICLES, workers=1, factory=factory)
    assert (tmp_path / "out.jsonl").read_text() == ""


def test_gzipped_input_is_read(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl.gz"
    with gzip.open(source, "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(record) + "\n" for record in ARTICLES)
    result = batch_check(source, tmp_path / "out.jsonl", FakeCheckerFactory(), workers=1, progress=False)
    assert result.checked == 4


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            '{"id": "x", "text": "a"}\n{"id": "x", "text": "b"}\n',
            r"in.jsonl:2: duplicate id 'x' \(first on line 1\)",
        ),
        ('{"id": "x", "text": "a"}\n{"text": "b"}\n', r'in.jsonl:2: every article needs an "id"'),
        ('{"id": "x", "text": "a"}\n{"id": "y", \n', r"in.jsonl:2: not valid JSON"),
        ('["id", "x"]\n', r"in.jsonl:1: expected a JSON object, found list"),
        ("\n\n", r"holds no articles"),
    ],
)
def test_bad_input_fails_before_any_work(tmp_path: Path, content: str, message: str) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=message):
        batch_check(source, tmp_path / "out.jsonl", FakeCheckerFactory(), workers=1, progress=False)
    assert not (tmp_path / "out.jsonl").exists()


def test_an_output_that_is_not_ours_is_left_untouched(tmp_path: Path) -> None:
    output = tmp_path / "out.jsonl"
    output.write_text("id,text\n1,hello\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"out\.jsonl:1 is not a batch output line"):
        run(tmp_path, ARTICLES, workers=1)
    assert output.read_text(encoding="utf-8") == "id,text\n1,hello\n"


def test_two_runs_cannot_write_one_output(tmp_path: Path) -> None:
    with OutputJournal(tmp_path / "out.jsonl"), pytest.raises(InputError, match="another batch run"):
        run(tmp_path, ARTICLES, workers=1)


def test_engines_are_chosen_by_name_and_options_are_checked(tmp_path: Path) -> None:
    assert {"local", "ray"} <= set(ENGINES.names())
    with pytest.raises(ConfigError, match="unknown batch engine 'spark'"):
        run(tmp_path, ARTICLES, engine="spark")
    with pytest.raises(ConfigError, match="use it with --engine ray"):
        run(tmp_path, ARTICLES, address="ray://head:10001")
    with pytest.raises(ConfigError, match="--workers must be at least 1"):
        run(tmp_path, ARTICLES, workers=0)
