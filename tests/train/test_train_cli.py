"""`veracity train` passes a second round's starting weights and learning rate through to `train_model`."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest
from typer.testing import CliRunner

import veracity.train
from veracity.cli import app
from veracity.errors import InputError


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    seen: list[dict[str, object]] = []

    def fake_train_model(data_dir: Path, out_dir: Path, seed: int, max_minutes: float, **kwargs: object):
        seen.append({"seed": seed, "minutes": max_minutes, **kwargs})
        return SimpleNamespace(
            model_path=out_dir / "verifier-int8.onnx",
            model_megabytes=22.0,
            dev_balanced_accuracy={"wice": 0.7},
        )

    monkeypatch.setattr(veracity.train, "train_model", fake_train_model)
    return seen


def test_second_round_options_reach_train_model(tmp_path: Path, calls: list[dict[str, object]]) -> None:
    previous = tmp_path / "hf"
    previous.mkdir()
    (previous / "config.json").write_text("{}")
    args = ["train", "--out", str(tmp_path / "out"), "--data-dir", str(tmp_path), "--minutes", "30"]
    result = CliRunner().invoke(app, [*args, "--base-model", str(previous), "--learning-rate", "2e-5"])
    assert result.exit_code == 0, result.output
    assert "wice 0.700" in result.output
    (call,) = calls
    assert call["base_model"] == previous
    assert call["minutes"] == 30.0
    assert call["config"].learning_rate == 2e-5  # type: ignore[attr-defined]


def test_defaults_start_from_minilm(tmp_path: Path, calls: list[dict[str, object]]) -> None:
    result = CliRunner().invoke(app, ["train", "--out", str(tmp_path / "out"), "--data-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert calls[0]["base_model"] is None
    assert calls[0]["config"].learning_rate == 5e-5  # type: ignore[attr-defined]


def test_base_model_without_weights_is_an_input_error(tmp_path: Path, calls: list[dict[str, object]]) -> None:
    args = [
        "train",
        "--out",
        str(tmp_path / "out"),
        "--data-dir",
        str(tmp_path),
        "--base-model",
        str(tmp_path),
    ]
    result = CliRunner().invoke(app, args)
    assert isinstance(result.exception, InputError)
    assert "config.json" in str(result.exception)
    assert not calls
