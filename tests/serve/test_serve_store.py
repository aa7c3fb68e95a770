"""Evidence over HTTP against a real store: `POST /v1/documents` (JSON and uploads), `GET /v1/store`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import FakeChecker
from veracity.serve import create_app

pytestmark = pytest.mark.slow


def test_documents_are_added_and_counted(examples_dir: Path, tmp_path: Path) -> None:
    from veracity.resources import Resources
    from veracity.store import Store

    resources = Resources()
    store_path = tmp_path / "store"
    with Store.open(store_path, create=True) as store:
        store.index_paths([examples_dir / "evidence"], resources.embedder, progress=False)
        before = store.stats()
    app = create_app(store_path, resources=resources, checker_factory=lambda _path, _verifier: FakeChecker())
    with TestClient(app) as client:
        assert client.get("/v1/store").json()["documents"] == before["documents"]

        added = client.post(
            "/v1/documents",
            json={
                "documents": [
                    {
                        "id": "council-2024-05",
                        "text": "The city council approved a budget of 5 million dollars on 6 May 2024.",
                        "title": "Council budget",
                        "published": "2024-05-07",
                    },
                    {"html": "<html><body><p>The river bridge opened in March 2019.</p></body></html>"},
                ]
            },
        )
        assert added.status_code == 200, added.text
        assert added.json()["added"]["added"] == 2

        jsonl = "\n".join(
            json.dumps({"id": f"wire-{n}", "text": f"Wire report {n}: the port reopened on {n} June."})
            for n in (1, 2)
        )
        uploaded = client.post(
            "/v1/documents",
            files=[
                ("files", ("notes.md", b"# Harbour\n\nThe harbour was dredged in 2021.", "text/markdown")),
                ("files", ("wire.jsonl", jsonl.encode(), "application/json")),
            ],
        )
        assert uploaded.status_code == 200, uploaded.text
        assert uploaded.json()["received"] == 3

        after = client.get("/v1/store").json()
        assert after["documents"] == before["documents"] + 5
        assert after["passages"] > before["passages"]
