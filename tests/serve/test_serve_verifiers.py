"""Choosing the verifier per check: the offered list, the request field, the job record, and the job
database that remembers the choice across a restart and an upgrade."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import FakeChecker, submit, wait_finished
from veracity.checker import ProgressCallback
from veracity.errors import ConfigError, InputError, StoreError
from veracity.serve import create_app
from veracity.serve.db import SCHEMA_VERSION, JobDatabase, default_db_path
from veracity.types import Article, Report, VerifierUsed


class NamedFake(FakeChecker):
    """A fake checker whose reports name their verifier, as a real Checker's do."""

    def __init__(self, verifier: str) -> None:
        super().__init__()
        self.verifier = verifier

    def check(self, article: Article, progress: ProgressCallback | None = None) -> Report:
        report = super().check(article, progress)
        report.verifier = VerifierUsed(self.verifier)
        return report


class RecordingFactory:
    """Builds a fake checker per verifier name and remembers which names were built, in order."""

    def __init__(self, broken: frozenset[str] = frozenset()) -> None:
        self.built: list[str] = []
        self.broken = broken
        self._lock = threading.Lock()

    def __call__(self, _path: Path, verifier: str) -> FakeChecker:
        with self._lock:
            self.built.append(verifier)
        if verifier in self.broken:
            raise ConfigError(f"the {verifier} verifier needs a model directory")
        return NamedFake(verifier)


@pytest.fixture
def factory() -> RecordingFactory:
    return RecordingFactory()


@pytest.fixture
def client(store_dir: Path, factory: RecordingFactory) -> Iterator[TestClient]:
    app = create_app(
        store_dir,
        checker_factory=factory,
        verifier="builtin",
        offered_verifiers=["builtin-fast", "align", "builtin"],
    )
    with TestClient(app) as started:
        yield started


def test_the_default_comes_first_and_each_name_once(client: TestClient) -> None:
    assert client.get("/v1/verifiers").json() == {
        "default": "builtin",
        "verifiers": ["builtin", "builtin-fast", "align"],
    }


def test_only_the_default_is_built_at_start(client: TestClient, factory: RecordingFactory) -> None:
    assert factory.built == ["builtin"]


def test_a_check_runs_with_the_verifier_it_names(client: TestClient, factory: RecordingFactory) -> None:
    job = submit(client, verifier="builtin-fast")
    assert job["verifier"] == "builtin-fast"
    assert wait_finished(client, job["id"])["status"] == "succeeded"
    assert factory.built == ["builtin", "builtin-fast"]

    again = wait_finished(client, submit(client, verifier="builtin-fast")["id"])
    assert again["verifier"] == "builtin-fast"
    assert again["report"]["verifier"] == {"name": "builtin-fast", "options": {}}
    assert factory.built == ["builtin", "builtin-fast"], "a worker keeps the checker it built"
    exported = client.get(f"/v1/checks/{again['id']}/export", params={"format": "markdown"}).text
    assert " · verifier builtin-fast" in exported


def test_a_check_that_names_none_records_the_default(client: TestClient, factory: RecordingFactory) -> None:
    finished = wait_finished(client, submit(client)["id"])
    assert finished["verifier"] == "builtin"
    assert factory.built == ["builtin"]
    listed = client.get("/v1/checks").json()["items"][0]
    assert listed["verifier"] == "builtin"


def test_a_verifier_not_offered_is_refused_before_queueing(client: TestClient) -> None:
    response = client.post("/v1/checks", json={"text": "The bridge opened in 2019.", "verifier": "llm"})
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "verifier: 'llm' is not offered by this server (choose one of: builtin, builtin-fast, align)"
    )
    assert client.get("/v1/checks").json()["total"] == 0


def test_a_verifier_that_cannot_be_built_fails_its_check_only(store_dir: Path) -> None:
    factory = RecordingFactory(broken=frozenset({"hf"}))
    app = create_app(store_dir, checker_factory=factory, verifier="align", offered_verifiers=["hf"])
    with TestClient(app) as client:
        failed = wait_finished(client, submit(client, verifier="hf")["id"])
        assert failed["status"] == "failed"
        assert failed["error"] == "the hf verifier needs a model directory"
        assert wait_finished(client, submit(client)["id"])["status"] == "succeeded"
        assert client.get("/healthz").json()["status"] == "ok"


def test_a_verifier_may_be_offered_with_options(store_dir: Path) -> None:
    factory = RecordingFactory()
    app = create_app(
        store_dir,
        checker_factory=factory,
        verifier="builtin",
        verifier_options={"passages_read": 3},
        offered_verifiers=["builtin: passages_read=2 ", "builtin-fast", "builtin:passages_read=3"],
    )
    with TestClient(app) as client:
        assert client.get("/v1/verifiers").json() == {
            "default": "builtin:passages_read=3",
            "verifiers": ["builtin:passages_read=3", "builtin:passages_read=2", "builtin-fast"],
        }
        job = wait_finished(client, submit(client, verifier="builtin:passages_read=2")["id"])
        assert (job["status"], job["verifier"]) == ("succeeded", "builtin:passages_read=2")
        assert wait_finished(client, submit(client)["id"])["verifier"] == "builtin:passages_read=3"
    assert factory.built == ["builtin:passages_read=3", "builtin:passages_read=2"]


