"""A check judged against evidence sent with it (`"evidence"` in POST /v1/checks) instead of the store."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import ARTICLE, FakeChecker, wait_finished
from fake_embedder import HashingEmbedder
from veracity.checker import ProgressCallback
from veracity.resources import Resources
from veracity.serve import create_app
from veracity.serve.db import SCHEMA_VERSION, JobDatabase, default_db_path
from veracity.serve.schemas import MAX_EVIDENCE_DOCUMENTS
from veracity.store import Store
from veracity.types import Article, Document, Report

SOURCES = [
    {"text": "The bridge opened in 2019 after four years of work.", "title": "Bridge opens"},
    {
        "html": "<html><body><p>The river is low this summer.</p></body></html>",
        "url": "https://example.org/r",
    },
]


class StoreReadingChecker(FakeChecker):
    """A fake that records what the store it was built over holds when it checks."""

    def __init__(self, path: Path, seen: list[dict[str, Any]]) -> None:
        super().__init__()
        self.path = path
        self.seen = seen

    def check(self, article: Article, progress: ProgressCallback | None = None) -> Report:
        with Store.open(self.path, read_only=True) as store:
            stats = store.stats()
            passages = store.get_passages(list(range(1, stats["passages"] + 1)))
        self.seen.append(
            {
                "path": self.path,
                "documents": stats["documents"],
                "sources": sorted({p.source for p in passages}),
            }
        )
        return super().check(article, progress)


@pytest.fixture
def resources() -> Resources:
    offline = Resources()
    offline.__dict__["embedder"] = HashingEmbedder()  # the scratch store embeds without the real model
    return offline


@pytest.fixture
def client_and_seen(store_dir: Path, resources: Resources) -> Any:
    seen: list[dict[str, Any]] = []
    built: list[Path] = []
    lock = threading.Lock()

    def factory(path: Path, _verifier: str) -> FakeChecker:
        with lock:
            built.append(path)
        return StoreReadingChecker(path, seen) if path != store_dir else FakeChecker()

    with TestClient(create_app(store_dir, checker_factory=factory, resources=resources)) as client:
        yield client, seen, built


def test_a_check_with_evidence_is_judged_against_those_documents_alone(
    client_and_seen: Any, store_dir: Path
) -> None:
    client, seen, built = client_and_seen
    response = client.post("/v1/checks", json={"text": ARTICLE, "evidence": SOURCES})
    assert response.status_code == 202, response.text
    assert response.json()["evidence_documents"] == 2
    job = wait_finished(client, response.json()["id"])
    assert job["status"] == "succeeded", job["error"]
    assert job["evidence_documents"] == 2 and job["report"]["summary"]["claims"] == 3
    (checked,) = seen
    assert checked["documents"] == 2
    assert checked["sources"] == ["evidence[0]", "https://example.org/r"]
    assert checked["path"] != store_dir and not checked["path"].exists(), "the scratch store is removed"
    exported = client.get(f"/v1/checks/{job['id']}/export", params={"format": "markdown"}).text
    assert "against 2 sources given with it" in exported.splitlines()[2]
    listed = client.get("/v1/checks").json()["items"][0]
    assert listed["evidence_documents"] == 2
    plain = wait_finished(client, client.post("/v1/checks", json={"text": ARTICLE}).json()["id"])
    assert plain["evidence_documents"] is None and len(seen) == 1, "a check without evidence uses the store"
    assert built.count(store_dir) == 1, "the worker's store checker is kept, the scratch ones are not"


@pytest.mark.parametrize(
    ("evidence", "message"),
    [
        ([], "evidence: List should have at least 1 item"),
        ([{"text": "  "}], "evidence.0: the document is empty"),
        ([{"text": "a", "html": "<p>b</p>"}], "evidence.0: give exactly one of text or html"),
        ([{"html": "<html><body><script>x()</script></body></html>"}], "evidence[0] is empty"),
        ([{"text": "fine"}] * (MAX_EVIDENCE_DOCUMENTS + 1), f"at most {MAX_EVIDENCE_DOCUMENTS} items"),
        ([{"text": "a", "id": "x"}, {"text": "b", "id": "x"}], "'x' is given more than once"),
    ],
)
def test_bad_evidence_is_refused_before_anything_is_queued(
    client_and_seen: Any, evidence: list[dict[str, str]], message: str
) -> None:
    client, _, _ = client_and_seen
    response = client.post("/v1/checks", json={"text": ARTICLE, "evidence": evidence})
    assert response.status_code == 422, response.text
    assert message in response.json()["detail"]
    assert client.get("/v1/checks").json()["total"] == 0


def test_a_queued_check_keeps_its_evidence_across_a_restart(store_dir: Path, resources: Resources) -> None:
    documents = [
        Document(
            doc_id="evidence-0", source="evidence[0]", text="The bridge opened in 2019.", title="Bridge"
        ),
    ]
    db = JobDatabase(default_db_path(store_dir))
    queued = db.create_job(Article(text=ARTICLE), "text", "align", documents)
    assert db.get_job(queued.id, with_evidence=True).evidence == tuple(documents)  # type: ignore[union-attr]
    assert db.get_job(queued.id).evidence == ()  # type: ignore[union-attr]  # a poll reads no documents
    db.close()
    seen: list[dict[str, Any]] = []
    app = create_app(
        store_dir,
        checker_factory=lambda path, _v: (
            StoreReadingChecker(path, seen) if path != store_dir else FakeChecker()
        ),
        resources=resources,
    )
    with TestClient(app) as client:
        assert wait_finished(client, queued.id)["status"] == "succeeded"
    assert [item["sources"] for item in seen] == [["evidence[0]"]]


def test_a_version_2_database_is_upgraded_keeping_its_jobs(store_dir: Path) -> None:
    path = default_db_path(store_dir)
    with sqlite3.connect(path) as conn:
        conn.executescript(
            """
            CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
            INSERT INTO meta VALUES ('schema_version', '2');
            CREATE TABLE jobs (
                seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, status TEXT NOT NULL,
                created_at TEXT NOT NULL, started_at TEXT, finished_at TEXT,
                attempts INTEGER NOT NULL DEFAULT 0, input_kind TEXT NOT NULL, source TEXT NOT NULL,
                title TEXT, published TEXT, article_text TEXT NOT NULL,
                progress_done INTEGER NOT NULL DEFAULT 0, progress_total INTEGER, error TEXT,
                summary TEXT, report TEXT, verifier TEXT
            );
            INSERT INTO jobs (id, status, created_at, input_kind, source, article_text, verifier)
            VALUES ('kept', 'succeeded', '2026-12-01T10:00', 'text', '-', 'The river rose.', 'builtin');
            """
        )
    conn.close()
    db = JobDatabase(path)
    kept = db.get_job("kept")
    assert kept is not None and kept.verifier == "builtin" and kept.evidence == ()
    assert kept.to_dict()["evidence_documents"] is None
    db.close()
    with sqlite3.connect(path) as conn:
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
    conn.close()
    assert int(version) == SCHEMA_VERSION == 3
