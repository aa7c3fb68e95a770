"""End to end with the real Checker on the bundled example: local and Ray engines write the same reports."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from veracity.batch import WorkerSetupError, run_batch
from veracity.errors import InputError
from veracity.report import report_schema
from veracity.resources import Resources

pytestmark = pytest.mark.slow

# Model scores can shift in the second decimal between worker processes (up to 0.013 seen with the
# dynamic-int8 embedder, whose quantisation depends on the batch); everything else must match exactly.
SCORE_FIELDS = frozenset({"score", "confidence"})
SCORE_TOLERANCE = 0.05

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

GENERATED = [
    {
        "id": "boe",
        "title": "Rates cut",
        "published": "2024-08-02",
        "text": "The Bank of England cut Bank Rate from 5.25% to 4.5% on Thursday. "
        "Nine members of the Monetary Policy Committee voted for the cut. "
        "It was the first cut since March 2020.",
    },
    {
        "id": "doha",
        "published": "2024-08-17",
        "text": "Talks on a Gaza ceasefire were held in Doha on 15 and 16 August 2024. "
        "Qatar, Egypt and the United States acted as mediators. Hamas did not attend the talks.",
    },
    {
        "id": "olympics-html",
        "html": "<html><head><title>Games close</title></head><body><article><h1>Games close</h1>"
        "<p>The Paris Olympics closed on 11 August 2024 at the Stade de France.</p>"
        "<p>About 80,000 spectators attended the ceremony.</p></article></body></html>",
    },
    {"id": "empty", "text": "   "},
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from veracity.store import Store

    path = tmp_path_factory.mktemp("batch") / "store"
    with Store.open(path, create=True) as created:
        created.index_paths([EXAMPLES / "evidence"], Resources().embedder, progress=False)
    return path


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    example = {"id": "gaza", "text": (EXAMPLES / "gaza_talks.txt").read_text(encoding="utf-8")}
    path = tmp_path_factory.mktemp("batch") / "articles.jsonl"
    path.write_text("".join(json.dumps(record) + "\n" for record in [example, *GENERATED]), encoding="utf-8")
    return path


@pytest.fixture
def local_ray() -> Iterator[None]:
    ray = pytest.importorskip("ray", reason="the ray engine needs ray[data] (an optional extra)")
    ray.init(num_cpus=2, include_dashboard=False)
    try:
        yield
    finally:
        ray.shutdown()


def split_scores(value: Any) -> tuple[Any, list[float]]:
    """The report without its model scores, and those scores in document order."""
    scores: list[float] = []

    def strip(node: Any) -> Any:
        if isinstance(node, dict):
            kept = {}
            for key, item in sorted(node.items()):
                if key in SCORE_FIELDS:
                    scores.append(item)
                else:
                    kept[key] = strip(item)
            return kept
        if isinstance(node, list):
            return [strip(item) for item in node]
        return node

    return strip(value), scores


def reports(path: Path) -> dict[str, dict[str, object]]:
    return {line["id"]: line for line in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def test_local_and_ray_engines_agree_on_real_articles(
    store: Path, articles: Path, tmp_path: Path, local_ray: None
) -> None:
    local = run_batch(articles, tmp_path / "local.jsonl", store, engine="local", workers=2, progress=False)
    on_ray = run_batch(articles, tmp_path / "ray.jsonl", store, engine="ray", workers=2, progress=False)
    by_local, by_ray = reports(tmp_path / "local.jsonl"), reports(tmp_path / "ray.jsonl")
    local_shape, local_scores = split_scores(by_local)
    ray_shape, ray_scores = split_scores(by_ray)
    assert ray_shape == local_shape  # claims, verdicts, evidence, reasons: identical
    assert ray_scores == pytest.approx(local_scores, abs=SCORE_TOLERANCE)
    assert set(by_local) == {"gaza", "boe", "doha", "olympics-html", "empty"}
    assert by_local["empty"]["status"] == "error"
    assert (local.checked, local.errors) == (on_ray.checked, on_ray.errors) == (4, 1)
    gaza = by_local["gaza"]["report"]
    assert gaza["summary"]["claims"] > 0
    assert all(claim["evidence"] or claim["verdict"] == "not_enough_evidence" for claim in gaza["claims"])
    assert by_local["olympics-html"]["report"]["article"]["title"] == "Games close"


def test_a_missing_store_fails_the_run_in_one_line(articles: Path, tmp_path: Path) -> None:
    with pytest.raises(WorkerSetupError) as raised:
        run_batch(articles, tmp_path / "out.jsonl", tmp_path / "no-store", workers=1, progress=False)
    assert "no-store" in str(raised.value) and "\n" not in str(raised.value)
    assert not (tmp_path / "no-store").exists()  # a read-only checker never creates a store


def test_verifier_options_reach_every_worker(articles: Path, store: Path, tmp_path: Path) -> None:
    with pytest.raises(WorkerSetupError) as raised:
        run_batch(
            articles,
            tmp_path / "out.jsonl",
            store,
            workers=1,
            verifier="builtin",
            verifier_options={"passages_read": "none"},
            progress=False,
        )
    assert "passages_read" in str(raised.value) and "\n" not in str(raised.value)


def test_reports_follow_the_schema_and_a_resume_with_another_verifier_is_refused(
    articles: Path, store: Path, tmp_path: Path
) -> None:
    output = tmp_path / "out.jsonl"
    run_batch(articles, output, store, workers=1, progress=False)
    written = output.read_bytes()
    judged = [line["report"] for line in reports(output).values() if "report" in line]
    assert judged and all(report["verifier"] == {"name": "align", "options": {}} for report in judged)
    validator = Draft202012Validator(report_schema())
    assert [error.message for report in judged for error in validator.iter_errors(report)] == []
    with pytest.raises(InputError, match="holds reports judged by align; this run judges with builtin-fast"):
        run_batch(articles, output, store, workers=1, verifier="builtin-fast", progress=False)
    assert output.read_bytes() == written


def test_the_cli_gate_fails_a_batch_after_writing_every_report(
    articles: Path, store: Path, tmp_path: Path
) -> None:
    output = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "veracity", "batch", str(articles), "--store", str(store)]
    command += ["--output", str(output), "--workers", "1", "--quiet", "--fail-on", "refuted"]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 5, result.stderr
    written = reports(output)
    assert set(written) == {"gaza", "boe", "doha", "olympics-html", "empty"}
    refuted = {
        article: line["report"]["summary"]["refuted"]
        for article, line in written.items()
        if line["status"] == "ok" and line["report"]["summary"]["refuted"]
    }
    assert "gaza" in refuted  # the example's invented details
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith(f"veracity: {len(refuted)} of 5 articles have claims failing --fail-on refuted")
    assert "gaza (" in message and message.endswith("1 article could not be checked: empty")


def test_a_batch_without_a_store_checks_each_article_against_its_own_evidence(tmp_path: Path) -> None:
    school = (EXAMPLES / "evidence" / "al_tabiin_school_strike.md").read_text(encoding="utf-8")
    records = [
        {
            "id": "gaza",
            "published": "2024-08-14",
            "text": (EXAMPLES / "gaza_talks.txt").read_text(encoding="utf-8"),
            "evidence": [school, {"text": "Hamas said it would not join the Doha talks.", "id": "hamas"}],
        },
        {"id": "no-sources", "text": "The Bank of England cut rates on Thursday."},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    output = tmp_path / "out.jsonl"
    command = [sys.executable, "-m", "veracity", "batch", str(source), "--output", str(output)]
    result = subprocess.run(
        [*command, "--workers", "1", "--quiet"], capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    written = reports(output)
    assert written["no-sources"]["status"] == "error"
    assert "no 'evidence' and the run has no --store" in str(written["no-sources"]["error"])
    report: Any = written["gaza"]["report"]
    cited = {item["source"] for claim in report["claims"] for item in claim["evidence"]}
    assert cited <= {"evidence[0]", "evidence:hamas"} and "evidence[0]" in cited
    (toll,) = [claim for claim in report["claims"] if "92" in claim["text"]]
    assert toll["verdict"] == "refuted" and "al-Tabi'in" in toll["reason"]
    validator = Draft202012Validator(report_schema())
    assert [error.message for error in validator.iter_errors(report)] == []


def test_both_engines_check_lines_against_their_own_evidence_without_a_store(
    tmp_path: Path, local_ray: None
) -> None:
    school = (EXAMPLES / "evidence" / "al_tabiin_school_strike.md").read_text(encoding="utf-8")
    records = [
        {"id": "toll", "text": "A strike on the Al-Mawasi school killed 92 people.", "evidence": [school]},
        {"id": "bare", "text": "The Bank of England cut rates on Thursday."},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    outputs = {}
    for engine in ("local", "ray"):
        result = run_batch(
            source, tmp_path / f"{engine}.jsonl", None, engine=engine, workers=1, progress=False
        )
        assert (result.checked, result.errors) == (1, 1)
        outputs[engine] = split_scores(reports(tmp_path / f"{engine}.jsonl"))
    assert outputs["ray"][0] == outputs["local"][0]
    assert outputs["ray"][1] == pytest.approx(outputs["local"][1], abs=SCORE_TOLERANCE)
    toll: Any = reports(tmp_path / "ray.jsonl")["toll"]["report"]
    assert [claim["verdict"] for claim in toll["claims"]] == ["refuted"]