def test_a_malformed_offer_is_refused_at_start(store_dir: Path) -> None:
    with pytest.raises(InputError, match="verifier option 'passages_read' must look like key=value"):
        create_app(store_dir, checker_factory=RecordingFactory(), offered_verifiers=["builtin:passages_read"])


def test_an_unknown_offered_verifier_is_a_config_error(store_dir: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown verifier 'nli-large' \(known: .*builtin-fast"):
        create_app(store_dir, checker_factory=RecordingFactory(), offered_verifiers=["nli-large"])


def test_a_queued_check_keeps_its_verifier_across_a_restart(store_dir: Path) -> None:
    db = JobDatabase(default_db_path(store_dir))
    queued = db.create_job(Article(text="The bridge opened in 2019."), "text", "builtin-fast")
    db.close()
    factory = RecordingFactory()
    app = create_app(store_dir, checker_factory=factory, verifier="align", offered_verifiers=["builtin-fast"])
    with TestClient(app) as client:
        assert wait_finished(client, queued.id)["verifier"] == "builtin-fast"
    assert factory.built == ["align", "builtin-fast"]


V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '1');
CREATE TABLE jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, status TEXT NOT NULL,
    created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT, attempts INTEGER NOT NULL DEFAULT 0,
    input_kind TEXT NOT NULL, source TEXT NOT NULL, title TEXT, published TEXT, article_text TEXT NOT NULL,
    progress_done INTEGER NOT NULL DEFAULT 0, progress_total INTEGER, error TEXT, summary TEXT, report TEXT
);
INSERT INTO jobs (id, status, created_at, input_kind, source, article_text, summary, report)
VALUES ('old', 'succeeded', '2026-11-01T10:00:00.000Z', 'text', '-', 'The bridge opened in 2019.',
        '{"claims": 1}', '{"claims": []}');
INSERT INTO jobs (id, status, created_at, input_kind, source, article_text)
VALUES ('waiting', 'queued', '2026-11-01T10:01:00.000Z', 'text', '-', 'The river rose.');
"""


def test_a_version_1_database_is_upgraded_without_losing_a_job(store_dir: Path) -> None:
    path = default_db_path(store_dir)
    with sqlite3.connect(path) as conn:
        conn.executescript(V1_SCHEMA)
    conn.close()
    factory = RecordingFactory()
    app = create_app(store_dir, checker_factory=factory, verifier="align")
    with TestClient(app) as client:
        old = client.get("/v1/checks/old").json()
        assert (old["status"], old["verifier"], old["report"]) == ("succeeded", None, {"claims": []})
        waiting = wait_finished(client, "waiting")
        assert waiting["status"] == "succeeded", "a job queued before the upgrade runs on the default"
    assert factory.built == ["align"]
    with sqlite3.connect(path) as conn:
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    conn.close()
    assert int(version) == SCHEMA_VERSION


def test_a_database_from_a_newer_veracity_is_refused_untouched(store_dir: Path) -> None:
    path = default_db_path(store_dir)
    with sqlite3.connect(path) as conn:
        conn.executescript(V1_SCHEMA.replace("'schema_version', '1'", "'schema_version', '7'"))
    conn.close()
    with pytest.raises(StoreError, match=rf"schema version 7, this veracity reads {SCHEMA_VERSION}"):
        JobDatabase(path)
    with sqlite3.connect(path) as conn:
        columns = [row[1] for row in conn.execute("PRAGMA table_info(jobs)")]
    conn.close()
    assert "verifier" not in columns


def test_a_worker_rebuilds_each_verifiers_checker_once_the_store_changes() -> None:
    from veracity.serve.jobs import _WorkerCheckers

    factory = RecordingFactory()
    checkers = _WorkerCheckers(lambda name: factory(Path("store"), name))
    first = checkers.get("align", generation=0)
    fast = checkers.get("builtin-fast", generation=0)
    assert checkers.get("align", generation=0) is first
    assert factory.built == ["align", "builtin-fast"]

    fresh = checkers.get("builtin-fast", generation=1)
    assert fresh is not fast and fast.closed and not first.closed
    assert checkers.get("align", generation=1) is not first and first.closed
    assert factory.built == ["align", "builtin-fast", "builtin-fast", "align"]

    factory.broken = frozenset({"align"})
    kept = checkers.get("align", generation=2)
    assert not kept.closed, "a checker that cannot be rebuilt keeps serving on the old store"
    checkers.close()
    assert kept.closed and fresh.closed
