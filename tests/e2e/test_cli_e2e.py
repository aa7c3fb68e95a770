"""End-to-end tests: the real `veracity` CLI on the bundled example and on generated bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

EXAMPLE_DATE = "2024-08-14"


def run_cli(
    *args: str | Path, stdin: bytes | None = None, timeout: float = 300, temp_dir: Path | None = None
) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "veracity", *map(str, args)]
    return subprocess.run(
        command,
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "TMPDIR": str(temp_dir)} if temp_dir else None,
    )


def assert_clean_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0].lower(), lines[0]


@pytest.fixture(scope="module")
def example_store(tmp_path_factory: pytest.TempPathFactory, examples_dir: Path) -> Path:
    store = tmp_path_factory.mktemp("store") / "example"
    result = run_cli("index", examples_dir / "evidence", "--store", store, "--quiet")
    assert result.returncode == 0, result.stderr
    return store


@pytest.fixture(scope="module")
def example_report(example_store: Path, examples_dir: Path) -> dict[str, Any]:
    result = run_cli(
        "check", examples_dir / "gaza_talks.txt", "--store", example_store, "--published", EXAMPLE_DATE
    )
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def claims_matching(report: dict[str, Any], *words: str) -> list[dict[str, Any]]:
    return [c for c in report["claims"] if all(word.lower() in c["text"].lower() for word in words)]


def test_reindex_skips_unchanged_files(example_store: Path, examples_dir: Path) -> None:
    result = run_cli("index", examples_dir / "evidence", "--store", example_store, "--quiet")
    assert result.returncode == 0, result.stderr
    assert "unchanged" in result.stdout


def test_report_follows_the_json_schema(example_report: dict[str, Any]) -> None:
    from jsonschema import Draft202012Validator

    printed = run_cli("schema")
    assert printed.returncode == 0, printed.stderr
    schema = json.loads(printed.stdout)
    assert [error.message for error in Draft202012Validator(schema).iter_errors(example_report)] == []
    assert set(example_report) == {"version", "verifier", "article", "claims", "summary"}
    assert example_report["verifier"] == {"name": "align", "options": {}}
    assert set(example_report["article"]) >= {"source", "title", "published", "text"}
    text = example_report["article"]["text"]
    assert example_report["claims"], "the example article has check-worthy claims"
    for claim in example_report["claims"]:
        assert {"id", "text", "start", "end", "sentence", "speaker", "checkworthiness", "verdict"} <= set(
            claim
        )
        assert claim["verdict"] in {"supported", "refuted", "not_enough_evidence", "conflicting"}
        assert 0.0 <= claim["confidence"] <= 1.0
        assert 0.0 <= claim["checkworthiness"] <= 1.0
        assert claim["reason"]
        assert 0 <= claim["start"] < claim["end"] <= len(text)
        assert text[claim["start"] : claim["end"]] in claim["sentence"]
        for item in claim["evidence"]:
            assert {"doc_id", "source", "title", "passage", "start", "end", "stance", "score"} <= set(item)
    assert example_report["summary"]["claims"] == len(example_report["claims"])


def test_invented_details_are_refuted_with_a_reason(example_report: dict[str, Any]) -> None:
    school = claims_matching(example_report, "92")
    assert school and all(c["verdict"] == "refuted" for c in school), school
    assert any("93" in c["reason"] or "tabi" in c["reason"].lower() for c in school), school
    toll = claims_matching(example_report, "2,300")
    assert toll and all(c["verdict"] == "refuted" for c in toll), toll


@pytest.mark.parametrize(
    "words",
    [("hamas", "not participate"), ("israel", "delegation"), ("since 2007",)],
)
def test_accurate_reporting_is_supported(example_report: dict[str, Any], words: tuple[str, ...]) -> None:
    matching = claims_matching(example_report, *words)
    assert matching, [c["text"] for c in example_report["claims"]]
    assert any(c["verdict"] == "supported" for c in matching), matching


def test_markdown_and_html_reports(example_store: Path, examples_dir: Path, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    result = run_cli(
        "check",
        examples_dir / "gaza_talks.txt",
        "--store",
        example_store,
        "--format",
        "html",
        "--output",
        page,
    )
    assert result.returncode == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert "refuted" in html and "<script src=" not in html
    markdown = run_cli(
        "check",
        "-",
        "--store",
        example_store,
        "--format",
        "markdown",
        stdin=b"".join([(examples_dir / "gaza_talks.txt").read_bytes()]),
    )
    assert markdown.returncode == 0, markdown.stderr
    assert "| " in markdown.stdout or "##" in markdown.stdout


def verdicts(report: dict[str, Any]) -> list[tuple[str, str]]:
    return [(claim["text"], claim["verdict"]) for claim in report["claims"]]


def test_evidence_files_judge_as_a_store_of_them_does(
    example_report: dict[str, Any], examples_dir: Path, tmp_path: Path
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    result = run_cli(
        "check",
        examples_dir / "gaza_talks.txt",
        "--evidence",
        examples_dir / "evidence",
        "--published",
        EXAMPLE_DATE,
        temp_dir=scratch,
    )
    assert result.returncode == 0, result.stderr
    assert verdicts(json.loads(result.stdout)) == verdicts(example_report)
    assert not list(scratch.glob("veracity-*")), "the temporary store was left behind"


def test_two_evidence_files_and_one_skipped(examples_dir: Path, tmp_path: Path) -> None:
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    result = run_cli(
        "check",
        examples_dir / "gaza_talks.txt",
        "--evidence",
        examples_dir / "evidence" / "al_tabiin_school_strike.md",
        "--evidence",
        binary,
        "--evidence",
        examples_dir / "evidence" / "hamas_declines_doha_round.md",
        "--published",
        EXAMPLE_DATE,
    )
    assert result.returncode == 0, result.stderr
    assert "skipped evidence" in result.stderr and "blob.txt" in result.stderr
    sources = {
        Path(item["source"]).name
        for claim in json.loads(result.stdout)["claims"]
        for item in claim["evidence"]
    }
    assert sources == {"al_tabiin_school_strike.md", "hamas_declines_doha_round.md"}


def test_store_and_evidence_are_one_or_the_other(
    example_store: Path, examples_dir: Path, tmp_path: Path
) -> None:
    article = examples_dir / "gaza_talks.txt"
    assert_clean_error(run_cli("check", article), "--store", "--evidence")
    assert_clean_error(
        run_cli("check", article, "--store", example_store, "--evidence", examples_dir / "evidence"),
        "not both",
    )
    assert_clean_error(run_cli("check", article, "--evidence", tmp_path / "absent.md"), "absent.md")
    assert_clean_error(run_cli("check", article, "--evidence", tmp_path), "no evidence text")


def test_fail_on_exits_5_after_writing_the_whole_report(
    example_store: Path, example_report: dict[str, Any], examples_dir: Path, tmp_path: Path
) -> None:
    article = examples_dir / "gaza_talks.txt"
    output = tmp_path / "report.json"
    failed = run_cli(
        "check",
        article,
        "--store",
        example_store,
        "--published",
        EXAMPLE_DATE,
        "--fail-on",
        "refuted",
        "--output",
        output,
    )
    refuted = [claim["id"] for claim in example_report["claims"] if claim["verdict"] == "refuted"]
    assert refuted, "the example has invented details to refute"
    assert failed.returncode == 5, failed.stderr
    assert verdicts(json.loads(output.read_text(encoding="utf-8"))) == verdicts(example_report)
    message = failed.stderr.strip().splitlines()[-1]
    assert message.startswith(f"veracity: {len(refuted)} of {len(example_report['claims'])} claims failed")
    assert all(f"{claim_id} refuted" in message for claim_id in refuted), message
    assert_clean_error(run_cli("check", article, "--store", example_store, "--fail-on", "wrong"), "--fail-on")


def test_score_judges_each_claim_against_its_own_evidence(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.jsonl"
    school = "An Israeli air strike hit the al-Tabi'in school in Gaza City. About 93 people were killed."
    records = [
        {
            "id": "school",
            "claim": "An Israeli strike on the Al-Mawasi school killed 92 people.",
            "evidence": school,
        },
        {
            "claim": "Hamas stayed away from the Doha talks.",
            "evidence": ["Hamas said it would not join the talks."],
        },
    ]
    pairs.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    output = tmp_path / "scores.jsonl"
    result = run_cli("score", pairs, "--output", output, "--verifier", "builtin")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("2 pairs scored (")
    scored = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in scored] == ["school", 2]
    assert scored[0]["label"] == "refuted" and "Al-Mawasi" in scored[0]["reason"]
    assert scored[0]["passage"] == school
    assert set(scored[1]) == {
        "id",
        "label",
        "supported",
        "refuted",
        "not_enough_evidence",
        "reason",
        "passage",
    }
    to_stdout = run_cli("score", pairs, "--verifier", "builtin")
    assert [json.loads(line) for line in to_stdout.stdout.splitlines()] == scored
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"claim": "Rain."}\n', encoding="utf-8")
    assert_clean_error(run_cli("score", bad), "bad.jsonl:1", "evidence")


def test_article_without_checkworthy_claims_gives_an_empty_report(
    example_store: Path, tmp_path: Path
) -> None:
    article = tmp_path / "opinion.txt"
    article.write_text("What a lovely day it is! Do you think we should go outside?\n", encoding="utf-8")
    result = run_cli("check", article, "--store", example_store, "--fail-on", "unsupported")
    assert result.returncode == 0, result.stderr  # nothing to fail the gate
    report = json.loads(result.stdout)
    assert report["claims"] == [] and report["summary"]["claims"] == 0


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("empty.txt", b"   \n\n", "empty"),
        ("binary.bin", bytes(range(256)) * 8, "binary"),
    ],
)
def test_bad_articles_get_one_line_errors(
    example_store: Path, tmp_path: Path, name: str, content: bytes, fragment: str
) -> None:
    article = tmp_path / name
    article.write_bytes(content)
    assert_clean_error(run_cli("check", article, "--store", example_store), fragment)


def test_oversized_article_is_refused(example_store: Path, tmp_path: Path) -> None:
    article = tmp_path / "huge.txt"
    sentence = b"The council approved a budget of 5 million dollars on Monday. "
    article.write_bytes(sentence * (50_000_000 // len(sentence)))
    assert_clean_error(run_cli("check", article, "--store", example_store), "limit")


def test_legacy_encoding_is_detected(example_store: Path, tmp_path: Path) -> None:
    article = tmp_path / "latin1.txt"
    article.write_bytes(
        "Le président a annoncé mercredi que 92 écoles étaient fermées à Genève.".encode("cp1252")
    )
    result = run_cli("check", article, "--store", example_store)
    assert result.returncode == 0, result.stderr
    assert "président" in json.loads(result.stdout)["article"]["text"]


def test_missing_article_and_store(example_store: Path, tmp_path: Path, examples_dir: Path) -> None:
    assert_clean_error(run_cli("check", tmp_path / "nope.txt", "--store", example_store), "nope.txt")
    assert_clean_error(
        run_cli("check", examples_dir / "gaza_talks.txt", "--store", tmp_path / "none"), "store"
    )


def test_corrupt_store_is_reported_and_left_alone(
    example_store: Path, tmp_path: Path, examples_dir: Path
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(example_store, broken)
    databases = sorted(p for p in broken.iterdir() if p.is_file() and p.stat().st_size > 0)
    target = max(databases, key=lambda p: p.stat().st_size)
    target.write_bytes(b"this is not a database" * 100)
    before = target.read_bytes()
    assert_clean_error(run_cli("check", examples_dir / "gaza_talks.txt", "--store", broken), "store")
    assert_clean_error(run_cli("index", examples_dir / "evidence", "--store", broken), "store")
    assert target.read_bytes() == before


def test_locked_store_refuses_a_second_writer(
    example_store: Path, tmp_path: Path, examples_dir: Path
) -> None:
    from veracity.store import Store

    locked = tmp_path / "locked"
    shutil.copytree(example_store, locked)
    with Store.open(locked):
        assert_clean_error(run_cli("index", examples_dir / "evidence", "--store", locked), "locked")
        reader = run_cli("check", examples_dir / "gaza_talks.txt", "--store", locked)
        assert reader.returncode == 0, reader.stderr


def test_bad_option_values(example_store: Path, examples_dir: Path) -> None:
    article = examples_dir / "gaza_talks.txt"
    assert_clean_error(
        run_cli("check", article, "--store", example_store, "--published", "yesterday"), "published"
    )
    assert_clean_error(run_cli("check", article, "--store", example_store, "--verifier", "nope"), "verifier")


def test_serve_command_answers_checks(example_store: Path, examples_dir: Path) -> None:
    import socket
    import time

    import httpx

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "veracity", "serve", "--store", str(example_store)),
            *("--port", str(port), "--offer", "builtin-fast"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not become healthy"
            time.sleep(0.5)
        article = (examples_dir / "gaza_talks.txt").read_text(encoding="utf-8")
        response = httpx.post(
            f"{base}/v1/checks?wait=true",
            json={"text": article, "published": EXAMPLE_DATE},
            timeout=120,
        )
        assert response.status_code == 200, response.text
        verdicts = {claim["verdict"] for claim in response.json()["report"]["claims"]}
        assert "refuted" in verdicts and "supported" in verdicts
        assert response.json()["verifier"] == "align"
        assert httpx.get(f"{base}/v1/verifiers").json() == {
            "default": "align",
            "verifiers": ["align", "builtin-fast"],
        }
        chosen = httpx.post(
            f"{base}/v1/checks?wait=true",
            json={"text": article, "published": EXAMPLE_DATE, "verifier": "builtin-fast"},
            timeout=120,
        )
        assert chosen.status_code == 200, chosen.text
        assert chosen.json()["verifier"] == "builtin-fast"
        report = chosen.json()["report"]
        assert report["verifier"] == {"name": "builtin-fast", "options": {}}
        assert all(len(claim["evidence"]) <= 1 for claim in report["claims"])
        school = (examples_dir / "evidence" / "al_tabiin_school_strike.md").read_text(encoding="utf-8")
        own = httpx.post(
            f"{base}/v1/checks?wait=true",
            json={"text": article, "published": EXAMPLE_DATE, "evidence": [{"text": school}]},
            timeout=120,
        )
        assert own.status_code == 200, own.text
        assert own.json()["evidence_documents"] == 1
        cited = {item["source"] for claim in own.json()["report"]["claims"] for item in claim["evidence"]}
        assert cited == {"evidence[0]"}, "judged against the sources sent, not the store"
        (toll,) = [claim for claim in own.json()["report"]["claims"] if "92" in claim["text"]]
        assert toll["verdict"] == "refuted" and "al-Tabi'in" in toll["reason"]
        scored = httpx.post(
            f"{base}/v1/score",
            json={"verifier": "builtin-fast", "pairs": [{"claim": toll["text"], "evidence": school}]},
            timeout=120,
        )
        assert scored.status_code == 200, scored.text
        (score,) = scored.json()["scores"]
        assert score["label"] == "refuted" and "Al-Mawasi" in score["reason"]
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_missing_store_for_serve_is_one_line(tmp_path: Path) -> None:
    assert_clean_error(run_cli("serve", "--store", tmp_path / "none", "--port", "1"), "store")


def test_builtin_fast_reads_each_claims_closest_passage(example_store: Path, examples_dir: Path) -> None:
    article = examples_dir / "gaza_talks.txt"
    common = ("check", article, "--store", example_store, "--published", EXAMPLE_DATE)
    result = run_cli(*common, "--verifier", "builtin-fast")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["verifier"] == {"name": "builtin-fast", "options": {}}
    claims = json.loads(result.stdout)["claims"]
    assert claims
    for claim in claims:
        assert len(claim["evidence"]) <= 1, claim  # only the passage read is cited
    assert any(" of 6 passages" in claim["reason"] for claim in claims)  # check retrieves 6 a claim
    optioned = run_cli(*common, "--verifier", "builtin", "--verifier-option", "passages_read=1")
    assert optioned.returncode == 0, optioned.stderr
    assert json.loads(optioned.stdout)["verifier"] == {"name": "builtin", "options": {"passages_read": "1"}}
    assert [c["verdict"] for c in json.loads(optioned.stdout)["claims"]] == [c["verdict"] for c in claims]
    assert_clean_error(
        run_cli(*common, "--verifier", "builtin", "--verifier-option", "passages_read=0"), "passages_read"
    )
    assert_clean_error(run_cli(*common, "--verifier-option", "passages_read"), "key=value")


def test_eval_reports_confusion_counts_in_json_and_under_the_table(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.jsonl"
    records = [
        ("1", "The strike killed 92 people.", "The strike killed 92 people.", "supported"),
        ("2", "The strike killed 92 people.", "The strike killed 30 people.", "refuted"),
        ("3", "Hamas skipped the talks in Doha.", "Bananas are yellow.", "not_enough_evidence"),
    ]
    pairs.write_text(
        "".join(
            json.dumps({"id": key, "claim": claim, "evidence": evidence, "label": label}) + "\n"
            for key, claim, evidence, label in records
        ),
        encoding="utf-8",
    )
    as_json = run_cli("eval", "--verifier", "slots-only", "--pairs", pairs, "--json")
    assert as_json.returncode == 0, as_json.stderr
    counts = json.loads(as_json.stdout)["confusion"]
    assert {gold: sum(row.values()) for gold, row in counts.items()} == {
        "supported": 1,
        "refuted": 1,
        "not_enough_evidence": 1,
    }
    table = run_cli("eval", "--verifier", "slots-only", "--pairs", pairs, "--confusion")
    assert table.returncode == 0, table.stderr
    for gold, row in counts.items():
        assert (
            f"| pairs | file | slots-only | {gold} | {' | '.join(map(str, row.values()))} |" in table.stdout
        )
    plain = run_cli("eval", "--verifier", "slots-only", "--pairs", pairs)
    assert "predicted refuted" not in plain.stdout


def test_a_bad_verifier_option_is_one_line(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text(
        json.dumps(
            {
                "id": "1",
                "claim": "Hamas skipped the talks.",
                "evidence": "Hamas skipped the talks.",
                "label": "supported",
            }
        )
        + "\n",
        encoding="utf-8",
    )
    result = run_cli(
        "eval", "--verifier", "builtin", "--pairs", pairs, "--verifier-option", "passages_read=none"
    )
    assert_clean_error(result, "passages_read")


def test_serve_builds_checkers_with_the_verifier_asked_for(example_store: Path) -> None:
    from veracity.errors import ConfigError
    from veracity.resources import Resources
    from veracity.serve.app import _real_checker_factory, _verifier_choices

    choices = _verifier_choices("builtin", {"passages_read": 2}, ["builtin-fast", "builtin:passages_read=3"])
    build = _real_checker_factory(Resources(), choices)
    with build(example_store, "builtin:passages_read=2") as checker:
        assert checker.verifier.name == "builtin"
        assert checker.verifier.pair_judge.passages_read == 2
    with build(example_store, "builtin-fast") as offered:
        assert offered.verifier.name == "builtin-fast"
        assert offered.verifier.pair_judge.passages_read == 1, "the default's options are its own"
    with build(example_store, "builtin:passages_read=3") as optioned:
        assert optioned.verifier_used.options == {"passages_read": "3"}
        assert optioned.verifier.pair_judge.passages_read == 3
    with pytest.raises(ConfigError, match="'llm' is not offered by this server any more"):
        build(example_store, "llm")
    assert_clean_error(
        run_cli(
            "serve", "--store", example_store, "--verifier", "builtin", "--verifier-option", "passages_read=x"
        ),
        "passages_read",
    )
    assert_clean_error(
        run_cli("serve", "--store", example_store, "--offer", "builtin-fast", "--offer", "nli-large"),
        "unknown verifier 'nli-large'",
    )
