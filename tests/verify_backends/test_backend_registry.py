"""The llm, hf and baseline back-ends are reachable by name through the verifier registry."""

from __future__ import annotations

import pytest

from veracity.errors import ConfigError, InputError
from veracity.registry import Registry, format_spec, parse_options, parse_spec
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


def test_command_line_options_are_key_value_pairs() -> None:
    assert parse_options(["passages_read=2", " model_dir = /tmp/m "]) == {
        "passages_read": "2",
        "model_dir": "/tmp/m",
    }
    assert parse_options([]) == {}
    for malformed in ("passages_read", "=2"):
        with pytest.raises(InputError, match="key=value"):
            parse_options([malformed])


def test_an_option_a_back_end_does_not_take_is_a_config_error() -> None:
    things: Registry[str] = Registry("thing")

    @things.register("plain")
    def plain(size: int = 1) -> str:
        return "x" * size

    @things.register("broken")
    def broken() -> str:
        raise TypeError("a bug inside the factory")

    assert things.create("plain", size=2) == "xx"
    with pytest.raises(ConfigError, match="the thing 'plain' takes no option 'colour'"):
        things.create("plain", colour="red")
    with pytest.raises(TypeError, match="a bug"):  # not mistaken for a bad option
        things.create("broken")


def test_a_spec_names_a_back_end_and_its_options_in_one_string() -> None:
    assert parse_spec("builtin") == ("builtin", {})
    assert parse_spec(" builtin : passages_read=2, model_dir=/m ") == (
        "builtin",
        {"passages_read": "2", "model_dir": "/m"},
    )
    assert (
        format_spec("builtin", {"passages_read": "2", "model_dir": "/m"})
        == "builtin:model_dir=/m,passages_read=2"
    )
    assert format_spec(*parse_spec("builtin:passages_read=2")) == "builtin:passages_read=2"
    assert format_spec("align", {}) == "align"
    with pytest.raises(InputError, match="names no back-end"):
        parse_spec(":passages_read=2")
    with pytest.raises(InputError, match="must look like key=value"):
        parse_spec("builtin:passages_read")
