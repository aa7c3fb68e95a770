"""The llm, hf and baseline back-ends are reachable by name through the verifier registry."""

from __future__ import annotations

import pytest

from veracity.errors import ConfigError
from veracity.verify import VERIFIERS


def test_backends_are_registered() -> None:
    assert {"llm", "hf", "embed-threshold", "slots-only"} <= set(VERIFIERS.names())


def test_unconfigured_backends_fail_with_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VERACITY_HF_MODEL", raising=False)
    with pytest.raises(ConfigError, match="model directory"):
        VERIFIERS.create("hf")
    monkeypatch.delenv("VERACITY_LLM_MODEL", raising=False)
    monkeypatch.setenv("VERACITY_LLM_URL", "http://127.0.0.1:9/v1")
    monkeypatch.delenv("VERACITY_LLM_NAME", raising=False)
    with pytest.raises(ConfigError, match="model name"):
        VERIFIERS.create("llm")
