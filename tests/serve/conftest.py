"""Fixtures for the service tests: a fast fake checker, so API behaviour is tested without models."""

from __future__ import annotations

import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from veracity.checker import ProgressCallback
from veracity.serve import create_app
from veracity.types import Article, CheckedClaim, Claim, Report

_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
ARTICLE = "Alice said the bridge opened in 2019. The river is false news. The cost is unclear."


def wait_finished(client: TestClient, job_id: str) -> dict[str, Any]:
    """Poll like a client would; the bound only stops a broken server from hanging the suite."""
    for _ in range(500):
        job = client.get(f"/v1/checks/{job_id}").json()
        if job["status"] in ("succeeded", "failed"):
            return job
        time.sleep(0.01)
    raise AssertionError(f"job {job_id} never finished: {job}")


def submit(client: TestClient, text: str = ARTICLE, **extra: Any) -> dict[str, Any]:
    response = client.post("/v1/checks", json={"text": text, **extra})
    assert response.status_code == 202, response.text
    result: dict[str, Any] = response.json()
    return result


class FakeChecker:
    """One claim per sentence; a sentence with 'false' is refuted, 'unclear' lacks evidence, else supported.

    `gate`, when given, holds every check until it is set, so tests can see queued and running jobs.
    """

    def __init__(self, gate: threading.Event | None = None, fail_with: Exception | None = None) -> None:
        self.gate = gate
        self.fail_with = fail_with
        self.closed = False

    def check(self, article: Article, progress: ProgressCallback | None = None) -> Report:
        sentences = [m for m in _SENTENCE.finditer(article.text) if m.group().strip()]
        checked: list[CheckedClaim] = []
        for index, match in enumerate(sentences, start=1):
            if self.gate is not None:
                self.gate.wait(timeout=30)
            if self.fail_with is not None:
                raise self.fail_with
            sentence = match.group().strip()
            start = match.start() + match.group().index(sentence)
            lowered = sentence.lower()
            verdict = (
                "refuted"
                if "false" in lowered
                else "not_enough_evidence"
                if "unclear" in lowered
                else "supported"
            )
            speaker = sentence.split(" said", 1)[0] if " said" in sentence else None
            claim = Claim(
                id=f"c{index}",
                text=sentence,
                start=start,
                end=start + len(sentence),
                sentence=sentence,
                speaker=speaker,
            )
            checked.append(
                CheckedClaim(claim=claim, verdict=verdict, confidence=0.8, reason=f"fake: {verdict}")
            )
            if progress is not None:
                progress(index, len(sentences))
        return Report(article=article, claims=checked)

    def close(self) -> None:
        self.closed = True


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    path.mkdir()
    return path


@pytest.fixture
def make_client(store_dir: Path) -> Iterator[Callable[..., TestClient]]:
    """Build a started app with a fake checker; every client is closed (lifespan shut down) at teardown."""
    clients: list[TestClient] = []

    def build(checker: FakeChecker | None = None, **options: object) -> TestClient:
        fake = checker or FakeChecker()
        app = create_app(store_dir, checker_factory=lambda _path, _verifier: fake, **options)  # type: ignore[arg-type]
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        return client

    yield build
    for client in reversed(clients):
        client.__exit__(None, None, None)


@contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """Serve `app` with uvicorn on a free loopback port in a thread; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        while not server.started:
            if not thread.is_alive():
                raise RuntimeError("the test server did not start")
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def browser_page(tmp_path: Path) -> Iterator[Any]:
    """A page of Debian's headless Chromium with a fresh profile (Playwright drives it, downloads nothing)."""
    if not CHROMIUM.exists():
        pytest.skip("Chromium is not installed (apt-get install -y chromium chromium-driver)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1440, "height": 900},
        )
        try:
            page = context.new_page()
            page.set_default_timeout(30_000)
            yield page
        finally:
            context.close()
