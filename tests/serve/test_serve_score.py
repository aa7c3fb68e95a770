"""POST /v1/score: claims judged each against its own evidence, answered at once."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from conftest import FakeChecker
from veracity.serve import create_app
from veracity.serve.schemas import MAX_SCORED_PAIRS

PAIRS = [
    {"id": "count", "claim": "The strike killed 40 people.", "evidence": "The strike killed 120 people."},
    {"claim": "The bridge opened in 2019.", "evidence": ["It rained.", "The bridge opened in 2019."]},
]


@pytest.fixture
def client(store_dir: Path) -> TestClient:
    app = create_app(
        store_dir,
        checker_factory=lambda _path, _verifier: FakeChecker(),
        verifier="slots-only",
        offered_verifiers=["embed-threshold"],
        token="secret",
    )
    with TestClient(app, headers={"Authorization": "Bearer secret"}) as started:
        yield started


def test_each_claim_is_judged_against_its_own_evidence(client: TestClient) -> None:
    response = client.post("/v1/score", json={"pairs": PAIRS})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["verifier"] == "slots-only"
    count, bridge = body["scores"]
    assert count["id"] == "count" and bridge["id"] is None
    assert count["label"] == "refuted" and count["reason"] == "evidence: 120; claim: 40"
    assert count["passage"] == PAIRS[0]["evidence"]
    assert set(bridge) == {"id", "label", "supported", "refuted", "not_enough_evidence", "reason", "passage"}
    assert count["supported"] + count["refuted"] + count["not_enough_evidence"] == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"pairs": []}, 422, "pairs: List should have at least 1 item"),
        ({"pairs": [{"claim": " ", "evidence": "x"}]}, 422, "claim is empty"),
        ({"pairs": [{"claim": "x"}]}, 422, "pairs.0.evidence: Field required"),
        ({"pairs": PAIRS * (MAX_SCORED_PAIRS // 2 + 1)}, 422, f"at most {MAX_SCORED_PAIRS} items"),
        ({"pairs": PAIRS, "verifier": "llm"}, 422, "'llm' is not offered by this server"),
    ],
)
def test_bad_requests_are_refused_with_the_reason(
    client: TestClient, body: dict[str, object], status: int, message: str
) -> None:
    response = client.post("/v1/score", json=body)
    assert response.status_code == status, response.text
    assert message in response.json()["detail"]


def test_scoring_needs_the_token(client: TestClient) -> None:
    response = client.post("/v1/score", json={"pairs": PAIRS}, headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401
