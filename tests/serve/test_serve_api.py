"""The HTTP API against a fake checker: status codes, job lifecycle, limits, auth, overrides and exports."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from conftest import ARTICLE, FakeChecker, submit, wait_finished
from veracity.errors import InputError, StoreError
from veracity.serve import create_app
from veracity.serve.db import JobDatabase, default_db_path
from veracity.types import Article

Client = Callable[..., TestClient]


def test_check_lifecycle(make_client: Client) -> None:
    client = make_client()
    response = client.post(
        "/v1/checks", json={"text": ARTICLE, "title": "Bridges", "published": "2024-08-14"}
    )
    assert response.status_code == 202
    job = response.json()
    assert response.headers["location"] == f"/v1/checks/{job['id']}"
    assert job["status"] in ("queued", "running", "succeeded")
    finished = wait_finished(client, job["id"])
    assert finished["status"] == "succeeded"
    assert finished["title"] == "Bridges"
    assert finished["published"] == "2024-08-14"
    assert finished["progress"] == {"done": 3, "total": 3}
    claims = finished["report"]["claims"]
    assert [c["verdict"] for c in claims] == ["supported", "refuted", "not_enough_evidence"]
    assert finished["summary"]["refuted"] == 1
    text = finished["report"]["article"]["text"]
    assert text[claims[1]["start"] : claims[1]["end"]] == "The river is false news."

    assert client.delete(f"/v1/checks/{job['id']}").status_code == 204
    assert client.get(f"/v1/checks/{job['id']}").status_code == 404
    assert client.delete(f"/v1/checks/{job['id']}").status_code == 404


def test_wait_returns_the_report(make_client: Client) -> None:
    client = make_client()
    response = client.post("/v1/checks?wait=true", json={"text": ARTICLE})
    assert response.status_code == 200
    assert response.json()["status"] == "succeeded"
    assert len(response.json()["report"]["claims"]) == 3


def test_html_input_is_read_as_a_page(make_client: Client) -> None:
    client = make_client()
    html = "<html><head><title>Page title</title></head><body><p>The river is false news.</p></body></html>"
    response = client.post("/v1/checks?wait=true", json={"html": html})
    assert response.status_code == 200
    job = response.json()
    assert job["input"] == "html"
    assert "<p>" not in job["report"]["article"]["text"]
    assert "The river is false news." in job["report"]["article"]["text"]


def test_list_is_newest_first_and_paginated(make_client: Client) -> None:
    client = make_client()
    ids = [submit(client, f"Sentence number {n} is here.")["id"] for n in range(5)]
    for job_id in ids:
        wait_finished(client, job_id)
    first = client.get("/v1/checks?limit=2").json()
    assert first["total"] == 5
    assert [item["id"] for item in first["items"]] == ids[::-1][:2]
    assert first["next_offset"] == 2
    last = client.get("/v1/checks?limit=2&offset=4").json()
    assert [item["id"] for item in last["items"]] == [ids[0]]
    assert last["next_offset"] is None
    assert "report" not in first["items"][0]
    assert client.get("/v1/checks?limit=0").status_code == 422


def test_validation_errors_are_clear(make_client: Client) -> None:
    client = make_client()
    cases = [
        ({}, "give exactly one of text, html or url"),
        ({"text": "a", "html": "<p>b</p>"}, "got text, html"),
        ({"text": "   "}, "text is empty"),
        ({"text": "A claim.", "published": "yesterday"}, "published:"),
        ({"text": "A claim.", "colour": "red"}, "colour:"),
    ]
    for body, expected in cases:
        response = client.post("/v1/checks", json=body)
        assert response.status_code == 422, body
        assert expected in response.json()["detail"], response.json()
    bad_json = client.post("/v1/checks", content=b'{"text": ', headers={"content-type": "application/json"})
    assert bad_json.status_code == 422
    assert "not valid JSON" in bad_json.json()["detail"]


def test_body_limit_gives_413(make_client: Client) -> None:
    client = make_client(max_body_bytes=2_000)
    too_big = client.post("/v1/checks", json={"text": "x " * 2_000})
    assert too_big.status_code == 413
    assert "limit" in too_big.json()["detail"]

    def chunks() -> Any:
        yield b'{"text": "'
        for _ in range(50):
            yield b"word " * 20
        yield b'"}'

    streamed = client.post("/v1/checks", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413
    assert client.get("/v1/checks").json()["total"] == 0


def test_full_queue_gives_429(make_client: Client) -> None:
    gate = threading.Event()
    client = make_client(FakeChecker(gate=gate), queue_size=1, workers=1)
    try:
        running = submit(client, "One sentence.")
        for _ in range(500):
            if client.get(f"/v1/checks/{running['id']}").json()["status"] == "running":
                break
            time.sleep(0.01)
        queued = submit(client, "Another sentence.")
        refused = client.post("/v1/checks", json={"text": "A third sentence."})
        assert refused.status_code == 429
        assert refused.headers["retry-after"]
        assert "queue is full" in refused.json()["detail"]
        stats = client.get("/healthz").json()["queue"]
        assert stats["pending"] == 1
        assert stats["running"] == 1
    finally:
        gate.set()
    assert wait_finished(client, running["id"])["status"] == "succeeded"
    assert wait_finished(client, queued["id"])["status"] == "succeeded"


def test_job_timeout_marks_failed(make_client: Client) -> None:
    gate = threading.Event()
    client = make_client(FakeChecker(gate=gate), job_timeout_s=0.2)
    try:
        job = submit(client, "One. Two. Three.")
        finished = wait_finished(client, job["id"])
    finally:
        gate.set()
    assert finished["status"] == "failed"
    assert "timed out" in finished["error"]
    time.sleep(0.05)
    assert client.get(f"/v1/checks/{job['id']}").json()["status"] == "failed"


def test_checker_errors_fail_the_job_with_their_message(make_client: Client) -> None:
    client = make_client(FakeChecker(fail_with=InputError("the article has no sentences")))
    job = wait_finished(client, submit(client)["id"])
    assert job["status"] == "failed"
    assert job["error"] == "the article has no sentences"


def test_deleting_a_running_job_stops_it(make_client: Client) -> None:
    gate = threading.Event()
    client = make_client(FakeChecker(gate=gate))
    job = submit(client, "One. Two.")
    assert client.delete(f"/v1/checks/{job['id']}").status_code == 204
    gate.set()
    follow = submit(client, "Three.")
    assert wait_finished(client, follow["id"])["status"] == "succeeded"
    assert client.get(f"/v1/checks/{job['id']}").status_code == 404


def test_token_guards_writes_only(make_client: Client) -> None:
    client = make_client(token="s3cret")
    assert client.post("/v1/checks", json={"text": ARTICLE}).status_code == 401
    wrong = client.post("/v1/checks", json={"text": ARTICLE}, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401
    assert wrong.headers["www-authenticate"] == "Bearer"
    ok = client.post("/v1/checks", json={"text": ARTICLE}, headers={"Authorization": "Bearer s3cret"})
    assert ok.status_code == 202
    job_id = ok.json()["id"]
    assert wait_finished(client, job_id)["status"] == "succeeded"
    assert client.get("/v1/checks").status_code == 200
    assert client.get("/healthz").json()["auth_required"] is True
    assert client.delete(f"/v1/checks/{job_id}").status_code == 401
    override = {"verdict": "supported", "note": "checked by phone"}
    assert client.put(f"/v1/checks/{job_id}/claims/c1/override", json=override).status_code == 401
    assert client.post("/v1/documents", json={"documents": []}).status_code == 401


def test_overrides_are_stored_and_exported(make_client: Client) -> None:
    client = make_client()
    job_id = wait_finished(client, submit(client, title="Bridges", published="2024-08-14")["id"])["id"]
    url = f"/v1/checks/{job_id}/claims/c2/override"
    assert client.put(url, json={"verdict": "maybe", "note": "x"}).status_code == 422
    assert client.put(url, json={"verdict": "supported", "note": "  "}).status_code == 422
    assert (
        client.put(
            f"/v1/checks/{job_id}/claims/c99/override", json={"verdict": "supported", "note": "x"}
        ).status_code
        == 404
    )
    saved = client.put(
        url,
        json={"verdict": "supported", "note": "Confirmed with the <b>river</b> authority", "editor": "Dana"},
    )
    assert saved.status_code == 200
    assert saved.json()["verdict"] == "supported"
    job = client.get(f"/v1/checks/{job_id}").json()
    assert job["overrides"]["c2"]["note"] == "Confirmed with the <b>river</b> authority"
    assert job["report"]["claims"][1]["verdict"] == "refuted"
    assert client.get("/v1/checks").json()["items"][0]["overrides"] == 1

    exported = client.get(f"/v1/checks/{job_id}/export?format=json")
    assert exported.headers["content-disposition"].startswith("attachment;")
    claims = exported.json()["report"]["claims"]
    assert claims[1]["final_verdict"] == "supported"
    assert claims[1]["verdict"] == "refuted"
    assert claims[1]["override"]["editor"] == "Dana"
    assert exported.json()["report"]["summary_final"]["refuted"] == 0

    markdown = client.get(f"/v1/checks/{job_id}/export?format=markdown")
    assert markdown.headers["content-type"].startswith("text/markdown")
    assert "Editor's override by Dana" in markdown.text
    assert "\\<b\\>river\\</b\\>" in markdown.text

    reviews = client.get(f"/v1/checks/{job_id}/export?format=claimreview")
    assert reviews.headers["content-type"].startswith("application/ld+json")
    data = reviews.json()
    assert [r["@type"] for r in data] == ["ClaimReview"] * 3
    assert all(r["@context"] == "https://schema.org" for r in data)
    first, second, third = data
    assert first["itemReviewed"]["author"] == {"@type": "Person", "name": "Alice"}
    assert first["itemReviewed"]["datePublished"] == "2024-08-14"
    assert first["reviewRating"]["alternateName"] == "Supported"
    assert first["reviewRating"]["ratingValue"] == 5
    assert second["reviewRating"]["alternateName"] == "Supported"
    assert second["reviewBody"] == "Confirmed with the <b>river</b> authority"
    assert second["author"] == {"@type": "Person", "name": "Dana"}
    assert "ratingValue" not in third["reviewRating"]
    assert third["claimReviewed"] == "The cost is unclear."

    assert client.get(f"/v1/checks/{job_id}/export?format=pdf").status_code == 422
    assert client.delete(url).status_code == 204
    assert client.delete(url).status_code == 404
    assert client.get(f"/v1/checks/{job_id}").json()["overrides"] == {}


def test_override_on_unfinished_check_is_a_conflict(make_client: Client) -> None:
    gate = threading.Event()
    client = make_client(FakeChecker(gate=gate))
    try:
        job = submit(client, "One.")
        response = client.put(
            f"/v1/checks/{job['id']}/claims/c1/override", json={"verdict": "refuted", "note": "n"}
        )
        assert response.status_code == 409
        assert client.get(f"/v1/checks/{job['id']}/export").status_code == 409
    finally:
        gate.set()


def test_restart_keeps_reports_and_overrides(make_client: Client, store_dir: Path) -> None:
    client = make_client()
    job_id = wait_finished(client, submit(client)["id"])["id"]
    client.put(f"/v1/checks/{job_id}/claims/c1/override", json={"verdict": "refuted", "note": "wrong year"})
    client.__exit__(None, None, None)
    restarted = make_client()
    job = restarted.get(f"/v1/checks/{job_id}").json()
    assert job["status"] == "succeeded"
    assert len(job["report"]["claims"]) == 3
    assert job["overrides"]["c1"]["note"] == "wrong year"


def test_jobs_left_running_by_a_dead_server_are_requeued_or_failed(
    make_client: Client, store_dir: Path
) -> None:
    db = JobDatabase(default_db_path(store_dir))
    queued = db.create_job(Article(text="Queued before the crash."), "text")
    interrupted = db.create_job(Article(text="Running at the crash."), "text")
    assert db.mark_running(interrupted.id) == 1
    exhausted = db.create_job(Article(text="Crashed the server twice."), "text")
    db.mark_running(exhausted.id)
    db.fail(exhausted.id, None, "placeholder")
    db._conn.execute("UPDATE jobs SET status = 'running', attempts = 2 WHERE id = ?", (exhausted.id,))
    db.close()

    client = make_client()
    assert wait_finished(client, queued.id)["status"] == "succeeded"
    rerun = wait_finished(client, interrupted.id)
    assert rerun["status"] == "succeeded"
    assert rerun["attempts"] == 2
    failed = client.get(f"/v1/checks/{exhausted.id}").json()
    assert failed["status"] == "failed"
    assert "server stopped" in failed["error"]


def test_page_and_docs_are_served(make_client: Client) -> None:
    client = make_client()
    page = client.get("/")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in page.text
    assert client.get("/assets/app.js").status_code == 200
    spec = client.get("/openapi.json").json()
    assert {"/v1/checks", "/v1/checks/{job_id}", "/v1/documents", "/v1/store", "/healthz"} <= set(
        spec["paths"]
    )
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.text.lower()
    assert client.get("/static-offline-docs/swagger-ui-bundle.js").status_code == 200


def test_private_urls_are_refused(make_client: Client) -> None:
    client = make_client()
    for url in (
        "http://127.0.0.1:8000/",
        "http://localhost/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.1.2.3/",
        "http://[::1]/",
        "file:///etc/passwd",
    ):
        response = client.post("/v1/checks", json={"url": url})
        assert response.status_code == 422, url
        assert response.json()["detail"].startswith("url:"), response.json()
    assert client.get("/v1/checks").json()["total"] == 0


def test_document_requests_are_validated(make_client: Client) -> None:
    client = make_client()
    empty = client.post("/v1/documents", json={"documents": []})
    assert empty.status_code == 422
    assert "documents" in empty.json()["detail"]
    both = client.post("/v1/documents", json={"documents": [{"text": "a", "html": "<p>a</p>"}]})
    assert both.status_code == 422
    assert "exactly one of text or html" in both.json()["detail"]
    upload = client.post("/v1/documents", files={"files": ("evil.exe", b"MZ", "application/octet-stream")})
    assert upload.status_code == 422
    assert "not an evidence format" in upload.json()["detail"]


def test_json_export_is_valid_utf8_json(make_client: Client) -> None:
    client = make_client()
    job_id = wait_finished(client, submit(client, "Zoë said the café is false.")["id"])["id"]
    body = client.get(f"/v1/checks/{job_id}/export").content
    assert json.loads(body.decode("utf-8"))["report"]["claims"][0]["speaker"] == "Zoë"


def test_a_checker_that_cannot_be_built_stops_the_start(store_dir: Path) -> None:
    def broken(_path: Path, _verifier: str) -> FakeChecker:
        raise StoreError(f"no evidence store at {_path}")

    app = create_app(store_dir, checker_factory=broken)
    with pytest.raises(StoreError, match="no evidence store"), TestClient(app):
        pass


def test_the_report_schema_is_served_and_reports_follow_it(make_client: Client) -> None:
    from jsonschema import Draft202012Validator

    from veracity.report import report_schema

    client = make_client()
    response = client.get("/v1/schemas/report")
    assert response.headers["content-type"].startswith("application/schema+json")
    assert response.json() == report_schema()
    report = wait_finished(client, submit(client)["id"])["report"]
    assert [error.message for error in Draft202012Validator(response.json()).iter_errors(report)] == []
